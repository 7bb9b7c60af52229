/* corpus_index.c: a folder of articles indexed in the background. One thread
 * of our own runs a private libuv loop (never Neovim's): it walks the folder,
 * hands each changed file to libuv's thread pool to be read, hashed and
 * annotated, folds the results in, writes the cache, and then (if asked)
 * follows the folder with uv_fs_event. The caller polls progress; nothing
 * calls back into the caller's thread. */
#define _GNU_SOURCE
#include "corpus_index.h"
#include "hash.h"
#include "engine.h"
#include "knowledge_base.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { MAX_IN_FLIGHT = 16 };

uint64_t ix_engine_stamp(const chr_engine *e)
{
    uint64_t h = e->kb.stamp * 31 + e->events.stamp;
    const char *v = chr_version();
    for (; *v; v++)
        h = h * 131 + (unsigned char)*v;
    return h ^ (uint64_t)CHR_ABI_VERSION;
}

uint32_t ix_entity(chr_index *ix, const char *id, const char *name, int type)
{
    uint32_t sid = strtab_intern(&ix->st, id, strlen(id));
    if (sid == UINT32_MAX)
        return UINT32_MAX;
    uint32_t v;
    if (cpmap_get(&ix->ent_by_id, sid, &v))
        return v;
    ix_ent *en = vec_push(&ix->ents);
    if (!en)
        return UINT32_MAX;
    en->id = sid;
    en->name = strtab_intern(&ix->st, name ? name : id, strlen(name ? name : id));
    en->type = (uint8_t)type;
    v = (uint32_t)(ix->ents.len - 1);
    if (en->name == UINT32_MAX || cpmap_put(&ix->ent_by_id, sid, v) < 0) {
        ix->ents.len--;
        return UINT32_MAX;
    }
    return v;
}

void ix_file_clear(ix_file *f)
{
    free(f->ments);
    free(f->evs);
    f->ments = NULL;
    f->evs = NULL;
    f->blob = NULL;
    f->blob_len = 0;
    f->nment = f->nev = 0;
}

/* mentions in a cache: per mention the entity, the start as a step from the
 * previous start, the length, and the line as a step: small numbers, a byte
 * or two each in LEB128 */
static int put_varint(vec *out, uint32_t v)
{
    do {
        uint8_t *b = vec_push(out);
        if (!b)
            return -1;
        *b = (uint8_t)((v & 0x7F) | (v > 0x7F ? 0x80 : 0));
        v >>= 7;
    } while (v);
    return 0;
}

static const uint8_t *get_varint(const uint8_t *p, const uint8_t *end, uint32_t *v)
{
    uint32_t x = 0;
    for (int shift = 0; p < end && shift < 35; shift += 7) {
        uint8_t b = *p++;
        x |= (uint32_t)(b & 0x7F) << shift;
        if (!(b & 0x80)) {
            *v = x;
            return p;
        }
    }
    return NULL;
}

int ix_encode_mentions(const ix_mention *m, uint32_t n, vec *out)
{
    uint32_t ps = 0, pl = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (put_varint(out, m[i].ent) < 0 || put_varint(out, m[i].start - ps) < 0 ||
            put_varint(out, m[i].end - m[i].start) < 0 || put_varint(out, m[i].line - pl) < 0)
            return -1;
        ps = m[i].start;
        pl = m[i].line;
    }
    return 0;
}

const ix_mention *ix_mentions(const ix_file *f, vec *tmp)
{
    if (f->ments || !f->nment)
        return f->ments;
    tmp->len = 0;
    if (vec_reserve(tmp, f->nment) < 0)
        return NULL;
    const uint8_t *p = f->blob, *end = f->blob + f->blob_len;
    uint32_t ps = 0, pl = 0;
    for (uint32_t i = 0; i < f->nment && p; i++) {
        uint32_t ent, ds, len, dl;
        if (!(p = get_varint(p, end, &ent)) || !(p = get_varint(p, end, &ds)) ||
            !(p = get_varint(p, end, &len)) || !(p = get_varint(p, end, &dl)))
            break;
        ix_mention *m = vec_push(tmp);
        ps += ds;
        pl += dl;
        *m = (ix_mention){ent, ps, ps + len, pl};
    }
    return tmp->len == f->nment ? tmp->data : NULL;
}

static void set_message(chr_index *ix, const char *fmt, const char *a, const char *b)
{
    snprintf(ix->prog.message, sizeof ix->prog.message, fmt, a, b);
}

