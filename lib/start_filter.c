#include "start_filter.h"
#include "hash.h"
#include "timex_scan.h"
#include "chronicle.h"

uint64_t start_filter_hash(const char *s, size_t n)
{
    return fnv64(s, n) >> 1; /* cpmap keys must leave room for +1 */
}

typedef struct collect {
    start_filter *f;
    start_words *words;
    int err;
} collect;

static uint64_t pair_hash(uint64_t a, uint64_t b)
{
    return (a * 31 + b * 0x9E3779B97F4A7C15ULL) >> 1;
}

static void add_cjk(void *ctx, const char *lit)
{
    collect *c = ctx;
    size_t n, n2, len = strlen(lit);
    uint32_t cp = utf8_at(lit, len, 0, &n);
    if (cp >= 0xA000)
        return;
    c->f->cjk[cp >> 3] |= (uint8_t)(1u << (cp & 7));
    if (n >= len) {
        c->f->cjk_alone[cp >> 3] |= (uint8_t)(1u << (cp & 7));
        return;
    }
    uint32_t next = utf8_at(lit, len, n, &n2);
    if (cpmap_put(&c->f->cjk_pairs, ((uint64_t)cp << 21) | next, 1) < 0)
        c->err = CHR_ERR_NOMEM;
}

static void add_word(void *ctx, const char *lit)
{
    collect *c = ctx;
    int prefix = lit[0] == '^';
    lit += prefix;
    size_t n = 0;
    while (lit[n] && lit[n] != ' ' && lit[n] != '-')
        n++;
    uint64_t h = start_filter_hash(lit, n);
    int r;
    if (prefix) {
        r = cpmap_put(&c->words->prefix, h, 1);
    } else if (!lit[n] || (lit[n] == '-' && !lit[n + 1])) {
        r = cpmap_put(&c->words->alone, h, 1);
    } else {
        const char *s2 = lit + n + 1;
        size_t m = 0;
        while (s2[m] && s2[m] != ' ' && s2[m] != '-')
            m++;
        r = cpmap_put(&c->words->pairs, pair_hash(h, start_filter_hash(s2, m)), 1);
        if (r == 0)
            r = cpmap_put(&c->words->pair_first, h, 1);
    }
    if (r < 0)
        c->err = CHR_ERR_NOMEM;
}

int start_filter_words(const start_words *w, const char *fold, size_t a, size_t b, size_t c,
                       size_t d, int next_digit)
{
    uint32_t v;
    uint64_t h = start_filter_hash(fold + a, b - a);
    if (cpmap_get(&w->alone, h, &v))
        return 1;
    if (c == d)
        return next_digit && cpmap_get(&w->prefix, h, &v);
    uint64_t h2 = start_filter_hash(fold + c, d - c);
    if (cpmap_get(&w->pairs, pair_hash(h, h2), &v))
        return 1;
    if (!cpmap_get(&w->prefix, h, &v))
        return 0;
    return cpmap_get(&w->alone, h2, &v) || cpmap_get(&w->prefix, h2, &v) ||
           cpmap_get(&w->pair_first, h2, &v);
}

int start_filter_build(start_filter *f)
{
    memset(f->cjk, 0, sizeof f->cjk);
    memset(f->cjk_alone, 0, sizeof f->cjk_alone);
    cpmap_init(&f->cjk_pairs);
    cpmap_init(&f->vi.alone);
    cpmap_init(&f->vi.pairs);
    cpmap_init(&f->vi.prefix);
    cpmap_init(&f->vi.pair_first);
    cpmap_init(&f->en.pair_first);
    cpmap_init(&f->en.alone);
    cpmap_init(&f->en.pairs);
    cpmap_init(&f->en.prefix);
    collect c = {f, NULL, 0};
    zh_start_literals(add_cjk, &c);
    zh_build_sketches(f->zh_sketch);
    c.words = &f->vi;
    vi_start_literals(add_word, &c);
    c.words = &f->en;
    en_start_literals(add_word, &c);
    return c.err;
}

void start_filter_free(start_filter *f)
{
    cpmap_free(&f->cjk_pairs);
    start_words *w[] = {&f->vi, &f->en};
    for (int i = 0; i < 2; i++) {
        cpmap_free(&w[i]->alone);
        cpmap_free(&w[i]->pairs);
        cpmap_free(&w[i]->prefix);
        cpmap_free(&w[i]->pair_first);
    }
}
