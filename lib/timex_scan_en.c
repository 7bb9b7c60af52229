/* timex_scan_en.c: English date expressions. */
#include "timex_scan.h"

static const char *const MONTHS[] = {"january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december", NULL};
static const char *const MON3[] = {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug",
    "sep", "oct", "nov", "dec", NULL};

/* a month name; *strong is 0 for names that are also common words (May, March) */
size_t en_month(const scan *c, size_t p, int *month, int *strong);
size_t en_month(const scan *c, size_t p, int *month, int *strong)
{
    int k;
    size_t e = sc_words(c, p, MONTHS, &k);
    if (e) {
        *month = k + 1;
        *strong = k != 4 && k != 2;
        return e;
    }
    e = sc_words(c, p, MON3, &k);
    if (!e) {
        e = sc_word(c, p, "sept");
        k = 8;
    }
    if (!e)
        return 0;
    /* abbreviations only capitalised: "Aug", not "may" */
    if (c->s[p] < 'A' || c->s[p] > 'Z')
        return 0;
    *month = k + 1;
    *strong = 0;
    if (e < c->len && c->s[e] == '.')
        e++;
    return e;
}

static size_t en_day(const scan *c, size_t p, long *d)
{
    int nd;
    size_t e = sc_num(c, p, d, &nd);
    if (!e) {
        /* 1st, 2nd, 23rd, 4th */
        size_t i = p;
        long v = 0;
        while (i < c->len && sc_digit(c, i) && i - p < 2)
            v = v * 10 + (c->s[i++] - '0');
        if (i == p)
            return 0;
        static const char *const suf[] = {"st", "nd", "rd", "th", NULL};
        int k;
        size_t x = 0;
        for (k = 0; suf[k]; k++)
            if (i + 2 <= c->len && !memcmp(c->f + i, suf[k], 2) && !sc_is_wordchar(c, i + 2)) {
                x = i + 2;
                break;
            }
        if (!x)
            return 0;
        *d = v;
        e = x;
        nd = (int)(i - p);
    }
    if (nd > 2 || *d < 1 || *d > 31)
        return 0;
    return e;
}

static size_t en_year(const scan *c, size_t p, long *y)
{
    int nd;
    size_t e = sc_num(c, p, y, &nd);
    if (!e || nd != 4 || *y < 1000 || *y > 2999 || sc_is_wordchar(c, e))
        return 0;
    return e;
}

static const struct {
    const char *w;
    const char *pod;
    int hour;
} EN_POD[] = {{"morning", "MO", -1}, {"afternoon", "AF", -1}, {"evening", "EV", -1},
              {"night", "NI", -1}, {"noon", NULL, 12}, {"midday", NULL, 12},
              {"midnight", NULL, 0}, {NULL, NULL, 0}};

static size_t en_pod(const scan *c, size_t p, tx_point *pt)
{
    for (int i = 0; EN_POD[i].w; i++) {
        size_t e = sc_word(c, p, EN_POD[i].w);
        if (e) {
            if (EN_POD[i].pod)
                memcpy(pt->pod, EN_POD[i].pod, 3);
            else
                pt->hour = (int8_t)EN_POD[i].hour, pt->minute = 0;
            return e;
        }
    }
    return 0;
}

/* ", 1995" or " 1995" after a day or a month: sets the year and returns
 * where it ends, or 0 */
static size_t en_trailing_year(const scan *c, size_t r, tx_point *pt)
{
    long y;
    r = sc_ws(c, r, 0);
    if (r < c->len && c->s[r] == ',')
        r = sc_ws(c, r + 1, 0);
    size_t ye = en_year(c, r, &y);
    if (ye) {
        pt->year = (int)y;
        pt->ysrc = SRC_ABS;
    }
    return ye;
}

