/* workspace.h: the working memory of one annotation (the normalised text,
 * the lists of dates, names and events found, the matchers' bitmaps),
 * kept by the engine for the next annotation.
 *
 * Why: a 10 MB document needs some 60 MB of working memory, and fresh
 * memory costs a page fault and a zeroed page per 4 KB (per 2 MB with huge
 * pages); on a virtual machine that was a tenth of the time of an
 * annotation. Re-annotating a buffer after an edit, and indexing a folder,
 * annotate again and again: they now reuse what the last one grew.
 *
 * The engine keeps two workspaces (two threads annotating at once reuse
 * theirs), each at most WS_KEEP_BYTES (a document of ~20 MB); bigger ones
 * are freed when the annotation ends, and chr_engine_trim frees all of
 * them (the Neovim plugin calls it when a buffer goes away). */
#ifndef CHR_WORKSPACE_H
#define CHR_WORKSPACE_H
#include <pthread.h>
#include <stddef.h>
#include "text_normalize.h"
#include "vec.h"

enum { WS_KEEP = 2 };
#define WS_KEEP_BYTES ((size_t)128 << 20)

typedef struct workspace {
    struct workspace *next;
    chr_text text;
    vec masks;   /* byte_span */
    vec found;   /* tx_found */
    vec ents;    /* ent_found */
    vec evs;     /* ev_found */
    vec bits;    /* bytes: the entity matcher's "covered" bitmap */
    vec spill;   /* ent_found: the entity matcher's merge buffer */
} workspace;

typedef struct ws_pool {
    pthread_mutex_t lock;
    workspace *spare;
    int count;
} ws_pool;

int ws_pool_init(ws_pool *p);
/* Frees the pool and every workspace it keeps. */
void ws_pool_free(ws_pool *p);
/* Frees the workspaces kept (those in use are freed when given back). */
void ws_pool_trim(ws_pool *p);
/* A workspace with every list empty: a kept one, or a new one; NULL when
 * out of memory. */
workspace *ws_take(ws_pool *p);
/* Gives w back: kept when the pool has room and w is not too big. */
void ws_give(ws_pool *p, workspace *w);
#endif
