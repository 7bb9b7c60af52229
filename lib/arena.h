/* arena.h: a bump allocator that owns every string of one result, so a result
 * is freed in one call and a failed allocation never leaves half a result. */
#ifndef CHR_ARENA_H
#define CHR_ARENA_H
#include <stddef.h>

typedef struct arena_block arena_block;
typedef struct arena {
    arena_block *head;
    size_t block_size;
} arena;

void arena_init(arena *a, size_t block_size);
void arena_free(arena *a);
void *arena_alloc(arena *a, size_t n);
char *arena_strndup(arena *a, const char *s, size_t n);
char *arena_strdup(arena *a, const char *s);
#endif
