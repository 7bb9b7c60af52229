/* timeline.c: events of many documents in date order, with the same
 * real-world event reported twice (the March 2023 phone call in a Chinese and
 * a Vietnamese article) merged into one entry that keeps both sources. */
#include "chronicle.h"
#include "arena.h"
#include "result.h"
#include "vec.h"
#include "timeline.h"
#include "cpmap.h"
#include "hash.h"
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct tl_raw {
    const char *date, *type, *label;
    const char **actors, **names;
    uint8_t *person;
    size_t n_actors;
    chr_timeline_source src;
    size_t group; /* union-find parent */
} tl_raw;

struct chr_timeline {
    arena mem;
    cpmap strs;       /* hash of a string -> its copy in strv: a folder's
                       * 200,000 events repeat a few thousand strings */
    vec strv;         /* const char * */
    vec raw;          /* tl_raw */
    vec entries;      /* chr_timeline_view */
    char *json;
    size_t json_len;
    int built;
};

chr_timeline *chr_timeline_new(chr_error *err)
{
    chr_timeline *tl = calloc(1, sizeof *tl);
    if (!tl) {
        if (err) {
            err->code = CHR_ERR_NOMEM;
            snprintf(err->message, sizeof err->message, "out of memory");
        }
        return NULL;
    }
    arena_init(&tl->mem, 1 << 16, NULL);
    cpmap_init(&tl->strs);
    vec_init(&tl->strv, sizeof(const char *));
    vec_init(&tl->raw, sizeof(tl_raw));
    vec_init(&tl->entries, sizeof(chr_timeline_view));
    return tl;
}

void chr_timeline_free(chr_timeline *tl)
{
    if (!tl)
        return;
    arena_free(&tl->mem);
    cpmap_free(&tl->strs);
    vec_free(&tl->strv);
    vec_free(&tl->raw);
    vec_free(&tl->entries);
    free(tl->json);
    free(tl);
}

static const chr_entity_view *entity_by_id(const chr_result *r, const char *id)
{
    for (size_t i = 0; i < r->nentity; i++)
        if (!strcmp(r->entities[i].id, id))
            return &r->entities[i];
    return NULL;
}


/* one copy of each string (a hash collision just makes a second copy) */
static const char *str(chr_timeline *tl, const char *s)
{
    size_t n = strlen(s);
    uint64_t h = fnv64(s, n) >> 1;
    uint32_t v;
    if (cpmap_get(&tl->strs, h, &v)) {
        const char *c = VEC_AT(&tl->strv, const char *, v);
        if (!strcmp(c, s))
            return c;
        return arena_strndup(&tl->mem, s, n);
    }
    char *c = arena_strndup(&tl->mem, s, n);
    const char **slot = c ? vec_push(&tl->strv) : NULL;
    if (!slot)
        return NULL;
    *slot = c;
    return cpmap_put(&tl->strs, h, (uint32_t)(tl->strv.len - 1)) < 0 ? NULL : c;
}

static int dated(const char *d)
{
    return d && d[0] && strstr(d, "_REF") == NULL;
}

int timeline_add_event(chr_timeline *tl, const tl_event_in *ev)
{
    if (!tl || tl->built || !dated(ev->date))
        return tl && !tl->built ? CHR_OK : CHR_ERR_ARG;
    tl_raw *x = vec_push(&tl->raw);
    if (!x)
        return CHR_ERR_NOMEM;
    x->date = str(tl, ev->date);
    x->type = str(tl, ev->type);
    x->label = str(tl, ev->label ? ev->label : "");
    x->n_actors = ev->n_actors;
    x->actors = arena_alloc(&tl->mem, (ev->n_actors + 1) * sizeof *x->actors);
    x->names = arena_alloc(&tl->mem, (ev->n_actors + 1) * sizeof *x->names);
    x->person = arena_alloc(&tl->mem, ev->n_actors + 1);
    x->src.doc = str(tl, ev->doc ? ev->doc : "");
    x->src.start = ev->start;
    x->src.end = ev->end;
    x->src.trigger = str(tl, ev->trigger ? ev->trigger : "");
    x->src.status = str(tl, ev->status ? ev->status : "happened");
    if (!x->date || !x->type || !x->label || !x->actors || !x->names || !x->person || !x->src.doc ||
        !x->src.trigger || !x->src.status)
        return CHR_ERR_NOMEM;
    for (size_t k = 0; k < ev->n_actors; k++) {
        x->actors[k] = str(tl, ev->actors[k]);
        x->names[k] = str(tl, ev->names[k]);
        x->person[k] = ev->person ? ev->person[k] : 0;
        if (!x->actors[k] || !x->names[k])
            return CHR_ERR_NOMEM;
    }
    return CHR_OK;
}

