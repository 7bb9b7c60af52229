/* timex_scan_zh.c: Chinese date expressions (simplified; traditional text is
 * folded to simplified before scanning). */
#include "timex_scan.h"

static const char *const LOCAL_TIME[] = {"当地时间", "北京时间", "河内时间", "越南时间",
    "美东时间", "美国东部时间", "东部时间", "华盛顿时间", "莫斯科时间", "首尔时间", "东京时间",
    "台北时间", "格林尼治时间", "当地时", NULL};

typedef struct zh_rel {
    const char *w;
    uint8_t src;
    int8_t off;
} zh_rel;

static const zh_rel REL_YEAR[] = {
    {"同年", SRC_ANCHOR, 0}, {"当年", SRC_ANCHOR, 0}, {"该年", SRC_ANCHOR, 0},
    {"是年", SRC_ANCHOR, 0}, {"同一年", SRC_ANCHOR, 0}, {"那一年", SRC_ANCHOR, 0},
    {"次年", SRC_ANCHOR, 1}, {"翌年", SRC_ANCHOR, 1}, {"第二年", SRC_ANCHOR, 1},
    {"本年", SRC_DCT, 0}, {"今年", SRC_DCT, 0}, {"去年", SRC_DCT, -1}, {"上年", SRC_DCT, -1},
    {"明年", SRC_DCT, 1}, {"来年", SRC_DCT, 1}, {"前年", SRC_DCT, -2}, {"后年", SRC_DCT, 2},
    {NULL, 0, 0}};

static const zh_rel REL_MONTH[] = {
    {"本月", SRC_DCT, 0}, {"这个月", SRC_DCT, 0}, {"上月", SRC_DCT, -1}, {"上个月", SRC_DCT, -1},
    {"下月", SRC_DCT, 1}, {"下个月", SRC_DCT, 1}, {"同月", SRC_ANCHOR, 0}, {"当月", SRC_ANCHOR, 0},
    {"该月", SRC_ANCHOR, 0}, {"次月", SRC_ANCHOR, 1}, {NULL, 0, 0}};

/* whether table may hold a keyword starting at p */
static inline int may(const scan *c, int table, size_t p)
{
    if (!c->zh_sketch || p + 2 >= c->len)
        return 1;
    const unsigned char *u = (const unsigned char *)c->s + p;
    if (u[0] < 0xE0 || u[0] >= 0xF0)
        return u[0] >= 0xF0; /* digits and Latin open no keyword; astral: look */
    uint32_t cp = ((u[0] & 0x0Fu) << 12) | ((u[1] & 0x3Fu) << 6) | (u[2] & 0x3Fu);
    return (c->zh_sketch[table] & zh_sketch_bit(cp)) != 0;
}

static size_t rel_match(const scan *c, size_t p, const zh_rel *t, const zh_rel **hit)
{
    size_t best = 0;
    for (int i = 0; t[i].w; i++) {
        size_t e = sc_lit(c, p, t[i].w);
        if (e > best) {
            best = e;
            *hit = &t[i];
        }
    }
    return best;
}

static size_t unit(const scan *c, size_t p, const char *u)
{
    return sc_lit(c, sc_ws(c, p, 1), u);
}

/* a year: 1995年, 二〇一五年, 民国114年, Taiwan 114年 before a month, or 同年/去年 */
static size_t zh_year(const scan *c, size_t p, tx_point *pt)
{
    const zh_rel *r = NULL;
    size_t e = may(c, ZT_REL_YEAR, p) ? rel_match(c, p, REL_YEAR, &r) : 0;
    if (e) {
        pt->ysrc = r->src;
        pt->yoff = r->off;
        pt->gran = G_YEAR;
        return e;
    }
    int roc = 0;
    size_t q = p;
    size_t m = sc_lit(c, p, "民国");
    if (m) {
        roc = 1;
        q = m;
    }
    long v;
    int nd;
    e = sc_anynum(c, q, &v, &nd);
    if (!e)
        return 0;
    size_t y = unit(c, e, "年");
    if (!y || sc_lit(c, y, "代") || sc_lit(c, y, "级") || sc_lit(c, y, "龄"))
        return 0;
    if (!roc && nd == 4 && v >= 1000 && v <= 2999) {
        pt->year = (int)v;
    } else if ((roc || (c->lang == LANG_ZH_HANT || c->doc_lang == LANG_ZH_HANT)) && nd <= 3 &&
               v >= 1 && v <= 200) {
        /* Taiwan counts years from 1912; without 民国 only trust it before a month */
        long mv;
        int mnd;
        size_t mq = sc_ws(c, y, 1);
        size_t me = sc_anynum(c, mq, &mv, &mnd);
        if (!roc && !(me && mv >= 1 && mv <= 12 && unit(c, me, "月")))
            return 0;
        pt->year = (int)v + 1911;
    } else {
        return 0;
    }
    pt->ysrc = SRC_ABS;
    pt->gran = G_YEAR;
    return y;
}