/* July 11, 1995 · 11 July 1995 · August 1995 · Aug 20 · January 6 - 7 */
static size_t en_calendar(const scan *c, size_t p, tx_sem *s, int ctx_strong)
{
    tx_point *pt = &s->pt;
    int month, strong;
    long d = 0, y = 0;
    size_t e = en_month(c, p, &month, &strong), cur;
    if (e) {
        pt->month = month;
        pt->msrc = SRC_ABS;
        pt->ysrc = SRC_CONTEXT;
        pt->gran = G_MONTH;
        cur = e;
        size_t q = sc_ws(c, cur, 0);
        size_t de = en_day(c, q, &d);
        if (de && !(sc_digit(c, q) && en_year(c, q, &y))) {
            pt->day = (int)d;
            pt->dsrc = SRC_ABS;
            pt->gran = G_DAY;
            cur = de;
            size_t ye = en_trailing_year(c, cur, pt);
            if (ye)
                cur = ye;
        } else {
            size_t ye = en_trailing_year(c, q, pt);
            if (ye)
                cur = ye;
            else if (!strong && !ctx_strong)
                return 0;
        }
    } else {
        /* 11 July 1995; 10-11 September */
        e = en_day(c, p, &d);
        if (!e)
            return 0;
        long d2 = 0;
        if (e < c->len && (c->s[e] == '-' || !strncmp(c->s + e, "–", 3))) {
            size_t e2 = en_day(c, e + (c->s[e] == '-' ? 1 : 3), &d2);
            int mm, ss;
            if (e2 && d2 > d && en_month(c, sc_ws(c, e2, 0), &mm, &ss))
                e = e2;
            else
                d2 = 0;
        }
        size_t q = sc_ws(c, e, 0);
        size_t of = sc_word(c, q, "of");
        if (of)
            q = sc_ws(c, of, 0);
        size_t me = en_month(c, q, &month, &strong);
        if (!me)
            return 0;
        pt->day = (int)d;
        pt->month = month;
        pt->dsrc = pt->msrc = SRC_ABS;
        pt->ysrc = SRC_CONTEXT;
        pt->gran = G_DAY;
        if (d2) {
            s->has_end = 1;
            s->end.day = (int)d2;
            s->end.dsrc = SRC_ABS;
            s->end.gran = G_DAY;
            s->end.msrc = SRC_NONE;
            s->end.ysrc = SRC_NONE;
        }
        cur = me;
        size_t ye = en_trailing_year(c, cur, pt);
        if (ye)
            cur = ye;
    }
    /* range: January 6 - 7, September 25 to 28 */
    if (pt->gran == G_DAY) {
        size_t q = sc_ws(c, cur, 0), sep = 0;
        if (q < c->len && c->s[q] == '-')
            sep = q + 1;
        else if (!strncmp(c->s + q, "–", 3) || !strncmp(c->s + q, "—", 3))
            sep = q + 3;
        else if (!(sep = sc_word(c, q, "to")) && !(sep = sc_word(c, q, "through")))
            sep = sc_word(c, q, "and");
        if (sep) {
            size_t r = sc_ws(c, sep, 0);
            long d2;
            tx_point end;
            tx_point_init(&end);
            int m2, st2;
            size_t x = en_month(c, r, &m2, &st2);
            if (x) {
                size_t de = en_day(c, sc_ws(c, x, 0), &d2);
                if (de) {
                    end.month = m2;
                    end.msrc = SRC_ABS;
                    x = de;
                } else {
                    x = 0;
                }
            } else {
                x = en_day(c, r, &d2);
                end.msrc = SRC_NONE;
                if (x && sc_ws(c, x, 0) < c->len) {
                    /* "6 to 7 July" would be a different shape; a following month
                     * name means the number is not a day of this month */
                    int mm, ss;
                    if (en_month(c, sc_ws(c, x, 0), &mm, &ss))
                        x = 0;
                }
            }
            if (x && !sc_digit(c, x) && d2 >= 1 && d2 <= 31) {
                end.day = (int)d2;
                end.dsrc = SRC_ABS;
                end.gran = G_DAY;
                end.ysrc = SRC_NONE;
                size_t r2 = x;
                if (r2 < c->len && c->s[r2] == ',')
                    r2++;
                size_t ye = en_year(c, sc_ws(c, r2, 0), &y);
                if (ye && pt->ysrc != SRC_ABS) {
                    pt->year = (int)y;
                    pt->ysrc = SRC_ABS;
                    end.ysrc = SRC_ABS;
                    end.year = (int)y;
                    x = ye;
                }
                s->has_end = 1;
                s->end = end;
                cur = x;
            }
        }
        /* June 24 morning */
        size_t pd = en_pod(c, sc_ws(c, cur, 0), pt);
        if (pd) {
            cur = pd;
            s->type = TX_TIME;
        }
    }
    return cur;
}