int chr_timeline_add(chr_timeline *tl, const chr_result *r, const char *doc)
{
    if (!tl || !r || tl->built)
        return CHR_ERR_ARG;
    const char *dname = str(tl, doc ? doc : "");
    if (!dname)
        return CHR_ERR_NOMEM;
    for (size_t i = 0; i < r->nevent; i++) {
        const chr_event_view *v = &r->events[i];
        if (!dated(v->date))
            continue;
        tl_raw *x = vec_push(&tl->raw);
        if (!x)
            return CHR_ERR_NOMEM;
        x->date = str(tl, v->date);
        x->type = str(tl, v->type);
        x->label = v->label ? str(tl, v->label) : "";
        x->n_actors = v->n_actors;
        x->actors = arena_alloc(&tl->mem, (v->n_actors + 1) * sizeof *x->actors);
        x->names = arena_alloc(&tl->mem, (v->n_actors + 1) * sizeof *x->names);
        x->person = arena_alloc(&tl->mem, v->n_actors + 1);
        x->src.doc = dname;
        x->src.start = v->start;
        x->src.end = v->end;
        x->src.trigger = str(tl, v->trigger);
        x->src.status = v->status ? str(tl, v->status) : "happened";
        if (!x->date || !x->type || !x->label || !x->actors || !x->names || !x->person ||
            !x->src.trigger || !x->src.status)
            return CHR_ERR_NOMEM;
        for (size_t k = 0; k < v->n_actors; k++) {
            const chr_entity_view *en = entity_by_id(r, v->actors[k]);
            x->actors[k] = str(tl, v->actors[k]);
            x->names[k] = str(tl, en && en->name ? en->name : v->actors[k]);
            x->person[k] = en && !strcmp(en->type, "PERSON");
            if (!x->actors[k] || !x->names[k])
                return CHR_ERR_NOMEM;
        }
    }
    return CHR_OK;
}

/* 2023-03 and 2023-03-29 can be one day; X matches anything */
static int dates_compatible(const char *a, const char *b)
{
    size_t i = 0;
    for (; a[i] && b[i]; i++)
        if (a[i] != b[i] && a[i] != 'X' && b[i] != 'X')
            return 0;
    /* the shorter one must stop at a field boundary */
    return (!a[i] && (!b[i] || b[i] == '-' || b[i] == 'T')) ||
           (!b[i] && (a[i] == '-' || a[i] == 'T'));
}

static int types_compatible(const char *a, const char *b)
{
    if (!strcmp(a, b))
        return 1;
    /* CAMEO roots are two digits: "04", "16" */
    if (!a[0] || !a[1] || !b[0] || !b[1])
        return 0;
    int x = (a[0] - '0') * 10 + (a[1] - '0'), y = (b[0] - '0') * 10 + (b[1] - '0');
    /* consult, cooperate diplomatically or materially: one meeting is often
     * reported as talks in one paper and as an agreement in another */
    return x >= 3 && x <= 6 && y >= 3 && y <= 6;
}

/* same people: one shared person, or two shared actors of any kind */
static int actors_overlap(const tl_raw *a, const tl_raw *b)
{
    int shared = 0, person = 0;
    for (size_t i = 0; i < a->n_actors; i++)
        for (size_t j = 0; j < b->n_actors; j++)
            if (!strcmp(a->actors[i], b->actors[j])) {
                shared++;
                person |= a->person[i];
            }
    return person || shared >= 2;
}

static size_t find(tl_raw *r, size_t i)
{
    while (r[i].group != i) {
        r[i].group = r[r[i].group].group;
        i = r[i].group;
    }
    return i;
}

/* sort key: unknown parts (X) after known ones */
static int date_cmp(const char *a, const char *b)
{
    for (size_t i = 0;; i++) {
        char x = a[i] == 'X' ? '~' : a[i], y = b[i] == 'X' ? '~' : b[i];
        if (x != y)
            return (unsigned char)x < (unsigned char)y ? -1 : 1;
        if (!x)
            return 0;
    }
}

static int raw_cmp(const void *p, const void *q)
{
    const tl_raw *a = p, *b = q;
    int c = date_cmp(a->date, b->date);
    if (c)
        return c;
    c = strcmp(a->src.doc, b->src.doc);
    if (c)
        return c;
    return a->src.start < b->src.start ? -1 : a->src.start > b->src.start;
}

static size_t precision(const char *d)
{
    size_t n = 0;
    for (; *d; d++)
        n += *d != 'X';
    return n;
}

static uint64_t bucket_key(const char *date, size_t dl, const char *actor)
{
    uint64_t h = fnv64(date, dl);
    h = fnv64_add(h, "|", 1);
    return fnv64_add(h, actor, strlen(actor)) >> 1;
}

