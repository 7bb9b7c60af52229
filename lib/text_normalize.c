#include "text_normalize.h"
#include "mem_hint.h"
#include "engine.h"
#include "utf8.h"
#include "chronicle.h"
#include <stdlib.h>
#include <string.h>

uint32_t latin_lower(uint32_t cp)
{
    if (cp >= 'A' && cp <= 'Z')
        return cp + 32;
    if (cp < 0xC0)
        return cp;
    if (cp <= 0xDE)
        return cp == 0xD7 ? cp : cp + 32;
    if (cp >= 0x100 && cp <= 0x137)
        return cp | 1;
    if (cp >= 0x139 && cp <= 0x148)
        return (cp & 1) ? cp + 1 : cp;
    if (cp >= 0x14A && cp <= 0x177)
        return cp | 1;
    if (cp == 0x1A0 || cp == 0x1AF)
        return cp + 1;
    if (cp >= 0x1E00 && cp <= 0x1E95)
        return cp | 1;
    if (cp >= 0x1EA0 && cp <= 0x1EFF)
        return cp | 1;
    return cp;
}

int is_vietnamese_letter(uint32_t cp)
{
    cp = latin_lower(cp);
    switch (cp) {
    case 0x103: case 0xE2: case 0x111: case 0xEA: case 0xF4: case 0x1A1: case 0x1B0:
    case 0xE3: case 0x129: case 0xF5: case 0x169: case 0xFD: case 0xEC: case 0xF2: case 0xF9:
    case 0xE0: case 0xE1: case 0xE8: case 0xE9: case 0xED: case 0xF3: case 0xFA:
        return 1;
    default:
        return cp >= 0x1EA1 && cp <= 0x1EF9;
    }
}

typedef struct builder {
    chr_text *t;
    size_t cap;
    long long delta; /* orig - norm of the current segment */
    size_t last_start; /* norm offset of the last emitted code point */
    uint32_t last_cp;
    int last_valid;
    line_stats line;
    int in_word, word_vi;
    int paren;       /* parentheses open on this line (a break inside one is soft) */
} builder;

static int grow(builder *b, size_t more);
static inline int reserve(builder *b, size_t more)
{
    return b->t->len + more <= b->cap ? 0 : grow(b, more);
}

static int grow(builder *b, size_t more)
{
    chr_text *t = b->t;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < t->len + more)
        cap *= 2;
    if (!t->len) {
        /* nothing to keep (a reused text starting over): no copy of old bytes */
        free(t->norm);
        free(t->fold);
        t->norm = t->fold = NULL;
        t->cap = 0;
    }
    char *n = realloc(t->norm, cap + 1);
    if (!n)
        return -1;
    t->norm = n;
    char *f = realloc(t->fold, cap + 1);
    if (!f)
        return -1;
    t->fold = f;
    b->cap = t->cap = cap;
    mem_hint_huge(n, cap + 1);
    mem_hint_huge(f, cap + 1);
    return 0;
}

static inline int note_segment(builder *b, size_t orig)
{
    chr_text *t = b->t;
    long long d = (long long)orig - (long long)t->len;
    if (t->segs.len && d == b->delta)
        return 0;
    text_segment *s = vec_push(&t->segs);
    if (!s)
        return -1;
    s->norm = t->len;
    s->orig = orig;
    b->delta = d;
    return 0;
}

static inline void end_word(builder *b)
{
    if (b->in_word) {
        b->line.latin_words++;
        if (b->word_vi)
            b->line.vi_words++;
    }
    b->in_word = b->word_vi = 0;
}

static int end_line(builder *b)
{
    end_word(b);
    b->line.end = b->t->len;
    line_stats *l = vec_push(&b->t->lines);
    if (!l)
        return -1;
    *l = b->line;
    memset(&b->line, 0, sizeof b->line);
    b->line.start = b->t->len + 1;
    return 0;
}

