/* index_store.c: the folder index's cache file. A header (magic, schema,
 * the engine's data stamp, payload length and checksum) before a compact
 * little-endian payload of interned strings and per-file records. It is
 * written to a temporary file and renamed over the old one, so a crash leaves
 * the old cache or the new one, never half of one; a cache that fails any
 * check is not trusted. */
#define _GNU_SOURCE
#include "corpus_index.h"
#include "hash.h"
#include "knowledge_base.h"
#include "mem_hint.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { SCHEMA = 2 };
static const char MAGIC[8] = {'C', 'H', 'R', 'I', 'D', 'X', '\r', '\n'};

typedef struct buf {
    char *p;
    size_t len, cap;
    int bad;
} buf;

static int grow(buf *b, size_t n)
{
    size_t cap = b->cap ? b->cap : 1 << 16;
    while (cap < b->len + n)
        cap *= 2;
    char *q = realloc(b->p, cap);
    if (!q) {
        b->bad = 1;
        return -1;
    }
    b->p = q;
    b->cap = cap;
    mem_hint_huge(q, cap);
    return 0;
}

static inline void put(buf *b, const void *s, size_t n)
{
    if (b->bad || !n || (b->len + n > b->cap && grow(b, n) < 0))
        return;
    memcpy(b->p + b->len, s, n);
    b->len += n;
}

static void put32(buf *b, uint32_t v)
{
    unsigned char c[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16), (unsigned char)(v >> 24)};
    put(b, c, 4);
}

static void putv(buf *b, uint32_t v)
{
    unsigned char c[5];
    int n = 0;
    do {
        c[n++] = (unsigned char)((v & 0x7F) | (v > 0x7F ? 0x80 : 0));
        v >>= 7;
    } while (v);
    put(b, c, (size_t)n);
}

static void put64(buf *b, uint64_t v)
{
    put32(b, (uint32_t)v);
    put32(b, (uint32_t)(v >> 32));
}

/* the whole cache file in memory: header + payload (under the lock) */
int ix_serialize_locked(chr_index *ix, char **out, size_t *outlen, chr_error *err)
{
    buf b = {0};
    /* sized up front: growing a 40 MB image by doubling copies it and faults
     * in fresh pages each time, all under the lock queries wait for */
    size_t est = 64 + ix->st.strs.len * 2 + ix->ents.len * 8;
    for (uint32_t i = 0; i < ix->st.strs.len; i++)
        est += strtab_len(&ix->st, i);
    for (size_t i = 0; i < ix->files.len; i++) {
        const ix_file *f = &VEC_AT(&ix->files, ix_file, i);
        est += 48 + (f->ments ? (size_t)f->nment * 8 : f->blob_len) + (size_t)f->nev * 32;
    }
    enum { HEAD = 40 }; /* magic, schema, 0, stamp, payload length, checksum */
    static const char zero[HEAD] = {0};
    if (grow(&b, HEAD + est) < 0) {
        if (err) {
            err->code = CHR_ERR_NOMEM;
            snprintf(err->message, sizeof err->message, "out of memory writing the index cache");
        }
        return CHR_ERR_NOMEM;
    }
    put(&b, zero, HEAD); /* filled in at the end, once the payload is known */
    uint32_t root = ix->root ? strtab_intern(&ix->st, ix->root, strlen(ix->root)) : 0;
    if (root == UINT32_MAX)
        root = 0;
    /* strings */
    putv(&b, (uint32_t)ix->st.strs.len);
    for (uint32_t i = 0; i < ix->st.strs.len; i++) {
        putv(&b, strtab_len(&ix->st, i));
        put(&b, strtab_get(&ix->st, i), strtab_len(&ix->st, i));
    }
    putv(&b, root);
    /* entities */
    putv(&b, (uint32_t)ix->ents.len);
    for (size_t i = 0; i < ix->ents.len; i++) {
        const ix_ent *en = &VEC_AT(&ix->ents, ix_ent, i);
        putv(&b, en->id);
        putv(&b, en->name);
        putv(&b, en->type);
    }
    /* files that still exist */
    uint32_t alive = 0;
    for (size_t i = 0; i < ix->files.len; i++)
        alive += VEC_AT(&ix->files, ix_file, i).alive;
    putv(&b, alive);
    vec enc;
    vec_init(&enc, 1);
    for (size_t i = 0; i < ix->files.len && !b.bad; i++) {
        const ix_file *f = &VEC_AT(&ix->files, ix_file, i);
        if (!f->alive)
            continue;
        putv(&b, f->path);
        put64(&b, f->size);
        put64(&b, (uint64_t)f->mtime_ns);
        put64(&b, f->hash);
        putv(&b, f->dct);
        putv(&b, f->lang);
        putv(&b, f->reason);
        putv(&b, f->skipped);
        putv(&b, f->nment);
        /* mentions stay encoded: decoded on demand by entity queries */
        if (f->ments) {
            enc.len = 0;
            if (ix_encode_mentions(f->ments, f->nment, &enc) < 0)
                b.bad = 1;
            putv(&b, (uint32_t)enc.len);
            put(&b, enc.data, enc.len);
        } else {
            putv(&b, f->blob_len);
            put(&b, f->blob, f->blob_len);
        }
        putv(&b, f->nev);
        uint32_t ps = 0, pl = 0;
        for (uint32_t k = 0; k < f->nev; k++) {
            const ix_event *v = &f->evs[k];
            putv(&b, v->start - ps);
            putv(&b, v->end - v->start);
            putv(&b, v->line - pl);
            putv(&b, v->date);
            putv(&b, v->type);
            putv(&b, v->label);
            putv(&b, v->trigger);
            putv(&b, (uint32_t)v->status | (uint32_t)v->nactors << 2);
            for (int a = 0; a < v->nactors; a++)
                putv(&b, v->actors[a]);
            ps = v->start;
            pl = v->line;
        }
    }
    vec_free(&enc);
    if (b.bad) {
        free(b.p);
        if (err) {
            err->code = CHR_ERR_NOMEM;
            snprintf(err->message, sizeof err->message, "out of memory writing the index cache");
        }
        return CHR_ERR_NOMEM;
    }
    size_t plen = b.len - HEAD;
    buf h = {b.p, 0, HEAD, 0}; /* writes the header over the placeholder */
    put(&h, MAGIC, 8);
    put32(&h, SCHEMA);
    put32(&h, 0);
    put64(&h, ix_engine_stamp(ix->e));
    put64(&h, plen);
    put64(&h, fnv64(b.p + HEAD, plen));
    *out = b.p;
    *outlen = b.len;
    return CHR_OK;
}

