/* index_query.c: what the folder index answers — where an entity is named,
 * which events are related to the one on a line, the timeline of the folder,
 * and which files were skipped and why. Answers are JSON. */
#include "corpus_index.h"
#include "engine.h"
#include "knowledge_base.h"
#include "timeline.h"
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

static const char *STATUS[] = {"happened", "planned", "negated"};

static char *finish(cJSON *o, size_t *len)
{
    char *s = o ? cJSON_PrintUnformatted(o) : NULL;
    cJSON_Delete(o);
    if (!s)
        return NULL;
    /* the caller frees with chr_free (plain free), cJSON may allocate otherwise */
    size_t n = strlen(s);
    char *out = malloc(n + 1);
    if (out)
        memcpy(out, s, n + 1);
    cJSON_free(s);
    if (len && out)
        *len = n;
    return out;
}

static const char *S(const chr_index *ix, uint32_t i)
{
    return strtab_get(&ix->st, i);
}

char *chr_index_files(chr_index *ix, size_t *len)
{
    if (!ix)
        return NULL;
    cJSON *o = cJSON_CreateObject(), *arr = cJSON_CreateArray();
    uv_mutex_lock(&ix->mu);
    cJSON_AddStringToObject(o, "root", ix->root ? ix->root : "");
    for (size_t i = 0; arr && i < ix->files.len; i++) {
        const ix_file *f = &VEC_AT(&ix->files, ix_file, i);
        if (!f->alive)
            continue;
        cJSON *x = cJSON_CreateObject();
        cJSON_AddStringToObject(x, "path", S(ix, f->path));
        cJSON_AddNumberToObject(x, "size", (double)f->size);
        cJSON_AddStringToObject(x, "lang", S(ix, f->lang));
        if (f->dct)
            cJSON_AddStringToObject(x, "dct", S(ix, f->dct));
        cJSON_AddNumberToObject(x, "entities", f->nment);
        cJSON_AddNumberToObject(x, "events", f->nev);
        if (f->skipped)
            cJSON_AddStringToObject(x, "skipped", S(ix, f->reason));
        cJSON_AddItemToArray(arr, x);
    }
    uv_mutex_unlock(&ix->mu);
    cJSON_AddItemToObject(o, "files", arr);
    return finish(o, len);
}

/* the entity an id or a name refers to: the id itself, a name the index has
 * seen, or a name the knowledge base knows (Hoa Kỳ finds United States) */
static long resolve(chr_index *ix, const char *q)
{
    uint32_t sid = strtab_find(&ix->st, q, strlen(q)), v;
    if (sid != UINT32_MAX && cpmap_get(&ix->ent_by_id, sid, &v))
        return v;
    for (size_t i = 0; i < ix->ents.len; i++)
        if (!strcasecmp(S(ix, VEC_AT(&ix->ents, ix_ent, i).name), q))
            return (long)i;
    size_t n = strlen(q);
    char *fold = malloc(4 * n + 1);
    if (!fold)
        return -1;
    size_t m = kb_fold(ix->e, q, n, fold);
    gaz_hit h[16];
    size_t k = gaz_walk(&ix->e->kb.gaz, fold, m, 0, h, 16);
    free(fold);
    if (k && h[k - 1].end == m) {
        const kb_entity *en = &ix->e->kb.ents[VEC_AT(&ix->e->kb.gaz.names, gaz_name, h[k - 1].name).entity];
        sid = strtab_find(&ix->st, en->id, strlen(en->id));
        if (sid != UINT32_MAX && cpmap_get(&ix->ent_by_id, sid, &v))
            return v;
    }
    return -1;
}

