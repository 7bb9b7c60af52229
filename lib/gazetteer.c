#include "gazetteer.h"
#include "chronicle.h"
#include "utf8.h"
#include <stdlib.h>
#include <string.h>

int gaz_init(gazetteer *g)
{
    g->root = calloc(0x10000, sizeof *g->root);
    memset(g->first_bits, 0, sizeof g->first_bits);
    memset(g->pair_bits, 0, sizeof g->pair_bits);
    memset(g->single_bits, 0, sizeof g->single_bits);
    cpmap_init(&g->next);
    vec_init(&g->term, sizeof(uint32_t));
    vec_init(&g->names, sizeof(gaz_name));
    g->nodes = 1; /* node 0 is "none" */
    uint32_t *t0 = vec_push(&g->term);
    if (!g->root || !t0)
        return CHR_ERR_NOMEM;
    return CHR_OK;
}

void gaz_free(gazetteer *g)
{
    free(g->root);
    g->root = NULL;
    cpmap_free(&g->next);
    vec_free(&g->term);
    vec_free(&g->names);
}

static uint32_t new_node(gazetteer *g)
{
    uint32_t *t = vec_push(&g->term);
    if (!t)
        return 0;
    return g->nodes++;
}

int gaz_add(gazetteer *g, const char *fold, size_t n, uint32_t entity, uint8_t flags,
            const char *orig, size_t orig_len)
{
    size_t p = 0, k, k2;
    uint32_t node = 0;
    uint32_t a = utf8_at(fold, n, 0, &k), b = k < n ? utf8_at(fold, n, k, &k2) : 0;
    uint32_t ph = gaz_pair_hash(a, b);
    g->pair_bits[ph >> 3] |= (uint8_t)(1u << (ph & 7));
    if (k >= n && a < 0x10000)
        g->single_bits[a >> 3] |= (uint8_t)(1u << (a & 7));
    while (p < n) {
        uint32_t cp = utf8_at(fold, n, p, &k);
        uint32_t child = 0;
        if (node == 0) {
            if (cp >= 0x10000)
                return CHR_OK; /* names starting outside the BMP are not indexed */
            child = g->root[cp];
            if (!child) {
                if (!(child = new_node(g)))
                    return CHR_ERR_NOMEM;
                g->root[cp] = child;
                g->first_bits[cp >> 3] |= (uint8_t)(1u << (cp & 7));
            }
        } else {
            uint64_t key = ((uint64_t)node << 21) | cp;
            if (!cpmap_get(&g->next, key, &child)) {
                if (!(child = new_node(g)) || cpmap_put(&g->next, key, child) < 0)
                    return CHR_ERR_NOMEM;
            }
        }
        node = child;
        p += k;
    }
    if (!node)
        return CHR_OK;
    uint32_t *term = &VEC_AT(&g->term, uint32_t, node);
    if (*term)
        return 1;
    gaz_name *nm = vec_push(&g->names);
    if (!nm)
        return CHR_ERR_NOMEM;
    nm->entity = entity;
    nm->flags = flags;
    nm->orig = orig;
    nm->orig_len = (uint32_t)orig_len;
    VEC_AT(&g->term, uint32_t, node) = (uint32_t)g->names.len;
    return CHR_OK;
}

size_t gaz_walk(const gazetteer *g, const char *fold, size_t len, size_t p, gaz_hit *hits,
                size_t max)
{
    size_t k, nh = 0;
    uint32_t cp = utf8_at(fold, len, p, &k);
    if (cp >= 0x10000)
        return 0;
    uint32_t node = g->root[cp];
    const uint32_t *term = g->term.data;
    while (node) {
        p += k;
        if (term[node] && nh < max) {
            hits[nh].end = p;
            hits[nh].name = term[node] - 1;
            nh++;
        }
        if (p >= len)
            break;
        cp = utf8_at(fold, len, p, &k);
        uint32_t child;
        if (!cpmap_get(&g->next, ((uint64_t)node << 21) | cp, &child))
            break;
        node = child;
    }
    return nh;
}
