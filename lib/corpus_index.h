/* corpus_index.h: the folder index's records, shared by the indexer
 * (corpus_index.c), its cache file (index_store.c) and its queries
 * (index_query.c). */
#ifndef CHR_CORPUS_INDEX_H
#define CHR_CORPUS_INDEX_H
#include <uv.h>
#include <stdatomic.h>
#include "chronicle.h"
#include "strtab.h"
#include "vec.h"

typedef struct ix_mention {
    uint32_t ent;              /* index into ix->ents */
    uint32_t start, end, line; /* bytes; line is 1-based */
} ix_mention;

typedef struct ix_event {
    uint32_t start, end, line;
    uint32_t date, type, label, trigger; /* strtab */
    uint8_t status, nactors;
    uint32_t actors[4];        /* indexes into ix->ents */
} ix_event;

typedef struct ix_file {
    uint32_t path;             /* strtab: absolute path */
    uint64_t size;
    int64_t mtime_ns;
    uint64_t hash;             /* FNV-1a 64 of the bytes */
    uint32_t dct, lang, reason; /* strtab; reason is why it was skipped, or "" */
    uint8_t skipped, alive, seen;
    uint32_t nment, nev;
    ix_mention *ments;         /* decoded; or NULL with the mentions still encoded in blob */
    const uint8_t *blob;       /* varint-encoded mentions inside ix->cache_buf */
    uint32_t blob_len;
    ix_event *evs;
} ix_file;

typedef struct ix_ent {
    uint32_t id, name;         /* strtab */
    uint8_t type;              /* ENT_* */
} ix_ent;

struct chr_index {
    const chr_engine *e;
    char *cache_path;
    char *root;
    uv_mutex_t mu;             /* guards everything below except the loop's own handles */
    uv_mutex_t pmu;            /* guards pub only: progress is read while a long query holds mu */
    chr_index_progress pub;    /* prog as of the last ix_unlock */
    int pub_over;              /* first_pass_over, likewise */
    uv_cond_t pcond;           /* with pmu: signalled at each publish */
    strtab st;
    vec files;                 /* ix_file */
    cpmap by_path;             /* path strid -> file index */
    vec ents;                  /* ix_ent */
    cpmap ent_by_id;           /* id strid -> ent index */
    chr_index_progress prog;
    /* postings for related-event queries, rebuilt when the generation moves */
    unsigned long post_gen;
    int post_valid;
    cpmap post_head;           /* ent -> first posting */
    cpmap date_head;           /* date strid -> first posting of that date */
    cpmap post_count;          /* ent -> number of its postings */
    vec post;                  /* ix_posting */
    int dirty;                 /* changed since the cache was written or read */
    uint8_t *cache_buf;        /* the loaded cache: encoded mentions point into it */
    /* the background thread and its loop */
    chr_index_options opt;
    char exts[256];
    int thread_started;
    uv_thread_t thread;
    int first_pass_over;
    atomic_int cancel, stop;   /* read and set without mu: cancelling never waits for a query */
    uv_loop_t *loop;
    uv_async_t *wake;
};

typedef struct ix_posting {
    uint32_t file, event;
    uint32_t next;             /* next posting of the same entity, UINT32_MAX ends */
} ix_posting;

/* Copies prog to what chr_index_progress_get reads (under pmu only). */
void ix_publish(chr_index *ix);
/* Unlocks mu after publishing prog. */
void ix_unlock(chr_index *ix);
/* entity index of an id (adding it with its name and type) */
uint32_t ix_entity(chr_index *ix, const char *id, const char *name, int type);
void ix_file_clear(ix_file *f);
int ix_save_locked(chr_index *ix, chr_error *err);
int ix_serialize_locked(chr_index *ix, char **out, size_t *outlen, chr_error *err);
int ix_write_file(const char *path, const char *data, size_t len, chr_error *err);
/* The mentions of a file, decoded when the cache left them encoded; NULL
 * when out of memory. *tmp (initialised by the caller, sizeof(ix_mention))
 * holds them in that case; free it after. */
const ix_mention *ix_mentions(const ix_file *f, vec *tmp);
/* Appends the varint encoding of mentions to out (0 or -1 on no memory). */
int ix_encode_mentions(const ix_mention *m, uint32_t n, vec *out);
/* postings for related-event queries (under the lock); 0 or -1 */
int ix_build_postings(chr_index *ix);
/* loads the cache; returns 0, or -1 with why (the index is left empty) */
int ix_load(chr_index *ix, char *why, size_t whylen);
uint64_t ix_engine_stamp(const chr_engine *e);
#endif
