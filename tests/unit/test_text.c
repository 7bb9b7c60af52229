/* Tests of the text layer: UTF-8, the normalised copy and its offset map,
 * folding, markup masks, language id and DCT detection. */
#include "check.h"
#include "chronicle.h"
#include "engine.h"
#include "markup_mask.h"
#include "text_normalize.h"
#include "langid.h"
#include "dct.h"
#include "timex_scan.h"
#include "utf8.h"
#include <stdlib.h>

void test_utf8_decode(void)
{
    uint32_t cp;
    CHECK(utf8_decode((const unsigned char *)"a", 1, &cp) == 1 && cp == 'a');
    CHECK(utf8_decode((const unsigned char *)"\xe8\xb6\x8a", 3, &cp) == 3 && cp == 0x8D8A);
    CHECK(utf8_decode((const unsigned char *)"\xf0\x9f\x98\x80", 4, &cp) == 4 && cp == 0x1F600);
    CHECK(utf8_decode((const unsigned char *)"\xc0\xaf", 2, &cp) == 0);     /* overlong */
    CHECK(utf8_decode((const unsigned char *)"\xed\xa0\x80", 3, &cp) == 0); /* surrogate */
    CHECK(utf8_decode((const unsigned char *)"\xe8\xb6", 2, &cp) == 0);     /* truncated */
    CHECK(utf8_decode((const unsigned char *)"\xff", 1, &cp) == 0);
    CHECK(utf8_decode((const unsigned char *)"\xf4\x90\x80\x80", 4, &cp) == 0); /* > U+10FFFF */
    char buf[4];
    CHECK(utf8_encode(0x1EA5, buf) == 3 && !memcmp(buf, "\xe1\xba\xa5", 3));
}

static int build(chr_text *t, const char *s)
{
    vec m;
    vec_init(&m, sizeof(byte_span));
    int r = markup_find(test_engine(), s, strlen(s), &m);
    text_init(t);
    if (r == 0)
        r = text_build(t, test_engine(), s, strlen(s), &m);
    vec_free(&m);
    return r;
}

/* offset of needle in the normalised text mapped back must point at needle_orig in s */
static void check_maps(const chr_text *t, const char *s, const char *norm_needle,
                       const char *orig_needle)
{
    const char *n = strstr(t->norm, norm_needle);
    const char *o = strstr(s, orig_needle);
    CHECK(n != NULL && o != NULL);
    if (!n || !o)
        return;
    size_t ns = (size_t)(n - t->norm), ne = ns + strlen(norm_needle);
    CHECK(text_orig(t, ns) == (size_t)(o - s));
    CHECK(text_orig(t, ne) == (size_t)(o - s) + strlen(orig_needle));
}

void test_text_offsets(void)
{
    chr_text t;
    /* full-width digits shrink from 3 bytes to 1: offsets still land on the original */
    const char *s = "会谈于２０１５年７月举行，越南";
    CHECK(build(&t, s) == 0);
    check_maps(&t, s, "2015年7月", "２０１５年７月");
    check_maps(&t, s, "越南", "越南");
    text_free(&t);
    /* decomposed Vietnamese (NFD) composes, and maps back over the marks */
    const char *nfd = "Nguye\xcc\x82\xcc\x83n Phu\xcc\x81 ng\xc3\xa0y 6/7";
    CHECK(build(&t, nfd) == 0);
    CHECK(strstr(t.norm, "Nguy\xe1\xbb\x85n Ph\xc3\xba") != NULL); /* Nguyễn Phú */
    check_maps(&t, nfd, "ng\xc3\xa0y 6/7", "ng\xc3\xa0y 6/7");
    check_maps(&t, nfd, "Nguy\xe1\xbb\x85n", "Nguye\xcc\x82\xcc\x83n");
    text_free(&t);
    /* a masked link target becomes one space that maps to its start */
    const char *md = "[河内签署了](https://zh.wikipedia.org/wiki/河内 \"wikilink\")2000年";
    CHECK(build(&t, md) == 0);
    CHECK(strstr(t.norm, "wikipedia") == NULL);
    check_maps(&t, md, "2000年", "2000年");
    check_maps(&t, md, "河内签署了", "河内签署了");
    text_free(&t);
}