static cJSON *event_json(chr_index *ix, const ix_file *f, const ix_event *v)
{
    cJSON *x = cJSON_CreateObject();
    cJSON_AddStringToObject(x, "path", S(ix, f->path));
    cJSON_AddNumberToObject(x, "line", v->line);
    cJSON_AddNumberToObject(x, "start", v->start);
    cJSON_AddNumberToObject(x, "end", v->end);
    cJSON_AddStringToObject(x, "trigger", S(ix, v->trigger));
    cJSON_AddStringToObject(x, "type", S(ix, v->type));
    cJSON_AddStringToObject(x, "label", S(ix, v->label));
    if (v->date)
        cJSON_AddStringToObject(x, "date", S(ix, v->date));
    else
        cJSON_AddNullToObject(x, "date");
    cJSON_AddStringToObject(x, "status", STATUS[v->status < 3 ? v->status : 0]);
    cJSON *ac = cJSON_CreateArray();
    for (int a = 0; a < v->nactors; a++) {
        const ix_ent *en = &VEC_AT(&ix->ents, ix_ent, v->actors[a]);
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "id", S(ix, en->id));
        cJSON_AddStringToObject(o, "name", S(ix, en->name));
        cJSON_AddItemToArray(ac, o);
    }
    cJSON_AddItemToObject(x, "actors", ac);
    return x;
}

typedef struct hit {
    uint32_t file, event;
    int shared;
    int same_date;
    const char *date;
} hit;

typedef struct file_hit {
    uint32_t file, count;
    const char *path;
} file_hit;

static int file_hit_cmp(const void *x, const void *y)
{
    const file_hit *a = x, *b = y;
    if (a->count != b->count)
        return a->count > b->count ? -1 : 1;
    return strcmp(a->path, b->path);
}

static int hit_by_date(const void *x, const void *y);

char *chr_index_entity(chr_index *ix, const char *q, size_t limit, size_t *len)
{
    if (!ix || !q)
        return NULL;
    uv_mutex_lock(&ix->mu);
    long e = resolve(ix, q);
    cJSON *o = cJSON_CreateObject();
    if (e < 0) {
        cJSON_AddStringToObject(o, "query", q);
        cJSON_AddNullToObject(o, "entity");
        uv_mutex_unlock(&ix->mu);
        return finish(o, len);
    }
    const ix_ent *en = &VEC_AT(&ix->ents, ix_ent, (size_t)e);
    cJSON_AddStringToObject(o, "query", q);
    cJSON *ent = cJSON_CreateObject();
    cJSON_AddStringToObject(ent, "id", S(ix, en->id));
    cJSON_AddStringToObject(ent, "name", S(ix, en->name));
    cJSON_AddStringToObject(ent, "type", kb_type_name(en->type));
    cJSON_AddItemToObject(o, "entity", ent);
    /* the files that name it most come first; the events in date order */
    cJSON *files = cJSON_CreateArray(), *events = cJSON_CreateArray();
    size_t total = 0;
    int bad = 0;
    vec tmp, fh, hits;
    vec_init(&tmp, sizeof(ix_mention));
    vec_init(&fh, sizeof(file_hit));
    vec_init(&hits, sizeof(hit));
    for (size_t i = 0; i < ix->files.len && !bad; i++) {
        const ix_file *f = &VEC_AT(&ix->files, ix_file, i);
        if (!f->alive || f->skipped)
            continue;
        const ix_mention *men = ix_mentions(f, &tmp);
        uint32_t c = 0;
        for (uint32_t k = 0; men && k < f->nment; k++)
            c += men[k].ent == (uint32_t)e;
        if (!c)
            continue;
        file_hit *h = vec_push(&fh);
        if (!h) {
            bad = 1;
            break;
        }
        h->file = (uint32_t)i;
        h->count = c;
        h->path = S(ix, f->path);
        total += c;
    }
    if (fh.len > 1)
        qsort(fh.data, fh.len, sizeof(file_hit), file_hit_cmp);
    for (size_t i = 0; i < fh.len && (!limit || i < limit); i++) {
        const file_hit *h = &VEC_AT(&fh, file_hit, i);
        const ix_file *f = &VEC_AT(&ix->files, ix_file, h->file);
        const ix_mention *men = ix_mentions(f, &tmp);
        cJSON *ms = cJSON_CreateArray();
        for (uint32_t k = 0; men && k < f->nment; k++) {
            if (men[k].ent != (uint32_t)e)
                continue;
            cJSON *m = cJSON_CreateObject();
            cJSON_AddNumberToObject(m, "line", men[k].line);
            cJSON_AddNumberToObject(m, "start", men[k].start);
            cJSON_AddNumberToObject(m, "end", men[k].end);
            cJSON_AddItemToArray(ms, m);
        }
        cJSON *x = cJSON_CreateObject();
        cJSON_AddStringToObject(x, "path", h->path);
        cJSON_AddNumberToObject(x, "count", h->count);
        cJSON_AddItemToObject(x, "mentions", ms);
        cJSON_AddItemToArray(files, x);
    }
    /* its events, from the postings */
    uint32_t p;
    if (!bad && ix_build_postings(ix) == 0 && cpmap_get(&ix->post_head, (uint32_t)e, &p)) {
        for (; p != UINT32_MAX; p = VEC_AT(&ix->post, ix_posting, p).next) {
            const ix_posting *ps = &VEC_AT(&ix->post, ix_posting, p);
            hit *h = vec_push(&hits);
            if (!h) {
                bad = 1;
                break;
            }
            h->file = ps->file;
            h->event = ps->event;
            h->date = S(ix, VEC_AT(&ix->files, ix_file, ps->file).evs[ps->event].date);
        }
    }
    if (hits.len > 1)
        qsort(hits.data, hits.len, sizeof(hit), hit_by_date);
    for (size_t i = 0; i < hits.len && (!limit || i < limit); i++) {
        const hit *h = &VEC_AT(&hits, hit, i);
        const ix_file *f = &VEC_AT(&ix->files, ix_file, h->file);
        cJSON_AddItemToArray(events, event_json(ix, f, &f->evs[h->event]));
    }
    size_t nfiles = fh.len, nevents = hits.len;
    uv_mutex_unlock(&ix->mu);
    vec_free(&tmp);
    vec_free(&fh);
    vec_free(&hits);
    if (bad) {
        cJSON_Delete(files);
        cJSON_Delete(events);
        cJSON_Delete(o);
        return NULL;
    }
    cJSON_AddNumberToObject(o, "mentions", (double)total);
    cJSON_AddNumberToObject(o, "files_total", (double)nfiles);
    cJSON_AddNumberToObject(o, "events_total", (double)nevents);
    cJSON_AddItemToObject(o, "files", files);
    cJSON_AddItemToObject(o, "events", events);
    return finish(o, len);
}

