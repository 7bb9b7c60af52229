/* Bad input never crashes and never loses the valid parts: invalid UTF-8,
 * NUL bytes, empty input, a 50 MB single line; and the API's error paths. */
#include "check.h"
#include "chronicle.h"
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static chr_result *annotate(const char *s, size_t n, const char *dct)
{
    chr_options opt = {dct, NULL, 0};
    chr_error err;
    return chr_annotate((const chr_engine *)test_engine(), s, n, &opt, &err);
}

static int has_value(chr_result *r, const char *value, size_t *start)
{
    for (size_t i = 0; i < chr_result_count(r, CHR_TIMEX); i++) {
        chr_timex_view v;
        chr_result_timex(r, i, &v);
        if (!strcmp(v.value, value)) {
            if (start)
                *start = v.start;
            return 1;
        }
    }
    return 0;
}

void test_invalid_input(void)
{
    const char s[] = "abc \xff\xfe 1995年7月11日 \xc3\x28 năm 2013 \xe8\xb6";
    chr_result *r = annotate(s, sizeof s - 1, NULL);
    CHECK(r != NULL);
    if (!r)
        return;
    size_t at = 0;
    CHECK(has_value(r, "1995-07-11", &at));
    CHECK(at == (size_t)(strstr(s, "1995") - s));
    CHECK(has_value(r, "2013", NULL));
    CHECK(chr_result_invalid_count(r) == 3);
    size_t a, b;
    CHECK(chr_result_invalid_range(r, 0, &a, &b) == CHR_OK && a == 4 && b == 6);
    CHECK(chr_result_invalid_range(r, 3, &a, &b) == CHR_ERR_ARG);
    const char *j = chr_result_json(r, NULL);
    CHECK(j && strstr(j, "\"invalid_utf8\""));
    chr_result_free(r);
    /* binary garbage: no crash, a result */
    char bin[4096];
    unsigned x = 12345;
    for (size_t i = 0; i < sizeof bin; i++) {
        x = x * 1103515245u + 12345u;
        bin[i] = (char)(x >> 16);
    }
    r = annotate(bin, sizeof bin, NULL);
    CHECK(r != NULL);
    CHECK(r && chr_result_json(r, NULL) != NULL);
    chr_result_free(r);
}

void test_empty_and_nul(void)
{
    chr_result *r = annotate("", 0, NULL);
    CHECK(r != NULL);
    CHECK(r && chr_result_count(r, CHR_TIMEX) == 0);
    const char *j = r ? chr_result_json(r, NULL) : NULL;
    CHECK(j && strstr(j, "\"timexes\":[]"));
    chr_result_free(r);
    r = annotate(NULL, 0, NULL);
    CHECK(r != NULL);
    chr_result_free(r);
    const char s[] = "2013年\0ngày 6/7/2015";
    r = annotate(s, sizeof s - 1, NULL);
    CHECK(r != NULL);
    if (r) {
        CHECK(has_value(r, "2013", NULL));
        CHECK(has_value(r, "2015-07-06", NULL));
        CHECK(chr_result_invalid_count(r) == 1);
    }
    chr_result_free(r);
}

void test_huge_line(void)
{
    /* 50 MB on one line: completes (no quadratic blow-up), finds the last date */
    const char unit[] = "越南与美国于1995年7月11日建交。Việt Nam và Hoa Kỳ ngày 12/7/1995 ";
    size_t n = sizeof unit - 1, total = 50u * 1024 * 1024;
    char *s = malloc(total + 64);
    CHECK(s != NULL);
    if (!s)
        return;
    size_t len = 0;
    while (len + n <= total) {
        memcpy(s + len, unit, n);
        len += n;
    }
    memcpy(s + len, "2020年", strlen("2020年"));
    len += strlen("2020年");
    chr_result *r = annotate(s, len, NULL);
    CHECK(r != NULL);
    if (r) {
        size_t cnt = chr_result_count(r, CHR_TIMEX);
        CHECK(cnt >= 2 * (total / n));
        chr_timex_view v;
        CHECK(chr_result_timex(r, cnt - 1, &v) == CHR_OK && !strcmp(v.value, "2020"));
    }
    chr_result_free(r);
    free(s);
}

void test_api_errors(void)
{
    chr_error err;
    CHECK(chr_engine_new("/nonexistent/chronicle-data", &err) == NULL);
    CHECK(err.code == CHR_ERR_IO && strstr(err.message, "t2s.tsv") != NULL);
    CHECK(chr_annotate(NULL, "x", 1, NULL, &err) == NULL && err.code == CHR_ERR_ARG);
    chr_options bad = {"2023-13-45", NULL, 0};
    CHECK(chr_annotate((const chr_engine *)test_engine(), "x", 1, &bad, &err) == NULL);
    CHECK(err.code == CHR_ERR_ARG && strstr(err.message, "2023-13-45") != NULL);
    chr_options junk = {"yesterday", NULL, 0};
    CHECK(chr_annotate((const chr_engine *)test_engine(), "x", 1, &junk, &err) == NULL);
    CHECK(chr_result_count(NULL, CHR_TIMEX) == 0);
    chr_timex_view v;
    CHECK(chr_result_timex(NULL, 0, &v) == CHR_ERR_ARG);
    CHECK(chr_abi_version() == CHR_ABI_VERSION);
    CHECK(chr_version() != NULL && *chr_version());
    CHECK(strcmp(chr_status_message(CHR_ERR_NOMEM), "out of memory") == 0);
    chr_result_free(NULL);
    chr_engine_free(NULL);
}

