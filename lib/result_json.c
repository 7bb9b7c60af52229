/* result_json.c: the SPEC §3 JSON object of a result. Each mention is built
 * as a small cJSON object, printed and appended, so a document with millions
 * of mentions never holds a tree of all of them at once. */
#include "result.h"
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

typedef struct sbuf {
    char *p;
    size_t len, cap;
    int bad;
} sbuf;

static void sb_add(sbuf *b, const char *s, size_t n)
{
    if (b->bad)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n + 1)
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
    b->p[b->len] = '\0';
}

static void sb_str(sbuf *b, const char *s)
{
    sb_add(b, s, strlen(s));
}

/* prints o (and frees it); a NULL o means an allocation failed */
static void sb_json(sbuf *b, cJSON *o)
{
    char *s = o ? cJSON_PrintUnformatted(o) : NULL;
    if (!s)
        b->bad = 1;
    else
        sb_str(b, s);
    cJSON_free(s);
    cJSON_Delete(o);
}

static cJSON *str_or_null(const char *s)
{
    return s ? cJSON_CreateString(s) : cJSON_CreateNull();
}

static void add(cJSON *o, const char *k, cJSON *v, int *bad)
{
    if (!v || !cJSON_AddItemToObject(o, k, v)) {
        cJSON_Delete(v);
        *bad = 1;
    }
}

static void push(cJSON *a, cJSON *v, int *bad)
{
    if (!v || !cJSON_AddItemToArray(a, v)) {
        cJSON_Delete(v);
        *bad = 1;
    }
}

static cJSON *span_object(size_t start, size_t end, int *bad)
{
    cJSON *x = cJSON_CreateObject();
    if (x) {
        add(x, "start", cJSON_CreateNumber((double)start), bad);
        add(x, "end", cJSON_CreateNumber((double)end), bad);
    }
    return x;
}

static cJSON *entity_json(const chr_entity_view *e, int *bad)
{
    cJSON *x = span_object(e->start, e->end, bad);
    if (x) {
        add(x, "text", cJSON_CreateString(e->text), bad);
        add(x, "type", cJSON_CreateString(e->type), bad);
        add(x, "id", str_or_null(e->id), bad);
        add(x, "name", str_or_null(e->name), bad);
        add(x, "source", str_or_null(e->source), bad);
    }
    return x;
}

static cJSON *timex_json(const chr_timex_view *t, int *bad)
{
    cJSON *x = span_object(t->start, t->end, bad);
    if (x) {
        add(x, "text", cJSON_CreateString(t->text), bad);
        add(x, "type", cJSON_CreateString(t->type), bad);
        add(x, "value", cJSON_CreateString(t->value), bad);
        add(x, "mod", str_or_null(t->mod), bad);
        add(x, "end_value", str_or_null(t->end_value), bad);
    }
    return x;
}

static cJSON *event_json(const chr_event_view *v, int *bad)
{
    cJSON *x = span_object(v->start, v->end, bad);
    if (!x)
        return NULL;
    add(x, "trigger", cJSON_CreateString(v->trigger), bad);
    add(x, "type", cJSON_CreateString(v->type), bad);
    add(x, "label", str_or_null(v->label), bad);
    add(x, "date", str_or_null(v->date), bad);
    add(x, "timex", v->timex >= 0 ? cJSON_CreateNumber((double)v->timex) : cJSON_CreateNull(), bad);
    cJSON *ac = cJSON_CreateArray();
    for (size_t k = 0; ac && k < v->n_actors; k++)
        push(ac, cJSON_CreateString(v->actors[k]), bad);
    add(x, "actors", ac, bad);
    add(x, "status", str_or_null(v->status), bad);
    add(x, "place", str_or_null(v->place), bad);
    add(x, "date_source", str_or_null(v->date_source), bad);
    cJSON *sent = cJSON_CreateArray();
    if (sent) {
        push(sent, cJSON_CreateNumber((double)v->sentence_start), bad);
        push(sent, cJSON_CreateNumber((double)v->sentence_end), bad);
    }
    add(x, "sentence", sent, bad);
    return x;
}

int result_build_json(chr_result *r)
{
    sbuf b = {NULL, 0, 0, 0};
    int bad = 0;
    cJSON *head = cJSON_CreateObject();
    if (head) {
        add(head, "version", cJSON_CreateNumber(1), &bad);
        add(head, "lang", cJSON_CreateString(r->lang), &bad);
        add(head, "dct", str_or_null(r->dct[0] ? r->dct : NULL), &bad);
        add(head, "dct_source", str_or_null(r->dct_source), &bad);
    }
    /* the head object without its closing brace, then the arrays */
    char *hs = head && !bad ? cJSON_PrintUnformatted(head) : NULL;
    cJSON_Delete(head);
    size_t hl = hs ? strlen(hs) : 0;
    if (hl < 2) { /* at least "{}" */
        cJSON_free(hs);
        return CHR_ERR_NOMEM;
    }
    sb_add(&b, hs, hl - 1);
    cJSON_free(hs);
    sb_str(&b, ",\"entities\":[");
    for (size_t i = 0; i < r->nentity && !b.bad; i++) {
        if (i)
            sb_add(&b, ",", 1);
        sb_json(&b, entity_json(&r->entities[i], &bad));
    }
    sb_str(&b, "],\"timexes\":[");
    for (size_t i = 0; i < r->ntimex && !b.bad; i++) {
        if (i)
            sb_add(&b, ",", 1);
        sb_json(&b, timex_json(&r->timexes[i], &bad));
    }
    sb_str(&b, "],\"events\":[");
    for (size_t i = 0; i < r->nevent && !b.bad; i++) {
        if (i)
            sb_add(&b, ",", 1);
        sb_json(&b, event_json(&r->events[i], &bad));
    }
    sb_str(&b, "]");
    if (r->ninvalid) {
        sb_str(&b, ",\"invalid_utf8\":[");
        for (size_t i = 0; i < r->ninvalid && !b.bad; i++) {
            cJSON *pair = cJSON_CreateArray();
            if (pair) {
                push(pair, cJSON_CreateNumber((double)r->invalid[i].start), &bad);
                push(pair, cJSON_CreateNumber((double)r->invalid[i].end), &bad);
            }
            if (i)
                sb_add(&b, ",", 1);
            sb_json(&b, pair);
        }
        sb_str(&b, "]");
    }
    sb_str(&b, "}");
    if (b.bad || bad) {
        free(b.p);
        return CHR_ERR_NOMEM;
    }
    r->json = b.p; /* owned by the result, freed in chr_result_free */
    r->json_len = b.len;
    return CHR_OK;
}
