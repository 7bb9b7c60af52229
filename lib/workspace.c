#include "workspace.h"
#include "entity_recognize.h"
#include "event_extract.h"
#include "timex_extract.h"
#include <stdlib.h>

static void ws_free(workspace *w)
{
    text_free(&w->text);
    vec_free(&w->masks);
    vec_free(&w->found);
    vec_free(&w->ents);
    vec_free(&w->evs);
    vec_free(&w->bits);
    vec_free(&w->spill);
    free(w);
}

static size_t ws_bytes(const workspace *w)
{
    const vec *v[] = {&w->masks, &w->found, &w->ents, &w->evs, &w->bits, &w->spill,
                      &w->text.segs, &w->text.invalid, &w->text.lines};
    size_t n = 2 * w->text.cap;
    for (size_t i = 0; i < sizeof v / sizeof *v; i++)
        n += v[i]->cap * v[i]->item;
    return n;
}

int ws_pool_init(ws_pool *p)
{
    p->spare = NULL;
    p->count = 0;
    return pthread_mutex_init(&p->lock, NULL) ? -1 : 0;
}

void ws_pool_trim(ws_pool *p)
{
    pthread_mutex_lock(&p->lock);
    workspace *w = p->spare;
    p->spare = NULL;
    p->count = 0;
    pthread_mutex_unlock(&p->lock);
    while (w) {
        workspace *n = w->next;
        ws_free(w);
        w = n;
    }
}

void ws_pool_free(ws_pool *p)
{
    ws_pool_trim(p);
    pthread_mutex_destroy(&p->lock);
}

workspace *ws_take(ws_pool *p)
{
    pthread_mutex_lock(&p->lock);
    workspace *w = p->spare;
    if (w) {
        p->spare = w->next;
        p->count--;
    }
    pthread_mutex_unlock(&p->lock);
    if (!w) {
        w = calloc(1, sizeof *w);
        if (!w)
            return NULL;
        text_init(&w->text);
        vec_init(&w->masks, sizeof(byte_span));
        vec_init(&w->found, sizeof(tx_found));
        vec_init(&w->ents, sizeof(ent_found));
        vec_init(&w->evs, sizeof(ev_found));
        vec_init(&w->bits, 1);
        vec_init(&w->spill, sizeof(ent_found));
    }
    w->next = NULL;
    w->masks.len = w->found.len = w->ents.len = w->evs.len = w->bits.len = w->spill.len = 0;
    return w;
}

void ws_give(ws_pool *p, workspace *w)
{
    if (!w)
        return;
    if (ws_bytes(w) <= WS_KEEP_BYTES) {
        pthread_mutex_lock(&p->lock);
        if (p->count < WS_KEEP) {
            w->next = p->spare;
            p->spare = w;
            p->count++;
            w = NULL;
        }
        pthread_mutex_unlock(&p->lock);
    }
    if (w)
        ws_free(w);
}
