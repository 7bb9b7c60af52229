#include "arena.h"
#include "mem_hint.h"
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct arena_block {
    arena_block *next;
    size_t used, cap;
    max_align_t data[];
};

struct arena_cache {
    pthread_mutex_t lock;
    int refs;
    arena_block *free; /* kept blocks, any size */
    size_t bytes, keep;
};

arena_cache *arena_cache_new(size_t keep)
{
    arena_cache *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    if (pthread_mutex_init(&c->lock, NULL)) {
        free(c);
        return NULL;
    }
    c->refs = 1;
    c->keep = keep;
    return c;
}

static void free_chain(arena_block *b)
{
    while (b) {
        arena_block *n = b->next;
        free(b);
        b = n;
    }
}

void arena_cache_trim(arena_cache *c)
{
    if (!c)
        return;
    pthread_mutex_lock(&c->lock);
    arena_block *b = c->free;
    c->free = NULL;
    c->bytes = 0;
    pthread_mutex_unlock(&c->lock);
    free_chain(b);
}

static void cache_retain(arena_cache *c)
{
    pthread_mutex_lock(&c->lock);
    c->refs++;
    pthread_mutex_unlock(&c->lock);
}

void arena_cache_release(arena_cache *c)
{
    if (!c)
        return;
    pthread_mutex_lock(&c->lock);
    int last = --c->refs == 0;
    pthread_mutex_unlock(&c->lock);
    if (last) {
        free_chain(c->free);
        pthread_mutex_destroy(&c->lock);
        free(c);
    }
}

/* A kept block of at least cap bytes, or NULL. */
static arena_block *cache_take(arena_cache *c, size_t cap)
{
    pthread_mutex_lock(&c->lock);
    arena_block **pp = &c->free, *b = NULL;
    for (; *pp; pp = &(*pp)->next)
        if ((*pp)->cap >= cap) {
            b = *pp;
            *pp = b->next;
            c->bytes -= b->cap;
            break;
        }
    pthread_mutex_unlock(&c->lock);
    return b;
}

void arena_init(arena *a, size_t block_size, arena_cache *cache)
{
    a->head = NULL;
    a->block_size = block_size ? block_size : 8192;
    a->cache = cache;
    if (cache)
        cache_retain(cache);
}

void arena_free(arena *a)
{
    arena_block *b = a->head, *drop = NULL;
    arena_cache *c = a->cache;
    if (c)
        pthread_mutex_lock(&c->lock);
    while (b) {
        arena_block *n = b->next;
        if (c && c->bytes + b->cap <= c->keep) {
            b->next = c->free;
            c->free = b;
            c->bytes += b->cap;
        } else {
            b->next = drop;
            drop = b;
        }
        b = n;
    }
    if (c)
        pthread_mutex_unlock(&c->lock);
    free_chain(drop);
    a->head = NULL;
    a->cache = NULL;
    arena_cache_release(c);
}

void *arena_alloc(arena *a, size_t n)
{
    const size_t align = sizeof(max_align_t);
    n = (n + align - 1) / align * align;
    if (n == 0)
        n = align;
    arena_block *b = a->head;
    if (b)
        b->used = (b->used + align - 1) / align * align; /* after packed strings */
    if (!b || b->used > b->cap || b->cap - b->used < n) {
        size_t cap = n > a->block_size ? n : a->block_size;
        b = a->cache ? cache_take(a->cache, cap) : NULL;
        if (!b) {
            b = malloc(sizeof(*b) + cap);
            if (!b)
                return NULL;
            mem_hint_huge(b, sizeof(*b) + cap);
            b->cap = cap;
        }
        b->used = 0;
        b->next = a->head;
        a->head = b;
    }
    void *p = (char *)b->data + b->used;
    b->used += n;
    return p;
}

/* Bytes without alignment: strings pack tight (fewer pages to touch). */
static char *alloc_bytes(arena *a, size_t n)
{
    arena_block *b = a->head;
    if (b && b->cap - b->used >= n) {
        char *p = (char *)b->data + b->used;
        b->used += n;
        return p;
    }
    return arena_alloc(a, n);
}

char *arena_strndup(arena *a, const char *s, size_t n)
{
    char *p = alloc_bytes(a, n + 1);
    if (!p)
        return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *arena_strdup(arena *a, const char *s)
{
    return arena_strndup(a, s, strlen(s));
}