static void join(tl_raw *r, size_t i, size_t j)
{
    size_t a = find(r, i), b = find(r, j);
    if (a != b)
        r[a].group = r[b].group = a < b ? a : b;
}

static int timeline_pair(tl_raw *r, size_t n)
{
    enum { PER_BUCKET = 32 };
    cpmap head; /* bucket key -> latest filed slot */
    cpmap_init(&head);
    size_t slots = 0;
    for (size_t i = 0; i < n; i++)
        slots += r[i].n_actors;
    /* slot s: event of[s], next[s] the previous slot of the same bucket */
    uint32_t *of = malloc((slots ? slots : 1) * sizeof *of), *next = malloc((slots ? slots : 1) * sizeof *next);
    if (!of || !next || cpmap_reserve(&head, slots) < 0) {
        free(of);
        free(next);
        cpmap_free(&head);
        return CHR_ERR_NOMEM;
    }
    size_t s = 0;
    int rc = CHR_OK;
    for (size_t i = 0; i < n && rc == CHR_OK; i++) {
        size_t dl = strlen(r[i].date);
        for (size_t a = 0; a < r[i].n_actors; a++) {
            /* look up the coarser dates that hold this one, and this one */
            for (size_t pl = 1; pl <= dl; pl++) {
                if (pl < dl && r[i].date[pl] != '-' && r[i].date[pl] != 'T')
                    continue;
                uint32_t p;
                if (!cpmap_get(&head, bucket_key(r[i].date, pl, r[i].actors[a]), &p))
                    continue;
                for (size_t seen = 0; p != UINT32_MAX && seen < PER_BUCKET; p = next[p], seen++) {
                    const tl_raw *o = &r[of[p]];
                    if (find(r, of[p]) == find(r, i))
                        continue;
                    if (dates_compatible(o->date, r[i].date) && types_compatible(o->type, r[i].type) &&
                        actors_overlap(o, &r[i]))
                        join(r, of[p], i);
                }
            }
            uint64_t k = bucket_key(r[i].date, dl, r[i].actors[a]);
            uint32_t prev = UINT32_MAX;
            cpmap_get(&head, k, &prev);
            of[s] = (uint32_t)i;
            next[s] = prev;
            if (cpmap_put(&head, k, (uint32_t)s) < 0)
                rc = CHR_ERR_NOMEM;
            s++;
        }
    }
    free(of);
    free(next);
    cpmap_free(&head);
    return rc;
}

int chr_timeline_build(chr_timeline *tl)
{
    if (!tl || tl->built)
        return CHR_ERR_ARG;
    tl->built = 1;
    tl_raw *r = tl->raw.data;
    size_t n = tl->raw.len;
    if (n > 1)
        qsort(r, n, sizeof *r, raw_cmp);
    for (size_t i = 0; i < n; i++)
        r[i].group = i;
    /* two reports can only be one event when they share an actor and one
     * date holds the other (2023-03 holds 2023-03-29): each event is filed
     * under (its date, actor) for every actor, and looks up (each field
     * prefix of its date, actor), comparing with at most a few hundred
     * events of a bucket. A folder of 200,000 events groups in well under a
     * second however many of them share a day. */
    int rc = timeline_pair(r, n);
    if (rc != CHR_OK)
        return rc;
    /* members of each group in reading order: a counting sort by root, so a
     * folder of 200,000 events groups in linear time */
    size_t *cnt = calloc(n + 1, sizeof *cnt), *members = malloc((n ? n : 1) * sizeof *members);
    if (!cnt || !members) {
        free(cnt);
        free(members);
        return CHR_ERR_NOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        r[i].group = find(r, i); /* every event points at its root now */
        cnt[r[i].group + 1]++;
    }
    for (size_t i = 0; i < n; i++)
        cnt[i + 1] += cnt[i];
    for (size_t i = 0; i < n; i++)
        members[cnt[r[i].group]++] = i;
    /* cnt[root] is now the end of root's run; runs start where the last ended */
    size_t at = 0;
    for (size_t i = 0; i < n && rc == CHR_OK; i++) {
        if (r[i].group != i)
            continue;
        size_t first = at, last = cnt[i];
        at = last;
        size_t ns = last - first, na = 0;
        for (size_t q = first; q < last; q++)
            na += r[members[q]].n_actors;
        chr_timeline_view *v = vec_push(&tl->entries);
        chr_timeline_source *src = arena_alloc(&tl->mem, ns * sizeof *src);
        const char **ids = arena_alloc(&tl->mem, (na + 1) * sizeof *ids);
        const char **names = arena_alloc(&tl->mem, (na + 1) * sizeof *names);
        if (!v || !src || !ids || !names) {
            rc = CHR_ERR_NOMEM;
            break;
        }
        v->date = r[i].date;
        v->type = r[i].type;
        v->label = r[i].label;
        size_t k = 0, m = 0;
        for (size_t q = first; q < last; q++) {
            const tl_raw *x = &r[members[q]];
            src[k++] = x->src;
            if (precision(x->date) > precision(v->date))
                v->date = x->date;
            for (size_t a = 0; a < x->n_actors; a++) {
                size_t b = 0;
                while (b < m && strcmp(ids[b], x->actors[a]))
                    b++;
                if (b == m) {
                    ids[m] = x->actors[a];
                    names[m++] = x->names[a];
                }
            }
        }
        v->sources = src;
        v->n_sources = ns;
        v->actors = ids;
        v->actor_names = names;
        v->n_actors = m;
    }
    free(cnt);
    free(members);
    if (rc != CHR_OK)
        return rc;
    /* entries follow their first source's date; a merged date may be more precise */
    return CHR_OK;
}

