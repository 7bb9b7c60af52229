/* Unit test runner: runs every test, prints one line per failure and a
 * closing "N passed, N failed" line; exit status 1 when anything failed. */
#include "check.h"
#include "chronicle.h"
#include <stdlib.h>
#include <string.h>

check_state g_check;
static chr_engine *engine;

const struct chr_engine *test_engine(void)
{
    return engine;
}

char *test_json_of(const struct chr_engine *e, const char *s, size_t n)
{
    chr_options opt = {"2024-05-01", NULL, 0};
    chr_error err;
    chr_result *r = chr_annotate(e, s, n, &opt, &err);
    size_t len = 0;
    const char *j = r ? chr_result_json(r, &len) : NULL;
    char *copy = j ? malloc(len + 1) : NULL;
    if (copy) {
        memcpy(copy, j, len);
        copy[len] = '\0';
    }
    chr_result_free(r);
    return copy;
}

int main(void)
{
    chr_error err;
    const char *data = getenv("CHRONICLE_DATA");
    engine = chr_engine_new(data ? data : "data", &err);
    if (!engine) {
        fprintf(stderr, "cannot start the engine: %s\n", err.message);
        printf("0 passed, 1 failed\n");
        return 1;
    }
    int passed = 0, failed = 0;
#define RUN(name)                                   \
    do {                                            \
        int before = g_check.failures;              \
        g_check.test = #name;                       \
        name();                                     \
        if (g_check.failures == before)             \
            passed++;                               \
        else                                        \
            failed++, fprintf(stderr, "not ok %s\n", #name); \
    } while (0);
    TESTS(RUN)
    chr_engine_free(engine);
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