static size_t zh_month(const scan *c, size_t p, tx_point *pt, int after_year)
{
    const zh_rel *r = NULL;
    if (!after_year) {
        size_t e = may(c, ZT_REL_MONTH, p) ? rel_match(c, p, REL_MONTH, &r) : 0;
        if (e) {
            pt->msrc = r->src;
            pt->moff = r->off;
            pt->gran = G_MONTH;
            return e;
        }
    }
    long v;
    int nd;
    size_t e = sc_anynum(c, p, &v, &nd);
    if (!e || v < 1 || v > 12)
        return 0;
    size_t m = unit(c, e, "月");
    if (!m)
        return 0;
    size_t fen = sc_lit(c, m, "份");
    if (fen)
        m = fen;
    pt->month = (int)v;
    pt->msrc = SRC_ABS;
    if (!after_year)
        pt->ysrc = SRC_CONTEXT;
    pt->gran = G_MONTH;
    return m;
}

static size_t zh_day(const scan *c, size_t p, tx_point *pt, int after_month)
{
    long v;
    int nd;
    size_t e = sc_anynum(c, p, &v, &nd);
    if (!e || v < 1 || v > 31)
        return 0;
    size_t d = unit(c, e, "日");
    if (!d && after_month)
        d = unit(c, e, "号");
    if (!d && after_month && (sc_lit(c, e, "起") || sc_lit(c, e, "以来")))
        d = e; /* 2004年6月30起 */
    if (!d)
        return 0;
    pt->day = (int)v;
    pt->dsrc = SRC_ABS;
    pt->gran = G_DAY;
    return d;
}

static const struct {
    const char *w;
    const char *pod;
    int hour;
} PODS[] = {
    {"上午", "MO", -1}, {"早上", "MO", -1}, {"早晨", "MO", -1}, {"清晨", "MO", -1},
    {"凌晨", "MO", -1}, {"中午", NULL, 12}, {"下午", "AF", -1}, {"午后", "AF", -1},
    {"傍晚", "EV", -1}, {"晚上", "EV", -1}, {"晚间", "EV", -1}, {"夜间", "NI", -1},
    {"深夜", "NI", -1}, {"夜里", "NI", -1}, {"晚", "EV", -1}, {NULL, NULL, 0}};

static size_t zh_pod(const scan *c, size_t p, tx_point *pt)
{
    size_t best = 0;
    int k = -1;
    for (int i = 0; PODS[i].w; i++) {
        size_t e = sc_lit(c, p, PODS[i].w);
        if (e > best) {
            best = e;
            k = i;
        }
    }
    if (!best)
        return 0;
    if (PODS[k].pod) {
        memcpy(pt->pod, PODS[k].pod, 3);
    } else {
        pt->hour = (int8_t)PODS[k].hour;
        pt->minute = 0;
    }
    /* 下午3时30分 / 下午3点 */
    long h, mi;
    int nd;
    size_t e = sc_anynum(c, best, &h, &nd);
    if (e && h >= 0 && h <= 24) {
        size_t u = sc_lit(c, e, "时");
        if (!u)
            u = sc_lit(c, e, "点");
        if (u) {
            if (h < 12 && (PODS[k].pod && (!strcmp(PODS[k].pod, "AF") || !strcmp(PODS[k].pod, "EV") ||
                                          !strcmp(PODS[k].pod, "NI"))))
                h += 12;
            pt->hour = (int8_t)h;
            pt->minute = 0;
            pt->pod[0] = 0;
            best = u;
            size_t me = sc_anynum(c, u, &mi, &nd);
            if (me && mi < 60 && sc_lit(c, me, "分"))
                pt->minute = (int8_t)mi, best = me + strlen("分");
            else if (sc_lit(c, u, "半"))
                pt->minute = 30, best = u + strlen("半");
        }
    }
    return best;
}

static size_t zh_clock(const scan *c, size_t p, tx_point *pt)
{
    long h, mi;
    int nd;
    size_t e = sc_anynum(c, p, &h, &nd);
    if (e && h <= 24) {
        size_t u = sc_lit(c, e, "时");
        if (!u)
            u = sc_lit(c, e, "点");
        if (u && !sc_lit(c, u, "钟")) {
            pt->hour = (int8_t)h;
            pt->minute = 0;
            size_t me = sc_anynum(c, u, &mi, &nd);
            if (me && mi < 60 && sc_lit(c, me, "分"))
                pt->minute = (int8_t)mi, u = me + strlen("分");
            else if (sc_lit(c, u, "半"))
                pt->minute = 30, u += strlen("半");
            return u;
        }
    }
    return scan_clock(c, p, pt);
}

static const struct {
    const char *w;
    uint8_t mod;
} MODS[] = {{"初", MOD_START}, {"上旬", MOD_START}, {"初期", MOD_START}, {"中旬", MOD_MID},
            {"下旬", MOD_END}, {"底", MOD_END}, {"末", MOD_END}, {"前后", MOD_APPROX},
            {"左右", MOD_APPROX}, {"中", MOD_MID}, {NULL, 0}};