/* postings: for each entity the events it acts in, and for each day the
 * events on it; rebuilt after changes, under the lock */
int ix_build_postings(chr_index *ix)
{
    if (ix->post_valid)
        return 0;
    cpmap_free(&ix->post_head);
    cpmap_free(&ix->date_head);
    cpmap_free(&ix->post_count);
    cpmap_init(&ix->post_head);
    cpmap_init(&ix->date_head);
    cpmap_init(&ix->post_count);
    ix->post.len = 0;
    for (size_t i = 0; i < ix->files.len; i++) {
        const ix_file *f = &VEC_AT(&ix->files, ix_file, i);
        if (!f->alive)
            continue;
        for (uint32_t k = 0; k < f->nev; k++) {
            const ix_event *v = &f->evs[k];
            /* keys: entities as they are, days with the top bit set */
            uint64_t keys[5];
            int nk = 0;
            for (int a = 0; a < v->nactors; a++)
                keys[nk++] = v->actors[a];
            if (strtab_len(&ix->st, v->date) >= 10 && strtab_get(&ix->st, v->date)[0] != 'X')
                keys[nk++] = (1ULL << 40) | v->date;
            for (int q = 0; q < nk; q++) {
                cpmap *m = keys[q] >> 40 ? &ix->date_head : &ix->post_head;
                uint32_t key = (uint32_t)keys[q], head = UINT32_MAX;
                cpmap_get(m, key, &head);
                ix_posting *p = vec_push(&ix->post);
                if (!p)
                    return -1;
                p->file = (uint32_t)i;
                p->event = k;
                p->next = head;
                if (cpmap_put(m, key, (uint32_t)(ix->post.len - 1)) < 0)
                    return -1;
                if (m == &ix->post_head) {
                    uint32_t n = 0;
                    cpmap_get(&ix->post_count, key, &n);
                    if (cpmap_put(&ix->post_count, key, n + 1) < 0)
                        return -1;
                }
            }
        }
    }
    ix->post_valid = 1;
    return 0;
}

