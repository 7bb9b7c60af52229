/*
 * chronicle.h: public API of libchronicle.
 *
 * One engine (loaded once from a data directory, read-only afterwards, safe to
 * share between threads) annotates UTF-8 text; every call returns a result
 * the caller owns. The engine keeps the working memory of its last few
 * annotations for the next ones (chr_engine_trim gives it back). Offsets are byte offsets into the caller's text, end
 * exclusive. Nothing here aborts: failures come back as NULL plus a filled
 * chr_error, or as a negative chr_status.
 *
 * The block between CHR_CDEF_BEGIN and CHR_CDEF_END is read verbatim by the
 * Lua binding (ffi.cdef), so it holds plain declarations only: no macros, no
 * includes, no attributes.
 */
#ifndef CHRONICLE_H
#define CHRONICLE_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* the library is built with hidden visibility: what is declared here is
 * its exported API */
#if defined(__GNUC__)
#pragma GCC visibility push(default)
#endif

/* CHR_CDEF_BEGIN */

/* Bumped whenever a declaration below changes shape. */
enum { CHR_ABI_VERSION = 5 };

typedef enum chr_status {
    CHR_OK = 0,
    CHR_ERR_NOMEM = -1,   /* an allocation failed */
    CHR_ERR_ARG = -2,     /* a bad argument (NULL handle, bad DCT, index out of range) */
    CHR_ERR_IO = -3,      /* a data file could not be read */
    CHR_ERR_DATA = -4,    /* a data file is malformed */
    CHR_ERR_TOO_BIG = -5  /* input larger than the library accepts (4 GiB) */
} chr_status;

typedef struct chr_error {
    int code;             /* a chr_status */
    char message[256];    /* NUL-terminated, human readable */
} chr_error;

typedef struct chr_engine chr_engine;
typedef struct chr_result chr_result;

/* What to find; dates are always found (entities and events build on them). */
enum { CHR_FIND_ENTITIES = 1, CHR_FIND_EVENTS = 2, CHR_FIND_ALL = 3 };

typedef struct chr_options {
    const char *dct;      /* "YYYY-MM-DD" document creation time, or NULL to detect */
    const char *lang;     /* "zh", "vi" or "en": a hint only, or NULL */
    int skip;             /* CHR_FIND_* bits NOT wanted; 0 = everything (events need entities) */
} chr_options;

/* Mention kinds, for chr_result_count. */
typedef enum chr_kind {
    CHR_ENTITY = 0,
    CHR_TIMEX = 1,
    CHR_EVENT = 2
} chr_kind;

/* Views into a result: pointers stay valid until chr_result_free. Strings
 * that do not apply are NULL. */
typedef struct chr_timex_view {
    size_t start, end;
    const char *text;       /* the mention as written (NUL-terminated copy) */
    const char *type;       /* DATE, TIME, DURATION, SET */
    const char *value;      /* TIMEX3 value */
    const char *mod;        /* START, MID, END, APPROX, BEFORE, AFTER, ... or NULL */
    const char *end_value;  /* end of a compressed range, or NULL */
} chr_timex_view;

typedef struct chr_entity_view {
    size_t start, end;
    const char *text;
    const char *type;       /* PERSON, GPE, LOC, ORG */
    const char *id;         /* stable across documents and languages */
    const char *name;       /* display name */
    const char *source;     /* "kb" or the rule that found it */
} chr_entity_view;

typedef struct chr_event_view {
    size_t start, end;      /* the trigger */
    const char *trigger;
    const char *type;       /* CAMEO root, "01".."20" */
    const char *label;
    const char *date;       /* value of the anchoring timex, or NULL */
    long timex;             /* index into the timexes, or -1 */
    size_t sentence_start, sentence_end;
    size_t n_actors;
    const char *const *actors;  /* entity ids, source first */
    const char *status;         /* happened, planned, negated */
    const char *place;          /* entity id of the place, or NULL */
    const char *date_source;    /* clause, sentence, carried (the running date), or NULL */
} chr_event_view;