static size_t zh_mod(const scan *c, size_t p, int gran, uint8_t *mod)
{
    size_t best = 0;
    int k = -1;
    for (int i = 0; MODS[i].w; i++) {
        size_t e = sc_lit(c, p, MODS[i].w);
        if (e > best) {
            best = e;
            k = i;
        }
    }
    if (!best)
        return 0;
    if (MODS[k].mod == MOD_MID && !strcmp(MODS[k].w, "中")) {
        /* 5月中 but not 5月中越… or 年中国… */
        size_t n;
        uint32_t cp = sc_cp(c, best, &n);
        if (is_cjk(cp) || gran == G_DAY)
            return 0;
    }
    if (gran == G_DAY && MODS[k].mod != MOD_APPROX)
        return 0;
    *mod = MODS[k].mod;
    return best;
}

static const char *const RANGE_SEP[] = {"至", "到", "-", "—", "–", "~", "~", "〜", "－", NULL};

static size_t zh_open_end(const scan *c, size_t p, uint8_t *mod)
{
    static const char *const after[] = {"以来", "起", "开始", "至今", "以后", "之后", NULL};
    static const char *const before[] = {"之前", "以前", NULL};
    size_t q = sc_ws(c, p, 0);
    int k;
    size_t e = sc_lits(c, q, after, &k);
    if (e) {
        if (k == 1) { /* 起 but not 起草 / 起诉 */
            size_t n;
            uint32_t cp = sc_cp(c, e, &n);
            if (cp == 0x8349 || cp == 0x8BC9 || cp == 0x4E49 || cp == 0x7801 || cp == 0x98DE)
                return 0;
        }
        *mod = MOD_AFTER;
        return e;
    }
    e = sc_lits(c, q, before, &k);
    if (e) {
        *mod = MOD_BEFORE;
        return e;
    }
    return 0;
}

static const struct {
    const char *w;
    const char *sub;
    uint8_t mod;
} bare[] = {{"上半年", "H1", 0}, {"下半年", "H2", 0}, {"年初", NULL, MOD_START},
            {"年底", NULL, MOD_END}, {"年末", NULL, MOD_END}, {NULL, NULL, 0}};