static const char *const WEEKDAYS[] = {"monday", "tuesday", "wednesday", "thursday", "friday",
    "saturday", "sunday", NULL};

typedef struct en_word {
    const char *w;
    uint8_t kind;
    int8_t arg;
} en_word;

enum { E_REF, E_DAY, E_WEEK, E_MONTH, E_YEAR };

static const en_word EN_WORDS[] = {
    {"today", E_DAY, 0}, {"yesterday", E_DAY, -1}, {"tomorrow", E_DAY, 1},
    {"tonight", E_DAY, 0}, {"this week", E_WEEK, 0}, {"last week", E_WEEK, -1},
    {"next week", E_WEEK, 1}, {"this month", E_MONTH, 0}, {"last month", E_MONTH, -1},
    {"next month", E_MONTH, 1}, {"this year", E_YEAR, 0}, {"last year", E_YEAR, -1},
    {"next year", E_YEAR, 1}, {"earlier this year", E_YEAR, 0},
    {"earlier this month", E_MONTH, 0}, {"later this year", E_YEAR, 0},
    {"recently", E_REF, REF_PAST}, {"recent months", E_REF, REF_PAST},
    {"recent years", E_REF, REF_PAST}, {"recent weeks", E_REF, REF_PAST},
    {"recent days", E_REF, REF_PAST}, {"in recent years", E_REF, REF_PAST},
    {"in the past", E_REF, REF_PAST}, {"currently", E_REF, REF_PRESENT},
    {"at present", E_REF, REF_PRESENT}, {"nowadays", E_REF, REF_PRESENT},
    {"at the moment", E_REF, REF_PRESENT}, {"in the future", E_REF, REF_FUTURE},
    {"the future", E_REF, REF_FUTURE}, {"in the coming years", E_REF, REF_FUTURE},
    {"in the coming months", E_REF, REF_FUTURE}, {"the coming years", E_REF, REF_FUTURE},
    {NULL, 0, 0}};

static size_t en_words(const scan *c, size_t p, tx_sem *s)
{
    tx_point *pt = &s->pt;
    size_t best = 0;
    int k = -1;
    for (int i = 0; EN_WORDS[i].w; i++) {
        size_t e = sc_word(c, p, EN_WORDS[i].w);
        if (e > best) {
            best = e;
            k = i;
        }
    }
    /* weekdays: Thursday, last Thursday, next Monday */
    int wk;
    size_t q = p;
    int woff = 0, rel = 0;
    size_t r;
    if ((r = sc_word(c, p, "last")))
        rel = -1, q = sc_ws(c, r, 0);
    else if ((r = sc_word(c, p, "next")))
        rel = 1, q = sc_ws(c, r, 0);
    else if ((r = sc_word(c, p, "this")))
        rel = 2, q = sc_ws(c, r, 0);
    int mon, strong;
    size_t me = (rel == 1 || rel == -1) ? en_month(c, q, &mon, &strong) : 0;
    if (me && me > best && (rel == -1 || rel == 1)) {
        pt->month = mon;
        pt->msrc = SRC_ABS;
        pt->ysrc = SRC_CONTEXT;
        pt->gran = G_MONTH;
        pt->dir = (int8_t)rel;
        return me;
    }
    size_t we = sc_words(c, q, WEEKDAYS, &wk);
    if (we && we > best && rel == 0) {
        /* Monday, Sept. 11: the date itself, with its weekday in the span */
        size_t r2 = we;
        if (r2 < c->len && c->s[r2] == ',')
            r2++;
        tx_sem date;
        tx_sem_init(&date, TX_DATE);
        size_t de = en_calendar(c, sc_ws(c, r2, 0), &date, 0);
        if (de && date.pt.gran == G_DAY) {
            *s = date;
            return de;
        }
    }
    if (we && we > best) {
        pt->weekday = (int8_t)(wk + 1);
        pt->gran = G_DAY;
        if (rel == 0 || rel == 2) {
            pt->wnear = 1;
        } else {
            pt->wnear = 1;
            pt->dir = (int8_t)rel;
        }
        (void)woff;
        size_t pd = en_pod(c, sc_ws(c, we, 0), pt);
        if (pd) {
            s->type = TX_TIME;
            return pd;
        }
        /* Thursday (Aug 20): the parenthesis is a separate mention */
        return we;
    }
    if (!best)
        return 0;
    const en_word *w = &EN_WORDS[k];
    switch (w->kind) {
    case E_REF:
        s->ref = w->arg;
        return best;
    case E_DAY:
        pt->dsrc = SRC_DCT;
        pt->doff = w->arg;
        pt->gran = G_DAY;
        if (!strcmp(w->w, "tonight"))
            memcpy(pt->pod, "NI", 3), s->type = TX_TIME;
        return best;
    case E_WEEK:
        pt->woff = w->arg;
        pt->gran = G_WEEK;
        return best;
    case E_MONTH:
        pt->msrc = SRC_DCT;
        pt->moff = w->arg;
        pt->ysrc = SRC_DCT;
        pt->gran = G_MONTH;
        return best;
    case E_YEAR:
        pt->ysrc = SRC_DCT;
        pt->yoff = w->arg;
        pt->gran = G_YEAR;
        if (strncmp(w->w, "earlier", 7) == 0)
            s->mod = MOD_START;
        return best;
    default:
        return 0;
    }
}