/* What the knowledge base knows of an entity, for hover cards. Empty
 * strings where it knows nothing; names are "|"-separated. */
typedef struct chr_kb_view {
    const char *id;
    const char *type;       /* PERSON, GPE, LOC, ORG */
    const char *name;       /* display name (English Wikipedia title) */
    const char *names_en, *names_zh, *names_vi;
    const char *description;
    const char *from, *to;  /* years of the office or existence described */
    const char *country;    /* ISO 3166-1 alpha-2 */
} chr_kb_view;

int chr_abi_version(void);
const char *chr_version(void);
const char *chr_status_message(int status);

chr_engine *chr_engine_new(const char *data_dir, chr_error *err);
void chr_engine_free(chr_engine *engine);
/* Frees the working memory the engine keeps between annotations (that of
 * its last two, up to 128 MB each, and up to 128 MB of freed results'
 * memory); the next annotation grows it again. Safe while other threads
 * annotate. */
void chr_engine_trim(const chr_engine *engine);

/* text need not be NUL-terminated; invalid UTF-8 and NUL bytes are skipped
 * (see chr_result_invalid_*) and the rest is annotated. A result's strings
 * may point into the engine (names, ids): read a result while its engine
 * lives; freeing it afterwards is fine. */
chr_result *chr_annotate(const chr_engine *engine, const char *text, size_t len,
                         const chr_options *opt, chr_error *err);
void chr_result_free(chr_result *result);

/* The SPEC §3 object. Owned by the result; *len (optional) gets its length. */
const char *chr_result_json(chr_result *result, size_t *len);

const char *chr_result_lang(const chr_result *result);        /* zh, zh-Hant, vi, en, und */
const char *chr_result_dct(const chr_result *result);         /* YYYY-MM-DD or NULL */
const char *chr_result_dct_source(const chr_result *result);  /* option, front_matter, dateline, or NULL */

size_t chr_result_count(const chr_result *result, chr_kind kind);
int chr_result_timex(const chr_result *result, size_t i, chr_timex_view *out);
int chr_result_entity(const chr_result *result, size_t i, chr_entity_view *out);
int chr_result_event(const chr_result *result, size_t i, chr_event_view *out);

/* Looks an entity id up in the engine's knowledge base: CHR_OK and *out
 * filled (valid while the engine lives), or CHR_ERR_ARG when unknown (ids of
 * names found by rule are not in it). */
int chr_engine_entity(const chr_engine *engine, const char *id, chr_kb_view *out);
/* Number of knowledge-base entities (for health checks). */
size_t chr_engine_entity_count(const chr_engine *engine);

/* A timeline: the events of several results in date order, the same
 * real-world event reported more than once (in one document or several, in
 * any language) merged into one entry that keeps every source mention. */
typedef struct chr_timeline chr_timeline;

typedef struct chr_timeline_source {
    const char *doc;        /* the name given to chr_timeline_add */
    size_t start, end;      /* the trigger's byte offsets in that document */
    const char *trigger;
    const char *status;
} chr_timeline_source;

typedef struct chr_timeline_view {
    const char *date;       /* the most precise date of the sources */
    const char *type;       /* CAMEO root of the first source */
    const char *label;
    size_t n_actors;
    const char *const *actors;       /* entity ids, union of the sources */
    const char *const *actor_names;  /* display names, same order */
    size_t n_sources;
    const chr_timeline_source *sources;
} chr_timeline_view;

chr_timeline *chr_timeline_new(chr_error *err);
/* Copies the dated events of a result (the result may be freed after). */
int chr_timeline_add(chr_timeline *tl, const chr_result *result, const char *doc);
/* Merges and sorts; call after the last add, before reading. */
int chr_timeline_build(chr_timeline *tl);
size_t chr_timeline_count(const chr_timeline *tl);
int chr_timeline_entry(const chr_timeline *tl, size_t i, chr_timeline_view *out);
const char *chr_timeline_json(chr_timeline *tl, size_t *len);
void chr_timeline_free(chr_timeline *tl);