/* year / month / day with everything that can follow them */
static size_t zh_calendar(const scan *c, size_t p, tx_sem *s)
{
    tx_point *pt = &s->pt;
    size_t e = zh_year(c, p, pt), cur;
    if (e) {
        cur = e;
        size_t m = zh_month(c, sc_ws(c, cur, 1), pt, 1);
        if (m) {
            cur = m;
            size_t d = zh_day(c, sc_ws(c, cur, 1), pt, 1);
            if (d)
                cur = d;
        } else {
            static const struct {
                const char *w;
                const char *sub;
                uint8_t mod;
            } ysuf[] = {{"初", NULL, MOD_START}, {"年初", NULL, MOD_START}, {"底", NULL, MOD_END},
                        {"末", NULL, MOD_END}, {"年底", NULL, MOD_END}, {"年末", NULL, MOD_END},
                        {"中", NULL, MOD_MID}, {"年中", NULL, MOD_MID}, {"上半年", "H1", 0},
                        {"下半年", "H2", 0}, {"春", "SP", 0}, {"春季", "SP", 0}, {"春天", "SP", 0},
                        {"夏", "SU", 0}, {"夏季", "SU", 0}, {"夏天", "SU", 0}, {"秋", "FA", 0},
                        {"秋季", "FA", 0}, {"秋天", "FA", 0}, {"冬", "WI", 0}, {"冬季", "WI", 0},
                        {"冬天", "WI", 0}, {"第一季度", "Q1", 0}, {"第二季度", "Q2", 0},
                        {"第三季度", "Q3", 0}, {"第四季度", "Q4", 0}, {"一季度", "Q1", 0},
                        {"二季度", "Q2", 0}, {"三季度", "Q3", 0}, {"四季度", "Q4", 0},
                        {"第1季度", "Q1", 0}, {"第2季度", "Q2", 0}, {"第3季度", "Q3", 0},
                        {"第4季度", "Q4", 0}, {NULL, NULL, 0}};
            size_t best = 0;
            int k = -1;
            for (int i = 0; ysuf[i].w; i++) {
                size_t x = sc_lit(c, cur, ysuf[i].w);
                if (x > best) {
                    best = x;
                    k = i;
                }
            }
            if (best && ysuf[k].mod == MOD_MID) {
                size_t n;
                uint32_t cp = sc_cp(c, best, &n);
                if (is_cjk(cp))
                    best = 0; /* 年中国 */
            }
            if (best) {
                if (ysuf[k].sub) {
                    pt->gran = G_SUB;
                    memcpy(pt->sub, ysuf[k].sub, 3);
                } else {
                    s->mod = ysuf[k].mod;
                }
                cur = best;
            }
        }
    } else {
        /* 上半年 / 年初 with the year from context */
        for (int i = 0; may(c, ZT_BARE, p) && bare[i].w; i++) {
            size_t x = sc_lit(c, p, bare[i].w);
            if (x) {
                pt->ysrc = SRC_CONTEXT;
                if (bare[i].sub) {
                    pt->gran = G_SUB;
                    memcpy(pt->sub, bare[i].sub, 3);
                } else {
                    pt->gran = G_YEAR;
                    s->mod = bare[i].mod;
                }
                return x;
            }
        }
        size_t m = zh_month(c, p, pt, 0);
        if (m) {
            cur = m;
            if (pt->msrc != SRC_ABS)
                pt->ysrc = SRC_NONE;
            size_t d = zh_day(c, sc_ws(c, cur, 1), pt, 1);
            if (d)
                cur = d;
        } else {
            size_t d = zh_day(c, p, pt, 0);
            if (d) {
                pt->msrc = SRC_CONTEXT;
                cur = d;
            } else {
                /* 17至24日: a day range with the unit written once */
                long a, b;
                int nd;
                size_t x = sc_num(c, p, &a, &nd);
                int k;
                size_t sep = x ? sc_lits(c, x, RANGE_SEP, &k) : 0;
                if (!sep || a < 1 || a > 31)
                    return 0;
                tx_point tmp;
                tx_point_init(&tmp);
                size_t y = zh_day(c, sep, &tmp, 0);
                if (!y || tmp.day <= a)
                    return 0;
                (void)b;
                pt->day = (int)a;
                pt->dsrc = SRC_ABS;
                pt->msrc = SRC_CONTEXT;
                pt->gran = G_DAY;
                s->has_end = 1;
                s->end.day = tmp.day;
                s->end.dsrc = SRC_ABS;
                s->end.gran = G_DAY;
                return y;
            }
        }
    }
    /* time of day */
    if (pt->gran == G_DAY) {
        size_t t = zh_pod(c, cur, pt);
        if (!t)
            t = zh_clock(c, sc_ws(c, cur, 0), pt);
        if (t) {
            cur = t;
            s->type = TX_TIME;
        }
    }
    /* 中旬, 底, 前后 */
    uint8_t mod = 0;
    size_t me = zh_mod(c, cur, pt->gran, &mod);
    if (me && !s->mod) {
        s->mod = mod;
        cur = me;
        /* 5月底6月初: an end month right after */
        if (mod == MOD_END && pt->gran == G_MONTH) {
            tx_point end;
            tx_point_init(&end);
            size_t m2 = zh_month(c, cur, &end, 1);
            uint8_t mod2 = 0;
            size_t m3 = m2 ? zh_mod(c, m2, G_MONTH, &mod2) : 0;
            if (m3 && mod2 == MOD_START) {
                s->has_end = 1;
                s->end = end;
                s->end.ysrc = SRC_NONE;
                if (end.month < pt->month) {
                    s->end.ysrc = SRC_NONE;
                }
                cur = m3;
            }
        }
    }
    /* 8月18日至20日: a compressed range */
    if (!s->has_end) {
        int k;
        size_t q = sc_ws(c, cur, 0);
        size_t sep = sc_lits(c, q, RANGE_SEP, &k);
        if (sep) {
            size_t r = sc_ws(c, sep, 0);
            tx_point end;
            tx_point_init(&end);
            size_t x = 0;
            tx_point yr;
            tx_point_init(&yr);
            if (!zh_year(c, r, &yr)) {
                if (pt->gran == G_DAY) {
                    x = zh_month(c, r, &end, 1);
                    if (x) {
                        size_t d = zh_day(c, sc_ws(c, x, 1), &end, 1);
                        x = d;
                    } else {
                        x = zh_day(c, r, &end, 0);
                        end.msrc = SRC_NONE;
                    }
                } else if (pt->gran == G_MONTH) {
                    x = zh_month(c, r, &end, 1);
                }
            }
            if (x) {
                end.ysrc = SRC_NONE;
                s->has_end = 1;
                s->end = end;
                cur = x;
            }
        }
    }
    uint8_t om = 0;
    size_t oe = zh_open_end(c, cur, &om);
    if (oe && (!s->mod || s->mod == MOD_APPROX)) {
        s->mod = om;
        cur = oe;
    }
    return cur;
}

typedef struct zh_word {
    const char *w;
    uint8_t kind;
    int8_t arg;
} zh_word;

enum { W_REF, W_DAY, W_WEEK, W_ANCHOR, W_ANCHOR_BEFORE, W_TODAY_OR_NOW, W_CENTURY_REL,
       W_CENTURY_NEW, W_WEEKEND };

