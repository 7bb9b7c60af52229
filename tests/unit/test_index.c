/* The folder index through its C API: a pass, queries while it runs, a
 * cancel, a watched folder that changes, and freeing in the middle. */
#define _GNU_SOURCE
#include "check.h"
#include "chronicle.h"
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static void write_file(const char *dir, const char *name, const char *text)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

static void nap(int ms)
{
    struct timespec ts = {0, ms * 1000000L};
    nanosleep(&ts, NULL);
}

static int rmtree(const char *dir)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd);
}

static const char ARTICLE[] = "2023年3月29日，越共中央总书记阮富仲与美国总统拜登举行电话会谈。\n";

void test_index_pass_and_queries(void)
{
    char dir[] = "/tmp/chr-ix-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    for (int i = 0; i < 40; i++) {
        char name[32];
        snprintf(name, sizeof name, "a%02d.txt", i);
        write_file(dir, name, ARTICLE);
    }
    char cache[600];
    snprintf(cache, sizeof cache, "%s/../%s.bin", dir, dir + 5);
    chr_error err;
    chr_index *ix = chr_index_open((const chr_engine *)test_engine(), cache, &err);
    CHECK(ix != NULL);
    if (!ix)
        return;
    chr_index_options opt = {"txt", 0, 0};
    CHECK(chr_index_start(ix, dir, &opt) == CHR_OK);
    CHECK(chr_index_start(ix, dir, &opt) == CHR_ERR_ARG); /* one pass per handle */
    /* queries while the pool works must not crash or block for long */
    for (int i = 0; i < 20; i++) {
        char *j = chr_index_entity(ix, "Joe Biden", 0, NULL);
        CHECK(j != NULL);
        chr_free(j);
    }
    CHECK(chr_index_wait(ix) == CHR_OK);
    chr_index_progress pr;
    CHECK(chr_index_progress_get(ix, &pr) == CHR_OK);
    CHECK(pr.state == CHR_INDEX_READY);
    CHECK(pr.files_total == 40 && pr.files_done == 40 && pr.files_skipped == 0);
    char *j = chr_index_entity(ix, "拜登", 0, NULL);
    CHECK(j && strstr(j, "\"name\":\"Joe Biden\"") && strstr(j, "a39.txt"));
    chr_free(j);
    char path[600];
    snprintf(path, sizeof path, "%s/a05.txt", dir);
    j = chr_index_related(ix, path, 1, -1, 0, NULL);
    CHECK(j && strstr(j, "a06.txt") && strstr(j, "\"same_date\":true"));
    chr_free(j);
    j = chr_index_timeline(ix, "2023", "2023", "Joe Biden", 0, NULL);
    /* forty articles telling one call: one entry, forty sources */
    CHECK(j && strstr(j, "\"date\":\"2023-03-29"));
    if (j) {
        int sources = 0;
        for (const char *p = j; (p = strstr(p, "\"doc\":")); p++)
            sources++;
        CHECK(sources == 40);
        CHECK(strstr(strstr(j, "\"events\":[") + 11, "\"date\"") == strstr(j, "\"date\"") ||
              strstr(j, "},{\"date\"") == NULL);
    }
    chr_free(j);
    chr_index_free(ix);
    /* reopened: everything from the cache */
    ix = chr_index_open((const chr_engine *)test_engine(), cache, &err);
    CHECK(ix != NULL);
    if (ix) {
        j = chr_index_entity(ix, "Q6279", 0, NULL);
        CHECK(j && strstr(j, "a17.txt"));
        chr_free(j);
        CHECK(chr_index_start(ix, dir, &opt) == CHR_OK && chr_index_wait(ix) == CHR_OK);
        chr_index_progress_get(ix, &pr);
        CHECK(pr.files_reused == 40);
        chr_index_free(ix);
    }
    unlink(cache);
    rmtree(dir);
}

void test_index_cancel_and_free(void)
{
    char dir[] = "/tmp/chr-ix-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    for (int i = 0; i < 300; i++) {
        char name[32];
        snprintf(name, sizeof name, "b%03d.md", i);
        write_file(dir, name, ARTICLE);
    }
    chr_error err;
    chr_index *ix = chr_index_open((const chr_engine *)test_engine(), NULL, &err);
    CHECK(ix && chr_index_start(ix, dir, NULL) == CHR_OK);
    CHECK(chr_index_cancel(ix) == CHR_OK);
    CHECK(chr_index_wait(ix) == CHR_OK);
    chr_index_progress pr;
    chr_index_progress_get(ix, &pr);
    CHECK(pr.state == CHR_INDEX_CANCELLED || pr.state == CHR_INDEX_READY);
    chr_index_free(ix);
    /* freed while it runs: joins cleanly */
    ix = chr_index_open((const chr_engine *)test_engine(), NULL, &err);
    CHECK(ix && chr_index_start(ix, dir, NULL) == CHR_OK);
    chr_index_free(ix);
    /* a file, not a folder */
    ix = chr_index_open((const chr_engine *)test_engine(), NULL, &err);
    char file[600];
    snprintf(file, sizeof file, "%s/b001.md", dir);
    CHECK(ix && chr_index_start(ix, file, NULL) == CHR_ERR_ARG);
    chr_index_progress_get(ix, &pr);
    CHECK(pr.state == CHR_INDEX_FAILED && strstr(pr.message, "not a folder"));
    chr_index_free(ix);
    rmtree(dir);
}