chr_index *chr_index_open(const chr_engine *e, const char *cache_path, chr_error *err)
{
    if (err) {
        err->code = CHR_OK;
        err->message[0] = '\0';
    }
    if (!e) {
        if (err) {
            err->code = CHR_ERR_ARG;
            snprintf(err->message, sizeof err->message, "chr_index_open: no engine");
        }
        return NULL;
    }
    chr_index *ix = calloc(1, sizeof *ix);
    if (!ix || strtab_init(&ix->st) < 0) {
        free(ix);
        if (err) {
            err->code = CHR_ERR_NOMEM;
            snprintf(err->message, sizeof err->message, "out of memory");
        }
        return NULL;
    }
    ix->e = e;
    vec_init(&ix->files, sizeof(ix_file));
    vec_init(&ix->ents, sizeof(ix_ent));
    vec_init(&ix->post, sizeof(ix_posting));
    cpmap_init(&ix->by_path);
    cpmap_init(&ix->ent_by_id);
    cpmap_init(&ix->post_head);
    cpmap_init(&ix->date_head);
    cpmap_init(&ix->post_count);
    uv_mutex_init(&ix->mu);
    uv_mutex_init(&ix->pmu);
    uv_cond_init(&ix->pcond);
    ix->cache_path = cache_path && *cache_path ? strdup(cache_path) : NULL;
    if (cache_path && *cache_path && !ix->cache_path) {
        chr_index_free(ix);
        return NULL;
    }
    if (ix->cache_path) {
        char why[200];
        if (ix_load(ix, why, sizeof why) < 0) {
            if (why[0])
                snprintf(ix->prog.message, sizeof ix->prog.message, "cache not used (%s): rebuilding", why);
        } else {
            ix_build_postings(ix);
        }
    }
    ix->prog.state = CHR_INDEX_IDLE;
    ix_publish(ix);
    return ix;
}

void ix_publish(chr_index *ix)
{
    uv_mutex_lock(&ix->pmu);
    /* waiters wait for the pass to end or the state to change: waking them
     * on every file's progress cost a context switch per file */
    int wake = ix->pub_over != ix->first_pass_over || ix->pub.state != ix->prog.state;
    ix->pub = ix->prog;
    ix->pub_over = ix->first_pass_over;
    if (wake)
        uv_cond_broadcast(&ix->pcond);
    uv_mutex_unlock(&ix->pmu);
}

void ix_unlock(chr_index *ix)
{
    ix_publish(ix);
    uv_mutex_unlock(&ix->mu);
}

/* ---- walking the folder --------------------------------------------------- */

typedef struct seen_dir {
    dev_t dev;
    ino_t ino;
} seen_dir;

typedef struct job {
    uv_work_t req;
    chr_index *ix;
    char *path;
    uint64_t size;
    int64_t mtime_ns;
    uint64_t old_hash;       /* the cached hash, to skip re-annotation of a touched file */
    int has_old;
    /* results, filled in the pool */
    int skipped;
    char reason[128];
    uint64_t hash;
    int same;
    chr_result *res;
    char *text;              /* kept only for line numbers */
    size_t len;
} job;

typedef struct walker {
    chr_index *ix;
    vec queue;               /* job* waiting */
    size_t in_flight;
    vec dirs;                /* seen_dir */
    vec watch_dirs;          /* char*: directories to watch */
} walker;

static int has_ext(const chr_index *ix, const char *name)
{
    const char *dot = strrchr(name, '.');
    if (!dot || !dot[1])
        return 0;
    size_t n = strlen(dot + 1);
    const char *p = ix->exts;
    while (*p) {
        const char *c = strchr(p, ',');
        size_t k = c ? (size_t)(c - p) : strlen(p);
        if (k == n && !strncasecmp(p, dot + 1, n))
            return 1;
        if (!c)
            break;
        p = c + 1;
    }
    return 0;
}

static int64_t mtime_of(const struct stat *st)
{
    return (int64_t)st->st_mtim.tv_sec * 1000000000LL + st->st_mtim.tv_nsec;
}

static void submit(walker *w);

