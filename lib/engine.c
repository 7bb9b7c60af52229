/* engine.c: loading the engine, the annotate pipeline, and the result
 * accessors of the public API. */
#include "chronicle.h"
#include "engine.h"
#include "hash.h"
#include "result.h"
#include "markup_mask.h"
#include "text_normalize.h"
#include "langid.h"
#include "dct.h"
#include "timex_extract.h"
#include "timex_scan.h"
#include "entity_recognize.h"
#include "event_extract.h"
#include "utf8.h"
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef CHR_VERSION
#define CHR_VERSION "0.1.0"
#endif

int chr_abi_version(void)
{
    return CHR_ABI_VERSION;
}

const char *chr_version(void)
{
    return CHR_VERSION;
}

const char *chr_status_message(int status)
{
    switch (status) {
    case CHR_OK: return "ok";
    case CHR_ERR_NOMEM: return "out of memory";
    case CHR_ERR_ARG: return "invalid argument";
    case CHR_ERR_IO: return "cannot read data";
    case CHR_ERR_DATA: return "malformed data";
    case CHR_ERR_TOO_BIG: return "input too large";
    default: return "unknown error";
    }
}

static void set_err(chr_error *err, int code, const char *fmt, ...)
{
    if (!err)
        return;
    err->code = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
}

/* Reads a whole data file; NUL-terminated. */
static char *slurp(const char *dir, const char *name, size_t *len, chr_error *err)
{
    char path[4096];
    if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path) {
        set_err(err, CHR_ERR_ARG, "data path too long: %s", dir);
        return NULL;
    }
    FILE *f = fopen(path, "rb");
    if (!f) {
        set_err(err, CHR_ERR_IO, "cannot open %s: %s", path, strerror(errno));
        return NULL;
    }
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        size_t k = fread(buf + n, 1, cap - n - 1, f);
        n += k;
        if (k == 0)
            break;
        if (cap - n - 1 == 0) {
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
    }
    int bad = ferror(f);
    fclose(f);
    if (!buf) {
        set_err(err, CHR_ERR_NOMEM, "out of memory reading %s", path);
        return NULL;
    }
    if (bad) {
        free(buf);
        set_err(err, CHR_ERR_IO, "cannot read %s", path);
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* Each non-comment line: fields separated by tabs. cb returns 0, or a
 * negative status to stop. */
static int each_line(char *buf, size_t len, int (*cb)(void *, char **, int), void *ctx)
{
    char *p = buf, *end = buf + len;
    while (p < end) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        char *e = nl ? nl : end;
        *e = '\0';
        if (e > p && e[-1] == '\r')
            e[-1] = '\0';
        if (*p && *p != '#') {
            char *fields[8];
            int nf = 0;
            char *f = p;
            while (nf < 8) {
                fields[nf++] = f;
                char *tab = strchr(f, '\t');
                if (!tab)
                    break;
                *tab = '\0';
                f = tab + 1;
            }
            int r = cb(ctx, fields, nf);
            if (r < 0)
                return r;
        }
        p = e + 1;
    }
    return 0;
}

static uint32_t first_cp(const char *s)
{
    uint32_t cp;
    size_t n = utf8_decode((const unsigned char *)s, strlen(s), &cp);
    return n ? cp : 0;
}

/* BMP characters go straight into direct tables and bitmaps (a hash table
 * of thousands of entries cost start-up time in faults and probes); the
 * few outside the BMP into a map */
static int load_t2s(void *ctx, char **f, int nf)
{
    chr_engine *e = ctx;
    if (nf < 2)
        return CHR_ERR_DATA;
    uint32_t a = first_cp(f[0]), b = first_cp(f[1]);
    if (!a || !b)
        return CHR_ERR_DATA;
    if (a < 0x10000) {
        e->t2s_bmp[a] = b;
        e->trad_bits[a >> 3] |= (uint8_t)(1u << (a & 7));
        return 0;
    }
    return cpmap_put(&e->t2s, a, b) < 0 ? CHR_ERR_NOMEM : 0;
}

static int load_set(void *ctx, char **f, int nf)
{
    chr_engine *e = ctx;
    (void)nf;
    uint32_t a = first_cp(f[0]);
    if (!a)
        return CHR_ERR_DATA;
    if (a < 0x10000) {
        e->simp_bits[a >> 3] |= (uint8_t)(1u << (a & 7));
        return 0;
    }
    return cpmap_put(&e->simp_only, a, 1) < 0 ? CHR_ERR_NOMEM : 0;
}