static int dates_overlap(const char *a, const char *b)
{
    if (!*a || !*b || strstr(a, "_REF") || strstr(b, "_REF"))
        return 0;
    size_t i = 0;
    for (; a[i] && b[i]; i++)
        if (a[i] != b[i] && a[i] != 'X' && b[i] != 'X')
            return 0;
    return 1;
}

static int hit_by_date(const void *x, const void *y)
{
    const hit *a = x, *b = y;
    int ua = !*a->date || strstr(a->date, "_REF") != NULL, ub = !*b->date || strstr(b->date, "_REF") != NULL;
    if (ua != ub)
        return ua - ub;
    int c = strcmp(a->date, b->date);
    if (c)
        return c;
    return a->file != b->file ? (a->file < b->file ? -1 : 1) : (a->event < b->event ? -1 : a->event > b->event);
}

char *chr_index_related(chr_index *ix, const char *path, long line, long byte, size_t limit, size_t *len)
{
    if (!ix || !path)
        return NULL;
    char real[4096];
    const char *key = realpath(path, real) ? real : path;
    uv_mutex_lock(&ix->mu);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "path", key);
    cJSON_AddNumberToObject(o, "line", (double)line);
    if (byte >= 0)
        cJSON_AddNumberToObject(o, "byte", (double)byte);
    uint32_t sid = strtab_find(&ix->st, key, strlen(key)), fi;
    if (sid == UINT32_MAX || !cpmap_get(&ix->by_path, sid, &fi) || ix_build_postings(ix) < 0) {
        uv_mutex_unlock(&ix->mu);
        cJSON_AddNullToObject(o, "event");
        cJSON_AddItemToObject(o, "related", cJSON_CreateArray());
        return finish(o, len);
    }
    const ix_file *f = &VEC_AT(&ix->files, ix_file, fi);
    /* the event at that byte (a Chinese paragraph is one line with several
     * events), else the last one before it; or by line: the last event on
     * it, else the last one before it */
    long anchor = -1;
    for (uint32_t k = 0; k < f->nev; k++) {
        const ix_event *v = &f->evs[k];
        if (byte >= 0 ? (long)v->start <= byte : (long)v->line <= line)
            anchor = k;
        if (byte >= 0 && (long)v->start <= byte && byte < (long)v->end)
            break;
    }
    if (anchor < 0) {
        uv_mutex_unlock(&ix->mu);
        cJSON_AddNullToObject(o, "event");
        cJSON_AddItemToObject(o, "related", cJSON_CreateArray());
        return finish(o, len);
    }
    const ix_event *ev = &f->evs[anchor];
    cJSON_AddItemToObject(o, "event", event_json(ix, f, ev));
    /* candidates: the day's events, then the events of the anchor's actors,
     * the rarest actor first; an actor of very many events (the country a
     * folder is about) adds its events only when nothing rarer did, and then
     * only a few thousand: a query answers in milliseconds at any size */
    enum { FANOUT = 4096 };
    vec hits;
    vec_init(&hits, sizeof(hit));
    cpmap seen;
    cpmap_init(&seen);
    uint32_t order[4], cnt[4];
    int na = ev->nactors;
    for (int a = 0; a < na; a++) {
        order[a] = ev->actors[a];
        cnt[a] = 0;
        cpmap_get(&ix->post_count, order[a], &cnt[a]);
    }
    for (int a = 1; a < na; a++) /* insertion sort by count */
        for (int b = a; b > 0 && cnt[b] < cnt[b - 1]; b--) {
            uint32_t t = cnt[b]; cnt[b] = cnt[b - 1]; cnt[b - 1] = t;
            t = order[b]; order[b] = order[b - 1]; order[b - 1] = t;
        }
    for (int src = -1; src < na; src++) {
        uint32_t p;
        cpmap *m = src < 0 ? &ix->date_head : &ix->post_head;
        uint32_t pkey = src < 0 ? ev->date : order[src];
        if (src >= 0 && cnt[src] > FANOUT && hits.len)
            break;
        if (!cpmap_get(m, pkey, &p))
            continue;
        for (size_t taken = 0; p != UINT32_MAX && taken < 4 * FANOUT;
             p = VEC_AT(&ix->post, ix_posting, p).next, taken++) {
            const ix_posting *ps = &VEC_AT(&ix->post, ix_posting, p);
            uint32_t v;
            uint64_t k = (uint64_t)ps->file << 24 | ps->event;
            if ((ps->file == fi && ps->event == (uint32_t)anchor) || cpmap_get(&seen, k, &v))
                continue;
            hit *h = vec_push(&hits);
            if (!h || cpmap_put(&seen, k, 1) < 0)
                break;
            h->file = ps->file;
            h->event = ps->event;
        }
    }
    cpmap_free(&seen);
    const char *d0 = S(ix, ev->date);
    for (size_t i = 0; i < hits.len; i++) {
        hit *h = &VEC_AT(&hits, hit, i);
        const ix_event *hv = &VEC_AT(&ix->files, ix_file, h->file).evs[h->event];
        h->shared = 0;
        for (int a = 0; a < hv->nactors; a++)
            for (int b = 0; b < na; b++)
                h->shared += hv->actors[a] == ev->actors[b];
    }
    for (size_t i = 0; i < hits.len; i++) {
        hit *h = &VEC_AT(&hits, hit, i);
        const ix_event *hv = &VEC_AT(&ix->files, ix_file, h->file).evs[h->event];
        h->date = S(ix, hv->date);
        h->same_date = dates_overlap(d0, h->date);
    }
    /* in date order; undated events last */
    if (hits.len > 1)
        qsort(hits.data, hits.len, sizeof(hit), hit_by_date);
    cJSON *rel = cJSON_CreateArray();
    cJSON_AddNumberToObject(o, "total", (double)hits.len);
    for (size_t i = 0; i < hits.len && (!limit || i < limit); i++) {
        hit *h = &VEC_AT(&hits, hit, i);
        const ix_file *hf = &VEC_AT(&ix->files, ix_file, h->file);
        cJSON *x = event_json(ix, hf, &hf->evs[h->event]);
        cJSON_AddNumberToObject(x, "shared_actors", h->shared);
        cJSON_AddBoolToObject(x, "same_date", h->same_date);
        cJSON_AddItemToArray(rel, x);
    }
    vec_free(&hits);
    uv_mutex_unlock(&ix->mu);
    cJSON_AddItemToObject(o, "related", rel);
    return finish(o, len);
}

