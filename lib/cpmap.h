/* cpmap.h: a read-only-after-build hash map from code point (or code point
 * pair) to code point, for the folding tables. */
#ifndef CHR_CPMAP_H
#define CHR_CPMAP_H
#include <stddef.h>
#include <stdint.h>

typedef struct cpmap {
    uint64_t *keys;   /* 0 = empty; key is stored +1 */
    uint32_t *vals;
    size_t cap, len;
} cpmap;

void cpmap_init(cpmap *m);
void cpmap_free(cpmap *m);
int cpmap_put(cpmap *m, uint64_t key, uint32_t val); /* 0 or -1 on no memory */
/* Returns 1 and sets *val when the key is present. */
int cpmap_get(const cpmap *m, uint64_t key, uint32_t *val);
#endif
