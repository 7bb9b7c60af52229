/* arena.h: a bump allocator that owns every string of one result, so a result
 * is freed in one call and a failed allocation never leaves half a result.
 *
 * An arena may draw its blocks from a cache shared by many arenas (the
 * engine's): freed blocks go back to it, so the next result reuses memory
 * that is already mapped instead of faulting in fresh pages. The cache is
 * reference-counted: it lives until its creator and every arena using it
 * let go, in any order. */
#ifndef CHR_ARENA_H
#define CHR_ARENA_H
#include <stddef.h>

typedef struct arena_block arena_block;
typedef struct arena_cache arena_cache;
typedef struct arena {
    arena_block *head;
    size_t block_size;
    arena_cache *cache; /* NULL: blocks come from malloc and go back to free */
} arena;

/* A cache keeping at most keep bytes of free blocks; NULL when out of memory.
 * The caller holds one reference. */
arena_cache *arena_cache_new(size_t keep);
void arena_cache_release(arena_cache *c);
/* Frees the blocks the cache keeps. */
void arena_cache_trim(arena_cache *c);

/* cache may be NULL; the arena holds a reference to it until arena_free. */
void arena_init(arena *a, size_t block_size, arena_cache *cache);
void arena_free(arena *a);
void *arena_alloc(arena *a, size_t n);
char *arena_strndup(arena *a, const char *s, size_t n);
char *arena_strdup(arena *a, const char *s);
#endif
