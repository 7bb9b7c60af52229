#include "dct.h"
#include "engine.h"
#include "timex.h"
#include <stdio.h>
#include <string.h>
#include <stdlib.h>

#define MON "(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
static const char dateline_pattern[] =
    "(?<y1>\\d{4})\\s*[-/.年]\\s*(?<m1>\\d{1,2})\\s*[-/.月]\\s*(?<d1>\\d{1,2})(?!\\d)"
    "|(?<!\\d)(?<d2>\\d{1,2})[/.-](?<m2>\\d{1,2})[/.-](?<y2>\\d{4})(?!\\d)"
    "|(?i:ngày)\\s+(?<d3>\\d{1,2})\\s+(?i:tháng)\\s+(?<m3>\\d{1,2})\\s+(?i:năm)\\s+(?<y3>\\d{4})"
    "|(?<mon4>" MON ")[a-z]*\\.?\\s+(?<d4>\\d{1,2}),?\\s+(?<y4>\\d{4})"
    "|(?<!\\d)(?<d5>\\d{1,2})\\s+(?<mon5>" MON ")[a-z]*\\.?,?\\s+(?<y5>\\d{4})"
    "|(?<y6>\\d{4})/(?<mon6>" MON ")[a-z]*/(?<d6>\\d{1,2})";

/* what makes a line near the top a dateline rather than prose */
static const char *const KEYWORDS[] = {"发布", "时间:", "日期", "更新", "日讯", "日电", "讯]",
    "讯】", "published", "updated", "posted", "cập nhật", "thứ", "gmt", "utc", "date",
    "created", "đăng", NULL};

void *dct_compile(char *errbuf, size_t errlen)
{
    int code;
    PCRE2_SIZE off;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)dateline_pattern, PCRE2_ZERO_TERMINATED, PCRE2_UTF,
                                   &code, &off, NULL);
    if (!re) {
        PCRE2_UCHAR msg[200];
        pcre2_get_error_message(code, msg, sizeof msg);
        snprintf(errbuf, errlen, "dateline pattern: %s at %zu", (char *)msg, (size_t)off);
        return NULL;
    }
    (void)pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
    return re;
}

int dct_parse_iso(const char *s, int *y, int *m, int *d)
{
    if (!s || strlen(s) < 10)
        return -1;
    for (int i = 0; i < 10; i++) {
        if (i == 4 || i == 7) {
            if (s[i] != '-')
                return -1;
        } else if (s[i] < '0' || s[i] > '9') {
            return -1;
        }
    }
    if (s[10] && s[10] != 'T' && s[10] != ' ')
        return -1;
    *y = atoi(s);
    *m = atoi(s + 5);
    *d = atoi(s + 8);
    if (*m < 1 || *m > 12 || *d < 1 || *d > days_in_month(*y, *m))
        return -1;
    return 0;
}

static int ci_contains(const char *s, size_t n, const char *w)
{
    size_t k = strlen(w);
    for (size_t i = 0; i + k <= n; i++) {
        size_t j = 0;
        while (j < k) {
            char a = s[i + j], b = w[j];
            if (a >= 'A' && a <= 'Z')
                a = (char)(a + 32);
            if (a != b)
                break;
            j++;
        }
        if (j == k)
            return 1;
    }
    return 0;
}

static int has_clock(const char *s, size_t n)
{
    for (size_t i = 1; i + 2 < n; i++)
        if (s[i] == ':' && s[i - 1] >= '0' && s[i - 1] <= '9' && s[i + 1] >= '0' &&
            s[i + 1] <= '5' && s[i + 2] >= '0' && s[i + 2] <= '9')
            return 1;
    return 0;
}

static int month_of(const char *s)
{
    static const char *m[] = {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep",
                              "oct", "nov", "dec"};
    for (int i = 0; i < 12; i++)
        if ((s[0] | 32) == m[i][0] && (s[1] | 32) == m[i][1] && (s[2] | 32) == m[i][2])
            return i + 1;
    return 0;
}

static int group(pcre2_code *re, pcre2_match_data *md, const char *subj, const char *name)
{
    PCRE2_SIZE len;
    PCRE2_UCHAR buf[16];
    len = sizeof buf;
    if (pcre2_substring_copy_byname(md, (PCRE2_SPTR)name, buf, &len) != 0 || len == 0)
        return -1;
    (void)re;
    (void)subj;
    if (buf[0] >= '0' && buf[0] <= '9')
        return atoi((char *)buf);
    return month_of((char *)buf);
}

static int date_in_line_len(const struct chr_engine *e, const char *s, size_t n, int day_first,
                            int *y, int *m, int *d, size_t *mlen);

