/* timex_scan_util.c: cursor helpers shared by the date scanners. */
#include "timex_scan.h"

int sc_is_wordchar(const scan *c, size_t p)
{
    size_t n;
    uint32_t cp = sc_cp(c, p, &n);
    if (!n)
        return 0;
    return is_latin_letter(cp) || (cp >= '0' && cp <= '9') || (cp >= 0x300 && cp <= 0x36F);
}

int sc_glued_before(const scan *c, size_t p)
{
    if (p == 0)
        return 0;
    size_t q = utf8_prev(c->s, p), n;
    return sc_is_wordchar(c, q) && sc_cp(c, q, &n) != 0;
}

size_t sc_word(const scan *c, size_t p, const char *w)
{
    if (p >= c->len || c->f[p] != w[0])
        return 0;
    size_t i = p;
    while (*w) {
        if (*w == ' ') {
            if (i >= c->len || (c->f[i] != ' ' && c->f[i] != '\t'))
                return 0;
            while (i < c->len && (c->f[i] == ' ' || c->f[i] == '\t'))
                i++;
            w++;
            continue;
        }
        if (i >= c->len || c->f[i] != *w)
            return 0;
        i++;
        w++;
    }
    /* a word ends where letters end; a trailing "-" keyword (mid-) needs none */
    if (i > p && c->f[i - 1] != '-' && sc_is_wordchar(c, i))
        return 0;
    return i;
}

size_t sc_words(const scan *c, size_t p, const char *const *alts, int *which)
{
    size_t best = 0;
    for (int i = 0; alts[i]; i++) {
        size_t e = sc_word(c, p, alts[i]);
        if (e > best) {
            best = e;
            if (which)
                *which = i;
        }
    }
    return best;
}

size_t sc_ws(const scan *c, size_t p, int nl)
{
    int lines = 0;
    while (p < c->len) {
        char ch = c->s[p];
        if (ch == ' ' || ch == '\t' || ch == '\r')
            p++;
        else if (ch == '\n' && nl && !lines) {
            lines++;
            p++;
        } else
            break;
    }
    return p;
}

size_t sc_num(const scan *c, size_t p, long *v, int *nd)
{
    size_t i = p;
    long x = 0;
    while (i < c->len && c->s[i] >= '0' && c->s[i] <= '9' && i - p < 9) {
        x = x * 10 + (c->s[i] - '0');
        i++;
    }
    if (i == p || sc_digit(c, i))
        return 0;
    *v = x;
    if (nd)
        *nd = (int)(i - p);
    return i;
}

static int cn_digit(uint32_t cp)
{
    switch (cp) {
    case 0x3007: case 0x96F6: return 0;   /* 〇 零 */
    case 0x4E00: return 1;                /* 一 */
    case 0x4E8C: case 0x4E24: return 2;   /* 二 两 */
    case 0x4E09: return 3;
    case 0x56DB: return 4;
    case 0x4E94: return 5;
    case 0x516D: return 6;
    case 0x4E03: return 7;
    case 0x516B: return 8;
    case 0x4E5D: return 9;
    default: return -1;
    }
}

size_t sc_cnnum(const scan *c, size_t p, long *v, int *nd)
{
    size_t i = p, n;
    long total = 0, cur = -1;
    int digits = 0, positional = 1, any = 0;
    long seq = 0;
    while (i < c->len) {
        uint32_t cp = sc_cp(c, i, &n);
        int d = cn_digit(cp);
        if (d >= 0) {
            if (cur >= 0)
                positional = positional && 1;
            seq = seq * 10 + d;
            digits++;
            cur = d;
            any = 1;
            i += n;
            continue;
        }
        long unit = cp == 0x5341 ? 10 : cp == 0x767E ? 100 : cp == 0x5343 ? 1000 : 0; /* 十 百 千 */
        if (!unit)
            break;
        positional = 0;
        total += (cur < 0 ? 1 : cur) * unit;
        cur = -1;
        any = 1;
        i += n;
    }
    if (!any)
        return 0;
    if (positional) {
        *v = seq;
        if (nd)
            *nd = digits;
    } else {
        *v = total + (cur > 0 ? cur : 0);
        if (nd)
            *nd = *v >= 1000 ? 4 : *v >= 100 ? 3 : *v >= 10 ? 2 : 1;
    }
    return i;
}

size_t sc_anynum(const scan *c, size_t p, long *v, int *nd)
{
    if (sc_digit(c, p))
        return sc_num(c, p, v, nd);
    return sc_cnnum(c, p, v, nd);
}

size_t sc_en_numword(const scan *c, size_t p, long *v)
{
    static const char *const w[] = {"one", "two", "three", "four", "five", "six", "seven",
        "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen",
        "sixteen", "seventeen", "eighteen", "nineteen", "twenty", NULL};
    static const char *const tens[] = {"thirty", "forty", "fifty", "sixty", "seventy",
        "eighty", "ninety", NULL};
    int k = -1;
    size_t e = sc_words(c, p, w, &k);
    if (e) {
        *v = k + 1;
        return e;
    }
    e = sc_words(c, p, tens, &k);
    if (e) {
        *v = (k + 3) * 10;
        return e;
    }
    if (sc_word(c, p, "a few") || sc_word(c, p, "several"))
        return 0;
    return 0;
}

size_t sc_vi_numword(const scan *c, size_t p, long *v)
{
    static const char *const w[] = {"một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám",
        "chín", "mười", NULL};
    int k = -1;
    size_t e = sc_words(c, p, w, &k);
    if (!e)
        return 0;
    *v = k + 1;
    if (k == 9) { /* mười một .. mười hai */
        size_t q = sc_ws(c, e, 0);
        int k2 = -1;
        size_t e2 = sc_words(c, q, w, &k2);
        if (e2 && k2 < 9 && q > e) {
            *v = 10 + k2 + 1;
            return e2;
        }
    }
    return e;
}
