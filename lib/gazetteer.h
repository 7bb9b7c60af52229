/* gazetteer.h: the name matcher. A trie over code points of folded names
 * (traditional folded to simplified, Latin lower-cased), whose first level is
 * a direct table so that the many positions where no name starts cost one
 * array read. */
#ifndef CHR_GAZETTEER_H
#define CHR_GAZETTEER_H
#include <stddef.h>
#include <stdint.h>
#include "cpmap.h"
#include "hash.h"
#include "text_normalize.h"
#include "utf8.h"
#include "vec.h"

enum {
    GAZ_LATIN = 1,   /* a Latin-script name: needs word boundaries */
    GAZ_CAP = 2,     /* written with a capital: the text must have one too */
    GAZ_ACRONYM = 4  /* US, UN, APEC: the text must match its case exactly */
};

enum { GAZ_WORD_BITS = 1 << 17, GAZ_PAIR_BITS = 1 << 19 };

typedef struct gaz_name {
    uint32_t entity;  /* index into the knowledge base */
    uint8_t flags;
    const char *orig; /* as written in the knowledge base (for case checks) */
    uint32_t orig_len;
} gaz_name;

typedef struct gaz_key {
    uint64_t head;     /* its first 8 bytes, big-endian: most comparisons end here */
    uint32_t off, len; /* the folded name in keys */
    uint32_t name;     /* index into names */
} gaz_key;

typedef struct gazetteer {
    uint32_t *root;   /* first code point (BMP) -> node, 0 none */
    uint8_t first_bits[0x10000 / 8]; /* the same as a bitmap, small enough to stay cached */
    uint8_t pair_bits[GAZ_PAIR_BITS / 8]; /* hashed first two code points: mostly "no" */
    uint8_t single_bits[0x10000 / 8]; /* names of a single code point */
    /* hashed first words of Latin names: most words of Vietnamese and
     * English prose open no name, and one bit says so before the walk */
    uint8_t word_bits[GAZ_WORD_BITS / 8];
    /* of those, names of one word (always walked), and hashed first two
     * words of the longer ones: nguyễn opens names, nguyễn văn only some */
    uint8_t single_word_bits[GAZ_WORD_BITS / 8];
    uint8_t two_word_bits[GAZ_WORD_BITS / 8];
    /* the trie, built once by gaz_finish from the sorted names: each node's
     * children sit side by side (sorted by code point), so a walk and the
     * build touch memory in order */
    uint32_t *term;   /* per node: name index + 1, 0 none */
    uint32_t *kids;   /* per node: index of its first child in kid_cp / kid_node */
    uint16_t *nkids;  /* per node: number of children */
    uint32_t *kid_cp, *kid_node;
    uint32_t nodes;
    void *trie_mem;   /* one mapping holds the five arrays above */
    size_t trie_bytes;
    int from_image;   /* mapped from a saved name index (gazetteer_image.h) */
    vec names;        /* gaz_name */
    vec keys;         /* bytes of the folded names, until gaz_finish */
    vec pending;      /* gaz_key, until gaz_finish */
} gazetteer;

typedef struct gaz_hit {
    size_t end;       /* fold offset just past the name */
    uint32_t name;    /* index into names */
} gaz_hit;

int gaz_init(gazetteer *g);
void gaz_free(gazetteer *g);
/* Adds a name (already folded: fold, n bytes) for entity; when a folded name
 * is added twice the first entity keeps it. Returns 0 or a negative
 * chr_status. Names count once gaz_finish has built the trie. */
int gaz_add(gazetteer *g, const char *fold, size_t n, uint32_t entity, uint8_t flags,
            const char *orig, size_t orig_len);
int gaz_finish(gazetteer *g);
/* Every name that starts at p, shortest first; returns how many (<= max). */
size_t gaz_walk(const gazetteer *g, const char *fold, size_t len, size_t p, gaz_hit *hits,
                size_t max);
static inline int gaz_can_start(const gazetteer *g, uint32_t cp)
{
    return cp < 0x10000 && g->root[cp] != 0;
}
static inline uint32_t gaz_pair_hash(uint32_t a, uint32_t b)
{
    /* 2^19 bits for ~20,000 pairs: few false "maybe"s, and 64 KB stays in cache */
    return ((a * 0x9E3779B1u) ^ (b * 0x85EBCA6Bu)) >> 13;
}
/* The next offset at or after p where a name may start (its first code
 * point is a first code point of some name); len when none. fold is valid
 * UTF-8, so lead bytes give lengths and no decoder call is needed. */
