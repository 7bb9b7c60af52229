#include "markup_mask.h"
#include "engine.h"
#include "text_normalize.h"
#include "chronicle.h"
#include <stdio.h>
#include <string.h>

static int add(vec *m, size_t a, size_t b)
{
    if (b <= a)
        return 0;
    byte_span *s = vec_push(m);
    if (!s)
        return -1;
    s->start = a;
    s->end = b;
    return 0;
}

static int has_image_ext(const char *s, size_t a, size_t b)
{
    static const char *ext[] = {".jpg", ".jpeg", ".png", ".gif", ".svg", ".webp", ".tif", ".bmp"};
    while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\\'))
        b--;
    for (size_t i = 0; i < sizeof ext / sizeof *ext; i++) {
        size_t n = strlen(ext[i]);
        if (b - a >= n && strncasecmp(s + b - n, ext[i], n) == 0)
            return 1;
    }
    return 0;
}

/* From just after "](", the end of the target: the matching ")" allowing one
 * level of parentheses and backslash escapes; a blank line ends it anyway. */
static size_t link_target_end(const char *s, size_t len, size_t p)
{
    int depth = 0;
    size_t limit = p + 4096 < len ? p + 4096 : len;
    for (size_t i = p; i < limit; i++) {
        char c = s[i];
        if (c == '\\' && i + 1 < limit) {
            i++;
            continue;
        }
        if (c == '"') { /* a title: skip to its closing quote on the line */
            size_t j = i + 1;
            while (j < limit && s[j] != '"' && s[j] != '\n')
                j++;
            if (j < limit && s[j] == '"') {
                i = j;
                continue;
            }
        }
        if (c == '\n' && i + 1 < limit && s[i + 1] == '\n')
            return i;
        if (c == '(')
            depth++;
        else if (c == ')') {
            if (depth == 0)
                return i + 1;
            depth--;
        }
    }
    return p;
}

/* The "[" that opens the link text ending at close (the "]"). */
static size_t link_text_start(const char *s, size_t close)
{
    int depth = 0;
    size_t lim = close > 2048 ? close - 2048 : 0;
    for (size_t i = close; i-- > lim;) {
        if (s[i] == '\n' && i > 0 && s[i - 1] == '\n')
            break;
        if (s[i] == ']' && !(i > 0 && s[i - 1] == '\\'))
            depth++;
        else if (s[i] == '[' && !(i > 0 && s[i - 1] == '\\')) {
            if (depth == 0)
                return i + 1;
            depth--;
        }
    }
    return close;
}

static size_t url_end(const char *s, size_t len, size_t p)
{
    size_t i = p;
    int paren = 0;
    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        if (c <= ' ' || c == '<' || c == '>' || c == '"' || c == '\'' || c == ']' || c >= 0x80)
            break;
        if (c == '(')
            paren++;
        if (c == ')') {
            if (!paren)
                break;
            paren--;
        }
        i++;
    }
    while (i > p && strchr(".,;:!?", s[i - 1]))
        i--;
    return i;
}

static int front_matter(const char *s, size_t len, vec *m, size_t *body)
{
    *body = 0;
    if (len < 4 || strncmp(s, "---", 3) != 0 || (s[3] != '\n' && s[3] != '\r'))
        return 0;
    size_t p = 4;
    while (p < len) {
        size_t e = p;
        while (e < len && s[e] != '\n')
            e++;
        if (e - p >= 3 && strncmp(s + p, "---", 3) == 0) {
            *body = e;
            return add(m, 0, 4);
        }
        /* a key is markup, its value is prose */
        size_t k = p;
        while (k < e && s[k] != ':' && s[k] != ' ')
            k++;
        if (k < e && s[k] == ':' && add(m, p, k + 1) < 0)
            return -1;
        p = e + 1;
    }
    /* no closing line: not front matter after all */
    m->len = 0;
    return 0;
}

static int cmp_span(const void *a, const void *b)
{
    const byte_span *x = a, *y = b;
    return x->start < y->start ? -1 : x->start > y->start;
}

/* Where markup may start, checked by hand at the few bytes that can open it
 * (] [ < : w \): one table lookup per byte over the whole text. Returns the
 * end of the opener (like a regular expression match) or 0. */
