/* timex_scan_vi.c: Vietnamese date expressions. Numeric dates read
 * day/month/year; keywords are matched on the lower-cased text. */
#include "timex_scan.h"

enum { HAS_D = 1, HAS_M = 2, HAS_Y = 4 };

static size_t vi_month_word(const scan *c, size_t p, long *v)
{
    static const char *const w[] = {"giêng", "một", "hai", "ba", "tư", "năm", "sáu", "bảy", "tám",
        "chín", "mười", "mười một", "mười hai", "chạp", "bốn", NULL};
    static const int val[] = {1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 12, 4};
    int k = -1;
    size_t e = sc_words(c, p, w, &k);
    if (!e)
        return 0;
    *v = val[k];
    return e;
}

/* "/" or "-" or "." between numbers, spaces allowed after "/" */
static size_t vi_sep(const scan *c, size_t p, int dot)
{
    if (p >= c->len)
        return 0;
    char ch = c->s[p];
    if (ch == '/' || ch == '-' || (dot && ch == '.'))
        return sc_ws(c, p + 1, 0);
    return 0;
}

static size_t vi_year_num(const scan *c, size_t p, long *y)
{
    int nd;
    size_t e = sc_num(c, p, y, &nd);
    if (!e || nd != 4 || *y < 1000 || *y > 2999)
        return 0;
    if (e < c->len && (c->s[e] == '.' || c->s[e] == ',') && sc_digit(c, e + 1))
        return 0;
    return e;
}

/* D/M, D/M/Y, D-M, D-M-Y; returns flags in *has */
static size_t vi_dm(const scan *c, size_t p, tx_point *pt, int *has)
{
    long d, m, y;
    int nd;
    size_t e = sc_num(c, p, &d, &nd);
    if (!e || d < 1 || d > 31 || nd > 2)
        return 0;
    size_t s1 = vi_sep(c, e, 0);
    if (!s1)
        return 0;
    size_t e2 = sc_num(c, s1, &m, &nd);
    if (!e2 || m < 1 || m > 12 || nd > 2)
        return 0;
    pt->day = (int)d;
    pt->month = (int)m;
    pt->dsrc = pt->msrc = SRC_ABS;
    pt->gran = G_DAY;
    *has = HAS_D | HAS_M;
    size_t s2 = vi_sep(c, e2, 0);
    if (s2 && c->s[e2] == c->s[e]) {
        size_t e3 = vi_year_num(c, s2, &y);
        if (e3) {
            pt->year = (int)y;
            pt->ysrc = SRC_ABS;
            *has |= HAS_Y;
            return e3;
        }
    }
    if (sc_digit(c, e2 + 1) && (c->s[e2] == '.' || c->s[e2] == ','))
        return 0; /* 6/7.5: not a date */
    return e2;
}

typedef struct vi_pref {
    const char *w;
    uint8_t kind;
    int8_t arg;
} vi_pref;

enum { P_MOD, P_FROM, P_AFTER, P_BEFORE, P_AGO };

/* year-relative words that can follow a month: tháng 9 năm nay */
static size_t vi_rel_year(const scan *c, size_t p, tx_point *pt)
{
    static const char *const w[] = {"năm nay", "năm ngoái", "năm trước", "năm tới", "năm sau",
                                    "năm qua", NULL};
    static const int off[] = {0, -1, -1, 1, 1, -1};
    int k;
    size_t e = sc_words(c, p, w, &k);
    if (!e)
        return 0;
    pt->ysrc = SRC_DCT;
    pt->yoff = (int8_t)off[k];
    return e;
}

/* direction words after a month or day: tháng 11 tới, tháng 10 vừa qua */
static size_t vi_dir(const scan *c, size_t p, tx_point *pt)
{
    static const char *const w[] = {"tới", "sắp tới", "vừa qua", "qua", "này", "trước", NULL};
    static const int dir[] = {1, 1, -1, -1, 0, -1};
    int k;
    size_t e = sc_words(c, p, w, &k);
    if (!e)
        return 0;
    pt->dir = (int8_t)dir[k];
    if (k == 4 && pt->ysrc == SRC_CONTEXT) {
        pt->ysrc = SRC_DCT; /* tháng này */
        pt->yoff = 0;
    }
    return e;
}

/* one point: ngày 6/7, ngày 31 tháng 7 năm 2024, tháng 3/2023, tháng Bảy năm 2015,
 * năm 2013, 9/3/2026, 5-1954 */