/* Writes cp to norm and its lower case to fold (same byte length). */
static inline void put(builder *b, uint32_t cp)
{
    chr_text *t = b->t;
    size_t k = utf8_encode(cp, t->norm + t->len);
    uint32_t lo = cp < 0x1F00 ? latin_lower(cp) : cp;
    if (lo != cp && utf8_len(lo) == k)
        utf8_encode(lo, t->fold + t->len);
    else
        memcpy(t->fold + t->len, t->norm + t->len, k);
    t->len += k;
}

/* Emits cp for the original character at orig. */
static inline int emit(builder *b, uint32_t cp, size_t orig)
{
    if (reserve(b, 4) < 0 || note_segment(b, orig) < 0)
        return -1;
    b->last_start = b->t->len;
    b->last_cp = cp;
    b->last_valid = 1;
    put(b, cp);
    return 0;
}

static int emit_space(builder *b, size_t orig)
{
    end_word(b);
    int r = emit(b, ' ', orig);
    b->last_valid = 0;
    return r;
}

/* The folding of one code point, without the statistics: for strings that
 * must match the text (knowledge-base names), so both fold the same way. */
uint32_t text_fold_cp(const struct chr_engine *e, uint32_t cp)
{
    if (cp >= 0xFF01 && cp <= 0xFF5E)
        cp -= 0xFEE0;
    switch (cp) {
    case 0x3000: case 0xA0: case 0x2002: case 0x2003: case 0x2009: case 0x202F:
        return ' ';
    case 0x30FB: case 0x2027: case 0xFF65: case 0x2219: case 0x2022:
        return 0xB7;
    default:
        break;
    }
    uint32_t s;
    if (is_cjk(cp) && (s = engine_t2s(e, cp)) != 0)
        return s;
    return latin_lower(cp);
}

static uint32_t fold_char(const struct chr_engine *e, uint32_t cp, builder *b)
{
    if (cp >= 0xFF01 && cp <= 0xFF5E)
        return cp - 0xFEE0;
    switch (cp) {
    case 0x3000: case 0xA0: case 0x2002: case 0x2003: case 0x2009: case 0x202F:
        return ' ';
    case 0x30FB: case 0x2027: case 0xFF65: case 0x2219: case 0x2022:
        return 0xB7;
    default:
        break;
    }
    if (is_cjk(cp)) {
        b->line.cjk++;
        uint32_t s;
        if (cp < 0x10000) {
            if ((e->trad_bits[cp >> 3] >> (cp & 7)) & 1) {
                b->line.trad++;
                return e->t2s_bmp[cp];
            }
            if ((e->simp_bits[cp >> 3] >> (cp & 7)) & 1)
                b->line.simp++;
        } else if ((s = engine_t2s(e, cp)) != 0) {
            b->line.trad++;
            return s;
        }
    } else if (cp >= 0x3040 && cp <= 0x30FF) {
        b->line.kana++;
    } else if (cp >= 0xAC00 && cp <= 0xD7A3) {
        b->line.hangul++;
    }
    return cp;
}

static int is_ignorable(uint32_t cp)
{
    return cp == 0x200B || cp == 0x200C || cp == 0x200D || cp == 0xFEFF || cp == 0xAD ||
           cp == 0x2060;
}

static int note_invalid(chr_text *t, size_t p)
{
    byte_span *last = t->invalid.len ? &VEC_AT(&t->invalid, byte_span, t->invalid.len - 1) : NULL;
    if (last && last->end == p) {
        last->end = p + 1;
        return 0;
    }
    byte_span *sp = vec_push(&t->invalid);
    if (!sp)
        return -1;
    sp->start = p;
    sp->end = p + 1;
    return 0;
}

static void track_paren(builder *b, uint32_t c)
{
    if (c == '(')
        b->paren++;
    else if (c == ')' && b->paren > 0)
        b->paren--;
}

/* Whether the newline at s[p] only wraps a sentence (Markdown converted
 * with wrapped lines: "（William⏎Cohen）访问越南", "2010⏎年"): inside a
 * parenthesis opened on the line, or after a digit, letter or hyphen when the
 * next line goes on with a Chinese character, a lower-case letter or a
 * digit. A next line that is empty or opens a block (heading, list, quote,
 * table) always starts anew. */
