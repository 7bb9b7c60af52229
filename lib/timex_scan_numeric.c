/* timex_scan_numeric.c: numeric dates any language writes (2023-09-09,
 * 2025/11/27, 09/09/2023, 2021/Jul/18), clock times and bare years, with the
 * checks that keep amounts, model numbers and phone numbers out. */
#include "timex_scan.h"

size_t en_month(const scan *c, size_t p, int *month, int *strong);

size_t scan_clock(const scan *c, size_t p, tx_point *pt)
{
    long h, m, s = -1;
    int nd;
    size_t e = sc_num(c, p, &h, &nd);
    if (!e || nd > 2 || h > 23 || e >= c->len || c->s[e] != ':')
        return 0;
    size_t e2 = sc_num(c, e + 1, &m, &nd);
    if (!e2 || nd != 2 || m > 59)
        return 0;
    size_t cur = e2;
    if (cur < c->len && c->s[cur] == ':') {
        size_t e3 = sc_num(c, cur + 1, &s, &nd);
        if (!e3 || nd != 2 || s > 59)
            return 0;
        cur = e3;
    }
    if (cur < c->len && c->s[cur] == ':')
        return 0;
    /* a UTC offset or Z belongs to the time */
    if (cur < c->len && (c->s[cur] == '+' || c->s[cur] == '-') && sc_digit(c, cur + 1) &&
        sc_digit(c, cur + 2)) {
        size_t z = cur + 3;
        if (z < c->len && c->s[z] == ':')
            z++;
        if (sc_digit(c, z) && sc_digit(c, z + 1))
            cur = z + 2;
        else if (c->s[cur + 3] != ':')
            cur = cur + 3;
        pt->tz_ok = 1;
    } else if (cur < c->len && c->s[cur] == 'Z' && !sc_is_wordchar(c, cur + 1)) {
        cur++;
    }
    pt->hour = (int8_t)h;
    pt->minute = (int8_t)m;
    pt->second = (int8_t)s;
    return cur;
}

static int unit_follows(const scan *c, size_t e)
{
    /* what makes a 4-digit number an amount rather than a year */
    static const char *const zh_units[] = {"亿", "万", "千", "百", "多", "余", "个", "名", "人",
        "次", "家", "项", "架", "艘", "吨", "元", "美元", "公里", "米", "台", "辆", "枚", "所",
        "篇", "页", "条", "位", "部", "件", "只", "套", "平方", "公顷", "千米", "海里", "美金",
        "韩元", "日元", "卢布", "越南盾", "%", "‰", "点", NULL};
    static const char *const latin_units[] = {"người", "dự án", "tỷ", "triệu", "nghìn", "ngàn",
        "usd", "đô la", "đồng", "km", "ha", "tấn", "mét", "lượt", "doanh nghiệp", "sinh viên",
        "học sinh", "trường hợp", "chiếc", "máy bay", "tàu", "hecta", "people", "troops",
        "soldiers", "km2", "tons", "tonnes", "dollars", "usd", "vnd", "won", "yen", "yuan",
        "members", "students", "units", "vehicles", "aircraft", "ships", "km²", "m", "cm",
        "mm", "kg", "mw", "kw", "feet", "miles", "hectares", "pages", "votes", NULL};
    size_t q = sc_ws(c, e, 0);
    int k;
    if (sc_lits(c, q, zh_units, &k))
        return 1;
    if (sc_words(c, q, latin_units, &k))
        return 1;
    return 0;
}

size_t scan_bare_year(const scan *c, size_t p, tx_sem *s)
{
    long y;
    int nd;
    size_t e = sc_num(c, p, &y, &nd);
    if (!e || nd != 4 || y < 1000 || y > 2100)
        return 0;
    if (p > 0) {
        char b = c->s[p - 1];
        if (b == '.' || b == ',' || b == '$' || b == '#' || b == '+' || b == '/' || b == ':' ||
            b == '_' || b == '=' || b == '\\' || b == '@' || b == '&')
            return 0;
        if (b == '-' && p > 1 && sc_is_wordchar(c, p - 2) && !sc_digit(c, p - 2))
            return 0; /* F-2000, Su-1000 */
        if (b == '-' && p > 1 && sc_digit(c, p - 2)) {
            size_t d = p - 1;
            while (d > 0 && sc_digit(c, d - 1))
                d--;
            if (p - 1 - d != 4)
                return 0; /* an id, L-210718-1526; 1945-1954 stays a range */
        }
        if (b == ' ' && p > 1 && sc_digit(c, p - 2))
            return 0; /* a group of a phone number */
    }
    if (e < c->len) {
        char a = c->s[e];
        if ((a == '.' || a == ',') && sc_digit(c, e + 1))
            return 0;
        if (a == '%' || a == '/' || a == '_' || a == '@')
            return 0;
        if (a == ':' && sc_digit(c, e + 1))
            return 0;
        if (sc_is_wordchar(c, e))
            return 0;
        if (a == ' ' && sc_digit(c, e + 1))
            return 0;
        if (a == '-' && sc_digit(c, e + 1) && !(sc_digit(c, e + 4) && !sc_digit(c, e + 5)))
            return 0; /* 1954-55 ok as a year; 2023-123 no */
    }
    if (unit_follows(c, e))
        return 0;
    s->pt.year = (int)y;
    s->pt.ysrc = SRC_ABS;
    s->pt.gran = G_YEAR;
    return e;
}