/* in the thread pool: read, hash, annotate */
static void work_cb(uv_work_t *req)
{
    job *j = req->data;
    chr_index *ix = j->ix;
    int cancel = ix->cancel || ix->stop;
    if (cancel)
        return;
    int fd = open(j->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        j->skipped = 1;
        snprintf(j->reason, sizeof j->reason, "unreadable: %s", strerror(errno));
        return;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        j->skipped = 1;
        snprintf(j->reason, sizeof j->reason, "not a regular file");
        return;
    }
    size_t n = (size_t)st.st_size;
    j->text = malloc(n + 1);
    size_t got = 0;
    while (j->text && got < n) {
        ssize_t k = read(fd, j->text + got, n - got);
        if (k <= 0)
            break;
        got += (size_t)k;
    }
    close(fd);
    if (!j->text) {
        j->skipped = 1;
        snprintf(j->reason, sizeof j->reason, "out of memory");
        return;
    }
    j->len = got;
    j->size = got;
    j->mtime_ns = mtime_of(&st);
    /* binary: NUL bytes near the start */
    size_t probe = got < 8192 ? got : 8192;
    if (memchr(j->text, 0, probe)) {
        j->skipped = 1;
        snprintf(j->reason, sizeof j->reason, "binary file");
        return;
    }
    j->hash = fnv64(j->text, got);
    if (j->has_old && j->hash == j->old_hash) {
        j->same = 1; /* touched, not changed */
        return;
    }
    chr_error err;
    j->res = chr_annotate(ix->e, j->text, got, NULL, &err);
    if (!j->res) {
        j->skipped = 1;
        snprintf(j->reason, sizeof j->reason, "annotate failed: %.100s", err.message);
    }
}

static int type_of(const char *t)
{
    return !strcmp(t, "PERSON") ? ENT_PERSON : !strcmp(t, "GPE") ? ENT_GPE : !strcmp(t, "LOC") ? ENT_LOC : ENT_ORG;
}

static int status_of(const char *s)
{
    return s && !strcmp(s, "planned") ? 1 : s && !strcmp(s, "negated") ? 2 : 0;
}

static ix_file *file_slot(chr_index *ix, const char *path)
{
    uint32_t sid = strtab_intern(&ix->st, path, strlen(path)), v;
    if (sid == UINT32_MAX)
        return NULL;
    if (cpmap_get(&ix->by_path, sid, &v))
        return &VEC_AT(&ix->files, ix_file, v);
    ix_file *f = vec_push(&ix->files);
    if (!f)
        return NULL;
    f->path = sid;
    if (cpmap_put(&ix->by_path, sid, (uint32_t)(ix->files.len - 1)) < 0) {
        ix->files.len--;
        return NULL;
    }
    return f;
}

/* folds a finished job into the index (loop thread, under the lock) */
static int fold_job(chr_index *ix, job *j)
{
    ix_file *f = file_slot(ix, j->path);
    if (!f)
        return CHR_ERR_NOMEM;
    f->alive = f->seen = 1;
    if (j->same) {
        f->mtime_ns = j->mtime_ns;
        f->size = j->size;
        return CHR_OK;
    }
    ix_file_clear(f);
    f->size = j->size;
    f->mtime_ns = j->mtime_ns;
    f->hash = j->hash;
    f->skipped = (uint8_t)j->skipped;
    f->reason = strtab_intern(&ix->st, j->reason, strlen(j->reason));
    f->dct = f->lang = 0;
    if (j->skipped || !j->res)
        return CHR_OK;
    const char *dct = chr_result_dct(j->res), *lang = chr_result_lang(j->res);
    f->dct = dct ? strtab_intern(&ix->st, dct, strlen(dct)) : 0;
    f->lang = strtab_intern(&ix->st, lang, strlen(lang));
    size_t ne = chr_result_count(j->res, CHR_ENTITY), nv = chr_result_count(j->res, CHR_EVENT);
    f->ments = ne ? calloc(ne, sizeof *f->ments) : NULL;
    f->evs = nv ? calloc(nv, sizeof *f->evs) : NULL;
    if ((ne && !f->ments) || (nv && !f->evs))
        return CHR_ERR_NOMEM;
    /* line numbers: mentions are sorted, so one walk over the text counts them */
    size_t pos = 0, line = 1;
    for (size_t i = 0; i < ne; i++) {
        chr_entity_view v;
        chr_result_entity(j->res, i, &v);
        for (; pos < v.start && pos < j->len; pos++)
            line += j->text[pos] == '\n';
        uint32_t en = ix_entity(ix, v.id, v.name, type_of(v.type));
        if (en == UINT32_MAX)
            return CHR_ERR_NOMEM;
        f->ments[f->nment++] = (ix_mention){en, (uint32_t)v.start, (uint32_t)v.end, (uint32_t)line};
    }
    pos = 0;
    line = 1;
    for (size_t i = 0; i < nv; i++) {
        chr_event_view v;
        chr_result_event(j->res, i, &v);
        for (; pos < v.start && pos < j->len; pos++)
            line += j->text[pos] == '\n';
        ix_event *x = &f->evs[f->nev++];
        x->start = (uint32_t)v.start;
        x->end = (uint32_t)v.end;
        x->line = (uint32_t)line;
        x->date = v.date ? strtab_intern(&ix->st, v.date, strlen(v.date)) : 0;
        x->type = strtab_intern(&ix->st, v.type, strlen(v.type));
        x->label = strtab_intern(&ix->st, v.label ? v.label : "", v.label ? strlen(v.label) : 0);
        x->trigger = strtab_intern(&ix->st, v.trigger, strlen(v.trigger));
        x->status = (uint8_t)status_of(v.status);
        for (size_t k = 0; k < v.n_actors && x->nactors < 4; k++) {
            const char *name = v.actors[k];
            int type = ENT_ORG;
            for (size_t m = 0; m < ne; m++) {
                chr_entity_view ev;
                chr_result_entity(j->res, m, &ev);
                if (!strcmp(ev.id, v.actors[k])) {
                    name = ev.name;
                    type = type_of(ev.type);
                    break;
                }
            }
            uint32_t en = ix_entity(ix, v.actors[k], name, type);
            if (en == UINT32_MAX)
                return CHR_ERR_NOMEM;
            x->actors[x->nactors++] = en;
        }
        if (x->date == UINT32_MAX || x->type == UINT32_MAX || x->label == UINT32_MAX ||
            x->trigger == UINT32_MAX)
            return CHR_ERR_NOMEM;
    }
    return CHR_OK;
}