void test_text_folding(void)
{
    chr_text t;
    const char *s = "蘇聯與越南於1950年建交。ＡＳＥＡＮ Hoa Kỳ ĐÀ NẴNG";
    CHECK(build(&t, s) == 0);
    CHECK(strstr(t.norm, "苏联与越南于1950年建交") != NULL);
    CHECK(strstr(t.norm, "ASEAN") != NULL);
    CHECK(strstr(t.fold, "asean hoa kỳ đà nẵng") != NULL);
    CHECK(t.len == strlen(t.fold));
    text_free(&t);
}

void test_markup_masks(void)
{
    chr_text t;
    const char *s = "---\ntitle: 标题\ndate: 2017-06-01\n---\n"
                    "<!-- 1999年 -->正文 ![](/images/2020/08/20/x.png) "
                    "[Pompeo_2019.jpg](https://x.org/File:P.jpg \"fig:2019\") "
                    "[[03-Actors/To-Lam|Tổng Bí thư Tô Lâm]] [[Vietnam]] "
                    "see https://example.com/2021/05/01/page \\[12\\] end";
    CHECK(build(&t, s) == 0);
    CHECK(strstr(t.norm, "title:") == NULL);  /* keys are not prose */
    CHECK(strstr(t.norm, "标题") != NULL);     /* values are */
    CHECK(strstr(t.norm, "2017-06-01") != NULL);
    CHECK(strstr(t.norm, "1999") == NULL);
    CHECK(strstr(t.norm, "images") == NULL);
    CHECK(strstr(t.norm, "Pompeo") == NULL);  /* image file name as link text */
    CHECK(strstr(t.norm, "03-Actors") == NULL);
    CHECK(strstr(t.norm, "Tổng Bí thư Tô Lâm") != NULL);
    CHECK(strstr(t.norm, "Vietnam") != NULL);
    CHECK(strstr(t.norm, "example") == NULL);
    CHECK(strstr(t.norm, "12") == NULL);
    CHECK(strstr(t.norm, "end") != NULL);
    text_free(&t);
    /* nested parentheses in a wiki URL do not end the target early */
    const char *w = "[X](https://a.org/File:A_(1995)_(cropped).jpg \"fig\")后来";
    CHECK(build(&t, w) == 0);
    CHECK(strstr(t.norm, "cropped") == NULL && strstr(t.norm, "1995") == NULL);
    CHECK(strstr(t.norm, "后来") != NULL);
    text_free(&t);
}

void test_langid(void)
{
    chr_text t;
    const char *s = "越南外交部长裴青山与美国国务卿布林肯举行会谈。\n"
                    "Bộ trưởng Ngoại giao Việt Nam đã hội đàm với Ngoại trưởng Hoa Kỳ.\n"
                    "The two ministers met in Hanoi on Monday.\n"
                    "澳洲外長黃英賢與越南副總理暨外交部長裴青山舉行會議。\n"
                    "2023\n";
    CHECK(build(&t, s) == 0);
    int doc = langid_assign(&t, LANG_UND);
    line_stats *l = t.lines.data;
    CHECK(t.lines.len >= 5);
    CHECK(l[0].lang == LANG_ZH);
    CHECK(l[1].lang == LANG_VI);
    CHECK(l[2].lang == LANG_EN);
    CHECK(l[3].lang == LANG_ZH_HANT);
    CHECK(l[4].lang == doc); /* no letters: the document's language */
    CHECK(doc == LANG_ZH || doc == LANG_ZH_HANT);
    text_free(&t);
}

