/* timex_scan.h: the cursor helpers the per-language date scanners share.
 *
 * Scanners read the normalised text (t->norm) and, for Latin keywords, its
 * lower-cased twin (t->fold). Every helper returns the offset just past what
 * it matched, or 0 when it did not match (a match never ends at offset 0). */
#ifndef CHR_TIMEX_SCAN_H
#define CHR_TIMEX_SCAN_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "timex.h"
#include "text_normalize.h"
#include "utf8.h"

enum { LANG_UND = 0, LANG_ZH, LANG_ZH_HANT, LANG_VI, LANG_EN };

/* Per Chinese keyword table, a 64-bit sketch of its first characters: a
 * table whose sketch lacks the character at hand is not looked through. */
enum { ZT_REL_YEAR, ZT_REL_MONTH, ZT_BARE, ZT_WORDS, ZT_MANY_YEARS, ZT_SETS, ZT_LOCAL, ZT_COUNT };
static inline uint64_t zh_sketch_bit(uint32_t cp)
{
    return 1ULL << ((cp * 0x9E3779B1u) >> 26);
}

typedef struct scan {
    const char *s;   /* norm */
    const char *f;   /* fold */
    size_t len;
    int lang;        /* language of the current line */
    int doc_lang;
    int day_first;   /* numeric dates read day/month (Vietnamese practice) */
    const uint64_t *zh_sketch; /* ZT_COUNT sketches, or NULL to look through every table */
} scan;

/* Fills sketch[ZT_COUNT] from the Chinese tables (once per engine). */
void zh_build_sketches(uint64_t *sketch);

static inline uint32_t sc_cp(const scan *c, size_t p, size_t *n)
{
    if (p >= c->len) {
        *n = 0;
        return 0;
    }
    return utf8_at(c->s, c->len, p, n);
}

static inline int sc_digit(const scan *c, size_t p)
{
    return p < c->len && c->s[p] >= '0' && c->s[p] <= '9';
}

/* exact literal on norm */
static inline size_t sc_lit(const scan *c, size_t p, const char *w)
{
    /* byte by byte: almost every literal fails within its first character */
    size_t i = 0;
    for (; w[i]; i++)
        if (p + i >= c->len || c->s[p + i] != w[i])
            return 0;
    return p + i;
}

/* the longest of several literals; *which gets its index */
static inline size_t sc_lits(const scan *c, size_t p, const char *const *alts, int *which)
{
    size_t best = 0;
    for (int i = 0; alts[i]; i++) {
        size_t e = sc_lit(c, p, alts[i]);
        if (e > best) {
            best = e;
            if (which)
                *which = i;
        }
    }
    return best;
}

int sc_is_wordchar(const scan *c, size_t p);
/* a Latin keyword (lower case) on fold, ending at a word boundary; spaces in
 * w match one or more spaces or tabs */
size_t sc_word(const scan *c, size_t p, const char *w);
size_t sc_words(const scan *c, size_t p, const char *const *alts, int *which);
/* spaces and tabs; with nl, also one line break (text wrapped mid-date) */
size_t sc_ws(const scan *c, size_t p, int nl);
/* ASCII digits (at most 9); *nd gets their count */
size_t sc_num(const scan *c, size_t p, long *v, int *nd);
/* Chinese numerals: 十一, 二十三, 两, 一百, and digit-by-digit years 二〇一五 */
size_t sc_cnnum(const scan *c, size_t p, long *v, int *nd);
/* either */
size_t sc_anynum(const scan *c, size_t p, long *v, int *nd);
/* English number words one..twenty, thirty.. ; Vietnamese một..mười */
size_t sc_en_numword(const scan *c, size_t p, long *v);
size_t sc_vi_numword(const scan *c, size_t p, long *v);
/* true when the char before p is a letter or digit (p is mid-token) */
int sc_glued_before(const scan *c, size_t p);

/* Every literal an expression of the language can start with; the engine
 * builds its first-character / first-word filters from them. */
void zh_start_literals(void (*add)(void *, const char *), void *ctx);
void vi_start_literals(void (*add)(void *, const char *), void *ctx);
void en_start_literals(void (*add)(void *, const char *), void *ctx);

size_t scan_zh(const scan *c, size_t p, tx_sem *s);
size_t scan_vi(const scan *c, size_t p, tx_sem *s);
size_t scan_en(const scan *c, size_t p, tx_sem *s);
/* numeric forms any language writes: ISO dates, 09/09/2023, clock times, bare years */
size_t scan_numeric(const scan *c, size_t p, tx_sem *s);
/* a 4-digit year standing alone, unless it is an amount, a phone number or a code */
size_t scan_bare_year(const scan *c, size_t p, tx_sem *s);
/* a clock time HH:MM(:SS)(+hh:mm) at p into pt */
size_t scan_clock(const scan *c, size_t p, tx_point *pt);
#endif