static size_t vi_point(const scan *c, size_t p, tx_point *pt, int *has)
{
    size_t q, e;
    long v, y;
    int nd;
    *has = 0;
    if ((q = sc_word(c, p, "ngày")) || (q = sc_word(c, p, "hôm"))) {
        q = sc_ws(c, q, 0);
        e = vi_dm(c, q, pt, has);
        if (e) {
            return e;
        }
        e = sc_num(c, q, &v, &nd);
        if (!e || v < 1 || v > 31 || nd > 2)
            return 0;
        pt->day = (int)v;
        pt->dsrc = SRC_ABS;
        pt->gran = G_DAY;
        pt->msrc = SRC_CONTEXT;
        *has = HAS_D;
        size_t t = sc_word(c, sc_ws(c, e, 0), "tháng");
        if (t) {
            long m;
            size_t me = sc_num(c, sc_ws(c, t, 0), &m, &nd);
            if (!me)
                me = vi_month_word(c, sc_ws(c, t, 0), &m);
            if (me && m >= 1 && m <= 12) {
                pt->month = (int)m;
                pt->msrc = SRC_ABS;
                pt->ysrc = SRC_CONTEXT;
                *has |= HAS_M;
                e = me;
                size_t n = sc_word(c, sc_ws(c, e, 0), "năm");
                size_t ye = n ? vi_year_num(c, sc_ws(c, n, 0), &y) : 0;
                size_t sl = vi_sep(c, e, 0);
                if (!ye && sl && c->s[e] == '/')
                    ye = vi_year_num(c, sl, &y);
                if (ye) {
                    pt->year = (int)y;
                    pt->ysrc = SRC_ABS;
                    *has |= HAS_Y;
                    e = ye;
                } else if ((n = vi_rel_year(c, sc_ws(c, e, 0), pt))) {
                    *has |= HAS_Y;
                    e = n;
                }
            }
        }
        return e;
    }
    if ((q = sc_word(c, p, "tháng"))) {
        q = sc_ws(c, q, 0);
        long m;
        e = sc_num(c, q, &m, &nd);
        if (!e)
            e = vi_month_word(c, q, &m);
        if (!e || m < 1 || m > 12)
            return 0;
        pt->month = (int)m;
        pt->msrc = SRC_ABS;
        pt->ysrc = SRC_CONTEXT;
        pt->gran = G_MONTH;
        *has = HAS_M;
        size_t sl = vi_sep(c, e, 0);
        size_t ye = sl ? vi_year_num(c, sl, &y) : 0;
        if (!ye) {
            size_t n = sc_word(c, sc_ws(c, e, 0), "năm");
            ye = n ? vi_year_num(c, sc_ws(c, n, 0), &y) : 0;
        }
        if (ye) {
            pt->year = (int)y;
            pt->ysrc = SRC_ABS;
            *has |= HAS_Y;
            return ye;
        }
        size_t r = vi_rel_year(c, sc_ws(c, e, 0), pt);
        if (r) {
            *has |= HAS_Y;
            return r;
        }
        return e;
    }
    if ((q = sc_word(c, p, "năm"))) {
        q = sc_ws(c, q, 0);
        e = vi_year_num(c, q, &y);
        if (!e)
            return 0;
        pt->year = (int)y;
        pt->ysrc = SRC_ABS;
        pt->gran = G_YEAR;
        *has = HAS_Y;
        return e;
    }
    if (sc_digit(c, p)) {
        e = vi_dm(c, p, pt, has);
        if (e)
            return e;
        /* M-YYYY, M/YYYY */
        long m;
        e = sc_num(c, p, &m, &nd);
        size_t sl = e ? vi_sep(c, e, 0) : 0;
        size_t ye = sl ? vi_year_num(c, sl, &y) : 0;
        if (ye && m >= 1 && m <= 12 && nd <= 2) {
            pt->month = (int)m;
            pt->year = (int)y;
            pt->msrc = pt->ysrc = SRC_ABS;
            pt->gran = G_MONTH;
            *has = HAS_M | HAS_Y;
            return ye;
        }
        tx_sem bare;
        tx_sem_init(&bare, TX_DATE);
        e = scan_bare_year(c, p, &bare);
        if (e) {
            *pt = bare.pt;
            *has = HAS_Y;
            return e;
        }
    }
    return 0;
}

/* a point, then an optional compressed range: 6-10/7, 10-11/9/2023,
 * 11 và 12-12, ngày 9 đến ngày 11 tháng 11, 30/4 – 1/5/2022 */