static inline size_t gaz_seek(const gazetteer *g, const char *fold, size_t len, size_t p)
{
    const unsigned char *s = (const unsigned char *)fold;
    const uint8_t *bits = g->first_bits;
    while (p < len) {
        unsigned b = s[p];
        uint32_t cp;
        size_t n;
        if (b < 0x80) {
            cp = b;
            n = 1;
        } else if (b < 0xE0) {
            cp = p + 1 < len ? ((b & 0x1Fu) << 6) | (s[p + 1] & 0x3Fu) : 0;
            n = 2;
        } else if (b < 0xF0) {
            cp = p + 2 < len ? ((b & 0x0Fu) << 12) | ((s[p + 1] & 0x3Fu) << 6) | (s[p + 2] & 0x3Fu) : 0;
            n = 3;
        } else {
            p += 4;
            continue;
        }
        if ((bits[cp >> 3] >> (cp & 7)) & 1)
            return p;
        p += n;
    }
    return len;
}

/* The end of the Latin word at p in folded text: letters, digits and
 * combining marks. Names and text are cut into words by this one rule. */
static inline size_t gaz_word_end(const char *fold, size_t len, size_t p)
{
    const unsigned char *u = (const unsigned char *)fold;
    size_t n;
    while (p < len) {
        unsigned b = u[p];
        if (b < 0x80) {
            if (!((b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || (b >= 'A' && b <= 'Z')))
                break;
            p++;
            continue;
        }
        uint32_t cp = utf8_at(fold, len, p, &n);
        if (!is_latin_letter(cp) && !(cp >= 0x300 && cp <= 0x36F))
            break;
        p += n;
    }
    return p;
}

static inline uint32_t gaz_word_hash(const char *w, size_t n)
{
    return (uint32_t)(fnv64(w, n) >> 20) & (GAZ_WORD_BITS - 1);
}

/* The start of the second word after a first word ending at e: a few ASCII
 * separators (space, hyphen, dot, apostrophe), never a newline; len when
 * there is none. */
static inline size_t gaz_second_word(const char *fold, size_t len, size_t e)
{
    size_t q = e;
    while (q < len && q - e < 3) {
        unsigned char b = (unsigned char)fold[q];
        if (b != ' ' && b != '-' && b != '.' && b != '\'')
            break;
        q++;
    }
    return q > e && q < len && gaz_word_end(fold, len, q) > q ? q : len;
}

static inline uint32_t gaz_two_word_hash(const char *fold, size_t a, size_t ae, size_t b, size_t be)
{
    return (uint32_t)(fnv64_add(fnv64(fold + a, ae - a) ^ 0x2F, fold + b, be - b) >> 20) &
           (GAZ_WORD_BITS - 1);
}

static inline int gaz_bit(const uint8_t *bits, uint32_t h)
{
    return (bits[h >> 3] >> (h & 7)) & 1;
}

/* false means no Latin name starts at the word fold[p..end) (and the words
 * after it) */
static inline int gaz_words_maybe(const gazetteer *g, const char *fold, size_t len, size_t p,
                                  size_t end)
{
    uint32_t h = gaz_word_hash(fold + p, end - p);
    if (!gaz_bit(g->word_bits, h))
        return 0;
    if (gaz_bit(g->single_word_bits, h))
        return 1;
    size_t q = gaz_second_word(fold, len, end);
    return q < len && gaz_bit(g->two_word_bits,
                              gaz_two_word_hash(fold, p, end, q, gaz_word_end(fold, len, q)));
}

/* false means no name starts with these two code points (a < 0x10000) */
static inline int gaz_pair_maybe(const gazetteer *g, uint32_t a, uint32_t b)
{
    uint32_t h = gaz_pair_hash(a, b);
    return ((g->pair_bits[h >> 3] >> (h & 7)) & 1) || ((g->single_bits[a >> 3] >> (a & 7)) & 1);
}
#endif