void test_index_watch(void)
{
    char dir[] = "/tmp/chr-ix-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    write_file(dir, "first.txt", ARTICLE);
    chr_error err;
    chr_index *ix = chr_index_open((const chr_engine *)test_engine(), NULL, &err);
    chr_index_options opt = {NULL, 0, 1};
    CHECK(ix && chr_index_start(ix, dir, &opt) == CHR_OK && chr_index_wait(ix) == CHR_OK);
    chr_index_progress pr;
    chr_index_progress_get(ix, &pr);
    CHECK(pr.state == CHR_INDEX_WATCHING);
    unsigned long gen = pr.generation;
    /* a new article appears: it is indexed without another pass */
    write_file(dir, "second.txt", "Ngày 6/7/2015, Tổng Bí thư Nguyễn Phú Trọng thăm Hoa Kỳ.\n");
    int seen = 0;
    for (int i = 0; i < 100 && !seen; i++) {
        nap(50);
        char *j = chr_index_files(ix, NULL);
        seen = j && strstr(j, "second.txt") && strstr(j, "\"entities\":0") == NULL;
        chr_free(j);
    }
    if (!seen) {
        char *j = chr_index_files(ix, NULL);
        chr_index_progress_get(ix, &pr);
        fprintf(stderr, "  watch: state %d gen %lu message %s files %s\n", pr.state, pr.generation, pr.message, j ? j : "");
        chr_free(j);
    }
    CHECK(seen);
    chr_index_progress_get(ix, &pr);
    CHECK(pr.generation > gen);
    /* and a deleted one leaves */
    char p[600];
    snprintf(p, sizeof p, "%s/first.txt", dir);
    unlink(p);
    int gone = 0;
    for (int i = 0; i < 100 && !gone; i++) {
        nap(50);
        char *j = chr_index_files(ix, NULL);
        gone = j && !strstr(j, "first.txt");
        chr_free(j);
    }
    CHECK(gone);
    chr_index_free(ix);
    rmtree(dir);
}

static int array_size(const cJSON *o, const char *key)
{
    return cJSON_GetArraySize(cJSON_GetObjectItem(o, key));
}

static int number(const cJSON *o, const char *key)
{
    const cJSON *n = cJSON_GetObjectItem(o, key);
    return cJSON_IsNumber(n) ? n->valueint : -1;
}

/* An entity named in many files, asked for a screenful: the files naming it
 * most first, totals past the limit; a line holding two events, asked by
 * byte offset; a limited timeline that still says how long it is. */
void test_index_limits_and_offsets(void)
{
    static const char TWO[] =
        "2023年3月29日，越共中央总书记阮富仲与美国总统拜登举行电话会谈。4月15日，美国国务卿布林肯访问河内。\n";
    char dir[] = "/tmp/chr-ix-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    for (int i = 0; i < 12; i++) {
        char name[32];
        snprintf(name, sizeof name, "b%02d.txt", i);
        write_file(dir, name, i == 7 ? "拜登说，拜登会来。2023年3月29日，阮富仲与拜登举行电话会谈。\n" : TWO);
    }
    chr_error err;
    chr_index *ix = chr_index_open((const chr_engine *)test_engine(), NULL, &err);
    CHECK(ix != NULL);
    if (!ix)
        return;
    chr_index_options opt = {"txt", 0, 0};
    CHECK(chr_index_start(ix, dir, &opt) == CHR_OK && chr_index_wait(ix) == CHR_OK);

    char *j = chr_index_entity(ix, "Joe Biden", 3, NULL);
    cJSON *o = j ? cJSON_Parse(j) : NULL;
    CHECK(o != NULL);
    CHECK(array_size(o, "files") == 3 && number(o, "files_total") == 12);
    CHECK(array_size(o, "events") == 3 && number(o, "events_total") >= 12);
    const cJSON *top = cJSON_GetArrayItem(cJSON_GetObjectItem(o, "files"), 0);
    const cJSON *tp = cJSON_GetObjectItem(top, "path");
    CHECK(cJSON_IsString(tp) && strstr(tp->valuestring, "b07.txt") && number(top, "count") == 3);
    cJSON_Delete(o);
    chr_free(j);
    j = chr_index_entity(ix, "Joe Biden", 0, NULL);
    o = j ? cJSON_Parse(j) : NULL;
    CHECK(array_size(o, "files") == 12);
    cJSON_Delete(o);
    chr_free(j);

    /* byte offset of 访问 in TWO: the second event of the line */
    char path[600];
    snprintf(path, sizeof path, "%s/b03.txt", dir);
    long at = (long)(strstr(TWO, "访问") - TWO);
    j = chr_index_related(ix, path, 1, at, 0, NULL);
    o = j ? cJSON_Parse(j) : NULL;
    const cJSON *trig = cJSON_GetObjectItem(cJSON_GetObjectItem(o, "event"), "trigger");
    CHECK(cJSON_IsString(trig) && !strcmp(trig->valuestring, "访问"));
    cJSON_Delete(o);
    chr_free(j);
    j = chr_index_related(ix, path, 1, (long)(strstr(TWO, "会谈") - TWO), 2, NULL);
    o = j ? cJSON_Parse(j) : NULL;
    trig = cJSON_GetObjectItem(cJSON_GetObjectItem(o, "event"), "trigger");
    CHECK(cJSON_IsString(trig) && strcmp(trig->valuestring, "访问") != 0);
    CHECK(array_size(o, "related") == 2 && number(o, "total") > 2);
    cJSON_Delete(o);
    chr_free(j);

    j = chr_index_timeline(ix, NULL, NULL, NULL, 1, NULL);
    o = j ? cJSON_Parse(j) : NULL;
    CHECK(array_size(o, "events") == 1 && number(o, "total") >= 2);
    cJSON_Delete(o);
    chr_free(j);
    chr_index_free(ix);
    rmtree(dir);
}