static size_t vi_range(const scan *c, size_t p, tx_sem *s)
{
    tx_point *pt = &s->pt;
    int has;
    size_t e = 0;
    /* D-D/M: a day range written before a shared month */
    long d1, d2;
    int nd;
    size_t q = sc_word(c, p, "ngày");
    size_t np = q ? sc_ws(c, q, 0) : p;
    size_t a = sc_num(c, np, &d1, &nd);
    if (a && a < c->len && (c->s[a] == '-' || c->s[a] == 0) && d1 >= 1 && d1 <= 31) {
        tx_point t2;
        tx_point_init(&t2);
        int h2;
        size_t b = sc_num(c, a + 1, &d2, &nd);
        if (b && b < c->len && c->s[b] == '/' && d2 > d1 && d2 <= 31) {
            size_t x = vi_dm(c, a + 1, &t2, &h2);
            if (x) {
                *pt = t2;
                pt->day = (int)d1;
                if (!(h2 & HAS_Y))
                    pt->ysrc = SRC_CONTEXT;
                s->has_end = 1;
                s->end = t2;
                s->end.ysrc = (h2 & HAS_Y) ? SRC_ABS : SRC_NONE;
                s->end.msrc = SRC_ABS;
                return x;
            }
        }
    }
    e = vi_point(c, p, pt, &has);
    if (!e)
        return 0;
    if ((has & (HAS_D | HAS_M)) && !(has & HAS_Y) && pt->ysrc != SRC_DCT)
        pt->ysrc = SRC_CONTEXT;
    if (has == HAS_D)
        pt->msrc = SRC_CONTEXT;
    /* range to a second point */
    static const char *const seps[] = {"đến", "tới", "và", "cho đến", NULL};
    size_t r = sc_ws(c, e, 0), x;
    int k;
    size_t sep = 0;
    if (r < c->len && (c->s[r] == '-' || !strncmp(c->s + r, "–", 3) || !strncmp(c->s + r, "—", 3)))
        sep = sc_ws(c, r + (c->s[r] == '-' ? 1 : 3), 0);
    else if ((x = sc_words(c, r, seps, &k)))
        sep = sc_ws(c, x, 0);
    if (sep && (has & HAS_D)) {
        tx_point t2;
        tx_point_init(&t2);
        int h2;
        size_t y = vi_point(c, sep, &t2, &h2);
        if (!y) {
            /* 11 và 12-12: the second day carries the month */
            y = vi_dm(c, sep, &t2, &h2);
        }
        if (!y && !(has & HAS_M)) {
            /* ngày 9 đến 11/... handled above; a bare second day */
            long dd;
            y = sc_num(c, sep, &dd, &nd);
            if (y && dd >= 1 && dd <= 31 && nd <= 2 && !sc_digit(c, y) &&
                !(y < c->len && (c->s[y] == '/' || c->s[y] == '-'))) {
                t2.day = (int)dd;
                t2.dsrc = SRC_ABS;
                t2.gran = G_DAY;
                h2 = HAS_D;
            } else {
                y = 0;
            }
        }
        if (y && (h2 & HAS_D) && !((has & HAS_Y) && (h2 & HAS_Y))) {
            if (!(has & HAS_M) && (h2 & HAS_M)) {
                pt->month = t2.month;
                pt->msrc = SRC_ABS;
                pt->ysrc = SRC_CONTEXT;
            }
            if (!(has & HAS_Y) && (h2 & HAS_Y)) {
                pt->ysrc = SRC_CONTEXT; /* the start takes the end's year when resolved */
            }
            s->has_end = 1;
            s->end = t2;
            s->end.ysrc = (h2 & HAS_Y) ? t2.ysrc : SRC_NONE;
            if (!(h2 & HAS_M))
                s->end.msrc = SRC_NONE;
            s->end.gran = G_DAY;
            e = y;
            if (!(has & HAS_Y) && (h2 & HAS_Y) && t2.ysrc == SRC_DCT) {
                pt->ysrc = SRC_DCT;
                pt->yoff = t2.yoff;
            }
        }
    }
    size_t dr = vi_dir(c, sc_ws(c, e, 0), s->has_end ? &s->end : pt);
    if (dr) {
        if (s->has_end)
            pt->dir = s->end.dir;
        e = dr;
    }
    return e;
}

static const struct {
    const char *w;
    const char *pod;
} VI_POD[] = {{"sáng", "MO"}, {"sáng sớm", "MO"}, {"rạng sáng", "MO"}, {"trưa", "MI"},
              {"chiều", "AF"}, {"chiều tối", "EV"}, {"tối", "EV"}, {"đêm", "NI"},
              {"khuya", "NI"}, {NULL, NULL}};