/* 1990s, the 1930s, the '90s, the 19th century */
static size_t en_decade(const scan *c, size_t p, tx_sem *s)
{
    long v;
    int nd;
    size_t q = p;
    if (q < c->len && (c->s[q] == '\'' || !strncmp(c->s + q, "’", 3)))
        q += c->s[q] == '\'' ? 1 : 3;
    size_t e = sc_num(c, q, &v, &nd);
    if (!e || e >= c->len || c->f[e] != 's' || sc_is_wordchar(c, e + 1) || v % 10)
        return 0;
    if (nd == 4)
        s->pt.decade = (int)(v / 10);
    else if (nd == 2 && q > p)
        s->pt.decade = (int)(v >= 30 ? 190 + v / 10 : 200 + v / 10);
    else
        return 0;
    s->pt.gran = G_DECADE;
    return e + 1;
}

static size_t en_century(const scan *c, size_t p, tx_sem *s)
{
    long v;
    int nd;
    size_t e = sc_num(c, p, &v, &nd);
    if (!e || nd > 2 || e + 2 > c->len)
        return 0;
    static const char *const suf[] = {"st", "nd", "rd", "th", NULL};
    int ok = 0;
    for (int i = 0; suf[i]; i++)
        ok |= !memcmp(c->f + e, suf[i], 2);
    if (!ok || sc_is_wordchar(c, e + 2))
        return 0; /* needs the ordinal suffix */
    e += 2;
    size_t cc = sc_word(c, sc_ws(c, e, 0), "century");
    if (!cc)
        return 0;
    s->pt.gran = G_CENTURY;
    s->pt.century = (int)v - 1;
    return cc;
}

static size_t en_duration(const scan *c, size_t p, tx_sem *s)
{
    static const char *const units[] = {"year", "years", "month", "months", "week", "weeks",
        "day", "days", "decade", "decades", "hour", "hours", NULL};
    static const char *const u[] = {"Y", "Y", "M", "M", "W", "W", "D", "D", "DE", "DE", "TH", "TH"};
    long v;
    int nd;
    size_t e = sc_num(c, p, &v, &nd);
    if (!e)
        e = sc_en_numword(c, p, &v);
    if (!e || v <= 0 || v >= 1000)
        return 0;
    size_t q = e;
    if (q < c->len && c->s[q] == '-')
        q++;
    else
        q = sc_ws(c, q, 0);
    int k;
    size_t x = sc_words(c, q, units, &k);
    if (!x)
        return 0;
    if (u[k][0] == 'T')
        snprintf(s->dur, sizeof s->dur, "PT%ld%s", v, u[k] + 1);
    else
        snprintf(s->dur, sizeof s->dur, "P%ld%s", v, u[k]);
    s->type = TX_DURATION;
    /* "three years ago", "two days ago": counted back from the DCT */
    size_t ago = sc_word(c, sc_ws(c, x, 0), "ago");
    if (ago && u[k][0] != 'T' && strcmp(u[k], "DE")) {
        s->type = TX_DATE;
        s->dur[0] = 0;
        if (u[k][0] == 'Y') {
            s->pt.year = (int)v;
            s->pt.ysrc = SRC_ABS;
            s->pt.gran = G_YEAR;
            s->year_ago = 1;
        } else if (u[k][0] == 'M') {
            s->pt.msrc = SRC_DCT;
            s->pt.ysrc = SRC_DCT;
            s->pt.moff = (int8_t)-v;
            s->pt.gran = G_MONTH;
        } else {
            s->pt.dsrc = SRC_DCT;
            s->pt.doff = (int16_t)-(u[k][0] == 'W' ? 7 * v : v);
            s->pt.gran = G_DAY;
        }
        return ago;
    }
    return x;
}

