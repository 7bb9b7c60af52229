/* hash.h: FNV-1a, 64 bits: the one string hash of the library (string
 * tables, cache checksums, generated ids, word filters). Stable across
 * versions: ids and caches written with it stay valid. */
#ifndef CHR_HASH_H
#define CHR_HASH_H
#include <stddef.h>
#include <stdint.h>

#define FNV64_OFFSET 0xcbf29ce484222325ULL

/* Continues hash h over n more bytes. */
static inline uint64_t fnv64_add(uint64_t h, const void *p, size_t n)
{
    const unsigned char *s = p;
    for (size_t i = 0; i < n; i++) {
        h ^= s[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

static inline uint64_t fnv64(const void *p, size_t n)
{
    return fnv64_add(FNV64_OFFSET, p, n);
}
#endif
