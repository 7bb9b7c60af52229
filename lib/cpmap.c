#include "cpmap.h"
#include <stdlib.h>

void cpmap_init(cpmap *m)
{
    m->slots = NULL;
    m->cap = m->len = 0;
}

void cpmap_free(cpmap *m)
{
    free(m->slots);
    cpmap_init(m);
}

static int grow_to(cpmap *m, size_t cap)
{
    cpmap_slot *slots = calloc(cap, sizeof *slots);
    if (!slots)
        return -1;
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->slots[i].key)
            continue;
        size_t s = cpmap_slot_of(m->slots[i].key, cap);
        while (slots[s].key)
            s = (s + 1) & (cap - 1);
        slots[s] = m->slots[i];
    }
    free(m->slots);
    m->slots = slots;
    m->cap = cap;
    return 0;
}

int cpmap_reserve(cpmap *m, size_t n)
{
    size_t cap = 1024;
    while (cap < 2 * n)
        cap *= 2;
    return cap > m->cap ? grow_to(m, cap) : 0;
}

int cpmap_put(cpmap *m, uint64_t key, uint32_t val)
{
    if ((m->len + 1) * 2 > m->cap && grow_to(m, m->cap ? m->cap * 2 : 1024) < 0)
        return -1;
    uint64_t k = key + 1;
    size_t s = cpmap_slot_of(k, m->cap);
    while (m->slots[s].key && m->slots[s].key != k)
        s = (s + 1) & (m->cap - 1);
    if (!m->slots[s].key)
        m->len++;
    m->slots[s].key = k;
    m->slots[s].val = val;
    return 0;
}