static int load_compose(void *ctx, char **f, int nf)
{
    chr_engine *e = ctx;
    if (nf < 3)
        return CHR_ERR_DATA;
    uint32_t a = (uint32_t)strtoul(f[0], NULL, 16), b = (uint32_t)strtoul(f[1], NULL, 16);
    uint32_t c = (uint32_t)strtoul(f[2], NULL, 16);
    if (!a || !b || !c)
        return CHR_ERR_DATA;
    if (cpmap_put(&e->compose, ((uint64_t)a << 21) | b, c) < 0 || cpmap_put(&e->decompose, c, a) < 0)
        return CHR_ERR_NOMEM;
    return 0;
}

/* Sino-Vietnamese readings: the first file loaded wins for a character */
static int load_reading(void *ctx, char **f, int nf)
{
    chr_engine *e = ctx;
    if (nf < 2)
        return CHR_ERR_DATA;
    uint32_t cp = first_cp(f[0]);
    if (!cp)
        return CHR_ERR_DATA;
    if (engine_hanviet(e, cp))
        return 0;
    size_t n = strlen(f[1]) + 1;
    if (e->hanviet_len + n > e->hanviet_cap) {
        size_t cap = e->hanviet_cap ? e->hanviet_cap * 2 : 65536;
        while (cap < e->hanviet_len + n)
            cap *= 2;
        char *p = realloc(e->hanviet_pool, cap);
        if (!p)
            return CHR_ERR_NOMEM;
        e->hanviet_pool = p;
        e->hanviet_cap = cap;
    }
    memcpy(e->hanviet_pool + e->hanviet_len, f[1], n);
    if (cp < 0x10000)
        e->hanviet_bmp[cp] = (uint32_t)e->hanviet_len + 1;
    else if (cpmap_put(&e->hanviet, cp, (uint32_t)e->hanviet_len) < 0)
        return CHR_ERR_NOMEM;
    e->hanviet_len += n;
    return 0;
}

/* stamp: the tables' contents so far (the name index folded with them is
 * stale when they change) */
static int load_table(const char *dir, const char *name, int (*cb)(void *, char **, int),
                      void *ctx, uint64_t *stamp, chr_error *err)
{
    size_t len;
    char *buf = slurp(dir, name, &len, err);
    if (!buf)
        return err ? err->code : CHR_ERR_IO;
    *stamp = fnv64_add(*stamp, buf, len);
    int r = each_line(buf, len, cb, ctx);
    free(buf);
    if (r < 0)
        set_err(err, r, "%s/%s: %s", dir, name, chr_status_message(r));
    return r;
}

chr_engine *chr_engine_new(const char *data_dir, chr_error *err)
{
    if (err) {
        err->code = CHR_OK;
        err->message[0] = '\0';
    }
    if (!data_dir || !*data_dir) {
        data_dir = getenv("CHRONICLE_DATA");
#ifdef CHR_DATA_DIR
        if (!data_dir || !*data_dir)
            data_dir = CHR_DATA_DIR;
#endif
    }
    if (!data_dir) {
        set_err(err, CHR_ERR_ARG, "no data directory given (set CHRONICLE_DATA)");
        return NULL;
    }
    chr_engine *e = calloc(1, sizeof *e);
    if (!e) {
        set_err(err, CHR_ERR_NOMEM, "out of memory");
        return NULL;
    }
    cpmap_init(&e->t2s);
    cpmap_init(&e->simp_only);
    cpmap_init(&e->compose);
    cpmap_init(&e->decompose);
    cpmap_init(&e->hanviet);
    char msg[256];
    /* the tables' sizes are known well enough: no rehashing while loading */
    e->t2s_bmp = calloc(0x10000, sizeof *e->t2s_bmp);
    e->hanviet_bmp = calloc(0x10000, sizeof *e->hanviet_bmp);
    if (!e->t2s_bmp || !e->hanviet_bmp || cpmap_reserve(&e->compose, 1024) < 0 ||
        cpmap_reserve(&e->decompose, 1024) < 0) {
        set_err(err, CHR_ERR_NOMEM, "out of memory");
        goto fail;
    }
    e->data_stamp = FNV64_OFFSET;
    if (load_table(data_dir, "t2s.tsv", load_t2s, e, &e->data_stamp, err) < 0 ||
        load_table(data_dir, "s_only.tsv", load_set, e, &e->data_stamp, err) < 0 ||
        load_table(data_dir, "compose.tsv", load_compose, e, &e->data_stamp, err) < 0 ||
        load_table(data_dir, "hanviet_names.tsv", load_reading, e, &e->data_stamp, err) < 0 ||
        load_table(data_dir, "hanviet.tsv", load_reading, e, &e->data_stamp, err) < 0)
        goto fail;
    if (kb_load(&e->kb, e, data_dir, msg, sizeof msg) < 0) {
        set_err(err, CHR_ERR_DATA, "%s", msg);
        goto fail;
    }
    if (ev_lexicon_load(&e->events, e, data_dir, msg, sizeof msg) < 0) {
        set_err(err, CHR_ERR_DATA, "%s", msg);
        goto fail;
    }
    if (entity_engine_init(e) < 0) {
        set_err(err, CHR_ERR_NOMEM, "out of memory");
        goto fail;
    }
    if (start_filter_build(&e->starts) < 0) {
        set_err(err, CHR_ERR_NOMEM, "out of memory");
        goto fail;
    }
    if (!(e->dateline_re = dct_compile(msg, sizeof msg))) {
        set_err(err, CHR_ERR_DATA, "%s", msg);
        goto fail;
    }
    ws_pool *pool = malloc(sizeof *pool);
    if (pool && ws_pool_init(pool) < 0) {
        free(pool);
        pool = NULL;
    }
    e->pool = pool; /* from here on chr_engine_free frees it */
    if (!pool || !(e->blocks = arena_cache_new(WS_KEEP_BYTES))) {
        set_err(err, CHR_ERR_NOMEM, "out of memory");
        goto fail;
    }
    return e;
fail:
    chr_engine_free(e);
    return NULL;
}