/* temporary file, fsync, rename: a crash leaves the old file or the new one */
int ix_write_file(const char *path, const char *data, size_t len, chr_error *err)
{
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    int ok = fd >= 0, e = errno;
    size_t off = 0;
    while (ok && off < len) {
        ssize_t w = write(fd, data + off, len - off);
        if (w <= 0) {
            e = errno;
            ok = 0;
            break;
        }
        off += (size_t)w;
    }
    if (fd >= 0) {
        if (ok && fsync(fd) != 0)
            ok = 0, e = errno;
        if (close(fd) != 0 && ok)
            ok = 0, e = errno;
    }
    if (ok && rename(tmp, path) != 0)
        ok = 0, e = errno;
    if (!ok) {
        unlink(tmp);
        if (err) {
            err->code = CHR_ERR_IO;
            snprintf(err->message, sizeof err->message, "cannot write %s: %s", path, strerror(e));
        }
    }
    return ok ? CHR_OK : CHR_ERR_IO;
}

int ix_save_locked(chr_index *ix, chr_error *err)
{
    if (!ix->cache_path)
        return CHR_OK;
    char *data;
    size_t len;
    int r = ix_serialize_locked(ix, &data, &len, err);
    if (r == CHR_OK)
        r = ix_write_file(ix->cache_path, data, len, err);
    free(data);
    if (r == CHR_OK)
        ix->dirty = 0;
    return r;
}

typedef struct rd {
    const unsigned char *p;
    size_t len, off;
    int bad;
} rd;

static uint32_t get32(rd *r)
{
    if (r->off + 4 > r->len) {
        r->bad = 1;
        return 0;
    }
    const unsigned char *c = r->p + r->off;
    r->off += 4;
    return (uint32_t)c[0] | (uint32_t)c[1] << 8 | (uint32_t)c[2] << 16 | (uint32_t)c[3] << 24;
}

static uint32_t getv(rd *r)
{
    uint32_t x = 0;
    for (int shift = 0; shift < 35; shift += 7) {
        if (r->off >= r->len) {
            r->bad = 1;
            return 0;
        }
        unsigned char b = r->p[r->off++];
        x |= (uint32_t)(b & 0x7F) << shift;
        if (!(b & 0x80))
            return x;
    }
    r->bad = 1;
    return 0;
}

static uint64_t get64(rd *r)
{
    uint64_t lo = get32(r);
    return lo | (uint64_t)get32(r) << 32;
}

static void reset(chr_index *ix)
{
    for (size_t i = 0; i < ix->files.len; i++)
        ix_file_clear(&VEC_AT(&ix->files, ix_file, i));
    ix->files.len = ix->ents.len = 0;
    cpmap_free(&ix->by_path);
    cpmap_free(&ix->ent_by_id);
    strtab_free(&ix->st);
    strtab_init(&ix->st);
}

