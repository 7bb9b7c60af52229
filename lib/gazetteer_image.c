#include "gazetteer_image.h"
#include "chronicle.h"
#include "mem_hint.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* Bumped when the layout below changes. */
enum { GAZ_IMAGE_VERSION = 1 };

typedef struct image_header {
    char magic[8];           /* "CHRGAZ\0\0" */
    uint32_t version;        /* GAZ_IMAGE_VERSION */
    uint32_t byte_order;     /* 0x01020304 as written by this machine */
    uint64_t stamp;          /* knowledge base + tables + library build */
    uint64_t file_size;
    uint32_t nnames, nodes, nroots, nkids;
    uint32_t translit_len, sizeof_bits;
} image_header;

/* One name as stored: its entity, flags, and where its original spelling
 * sits in the knowledge base's buffer. */
typedef struct image_name {
    uint32_t entity, orig_off, orig_len;
    uint32_t flags;
} image_name;

typedef struct image_root {
    uint32_t cp, node;
} image_root;

/* Where each part sits in the file, from the counts (8-byte aligned). */
typedef struct image_layout {
    size_t names, roots, bits, translit, term, kids, kid_cp, kid_node, nkids, end;
} image_layout;

static size_t align8(size_t n)
{
    return (n + 7) & ~(size_t)7;
}

static image_layout layout_of(const image_header *h)
{
    image_layout l;
    l.names = align8(sizeof *h);
    l.roots = align8(l.names + (size_t)h->nnames * sizeof(image_name));
    l.bits = align8(l.roots + (size_t)h->nroots * sizeof(image_root));
    l.translit = align8(l.bits + h->sizeof_bits);
    l.term = align8(l.translit + h->translit_len);
    l.kids = align8(l.term + (size_t)h->nodes * 4);
    l.kid_cp = align8(l.kids + (size_t)h->nodes * 4);
    l.kid_node = align8(l.kid_cp + (size_t)h->nkids * 4);
    l.nkids = align8(l.kid_node + (size_t)h->nkids * 4);
    l.end = align8(l.nkids + (size_t)h->nodes * 2);
    return l;
}

/* The bitmaps of the gazetteer struct, in one fixed order. */
#define GAZ_BITS(X) X(first_bits) X(pair_bits) X(single_bits) X(word_bits) X(single_word_bits) X(two_word_bits)
#define GAZ_BIT_SIZE(f) + sizeof(((gazetteer *)0)->f)
enum { GAZ_BITS_BYTES = 0 GAZ_BITS(GAZ_BIT_SIZE) };

static uint32_t total_kids(const gazetteer *g)
{
    uint32_t n = 0;
    for (uint32_t v = 0; v < g->nodes; v++)
        n += g->nkids[v];
    return n;
}

int gaz_image_save(const gazetteer *g, const uint8_t *translit, size_t translit_len,
                   const char *base, size_t base_len, uint64_t stamp, const char *path,
                   char *msg, size_t msglen)
{
    image_header h;
    memset(&h, 0, sizeof h);
    memcpy(h.magic, "CHRGAZ", 6);
    h.version = GAZ_IMAGE_VERSION;
    h.byte_order = 0x01020304;
    h.stamp = stamp;
    h.nnames = (uint32_t)g->names.len;
    h.nodes = g->nodes;
    h.nkids = total_kids(g);
    for (uint32_t cp = 0; cp < 0x10000; cp++)
        h.nroots += g->root[cp] != 0;
    h.translit_len = (uint32_t)translit_len;
    h.sizeof_bits = GAZ_BITS_BYTES;
    image_layout l = layout_of(&h);
    h.file_size = l.end;
    char *img = calloc(1, l.end);
    if (!img) {
        snprintf(msg, msglen, "out of memory");
        return CHR_ERR_NOMEM;
    }
    memcpy(img, &h, sizeof h);
    image_name *nm = (image_name *)(img + l.names);
    for (size_t i = 0; i < g->names.len; i++) {
        const gaz_name *src = &VEC_AT(&g->names, gaz_name, i);
        if (src->orig < base || src->orig + src->orig_len > base + base_len) {
            free(img);
            snprintf(msg, msglen, "a name does not point into the knowledge base");
            return CHR_ERR_DATA;
        }
        nm[i].entity = src->entity;
        nm[i].orig_off = (uint32_t)(src->orig - base);
        nm[i].orig_len = src->orig_len;
        nm[i].flags = src->flags;
    }
    image_root *rt = (image_root *)(img + l.roots);
    for (uint32_t cp = 0, k = 0; cp < 0x10000; cp++)
        if (g->root[cp]) {
            rt[k].cp = cp;
            rt[k].node = g->root[cp];
            k++;
        }
    char *bits = img + l.bits;
#define GAZ_BIT_COPY(f) memcpy(bits, g->f, sizeof g->f), bits += sizeof g->f;
    GAZ_BITS(GAZ_BIT_COPY)
    memcpy(img + l.translit, translit, translit_len);
    memcpy(img + l.term, g->term, (size_t)h.nodes * 4);
    memcpy(img + l.kids, g->kids, (size_t)h.nodes * 4);
    memcpy(img + l.kid_cp, g->kid_cp, (size_t)h.nkids * 4);
    memcpy(img + l.kid_node, g->kid_node, (size_t)h.nkids * 4);
    memcpy(img + l.nkids, g->nkids, (size_t)h.nodes * 2);
    /* written beside, then renamed over: a reader sees the old or the new */
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.%ld.tmp", path, (long)getpid());
    FILE *f = fopen(tmp, "wb");
    int ok = f && fwrite(img, 1, l.end, f) == l.end;
    if (f && fclose(f) != 0)
        ok = 0;
    free(img);
    if (!ok || rename(tmp, path) != 0) {
        snprintf(msg, msglen, "cannot write %s: %s", path, strerror(errno));
        unlink(tmp);
        return CHR_ERR_IO;
    }
    return CHR_OK;
}