static int date_in_line(const struct chr_engine *e, const char *s, size_t n, int day_first,
                        int *y, int *m, int *d)
{
    size_t ml;
    return date_in_line_len(e, s, n, day_first, y, m, d, &ml);
}

static int date_in_line_len(const struct chr_engine *e, const char *s, size_t n, int day_first,
                            int *y, int *m, int *d, size_t *mlen)
{
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(e->dateline_re, NULL);
    if (!md)
        return 0;
    int ok = 0;
    size_t start = 0;
    while (!ok && start < n) {
        int r = pcre2_match(e->dateline_re, (PCRE2_SPTR)s, n, start, 0, md, NULL);
        if (r < 0)
            break;
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
        static const char *const G[][3] = {{"y1", "m1", "d1"}, {"y2", "m2", "d2"},
                                           {"y3", "m3", "d3"}, {"y4", "mon4", "d4"},
                                           {"y5", "mon5", "d5"}, {"y6", "mon6", "d6"}};
        for (int g = 0; g < 6 && !ok; g++) {
            int yy = group(e->dateline_re, md, s, G[g][0]);
            if (yy < 0)
                continue;
            int mm = group(e->dateline_re, md, s, G[g][1]);
            int dd = group(e->dateline_re, md, s, G[g][2]);
            if (g == 1 && !day_first && mm <= 12 && dd <= 12) {
                int t = mm;
                mm = dd;
                dd = t;
            } else if (g == 1 && mm > 12 && dd <= 12) {
                int t = mm;
                mm = dd;
                dd = t;
            }
            if (yy >= 1900 && yy <= 2100 && mm >= 1 && mm <= 12 && dd >= 1 &&
                dd <= days_in_month(yy, mm)) {
                *y = yy;
                *m = mm;
                *d = dd;
                *mlen = ov[1] - ov[0];
                ok = 1;
            }
        }
        start = ov[1] > start ? ov[1] : start + 1;
    }
    pcre2_match_data_free(md);
    return ok;
}

void dct_detect(const struct chr_engine *e, const chr_text *t, int day_first, dct_found *out)
{
    out->source = NULL;
    /* front matter: "date:" is the DCT by definition */
    const char *s = t->orig;
    size_t len = t->orig_len;
    if (len > 4 && !strncmp(s, "---", 3) && (s[3] == '\n' || s[3] == '\r')) {
        size_t p = 4;
        while (p < len && p < 8192) {
            size_t q = p;
            while (q < len && s[q] != '\n')
                q++;
            if (q - p >= 3 && !strncmp(s + p, "---", 3))
                break;
            if (q - p > 5 && !strncmp(s + p, "date:", 5)) {
                size_t v = p + 5;
                while (v < q && (s[v] == ' ' || s[v] == '"' || s[v] == '\''))
                    v++;
                char buf[16] = {0};
                size_t k = q - v < 15 ? q - v : 15;
                memcpy(buf, s + v, k);
                if (dct_parse_iso(buf, &out->y, &out->m, &out->d) == 0 ||
                    date_in_line(e, s + p, q - p, day_first, &out->y, &out->m, &out->d)) {
                    out->source = "front_matter";
                    return;
                }
            }
            p = q + 1;
        }
    }
    const line_stats *ls = t->lines.data;
    size_t seen = 0;
    for (size_t i = 0; i < t->lines.len && seen < 15; i++) {
        size_t a = ls[i].start, b = ls[i].end;
        if (a >= t->len || a > 4096)
            break;
        if (b > t->len)
            b = t->len;
        /* skip blank lines */
        size_t k = a;
        while (k < b && (t->norm[k] == ' ' || t->norm[k] == '\t' || t->norm[k] == '\r'))
            k++;
        if (k == b)
            continue;
        seen++;
        size_t n = b - k;
        size_t look = n > 240 ? 240 : n;
        while (look < n && ((unsigned char)t->norm[k + look] & 0xC0) == 0x80)
            look++;
        const char *line = t->norm + k;
        int keyword = has_clock(line, look);
        for (int w = 0; !keyword && KEYWORDS[w]; w++)
            keyword = ci_contains(t->fold + k, look, KEYWORDS[w]);
        /* without a keyword or a clock, a line is a dateline only when the
         * date is nearly all of it ("09/10/2015", not "Ngày 1/4/2023, Thủ
         * tướng tiếp …") */
        if (!keyword && n > 80)
            continue;
        size_t dlen = 0;
        if (date_in_line_len(e, line, look, day_first, &out->y, &out->m, &out->d, &dlen) &&
            (keyword || n - dlen <= 24)) {
            out->source = "dateline";
            return;
        }
    }
}