static size_t ymd(const scan *c, size_t p, tx_sem *s)
{
    long y, m, d;
    int nd;
    size_t e = sc_num(c, p, &y, &nd);
    if (!e || nd != 4 || y < 1000 || y > 2999 || e >= c->len)
        return 0;
    char sep = c->s[e];
    if (sep != '-' && sep != '/' && sep != '.')
        return 0;
    size_t e2 = sc_num(c, e + 1, &m, &nd);
    int strong;
    int month = 0;
    if (!e2) {
        e2 = en_month(c, e + 1, &month, &strong); /* 2021/Jul/18 */
        m = month;
        if (!e2)
            return 0;
    } else if (nd > 2) {
        return 0;
    }
    if (m < 1 || m > 12)
        return 0;
    if (e2 >= c->len || c->s[e2] != sep) {
        /* 2015-07 (ISO month) only with "-" and not a range like 1954-55 */
        if (sep == '-' && nd == 2 && !sc_is_wordchar(c, e2) && !(e2 < c->len && c->s[e2] == '-')) {
            s->pt.year = (int)y;
            s->pt.month = (int)m;
            s->pt.ysrc = s->pt.msrc = SRC_ABS;
            s->pt.gran = G_MONTH;
            return m > 0 ? e2 : 0;
        }
        return 0;
    }
    size_t e3 = sc_num(c, e2 + 1, &d, &nd);
    if (!e3 || nd > 2 || d < 1 || d > days_in_month((int)y, (int)m))
        return 0;
    if (e3 < c->len && (c->s[e3] == sep || sc_is_wordchar(c, e3)) && c->s[e3] != 'T')
        return 0;
    s->pt.year = (int)y;
    s->pt.month = (int)m;
    s->pt.day = (int)d;
    s->pt.ysrc = s->pt.msrc = s->pt.dsrc = SRC_ABS;
    s->pt.gran = G_DAY;
    return e3;
}

static size_t dmy(const scan *c, size_t p, tx_sem *s)
{
    long a, b, y;
    int nd1, nd2, nd;
    size_t e = sc_num(c, p, &a, &nd1);
    if (!e || nd1 > 2 || e >= c->len)
        return 0;
    char sep = c->s[e];
    if (sep != '/' && sep != '.' && sep != '-')
        return 0;
    size_t e2 = sc_num(c, e + 1, &b, &nd2);
    if (!e2 || nd2 > 2 || e2 >= c->len || c->s[e2] != sep)
        return 0;
    size_t e3 = sc_num(c, e2 + 1, &y, &nd);
    if (!e3 || nd != 4 || y < 1000 || y > 2999 || sc_is_wordchar(c, e3))
        return 0;
    if (e3 < c->len && (c->s[e3] == sep || c->s[e3] == '.') && sc_digit(c, e3 + 1))
        return 0;
    long d = a, m = b;
    if (!c->day_first || (a <= 12 && b > 12))
        d = b, m = a;
    if (a > 12 && b <= 12)
        d = a, m = b;
    if (m < 1 || m > 12 || d < 1 || d > days_in_month((int)y, (int)m))
        return 0;
    s->pt.year = (int)y;
    s->pt.month = (int)m;
    s->pt.day = (int)d;
    s->pt.ysrc = s->pt.msrc = s->pt.dsrc = SRC_ABS;
    s->pt.gran = G_DAY;
    return e3;
}

/* 11/27 before a clock time: the month-first short date of Chinese datelines */
static size_t md_before_clock(const scan *c, size_t p, tx_sem *s)
{
    if (c->lang != LANG_ZH && c->lang != LANG_ZH_HANT)
        return 0;
    long m, d;
    int nd;
    size_t e = sc_num(c, p, &m, &nd);
    if (!e || nd > 2 || e >= c->len || c->s[e] != '/')
        return 0;
    size_t e2 = sc_num(c, e + 1, &d, &nd);
    if (!e2 || nd > 2 || m < 1 || m > 12 || d < 1 || d > 31)
        return 0;
    tx_point tmp;
    tx_point_init(&tmp);
    if (!scan_clock(c, sc_ws(c, e2, 0), &tmp) || sc_ws(c, e2, 0) == e2)
        return 0;
    s->pt.month = (int)m;
    s->pt.day = (int)d;
    s->pt.msrc = s->pt.dsrc = SRC_ABS;
    s->pt.ysrc = SRC_CONTEXT;
    s->pt.gran = G_DAY;
    return e2;
}

size_t scan_numeric(const scan *c, size_t p, tx_sem *s)
{
    tx_sem_init(s, TX_DATE);
    if (!sc_digit(c, p))
        return 0;
    size_t e;
    if ((e = ymd(c, p, s)))
        return e;
    tx_sem_init(s, TX_DATE);
    if ((e = dmy(c, p, s)))
        return e;
    tx_sem_init(s, TX_DATE);
    if ((e = md_before_clock(c, p, s)))
        return e;
    tx_sem_init(s, TX_TIME);
    if ((e = scan_clock(c, p, &s->pt))) {
        s->pt.dsrc = SRC_CONTEXT; /* dated from its line */
        s->pt.gran = G_DAY;
        return e;
    }
    tx_sem_init(s, TX_DATE);
    return scan_bare_year(c, p, s);
}