static void job_free(job *j)
{
    chr_result_free(j->res);
    free(j->text);
    free(j->path);
    free(j);
}

static void after_cb(uv_work_t *req, int status)
{
    job *j = req->data;
    walker *w = j->ix->loop->data;
    chr_index *ix = j->ix;
    uv_mutex_lock(&ix->mu);
    if (status == 0 && !ix->cancel && !ix->stop) {
        int was_skipped = j->skipped;
        if (fold_job(ix, j) < 0) {
            ix->prog.files_failed++;
            set_message(ix, "%s: %s", j->path, "out of memory");
        } else if (was_skipped) {
            ix->prog.files_skipped++;
            set_message(ix, "skipped %s: %s", j->path, j->reason);
        } else {
            ix->prog.files_done++;
            ix->prog.bytes_done += j->len;
        }
        ix->prog.generation++;
        ix->post_valid = 0;
        ix->dirty = 1;
    }
    ix_unlock(ix);
    job_free(j);
    w->in_flight--;
    submit(w);
}

static void submit(walker *w)
{
    int quit = w->ix->cancel || w->ix->stop;
    if (quit) {
        for (size_t i = 0; i < w->queue.len; i++)
            job_free(VEC_AT(&w->queue, job *, i));
        w->queue.len = 0;
        return;
    }
    while (w->in_flight < MAX_IN_FLIGHT && w->queue.len) {
        job *j = VEC_AT(&w->queue, job *, w->queue.len - 1);
        w->queue.len--;
        j->req.data = j;
        if (uv_queue_work(w->ix->loop, &j->req, work_cb, after_cb) != 0) {
            job_free(j);
            continue;
        }
        w->in_flight++;
    }
}