static size_t vi_pod(const scan *c, size_t p, tx_point *pt)
{
    size_t best = 0;
    int k = -1;
    for (int i = 0; VI_POD[i].w; i++) {
        size_t e = sc_word(c, p, VI_POD[i].w);
        if (e > best) {
            best = e;
            k = i;
        }
    }
    if (!best)
        return 0;
    if (!strcmp(VI_POD[k].pod, "MI")) {
        pt->hour = 12;
        pt->minute = 0;
    } else {
        memcpy(pt->pod, VI_POD[k].pod, 3);
    }
    return best;
}

/* 22h40, 8 giờ, 8 giờ 30 phút, 19:00 */
static size_t vi_clock(const scan *c, size_t p, tx_point *pt)
{
    long h, m = 0;
    int nd;
    size_t e = sc_num(c, p, &h, &nd);
    if (!e || h > 24 || nd > 2)
        return scan_clock(c, p, pt);
    size_t u = 0;
    if (e < c->len && (c->f[e] == 'h' || c->f[e] == 'g') && !sc_is_wordchar(c, e + 1))
        u = e + 1;
    else if (e < c->len && (c->f[e] == 'h') && sc_digit(c, e + 1))
        u = e + 1;
    else if ((u = sc_word(c, sc_ws(c, e, 0), "giờ")))
        ;
    else
        return scan_clock(c, p, pt);
    size_t me = sc_num(c, sc_ws(c, u, 0), &m, &nd);
    if (me && m < 60 && nd == 2) {
        u = me;
        size_t ph = sc_word(c, sc_ws(c, u, 0), "phút");
        if (ph)
            u = ph;
    } else if (me && m < 60 && sc_word(c, sc_ws(c, me, 0), "phút")) {
        u = sc_word(c, sc_ws(c, me, 0), "phút");
    } else {
        m = 0;
    }
    pt->hour = (int8_t)h;
    pt->minute = (int8_t)m;
    return u;
}

static size_t vi_zone(const scan *c, size_t p)
{
    static const char *const z[] = {"giờ địa phương", "giờ hà nội", "giờ việt nam", "giờ gmt",
                                    "giờ mỹ", "giờ washington", NULL};
    size_t q = sc_ws(c, p, 0);
    if (q < c->len && c->s[q] == ',')
        q = sc_ws(c, q + 1, 0);
    int paren = q < c->len && c->s[q] == '(';
    if (paren)
        q++;
    int k;
    size_t e = sc_words(c, q, z, &k);
    if (!e)
        return 0;
    if (paren) {
        if (e < c->len && c->s[e] == ')')
            return e + 1;
        return 0;
    }
    return e;
}

typedef struct vi_word {
    const char *w;
    uint8_t kind;
    int8_t arg;
} vi_word;

enum { V_REF, V_DAY, V_WEEK, V_MONTH, V_YEAR, V_ANCHOR, V_PRESENT_CAP, V_WEEKEND };