static int soft_break(const builder *b, const char *s, size_t len, size_t p)
{
    const chr_text *t = b->t;
    if (!t->len || t->norm[t->len - 1] == '\n' || t->norm[t->len - 1] == ' ')
        return 0; /* an empty line, or one ending in spaces (Markdown's hard break) */
    size_t q = p + 1;
    while (q < len && (s[q] == ' ' || s[q] == '\t'))
        q++;
    if (q >= len || s[q] == '\n' || s[q] == '\r')
        return 0;
    unsigned char c = (unsigned char)s[q];
    if (c == '#' || c == '>' || c == '|' || c == '`' || c == '[' || c == '!' || c == '<')
        return 0;
    if ((c == '-' || c == '*' || c == '+') && q + 1 < len && s[q + 1] == ' ')
        return 0;
    size_t d = q;
    while (d < len && s[d] >= '0' && s[d] <= '9')
        d++;
    if (d > q && d < len && (s[d] == '.' || s[d] == ')'))
        return 0; /* "2. item" */
    uint32_t next;
    if (!utf8_decode((const unsigned char *)s + q, len - q, &next))
        return 0;
    if (b->paren > 0)
        return 1;
    size_t k;
    uint32_t prev = utf8_at(t->norm, t->len, utf8_prev(t->norm, t->len), &k);
    int digit = prev >= '0' && prev <= '9', letter = prev < 0x80 && is_latin_letter(prev);
    if (!digit && !letter && prev != '-')
        return 0;
    /* "2010⏎年", "韩国-⏎日本", "Martin E⏎邓普西", "the⏎visit"; not "2020⏎infographic" */
    return is_cjk(next) || (next >= '0' && next <= '9') || (letter && next >= 'a' && next <= 'z');
}