static size_t opener_at(const char *s, size_t len, size_t p)
{
    char c = s[p];
    switch (c) {
    case ']':
        return p + 1 < len && s[p + 1] == '(' ? p + 2 : 0;
    case '[': {
        if (p + 1 < len && s[p + 1] == '[')
            return p + 2;
        size_t q = p + 1, d = 0;
        while (q < len && s[q] >= '0' && s[q] <= '9' && d < 4)
            q++, d++;
        if (d >= 1 && d <= 3) {
            if (q < len && s[q] == ']')
                return q + 1;
            if (q + 1 < len && s[q] == '\\' && s[q + 1] == ']')
                return q + 2;
        }
        return 0;
    }
    case '\\':
        return p + 1 < len && s[p + 1] == '[' && opener_at(s, len, p + 1) ? opener_at(s, len, p + 1) : 0;
    case '<': {
        if (p + 3 < len && !memcmp(s + p, "<!--", 4))
            return p + 4;
        size_t q = p + 1;
        if (q < len && s[q] == '/')
            q++;
        if (q >= len || !((s[q] | 32) >= 'a' && (s[q] | 32) <= 'z'))
            return 0;
        while (q < len && (((s[q] | 32) >= 'a' && (s[q] | 32) <= 'z') || (s[q] >= '0' && s[q] <= '9')))
            q++;
        return q < len && (s[q] == ' ' || s[q] == '\t' || s[q] == '\n' || s[q] == '/' || s[q] == '>') ? q : 0;
    }
    case ':':
        return p + 2 < len && s[p + 1] == '/' && s[p + 2] == '/' ? p + 3 : 0;
    case 'w':
        return p + 3 < len && !memcmp(s + p, "www.", 4) ? p + 4 : 0;
    default:
        return 0;
    }
}

int markup_find(const struct chr_engine *e, const char *s, size_t len, vec *m)
{
    size_t body;
    (void)e;
    if (front_matter(s, len, m, &body) < 0)
        return CHR_ERR_NOMEM;
    static const unsigned char CAND[256] = {[']'] = 1, ['['] = 1, ['<'] = 1, [':'] = 1, ['w'] = 1,
                                            ['\\'] = 1};
    size_t p = 0;
    int rc = CHR_OK;
    while (p < len) {
        while (p < len && !CAND[(unsigned char)s[p]])
            p++;
        if (p >= len)
            break;
        size_t b = opener_at(s, len, p), a = p;
        if (!b) {
            p++;
            continue;
        }
        size_t next = b > a ? b : a + 1;
        char c = s[a];
        if (c == ']') {
            size_t end = link_target_end(s, len, b);
            if (end > b) {
                size_t ts = link_text_start(s, a);
                if (ts < a && has_image_ext(s, ts, a)) {
                    if (add(m, ts, a) < 0)
                        goto nomem;
                }
                if (add(m, a + 1, end) < 0)
                    goto nomem;
                next = end;
            }
        } else if (c == '[' && b - a == 2 && s[a + 1] == '[') {
            /* [[target|alias]]: the target is not prose, the alias is */
            size_t i = b;
            while (i < len && i - b < 512 && s[i] != ']' && s[i] != '|' && s[i] != '\n')
                i++;
            if (i < len && s[i] == '|' && add(m, b, i + 1) < 0)
                goto nomem;
            next = i;
        } else if (c == '<' && b - a == 4) {
            const char *q = NULL;
            for (size_t i = b; i + 2 < len; i++)
                if (s[i] == '-' && s[i + 1] == '-' && s[i + 2] == '>') {
                    q = s + i + 3;
                    break;
                }
            size_t end = q ? (size_t)(q - s) : len;
            if (add(m, a, end) < 0)
                goto nomem;
            next = end;
        } else if (c == '<') {
            size_t i = b;
            while (i < len && s[i] != '>' && s[i] != '\n' && i - a < 1024)
                i++;
            if (i < len && s[i] == '>') {
                if (add(m, a, i + 1) < 0)
                    goto nomem;
                next = i + 1;
            }
        } else if (c == '[' || c == '\\') {
            if (add(m, a, b) < 0)
                goto nomem;
        } else {
            /* the scheme before "://" belongs to the URL */
            if (c == ':') {
                while (a > 0 && ((s[a - 1] | 32) >= 'a' && (s[a - 1] | 32) <= 'z'))
                    a--;
            } else if (a > 0 && ((s[a - 1] | 32) >= 'a' && (s[a - 1] | 32) <= 'z')) {
                p = b;
                continue; /* "awww." is a word, not a URL */
            }
            size_t end = url_end(s, len, a);
            if (add(m, a, end) < 0)
                goto nomem;
            next = end > a ? end : a + 1;
        }
        p = next;
    }
    (void)body;
    if (m->len > 1) {
        qsort(m->data, m->len, sizeof(byte_span), cmp_span);
        byte_span *v = m->data;
        size_t w = 0;
        for (size_t i = 1; i < m->len; i++) {
            if (v[i].start <= v[w].end) {
                if (v[i].end > v[w].end)
                    v[w].end = v[i].end;
            } else {
                v[++w] = v[i];
            }
        }
        m->len = w + 1;
    }
    return rc;
nomem:
    return CHR_ERR_NOMEM;
}
