#include "cpmap.h"
#include <stdlib.h>

static size_t slot_of(uint64_t k, size_t cap)
{
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    return (size_t)k & (cap - 1);
}

void cpmap_init(cpmap *m)
{
    m->keys = NULL;
    m->vals = NULL;
    m->cap = m->len = 0;
}

void cpmap_free(cpmap *m)
{
    free(m->keys);
    free(m->vals);
    cpmap_init(m);
}

static int grow(cpmap *m)
{
    size_t cap = m->cap ? m->cap * 2 : 1024;
    uint64_t *keys = calloc(cap, sizeof *keys);
    uint32_t *vals = calloc(cap, sizeof *vals);
    if (!keys || !vals) {
        free(keys);
        free(vals);
        return -1;
    }
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->keys[i])
            continue;
        size_t s = slot_of(m->keys[i], cap);
        while (keys[s])
            s = (s + 1) & (cap - 1);
        keys[s] = m->keys[i];
        vals[s] = m->vals[i];
    }
    free(m->keys);
    free(m->vals);
    m->keys = keys;
    m->vals = vals;
    m->cap = cap;
    return 0;
}

int cpmap_put(cpmap *m, uint64_t key, uint32_t val)
{
    if ((m->len + 1) * 2 > m->cap && grow(m) < 0)
        return -1;
    uint64_t k = key + 1;
    size_t s = slot_of(k, m->cap);
    while (m->keys[s] && m->keys[s] != k)
        s = (s + 1) & (m->cap - 1);
    if (!m->keys[s])
        m->len++;
    m->keys[s] = k;
    m->vals[s] = val;
    return 0;
}

int cpmap_get(const cpmap *m, uint64_t key, uint32_t *val)
{
    if (!m->cap)
        return 0;
    uint64_t k = key + 1;
    size_t s = slot_of(k, m->cap);
    while (m->keys[s]) {
        if (m->keys[s] == k) {
            *val = m->vals[s];
            return 1;
        }
        s = (s + 1) & (m->cap - 1);
    }
    return 0;
}