static const vi_word VI_WORDS[] = {
    {"hôm nay", V_DAY, 0}, {"ngày hôm nay", V_DAY, 0}, {"hôm qua", V_DAY, -1},
    {"ngày hôm qua", V_DAY, -1}, {"hôm kia", V_DAY, -2}, {"ngày mai", V_DAY, 1},
    {"tuần này", V_WEEK, 0}, {"tuần tới", V_WEEK, 1}, {"tuần sau", V_WEEK, 1},
    {"tuần trước", V_WEEK, -1}, {"tuần qua", V_WEEK, -1},
    {"cuối tuần này", V_WEEKEND, 0}, {"cuối tuần qua", V_WEEKEND, -1},
    {"cuối tuần trước", V_WEEKEND, -1}, {"cuối tuần tới", V_WEEKEND, 1},
    {"tháng này", V_MONTH, 0}, {"tháng tới", V_MONTH, 1}, {"tháng sau", V_MONTH, 1},
    {"tháng trước", V_MONTH, -1}, {"tháng qua", V_MONTH, -1},
    {"năm nay", V_YEAR, 0}, {"năm ngoái", V_YEAR, -1}, {"năm tới", V_YEAR, 1},
    {"năm sau", V_YEAR, 1}, {"năm trước", V_YEAR, -1},
    {"hiện nay", V_REF, REF_PRESENT}, {"hiện tại", V_REF, REF_PRESENT},
    {"hiện giờ", V_REF, REF_PRESENT}, {"bây giờ", V_REF, REF_PRESENT},
    {"lúc này", V_REF, REF_PRESENT}, {"ngày nay", V_REF, REF_PRESENT},
    {"hiện", V_PRESENT_CAP, REF_PRESENT},
    {"gần đây", V_REF, REF_PAST}, {"thời gian gần đây", V_REF, REF_PAST},
    {"mới đây", V_REF, REF_PAST}, {"vừa qua", V_REF, REF_PAST}, {"thời gian qua", V_REF, REF_PAST},
    {"trước đây", V_REF, REF_PAST}, {"thời gian trước", V_REF, REF_PAST},
    {"lâu nay", V_REF, REF_PAST}, {"thời gian vừa qua", V_REF, REF_PAST},
    {"những năm gần đây", V_REF, REF_PAST}, {"các năm gần đây", V_REF, REF_PAST},
    {"thời gian tới", V_REF, REF_FUTURE}, {"sắp tới", V_REF, REF_FUTURE},
    {"thời gian sắp tới", V_REF, REF_FUTURE}, {"tương lai", V_REF, REF_FUTURE},
    {"trong tương lai", V_REF, REF_FUTURE}, {"tới đây", V_REF, REF_FUTURE},
    {"năm đó", V_ANCHOR, 0}, {"năm ấy", V_ANCHOR, 0}, {"thời gian này", V_ANCHOR, 0},
    {"thời điểm đó", V_ANCHOR, 0}, {"thời điểm này", V_ANCHOR, 0}, {"lúc đó", V_ANCHOR, 0},
    {"khi đó", V_ANCHOR, 0}, {"khi ấy", V_ANCHOR, 0}, {"lúc bấy giờ", V_ANCHOR, 0},
    {"thời đó", V_ANCHOR, 0},
    {NULL, 0, 0}};

static size_t vi_words(const scan *c, size_t p, tx_sem *s)
{
    tx_point *pt = &s->pt;
    size_t best = 0;
    int k = -1;
    for (int i = 0; VI_WORDS[i].w; i++) {
        size_t e = sc_word(c, p, VI_WORDS[i].w);
        if (e > best) {
            best = e;
            k = i;
        }
    }
    if (!best)
        return 0;
    const vi_word *w = &VI_WORDS[k];
    switch (w->kind) {
    case V_REF:
        s->ref = w->arg;
        return best;
    case V_PRESENT_CAP: {
        /* "Hiện," or "Hiện Việt Nam có…" opening a sentence: "currently".
         * Inside a sentence hiện is part of words (thể hiện, hiện đại). */
        if (c->s[p] != 'H')
            return 0;
        static const char *const not_after[] = {"đại", "thực", "diện", "trạng", "hành",
            "tượng", "vật", "thân", "ra", "lên", "rõ", "hữu", "hình", "kim", "nay", "tại",
            "giờ", NULL};
        int kk;
        size_t nx = sc_ws(c, best, 0);
        if (sc_words(c, nx, not_after, &kk))
            return 0;
        if (p > 0) {
            size_t q = utf8_prev(c->s, p);
            while (q > 0 && (c->s[q] == ' ' || c->s[q] == '\t'))
                q = utf8_prev(c->s, q);
            char ch = c->s[q];
            if (q > 0 && ch != '.' && ch != '\n' && ch != ':' && ch != '!' && ch != '?' &&
                ch != '"' && ch != ')')
                return 0;
        }
        s->ref = w->arg;
        return best;
    }
    case V_DAY:
        pt->dsrc = SRC_DCT;
        pt->doff = w->arg;
        pt->gran = G_DAY;
        return best;
    case V_WEEK:
        pt->woff = w->arg;
        pt->gran = G_WEEK;
        return best;
    case V_WEEKEND:
        pt->woff = w->arg;
        pt->gran = G_WEEK;
        memcpy(pt->sub, "WE", 3);
        return best;
    case V_MONTH:
        pt->msrc = SRC_DCT;
        pt->moff = w->arg;
        pt->ysrc = SRC_DCT;
        pt->gran = G_MONTH;
        return best;
    case V_YEAR:
        pt->ysrc = SRC_DCT;
        pt->yoff = w->arg;
        pt->gran = G_YEAR;
        return best;
    case V_ANCHOR:
        s->anchor = 1;
        return best;
    default:
        return 0;
    }
}