void chr_engine_free(chr_engine *e)
{
    if (!e)
        return;
    cpmap_free(&e->t2s);
    cpmap_free(&e->simp_only);
    cpmap_free(&e->compose);
    cpmap_free(&e->decompose);
    cpmap_free(&e->hanviet);
    free(e->hanviet_pool);
    free(e->hanviet_bmp);
    kb_free(&e->kb);
    ev_lexicon_free(&e->events);
    entity_engine_free(e);
    free(e->t2s_bmp);
    start_filter_free(&e->starts);
    pcre2_code_free(e->dateline_re);
    if (e->pool) {
        ws_pool_free(e->pool);
        free(e->pool);
    }
    arena_cache_release(e->blocks); /* freed when the last result lets go */
    free(e);
}

void chr_engine_trim(const chr_engine *e)
{
    if (e && e->pool)
        ws_pool_trim(e->pool);
    if (e)
        arena_cache_trim(e->blocks);
}

static chr_result *fail_result(chr_result *r, chr_error *err, int code, const char *what)
{
    set_err(err, code, "%s", what);
    chr_result_free(r);
    return NULL;
}

chr_result *chr_annotate(const chr_engine *e, const char *text, size_t len,
                         const chr_options *opt, chr_error *err)
{
    if (err) {
        err->code = CHR_OK;
        err->message[0] = '\0';
    }
    if (!e || (!text && len)) {
        set_err(err, CHR_ERR_ARG, "chr_annotate: %s", !e ? "no engine" : "text is NULL");
        return NULL;
    }
    if (len > 0xFFFFFFFFu) {
        set_err(err, CHR_ERR_TOO_BIG, "input of %zu bytes is over the 4 GiB limit", len);
        return NULL;
    }
    tx_clock clk;
    memset(&clk, 0, sizeof clk);
    const char *dct_source = NULL;
    if (opt && opt->dct && *opt->dct) {
        if (dct_parse_iso(opt->dct, &clk.dy, &clk.dm, &clk.dd) < 0) {
            set_err(err, CHR_ERR_ARG, "bad DCT '%s': expected YYYY-MM-DD", opt->dct);
            return NULL;
        }
        clk.has_dct = 1;
        dct_source = "option";
    }
    chr_result *r = calloc(1, sizeof *r);
    if (!r) {
        set_err(err, CHR_ERR_NOMEM, "out of memory");
        return NULL;
    }
    /* big documents get big blocks (a dense one needs about its own size in
     * strings and views): fewer allocations, and blocks big enough for huge
     * pages; capacity never written costs no memory */
    arena_init(&r->mem, len > (1 << 16) ? (len < (1 << 25) ? len : 1 << 25) : 1 << 16, e->blocks);
    if (!text)
        text = "";
    workspace *w = ws_take(e->pool);
    if (!w) {
        chr_result_free(r);
        set_err(err, CHR_ERR_NOMEM, "out of memory");
        return NULL;
    }
    /* dense news text, so that growth rarely copies; untouched capacity costs
     * address space, not memory */
    vec *found = &w->found, *ents = &w->ents, *evs = &w->evs;
    chr_text *tp = &w->text;
    int rc = CHR_ERR_NOMEM;
    if (vec_reserve(found, len / 200 + 16) < 0 || vec_reserve(ents, len / 40 + 16) < 0 ||
        vec_reserve(evs, len / 200 + 16) < 0)
        goto fail;
    rc = markup_find(e, text, len, &w->masks);
    if (rc == CHR_OK)
        rc = text_build(tp, e, text, len, &w->masks);
    if (rc != CHR_OK) {
        ws_give(e->pool, w);
        return fail_result(r, err, rc, "out of memory normalising the text");
    }
    chr_text *t = tp;
    int lang = langid_assign(t, langid_parse(opt ? opt->lang : NULL));
    r->lang = langid_name(lang);
    if (!clk.has_dct) {
        dct_found d;
        dct_detect(e, t, lang != LANG_EN, &d);
        if (d.source) {
            clk.has_dct = 1;
            clk.dy = d.y;
            clk.dm = d.m;
            clk.dd = d.d;
            dct_source = d.source;
        }
    }
    if (clk.has_dct)
        snprintf(r->dct, sizeof r->dct, "%04d-%02d-%02d", clk.dy, clk.dm, clk.dd);
    r->dct_source = dct_source;
    int skip = opt ? opt->skip : 0;
    rc = timex_extract(t, &e->starts, lang, &clk, found);
    if (rc == CHR_OK && !(skip & CHR_FIND_ENTITIES))
        rc = entity_find(e, t, ents, &w->bits, &w->spill);
    if (rc != CHR_OK)
        goto fail;
    if (!(skip & (CHR_FIND_ENTITIES | CHR_FIND_EVENTS)))
        rc = event_extract(e, t, found->data, found->len, ents->data, ents->len, evs);
    if (rc != CHR_OK)
        goto fail;
    size_t hint = 0;
    r->entities = arena_alloc(&r->mem, (ents->len ? ents->len : 1) * sizeof(chr_entity_view));
    if (!r->entities)
        goto nomem;
    for (size_t i = 0; i < ents->len; i++) {
        const ent_found *f = &VEC_AT(ents, ent_found, i);
        chr_entity_view *v = &r->entities[r->nentity++];
        v->start = text_orig_near(t, f->start, &hint);
        v->end = text_orig_near(t, f->end, &hint);
        v->text = arena_strndup(&r->mem, text + v->start, v->end - v->start);
        v->type = kb_type_name(f->type);
        /* a known entity's id is the knowledge base's string (results live
         * within their engine): one copy fewer per mention */
        v->id = f->kb >= 0 && !strcmp(e->kb.ents[f->kb].id, f->id) ? e->kb.ents[f->kb].id
                                                                    : arena_strdup(&r->mem, f->id);
        v->name = f->kb >= 0 ? e->kb.ents[f->kb].name : v->text;
        v->source = f->source;
        if (!v->text || !v->id)
            goto nomem;
    }
    hint = 0;
    r->timexes = arena_alloc(&r->mem, (found->len ? found->len : 1) * sizeof(chr_timex_view));
    if (!r->timexes)
        goto nomem;
    for (size_t i = 0; i < found->len; i++) {
        const tx_found *f = &VEC_AT(found, tx_found, i);
        chr_timex_view *v = &r->timexes[r->ntimex++];
        v->start = text_orig_near(t, f->start, &hint);
        v->end = text_orig_near(t, f->end, &hint);
        v->text = arena_strndup(&r->mem, text + v->start, v->end - v->start);
        v->type = tx_type_name(f->sem.type);
        v->value = arena_strdup(&r->mem, f->value);
        v->mod = tx_mod_name(f->sem.mod);
        v->end_value = f->end_value[0] ? arena_strdup(&r->mem, f->end_value) : NULL;
        if (!v->text || !v->value || (f->end_value[0] && !v->end_value))
            goto nomem;
    }
    r->events = arena_alloc(&r->mem, (evs->len ? evs->len : 1) * sizeof(chr_event_view));
    if (!r->events)
        goto nomem;
    for (size_t i = 0; i < evs->len; i++) {
        const ev_found *f = &VEC_AT(evs, ev_found, i);
        const ev_trigger *tr = &VEC_AT(&e->events.triggers, ev_trigger, f->trigger);
        chr_event_view *v = &r->events[r->nevent++];
        v->start = text_orig(t, f->start);
        v->end = text_orig(t, f->end);
        v->trigger = arena_strndup(&r->mem, text + v->start, v->end - v->start);
        v->type = tr->code[0] && !strcmp(tr->code, f->code) ? tr->code : arena_strdup(&r->mem, f->code);
        v->label = tr->label;
        v->timex = f->timex;
        v->date = f->timex >= 0 ? r->timexes[f->timex].value : NULL;
        v->date_source = f->date_source;
        v->sentence_start = text_orig(t, f->sent_start);
        v->sentence_end = text_orig(t, f->sent_end);
        v->status = ev_status_name(f->status);
        v->place = f->place >= 0 ? r->entities[f->place].id : NULL;
        const char **actors = arena_alloc(&r->mem, (f->nactors ? f->nactors : 1) * sizeof *actors);
        if (!v->trigger || !v->type || !actors)
            goto nomem;
        for (int k = 0; k < f->nactors; k++)
            actors[k] = r->entities[f->actors[k]].id;
        v->actors = actors;
        v->n_actors = f->nactors;
    }
    r->ninvalid = t->invalid.len;
    if (r->ninvalid) {
        r->invalid = arena_alloc(&r->mem, r->ninvalid * sizeof(byte_span));
        if (!r->invalid)
            goto nomem;
        memcpy(r->invalid, t->invalid.data, r->ninvalid * sizeof(byte_span));
    }
    ws_give(e->pool, w);
    return r;
nomem:
    rc = CHR_ERR_NOMEM;
fail:
    ws_give(e->pool, w);
    return fail_result(r, err, rc, chr_status_message(rc));
}