/* considers one file: unchanged files are kept as they are */
static void consider(walker *w, const char *path, const struct stat *st)
{
    chr_index *ix = w->ix;
    uv_mutex_lock(&ix->mu);
    ix->prog.files_total++;
    uint32_t sid = strtab_find(&ix->st, path, strlen(path)), v;
    ix_file *old = sid != UINT32_MAX && cpmap_get(&ix->by_path, sid, &v) ? &VEC_AT(&ix->files, ix_file, v) : NULL;
    /* unchanged files are reused; skipped ones are looked at again (the size
     * limit may have changed, an unreadable file may be readable now) */
    if (old && old->alive && !old->skipped && old->size == (uint64_t)st->st_size &&
        old->mtime_ns == mtime_of(st)) {
        old->seen = 1;
        ix->prog.files_done++;
        ix->prog.files_reused++;
        ix_unlock(ix);
        return;
    }
    size_t max = ix->opt.max_bytes ? ix->opt.max_bytes : (size_t)16 << 20;
    if ((uint64_t)st->st_size > max) {
        ix_file *f = file_slot(ix, path);
        if (f) {
            ix_file_clear(f);
            f->alive = f->seen = 1;
            f->skipped = 1;
            f->size = (uint64_t)st->st_size;
            f->mtime_ns = mtime_of(st);
            char why[96];
            snprintf(why, sizeof why, "too large: %llu bytes (limit %zu)", (unsigned long long)st->st_size, max);
            f->reason = strtab_intern(&ix->st, why, strlen(why));
            set_message(ix, "skipped %s: %s", path, why);
        }
        ix->prog.files_skipped++;
        ix->prog.generation++;
        ix->dirty = 1;
        ix_unlock(ix);
        return;
    }
    uint64_t old_hash = old ? old->hash : 0;
    int has_old = old && old->alive && !old->skipped;
    ix_unlock(ix);
    job *j = calloc(1, sizeof *j);
    job **slot = j ? vec_push(&w->queue) : NULL;
    if (!slot || !(j->path = strdup(path))) {
        if (slot)
            w->queue.len--;
        free(j);
        uv_mutex_lock(&ix->mu);
        ix->prog.files_failed++;
        ix_unlock(ix);
        return;
    }
    j->ix = ix;
    j->old_hash = old_hash;
    j->has_old = has_old;
    /* what the folder listing said, kept if the file cannot be opened */
    j->size = (uint64_t)st->st_size;
    j->mtime_ns = mtime_of(st);
    *slot = j;
}

typedef struct loop_state loop_state;
static void add_watches(loop_state *ls);

static void walk(walker *w, const char *dir, int depth)
{
    chr_index *ix = w->ix;
    if (depth > 64)
        return;
    struct stat st;
    if (stat(dir, &st) != 0)
        return;
    /* a symlink loop brings a directory back: each (device, inode) once */
    for (size_t i = 0; i < w->dirs.len; i++) {
        seen_dir *d = &VEC_AT(&w->dirs, seen_dir, i);
        if (d->dev == st.st_dev && d->ino == st.st_ino)
            return;
    }
    seen_dir *sd = vec_push(&w->dirs);
    if (sd) {
        sd->dev = st.st_dev;
        sd->ino = st.st_ino;
    }
    /* watch before listing: a file created meanwhile is not missed */
    if (ix->opt.watch) {
        char **wd = vec_push(&w->watch_dirs);
        if (wd && !(*wd = strdup(dir)))
            w->watch_dirs.len--;
        add_watches((loop_state *)w);
    }
    DIR *d = opendir(dir);
    if (!d) {
        uv_mutex_lock(&ix->mu);
        ix->prog.files_failed++;
        set_message(ix, "cannot open folder %s: %s", dir, strerror(errno));
        ix_unlock(ix);
        return;
    }
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        int quit = ix->cancel || ix->stop;
        if (quit)
            break;
        if (de->d_name[0] == '.')
            continue; /* ., .., and hidden files and folders (.git) */
        char path[PATH_MAX];
        if (snprintf(path, sizeof path, "%s/%s", dir, de->d_name) >= (int)sizeof path)
            continue;
        if (stat(path, &st) != 0)
            continue; /* a dangling link */
        if (S_ISDIR(st.st_mode))
            walk(w, path, depth + 1);
        else if (S_ISREG(st.st_mode) && has_ext(ix, de->d_name))
            consider(w, path, &st);
    }
    closedir(d);
}

/* ---- watching ------------------------------------------------------------- */

typedef struct watch {
    uv_fs_event_t h;
    char *dir;
} watch;

struct loop_state {
    walker w;            /* first: a walker is its loop_state */
    vec watches;             /* watch* */
    vec changed;             /* char* paths to look at again */
    uv_timer_t debounce;
    int saving_due;
};

static void revisit(uv_timer_t *t)
{
    loop_state *ls = t->data;
    chr_index *ix = ls->w.ix;
    for (size_t i = 0; i < ls->changed.len; i++) {
        char *path = VEC_AT(&ls->changed, char *, i);
        struct stat st;
        if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
            const char *base = strrchr(path, '/');
            if (has_ext(ix, base ? base + 1 : path))
                consider(&ls->w, path, &st);
        } else if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
            walk(&ls->w, path, 0);
        } else {
            /* gone (deleted or renamed away): it leaves the results */
            uv_mutex_lock(&ix->mu);
            uint32_t sid = strtab_find(&ix->st, path, strlen(path)), v;
            if (sid != UINT32_MAX && cpmap_get(&ix->by_path, sid, &v)) {
                ix_file *f = &VEC_AT(&ix->files, ix_file, v);
                if (f->alive) {
                    f->alive = 0;
                    ix_file_clear(f);
                    ix->prog.generation++;
                    ix->post_valid = 0;
                    ix->dirty = 1;
                }
            }
            ix_unlock(ix);
        }
        free(path);
    }
    ls->changed.len = 0;
    add_watches(ls); /* folders that appeared */
    submit(&ls->w);
    ls->saving_due = 1;
}

