/* date_normalise.c: resolves what scanners found (tx_sem) into TIMEX3
 * values, against the document date (DCT) and the running date of the text. */
#include "timex.h"
#include <stdio.h>
#include <string.h>

void tx_point_init(tx_point *p)
{
    memset(p, 0, sizeof *p);
    p->hour = p->minute = p->second = -1;
}

void tx_sem_init(tx_sem *s, int type)
{
    memset(s, 0, sizeof *s);
    s->type = (uint8_t)type;
    tx_point_init(&s->pt);
    tx_point_init(&s->end);
}

const char *tx_type_name(int t)
{
    static const char *n[] = {"DATE", "TIME", "DURATION", "SET"};
    return t >= 0 && t <= TX_SET ? n[t] : "DATE";
}

const char *tx_mod_name(int m)
{
    static const char *n[] = {NULL, "START", "MID", "END", "APPROX", "BEFORE", "AFTER",
                              "MORE_THAN", "LESS_THAN"};
    return m > 0 && m <= MOD_LESS_THAN ? n[m] : NULL;
}

/* Howard Hinnant's civil-calendar algorithms (public domain). */
long days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void civil_from_days(long z, int *y, int *m, int *d)
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long yy = yoe + era * 400;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yy + (*m <= 2));
}

int weekday_of(int y, int m, int d)
{
    long z = days_from_civil(y, m, d);
    long w = (z + 3) % 7; /* 1970-01-01 was a Thursday */
    if (w < 0)
        w += 7;
    return (int)w + 1;
}

int days_in_month(int y, int m)
{
    static const int n[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12)
        return 31;
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return n[m - 1];
}

/* A resolved point: -1 marks an unknown part, 0 an absent one. */
typedef struct rp {
    int y, m, d, w; /* w: ISO week */
} rp;

static void add_months(int *y, int *m, int off)
{
    int t = *y * 12 + (*m - 1) + off;
    *y = t / 12;
    *m = t % 12 + 1;
}

static void iso_week(int y, int m, int d, int *wy, int *wk)
{
    long z = days_from_civil(y, m, d);
    int wd = weekday_of(y, m, d);
    long thursday = z - (wd - 1) + 3;
    int ty, tm, td;
    civil_from_days(thursday, &ty, &tm, &td);
    long jan1 = days_from_civil(ty, 1, 1);
    *wy = ty;
    *wk = (int)((thursday - jan1) / 7 + 1);
}

static int near_anchor(const tx_clock *c, size_t line)
{
    return c->has_anchor && c->ay > 0 && line <= c->aline + 1;
}