size_t chr_timeline_count(const chr_timeline *tl)
{
    return tl ? tl->entries.len : 0;
}

int chr_timeline_entry(const chr_timeline *tl, size_t i, chr_timeline_view *out)
{
    if (!tl || !out || i >= tl->entries.len)
        return CHR_ERR_ARG;
    *out = VEC_AT(&tl->entries, chr_timeline_view, i);
    return CHR_OK;
}

char *timeline_json_print(chr_timeline *tl, size_t limit, size_t *len)
{
    if (!tl)
        return NULL;
    if (!tl->built && chr_timeline_build(tl) != CHR_OK)
        return NULL;
    size_t n = tl->entries.len;
    if (limit && limit < n)
        n = limit;
    cJSON *root = cJSON_CreateObject(), *arr = cJSON_CreateArray();
    int bad = !root || !arr || !cJSON_AddNumberToObject(root, "total", (double)tl->entries.len) ||
              !cJSON_AddItemToObject(root, "events", arr);
    if (bad)
        cJSON_Delete(arr);
    for (size_t i = 0; !bad && i < n; i++) {
        const chr_timeline_view *v = &VEC_AT(&tl->entries, chr_timeline_view, i);
        cJSON *e = cJSON_CreateObject(), *ac = cJSON_CreateArray(), *sr = cJSON_CreateArray();
        bad = !e || !ac || !sr;
        bad |= !cJSON_AddStringToObject(e, "date", v->date) || !cJSON_AddStringToObject(e, "type", v->type) ||
               !cJSON_AddStringToObject(e, "label", v->label);
        for (size_t k = 0; !bad && k < v->n_actors; k++) {
            cJSON *a = cJSON_CreateObject();
            bad = !a || !cJSON_AddStringToObject(a, "id", v->actors[k]) ||
                  !cJSON_AddStringToObject(a, "name", v->actor_names[k]) || !cJSON_AddItemToArray(ac, a);
        }
        for (size_t k = 0; !bad && k < v->n_sources; k++) {
            const chr_timeline_source *s = &v->sources[k];
            cJSON *o = cJSON_CreateObject();
            bad = !o || !cJSON_AddStringToObject(o, "doc", s->doc) ||
                  !cJSON_AddNumberToObject(o, "start", (double)s->start) ||
                  !cJSON_AddNumberToObject(o, "end", (double)s->end) ||
                  !cJSON_AddStringToObject(o, "trigger", s->trigger) ||
                  !cJSON_AddStringToObject(o, "status", s->status) || !cJSON_AddItemToArray(sr, o);
        }
        if (!bad) {
            cJSON_AddItemToObject(e, "actors", ac);
            cJSON_AddItemToObject(e, "sources", sr);
            cJSON_AddItemToArray(arr, e);
        } else {
            cJSON_Delete(e);
            cJSON_Delete(ac);
            cJSON_Delete(sr);
        }
    }
    char *s = bad ? NULL : cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    if (!s)
        return NULL;
    /* callers free with free() (chr_free), whatever allocator cJSON uses */
    size_t sl = strlen(s);
    char *out = malloc(sl + 1);
    if (out) {
        memcpy(out, s, sl + 1);
        if (len)
            *len = sl;
    }
    cJSON_free(s);
    return out;
}

const char *chr_timeline_json(chr_timeline *tl, size_t *len)
{
    if (!tl)
        return NULL;
    if (!tl->json && !(tl->json = timeline_json_print(tl, 0, &tl->json_len)))
        return NULL;
    if (len)
        *len = tl->json_len;
    return tl->json;
}