void test_accessors_match_json(void)
{
    const char *s = "---\ndate: 2023-09-09\n---\nNgày 4/3, hai bên điện đàm. Năm 2013.";
    chr_result *r = annotate(s, strlen(s), NULL);
    CHECK(r != NULL);
    if (!r)
        return;
    CHECK(!strcmp(chr_result_dct(r), "2023-09-09"));
    CHECK(!strcmp(chr_result_dct_source(r), "front_matter"));
    CHECK(!strcmp(chr_result_lang(r), "vi"));
    const char *j = chr_result_json(r, NULL);
    CHECK(j != NULL);
    for (size_t i = 0; j && i < chr_result_count(r, CHR_TIMEX); i++) {
        chr_timex_view v;
        chr_result_timex(r, i, &v);
        char want[160];
        snprintf(want, sizeof want, "{\"start\":%zu,\"end\":%zu,", v.start, v.end);
        CHECK(strstr(j, want) != NULL);
        CHECK(!strncmp(s + v.start, v.text, v.end - v.start));
    }
    chr_result_free(r);
}

typedef struct job {
    const char *text;
    int ok;
} job;

static void *worker(void *arg)
{
    job *jb = arg;
    jb->ok = 1;
    for (int i = 0; i < 50; i++) {
        chr_result *r = annotate(jb->text, strlen(jb->text), "2020-01-01");
        if (!r || !has_value(r, "2015-07-06", NULL)) {
            jb->ok = 0;
        }
        chr_result_free(r);
    }
    return NULL;
}

void test_threads_share_engine(void)
{
    pthread_t th[4];
    job jobs[4] = {{"2015年7月6日", 0}, {"ngày 6/7/2015", 0}, {"July 6, 2015", 0},
                   {"2015-07-06", 0}};
    for (int i = 0; i < 4; i++)
        CHECK(pthread_create(&th[i], NULL, worker, &jobs[i]) == 0);
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        CHECK(jobs[i].ok);
    }
}

/* The engine keeps the memory of one annotation for the next: nothing of a
 * big document may show through in a small one, results alive at once stay
 * apart, trimming changes nothing, and a result freed after its engine is
 * safe (the ASan run checks the memory). */
void test_memory_reuse(void)
{
    const char *unit = "2023年9月10日，美国总统拜登访问河内，与越共中央总书记阮富仲举行会谈。"
                       "Ngày 11/9/2023, Thủ tướng Phạm Minh Chính hội kiến Tổng thống Biden tại Hà Nội. "
                       "On Sept. 12, Secretary Blinken met Vietnamese Foreign Minister Bui Thanh Son.\n";
    const char *small = "Bộ trưởng Bùi Thanh Sơn thăm Nhật Bản ngày 3/4/2024.\xff 外长王毅";
    size_t ul = strlen(unit), reps = 2000;
    char *big = malloc(ul * reps + 1);
    CHECK(big != NULL);
    if (!big)
        return;
    for (size_t i = 0; i < reps; i++)
        memcpy(big + i * ul, unit, ul);
    big[ul * reps] = '\0';
    chr_error err;
    const char *data = getenv("CHRONICLE_DATA");
    chr_engine *fresh = chr_engine_new(data ? data : "data", &err);
    chr_engine *e = chr_engine_new(data ? data : "data", &err);
    CHECK(fresh && e);
    if (!fresh || !e) {
        chr_engine_free(fresh);
        chr_engine_free(e);
        free(big);
        return;
    }
    char *want_small = test_json_of(fresh, small, strlen(small));
    char *want_big = test_json_of(fresh, big, ul * reps);
    CHECK(want_small && want_big);
    /* big, then small: the small one comes out as from a fresh engine */
    char *got = test_json_of(e, big, ul * reps);
    CHECK(got && want_big && !strcmp(got, want_big));
    free(got);
    got = test_json_of(e, small, strlen(small));
    CHECK(got && want_small && !strcmp(got, want_small));
    free(got);
    /* two results alive at once, then both read */
    chr_options opt = {"2024-05-01", NULL, 0};
    chr_result *a = chr_annotate(e, big, ul * reps, &opt, &err);
    chr_result *b = chr_annotate(e, small, strlen(small), &opt, &err);
    CHECK(a && b);
    const char *ja = a ? chr_result_json(a, NULL) : NULL;
    const char *jb = b ? chr_result_json(b, NULL) : NULL;
    CHECK(ja && want_big && !strcmp(ja, want_big));
    CHECK(jb && want_small && !strcmp(jb, want_small));
    chr_result_free(b);
    /* trimmed: the same again */
    chr_engine_trim(e);
    got = test_json_of(e, small, strlen(small));
    CHECK(got && want_small && !strcmp(got, want_small));
    free(got);
    /* the engine goes first, its last result after */
    chr_engine_free(e);
    chr_result_free(a);
    chr_engine_free(fresh);
    free(want_small);
    free(want_big);
    free(big);
}