static const zh_word WORDS[] = {
    {"近年来", W_REF, REF_PAST}, {"近年", W_REF, REF_PAST}, {"近些年来", W_REF, REF_PAST},
    {"近些年", W_REF, REF_PAST}, {"近几年来", W_REF, REF_PAST}, {"近几年", W_REF, REF_PAST},
    {"近年以来", W_REF, REF_PAST}, {"近日", W_REF, REF_PAST}, {"近期", W_REF, REF_PAST},
    {"最近", W_REF, REF_PAST}, {"日前", W_REF, REF_PAST}, {"不久前", W_REF, REF_PAST},
    {"昔日", W_REF, REF_PAST}, {"往日", W_REF, REF_PAST}, {"以往", W_REF, REF_PAST},
    {"过去", W_REF, REF_PAST}, {"早前", W_REF, REF_PAST}, {"近来", W_REF, REF_PAST},
    {"近几个月", W_REF, REF_PAST}, {"近几周", W_REF, REF_PAST}, {"近数月", W_REF, REF_PAST},
    {"历史上", W_REF, REF_PAST},
    {"目前", W_REF, REF_PRESENT}, {"现在", W_REF, REF_PRESENT}, {"当前", W_REF, REF_PRESENT},
    {"如今", W_REF, REF_PRESENT}, {"当今", W_REF, REF_PRESENT}, {"眼下", W_REF, REF_PRESENT},
    {"现阶段", W_REF, REF_PRESENT}, {"时下", W_REF, REF_PRESENT}, {"现今", W_REF, REF_PRESENT},
    {"当下", W_REF, REF_PRESENT},
    {"未来", W_REF, REF_FUTURE}, {"今后", W_REF, REF_FUTURE}, {"将来", W_REF, REF_FUTURE},
    {"日后", W_REF, REF_FUTURE}, {"往后", W_REF, REF_FUTURE},
    {"今天", W_DAY, 0}, {"今日", W_TODAY_OR_NOW, 0}, {"今晨", W_DAY, 0}, {"昨天", W_DAY, -1},
    {"昨日", W_DAY, -1}, {"明天", W_DAY, 1}, {"明日", W_DAY, 1}, {"前天", W_DAY, -2},
    {"后天", W_DAY, 2}, {"今晚", W_DAY, 0}, {"昨晚", W_DAY, -1}, {"明晚", W_DAY, 1},
    {"本周", W_WEEK, 0}, {"这周", W_WEEK, 0}, {"本星期", W_WEEK, 0}, {"这个星期", W_WEEK, 0},
    {"上周", W_WEEK, -1}, {"上星期", W_WEEK, -1}, {"上个星期", W_WEEK, -1},
    {"下周", W_WEEK, 1}, {"下星期", W_WEEK, 1}, {"下个星期", W_WEEK, 1},
    {"当时", W_ANCHOR, 0}, {"那时", W_ANCHOR, 0}, {"彼时", W_ANCHOR, 0}, {"当天", W_ANCHOR, 0},
    {"当日", W_ANCHOR, 0}, {"同日", W_ANCHOR, 0}, {"同一天", W_ANCHOR, 0}, {"同天", W_ANCHOR, 0},
    {"此时", W_ANCHOR, 0}, {"此前", W_ANCHOR_BEFORE, 0}, {"在此之前", W_ANCHOR_BEFORE, 0},
    {"本世纪", W_CENTURY_REL, 0}, {"上世纪", W_CENTURY_REL, -1}, {"上个世纪", W_CENTURY_REL, -1},
    {"新世纪", W_CENTURY_NEW, 0}, {"周末", W_WEEKEND, 0},
    {NULL, 0, 0}};

static const char *const WEEKDAY_PRE[] = {"星期", "礼拜", "周", NULL};

static int weekday_word(const scan *c, size_t p, size_t *e)
{
    const char *const *pre = WEEKDAY_PRE;
    static const char *const days[] = {"一", "二", "三", "四", "五", "六", "日", "天", NULL};
    int k;
    size_t q = sc_lits(c, p, pre, &k);
    if (!q)
        return 0;
    int d;
    size_t r = sc_lits(c, q, days, &d);
    if (!r)
        return 0;
    /* 周一 but not 周一平 (a name): after 周, only words that go with a day */
    if (k == 2) {
        size_t n;
        uint32_t cp = sc_cp(c, r, &n);
        static const char ok_next[] = "上下晚早中凌傍夜起至到和与及、的前后开在将举会同以是当";
        char buf[5] = {0};
        if (is_cjk(cp) && utf8_encode(cp, buf) && !strstr(ok_next, buf))
            return 0;
    }
    *e = r;
    return d >= 6 ? 7 : d + 1;
}

