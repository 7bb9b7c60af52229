/* The date normaliser against tests/unit/timex_cases.tsv: each row's span must
 * be found exactly with its value, mod and end value; NONE rows are traps
 * where nothing may be found. */
#include "check.h"
#include "chronicle.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct row {
    char *f[7];
    int line;
} row;

static int split(char *s, char **f, int n)
{
    int k = 0;
    while (k < n) {
        f[k++] = s;
        char *t = strchr(s, '\t');
        if (!t)
            break;
        *t = '\0';
        s = t + 1;
    }
    return k;
}

static const char *dash(const char *s)
{
    return strcmp(s, "-") ? s : NULL;
}

static int run_rows(int traps_only)
{
    FILE *f = fopen("tests/unit/timex_cases.tsv", "r");
    CHECK(f != NULL);
    if (!f)
        return 0;
    char buf[4096];
    int line = 0, rows = 0;
    while (fgets(buf, sizeof buf, f)) {
        line++;
        buf[strcspn(buf, "\r\n")] = '\0';
        if (!buf[0] || buf[0] == '#')
            continue;
        char *fl[7];
        if (split(buf, fl, 7) != 7) {
            fprintf(stderr, "  timex_cases.tsv:%d: needs 7 fields\n", line);
            CHECK(0);
            continue;
        }
        int trap = !strcmp(fl[4], "NONE");
        if (trap != traps_only)
            continue;
        rows++;
        chr_options opt = {dash(fl[1]), fl[0], 0};
        chr_error err;
        const char *text = fl[2];
        chr_result *r = chr_annotate((const chr_engine *)test_engine(), text, strlen(text), &opt, &err);
        CHECK(r != NULL);
        if (!r)
            continue;
        const char *at = strstr(text, fl[3]);
        CHECK(at != NULL);
        size_t s0 = at ? (size_t)(at - text) : 0, e0 = s0 + strlen(fl[3]);
        int found = 0;
        for (size_t i = 0; i < chr_result_count(r, CHR_TIMEX); i++) {
            chr_timex_view v;
            chr_result_timex(r, i, &v);
            if (trap) {
                int date = !strcmp(v.type, "DATE") || !strcmp(v.type, "TIME");
                if (date && v.start < e0 && v.end > s0) {
                    fprintf(stderr, "  timex_cases.tsv:%d: trap \"%s\" found as \"%s\" = %s\n",
                            line, fl[3], v.text, v.value);
                    found = 1;
                }
                continue;
            }
            if (v.start == s0 && v.end == e0) {
                found = 1;
                const char *mod = dash(fl[5]), *endv = dash(fl[6]);
                int ok = !strcmp(v.value, fl[4]) && ((!mod && !v.mod) || (mod && v.mod && !strcmp(mod, v.mod))) &&
                         ((!endv && !v.end_value) || (endv && v.end_value && !strcmp(endv, v.end_value)));
                if (!ok) {
                    fprintf(stderr, "  timex_cases.tsv:%d: \"%s\" = %s mod=%s end=%s, expected %s mod=%s end=%s\n",
                            line, fl[3], v.value, v.mod ? v.mod : "-", v.end_value ? v.end_value : "-",
                            fl[4], fl[5], fl[6]);
                    CHECK(0);
                }
            }
        }
        if (trap) {
            CHECK(!found);
        } else if (!found) {
            fprintf(stderr, "  timex_cases.tsv:%d: \"%s\" not found; got:", line, fl[3]);
            for (size_t i = 0; i < chr_result_count(r, CHR_TIMEX); i++) {
                chr_timex_view v;
                chr_result_timex(r, i, &v);
                fprintf(stderr, " [%s=%s]", v.text, v.value);
            }
            fprintf(stderr, "\n");
            CHECK(0);
        }
        chr_result_free(r);
    }
    fclose(f);
    return rows;
}

void test_timex_table(void)
{
    int n = run_rows(0);
    CHECK(n >= 250);
}

void test_timex_traps(void)
{
    int n = run_rows(1);
    CHECK(n >= 20);
}