static int dct_of(const char *s, int day_first, char *out)
{
    chr_text t;
    if (build(&t, s) != 0)
        return -1;
    langid_assign(&t, LANG_UND);
    dct_found d;
    dct_detect(test_engine(), &t, day_first, &d);
    text_free(&t);
    if (!d.source)
        return 0;
    snprintf(out, 11, "%04d-%02d-%02d", d.y, d.m, d.d);
    return 1;
}

void test_dct_detection(void)
{
    char d[11];
    CHECK(dct_of("---\ntitle: x\ndate: 2017-06-01 22:36:13\n---\n正文", 1, d) == 1);
    CHECK_STR(d, "2017-06-01");
    CHECK(dct_of("Trang chủ\n08:50 | 09/09/2023 GMT+7\n\nDấu ấn quan hệ", 1, d) == 1);
    CHECK_STR(d, "2023-09-09");
    CHECK(dct_of("标题\n发布时间:2025-04-16 08:30:00\n正文内容很长", 1, d) == 1);
    CHECK_STR(d, "2025-04-16");
    CHECK(dct_of("Tin tức\nThứ Hai, 11/09/2023\nNội dung", 1, d) == 1);
    CHECK_STR(d, "2023-09-11");
    CHECK(dct_of("【新唐人2013年01月17日讯】(中央社记者方沛清河内17日专电)越南共产党中央委员会总书记阮富仲今天展开欧洲8天访问行程,这是他担任总书记以来首次出访。", 1, d) == 1);
    CHECK_STR(d, "2013-01-17");
    CHECK(dct_of("Thứ tư, ngày 31 tháng 7 năm 2024 | 11:35\nNội dung", 1, d) == 1);
    CHECK_STR(d, "2024-07-31");
    CHECK(dct_of("publish date: 2020-08-20 17:59:35+08:00\n\nHANOI (REUTERS) - text", 0, d) == 1);
    CHECK_STR(d, "2020-08-20");
    CHECK(dct_of("Posted March 5, 2021\nText of the story.", 0, d) == 1);
    CHECK_STR(d, "2021-03-05");
    /* a long prose line that opens with a date is not a dateline */
    CHECK(dct_of("1999年12月30日，中越双方在河内签署了《中华人民共和国和越南社会主义共和国陆地边界条约》，确认了以1887年中法界约等历史边界条约为基础的边界。", 1, d) == 0);
    CHECK(dct_of("No date here at all.\nJust text.", 0, d) == 0);
}

/* A line wrapped inside a sentence reads as one line (a space); a line that
 * ends a sentence, an empty line, a list item or a headline does not. */
void test_text_wrapped_lines(void)
{
    static const struct {
        const char *s, *norm;
    } cases[] = {
        {"科恩（William\nCohen）访问越南。", "科恩(William Cohen)访问越南。"},
        {"首次访问。2010\n年出版", "首次访问。2010 年出版"},
        {"韩国-\n日本", "韩国- 日本"},
        {"the official\nvisit", "the official visit"},
        {"访问越南。\n越南", "访问越南。\n越南"},          /* the sentence ended */
        {"Ha Noi nam 2020\ninfographic", "Ha Noi nam 2020\ninfographic"},
        {"Thủ tướng hội kiến Tổng thống\nHà Nội, ngày 3/4", "Thủ tướng hội kiến Tổng thống\nHà Nội, ngày 3/4"},
        {"the talks\n\nthe visit", "the talks\n\nthe visit"}, /* a paragraph break */
        {"the talks\n- the visit", "the talks\n- the visit"}, /* a list */
        {"the talks  \nthe visit", "the talks  \nthe visit"}, /* Markdown's hard break */
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        chr_text t;
        CHECK(build(&t, cases[i].s) == 0);
        CHECK(t.len == strlen(cases[i].norm) && !memcmp(t.norm, cases[i].norm, t.len));
        text_free(&t);
    }
}