static size_t zh_words(const scan *c, size_t p, tx_sem *s)
{
    tx_point *pt = &s->pt;
    size_t best = 0;
    int k = -1;
    for (int i = 0; may(c, ZT_WORDS, p) && WORDS[i].w; i++) {
        size_t e = sc_lit(c, p, WORDS[i].w);
        if (e > best) {
            best = e;
            k = i;
        }
    }
    size_t we;
    int wd = weekday_word(c, p, &we);
    if (wd && we > best) {
        pt->weekday = (int8_t)wd;
        pt->wnear = 1;
        pt->gran = G_DAY;
        return we;
    }
    if (!best)
        return 0;
    const zh_word *w = &WORDS[k];
    switch (w->kind) {
    case W_REF: {
        /* 过去20年 is a duration, 过去的 an adjective */
        if (!strcmp(w->w, "过去")) {
            long v;
            int nd;
            size_t n;
            uint32_t cp = sc_cp(c, best, &n);
            if (sc_anynum(c, best, &v, &nd) || cp == 0x51E0 /* 几 */ || cp == 0x6570 /* 数 */)
                return 0;
        }
        s->ref = w->arg;
        return best;
    }
    case W_TODAY_OR_NOW: {
        /* 今日的 is "today's": the present, not a day */
        if (sc_lit(c, best, "的")) {
            s->ref = REF_PRESENT;
            return best;
        }
    }
        /* fall through */
    case W_DAY:
        pt->dsrc = SRC_DCT;
        pt->doff = w->arg;
        pt->gran = G_DAY;
        if (!strcmp(w->w, "今晚") || !strcmp(w->w, "昨晚") || !strcmp(w->w, "明晚"))
            memcpy(pt->pod, "NI", 3), s->type = TX_TIME;
        else if (!strcmp(w->w, "今晨"))
            memcpy(pt->pod, "MO", 3), s->type = TX_TIME;
        else {
            size_t t = zh_pod(c, best, pt);
            if (t) {
                best = t;
                s->type = TX_TIME;
            }
        }
        return best;
    case W_WEEK: {
        static const char *const days[] = {"一", "二", "三", "四", "五", "六", "日", "天", NULL};
        int d;
        size_t r = sc_lits(c, best, days, &d);
        pt->woff = w->arg;
        if (r) {
            pt->weekday = (int8_t)(d >= 6 ? 7 : d + 1);
            pt->gran = G_DAY;
            return r;
        }
        pt->gran = G_WEEK;
        size_t wk_end = sc_lit(c, best, "末"); /* 上周末: that weekend */
        if (wk_end) {
            memcpy(pt->sub, "WE", 3);
            return wk_end;
        }
        return best;
    }
    case W_ANCHOR: {
        s->anchor = 1;
        /* 当天下午 */
        size_t t = zh_pod(c, best, pt);
        if (t) {
            s->type = TX_TIME;
            return t;
        }
        return best;
    }
    case W_ANCHOR_BEFORE:
        s->anchor = 1;
        s->mod = MOD_BEFORE;
        return best;
    case W_CENTURY_REL:
    case W_CENTURY_NEW: {
        /* 上世纪90年代 */
        long v;
        int nd;
        size_t e = sc_anynum(c, best, &v, &nd);
        size_t d = e ? unit(c, e, "年代") : 0;
        pt->ysrc = SRC_DCT;
        pt->yoff = w->arg;
        if (w->kind == W_CENTURY_NEW) {
            pt->gran = G_CENTURY;
            pt->century = 20;
            return best;
        }
        if (d && v >= 10 && v <= 90 && v % 10 == 0) {
            pt->gran = G_DECADE;
            pt->decade = -2; /* resolved below from the DCT century */
            pt->century = (int)v / 10;
            static const struct {
                const char *w;
                uint8_t mod;
            } dm[] = {{"初", MOD_START}, {"初期", MOD_START}, {"中期", MOD_MID}, {"末", MOD_END},
                      {"末期", MOD_END}, {"后期", MOD_END}, {NULL, 0}};
            size_t be = 0;
            for (int i = 0; dm[i].w; i++) {
                size_t x = sc_lit(c, d, dm[i].w);
                if (x > be) {
                    be = x;
                    s->mod = dm[i].mod;
                }
            }
            return be ? be : d;
        }
        pt->gran = G_CENTURY;
        pt->century = -2;
        return best;
    }
    case W_WEEKEND:
        pt->gran = G_WEEK;
        memcpy(pt->sub, "WE", 3);
        return best;
    default:
        return 0;
    }
}