void chr_result_free(chr_result *r)
{
    if (!r)
        return;
    arena_free(&r->mem);
    free(r->json);
    free(r);
}

const char *chr_result_json(chr_result *r, size_t *len)
{
    if (!r)
        return NULL;
    if (!r->json && result_build_json(r) != CHR_OK)
        return NULL;
    if (len)
        *len = r->json_len;
    return r->json;
}

const char *chr_result_lang(const chr_result *r)
{
    return r ? r->lang : NULL;
}

const char *chr_result_dct(const chr_result *r)
{
    return r && r->dct[0] ? r->dct : NULL;
}

const char *chr_result_dct_source(const chr_result *r)
{
    return r ? r->dct_source : NULL;
}

size_t chr_result_count(const chr_result *r, chr_kind kind)
{
    if (!r)
        return 0;
    switch (kind) {
    case CHR_ENTITY: return r->nentity;
    case CHR_TIMEX: return r->ntimex;
    case CHR_EVENT: return r->nevent;
    default: return 0;
    }
}

int chr_result_timex(const chr_result *r, size_t i, chr_timex_view *out)
{
    if (!r || !out || i >= r->ntimex)
        return CHR_ERR_ARG;
    *out = r->timexes[i];
    return CHR_OK;
}

int chr_result_entity(const chr_result *r, size_t i, chr_entity_view *out)
{
    if (!r || !out || i >= r->nentity)
        return CHR_ERR_ARG;
    *out = r->entities[i];
    return CHR_OK;
}