char *chr_index_timeline(chr_index *ix, const char *from, const char *to, const char *actor, size_t limit,
                         size_t *len)
{
    if (!ix)
        return NULL;
    chr_timeline *tl = chr_timeline_new(NULL);
    if (!tl)
        return NULL;
    uv_mutex_lock(&ix->mu);
    long want = actor && *actor ? resolve(ix, actor) : -1;
    int ok = !(actor && *actor && want < 0);
    for (size_t i = 0; ok && i < ix->files.len; i++) {
        const ix_file *f = &VEC_AT(&ix->files, ix_file, i);
        if (!f->alive)
            continue;
        for (uint32_t k = 0; k < f->nev; k++) {
            const ix_event *v = &f->evs[k];
            const char *d = S(ix, v->date);
            /* compared on the written precision: --to 2015 keeps 2015-07 */
            if (!*d || strstr(d, "_REF") || (from && *from && strncmp(d, from, strlen(from)) < 0) ||
                (to && *to && strncmp(d, to, strlen(to)) > 0))
                continue;
            int has = want < 0;
            const char *ids[4], *names[4];
            unsigned char person[4];
            for (int a = 0; a < v->nactors; a++) {
                const ix_ent *en = &VEC_AT(&ix->ents, ix_ent, v->actors[a]);
                ids[a] = S(ix, en->id);
                names[a] = S(ix, en->name);
                person[a] = en->type == ENT_PERSON;
                has |= (long)v->actors[a] == want;
            }
            if (!has)
                continue;
            tl_event_in in = {d, S(ix, v->type), S(ix, v->label), v->nactors, ids, names, person,
                              S(ix, f->path), S(ix, v->trigger), STATUS[v->status < 3 ? v->status : 0],
                              v->start, v->end};
            if (timeline_add_event(tl, &in) != CHR_OK)
                ok = 0;
        }
    }
    uv_mutex_unlock(&ix->mu);
    char *out = ok ? timeline_json_print(tl, limit, len) : NULL;
    chr_timeline_free(tl);
    return out;
}