static rp resolve_point(const tx_point *p, size_t line, const tx_clock *c, const rp *inherit)
{
    rp r = {-1, 0, 0, 0};
    int dct_day = c->has_dct;
    /* weekdays and relative days are counted from the DCT */
    if (p->weekday || p->gran == G_WEEK || p->dsrc == SRC_DCT) {
        if (!dct_day) {
            r.y = -1;
            r.m = -1;
            r.d = -1;
            r.w = -1;
            return r;
        }
        long z = days_from_civil(c->dy, c->dm, c->dd);
        int w0 = weekday_of(c->dy, c->dm, c->dd);
        if (p->weekday && p->wnear) {
            int diff = p->weekday - w0;
            if (diff > 3)
                diff -= 7;
            if (diff < -3)
                diff += 7;
            if (p->dir < 0 && diff >= 0)
                diff -= 7;
            if (p->dir > 0 && diff <= 0)
                diff += 7;
            z += diff;
        } else if (p->weekday) {
            z += -(w0 - 1) + 7 * p->woff + (p->weekday - 1);
        } else if (p->gran == G_WEEK) {
            z += 7 * p->woff;
            int wy, wk;
            civil_from_days(z, &r.y, &r.m, &r.d);
            iso_week(r.y, r.m, r.d, &wy, &wk);
            r.y = wy;
            r.w = wk;
            return r;
        } else {
            z += p->doff;
        }
        civil_from_days(z, &r.y, &r.m, &r.d);
        return r;
    }
    /* year */
    switch (p->ysrc) {
    case SRC_ABS:
        r.y = p->year;
        break;
    case SRC_DCT:
        r.y = c->has_dct ? c->dy + p->yoff : -1;
        break;
    case SRC_ANCHOR:
        r.y = c->ay > 0 ? c->ay + p->yoff : c->has_dct ? c->dy + p->yoff : -1;
        break;
    case SRC_NONE:
        r.y = inherit ? inherit->y : -1;
        break;
    default: /* SRC_CONTEXT, decided with the month below */
        break;
    }
    /* month */
    switch (p->msrc) {
    case SRC_ABS:
        r.m = p->month;
        break;
    case SRC_DCT:
        if (c->has_dct) {
            int y = c->dy, m = c->dm;
            add_months(&y, &m, p->moff);
            r.m = m;
            if (p->ysrc == SRC_NONE || p->ysrc == SRC_CONTEXT || p->ysrc == SRC_DCT)
                r.y = y;
        } else {
            r.m = -1;
        }
        break;
    case SRC_ANCHOR:
        if (c->am > 0) {
            int y = c->ay, m = c->am;
            add_months(&y, &m, p->moff);
            r.m = m;
            if (p->ysrc != SRC_ABS)
                r.y = y;
        } else {
            r.m = -1;
        }
        break;
    case SRC_CONTEXT: /* day written alone: month (and year) from context */
        if (c->has_dct) {
            int y = c->dy, m = c->dm;
            int day = p->day;
            if (p->dir > 0 && day < c->dd)
                add_months(&y, &m, 1);
            else if (p->dir < 0 && day > c->dd)
                add_months(&y, &m, -1);
            else if (p->dir == 0 && day - c->dd > 15)
                add_months(&y, &m, -1);
            r.y = y;
            r.m = m;
        } else if (c->am > 0) {
            r.y = c->ay;
            r.m = c->am;
        } else {
            r.y = -1;
            r.m = -1;
        }
        break;
    case SRC_NONE:
        if (inherit && p->gran >= G_MONTH)
            r.m = inherit->m;
        break;
    default:
        break;
    }
    if (p->ysrc == SRC_CONTEXT && p->msrc == SRC_ABS) {
        if (near_anchor(c, line)) {
            r.y = c->ay;
        } else if (c->has_dct) {
            int y = c->dy;
            int day = p->day > 0 ? p->day : 1;
            long cand = days_from_civil(y, p->month, day);
            long dct = days_from_civil(c->dy, c->dm, c->dd);
            if (p->dir > 0 && cand < dct)
                y++;
            else if (p->dir < 0 && cand > dct + (p->day > 0 ? 0 : 31))
                y--;
            else if (p->dir == 0 && p->month - c->dm > 6)
                y--;
            else if (p->dir == 0 && c->dm - p->month > 6)
                y++;
            r.y = y;
        } else if (c->ay > 0) {
            r.y = c->ay;
        } else {
            r.y = -1;
        }
    }
    if (p->ysrc == SRC_CONTEXT && p->msrc != SRC_ABS && p->msrc != SRC_CONTEXT &&
        p->msrc != SRC_DCT && p->msrc != SRC_ANCHOR) {
        r.y = near_anchor(c, line) ? c->ay : c->has_dct ? c->dy : c->ay > 0 ? c->ay : -1;
    }
    /* day */
    if (p->dsrc == SRC_ABS)
        r.d = p->day;
    else if (p->dsrc == SRC_NONE && inherit && p->gran == G_DAY)
        r.d = inherit->d;
    if (p->dsrc == SRC_ANCHOR)
        r.d = c->ad > 0 ? c->ad : -1;
    return r;
}

/* zero-padded digits (or X's when v is out of range): values are built by
 * hand because they are made for every date of a document */
static char *digits(char *o, int v, int width, int max)
{
    if (v < 0 || v > max) {
        for (int i = 0; i < width; i++)
            *o++ = 'X';
        return o;
    }
    for (int i = width - 1; i >= 0; i--) {
        o[i] = (char)('0' + v % 10);
        v /= 10;
    }
    return o + width;
}

static void put_time(char *v, size_t n, const tx_point *p)
{
    size_t k = strlen(v);
    if (k + 10 > n)
        return;
    char *o = v + k;
    if (p->hour >= 0) {
        *o++ = 'T';
        o = digits(o, p->hour, 2, 99);
        *o++ = ':';
        o = digits(o, p->minute < 0 ? 0 : p->minute, 2, 99);
        if (p->second >= 0) {
            *o++ = ':';
            o = digits(o, p->second, 2, 99);
        }
    } else if (p->pod[0]) {
        *o++ = 'T';
        *o++ = p->pod[0];
        *o++ = p->pod[1];
    }
    *o = '\0';
}