static void on_fs_event(uv_fs_event_t *h, const char *filename, int events, int status)
{
    (void)events;
    watch *wt = h->data;
    loop_state *ls = h->loop->data;
    if (status < 0 || !filename)
        return;
    char path[PATH_MAX];
    if (snprintf(path, sizeof path, "%s/%s", wt->dir, filename) >= (int)sizeof path || filename[0] == '.')
        return;
    char **slot = vec_push(&ls->changed);
    if (slot && !(*slot = strdup(path)))
        ls->changed.len--;
    uv_timer_start(&ls->debounce, revisit, 150, 0);
}

static void add_watches(loop_state *ls)
{
    walker *w = &ls->w;
    for (size_t i = 0; i < w->watch_dirs.len; i++) {
        char *dir = VEC_AT(&w->watch_dirs, char *, i);
        watch *wt = calloc(1, sizeof *wt);
        watch **slot = wt ? vec_push(&ls->watches) : NULL;
        if (!slot) {
            free(wt);
            free(dir);
            continue;
        }
        wt->dir = dir;
        wt->h.data = wt;
        *slot = wt;
        if (uv_fs_event_init(w->ix->loop, &wt->h) != 0 || uv_fs_event_start(&wt->h, on_fs_event, dir, 0) != 0) {
            uv_mutex_lock(&w->ix->mu);
            set_message(w->ix, "cannot watch %s%s: changes there are seen at the next index", dir, "");
            ix_unlock(w->ix);
        }
    }
    w->watch_dirs.len = 0;
}

static void on_wake(uv_async_t *a)
{
    chr_index *ix = a->data;
    uv_mutex_lock(&ix->mu);
    int stop = ix->stop;
    ix_unlock(ix);
    if (stop)
        uv_stop(a->loop);
}

static void close_cb(uv_handle_t *h)
{
    (void)h;
}

static void finish_pass(chr_index *ix, int cancelled)
{
    uv_mutex_lock(&ix->mu);
    if (!cancelled) {
        /* files not seen in this pass were deleted or renamed */
        for (size_t i = 0; i < ix->files.len; i++) {
            ix_file *f = &VEC_AT(&ix->files, ix_file, i);
            if (f->alive && !f->seen) {
                f->alive = 0;
                ix_file_clear(f);
                ix->dirty = 1;
            }
            f->seen = 0;
        }
        if (ix->dirty) {
            ix->prog.generation++;
            ix->post_valid = 0;
        }
        /* the postings now, so that the first query does not pay for them */
        ix_build_postings(ix);
        ix->prog.state = ix->opt.watch ? CHR_INDEX_WATCHING : CHR_INDEX_READY;
    } else {
        ix->prog.state = CHR_INDEX_CANCELLED;
    }
    /* ready first: waiters and queries go on while the cache is saved */
    ix->first_pass_over = 1;
    ix_unlock(ix);
    /* the image of the cache is taken under the lock, written outside it
     * (chr_index_free waits for the write) */
    char *image = NULL;
    size_t image_len = 0;
    chr_error err;
    uv_mutex_lock(&ix->mu);
    if (!cancelled && ix->cache_path && ix->dirty &&
        ix_serialize_locked(ix, &image, &image_len, &err) == CHR_OK)
        ix->dirty = 0;
    char *path = image ? strdup(ix->cache_path) : NULL;
    ix_unlock(ix);
    if (image && path && ix_write_file(path, image, image_len, &err) != CHR_OK) {
        uv_mutex_lock(&ix->mu);
        ix->dirty = 1;
        snprintf(ix->prog.message, sizeof ix->prog.message, "%s", err.message);
        ix_unlock(ix);
    }
    free(image);
    free(path);
}

static void save_tick(uv_timer_t *t)
{
    loop_state *ls = t->data;
    chr_index *ix = ls->w.ix;
    if (!ls->saving_due || ls->w.in_flight || ls->w.queue.len)
        return;
    ls->saving_due = 0;
    uv_mutex_lock(&ix->mu);
    chr_error err;
    if (ix->cache_path && ix->dirty && ix_save_locked(ix, &err) != CHR_OK)
        snprintf(ix->prog.message, sizeof ix->prog.message, "%s", err.message);
    ix_unlock(ix);
}

