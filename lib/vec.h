/* vec.h: a growable array of fixed-size items with checked growth. */
#ifndef CHR_VEC_H
#define CHR_VEC_H
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "mem_hint.h"

typedef struct vec {
    void *data;
    size_t len, cap, item;
} vec;

static inline void vec_init(vec *v, size_t item)
{
    v->data = NULL;
    v->len = v->cap = 0;
    v->item = item;
}

static inline void vec_free(vec *v)
{
    free(v->data);
    v->data = NULL;
    v->len = v->cap = 0;
}

/* Makes room for n items in all; 0, or -1 when out of memory. */
static inline int vec_reserve(vec *v, size_t n)
{
    if (n <= v->cap)
        return 0;
    if (n > ((size_t)-1) / v->item)
        return -1;
    void *d = realloc(v->data, n * v->item);
    if (!d)
        return -1;
    v->data = d;
    v->cap = n;
    mem_hint_huge(d, n * v->item);
    return 0;
}

/* Returns a pointer to a new zeroed slot at the end, or NULL when out of memory. */
static inline void *vec_push(vec *v)
{
    if (v->len == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 16;
        if (cap > ((size_t)-1) / v->item)
            return NULL;
        void *d = realloc(v->data, cap * v->item);
        if (!d)
            return NULL;
        v->data = d;
        v->cap = cap;
        mem_hint_huge(d, cap * v->item);
    }
    void *slot = (char *)v->data + v->len * v->item;
    memset(slot, 0, v->item);
    v->len++;
    return slot;
}

#define VEC_AT(v, type, i) (((type *)(v)->data)[i])
#endif
