/* check.h: a minimal test harness. Each test is a function registered in
 * main.c; CHECK records a failure with its place and carries on. */
#ifndef CHR_CHECK_H
#define CHR_CHECK_H
#include <stdio.h>
#include <string.h>

typedef struct check_state {
    int failures;
    const char *test;
} check_state;

extern check_state g_check;

#define CHECK(cond)                                                                      \
    do {                                                                                 \
        if (!(cond)) {                                                                   \
            g_check.failures++;                                                          \
            fprintf(stderr, "  FAIL %s (%s:%d): %s\n", g_check.test, __FILE__, __LINE__, \
                    #cond);                                                              \
        }                                                                                \
    } while (0)

#define CHECK_STR(a, b)                                                                     \
    do {                                                                                    \
        const char *a_ = (a), *b_ = (b);                                                    \
        if (!((a_ == NULL && b_ == NULL) || (a_ && b_ && strcmp(a_, b_) == 0))) {           \
            g_check.failures++;                                                             \
            fprintf(stderr, "  FAIL %s (%s:%d): %s == \"%s\", expected \"%s\"\n", g_check.test, \
                    __FILE__, __LINE__, #a, a_ ? a_ : "(null)", b_ ? b_ : "(null)");        \
        }                                                                                   \
    } while (0)

/* every test, in the order main runs them */
#define TESTS(X)                                                                           \
    X(test_utf8_decode) X(test_text_offsets) X(test_text_folding) X(test_text_wrapped_lines) X(test_markup_masks)      \
    X(test_langid) X(test_dct_detection) X(test_timex_table) X(test_timex_traps)             \
    X(test_invalid_input) X(test_empty_and_nul) X(test_huge_line) X(test_api_errors)        \
    X(test_accessors_match_json) X(test_threads_share_engine) X(test_memory_reuse) X(test_entity_table)           \
    X(test_entity_ids_stable) X(test_index_pass_and_queries) X(test_index_cancel_and_free)    \
    X(test_index_watch) X(test_index_limits_and_offsets) X(test_name_index_image) X(test_event_invitations) X(test_known_short_names) X(test_event_wrapped_sentence) X(test_event_dates_and_subjects) X(test_event_types_in_context)

#define DECLARE_TEST(name) void name(void);
TESTS(DECLARE_TEST)

/* the engine every test shares (data/ of the source tree) */
struct chr_engine;
const struct chr_engine *test_engine(void);
/* The JSON of s annotated by e with DCT 2024-05-01, copied (free it); NULL on failure. */
char *test_json_of(const struct chr_engine *e, const char *s, size_t n);
#endif