static void index_thread(void *arg)
{
    chr_index *ix = arg;
    uv_loop_t loop;
    uv_async_t wake;
    loop_state ls;
    memset(&ls, 0, sizeof ls);
    vec_init(&ls.w.queue, sizeof(job *));
    vec_init(&ls.w.dirs, sizeof(seen_dir));
    vec_init(&ls.w.watch_dirs, sizeof(char *));
    vec_init(&ls.watches, sizeof(watch *));
    vec_init(&ls.changed, sizeof(char *));
    ls.w.ix = ix;
    if (uv_loop_init(&loop) != 0 || uv_async_init(&loop, &wake, on_wake) != 0) {
        uv_mutex_lock(&ix->mu);
        ix->prog.state = CHR_INDEX_FAILED;
        snprintf(ix->prog.message, sizeof ix->prog.message, "cannot start the event loop");
        ix->first_pass_over = 1;
        ix_unlock(ix);
        return;
    }
    wake.data = ix;
    loop.data = &ls;
    uv_mutex_lock(&ix->mu);
    ix->loop = &loop;
    ix->wake = &wake;
    ix->prog.state = CHR_INDEX_SCANNING;
    ix_unlock(ix);
    uv_timer_t saver;
    int watching = ix->opt.watch;
    if (watching) {
        uv_timer_init(&loop, &ls.debounce);
        ls.debounce.data = &ls;
        uv_timer_init(&loop, &saver);
        saver.data = &ls;
    }
    walk(&ls.w, ix->root, 0);
    uv_mutex_lock(&ix->mu);
    ix->prog.state = CHR_INDEX_RUNNING;
    ix_unlock(ix);
    submit(&ls.w);
    /* run until the pool has drained the first pass */
    while (ls.w.in_flight) {
        int stop = ix->stop;
        if (stop && !ls.w.in_flight)
            break;
        uv_run(&loop, UV_RUN_ONCE);
    }
    int cancelled = ix->cancel || ix->stop;
    for (size_t i = 0; i < ls.w.queue.len; i++)
        job_free(VEC_AT(&ls.w.queue, job *, i));
    ls.w.queue.len = 0;
    finish_pass(ix, cancelled);
    if (watching && !cancelled) {
        uv_timer_start(&saver, save_tick, 1000, 1000);
        uv_run(&loop, UV_RUN_DEFAULT); /* until chr_index_free wakes it to stop */
    }
    /* nobody may wake a handle that is closing */
    uv_mutex_lock(&ix->mu);
    ix->wake = NULL;
    ix_unlock(ix);
    /* close every handle, let the loop finish them, then free */
    for (size_t i = 0; i < ls.watches.len; i++) {
        watch *wt = VEC_AT(&ls.watches, watch *, i);
        uv_close((uv_handle_t *)&wt->h, close_cb);
    }
    if (watching) {
        uv_close((uv_handle_t *)&ls.debounce, close_cb);
        uv_close((uv_handle_t *)&saver, close_cb);
    }
    uv_close((uv_handle_t *)&wake, close_cb);
    while (ls.w.in_flight || uv_loop_alive(&loop))
        uv_run(&loop, UV_RUN_ONCE);
    uv_loop_close(&loop);
    for (size_t i = 0; i < ls.watches.len; i++) {
        watch *wt = VEC_AT(&ls.watches, watch *, i);
        free(wt->dir);
        free(wt);
    }
    for (size_t i = 0; i < ls.w.watch_dirs.len; i++)
        free(VEC_AT(&ls.w.watch_dirs, char *, i));
    for (size_t i = 0; i < ls.changed.len; i++)
        free(VEC_AT(&ls.changed, char *, i));
    for (size_t i = 0; i < ls.w.queue.len; i++)
        job_free(VEC_AT(&ls.w.queue, job *, i));
    vec_free(&ls.w.queue);
    vec_free(&ls.w.dirs);
    vec_free(&ls.w.watch_dirs);
    vec_free(&ls.watches);
    vec_free(&ls.changed);
    uv_mutex_lock(&ix->mu);
    ix->loop = NULL;
    ix_unlock(ix);
}