static void format_point(char *v, size_t n, const tx_point *p, const rp *r)
{
    switch (p->gran) {
    case G_CENTURY:
        if (p->century >= 0)
            snprintf(v, n, "%02d", p->century);
        else
            snprintf(v, n, "XX");
        return;
    case G_DECADE:
        if (p->decade >= 0)
            snprintf(v, n, "%03d", p->decade);
        else
            snprintf(v, n, "XXX");
        return;
    case G_WEEK: {
        char y[8];
        *digits(y, r->y, 4, 9999) = '\0';
        if (r->w > 0)
            snprintf(v, n, "%s-W%02d%s", y, r->w, p->sub[0] ? "-WE" : "");
        else
            snprintf(v, n, "%s-WXX%s", y, p->sub[0] ? "-WE" : "");
        put_time(v, n, p);
        return;
    }
    default:
        break;
    }
    char *o = digits(v, r->y, 4, 9999); /* n is 32: room for the longest value */
    if (p->gran == G_SUB) {
        *o++ = '-';
        *o++ = p->sub[0];
        *o++ = p->sub[1];
    } else if (p->gran >= G_MONTH) {
        *o++ = '-';
        o = digits(o, r->m < 1 ? -1 : r->m, 2, 12);
        if (p->gran == G_DAY) {
            *o++ = '-';
            o = digits(o, r->d < 1 ? -1 : r->d, 2, 31);
        }
    }
    *o = '\0';
    put_time(v, n, p);
}

/* 上世纪90年代, 本世纪: the century counted from the DCT */
static tx_point relative_century(const tx_point *p, const tx_clock *c)
{
    tx_point q = *p;
    int cent = c->has_dct ? c->dy / 100 + p->yoff : -1;
    if (q.gran == G_DECADE && q.decade == -2)
        q.decade = cent >= 0 ? cent * 10 + q.century : -1;
    else if (q.gran == G_CENTURY && q.century == -2)
        q.century = cent;
    return q;
}

void tx_resolve(const tx_sem *s, size_t line, int may_anchor, tx_clock *c, char *v, char *ev)
{
    const size_t n = 32;
    ev[0] = '\0';
    if (s->type == TX_DURATION || s->type == TX_SET) {
        snprintf(v, n, "%s", s->dur[0] ? s->dur : "PX");
        return;
    }
    if (s->ref) {
        snprintf(v, n, "%s", s->ref == REF_PAST ? "PAST_REF" : s->ref == REF_PRESENT ? "PRESENT_REF" : "FUTURE_REF");
        return;
    }
    if (s->anchor) {
        if (c->ay > 0 && c->ad > 0)
            snprintf(v, n, "%04d-%02d-%02d", c->ay, c->am, c->ad);
        else if (c->ay > 0 && c->am > 0)
            snprintf(v, n, "%04d-%02d", c->ay, c->am);
        else if (c->ay > 0)
            snprintf(v, n, "%04d", c->ay);
        else if (c->has_dct)
            snprintf(v, n, "%04d-%02d-%02d", c->dy, c->dm, c->dd);
        else
            snprintf(v, n, "XXXX");
        put_time(v, n, &s->pt);
        return;
    }
    if ((s->pt.gran == G_DECADE && s->pt.decade == -2) ||
        (s->pt.gran == G_CENTURY && s->pt.century == -2)) {
        tx_point q = relative_century(&s->pt, c);
        rp none = {-1, 0, 0, 0};
        format_point(v, n, &q, &none);
        return;
    }
    rp r = resolve_point(&s->pt, line, c, NULL);
    if (s->year_ago && r.y >= 0)
        r.y = c->has_dct ? c->dy - s->pt.year : -1;
    if (s->year_ago && !c->has_dct)
        r.y = -1;
    format_point(v, n, &s->pt, &r);
    if (s->has_end) {
        rp e = resolve_point(&s->end, line, c, &r);
        if (s->end.msrc == SRC_NONE && s->end.gran >= G_MONTH)
            e.m = r.m;
        if (s->end.ysrc == SRC_NONE)
            e.y = r.y;
        /* a range that runs into the next month or year: 30/12 - 2/1 */
        if (s->end.ysrc == SRC_NONE && e.y >= 0 && e.m > 0 && r.m > 0 && e.m < r.m)
            e.y = r.y + 1;
        format_point(ev, n, &s->end, &e);
        /* the start of "30/4 - 1/5/2022" takes the year written at the end */
        if (s->pt.ysrc == SRC_CONTEXT && s->end.ysrc == SRC_ABS) {
            r.y = s->end.year - (r.m > e.m ? 1 : 0);
            format_point(v, n, &s->pt, &r);
        }
    }
    if (may_anchor && r.y > 0 && s->pt.gran >= G_YEAR && s->mod != MOD_AFTER && s->mod != MOD_BEFORE) {
        c->has_anchor = 1;
        c->ay = r.y;
        c->am = s->pt.gran >= G_MONTH && r.m > 0 ? r.m : 0;
        c->ad = s->pt.gran == G_DAY && r.d > 0 ? r.d : 0;
        c->aline = line;
    }
}
