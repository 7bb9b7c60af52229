#include "timex_extract.h"
#include "timex_scan.h"
#include "chronicle.h"
#include "start_filter.h"
#include <stdio.h>
#include <string.h>

static int day_first_for(const chr_text *t, int doc_lang)
{
    if (doc_lang != LANG_EN)
        return 1;
    /* English pages from Vietnamese sites write day/month like the rest of
     * the site; a Vietnamese word anywhere is the tell. */
    const line_stats *ls = t->lines.data;
    for (size_t i = 0; i < t->lines.len; i++)
        if (ls[i].vi_words)
            return 1;
    return 0;
}

static size_t skip_token(const scan *c, size_t p)
{
    size_t n;
    while (p < c->len) {
        if (sc_is_wordchar(c, p)) {
            sc_cp(c, p, &n);
            p += n;
        } else if ((c->s[p] == '.' || c->s[p] == ',') && sc_digit(c, p + 1) && p > 0 &&
                   sc_digit(c, p - 1)) {
            p++;
        } else {
            break;
        }
    }
    return p;
}

static int is_clock_only(const tx_sem *s)
{
    return s->type == TX_TIME && s->pt.dsrc == SRC_CONTEXT && s->pt.msrc == SRC_NONE &&
           s->pt.ysrc == SRC_NONE && s->pt.hour >= 0;
}

