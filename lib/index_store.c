/* index_store.c: the folder index's cache file. A header (magic, schema,
 * the engine's data stamp, payload length and checksum) before a compact
 * little-endian payload of interned strings and per-file records. It is
 * written to a temporary file and renamed over the old one, so a crash leaves
 * the old cache or the new one, never half of one; a cache that fails any
 * check is not trusted. */
#define _GNU_SOURCE
#include "corpus_index.h"
#include "knowledge_base.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { SCHEMA = 1 };
static const char MAGIC[8] = {'C', 'H', 'R', 'I', 'D', 'X', '\r', '\n'};

typedef struct buf {
    char *p;
    size_t len, cap;
    int bad;
} buf;

static void put(buf *b, const void *s, size_t n)
{
    if (b->bad)
        return;
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 1 << 16;
        while (cap < b->len + n)
            cap *= 2;
        char *q = realloc(b->p, cap);
        if (!q) {
            b->bad = 1;
            return;
        }
        b->p = q;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
}

static void put32(buf *b, uint32_t v)
{
    unsigned char c[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16), (unsigned char)(v >> 24)};
    put(b, c, 4);
}

static void put64(buf *b, uint64_t v)
{
    put32(b, (uint32_t)v);
    put32(b, (uint32_t)(v >> 32));
}