/* 20世纪90年代, 19世纪, 90年代 */
static size_t zh_century(const scan *c, size_t p, tx_sem *s)
{
    tx_point *pt = &s->pt;
    long v;
    int nd;
    size_t e = sc_anynum(c, p, &v, &nd);
    if (!e)
        return 0;
    size_t cur;
    size_t sj = unit(c, e, "世纪");
    if (sj) {
        if (v < 1 || v > 30)
            return 0;
        long d;
        size_t e2 = sc_anynum(c, sj, &d, &nd);
        size_t nd2 = e2 ? unit(c, e2, "年代") : 0;
        if (nd2 && d >= 0 && d <= 90 && d % 10 == 0) {
            pt->gran = G_DECADE;
            pt->decade = (int)((v - 1) * 10 + d / 10);
            cur = nd2;
        } else {
            pt->gran = G_CENTURY;
            pt->century = (int)v - 1;
            cur = sj;
        }
    } else {
        size_t nd2 = unit(c, e, "年代");
        if (!nd2)
            return 0;
        if (nd == 4 && v % 10 == 0 && v >= 1000)
            pt->decade = (int)v / 10;
        else if (nd <= 2 && v % 10 == 0)
            pt->decade = (int)(v >= 30 ? 190 + v / 10 : 200 + v / 10);
        else
            return 0;
        pt->gran = G_DECADE;
        cur = nd2;
    }
    static const struct {
        const char *w;
        uint8_t mod;
    } m[] = {{"初", MOD_START}, {"初期", MOD_START}, {"早期", MOD_START}, {"中叶", MOD_MID},
             {"中期", MOD_MID}, {"末", MOD_END}, {"末期", MOD_END}, {"后期", MOD_END},
             {"晚期", MOD_END}, {NULL, 0}};
    size_t best = 0;
    for (int i = 0; m[i].w; i++) {
        size_t x = sc_lit(c, cur, m[i].w);
        if (x > best) {
            best = x;
            s->mod = m[i].mod;
        }
    }
    return best ? best : cur;
}

static const char *const MANY_YEARS[] = {"多年", "数年", "几年", "数十年", "几十年", NULL};

static size_t zh_duration(const scan *c, size_t p, tx_sem *s)
{
    static const struct {
        const char *w;
        const char *u;
    } units[] = {{"年", "Y"}, {"个月", "M"}, {"个多月", "M"}, {"周", "W"}, {"个星期", "W"},
                 {"星期", "W"}, {"天", "D"}, {"小时", "TH"}, {"个小时", "TH"}, {"分钟", "TM"},
                 {"个世纪", "C"}, {NULL, NULL}};
    size_t e, cur;
    long v = -1;
    int nd = 0, more = 0, k0;
    if (may(c, ZT_MANY_YEARS, p) && (e = sc_lits(c, p, MANY_YEARS, &k0))) {
        cur = e;
        snprintf(s->dur, sizeof s->dur, "PXY");
    } else {
        e = sc_anynum(c, p, &v, &nd);
        if (!e || v <= 0 || v >= 1000)
            return 0;
        cur = e;
        size_t m = sc_lit(c, cur, "多");
        if (!m)
            m = sc_lit(c, cur, "余");
        if (m) {
            more = 1;
            cur = m;
        }
        int k = -1;
        size_t best = 0;
        for (int i = 0; units[i].w; i++) {
            size_t x = unit(c, cur, units[i].w);
            if (x > best) {
                best = x;
                k = i;
            }
        }
        if (!best)
            return 0;
        if (!strcmp(units[k].w, "年") && (sc_lit(c, best, "代") || sc_lit(c, best, "级")))
            return 0;
        if (!strcmp(units[k].w, "周") && sc_lit(c, best, "年"))
            return 0; /* 50周年 is an anniversary */
        if (!strcmp(units[k].w, "年")) {
            /* 2019年 is a year; a duration has a small number */
            if (nd >= 4)
                return 0;
        }
        cur = best;
        if (units[k].u[0] == 'T')
            snprintf(s->dur, sizeof s->dur, "PT%ld%s", v, units[k].u + 1);
        else if (units[k].u[0] == 'C')
            snprintf(s->dur, sizeof s->dur, "P%ldCE", v);
        else
            snprintf(s->dur, sizeof s->dur, "P%ld%s", v, units[k].u);
        if (more)
            s->mod = MOD_MORE_THAN;
    }
    size_t lai = sc_lit(c, cur, "来");
    if (!lai)
        lai = sc_lit(c, cur, "以来");
    if (!lai)
        lai = sc_lit(c, cur, "之久");
    if (lai)
        cur = lai;
    s->type = TX_DURATION;
    return cur;
}

static const struct {
    const char *w;
    const char *v;
} sets[] = {{"每年", "P1Y"}, {"每年度", "P1Y"}, {"每月", "P1M"}, {"每个月", "P1M"},
                {"每周", "P1W"}, {"每星期", "P1W"}, {"每天", "P1D"}, {"每日", "P1D"},
                {"每季度", "P3M"}, {"逐年", "P1Y"}, {"年均", "P1Y"}, {"年度", "P1Y"},
                {NULL, NULL}};

static size_t zh_set(const scan *c, size_t p, tx_sem *s)
{
    size_t best = 0;
    int k = -1;
    for (int i = 0; may(c, ZT_SETS, p) && sets[i].w; i++) {
        size_t x = sc_lit(c, p, sets[i].w);
        if (x > best) {
            best = x;
            k = i;
        }
    }
    if (best) {
        s->type = TX_SET;
        snprintf(s->dur, sizeof s->dur, "%s", sets[k].v);
        return best;
    }
    size_t e = sc_lit(c, p, "每");
    long v;
    int nd;
    size_t n = e ? sc_anynum(c, e, &v, &nd) : 0;
    size_t y = n ? sc_lit(c, n, "年") : 0;
    if (y && v > 0 && v < 100) {
        s->type = TX_SET;
        snprintf(s->dur, sizeof s->dur, "P%ldY", v);
        size_t once = sc_lit(c, y, "一次");
        if (!once)
            once = sc_lit(c, y, "一届");
        return once ? once : y;
    }
    return 0;
}