int text_build(chr_text *t, const struct chr_engine *e, const char *s, size_t len,
               const vec *masks)
{
    t->orig = s;
    t->orig_len = len;
    t->len = 0;
    t->segs.len = t->invalid.len = t->lines.len = 0;
    builder b;
    memset(&b, 0, sizeof b);
    b.t = t;
    b.cap = t->norm ? t->cap : 0;
    /* the copy is rarely longer than the original */
    if (reserve(&b, len + len / 8 + 16) < 0)
        goto nomem;
    /* one line record per newline, sized up front: growing a big table by
     * doubling copies it and faults in fresh pages each time */
    size_t nl = 1;
    for (const char *q = s, *end = s + len; (q = memchr(q, '\n', (size_t)(end - q))); q++)
        nl++;
    if (vec_reserve(&t->lines, nl) < 0)
        goto nomem;
    size_t mi = 0;
    const byte_span *mk = masks ? (const byte_span *)masks->data : NULL;
    size_t nm = masks ? masks->len : 0;
    size_t next_mask = nm ? mk[0].start : (size_t)-1;
    size_t p = 0;
    while (p < len) {
        if (p >= next_mask) {
            if (mk[mi].end > p) {
                if (emit_space(&b, p) < 0)
                    goto nomem;
                p = mk[mi].end;
            }
            mi++;
            next_mask = mi < nm ? mk[mi].start : (size_t)-1;
            continue;
        }
        unsigned char c0 = (unsigned char)s[p];
        if (c0 >= 0x20 && c0 < 0x80 && !b.in_word && c0 != ' ') {
            /* a run of printable ASCII up to the next mask: copied in one go */
            size_t q = p, lim = next_mask < len ? next_mask : len;
            while (q < lim && (unsigned char)s[q] >= 0x20 && (unsigned char)s[q] < 0x80)
                q++;
            size_t n = q - p;
            if (reserve(&b, n) < 0 || note_segment(&b, p) < 0)
                goto nomem;
            chr_text *tt = b.t;
            char *no = tt->norm + tt->len, *fo = tt->fold + tt->len;
            memcpy(no, s + p, n);
            uint32_t words = 0;
            int in = 0;
            for (size_t i = 0; i < n; i++) {
                unsigned char ch = (unsigned char)s[p + i];
                int alpha = (ch | 32) >= 'a' && (ch | 32) <= 'z';
                if (ch == '(' || ch == ')')
                    track_paren(&b, ch);
                fo[i] = (char)(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
                if (alpha && !in)
                    words++;
                in = alpha || (in && ch >= '0' && ch <= '9');
            }
            unsigned char last = (unsigned char)s[q - 1];
            int last_alpha = (last | 32) >= 'a' && (last | 32) <= 'z';
            /* the last word may go on in the next character (NFD marks, Latin-1) */
            if (in) {
                words--;
                b.in_word = 1;
            }
            b.line.latin_words += words;
            tt->len += n;
            b.last_start = tt->len - 1;
            b.last_cp = last;
            b.last_valid = last_alpha;
            p = q;
            continue;
        }
        if (c0 >= 0x20 && c0 < 0x80) {
            /* ASCII: no folding beyond case, one byte each */
            if (reserve(&b, 1) < 0 || note_segment(&b, p) < 0)
                goto nomem;
            chr_text *tt = b.t;
            b.last_start = tt->len;
            b.last_cp = c0;
            b.last_valid = c0 != ' ';
            tt->norm[tt->len] = (char)c0;
            tt->fold[tt->len] = (char)(c0 >= 'A' && c0 <= 'Z' ? c0 + 32 : c0);
            tt->len++;
            track_paren(&b, c0);
            if ((c0 | 32) >= 'a' && (c0 | 32) <= 'z')
                b.in_word = 1;
            else if (!(c0 >= '0' && c0 <= '9'))
                end_word(&b);
            p++;
            continue;
        }
        /* a run of Chinese characters that need no folding: copied in one go */
        if (c0 >= 0xE4 && c0 <= 0xE9) {
            size_t q = p, lim = next_mask < len ? next_mask : len;
            uint32_t cjk = 0, simp = 0, c3 = 0;
            while (q + 2 < lim) {
                unsigned char u0 = (unsigned char)s[q], u1 = (unsigned char)s[q + 1],
                              u2 = (unsigned char)s[q + 2];
                if (u0 < 0xE4 || u0 > 0xE9 || (u1 & 0xC0) != 0x80 || (u2 & 0xC0) != 0x80)
                    break;
                uint32_t c = ((uint32_t)(u0 & 0x0F) << 12) | ((uint32_t)(u1 & 0x3F) << 6) | (u2 & 0x3F);
                if (c < 0x4E00 || ((e->trad_bits[c >> 3] >> (c & 7)) & 1))
                    break;
                cjk++;
                simp += (e->simp_bits[c >> 3] >> (c & 7)) & 1;
                c3 = c;
                q += 3;
            }
            if (q > p) {
                size_t n = q - p;
                if (reserve(&b, n) < 0 || note_segment(&b, p) < 0)
                    goto nomem;
                end_word(&b);
                b.line.cjk += cjk;
                b.line.simp += simp;
                chr_text *tt = b.t;
                memcpy(tt->norm + tt->len, s + p, n);
                memcpy(tt->fold + tt->len, s + p, n);
                tt->len += n;
                b.last_start = tt->len - 3;
                b.last_cp = c3;
                b.last_valid = 1;
                p = q;
                continue;
            }
        }
        uint32_t cp;
        size_t n = utf8_decode((const unsigned char *)s + p, len - p, &cp);
        /* Vietnamese and other accented Latin letters: no table to consult */
        if (n >= 2 && ((cp >= 0xC0 && cp <= 0x24F && cp != 0xD7 && cp != 0xF7) ||
                       (cp >= 0x1E00 && cp <= 0x1EFF))) {
            if (reserve(&b, 4) < 0 || note_segment(&b, p) < 0)
                goto nomem;
            chr_text *tt = b.t;
            b.last_start = tt->len;
            b.last_cp = cp;
            b.last_valid = 1;
            b.in_word = 1;
            if (is_vietnamese_letter(cp))
                b.word_vi = 1;
            memcpy(tt->norm + tt->len, s + p, n);
            uint32_t lo = latin_lower(cp);
            if (lo != cp && utf8_len(lo) == n)
                utf8_encode(lo, tt->fold + tt->len);
            else
                memcpy(tt->fold + tt->len, s + p, n);
            tt->len += n;
            p += n;
            continue;
        }
        if (n == 0 || cp == 0) {
            if (note_invalid(t, p) < 0 || emit_space(&b, p) < 0)
                goto nomem;
            p++;
            continue;
        }
        if (cp == '\n') {
            if (soft_break(&b, s, len, p)) {
                /* a line wrapped inside a sentence reads as one line */
                if (emit_space(&b, p) < 0)
                    goto nomem;
                p += n;
                continue;
            }
            if (end_line(&b) < 0 || emit(&b, '\n', p) < 0)
                goto nomem;
            b.last_valid = 0;
            b.paren = 0;
            p += n;
            continue;
        }
        if (is_ignorable(cp)) {
            p += n;
            continue;
        }
        if (cp >= 0x300 && cp <= 0x36F && b.last_valid) {
            uint32_t c;
            if (cpmap_get(&e->compose, ((uint64_t)b.last_cp << 21) | cp, &c)) {
                t->len = b.last_start;
                if (reserve(&b, 4) < 0)
                    goto nomem;
                b.last_cp = c;
                put(&b, c);
                if (is_vietnamese_letter(c))
                    b.word_vi = 1;
                p += n;
                continue;
            }
        }
        uint32_t f = fold_char(e, cp, &b);
        if (f == '(' || f == ')')
            track_paren(&b, f);
        if (is_latin_letter(f)) {
            b.in_word = 1;
            if (f >= 0xC0 && is_vietnamese_letter(f))
                b.word_vi = 1;
        } else if (!(f >= 0x300 && f <= 0x36F) && !(f >= '0' && f <= '9')) {
            end_word(&b);
        }
        if (emit(&b, f, p) < 0)
            goto nomem;
        if (f == ' ')
            b.last_valid = 0;
        p += n;
    }
    if (end_line(&b) < 0 || reserve(&b, 1) < 0 || note_segment(&b, len) < 0)
        goto nomem;
    t->norm[t->len] = '\0';
    t->fold[t->len] = '\0';
    return CHR_OK;
nomem:
    text_free(t);
    return CHR_ERR_NOMEM;
}

void text_init(chr_text *t)
{
    memset(t, 0, sizeof *t);
    vec_init(&t->segs, sizeof(text_segment));
    vec_init(&t->invalid, sizeof(byte_span));
    vec_init(&t->lines, sizeof(line_stats));
}

void text_free(chr_text *t)
{
    free(t->norm);
    free(t->fold);
    vec_free(&t->segs);
    vec_free(&t->invalid);
    vec_free(&t->lines);
    text_init(t);
}

size_t text_orig_near(const chr_text *t, size_t n, size_t *hint)
{
    const text_segment *s = t->segs.data;
    size_t i = *hint, ns = t->segs.len;
    if (!ns || i >= ns || s[i].norm > n)
        return text_orig(t, n);
    while (i + 1 < ns && s[i + 1].norm <= n)
        i++;
    *hint = i;
    size_t o = s[i].orig + (n - s[i].norm);
    return o > t->orig_len ? t->orig_len : o;
}

size_t text_orig(const chr_text *t, size_t n)
{
    const text_segment *s = t->segs.data;
    size_t lo = 0, hi = t->segs.len;
    if (!hi)
        return n;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (s[mid].norm <= n)
            lo = mid;
        else
            hi = mid;
    }
    size_t o = s[lo].orig + (n - s[lo].norm);
    return o > t->orig_len ? t->orig_len : o;
}