int ix_load(chr_index *ix, char *why, size_t whylen)
{
    why[0] = '\0';
    FILE *f = fopen(ix->cache_path, "rb");
    if (!f) {
        if (errno != ENOENT)
            snprintf(why, whylen, "cannot read %s: %s", ix->cache_path, strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || st.st_size < 8) {
        fclose(f);
        snprintf(why, whylen, "not a chronicle index");
        return -1;
    }
    size_t n = (size_t)st.st_size;
    unsigned char *data = malloc(n);
    if (data)
        mem_hint_huge(data, n);
    if (!data || fread(data, 1, n, f) != n) {
        fclose(f);
        free(data);
        snprintf(why, whylen, "cannot read it");
        return -1;
    }
    fclose(f);
    rd h = {data, n, 8, 0};
    if (memcmp(data, MAGIC, 8)) {
        free(data);
        snprintf(why, whylen, "not a chronicle index");
        return -1;
    }
    if (n < 40) {
        free(data);
        snprintf(why, whylen, "damaged (truncated)");
        return -1;
    }
    uint32_t schema = get32(&h);
    get32(&h);
    uint64_t stamp = get64(&h), plen = get64(&h), sum = get64(&h);
    if (schema != SCHEMA) {
        free(data);
        snprintf(why, whylen, "schema %u, this chronicle writes %u", schema, SCHEMA);
        return -1;
    }
    if (stamp != ix_engine_stamp(ix->e)) {
        free(data);
        snprintf(why, whylen, "built with other data or another version");
        return -1;
    }
    if (plen != n - h.off || fnv64((const char *)data + h.off, (size_t)plen) != sum) {
        free(data);
        snprintf(why, whylen, "damaged (checksum)");
        return -1;
    }
    rd r = {data + h.off, (size_t)plen, 0, 0};
    uint32_t ns = getv(&r);
    for (uint32_t i = 0; i < ns && !r.bad; i++) {
        uint32_t len = getv(&r);
        if (r.off + len > r.len) {
            r.bad = 1;
            break;
        }
        uint32_t id = i == 0 ? 0 : strtab_intern(&ix->st, (const char *)r.p + r.off, len);
        if (id != i)
            r.bad = 1; /* strings are unique and in order */
        r.off += len;
    }
    uint32_t root = getv(&r);
    (void)root;
    uint32_t ne = getv(&r);
    for (uint32_t i = 0; i < ne && !r.bad; i++) {
        uint32_t id = getv(&r), name = getv(&r), type = getv(&r);
        if (id >= ns || name >= ns || type > ENT_ORG) {
            r.bad = 1;
            break;
        }
        if (ix_entity(ix, strtab_get(&ix->st, id), strtab_get(&ix->st, name), (int)type) != i)
            r.bad = 1;
    }
    uint32_t nf = getv(&r);
    if (!r.bad && (vec_reserve(&ix->files, nf) < 0 || cpmap_reserve(&ix->by_path, nf) < 0))
        r.bad = 1;
    for (uint32_t i = 0; i < nf && !r.bad; i++) {
        ix_file *fl = vec_push(&ix->files);
        if (!fl) {
            r.bad = 1;
            break;
        }
        fl->path = getv(&r);
        fl->size = get64(&r);
        fl->mtime_ns = (int64_t)get64(&r);
        fl->hash = get64(&r);
        fl->dct = getv(&r);
        fl->lang = getv(&r);
        fl->reason = getv(&r);
        fl->skipped = (uint8_t)getv(&r);
        fl->alive = 1;
        if (fl->path >= ns || fl->dct >= ns || fl->lang >= ns || fl->reason >= ns ||
            cpmap_put(&ix->by_path, fl->path, (uint32_t)(ix->files.len - 1)) < 0) {
            r.bad = 1;
            break;
        }
        fl->nment = getv(&r);
        uint32_t blen = getv(&r);
        if (r.bad || blen > r.len - r.off || fl->nment > blen) {
            r.bad = 1;
            break;
        }
        fl->blob = r.p + r.off; /* stays valid: the buffer is kept */
        fl->blob_len = blen;
        r.off += blen;
        uint32_t nv = getv(&r);
        if (nv > (r.len - r.off) / 9) {
            r.bad = 1;
            break;
        }
        fl->evs = nv ? calloc(nv, sizeof *fl->evs) : NULL;
        if (nv && !fl->evs) {
            r.bad = 1;
            break;
        }
        uint32_t ps = 0, pl = 0;
        for (uint32_t k = 0; k < nv && !r.bad; k++) {
            ix_event *v = &fl->evs[k];
            ps += getv(&r);
            v->start = ps;
            v->end = ps + getv(&r);
            pl += getv(&r);
            v->line = pl;
            v->date = getv(&r);
            v->type = getv(&r);
            v->label = getv(&r);
            v->trigger = getv(&r);
            uint32_t sa = getv(&r);
            v->status = (uint8_t)(sa & 3);
            v->nactors = (uint8_t)(sa >> 2);
            if (v->nactors > 4 || v->date >= ns || v->type >= ns || v->label >= ns || v->trigger >= ns) {
                r.bad = 1;
                break;
            }
            for (int a = 0; a < v->nactors; a++)
                if ((v->actors[a] = getv(&r)) >= ne)
                    r.bad = 1;
        }
        fl->nev = nv;
    }
    if (!r.bad && r.off != r.len)
        r.bad = 1;
    if (r.bad) {
        free(data);
        reset(ix);
        snprintf(why, whylen, "damaged (structure)");
        return -1;
    }
    free(ix->cache_buf);
    ix->cache_buf = data; /* encoded mentions point into it */
    ix->prog.generation++;
    return 0;
}