/* A folder of articles, indexed in the background on libuv's thread pool
 * and kept in a cache file that reopens fast. Nothing calls back: poll
 * chr_index_progress_get (from a timer) to follow the work. */
typedef struct chr_index chr_index;

typedef struct chr_index_options {
    const char *extensions;  /* comma-separated ("md,txt"); NULL: md,markdown,txt */
    size_t max_bytes;        /* bigger files are skipped with a reason; 0: 16 MiB */
    int watch;               /* after the first pass, keep the index current as files change */
} chr_index_options;

enum {
    CHR_INDEX_IDLE = 0,      /* opened, not started */
    CHR_INDEX_SCANNING = 1,  /* walking the folder */
    CHR_INDEX_RUNNING = 2,   /* annotating what changed */
    CHR_INDEX_SAVING = 3,
    CHR_INDEX_READY = 4,     /* first pass over; queries see every file */
    CHR_INDEX_WATCHING = 5,  /* ready, and following changes */
    CHR_INDEX_CANCELLED = 6,
    CHR_INDEX_FAILED = 7
};

typedef struct chr_index_progress {
    int state;                    /* CHR_INDEX_* */
    size_t files_total;           /* candidate files found so far */
    size_t files_done;            /* annotated or reused */
    size_t files_reused;          /* unchanged since the cache was written */
    size_t files_skipped;         /* binary, too big, unreadable: see chr_index_files */
    size_t files_failed;
    unsigned long long bytes_done;
    unsigned long generation;     /* grows whenever what queries see changes */
    char message[256];            /* the latest problem, or "" */
} chr_index_progress;

/* Opens (or creates) the index kept in cache_path. A cache from another
 * schema, another engine data set, or one that fails its checksum is not
 * trusted: the index starts empty and is rebuilt. */
chr_index *chr_index_open(const chr_engine *engine, const char *cache_path, chr_error *err);
/* Starts indexing dir (recursively) in the background. Once a pass is over
 * (and the index is not watching), calling it again re-scans: only what
 * changed is read again. */
int chr_index_start(chr_index *ix, const char *dir, const chr_index_options *opt);
int chr_index_progress_get(chr_index *ix, chr_index_progress *out);
int chr_index_cancel(chr_index *ix);
/* Blocks until the first pass is over (for the command line). */
int chr_index_wait(chr_index *ix);
/* Writes the cache (temporary file, then rename: never a torn cache). */
int chr_index_save(chr_index *ix, chr_error *err);
/* Stops the background work and frees everything. */
void chr_index_free(chr_index *ix);

/* Queries return JSON the caller frees with chr_free (NULL on error). A
 * limit caps the lists of an answer (0: no cap); the answer still says how
 * many there are ("files_total", "events_total", "total"), so an editor can
 * ask for a screenful of an entity named in 10,000 files. */
char *chr_index_files(chr_index *ix, size_t *len);
/* Where an entity (id, or any name the index or the knowledge base knows) is
 * named: the files naming it most first, and its events in date order. */
char *chr_index_entity(chr_index *ix, const char *id_or_name, size_t limit, size_t *len);
/* The events related to the one at byte offset `byte` of a file (or, when
 * byte < 0, the last event on 1-based `line`): same day, shared actors. */
char *chr_index_related(chr_index *ix, const char *path, long line, long byte, size_t limit, size_t *len);
/* The folder's events in date order, merged across articles; from/to compare
 * on the precision written ("2015" keeps 2015-07), actor filters. */
char *chr_index_timeline(chr_index *ix, const char *from, const char *to, const char *actor, size_t limit,
                         size_t *len);
void chr_free(void *p);

/* Byte ranges that were not valid UTF-8 (or were NUL) and were skipped. */
size_t chr_result_invalid_count(const chr_result *result);
int chr_result_invalid_range(const chr_result *result, size_t i, size_t *start, size_t *end);

/* CHR_CDEF_END */

#if defined(__GNUC__)
#pragma GCC visibility pop
#endif

#ifdef __cplusplus
}
#endif
#endif
