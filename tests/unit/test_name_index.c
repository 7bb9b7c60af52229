/* The saved name index (lib/gazetteer_image.c): an engine that maps it
 * annotates exactly like one that builds the index from kb.tsv, and an image
 * that is stale, truncated or damaged is passed over, never trusted. */
#define _POSIX_C_SOURCE 200809L
#include "check.h"
#include "chronicle.h"
#include "engine.h"
#include "gazetteer_image.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *data_dir(void)
{
    const char *d = getenv("CHRONICLE_DATA");
    return d && *d ? d : "data";
}

/* dir gets a copy of every table of data/ (not the saved index) */
static int copy_tables(const char *dir)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "cp '%s'/*.tsv '%s'/", data_dir(), dir);
    return system(cmd) == 0;
}

/* Annotates text with a fresh engine on dir; *mapped: whether it used the image. */
static char *annotate_with(const char *dir, const char *text, int *mapped)
{
    chr_error err;
    chr_engine *e = chr_engine_new(dir, &err);
    if (!e)
        return NULL;
    *mapped = e->kb.gaz.from_image;
    char *j = test_json_of(e, text, strlen(text));
    chr_engine_free(e);
    return j;
}

static void damage(const char *path, long at, const char *bytes, size_t n)
{
    FILE *f = fopen(path, "r+b");
    if (!f)
        return;
    fseek(f, at, SEEK_SET);
    fwrite(bytes, 1, n, f);
    fclose(f);
}

void test_name_index_image(void)
{
    const char *text =
        "2023年9月10日，美国总统拜登抵达河内，与越共中央总书记阮富仲举行会谈。美越两国建立全面战略伙伴关系。"
        "Ngày 11/9, Thủ tướng Phạm Minh Chính hội kiến Tổng thống Joe Biden tại Hà Nội; Bộ Ngoại giao Việt Nam ra "
        "thông cáo. 俄羅斯總統普京訪問越南。Secretary of State Antony Blinken met Foreign Minister Bui Thanh Son "
        "in Hanoi on April 15, 2023, and NATO, ASEAN and the U.S. Navy were named. 安东尼·布林肯与王毅通电话。";
    char dir[] = "/tmp/chronicle-names-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    CHECK(copy_tables(dir));
    int mapped = -1;
    char *built = annotate_with(dir, text, &mapped);
    CHECK(built != NULL && mapped == 0);
    /* saved, then mapped: the same annotation */
    chr_error err;
    chr_engine *e = chr_engine_new(dir, &err);
    CHECK(e != NULL);
    CHECK(e && engine_save_name_index(e, dir, &err) == 0);
    chr_engine_free(e);
    char *got = annotate_with(dir, text, &mapped);
    CHECK(mapped == 1);
    CHECK(got && built && !strcmp(got, built));
    free(got);
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, GAZ_IMAGE_FILE);
    /* damaged inside (a child index far out of range): passed over */
    char img_copy[320];
    snprintf(img_copy, sizeof img_copy, "%s.good", path);
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "cp '%s' '%s'", path, img_copy);
    CHECK(system(cmd) == 0);
    FILE *f = fopen(path, "rb");
    long size = 0;
    if (f) {
        fseek(f, 0, SEEK_END);
        size = ftell(f);
        fclose(f);
    }
    const char ff[16] = {(char)0xff, (char)0xff, (char)0xff, (char)0xff, (char)0xff, (char)0xff,
                         (char)0xff, (char)0xff, (char)0xff, (char)0xff, (char)0xff, (char)0xff,
                         (char)0xff, (char)0xff, (char)0xff, (char)0xff};
    for (long at = size / 5; at < size - 16; at += size / 5)
        damage(path, at, ff, sizeof ff);
    got = annotate_with(dir, text, &mapped);
    CHECK(mapped == 0);
    CHECK(got && built && !strcmp(got, built));
    free(got);
    /* a name of an entity the knowledge base does not have (the first
     * name's entity sits right after the 56-byte header): passed over */
    snprintf(cmd, sizeof cmd, "cp '%s' '%s'", img_copy, path);
    CHECK(system(cmd) == 0);
    damage(path, 56, ff, 4);
    got = annotate_with(dir, text, &mapped);
    CHECK(mapped == 0);
    CHECK(got && built && !strcmp(got, built));
    free(got);
    /* truncated: passed over */
    snprintf(cmd, sizeof cmd, "cp '%s' '%s' && truncate -s %ld '%s'", img_copy, path, size / 2, path);
    CHECK(system(cmd) == 0);
    got = annotate_with(dir, text, &mapped);
    CHECK(mapped == 0);
    CHECK(got && built && !strcmp(got, built));
    free(got);
    /* stale: kb.tsv changed after the image was saved */
    snprintf(cmd, sizeof cmd, "cp '%s' '%s' && echo '# changed' >> '%s/kb.tsv'", img_copy, path, dir);
    CHECK(system(cmd) == 0);
    got = annotate_with(dir, text, &mapped);
    CHECK(mapped == 0);
    CHECK(got && built && !strcmp(got, built));
    free(got);
    free(built);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK(system(cmd) == 0);
}
