#include "text_normalize.h"
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
} builder;

static int reserve(builder *b, size_t more)
{
    chr_text *t = b->t;
    if (t->len + more <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < t->len + more)
        cap *= 2;
    char *n = realloc(t->norm, cap);
    if (!n)
        return -1;
    t->norm = n;
    b->cap = cap;
    return 0;
}

static int note_segment(builder *b, size_t orig)
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

static int end_word(builder *b)
{
    if (b->in_word) {
        b->line.latin_words++;
        if (b->word_vi)
            b->line.vi_words++;
    }
    b->in_word = b->word_vi = 0;
    return 0;
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

/* Emits cp for the original character at orig. */
static int emit(builder *b, uint32_t cp, size_t orig)
{
    if (reserve(b, 4) < 0 || note_segment(b, orig) < 0)
        return -1;
    b->last_start = b->t->len;
    b->last_cp = cp;
    b->last_valid = 1;
    b->t->len += utf8_encode(cp, b->t->norm + b->t->len);
    return 0;
}

static int emit_space(builder *b, size_t orig)
{
    end_word(b);
    int r = emit(b, ' ', orig);
    b->last_valid = 0;
    return r;
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
    case 0x3002:
        return 0x3002;
    default:
        break;
    }
    if (is_cjk(cp)) {
        uint32_t s;
        b->line.cjk++;
        if (cpmap_get(&e->t2s, cp, &s)) {
            b->line.trad++;
            return s;
        }
        if (cpmap_get(&e->simp_only, cp, &s))
            b->line.simp++;
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

int text_build(chr_text *t, const struct chr_engine *e, const char *s, size_t len,
               const vec *masks)
{
    memset(t, 0, sizeof *t);
    t->orig = s;
    t->orig_len = len;
    vec_init(&t->segs, sizeof(text_segment));
    vec_init(&t->invalid, sizeof(byte_span));
    vec_init(&t->lines, sizeof(line_stats));
    builder b;
    memset(&b, 0, sizeof b);
    b.t = t;
    size_t mi = 0;
    const byte_span *mk = masks ? (const byte_span *)masks->data : NULL;
    size_t nm = masks ? masks->len : 0;
    size_t p = 0;
    while (p < len) {
        if (mi < nm && mk[mi].start <= p) {
            if (mk[mi].end > p) {
                if (emit_space(&b, p) < 0)
                    goto nomem;
                p = mk[mi].end;
            }
            mi++;
            continue;
        }
        uint32_t cp;
        size_t n = utf8_decode((const unsigned char *)s + p, len - p, &cp);
        if (n == 0 || cp == 0) {
            size_t q = p + 1;
            byte_span *last = t->invalid.len ? &VEC_AT(&t->invalid, byte_span, t->invalid.len - 1) : NULL;
            if (last && last->end == p) {
                last->end = q;
            } else {
                byte_span *sp = vec_push(&t->invalid);
                if (!sp)
                    goto nomem;
                sp->start = p;
                sp->end = q;
            }
            if (emit_space(&b, p) < 0)
                goto nomem;
            p = q;
            continue;
        }
        if (cp == '\n') {
            if (end_line(&b) < 0 || emit(&b, '\n', p) < 0)
                goto nomem;
            b.last_valid = 0;
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
                size_t orig_start = (size_t)((long long)b.last_start + b.delta);
                if (reserve(&b, 4) < 0)
                    goto nomem;
                b.last_cp = c;
                t->len += utf8_encode(c, t->norm + t->len);
                (void)orig_start;
                if (is_vietnamese_letter(c))
                    b.word_vi = 1;
                p += n;
                continue;
            }
        }
        uint32_t f = fold_char(e, cp, &b);
        if (is_latin_letter(f)) {
            b.in_word = 1;
            if (is_vietnamese_letter(f))
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
    t->fold = malloc(t->len + 1);
    if (!t->fold)
        goto nomem;
    /* Lower-casing keeps every byte length, so fold shares norm's offsets. */
    for (size_t i = 0; i < t->len;) {
        size_t k;
        uint32_t cp = utf8_at(t->norm, t->len, i, &k);
        uint32_t lo = latin_lower(cp);
        if (lo != cp && utf8_len(lo) == k)
            utf8_encode(lo, t->fold + i);
        else
            memcpy(t->fold + i, t->norm + i, k);
        i += k;
    }
    t->fold[t->len] = '\0';
    return CHR_OK;
nomem:
    text_free(t);
    return CHR_ERR_NOMEM;
}

void text_free(chr_text *t)
{
    free(t->norm);
    free(t->fold);
    vec_free(&t->segs);
    vec_free(&t->invalid);
    vec_free(&t->lines);
    t->norm = t->fold = NULL;
    t->len = 0;
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