int chr_index_start(chr_index *ix, const char *dir, const chr_index_options *opt)
{
    if (!ix || !dir)
        return CHR_ERR_ARG;
    if (ix->thread_started) {
        /* another pass once the last one is over (not while watching) */
        uv_mutex_lock(&ix->mu);
        int busy = !ix->first_pass_over || ix->prog.state == CHR_INDEX_WATCHING;
        ix_unlock(ix);
        if (busy)
            return CHR_ERR_ARG;
        uv_thread_join(&ix->thread);
        ix->thread_started = 0;
        ix->cancel = 0;
    }
    char real[PATH_MAX];
    if (!realpath(dir, real)) {
        snprintf(ix->prog.message, sizeof ix->prog.message, "cannot open folder %s: %s", dir, strerror(errno));
        ix->prog.state = CHR_INDEX_FAILED;
        ix_publish(ix);
        return CHR_ERR_IO;
    }
    struct stat st;
    if (stat(real, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(ix->prog.message, sizeof ix->prog.message, "%s is not a folder", dir);
        ix->prog.state = CHR_INDEX_FAILED;
        ix_publish(ix);
        return CHR_ERR_ARG;
    }
    free(ix->root);
    ix->root = strdup(real);
    if (!ix->root)
        return CHR_ERR_NOMEM;
    if (opt)
        ix->opt = *opt;
    snprintf(ix->exts, sizeof ix->exts, "%s", opt && opt->extensions && *opt->extensions ? opt->extensions : "md,markdown,txt");
    ix->opt.extensions = ix->exts;
    ix->prog.files_total = ix->prog.files_done = ix->prog.files_reused = 0;
    ix->prog.files_skipped = ix->prog.files_failed = 0;
    ix->prog.bytes_done = 0;
    ix->first_pass_over = 0;
    ix_publish(ix);
    if (uv_thread_create(&ix->thread, index_thread, ix) != 0) {
        snprintf(ix->prog.message, sizeof ix->prog.message, "cannot start the index thread");
        ix->prog.state = CHR_INDEX_FAILED;
        ix_publish(ix);
        return CHR_ERR_NOMEM;
    }
    ix->thread_started = 1;
    return CHR_OK;
}

int chr_index_progress_get(chr_index *ix, chr_index_progress *out)
{
    if (!ix || !out)
        return CHR_ERR_ARG;
    uv_mutex_lock(&ix->pmu);
    *out = ix->pub;
    uv_mutex_unlock(&ix->pmu);
    return CHR_OK;
}

int chr_index_cancel(chr_index *ix)
{
    if (!ix)
        return CHR_ERR_ARG;
    ix->cancel = 1;
    return CHR_OK;
}

int chr_index_wait(chr_index *ix)
{
    if (!ix)
        return CHR_ERR_ARG;
    /* on the published state: the index thread may hold mu a while longer
     * (saving the cache) once the pass is over */
    uv_mutex_lock(&ix->pmu);
    while (ix->thread_started && !ix->pub_over)
        uv_cond_wait(&ix->pcond, &ix->pmu);
    int state = ix->pub.state;
    uv_mutex_unlock(&ix->pmu);
    return state == CHR_INDEX_FAILED ? CHR_ERR_IO : CHR_OK;
}

int chr_index_save(chr_index *ix, chr_error *err)
{
    if (!ix)
        return CHR_ERR_ARG;
    uv_mutex_lock(&ix->mu);
    int r = ix_save_locked(ix, err);
    ix_unlock(ix);
    return r;
}

void chr_index_free(chr_index *ix)
{
    if (!ix)
        return;
    if (ix->thread_started) {
        uv_mutex_lock(&ix->mu);
        ix->stop = 1;
        if (ix->wake)
            uv_async_send(ix->wake);
        ix_unlock(ix);
        uv_thread_join(&ix->thread);
    }
    for (size_t i = 0; i < ix->files.len; i++)
        ix_file_clear(&VEC_AT(&ix->files, ix_file, i));
    vec_free(&ix->files);
    vec_free(&ix->ents);
    vec_free(&ix->post);
    free(ix->cache_buf);
    cpmap_free(&ix->by_path);
    cpmap_free(&ix->ent_by_id);
    cpmap_free(&ix->post_head);
    cpmap_free(&ix->date_head);
    cpmap_free(&ix->post_count);
    strtab_free(&ix->st);
    uv_mutex_destroy(&ix->mu);
    uv_mutex_destroy(&ix->pmu);
    uv_cond_destroy(&ix->pcond);
    free(ix->cache_path);
    free(ix->root);
    free(ix);
}

void chr_free(void *p)
{
    free(p);
}