size_t scan_zh(const scan *c, size_t p, tx_sem *s)
{
    tx_sem_init(s, TX_DATE);
    int k;
    size_t local = may(c, ZT_LOCAL, p) ? sc_lits(c, p, LOCAL_TIME, &k) : 0;
    size_t q = local ? local : p;
    size_t e = zh_calendar(c, q, s);
    if (e) {
        if (local && s->type != TX_TIME && (s->pt.pod[0] || s->pt.hour >= 0))
            s->type = TX_TIME;
        return e;
    }
    if (local) {
        /* 当地时间本月22日起 */
        tx_sem_init(s, TX_DATE);
        return 0;
    }
    tx_sem best;
    size_t be = 0;
    size_t (*const fns[])(const scan *, size_t, tx_sem *) = {zh_century, zh_words, zh_duration,
                                                              zh_set};
    for (size_t i = 0; i < sizeof fns / sizeof *fns; i++) {
        tx_sem t;
        tx_sem_init(&t, TX_DATE);
        size_t x = fns[i](c, p, &t);
        if (x > be) {
            be = x;
            best = t;
        }
    }
    if (be)
        *s = best;
    return be;
}

void zh_start_literals(void (*add)(void *, const char *), void *ctx)
{
    static const char *const more[] = {"民国", "每", NULL};
    /* a numeral opens a date only before another numeral or a unit */
    static const char *const numerals[] = {"〇", "零", "一", "二", "两", "三", "四", "五", "六",
        "七", "八", "九", "十", "百", "千", NULL};
    static const char *const follow[] = {"〇", "零", "一", "二", "两", "三", "四", "五", "六", "七",
        "八", "九", "十", "百", "千", "年", "月", "日", "号", "天", "周", "多", "余", "世", "星",
        "季", " ", "\n", NULL};
    /* 一个, 十分, 一点 are everyday words: only the other numerals open 三个月 */
    static const char *const follow_not_one[] = {"个", "小", "时", "点", NULL};
    char pair[16];
    for (int i = 0; numerals[i]; i++) {
        for (int j = 0; follow[j]; j++) {
            snprintf(pair, sizeof pair, "%s%s", numerals[i], follow[j]);
            add(ctx, pair);
        }
        for (int j = 0; i != 2 && i != 12 && follow_not_one[j]; j++) {
            snprintf(pair, sizeof pair, "%s%s", numerals[i], follow_not_one[j]);
            add(ctx, pair);
        }
    }
    for (int i = 0; LOCAL_TIME[i]; i++)
        add(ctx, LOCAL_TIME[i]);
    for (int i = 0; REL_YEAR[i].w; i++)
        add(ctx, REL_YEAR[i].w);
    for (int i = 0; REL_MONTH[i].w; i++)
        add(ctx, REL_MONTH[i].w);
    for (int i = 0; bare[i].w; i++)
        add(ctx, bare[i].w);
    for (int i = 0; WEEKDAY_PRE[i]; i++)
        add(ctx, WEEKDAY_PRE[i]);
    for (int i = 0; WORDS[i].w; i++)
        add(ctx, WORDS[i].w);
    for (int i = 0; MANY_YEARS[i]; i++)
        add(ctx, MANY_YEARS[i]);
    for (int i = 0; sets[i].w; i++)
        add(ctx, sets[i].w);
    for (int i = 0; more[i]; i++)
        add(ctx, more[i]);
}

static void sketch_add(uint64_t *m, const char *w)
{
    size_t n;
    *m |= zh_sketch_bit(utf8_at(w, strlen(w), 0, &n));
}

void zh_build_sketches(uint64_t *sk)
{
    memset(sk, 0, ZT_COUNT * sizeof *sk);
    for (int i = 0; REL_YEAR[i].w; i++)
        sketch_add(&sk[ZT_REL_YEAR], REL_YEAR[i].w);
    for (int i = 0; REL_MONTH[i].w; i++)
        sketch_add(&sk[ZT_REL_MONTH], REL_MONTH[i].w);
    for (int i = 0; bare[i].w; i++)
        sketch_add(&sk[ZT_BARE], bare[i].w);
    for (int i = 0; WORDS[i].w; i++)
        sketch_add(&sk[ZT_WORDS], WORDS[i].w);
    for (int i = 0; MANY_YEARS[i]; i++)
        sketch_add(&sk[ZT_MANY_YEARS], MANY_YEARS[i]);
    for (int i = 0; sets[i].w; i++)
        sketch_add(&sk[ZT_SETS], sets[i].w);
    sketch_add(&sk[ZT_SETS], "每");
    for (int i = 0; LOCAL_TIME[i]; i++)
        sketch_add(&sk[ZT_LOCAL], LOCAL_TIME[i]);
}
