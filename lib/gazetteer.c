#define _GNU_SOURCE /* qsort_r */
#include "gazetteer.h"
#include "chronicle.h"
#include "utf8.h"
#include <stdlib.h>
#include <string.h>

int gaz_init(gazetteer *g)
{
    memset(g, 0, sizeof *g);
    g->root = calloc(0x10000, sizeof *g->root);
    vec_init(&g->names, sizeof(gaz_name));
    vec_init(&g->keys, 1);
    vec_init(&g->pending, sizeof(gaz_key));
    g->nodes = 1; /* node 0 is "none" */
    return g->root ? CHR_OK : CHR_ERR_NOMEM;
}

void gaz_free(gazetteer *g)
{
    free(g->root);
    free(g->term);
    free(g->kids);
    free(g->nkids);
    free(g->kid_cp);
    free(g->kid_node);
    vec_free(&g->names);
    vec_free(&g->keys);
    vec_free(&g->pending);
    g->root = NULL;
    g->term = g->kids = g->kid_cp = g->kid_node = NULL;
    g->nkids = NULL;
}

int gaz_add(gazetteer *g, const char *fold, size_t n, uint32_t entity, uint8_t flags,
            const char *orig, size_t orig_len)
{
    size_t k, k2;
    if (!n)
        return CHR_OK;
    uint32_t a = utf8_at(fold, n, 0, &k), b = k < n ? utf8_at(fold, n, k, &k2) : 0;
    if (a >= 0x10000)
        return CHR_OK; /* names starting outside the BMP are not indexed */
    gaz_name *nm = vec_push(&g->names);
    gaz_key *key = nm ? vec_push(&g->pending) : NULL;
    if (!key || vec_reserve(&g->keys, g->keys.len + n) < 0)
        return CHR_ERR_NOMEM;
    nm->entity = entity;
    nm->flags = flags;
    nm->orig = orig;
    nm->orig_len = (uint32_t)orig_len;
    key->off = (uint32_t)g->keys.len;
    key->len = (uint32_t)n;
    key->name = (uint32_t)(g->names.len - 1);
    memcpy((char *)g->keys.data + g->keys.len, fold, n);
    g->keys.len += n;
    g->first_bits[a >> 3] |= (uint8_t)(1u << (a & 7));
    uint32_t ph = gaz_pair_hash(a, b);
    g->pair_bits[ph >> 3] |= (uint8_t)(1u << (ph & 7));
    if (k >= n)
        g->single_bits[a >> 3] |= (uint8_t)(1u << (a & 7));
    if (is_latin_letter(a) || (a >= '0' && a <= '9')) {
        size_t e = gaz_word_end(fold, n, 0);
        uint32_t wh = gaz_word_hash(fold, e);
        g->word_bits[wh >> 3] |= (uint8_t)(1u << (wh & 7));
        size_t q = gaz_second_word(fold, n, e);
        if (q >= n) {
            g->single_word_bits[wh >> 3] |= (uint8_t)(1u << (wh & 7));
        } else {
            uint32_t h2 = gaz_two_word_hash(fold, 0, e, q, gaz_word_end(fold, n, q));
            g->two_word_bits[h2 >> 3] |= (uint8_t)(1u << (h2 & 7));
        }
    }
    return CHR_OK;
}

typedef struct builder {
    gazetteer *g;
    const char *bytes;
    const gaz_key *k;
    uint32_t cap_nodes, cap_kids, nkids_total;
} builder;

static const char *key_bytes(const builder *b, size_t i)
{
    return b->bytes + b->k[i].off;
}

static int cmp_keys_ctx(const void *x, const void *y, void *ctx)
{
    const gaz_key *a = x, *c = y;
    const char *bytes = ctx;
    size_t n = a->len < c->len ? a->len : c->len;
    int r = memcmp(bytes + a->off, bytes + c->off, n);
    if (r)
        return r;
    if (a->len != c->len)
        return a->len < c->len ? -1 : 1;
    return a->name < c->name ? -1 : a->name > c->name; /* the first added wins */
}

static uint32_t new_node(builder *b)
{
    gazetteer *g = b->g;
    if (g->nodes >= b->cap_nodes) {
        uint32_t cap = b->cap_nodes ? b->cap_nodes * 2 : 4096;
        uint32_t *t = realloc(g->term, cap * sizeof *t);
        if (t)
            g->term = t;
        uint32_t *k = t ? realloc(g->kids, cap * sizeof *k) : NULL;
        if (k)
            g->kids = k;
        uint16_t *nk = k ? realloc(g->nkids, cap * sizeof *nk) : NULL;
        if (!nk)
            return 0;
        g->nkids = nk;
        b->cap_nodes = cap;
    }
    uint32_t id = g->nodes++;
    g->term[id] = 0;
    g->kids[id] = 0;
    g->nkids[id] = 0;
    return id;
}

static int reserve_kids(builder *b, uint32_t more)
{
    gazetteer *g = b->g;
    if (b->nkids_total + more <= b->cap_kids)
        return 0;
    uint32_t cap = b->cap_kids ? b->cap_kids : 4096;
    while (cap < b->nkids_total + more)
        cap *= 2;
    uint32_t *c = realloc(g->kid_cp, cap * sizeof *c);
    if (c)
        g->kid_cp = c;
    uint32_t *n = c ? realloc(g->kid_node, cap * sizeof *n) : NULL;
    if (!n)
        return -1;
    g->kid_node = n;
    b->cap_kids = cap;
    return 0;
}