static size_t vi_decade(const scan *c, size_t p, tx_sem *s)
{
    static const char *const w[] = {"thập niên", "thập kỷ", "những năm", "các năm", NULL};
    int k;
    size_t e = sc_words(c, p, w, &k);
    if (!e)
        return 0;
    long v;
    int nd;
    size_t n = sc_num(c, sc_ws(c, e, 0), &v, &nd);
    if (!n || v % 10 != 0)
        return 0;
    if (nd == 4)
        s->pt.decade = (int)(v / 10);
    else if (nd == 2)
        s->pt.decade = (int)(v >= 30 ? 190 + v / 10 : 200 + v / 10);
    else
        return 0;
    if (sc_is_wordchar(c, n))
        return 0;
    s->pt.gran = G_DECADE;
    return n;
}

static int roman(const scan *c, size_t p, size_t *e)
{
    static const char *const r[] = {"xxi", "xx", "xix", "xviii", "xvii", "xvi", "xv", NULL};
    static const int v[] = {21, 20, 19, 18, 17, 16, 15};
    int k;
    size_t x = sc_words(c, p, r, &k);
    if (!x)
        return 0;
    *e = x;
    return v[k];
}

static size_t vi_century(const scan *c, size_t p, tx_sem *s)
{
    size_t e = sc_word(c, p, "thế kỷ");
    if (!e)
        e = sc_word(c, p, "thế kỉ");
    if (!e)
        return 0;
    size_t q = sc_ws(c, e, 0), n;
    long v;
    int nd;
    n = sc_num(c, q, &v, &nd);
    if (!n) {
        int r = roman(c, q, &n);
        if (!r)
            return 0;
        v = r;
    }
    if (v < 1 || v > 30)
        return 0;
    s->pt.gran = G_CENTURY;
    s->pt.century = (int)v - 1;
    return n;
}

static size_t vi_duration(const scan *c, size_t p, tx_sem *s)
{
    static const char *const units[] = {"năm", "tháng", "tuần", "ngày", "giờ", "thập kỷ",
                                        "thập niên", NULL};
    static const char *const u[] = {"Y", "M", "W", "D", "TH", "DE", "DE"};
    long v;
    int nd;
    size_t e = sc_num(c, p, &v, &nd);
    int many = 0;
    if (!e) {
        e = sc_word(c, p, "nhiều");
        if (!e)
            e = sc_word(c, p, "mấy");
        if (!e)
            e = sc_vi_numword(c, p, &v);
        else
            many = 1;
    }
    if (!e || (!many && (v <= 0 || v >= 1000)))
        return 0;
    int k;
    size_t x = sc_words(c, sc_ws(c, e, 0), units, &k);
    if (!x)
        return 0;
    /* "năm 2013" reads as a year, not "five 2013" */
    if (sc_digit(c, sc_ws(c, x, 0)))
        return 0;
    if (many)
        snprintf(s->dur, sizeof s->dur, "PX%s", u[k]);
    else if (u[k][0] == 'T')
        snprintf(s->dur, sizeof s->dur, "PT%ld%s", v, u[k] + 1);
    else
        snprintf(s->dur, sizeof s->dur, "P%ld%s", v, u[k]);
    static const char *const tail[] = {"qua", "nay", "trở lại đây", "gần đây", NULL};
    size_t t = sc_words(c, sc_ws(c, x, 0), tail, &k);
    s->type = TX_DURATION;
    return t ? t : x;
}

static const vi_pref PREF[] = {{"đầu", P_MOD, MOD_START}, {"giữa", P_MOD, MOD_MID},
        {"cuối", P_MOD, MOD_END}, {"thượng tuần", P_MOD, MOD_START},
        {"trung tuần", P_MOD, MOD_MID}, {"hạ tuần", P_MOD, MOD_END},
        {"khoảng", P_MOD, MOD_APPROX}, {"từ", P_FROM, 0}, {"kể từ", P_FROM, 0},
        {"sau", P_AFTER, 0}, {"trước", P_BEFORE, 0}, {NULL, 0, 0}};