static uint64_t fnv(const char *s, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

int ix_save_locked(chr_index *ix, chr_error *err)
{
    if (!ix->cache_path)
        return CHR_OK;
    buf b = {0};
    uint32_t root = ix->root ? strtab_intern(&ix->st, ix->root, strlen(ix->root)) : 0;
    if (root == UINT32_MAX)
        root = 0;
    /* strings */
    put32(&b, (uint32_t)ix->st.strs.len);
    for (uint32_t i = 0; i < ix->st.strs.len; i++) {
        put32(&b, strtab_len(&ix->st, i));
        put(&b, strtab_get(&ix->st, i), strtab_len(&ix->st, i));
    }
    put32(&b, root);
    /* entities */
    put32(&b, (uint32_t)ix->ents.len);
    for (size_t i = 0; i < ix->ents.len; i++) {
        const ix_ent *en = &VEC_AT(&ix->ents, ix_ent, i);
        put32(&b, en->id);
        put32(&b, en->name);
        put32(&b, en->type);
    }
    /* files that still exist */
    uint32_t alive = 0;
    for (size_t i = 0; i < ix->files.len; i++)
        alive += VEC_AT(&ix->files, ix_file, i).alive;
    put32(&b, alive);
    for (size_t i = 0; i < ix->files.len; i++) {
        const ix_file *f = &VEC_AT(&ix->files, ix_file, i);
        if (!f->alive)
            continue;
        put32(&b, f->path);
        put64(&b, f->size);
        put64(&b, (uint64_t)f->mtime_ns);
        put64(&b, f->hash);
        put32(&b, f->dct);
        put32(&b, f->lang);
        put32(&b, f->reason);
        put32(&b, f->skipped);
        put32(&b, f->nment);
        for (uint32_t k = 0; k < f->nment; k++) {
            put32(&b, f->ments[k].ent);
            put32(&b, f->ments[k].start);
            put32(&b, f->ments[k].end);
            put32(&b, f->ments[k].line);
        }
        put32(&b, f->nev);
        for (uint32_t k = 0; k < f->nev; k++) {
            const ix_event *v = &f->evs[k];
            put32(&b, v->start);
            put32(&b, v->end);
            put32(&b, v->line);
            put32(&b, v->date);
            put32(&b, v->type);
            put32(&b, v->label);
            put32(&b, v->trigger);
            put32(&b, (uint32_t)v->status | (uint32_t)v->nactors << 8);
            for (int a = 0; a < v->nactors; a++)
                put32(&b, v->actors[a]);
        }
    }
    if (b.bad) {
        free(b.p);
        if (err) {
            err->code = CHR_ERR_NOMEM;
            snprintf(err->message, sizeof err->message, "out of memory writing the index cache");
        }
        return CHR_ERR_NOMEM;
    }
    buf h = {0};
    put(&h, MAGIC, 8);
    put32(&h, SCHEMA);
    put32(&h, 0);
    put64(&h, ix_engine_stamp(ix->e));
    put64(&h, b.len);
    put64(&h, fnv(b.p, b.len));
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", ix->cache_path, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    int ok = fd >= 0 && !h.bad;
    const buf *parts[2] = {&h, &b};
    for (int k = 0; ok && k < 2; k++) {
        size_t off = 0;
        while (off < parts[k]->len) {
            ssize_t w = write(fd, parts[k]->p + off, parts[k]->len - off);
            if (w <= 0) {
                ok = 0;
                break;
            }
            off += (size_t)w;
        }
    }
    int e = errno;
    if (fd >= 0) {
        ok = ok && fsync(fd) == 0;
        ok = close(fd) == 0 && ok;
    }
    ok = ok && rename(tmp, ix->cache_path) == 0;
    if (!ok) {
        e = errno ? errno : e;
        unlink(tmp);
        if (err) {
            err->code = CHR_ERR_IO;
            snprintf(err->message, sizeof err->message, "cannot write %s: %s", ix->cache_path, strerror(e));
        }
    }
    free(b.p);
    free(h.p);
    return ok ? CHR_OK : CHR_ERR_IO;
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
    if (plen != n - h.off || fnv((const char *)data + h.off, (size_t)plen) != sum) {
        free(data);
        snprintf(why, whylen, "damaged (checksum)");
        return -1;
    }
    rd r = {data + h.off, (size_t)plen, 0, 0};
    uint32_t ns = get32(&r);
    for (uint32_t i = 0; i < ns && !r.bad; i++) {
        uint32_t len = get32(&r);
        if (r.off + len > r.len) {
            r.bad = 1;
            break;
        }
        uint32_t id = i == 0 ? 0 : strtab_intern(&ix->st, (const char *)r.p + r.off, len);
        if (id != i)
            r.bad = 1; /* strings are unique and in order */
        r.off += len;
    }
    uint32_t root = get32(&r);
    (void)root;
    uint32_t ne = get32(&r);
    for (uint32_t i = 0; i < ne && !r.bad; i++) {
        uint32_t id = get32(&r), name = get32(&r), type = get32(&r);
        if (id >= ns || name >= ns || type > ENT_ORG) {
            r.bad = 1;
            break;
        }
        if (ix_entity(ix, strtab_get(&ix->st, id), strtab_get(&ix->st, name), (int)type) != i)
            r.bad = 1;
    }
    uint32_t nf = get32(&r);
    for (uint32_t i = 0; i < nf && !r.bad; i++) {
        ix_file *fl = vec_push(&ix->files);
        if (!fl) {
            r.bad = 1;
            break;
        }
        fl->path = get32(&r);
        fl->size = get64(&r);
        fl->mtime_ns = (int64_t)get64(&r);
        fl->hash = get64(&r);
        fl->dct = get32(&r);
        fl->lang = get32(&r);
        fl->reason = get32(&r);
        fl->skipped = (uint8_t)get32(&r);
        fl->alive = 1;
        if (fl->path >= ns || fl->dct >= ns || fl->lang >= ns || fl->reason >= ns ||
            cpmap_put(&ix->by_path, fl->path, (uint32_t)(ix->files.len - 1)) < 0) {
            r.bad = 1;
            break;
        }
        uint32_t nm = get32(&r);
        if (nm > (r.len - r.off) / 16) {
            r.bad = 1;
            break;
        }
        fl->ments = nm ? malloc(nm * sizeof *fl->ments) : NULL;
        if (nm && !fl->ments) {
            r.bad = 1;
            break;
        }
        for (uint32_t k = 0; k < nm; k++) {
            ix_mention *m = &fl->ments[k];
            m->ent = get32(&r);
            m->start = get32(&r);
            m->end = get32(&r);
            m->line = get32(&r);
            if (m->ent >= ne)
                r.bad = 1;
        }
        fl->nment = nm;
        uint32_t nv = get32(&r);
        if (nv > (r.len - r.off) / 32) {
            r.bad = 1;
            break;
        }
        fl->evs = nv ? calloc(nv, sizeof *fl->evs) : NULL;
        if (nv && !fl->evs) {
            r.bad = 1;
            break;
        }
        for (uint32_t k = 0; k < nv && !r.bad; k++) {
            ix_event *v = &fl->evs[k];
            v->start = get32(&r);
            v->end = get32(&r);
            v->line = get32(&r);
            v->date = get32(&r);
            v->type = get32(&r);
            v->label = get32(&r);
            v->trigger = get32(&r);
            uint32_t sa = get32(&r);
            v->status = (uint8_t)sa;
            v->nactors = (uint8_t)(sa >> 8);
            if (v->nactors > 4 || v->date >= ns || v->type >= ns || v->label >= ns || v->trigger >= ns) {
                r.bad = 1;
                break;
            }
            for (int a = 0; a < v->nactors; a++)
                if ((v->actors[a] = get32(&r)) >= ne)
                    r.bad = 1;
        }
        fl->nev = nv;
    }
    if (!r.bad && r.off != r.len)
        r.bad = 1;
    free(data);
    if (r.bad) {
        reset(ix);
        snprintf(why, whylen, "damaged (structure)");
        return -1;
    }
    ix->prog.generation++;
    return 0;
}