/* Every index in the image stays inside its arrays. */
static int sound(const image_header *h, const image_layout *l, const char *img, size_t base_len,
                 uint32_t nents)
{
    const image_name *nm = (const image_name *)(img + l->names);
    for (uint32_t i = 0; i < h->nnames; i++)
        if ((uint64_t)nm[i].orig_off + nm[i].orig_len > base_len || nm[i].flags > 0xFF ||
            nm[i].entity >= nents)
            return 0;
    const image_root *rt = (const image_root *)(img + l->roots);
    for (uint32_t i = 0; i < h->nroots; i++)
        if (rt[i].cp >= 0x10000 || !rt[i].node || rt[i].node >= h->nodes)
            return 0;
    const uint32_t *term = (const uint32_t *)(img + l->term);
    const uint32_t *kids = (const uint32_t *)(img + l->kids);
    const uint16_t *nkids = (const uint16_t *)(img + l->nkids);
    const uint32_t *kid_node = (const uint32_t *)(img + l->kid_node);
    for (uint32_t v = 0; v < h->nodes; v++)
        if (term[v] > h->nnames || (uint64_t)kids[v] + nkids[v] > h->nkids)
            return 0;
    for (uint32_t s = 0; s < h->nkids; s++)
        if (!kid_node[s] || kid_node[s] >= h->nodes)
            return 0;
    return 1;
}

int gaz_image_load(gazetteer *g, uint8_t *translit, size_t translit_len, const char *base,
                   size_t base_len, uint32_t nents, uint64_t stamp, const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    struct stat st;
    image_header h;
    if (fstat(fd, &st) != 0 || (size_t)st.st_size < sizeof h ||
        pread(fd, &h, sizeof h, 0) != (ssize_t)sizeof h || memcmp(h.magic, "CHRGAZ\0\0", 8) ||
        h.version != GAZ_IMAGE_VERSION || h.byte_order != 0x01020304 || h.stamp != stamp ||
        h.file_size != (uint64_t)st.st_size || h.translit_len != translit_len ||
        h.sizeof_bits != GAZ_BITS_BYTES || h.nodes == 0 ||
        layout_of(&h).end != (size_t)st.st_size) {
        close(fd);
        return 0;
    }
    image_layout l = layout_of(&h);
    /* mapped from the page cache: pages come in as the trie is walked, and
     * processes share them */
    char *img = mmap(NULL, l.end, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (img == MAP_FAILED)
        return 0;
    if (!sound(&h, &l, img, base_len, nents)) {
        munmap(img, l.end);
        return 0;
    }
    if (vec_reserve(&g->names, h.nnames) < 0) {
        munmap(img, l.end);
        return CHR_ERR_NOMEM;
    }
    const image_name *nm = (const image_name *)(img + l.names);
    for (uint32_t i = 0; i < h.nnames; i++) {
        gaz_name *dst = &VEC_AT(&g->names, gaz_name, i);
        dst->entity = nm[i].entity;
        dst->flags = (uint8_t)nm[i].flags;
        dst->orig = base + nm[i].orig_off;
        dst->orig_len = nm[i].orig_len;
    }
    g->names.len = h.nnames;
    const image_root *rt = (const image_root *)(img + l.roots);
    for (uint32_t i = 0; i < h.nroots; i++)
        g->root[rt[i].cp] = rt[i].node;
    const char *bits = img + l.bits;
#define GAZ_BIT_LOAD(f) memcpy(g->f, bits, sizeof g->f), bits += sizeof g->f;
    GAZ_BITS(GAZ_BIT_LOAD)
    memcpy(translit, img + l.translit, translit_len);
    /* the trie is read in place; gaz_free unmaps it */
    g->term = (uint32_t *)(img + l.term);
    g->kids = (uint32_t *)(img + l.kids);
    g->kid_cp = (uint32_t *)(img + l.kid_cp);
    g->kid_node = (uint32_t *)(img + l.kid_node);
    g->nkids = (uint16_t *)(img + l.nkids);
    g->nodes = h.nodes;
    g->trie_mem = img;
    g->trie_bytes = l.end;
    g->from_image = 1;
    vec_free(&g->keys);
    vec_free(&g->pending);
    return 1;
}
