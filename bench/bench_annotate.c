/* bench_annotate: throughput and latency of chr_annotate.
 *   bench_annotate DATA_DIR BIG_FILE [DOC...]
 * Prints the engine start-up time, MB/s on BIG_FILE (median of runs), and
 * the median latency of each DOC. */
#define _POSIX_C_SOURCE 200809L
#include "chronicle.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
        free(b);
        b = NULL;
    }
    fclose(f);
    *len = (size_t)n;
    return b;
}

/* resident set of this process now (the whole process: libraries included) */
static double rss_mb(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = 0;
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, "VmRSS:", 6))
            kb = atol(line + 6);
    if (f)
        fclose(f);
    return kb / 1024.0;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: bench_annotate DATA_DIR BIG_FILE [DOC...]\n");
        return 2;
    }
    chr_error err;
    /* start-up: the first engine of the process (files cold in this process),
     * and the median of the next ones */
    double st[7];
    chr_engine *e = NULL;
    double rss_first = 0;
    for (int i = 0; i < 7; i++) {
        double t0 = now();
        chr_engine *x = chr_engine_new(argv[1], &err);
        st[i] = now() - t0;
        if (!x) {
            fprintf(stderr, "engine: %s\n", err.message);
            return 1;
        }
        if (i == 0)
            rss_first = rss_mb();
        if (i < 6)
            chr_engine_free(x);
        else
            e = x;
    }
    double first = st[0];
    printf("engine start-up (knowledge base loaded): first %.1f ms, then median %.1f ms; "
           "process RSS with one engine %.1f MB\n",
           first * 1e3, median(st + 1, 6) * 1e3, rss_first);
    size_t len;
    char *big = slurp(argv[2], &len);
    if (!big) {
        fprintf(stderr, "cannot read %s\n", argv[2]);
        return 1;
    }
    static const struct {
        const char *what;
        int skip;
    } modes[] = {{"dates only", CHR_FIND_ALL}, {"dates + entities", CHR_FIND_EVENTS},
                 {"dates + entities + events", 0}};
    const char *only = getenv("BENCH_MODE"); /* profile one stage: 0, 1 or 2 */
    for (size_t mi = 0; mi < sizeof modes / sizeof *modes; mi++) {
        if (only && (size_t)atoi(only) != mi)
            continue;
        chr_options opt = {"2020-01-01", NULL, modes[mi].skip};
        enum { RUNS = 5 };
        double t[RUNS];
        size_t counts[3] = {0, 0, 0};
        for (int i = 0; i < RUNS; i++) {
            double a = now();
            chr_result *r = chr_annotate(e, big, len, &opt, &err);
            t[i] = now() - a;
            if (!r) {
                fprintf(stderr, "annotate: %s\n", err.message);
                return 1;
            }
            counts[0] = chr_result_count(r, CHR_TIMEX);
            counts[1] = chr_result_count(r, CHR_ENTITY);
            counts[2] = chr_result_count(r, CHR_EVENT);
            chr_result_free(r);
        }
        double m = median(t, RUNS);
        printf("%-26s %.1f MB: median %6.1f ms, %5.1f MB/s per core (%zu dates, %zu entities, %zu events)\n",
               modes[mi].what, len / 1e6, m * 1e3, len / 1e6 / m, counts[0], counts[1], counts[2]);
    }
    free(big);
    if (argc > 3)
        printf("latency per document (median of 50 runs):\n");
    for (int d = 3; d < argc; d++) {
        char *doc = slurp(argv[d], &len);
        if (!doc)
            continue;
        double lt[50];
        for (int i = 0; i < 50; i++) {
            double a = now();
            chr_result *r = chr_annotate(e, doc, len, NULL, &err);
            lt[i] = now() - a;
            chr_result_free(r);
        }
        const char *name = strrchr(argv[d], '/');
        printf("  %-52s %7zu B  %7.3f ms\n", name ? name + 1 : argv[d], len, median(lt, 50) * 1e3);
        free(doc);
    }
    chr_engine_free(e);
    return 0;
}