static const struct {
    const char *w;
    uint8_t mod;
    const char *sub;
} PRE[] = {{"early", MOD_START, NULL}, {"mid", MOD_MID, NULL}, {"mid-", MOD_MID, NULL},
           {"late", MOD_END, NULL}, {"the end of", MOD_END, NULL},
           {"the beginning of", MOD_START, NULL}, {"the start of", MOD_START, NULL},
           {"the middle of", MOD_MID, NULL}, {"the late", MOD_END, NULL},
           {"the early", MOD_START, NULL}, {"the mid", MOD_MID, NULL},
           {"the mid-", MOD_MID, NULL}, {"end-", MOD_END, NULL}, {"late on", MOD_END, NULL},
           {"early on", MOD_START, NULL}, {"the first half of", 0, "H1"},
           {"the second half of", 0, "H2"}, {"the first quarter of", 0, "Q1"},
           {"the second quarter of", 0, "Q2"}, {"the third quarter of", 0, "Q3"},
           {"the fourth quarter of", 0, "Q4"}, {"first half of", 0, "H1"},
           {"second half of", 0, "H2"}, {"spring", 0, "SP"}, {"summer", 0, "SU"},
           {"autumn", 0, "FA"}, {"fall", 0, "FA"}, {"winter", 0, "WI"},
           {"the spring of", 0, "SP"}, {"the summer of", 0, "SU"},
           {"the autumn of", 0, "FA"}, {"the fall of", 0, "FA"}, {"the winter of", 0, "WI"},
           {"spring of", 0, "SP"}, {"summer of", 0, "SU"}, {"autumn of", 0, "FA"},
           {"winter of", 0, "WI"}, {NULL, 0, NULL}};