int timex_extract(const chr_text *t, const struct start_filter *flt, int doc_lang,
                  const tx_clock *dct, vec *out)
{
    scan c;
    c.s = t->norm;
    c.f = t->fold;
    c.len = t->len;
    c.doc_lang = doc_lang;
    c.lang = doc_lang;
    c.day_first = day_first_for(t, doc_lang);
    c.zh_sketch = flt->zh_sketch;
    const line_stats *ls = t->lines.data;
    size_t nl = t->lines.len, li = 0, p = 0;
    size_t first = out->len;
    const unsigned char *bytes = (const unsigned char *)t->norm;
    while (p < t->len) {
        /* ASCII that opens nothing (spaces, punctuation): step on at once */
        unsigned b0 = bytes[p];
        if (b0 < 0x80 && b0 != '\'' && !(b0 >= '0' && b0 <= '9') && !((b0 | 32) >= 'a' && (b0 | 32) <= 'z')) {
            p++;
            continue;
        }
        while (li + 1 < nl && ls[li].end < p)
            li++;
        c.lang = nl ? ls[li].lang : doc_lang;
        size_t n;
        uint32_t cp = sc_cp(&c, p, &n);
        int digit = cp >= '0' && cp <= '9';
        int letter = is_latin_letter(cp);
        int cjk = is_cjk(cp);
        if (!digit && !letter && !cjk && cp != '\'' && cp != 0x2019) {
            p += n;
            continue;
        }
        if (cjk) {
            size_t n2;
            uint32_t next = sc_cp(&c, p + n, &n2);
            if (!start_filter_cjk2(flt, cp, next)) {
                /* most Chinese characters open nothing: step over them quickly */
                p += n;
                while (p + 2 < t->len) {
                    const unsigned char *u = (const unsigned char *)t->norm + p;
                    if (u[0] < 0xE4 || u[0] > 0xE9)
                        break;
                    uint32_t c3 = ((uint32_t)(u[0] & 0x0F) << 12) |
                                  ((uint32_t)(u[1] & 0x3F) << 6) | (u[2] & 0x3F);
                    if (start_filter_cjk(flt, c3))
                        break;
                    p += 3;
                }
                continue;
            }
        }
        if ((digit || letter) && sc_glued_before(&c, p)) {
            p = skip_token(&c, p);
            continue;
        }
        tx_sem best, s;
        size_t be = 0, e;
        int zh_line = c.lang == LANG_ZH || c.lang == LANG_ZH_HANT;
        int try_zh = cjk, try_en = 0;
        int try_vi = digit && (c.lang == LANG_VI || (doc_lang == LANG_VI && !zh_line));
        if (digit) {
            /* what follows the number decides which scanners can use it: Chinese
             * needs a character (年, 月, 至) or a range sign, English a word */
            size_t q = p;
            while (q < t->len && sc_digit(&c, q))
                q++;
            size_t r = sc_ws(&c, q, 1);
            size_t k;
            uint32_t nx = sc_cp(&c, r, &k);
            try_zh = is_cjk(nx) || nx == '-' || nx == '~' || nx == 0x2014 || nx == 0x2013;
            if (r < t->len && t->norm[r] == '-') {
                /* "10-11 September": a day range still ends in a month name */
                r = sc_ws(&c, r + 1, 0);
                size_t d2 = r;
                while (d2 < t->len && sc_digit(&c, d2) && d2 - r < 2)
                    d2++;
                if (d2 > r && !sc_digit(&c, d2))
                    r = sc_ws(&c, d2, 0);
            }
            try_en = c.lang != LANG_VI && (is_latin_letter(sc_cp(&c, r, &k)) || nx == '\'');
        } else if (cp == '\'' || cp == 0x2019) {
            try_en = c.lang != LANG_VI;
        }
        if (letter) {
            size_t we = p;
            while (we < t->len) {
                unsigned char b = (unsigned char)t->fold[we];
                if (b >= 'a' && b <= 'z') {
                    we++;
                    continue;
                }
                size_t k;
                if (b < 0x80 || !is_latin_letter(sc_cp(&c, we, &k)))
                    break;
                we += k;
            }
            n = utf8_len(cp);
            /* the next word (or number), for two-word keywords and prefixes */
            size_t ns = we;
            if (ns < t->len && t->fold[ns] == '-')
                ns++;
            else
                while (ns < t->len && (t->fold[ns] == ' ' || t->fold[ns] == '\t'))
                    ns++;
            int next_digit = sc_digit(&c, ns) || (ns < t->len && t->fold[ns] == '\'');
            size_t ne = ns;
            while (ne < t->len) {
                unsigned char b = (unsigned char)t->fold[ne];
                if (b >= 'a' && b <= 'z') {
                    ne++;
                    continue;
                }
                size_t k;
                if (b < 0x80 || !is_latin_letter(sc_cp(&c, ne, &k)))
                    break;
                ne += k;
            }
            if (c.lang == LANG_VI || (doc_lang == LANG_VI && !zh_line))
                try_vi = start_filter_words(&flt->vi, t->fold, p, we, ns, ne, next_digit);
            if (c.lang != LANG_VI)
                try_en = start_filter_words(&flt->en, t->fold, p, we, ns, ne, next_digit);
            if (!try_vi && !try_en) {
                /* a word that opens nothing: skip it (and any digits glued to it) */
                p = sc_is_wordchar(&c, we) ? skip_token(&c, we) : we;
                continue;
            }
        }
        if (digit || cp == '\'' || cp == 0x2019) {
            if ((e = scan_numeric(&c, p, &s)) > be)
                be = e, best = s;
        }
        if (try_zh && (e = scan_zh(&c, p, &s)) > be)
            be = e, best = s;
        if (try_vi && (e = scan_vi(&c, p, &s)) > be)
            be = e, best = s;
        if (try_en && (e = scan_en(&c, p, &s)) > be)
            be = e, best = s;
        if (be) {
            tx_found *f = vec_push(out);
            if (!f)
                return CHR_ERR_NOMEM;
            f->start = p;
            f->end = be;
            f->line = li;
            f->sem = best;
            p = be;
            continue;
        }
        p = (digit || letter) ? skip_token(&c, p) : p + n;
    }
    /* resolve in reading order; asides in parentheses do not move the story's date */
    tx_clock clk = *dct;
    size_t q = 0;
    int depth = 0;
    tx_found *fs = out->data;
    for (size_t i = first; i < out->len; i++) {
        tx_found *f = &fs[i];
        while (q < f->start) {
            if (!depth) {
                /* outside parentheses only an opening one matters: memchr finds it */
                const char *o = memchr(t->norm + q, '(', f->start - q);
                if (!o) {
                    q = f->start;
                    break;
                }
                q = (size_t)(o - t->norm);
            }
            char ch = t->norm[q];
            if (ch == '(')
                depth++;
            else if (ch == ')')
                depth--;
            else if (ch == '\n')
                depth = 0;
            q++;
        }
        tx_resolve(&f->sem, f->line, depth == 0, &clk, f->value, f->end_value);
    }
    /* a clock time alone takes the date written on its line, else the DCT */
    for (size_t i = first; i < out->len; i++) {
        tx_found *f = &fs[i];
        if (!is_clock_only(&f->sem))
            continue;
        const char *date = NULL;
        size_t best = (size_t)-1;
        /* look only nearby: a line of a million clock times stays linear */
        for (size_t j = i; j-- > first && fs[j].line == f->line && fs[j].end + 200 >= f->start;) {
            if (strlen(fs[j].value) >= 10 && fs[j].value[4] == '-' && fs[j].value[7] == '-') {
                date = fs[j].value;
                best = f->start - fs[j].end;
                break;
            }
        }
        for (size_t j = i + 1; j < out->len && fs[j].line == f->line && fs[j].start <= f->end + 200;
             j++) {
            if (strlen(fs[j].value) >= 10 && fs[j].value[4] == '-' && fs[j].value[7] == '-') {
                if (fs[j].start - f->end < best)
                    date = fs[j].value;
                break;
            }
        }
        char d[11];
        if (date)
            snprintf(d, sizeof d, "%.10s", date);
        else if (dct->has_dct)
            snprintf(d, sizeof d, "%04d-%02d-%02d", dct->dy, dct->dm, dct->dd);
        else
            snprintf(d, sizeof d, "XXXX-XX-XX");
        const tx_point *pt = &f->sem.pt;
        if (pt->second >= 0)
            snprintf(f->value, sizeof f->value, "%sT%02d:%02d:%02d", d, pt->hour, pt->minute,
                     pt->second);
        else
            snprintf(f->value, sizeof f->value, "%sT%02d:%02d", d, pt->hour, pt->minute);
    }
    return CHR_OK;
}
