/* cpmap.h: a hash map from a 63-bit key (a code point, a pair of them, or a
 * hash) to a 32-bit value; written while an engine loads, read-only after.
 * Key and value share a slot so that a lookup costs one cache line. */
#ifndef CHR_CPMAP_H
#define CHR_CPMAP_H
#include <stddef.h>
#include <stdint.h>

typedef struct cpmap_slot {
    uint64_t key; /* stored +1; 0 = empty */
    uint32_t val;
} cpmap_slot;

typedef struct cpmap {
    cpmap_slot *slots;
    size_t cap, len;
} cpmap;

void cpmap_init(cpmap *m);
void cpmap_free(cpmap *m);
int cpmap_put(cpmap *m, uint64_t key, uint32_t val); /* 0 or -1 on no memory */
/* Makes room for n entries without rehashing; 0 or -1 on no memory. */
int cpmap_reserve(cpmap *m, size_t n);

static inline size_t cpmap_slot_of(uint64_t k, size_t cap)
{
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    return (size_t)k & (cap - 1);
}

/* Returns 1 and sets *val when the key is present. */
static inline int cpmap_get(const cpmap *m, uint64_t key, uint32_t *val)
{
    if (!m->cap)
        return 0;
    uint64_t k = key + 1;
    size_t s = cpmap_slot_of(k, m->cap);
    while (m->slots[s].key) {
        if (m->slots[s].key == k) {
            *val = m->slots[s].val;
            return 1;
        }
        s = (s + 1) & (m->cap - 1);
    }
    return 0;
}

/* Visits every entry (for building derived tables). */
#define CPMAP_EACH(m, i) for (size_t i = 0; i < (m)->cap; i++) if ((m)->slots[i].key)
#endif