size_t scan_en(const scan *c, size_t p, tx_sem *s)
{
    tx_sem_init(s, TX_DATE);
    size_t cur = p, e;
    int k;
    /* since 2016 */
    if ((e = sc_word(c, p, "since"))) {
        tx_sem inner;
        size_t x = scan_en(c, sc_ws(c, e, 0), &inner);
        if (!x) {
            x = scan_numeric(c, sc_ws(c, e, 0), &inner);
        }
        if (x && inner.type == TX_DATE && !inner.ref && !inner.mod && inner.pt.gran >= G_YEAR) {
            *s = inner;
            s->mod = MOD_AFTER;
            return x;
        }
        tx_sem_init(s, TX_DATE);
        return 0;
    }
    /* noon on June 24, the morning of May 5, late on Thursday */
    {
        tx_point tmp;
        tx_point_init(&tmp);
        size_t pd = en_pod(c, p, &tmp);
        size_t on = pd ? sc_word(c, sc_ws(c, pd, 0), "on") : 0;
        if (on) {
            tx_sem inner;
            size_t x = scan_en(c, sc_ws(c, on, 0), &inner);
            if (x && inner.pt.gran == G_DAY && !inner.ref) {
                *s = inner;
                memcpy(s->pt.pod, tmp.pod, 3);
                if (tmp.hour >= 0)
                    s->pt.hour = tmp.hour, s->pt.minute = 0;
                s->type = TX_TIME;
                return x;
            }
        }
    }

    size_t pe = 0;
    int pk = -1;
    for (int i = 0; PRE[i].w; i++) {
        size_t x = sc_word(c, p, PRE[i].w);
        if (x > pe) {
            pe = x;
            pk = i;
        }
    }
    if (pe) {
        size_t q = c->f[pe - 1] == '-' ? pe : sc_ws(c, pe, 0);
        tx_sem inner;
        tx_sem_init(&inner, TX_DATE);
        size_t x = en_calendar(c, q, &inner, 1);
        if (!x)
            x = en_decade(c, q, &inner);
        if (!x)
            x = en_words(c, q, &inner);
        if (!x)
            x = en_century(c, q, &inner);
        if (!x) {
            long y;
            size_t ye = en_year(c, q, &y);
            if (ye) {
                tx_sem_init(&inner, TX_DATE);
                inner.pt.year = (int)y;
                inner.pt.ysrc = SRC_ABS;
                inner.pt.gran = G_YEAR;
                x = ye;
            }
        }
        if (x && !inner.ref && !inner.mod) {
            *s = inner;
            if (PRE[pk].sub) {
                if (s->pt.gran != G_YEAR)
                    goto plain;
                s->pt.gran = G_SUB;
                memcpy(s->pt.sub, PRE[pk].sub, 3);
            } else {
                s->mod = PRE[pk].mod;
            }
            return x;
        }
    }
plain:
    tx_sem_init(s, TX_DATE);
    /* the 1990s */
    if ((e = sc_word(c, p, "the"))) {
        tx_sem inner;
        tx_sem_init(&inner, TX_DATE);
        size_t x = en_decade(c, sc_ws(c, e, 0), &inner);
        if (!x)
            x = en_century(c, sc_ws(c, e, 0), &inner);
        if (x) {
            *s = inner;
            return x;
        }
        return 0;
    }
    tx_sem best;
    size_t be = 0;
    size_t (*const fns[])(const scan *, size_t, tx_sem *) = {en_decade, en_century, en_words,
                                                              en_duration};
    tx_sem cal;
    tx_sem_init(&cal, TX_DATE);
    size_t ce = en_calendar(c, cur, &cal, 0);
    if (ce) {
        be = ce;
        best = cal;
    }
    for (size_t i = 0; i < sizeof fns / sizeof *fns; i++) {
        tx_sem t;
        tx_sem_init(&t, TX_DATE);
        size_t x = fns[i](c, cur, &t);
        if (x > be) {
            be = x;
            best = t;
        }
    }
    (void)k;
    if (be)
        *s = best;
    return be;
}

/* Latin literals for the start filter: a word or phrase, or "^word" for a
 * word that opens an expression only before a number or another opener. */
static void add_prefix(void (*add)(void *, const char *), void *ctx, const char *w)
{
    char buf[64];
    snprintf(buf, sizeof buf, "^%s", w);
    add(ctx, buf);
}

void en_start_literals(void (*add)(void *, const char *), void *ctx)
{
    static const char *const prefixes[] = {"since", "the", "last", "next", "this", "in", NULL};
    static const char *const numbers[] = {"one", "two", "three", "four", "five", "six", "seven",
        "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen",
        "seventeen", "eighteen", "nineteen", "twenty", "thirty", "forty", "fifty", "sixty",
        "seventy", "eighty", "ninety", NULL};
    static const char *const units[] = {"year", "years", "month", "months", "week", "weeks",
        "day", "days", "decade", "decades", "hour", "hours", NULL};
    char buf[64];
    for (int i = 0; MONTHS[i]; i++)
        add(ctx, MONTHS[i]);
    for (int i = 0; MON3[i]; i++)
        add(ctx, MON3[i]);
    add(ctx, "sept");
    for (int i = 0; WEEKDAYS[i]; i++)
        add(ctx, WEEKDAYS[i]);
    for (int i = 0; EN_WORDS[i].w; i++)
        add(ctx, EN_WORDS[i].w);
    for (int i = 0; EN_POD[i].w; i++) {
        add_prefix(add, ctx, EN_POD[i].w);
        snprintf(buf, sizeof buf, "%s on", EN_POD[i].w);
        add(ctx, buf);
    }
    for (int i = 0; PRE[i].w; i++) {
        add_prefix(add, ctx, PRE[i].w);
        add(ctx, PRE[i].w);
    }
    for (int i = 0; prefixes[i]; i++)
        add_prefix(add, ctx, prefixes[i]);
    for (int i = 0; numbers[i]; i++)
        for (int j = 0; units[j]; j++) {
            snprintf(buf, sizeof buf, "%s %s", numbers[i], units[j]);
            add(ctx, buf);
        }
}
