/* strtab.h: interned strings. The folder index stores ids, names, dates and
 * paths once each and refers to them by number, which keeps it small in
 * memory and in its cache file. Index 0 is always "". */
#ifndef CHR_STRTAB_H
#define CHR_STRTAB_H
#include <stddef.h>
#include <stdint.h>
#include "cpmap.h"
#include "vec.h"

typedef struct strtab {
    vec strs;   /* char*, owned */
    vec lens;   /* uint32_t */
    cpmap map;  /* salted hash -> index */
} strtab;

int strtab_init(strtab *t);
void strtab_free(strtab *t);
/* The index of s (n bytes), adding it when new; UINT32_MAX when out of memory. */
uint32_t strtab_intern(strtab *t, const char *s, size_t n);
/* The index of s when present, else UINT32_MAX. */
uint32_t strtab_find(const strtab *t, const char *s, size_t n);
static inline const char *strtab_get(const strtab *t, uint32_t i)
{
    return i < t->strs.len ? ((char *const *)t->strs.data)[i] : "";
}
static inline uint32_t strtab_len(const strtab *t, uint32_t i)
{
    return i < t->lens.len ? ((const uint32_t *)t->lens.data)[i] : 0;
}
#endif