int chr_result_event(const chr_result *r, size_t i, chr_event_view *out)
{
    if (!r || !out || i >= r->nevent)
        return CHR_ERR_ARG;
    *out = r->events[i];
    return CHR_OK;
}

int chr_engine_entity(const chr_engine *e, const char *id, chr_kb_view *out)
{
    if (!e || !id || !out)
        return CHR_ERR_ARG;
    long i = kb_find_id(&e->kb, id);
    if (i < 0)
        return CHR_ERR_ARG;
    const kb_entity *en = &e->kb.ents[i];
    out->id = en->id;
    out->type = kb_type_name(en->type);
    out->name = en->name;
    out->names_en = en->en;
    out->names_zh = en->zh;
    out->names_vi = en->vi;
    out->description = en->desc;
    out->from = en->from;
    out->to = en->to;
    out->country = en->country;
    return CHR_OK;
}

size_t chr_engine_entity_count(const chr_engine *e)
{
    return e ? e->kb.n : 0;
}

size_t chr_result_invalid_count(const chr_result *r)
{
    return r ? r->ninvalid : 0;
}

int chr_result_invalid_range(const chr_result *r, size_t i, size_t *start, size_t *end)
{
    if (!r || i >= r->ninvalid || !start || !end)
        return CHR_ERR_ARG;
    *start = r->invalid[i].start;
    *end = r->invalid[i].end;
    return CHR_OK;
}

int engine_save_name_index(const chr_engine *e, const char *data_dir, chr_error *err)
{
    char msg[256];
    int r = kb_save_name_index(&e->kb, e, data_dir, msg, sizeof msg);
    if (r < 0)
        set_err(err, r, "%s", msg);
    return r;
}
