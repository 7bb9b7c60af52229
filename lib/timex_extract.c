#include "timex_extract.h"
#include "timex_scan.h"
#include "chronicle.h"
#include <stdio.h>

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

int timex_extract(const chr_text *t, int doc_lang, const tx_clock *dct, vec *out)
{
    scan c;
    c.s = t->norm;
    c.f = t->fold;
    c.len = t->len;
    c.doc_lang = doc_lang;
    c.lang = doc_lang;
    c.day_first = day_first_for(t, doc_lang);
    const line_stats *ls = t->lines.data;
    size_t nl = t->lines.len, li = 0, p = 0;
    size_t first = out->len;
    while (p < t->len) {
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
        if ((digit || letter) && sc_glued_before(&c, p)) {
            p = skip_token(&c, p);
            continue;
        }
        tx_sem best, s;
        size_t be = 0, e;
        int zh_line = c.lang == LANG_ZH || c.lang == LANG_ZH_HANT;
        if (digit || cp == '\'' || cp == 0x2019) {
            if ((e = scan_numeric(&c, p, &s)) > be)
                be = e, best = s;
        }
        if (digit || cjk) {
            if ((e = scan_zh(&c, p, &s)) > be)
                be = e, best = s;
        }
        if ((digit || letter) && (c.lang == LANG_VI || (doc_lang == LANG_VI && !zh_line))) {
            if ((e = scan_vi(&c, p, &s)) > be)
                be = e, best = s;
        }
        if ((digit || letter || cp == '\'' || cp == 0x2019) && c.lang != LANG_VI) {
            if ((e = scan_en(&c, p, &s)) > be)
                be = e, best = s;
        }
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
            char ch = t->norm[q];
            if (ch == '(')
                depth++;
            else if (ch == ')' && depth > 0)
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
        for (size_t j = i; j-- > first && fs[j].line == f->line;) {
            if (strlen(fs[j].value) >= 10 && fs[j].value[4] == '-' && fs[j].value[7] == '-') {
                date = fs[j].value;
                best = f->start - fs[j].end;
                break;
            }
        }
        for (size_t j = i + 1; j < out->len && fs[j].line == f->line; j++) {
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
