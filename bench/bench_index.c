/* bench_index: the folder index's figures.
 *   bench_index DATA_DIR FOLDER CACHE
 * Full index, reopen with nothing changed, re-index after touching ten
 * files, and the latency of related-event queries (median). Peak RSS is
 * printed by the caller (/usr/bin/time). */
#define _POSIX_C_SOURCE 200809L
#include "chronicle.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <utime.h>
#include <cjson/cJSON.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double pass(chr_engine *e, const char *dir, const char *cache, chr_index_progress *pr)
{
    chr_error err;
    double t = now();
    chr_index *ix = chr_index_open(e, cache, &err);
    if (!ix || chr_index_start(ix, dir, NULL) != CHR_OK || chr_index_wait(ix) != CHR_OK) {
        fprintf(stderr, "index failed\n");
        exit(1);
    }
    double d = now() - t;
    chr_index_progress_get(ix, pr);
    chr_index_free(ix);
    return d;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: bench_index DATA_DIR FOLDER CACHE\n");
        return 2;
    }
    chr_error err;
    chr_engine *e = chr_engine_new(argv[1], &err);
    if (!e) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    remove(argv[3]);
    chr_index_progress pr;
    double full = pass(e, argv[2], argv[3], &pr);
    printf("full index: %zu files, %.1f MB in %.2f s (%.1f MB/s)\n", pr.files_done, pr.bytes_done / 1e6,
           full, pr.bytes_done / 1e6 / full);
    double reopen = pass(e, argv[2], argv[3], &pr);
    printf("reopen, nothing changed: %.0f ms (%zu files reused)\n", reopen * 1e3, pr.files_reused);
    /* touch ten files (new contents) */
    chr_index *ix = chr_index_open(e, argv[3], &err);
    if (!ix || chr_index_start(ix, argv[2], NULL) != CHR_OK || chr_index_wait(ix) != CHR_OK)
        return 1;
    char *files = chr_index_files(ix, NULL);
    cJSON *o = cJSON_Parse(files), *f;
    int k = 0;
    cJSON_ArrayForEach(f, cJSON_GetObjectItem(o, "files")) {
        if (k >= 10)
            break;
        const char *p = cJSON_GetObjectItem(f, "path")->valuestring;
        FILE *fp = fopen(p, "a");
        if (fp) {
            fprintf(fp, "\n2031年，两国领导人举行会谈。\n");
            fclose(fp);
            k++;
        }
    }
    /* the index is open (as in the editor): another pass reads only those */
    double t = now();
    if (chr_index_start(ix, argv[2], NULL) != CHR_OK || chr_index_wait(ix) != CHR_OK) {
        fprintf(stderr, "re-index failed\n");
        return 1;
    }
    double touched = now() - t;
    chr_index_progress_get(ix, &pr);
    printf("re-index after changing %d files (index open): %.0f ms (%zu files read again)\n", k,
           touched * 1e3, pr.files_done - pr.files_reused);
    /* related queries at line 40 of some files (the event there or before it) */
    double lat[64];
    int nq = 0;
    cJSON_ArrayForEach(f, cJSON_GetObjectItem(o, "files")) {
        if (nq >= 64)
            break;
        const char *p = cJSON_GetObjectItem(f, "path")->valuestring;
        double t1 = now();
        char *j = chr_index_related(ix, p, 40, -1, 500, NULL); /* a screenful, as the editor asks */
        lat[nq++] = now() - t1;
        chr_free(j);
    }
    qsort(lat, (size_t)nq, sizeof *lat, cmp);
    printf("related-events query: median %.2f ms, max %.2f ms (%d queries)\n", lat[nq / 2] * 1e3,
           lat[nq - 1] * 1e3, nq);
    /* what the editor asks: a hover card (a screenful of the entity most
     * named) and the folder timeline (its first 5,000 entries) */
    static const char *const names[] = {"Vietnam", "United States", "China", "Joe Biden", "Hà Nội"};
    double el[5];
    for (int i = 0; i < 5; i++) {
        double t0 = now();
        char *j = chr_index_entity(ix, names[i], 8, NULL);
        el[i] = now() - t0;
        chr_free(j);
    }
    qsort(el, 5, sizeof *el, cmp);
    double t0 = now();
    size_t tl_len = 0;
    char *tl = chr_index_timeline(ix, NULL, NULL, NULL, 5000, &tl_len);
    double tl_time = now() - t0;
    cJSON *tj = tl ? cJSON_Parse(tl) : NULL;
    printf("entity query (hover card, 8 files): median %.0f ms, max %.0f ms\n", el[2] * 1e3, el[4] * 1e3);
    printf("folder timeline (first 5000 of %d entries): %.0f ms, %.1f MB of JSON\n",
           tj ? cJSON_GetObjectItem(tj, "total")->valueint : -1, tl_time * 1e3, tl_len / 1e6);
    cJSON_Delete(tj);
    chr_free(tl);
    cJSON_Delete(o);
    chr_free(files);
    chr_index_free(ix);
    chr_engine_free(e);
    return 0;
}
