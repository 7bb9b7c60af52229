#include "strtab.h"
#include "hash.h"
#include <stdlib.h>
#include <string.h>

static uint64_t hash(const char *s, size_t n, uint64_t salt)
{
    return fnv64_add(FNV64_OFFSET ^ salt, s, n) >> 1; /* cpmap keys leave room for +1 */
}

int strtab_init(strtab *t)
{
    vec_init(&t->strs, sizeof(char *));
    vec_init(&t->lens, sizeof(uint32_t));
    cpmap_init(&t->map);
    return strtab_intern(t, "", 0) == 0 ? 0 : -1;
}

void strtab_free(strtab *t)
{
    for (size_t i = 0; i < t->strs.len; i++)
        free(((char **)t->strs.data)[i]);
    vec_free(&t->strs);
    vec_free(&t->lens);
    cpmap_free(&t->map);
}

/* a hash that two strings share is salted again until it is free or found */
static int lookup(const strtab *t, const char *s, size_t n, uint64_t *key, uint32_t *idx)
{
    for (uint64_t salt = 0;; salt++) {
        uint64_t k = hash(s, n, salt * 0x9E3779B97F4A7C15ULL);
        uint32_t v;
        if (!cpmap_get(&t->map, k, &v)) {
            *key = k;
            return 0;
        }
        if (strtab_len(t, v) == n && !memcmp(strtab_get(t, v), s, n)) {
            *idx = v;
            return 1;
        }
    }
}

uint32_t strtab_find(const strtab *t, const char *s, size_t n)
{
    uint64_t k;
    uint32_t v;
    return lookup(t, s, n, &k, &v) ? v : UINT32_MAX;
}

uint32_t strtab_intern(strtab *t, const char *s, size_t n)
{
    uint64_t k;
    uint32_t v;
    if (lookup(t, s, n, &k, &v))
        return v;
    if (n > UINT32_MAX - 1 || t->strs.len >= UINT32_MAX - 1)
        return UINT32_MAX;
    char *copy = malloc(n + 1);
    char **slot = copy ? vec_push(&t->strs) : NULL;
    uint32_t *ls = slot ? vec_push(&t->lens) : NULL;
    if (!ls) {
        if (slot)
            t->strs.len--;
        free(copy);
        return UINT32_MAX;
    }
    memcpy(copy, s, n);
    copy[n] = '\0';
    *slot = copy;
    *ls = (uint32_t)n;
    v = (uint32_t)(t->strs.len - 1);
    if (cpmap_put(&t->map, k, v) < 0) {
        t->strs.len--;
        t->lens.len--;
        free(copy);
        return UINT32_MAX;
    }
    return v;
}
