/* text_normalize.h: the normalised copy of a document that every matcher runs
 * on, and the map back to the caller's byte offsets.
 *
 * norm: full-width ASCII folded to ASCII, traditional Chinese folded to
 *       simplified, Latin letters + combining marks composed (NFD Vietnamese
 *       reads like NFC), masked markup (link targets, URLs, comments) and
 *       invalid bytes replaced by one space each.
 * fold: norm with Latin letters lower-cased; same length and offsets.
 * Offsets into norm map back through a short list of segments, because the
 * delta between the two only changes where a character changes length. */
#ifndef CHR_TEXT_NORMALIZE_H
#define CHR_TEXT_NORMALIZE_H
#include <stddef.h>
#include <stdint.h>
#include "vec.h"

struct chr_engine;

typedef struct byte_span {
    size_t start, end;
} byte_span;

/* Per-line statistics gathered during normalisation, for language id. */
typedef struct line_stats {
    size_t start, end;        /* norm offsets, end excludes the newline */
    uint32_t cjk, trad, simp; /* CJK ideographs; of which traditional-only / simplified-only */
    uint32_t kana, hangul;
    uint32_t latin_words, vi_words; /* Latin words; of which carry Vietnamese-only letters */
    int lang;                 /* set by langid */
} line_stats;

typedef struct chr_text {
    const char *orig;
    size_t orig_len;
    char *norm;
    char *fold;
    size_t len;
    size_t cap;    /* bytes norm and fold can hold (without the final NUL) */
    vec segs;      /* text_segment */
    vec invalid;   /* byte_span in orig */
    vec lines;     /* line_stats */
} chr_text;

typedef struct text_segment {
    size_t norm, orig;
} text_segment;

/* An empty text that owns no memory yet. */
void text_init(chr_text *t);
/* Normalises s into t, reusing the buffers t holds from an earlier build (t
 * comes from text_init or text_build). masks: sorted, non-overlapping
 * byte_spans of orig that are not prose. Returns 0 or a negative chr_status
 * (t is then empty, and still to be freed). */
int text_build(chr_text *t, const struct chr_engine *e, const char *s, size_t len,
               const vec *masks);
/* Frees what t holds; t is then as after text_init. */
void text_free(chr_text *t);
/* Maps a norm offset (a character boundary, or len) to an orig offset. */
size_t text_orig(const chr_text *t, size_t norm_off);
/* The same for offsets that mostly grow: *hint remembers the segment, so a
 * sorted run of mentions maps in linear time. */
size_t text_orig_near(const chr_text *t, size_t norm_off, size_t *hint);
/* The fold of one code point (full-width, traditional, upper case folded). */
uint32_t text_fold_cp(const struct chr_engine *e, uint32_t cp);
/* Lower-cases a Latin code point whose lower case has the same UTF-8 length. */
uint32_t latin_lower(uint32_t cp);
/* True for letters that mark Vietnamese (ă â đ ê ô ơ ư and tone-marked vowels). */
int is_vietnamese_letter(uint32_t cp);
static inline int is_cjk(uint32_t cp)
{
    return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
           (cp >= 0x20000 && cp <= 0x2FA1F) || cp == 0x3007;
}
static inline int is_latin_letter(uint32_t cp)
{
    return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') ||
           (cp >= 0xC0 && cp <= 0x24F && cp != 0xD7 && cp != 0xF7) ||
           (cp >= 0x1E00 && cp <= 0x1EFF);
}
#endif
