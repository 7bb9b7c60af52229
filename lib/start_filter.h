/* start_filter.h: which characters and words can open a date expression.
 * Built once per engine from the scanners' own keyword tables, it lets the
 * driver skip the overwhelming majority of positions with one lookup. */
#ifndef CHR_START_FILTER_H
#define CHR_START_FILTER_H
#include <stddef.h>
#include <stdint.h>
#include "cpmap.h"

/* Latin keywords by their first words: a word that opens an expression by
 * itself, a pair of words that does, or a prefix (early, từ, the) that does
 * before a number or another opener. Values are hashes of folded words. */
typedef struct start_words {
    cpmap alone, pairs, prefix, pair_first;
} start_words;

typedef struct start_filter {
    uint8_t cjk[0xA000 / 8]; /* first code points of Chinese keywords */
    uint8_t cjk_alone[0xA000 / 8]; /* ... of one-character keywords (每, numerals) */
    cpmap cjk_pairs;         /* first two code points of longer keywords */
    start_words vi, en;      /* Vietnamese and English keywords */
    uint64_t zh_sketch[8];   /* see zh_build_sketches */
} start_filter;

int start_filter_build(start_filter *f); /* 0 or a negative chr_status */
void start_filter_free(start_filter *f);
uint64_t start_filter_hash(const char *s, size_t n);
static inline int start_filter_cjk(const start_filter *f, uint32_t cp)
{
    return cp < 0xA000 && (f->cjk[cp >> 3] >> (cp & 7)) & 1;
}
/* Whether an expression can start with cp followed by next (0 at the end). */
static inline int start_filter_cjk2(const start_filter *f, uint32_t cp, uint32_t next)
{
    if (cp >= 0xA000 || !((f->cjk[cp >> 3] >> (cp & 7)) & 1))
        return 0;
    if ((f->cjk_alone[cp >> 3] >> (cp & 7)) & 1)
        return 1;
    uint32_t v;
    return cpmap_get(&f->cjk_pairs, ((uint64_t)cp << 21) | next, &v);
}
/* Whether the word fold[a..b) followed by the word fold[c..d) (c == d when
 * there is none) can open an expression; next_digit: a number follows. */
int start_filter_words(const start_words *w, const char *fold, size_t a, size_t b, size_t c,
                       size_t d, int next_digit);
#endif
