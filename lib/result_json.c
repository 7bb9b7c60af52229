/* result_json.c: the SPEC §3 JSON object of a result, through cJSON. */
#include "result.h"
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

static cJSON *str_or_null(const char *s)
{
    return s ? cJSON_CreateString(s) : cJSON_CreateNull();
}

/* cJSON returns NULL on allocation failure; one flag collects them all. */
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

int result_build_json(chr_result *r)
{
    int bad = 0;
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return CHR_ERR_NOMEM;
    add(o, "version", cJSON_CreateNumber(1), &bad);
    add(o, "lang", cJSON_CreateString(r->lang), &bad);
    add(o, "dct", str_or_null(r->dct[0] ? r->dct : NULL), &bad);
    add(o, "dct_source", str_or_null(r->dct_source), &bad);
    cJSON *ents = cJSON_CreateArray();
    for (size_t i = 0; ents && i < r->nentity; i++) {
        const chr_entity_view *e = &r->entities[i];
        cJSON *x = cJSON_CreateObject();
        if (x) {
            add(x, "start", cJSON_CreateNumber((double)e->start), &bad);
            add(x, "end", cJSON_CreateNumber((double)e->end), &bad);
            add(x, "text", cJSON_CreateString(e->text), &bad);
            add(x, "type", cJSON_CreateString(e->type), &bad);
            add(x, "id", str_or_null(e->id), &bad);
            add(x, "name", str_or_null(e->name), &bad);
            add(x, "source", str_or_null(e->source), &bad);
        }
        push(ents, x, &bad);
    }
    add(o, "entities", ents, &bad);
    cJSON *txs = cJSON_CreateArray();
    for (size_t i = 0; txs && i < r->ntimex; i++) {
        const chr_timex_view *t = &r->timexes[i];
        cJSON *x = cJSON_CreateObject();
        if (x) {
            add(x, "start", cJSON_CreateNumber((double)t->start), &bad);
            add(x, "end", cJSON_CreateNumber((double)t->end), &bad);
            add(x, "text", cJSON_CreateString(t->text), &bad);
            add(x, "type", cJSON_CreateString(t->type), &bad);
            add(x, "value", cJSON_CreateString(t->value), &bad);
            add(x, "mod", str_or_null(t->mod), &bad);
            add(x, "end_value", str_or_null(t->end_value), &bad);
        }
        push(txs, x, &bad);
    }
    add(o, "timexes", txs, &bad);
    cJSON *evs = cJSON_CreateArray();
    for (size_t i = 0; evs && i < r->nevent; i++) {
        const chr_event_view *v = &r->events[i];
        cJSON *x = cJSON_CreateObject();
        if (x) {
            add(x, "start", cJSON_CreateNumber((double)v->start), &bad);
            add(x, "end", cJSON_CreateNumber((double)v->end), &bad);
            add(x, "trigger", cJSON_CreateString(v->trigger), &bad);
            add(x, "type", cJSON_CreateString(v->type), &bad);
            add(x, "label", str_or_null(v->label), &bad);
            add(x, "date", str_or_null(v->date), &bad);
            add(x, "timex", v->timex >= 0 ? cJSON_CreateNumber((double)v->timex) : cJSON_CreateNull(), &bad);
            cJSON *ac = cJSON_CreateArray();
            for (size_t k = 0; ac && k < v->n_actors; k++)
                push(ac, cJSON_CreateString(v->actors[k]), &bad);
            add(x, "actors", ac, &bad);
            cJSON *sent = cJSON_CreateArray();
            if (sent) {
                push(sent, cJSON_CreateNumber((double)v->sentence_start), &bad);
                push(sent, cJSON_CreateNumber((double)v->sentence_end), &bad);
            }
            add(x, "sentence", sent, &bad);
        }
        push(evs, x, &bad);
    }
    add(o, "events", evs, &bad);
    if (r->ninvalid) {
        cJSON *inv = cJSON_CreateArray();
        for (size_t i = 0; inv && i < r->ninvalid; i++) {
            cJSON *pair = cJSON_CreateArray();
            if (pair) {
                push(pair, cJSON_CreateNumber((double)r->invalid[i].start), &bad);
                push(pair, cJSON_CreateNumber((double)r->invalid[i].end), &bad);
            }
            push(inv, pair, &bad);
        }
        add(o, "invalid_utf8", inv, &bad);
    }
    char *s = bad ? NULL : cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    if (!s)
        return CHR_ERR_NOMEM;
    size_t n = strlen(s);
    r->json = arena_strndup(&r->mem, s, n);
    cJSON_free(s);
    if (!r->json)
        return CHR_ERR_NOMEM;
    r->json_len = n;
    return CHR_OK;
}
