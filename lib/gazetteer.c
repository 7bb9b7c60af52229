#define _GNU_SOURCE /* qsort_r */
#include "gazetteer.h"
#include "chronicle.h"
#include "mem_hint.h"
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
    mem_populated_free(g->trie_mem, g->trie_bytes);
    g->trie_mem = NULL;
    g->trie_bytes = 0;
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
    key->head = 0;
    for (size_t i = 0; i < 8; i++)
        key->head = (key->head << 8) | (i < n ? (unsigned char)fold[i] : 0);
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

static int cmp_keys_ctx(const void *x, const void *y, void *ctx)
{
    const gaz_key *a = x, *c = y;
    if (a->head != c->head)
        return a->head < c->head ? -1 : 1;
    const char *bytes = ctx;
    size_t n = a->len < c->len ? a->len : c->len;
    int r = n > 8 ? memcmp(bytes + a->off + 8, bytes + c->off + 8, n - 8) : 0;
    if (r)
        return r;
    if (a->len != c->len)
        return a->len < c->len ? -1 : 1;
    return a->name < c->name ? -1 : a->name > c->name; /* the first added wins */
}

/* Bytes key i shares with key i - 1, cut back to a code point boundary. */
static size_t shared_prefix(const char *bytes, const gaz_key *k, size_t i)
{
    if (!i)
        return 0;
    const unsigned char *s = (const unsigned char *)bytes + k[i].off;
    const unsigned char *ps = (const unsigned char *)bytes + k[i - 1].off;
    size_t len = k[i].len, m = k[i - 1].len < len ? k[i - 1].len : len, lcp = 0;
    while (lcp < m && ps[lcp] == s[lcp])
        lcp++;
    while (lcp > 0 && lcp < len && (s[lcp] & 0xC0) == 0x80)
        lcp--; /* back to the start of the code point that differs */
    return lcp;
}

/* The trie from the sorted keys in one pass: each key shares a prefix with
 * the one before it, so only its remaining code points make nodes (in
 * preorder, siblings in code point order). Children are then laid side by
 * side from each node's parent. */
int gaz_finish(gazetteer *g)
{
    gaz_key *k = g->pending.data;
    size_t n = g->pending.len;
    const char *bytes = g->keys.data;
    if (n > 1)
        qsort_r(k, n, sizeof *k, cmp_keys_ctx, (void *)bytes);
    /* first pass: how many nodes (a code point not shared with the key
     * before) and how deep */
    size_t longest = 0, count = 1;
    for (size_t i = 0; i < n; i++) {
        const unsigned char *s = (const unsigned char *)bytes + k[i].off;
        size_t len = k[i].len, lcp = shared_prefix(bytes, k, i);
        if (len > longest)
            longest = len;
        for (size_t p = lcp; p < len; p++)
            count += (s[p] & 0xC0) != 0x80;
    }
    if (count > UINT32_MAX)
        return CHR_ERR_NOMEM;
    uint32_t nodes = (uint32_t)count;
    /* one mapping for the arrays that stay, one for the scaffolding */
    size_t keep = nodes * (3 * sizeof(uint32_t) + sizeof(uint16_t)) + nodes * sizeof(uint32_t) + 64;
    size_t temp = nodes * (2 * sizeof(uint32_t) + sizeof(uint16_t)) +
                  (longest + 1) * (sizeof(size_t) + sizeof(uint32_t)) + 64;
    char *km = mem_populated(keep), *tm = mem_populated(temp);
    if (!km || !tm) {
        mem_populated_free(km, keep);
        mem_populated_free(tm, temp);
        return CHR_ERR_NOMEM;
    }
    g->trie_mem = km;
    g->trie_bytes = keep;
    g->term = (uint32_t *)km;
    g->kids = g->term + nodes;
    g->kid_cp = g->kids + nodes;
    g->kid_node = g->kid_cp + nodes;
    g->nkids = (uint16_t *)(g->kid_node + nodes);
    size_t *path_end = (size_t *)tm;
    uint32_t *parent = (uint32_t *)(path_end + longest + 1);
    uint32_t *cp_of = parent + nodes;
    uint32_t *path_node = cp_of + nodes;
    uint16_t *seen = (uint16_t *)(path_node + longest + 1);
    int rc = CHR_ERR_NOMEM;
    /* second pass: the nodes in preorder, with parent and code point */
    uint32_t v = 1;
    size_t depth = 0;
    for (size_t i = 0; i < n; i++) {
        const char *s = bytes + k[i].off;
        size_t len = k[i].len, lcp = shared_prefix(bytes, k, i);
        while (depth > 0 && path_end[depth] > lcp)
            depth--;
        size_t p = depth ? path_end[depth] : 0, w;
        while (p < len) {
            uint32_t cp = utf8_at(s, len, p, &w);
            parent[v] = depth ? path_node[depth] : 0;
            cp_of[v] = cp;
            if (!depth)
                g->root[cp] = v;
            depth++;
            path_end[depth] = p + w;
            path_node[depth] = v++;
            p += w;
        }
        uint32_t last = path_node[depth];
        if (depth && !g->term[last]) {
            g->term[last] = k[i].name + 1;
        } else if (depth) {
            /* the same folded name again (ROK, RoK): for the same entity the
             * spellings pool their leniency, so a case check holds only when
             * every spelling asks for it */
            gaz_name *kept = &VEC_AT(&g->names, gaz_name, g->term[last] - 1);
            const gaz_name *dup = &VEC_AT(&g->names, gaz_name, k[i].name);
            if (kept->entity == dup->entity)
                kept->flags &= dup->flags | GAZ_LATIN;
        }
    }
    /* children side by side: count, place, then fill in preorder (which
     * keeps each node's children in code point order) */
    for (v = 1; v < nodes; v++)
        if (parent[v] && ++g->nkids[parent[v]] == 0)
            goto done; /* over 65,535 children: the count wrapped */
    uint32_t next = 0;
    for (v = 1; v < nodes; v++) {
        g->kids[v] = next;
        next += g->nkids[v];
    }
    for (v = 1; v < nodes; v++) {
        uint32_t u = parent[v];
        if (!u)
            continue;
        uint32_t slot = g->kids[u] + seen[u]++;
        g->kid_cp[slot] = cp_of[v];
        g->kid_node[slot] = v;
    }
    g->nodes = nodes;
    rc = CHR_OK;
done:
    mem_populated_free(tm, temp);
    if (rc == CHR_OK) {
        vec_free(&g->keys);
        vec_free(&g->pending);
    }
    return rc;
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