/* keys [lo, hi) share their first `depth` bytes and end in node or below */
static int build(builder *b, uint32_t node, size_t lo, size_t hi, size_t depth)
{
    gazetteer *g = b->g;
    /* the key that ends here (sorted: it comes first) */
    if (lo < hi && b->k[lo].len == depth) {
        g->term[node] = b->k[lo].name + 1;
        while (lo < hi && b->k[lo].len == depth)
            lo++; /* duplicates: the first added keeps the name */
    }
    /* children: one per distinct next code point, in order */
    uint32_t count = 0;
    for (size_t i = lo; i < hi;) {
        size_t n;
        uint32_t cp = utf8_at(key_bytes(b, i), b->k[i].len, depth, &n);
        size_t j = i + 1;
        while (j < hi && utf8_at(key_bytes(b, j), b->k[j].len, depth, &n) == cp)
            j++;
        count++;
        i = j;
    }
    if (!count)
        return 0;
    if (count > 0xFFFF || reserve_kids(b, count) < 0)
        return -1;
    uint32_t first = b->nkids_total;
    b->nkids_total += count;
    g->kids[node] = first;
    g->nkids[node] = (uint16_t)count;
    uint32_t slot = first;
    for (size_t i = lo; i < hi;) {
        size_t n;
        uint32_t cp = utf8_at(key_bytes(b, i), b->k[i].len, depth, &n);
        size_t j = i + 1, m;
        while (j < hi && utf8_at(key_bytes(b, j), b->k[j].len, depth, &m) == cp)
            j++;
        uint32_t child = new_node(b);
        if (!child)
            return -1;
        g->kid_cp[slot] = cp;
        g->kid_node[slot] = child;
        slot++;
        if (build(b, child, i, j, depth + n) < 0)
            return -1;
        i = j;
    }
    return 0;
}

int gaz_finish(gazetteer *g)
{
    gaz_key *k = g->pending.data;
    size_t n = g->pending.len;
    if (n > 1)
        qsort_r(k, n, sizeof *k, cmp_keys_ctx, g->keys.data);
    builder b = {g, g->keys.data, k, 0, 0, 0};
    /* at most one node per byte of name: reserve a good part of that at once */
    uint32_t guess = (uint32_t)(g->keys.len / 2 + 16);
    g->term = malloc(guess * sizeof *g->term);
    g->kids = malloc(guess * sizeof *g->kids);
    g->nkids = malloc(guess * sizeof *g->nkids);
    g->kid_cp = malloc(guess * sizeof *g->kid_cp);
    g->kid_node = malloc(guess * sizeof *g->kid_node);
    if (!g->term || !g->kids || !g->nkids || !g->kid_cp || !g->kid_node)
        return CHR_ERR_NOMEM;
    b.cap_nodes = b.cap_kids = guess;
    g->nodes = 0;
    if (new_node(&b) != 0) /* node 0: "none", never walked into */
        return CHR_ERR_NOMEM;
    if (!g->term)
        return CHR_ERR_NOMEM;
    for (size_t i = 0; i < n;) {
        size_t w;
        uint32_t cp = utf8_at(key_bytes(&b, i), k[i].len, 0, &w);
        size_t j = i + 1, m;
        while (j < n && utf8_at(key_bytes(&b, j), k[j].len, 0, &m) == cp)
            j++;
        uint32_t node = new_node(&b);
        if (!node || build(&b, node, i, j, w) < 0)
            return CHR_ERR_NOMEM;
        g->root[cp] = node;
        i = j;
    }
    vec_free(&g->keys);
    vec_free(&g->pending);
    return CHR_OK;
}

size_t gaz_walk(const gazetteer *g, const char *fold, size_t len, size_t p, gaz_hit *hits,
                size_t max)
{
    size_t k, nh = 0;
    uint32_t cp = utf8_at(fold, len, p, &k);
    if (cp >= 0x10000 || !g->term)
        return 0;
    uint32_t node = g->root[cp];
    while (node) {
        p += k;
        if (g->term[node] && nh < max) {
            hits[nh].end = p;
            hits[nh].name = g->term[node] - 1;
            nh++;
        }
        if (p >= len || !g->nkids[node])
            break;
        cp = utf8_at(fold, len, p, &k);
        const uint32_t *cps = g->kid_cp + g->kids[node];
        uint32_t nk = g->nkids[node], lo = 0;
        /* branch-free halving: the fan-out under 中 or 美 is in the hundreds,
         * and a mispredicted branch per level cost more than the loads */
        while (nk > 1) {
            uint32_t half = nk / 2;
            lo = cps[lo + half - 1] < cp ? lo + half : lo;
            nk -= half;
        }
        lo += cps[lo] < cp;
        if (lo >= g->nkids[node] || cps[lo] != cp)
            break;
        node = g->kid_node[g->kids[node] + lo];
    }
    return nh;
}
