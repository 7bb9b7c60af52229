/* Events: whose invitation a visit answers is neither an event nor an actor,
 * a visit's destination country is one of its actors, and a known person
 * named by one word alone takes the knowledge base's id. */
#include "check.h"
#include "chronicle.h"
#include <string.h>

#define MOON_JAE_IN "L67666489883a7f74"

static chr_result *annotate(const char *s)
{
    chr_options opt = {"2024-01-01", NULL, 0};
    chr_error err;
    return chr_annotate((const chr_engine *)test_engine(), s, strlen(s), &opt, &err);
}

static int has_actor(const chr_event_view *v, const char *id)
{
    for (size_t k = 0; k < v->n_actors; k++)
        if (!strcmp(v->actors[k], id))
            return 1;
    return 0;
}

/* the one event of s: a visit by Yoon Suk Yeol to Vietnam, not by the host */
static void check_visit(const char *s)
{
    chr_result *r = annotate(s);
    CHECK(r != NULL);
    if (!r)
        return;
    size_t n = chr_result_count(r, CHR_EVENT), visits = 0;
    for (size_t i = 0; i < n; i++) {
        chr_event_view v;
        chr_result_event(r, i, &v);
        CHECK(strcmp(v.type, "02") != 0); /* no "invite" event */
        if (!strcmp(v.type, "04")) {
            visits++;
            CHECK(has_actor(&v, "Lfd3d13abf5721c02")); /* Yoon Suk Yeol */
            CHECK(has_actor(&v, "Q881"));              /* Vietnam, the destination */
            CHECK(!has_actor(&v, "L33c16bf7a9f42536")); /* Võ Văn Thưởng, the host */
        }
    }
    CHECK(visits == 1);
    chr_result_free(r);
}

void test_event_invitations(void)
{
    check_visit("应越南国家主席武文赏邀请，韩国总统尹锡悦于2023年6月22日至24日对越南进行国事访问。");
    check_visit("Ngày 22/6/2023, Tổng thống Hàn Quốc Yoon Suk Yeol thăm cấp Nhà nước Việt Nam theo lời "
                "mời của Chủ tịch nước Võ Văn Thưởng.");
    check_visit("On June 22, 2023, President Yoon Suk Yeol began a state visit to Vietnam at the "
                "invitation of President Vo Van Thuong.");
    /* an invitation that is the news stays an event */
    chr_result *r = annotate("2009年4月，美国邀请越南军队观摩演习。");
    CHECK(r && chr_result_count(r, CHR_EVENT) >= 1);
    chr_result_free(r);
}

static const char *person_id(chr_result *r, const char *text)
{
    for (size_t i = 0; r && i < chr_result_count(r, CHR_ENTITY); i++) {
        chr_entity_view v;
        chr_result_entity(r, i, &v);
        if (!strcmp(v.text, text) && !strcmp(v.type, "PERSON"))
            return v.id;
    }
    return "";
}

void test_known_short_names(void)
{
    /* nobody else in the document: the one known person called so */
    chr_result *r = annotate("Năm 1997, Tổng thống Chirac sang thăm Hà Nội. President Moon met him.");
    CHECK(!strcmp(person_id(r, "Chirac"), "L6006457bb3ce10f9"));
    CHECK(!strcmp(person_id(r, "Moon"), MOON_JAE_IN)); /* Korean: family name first */
    chr_result_free(r);
    /* a word several known people share links to none of them */
    r = annotate("President Kim arrived on Monday.");
    const char *id = person_id(r, "Kim");
    CHECK(*id == '\0' || id[0] == 'L');
    chr_result_free(r);
}

/* a sentence wrapped over two lines keeps its date and its actor */
void test_event_wrapped_sentence(void)
{
    chr_result *r = annotate("2000年3月，美国国防部长威廉·科恩（William\nCohen）访问越南。");
    int found = 0;
    for (size_t i = 0; r && i < chr_result_count(r, CHR_EVENT); i++) {
        chr_event_view v;
        chr_result_event(r, i, &v);
        if (!strcmp(v.type, "04") && v.date && !strcmp(v.date, "2000-03") && has_actor(&v, "Q881") &&
            v.n_actors >= 2)
            found = 1;
    }
    CHECK(found);
    chr_result_free(r);
}

/* the date of the event of type `type` in s ("" when none) */
static const char *date_of(chr_result *r, const char *type)
{
    for (size_t i = 0; r && i < chr_result_count(r, CHR_EVENT); i++) {
        chr_event_view v;
        chr_result_event(r, i, &v);
        if (!strcmp(v.type, type))
            return v.date ? v.date : "";
    }
    return "";
}

void test_event_dates_and_subjects(void)
{
    /* "since 1975" starts a span; the aside's date is the revision's */
    chr_result *r = annotate("2003年11月，越南国防部长范文茶访美，这是1975年以来越南国防部长的首次访美。");
    CHECK(!strcmp(date_of(r, "04"), "2003-11"));
    chr_result_free(r);
    r = annotate("2003年，美越两国签署了禁毒协定(2006年修订)。");
    CHECK(!strncmp(date_of(r, "05"), "2003", 4) || !strncmp(date_of(r, "06"), "2003", 4));
    chr_result_free(r);
    /* parentheses holding only a date give the date of what they follow */
    r = annotate("Pháp chiếm đóng Đà Nẵng (1858).");
    CHECK(!strcmp(date_of(r, "17"), "1858") || !strcmp(date_of(r, "19"), "1858"));
    chr_result_free(r);
    /* the country right before the trigger is its subject; lifting an
     * embargo is one event, not a lifting and an embargo */
    r = annotate("2016年5月，奥巴马总统访越期间宣布美国全面解除对越南的武器禁运。");
    int lifted = 0, embargo = 0;
    for (size_t i = 0; r && i < chr_result_count(r, CHR_EVENT); i++) {
        chr_event_view v;
        chr_result_event(r, i, &v);
        if (!strcmp(v.type, "08"))
            lifted = v.n_actors > 0 && !strcmp(v.actors[0], "Q30");
        embargo += !strcmp(v.type, "16");
    }
    CHECK(lifted);
    CHECK(embargo == 0);
    chr_result_free(r);
}

/* types by what the clause is about: a joint statement is 05, joining an
 * exercise is 06, support is 05 (CAMEO 051) */
void test_event_types_in_context(void)
{
    chr_result *r = annotate("2013年7月，张晋创与奥巴马共同发表了《联合声明》。");
    CHECK(*date_of(r, "05") && !*date_of(r, "01"));
    chr_result_free(r);
    r = annotate("2010年，越南首次参加了美泰联合军演。");
    CHECK(*date_of(r, "06"));
    chr_result_free(r);
    r = annotate("In 1948 the Soviet Union did support Vietnam's application.");
    CHECK(*date_of(r, "05") && !*date_of(r, "03"));
    chr_result_free(r);
}