size_t scan_vi(const scan *c, size_t p, tx_sem *s)
{
    tx_sem_init(s, TX_DATE);
    tx_point *pt = &s->pt;
    size_t cur = p, e;
    int k;
    /* cách đây 28 năm: counted back from the DCT */
    if ((e = sc_word(c, p, "cách đây"))) {
        static const char *const approx[] = {"gần", "khoảng", "chừng", "hơn", "ngót", NULL};
        size_t q = sc_ws(c, e, 0);
        size_t a = sc_words(c, q, approx, &k);
        if (a) {
            s->mod = k == 3 ? MOD_BEFORE : MOD_APPROX;
            q = sc_ws(c, a, 0);
        }
        long v;
        int nd;
        size_t n = sc_num(c, q, &v, &nd);
        size_t y = n ? sc_word(c, sc_ws(c, n, 0), "năm") : 0;
        if (!y || v <= 0 || v > 500)
            return 0;
        pt->year = (int)v;
        pt->ysrc = SRC_ABS;
        pt->gran = G_YEAR;
        s->year_ago = 1;
        return y;
    }
    /* leading modifiers */

    int pk = -1;
    size_t pe = 0;
    for (int i = 0; PREF[i].w; i++) {
        size_t x = sc_word(c, p, PREF[i].w);
        if (x > pe) {
            pe = x;
            pk = i;
        }
    }
    if (pe) {
        size_t q = sc_ws(c, pe, 0);
        tx_sem inner;
        size_t x = scan_vi(c, q, &inner);
        if (!x || inner.type != TX_DATE || inner.ref || inner.anchor)
            goto plain;
        int kind = PREF[pk].kind;
        if (kind == P_MOD && inner.mod == 0 && inner.pt.gran >= G_DECADE && inner.pt.gran != G_WEEK) {
            /* "cuối tuần" is a weekend, handled by the word table */
            *s = inner;
            s->mod = (uint8_t)PREF[pk].arg;
            return x;
        }
        if (kind == P_FROM) {
            *s = inner;
            if (!inner.has_end && !inner.mod)
                s->mod = MOD_AFTER;
            return x;
        }
        if ((kind == P_AFTER || kind == P_BEFORE) && !inner.mod &&
            (sc_word(c, q, "năm") || sc_word(c, q, "tháng") || sc_word(c, q, "ngày"))) {
            *s = inner;
            s->mod = kind == P_AFTER ? MOD_AFTER : MOD_BEFORE;
            return x;
        }
        goto plain;
    }
plain:
    tx_sem_init(s, TX_DATE);
    /* time of day and clock before the date */
    int is_time = 0;
    size_t t = vi_clock(c, cur, pt);
    if (t && sc_digit(c, cur)) {
        is_time = 1;
        cur = t;
        size_t pd = vi_pod(c, sc_ws(c, cur, 0), pt);
        if (pd) {
            if (pt->hour < 12 && (pt->pod[0] == 'A' || pt->pod[0] == 'E' || pt->pod[0] == 'N'))
                pt->hour = (int8_t)(pt->hour + 12);
            pt->pod[0] = 0;
            cur = pd;
            size_t nay = sc_word(c, sc_ws(c, cur, 0), "nay");
            if (nay) {
                cur = nay;
                pt->dsrc = SRC_DCT;
                pt->doff = 0;
                pt->gran = G_DAY;
                s->type = TX_TIME;
                return cur;
            }
        }
        size_t z = vi_zone(c, cur);
        if (z)
            cur = z;
        size_t q = cur;
        if (q < c->len && c->s[q] == ',')
            q++;
        q = sc_ws(c, q, 0);
        tx_point save = *pt;
        int has;
        size_t d = vi_point(c, q, pt, &has);
        if (d && (has & HAS_D)) {
            pt->hour = save.hour;
            pt->minute = save.minute;
            if (!(has & HAS_Y))
                pt->ysrc = SRC_CONTEXT;
            cur = d;
            size_t z2 = vi_zone(c, cur);
            if (z2)
                cur = z2;
        } else {
            *pt = save;
            pt->dsrc = SRC_CONTEXT; /* the clock alone: dated from its line */
            pt->gran = G_DAY;
            if (!z && !(t > p && c->f[t - 1] == 'h') && !sc_word(c, sc_ws(c, p, 0), "giờ")) {
                /* 19 giờ needs the word; HH:MM is handled by the numeric scanner */
            }
        }
        s->type = TX_TIME;
        return cur;
    }
    tx_point_init(pt);
    size_t pd = vi_pod(c, cur, pt);
    if (pd) {
        size_t q = sc_ws(c, pd, 0);
        size_t nay = sc_word(c, q, "nay");
        size_t qua = sc_word(c, q, "qua");
        size_t mai = sc_word(c, q, "mai");
        if (nay || qua || mai) {
            pt->dsrc = SRC_DCT;
            pt->doff = nay ? 0 : qua ? -1 : 1;
            pt->gran = G_DAY;
            cur = nay ? nay : qua ? qua : mai;
            /* Chiều nay (13/12) */
            size_t r = sc_ws(c, cur, 0);
            if (r < c->len && c->s[r] == '(') {
                tx_point t2 = *pt;
                int has;
                size_t x = vi_dm(c, r + 1, &t2, &has);
                if (x && x < c->len && c->s[x] == ')') {
                    cur = x + 1;
                }
            }
            s->type = TX_DATE;
            return cur;
        }
        char pod[3];
        memcpy(pod, pt->pod, 3);
        int8_t hour = pt->hour;
        size_t wd = sc_word(c, q, "ngày");
        (void)wd;
        tx_sem inner;
        size_t x = 0;
        tx_sem_init(&inner, TX_DATE);
        x = vi_range(c, q, &inner);
        if (!x || !(inner.pt.gran == G_DAY))
            return 0;
        *s = inner;
        memcpy(s->pt.pod, pod, 3);
        if (hour >= 0) {
            s->pt.hour = hour;
            s->pt.minute = 0;
        }
        (void)is_time;
        return x;
    }
    /* Thứ Hai, 11/09/2023 */
    static const char *const wd[] = {"thứ hai", "thứ ba", "thứ tư", "thứ năm", "thứ sáu",
                                     "thứ bảy", "chủ nhật", NULL};
    size_t we = sc_words(c, cur, wd, &k);
    if (we) {
        size_t q = we;
        if (q < c->len && c->s[q] == ',')
            q++;
        q = sc_ws(c, q, 0);
        tx_sem inner;
        tx_sem_init(&inner, TX_DATE);
        size_t x = vi_range(c, q, &inner);
        if (x && inner.pt.gran == G_DAY) {
            *s = inner;
            return x;
        }
        tx_sem_init(s, TX_DATE);
        s->pt.weekday = (int8_t)(k + 1);
        s->pt.wnear = 1;
        s->pt.gran = G_DAY;
        return we;
    }
    tx_sem best;
    size_t be = 0;
    size_t (*const fns[])(const scan *, size_t, tx_sem *) = {vi_range, vi_words, vi_decade,
                                                              vi_century, vi_duration};
    for (size_t i = 0; i < sizeof fns / sizeof *fns; i++) {
        tx_sem tt;
        tx_sem_init(&tt, TX_DATE);
        size_t x = fns[i](c, cur, &tt);
        if (x > be) {
            be = x;
            best = tt;
        }
    }
    if (!be)
        return 0;
    *s = best;
    /* "hai ngày 11 và 12-12": the count belongs to the range */
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

void vi_start_literals(void (*add)(void *, const char *), void *ctx)
{
    static const char *const alone[] = {"hôm", "thứ", "chủ nhật", "thập niên", "thập kỷ",
        "những năm", "các năm", "thế kỷ", "thế kỉ", "cách đây", "nhiều năm", "mấy năm", NULL};
    /* date words and numbers: they open an expression before a number */
    static const char *const before_number[] = {"ngày", "tháng", "năm", "một", "hai", "ba",
        "bốn", "sáu", "bảy", "tám", "chín", "mười", NULL};
    static const char *const month_words[] = {"giêng", "một", "hai", "ba", "tư", "bốn", "năm",
        "sáu", "bảy", "tám", "chín", "mười", "chạp", NULL};
    static const char *const units[] = {"năm", "tháng", "tuần", "ngày", "giờ", NULL};
    char buf[64];
    for (int i = 0; PREF[i].w; i++)
        add_prefix(add, ctx, PREF[i].w);
    static const char *const day_words[] = {"nay", "qua", "mai", NULL};
    for (int i = 0; VI_POD[i].w; i++) {
        add_prefix(add, ctx, VI_POD[i].w);
        for (int j = 0; day_words[j]; j++) {
            snprintf(buf, sizeof buf, "%s %s", VI_POD[i].w, day_words[j]);
            add(ctx, buf);
        }
    }
    for (int i = 0; VI_WORDS[i].w; i++)
        add(ctx, VI_WORDS[i].w);
    for (int i = 0; alone[i]; i++)
        add(ctx, alone[i]);
    for (int i = 0; before_number[i]; i++)
        add_prefix(add, ctx, before_number[i]);
    for (int i = 0; month_words[i]; i++) {
        snprintf(buf, sizeof buf, "tháng %s", month_words[i]);
        add(ctx, buf);
    }
    for (int i = 0; before_number[i]; i++)
        for (int j = 0; units[j]; j++) {
            snprintf(buf, sizeof buf, "%s %s", before_number[i], units[j]);
            add(ctx, buf);
        }
}
