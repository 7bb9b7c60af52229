/* engine.h: what a loaded engine holds. Everything here is written once by
 * chr_engine_new and only read afterwards, so one engine serves many threads. */
#ifndef CHR_ENGINE_H
#define CHR_ENGINE_H
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include "arena.h"
#include "cpmap.h"
#include "start_filter.h"
#include "knowledge_base.h"
#include "event_extract.h"
#include "workspace.h"

struct chr_engine {
    cpmap t2s;        /* traditional -> simplified, outside the BMP (the BMP is t2s_bmp) */
    uint32_t *t2s_bmp;        /* the same for the BMP as a direct table (0 = none) */
    uint8_t simp_bits[0x10000 / 8]; /* simp_only for the BMP as a bitmap */
    uint8_t trad_bits[0x10000 / 8]; /* BMP characters t2s_bmp maps: checked first, it stays in cache */
    cpmap simp_only;  /* simplified characters that have a traditional form */
    cpmap compose;    /* (base << 21 | mark) -> composed */
    cpmap decompose;  /* composed -> base letter (for diacritic-blind ids) */
    knowledge_base kb;
    ev_lexicon events;
    cpmap hanviet;    /* character outside the BMP -> offset of its Sino-Vietnamese reading in hanviet_pool */
    uint32_t *hanviet_bmp;    /* the same for the BMP as a direct table: offset + 1, 0 = none */
    char *hanviet_pool;
    size_t hanviet_len, hanviet_cap;
    long abbrev[32];  /* knowledge-base entity of each one-character country abbreviation */
    cpmap abbrev_of;  /* code point -> index into abbrev */
    cpmap title_words, surnames; /* first words of Latin titles; Vietnamese surnames */
    cpmap kb_short;   /* hash of the word a known person is called by alone -> entity (UINT32_MAX: two share it) */
    uint8_t zh_title_first[0x10000 / 8]; /* first characters of Chinese titles */
    cpmap zh_title_pairs;                /* their first two characters */
    uint8_t abbrev_bits[0x10000 / 8];    /* the abbreviation characters */
    uint8_t zh_org_first[0x10000 / 8];   /* first characters of what makes a country a body (外交部 …) */
    pcre2_code *dateline_re; /* dates in header lines */
    start_filter starts;     /* where a date expression can begin */
    uint64_t data_stamp;     /* contents of the folding tables (t2s.tsv ...) */
    ws_pool *pool;           /* working memory kept between annotations (locked inside) */
    arena_cache *blocks;     /* results' memory, kept when they are freed (locked inside) */
};

/* Saves the knowledge base's name index to data_dir (see gazetteer_image.h):
 * for `make`, through `chronicle prepare-data`. Returns 0 or a negative
 * chr_status with err filled. */
/* The simplified form of a traditional character, or 0. */
static inline uint32_t engine_t2s(const struct chr_engine *e, uint32_t cp)
{
    uint32_t s;
    if (cp < 0x10000)
        return e->t2s_bmp[cp];
    return cpmap_get(&e->t2s, cp, &s) ? s : 0;
}

/* The Sino-Vietnamese reading of a character, or NULL. */
static inline const char *engine_hanviet(const struct chr_engine *e, uint32_t cp)
{
    uint32_t off;
    if (cp < 0x10000)
        return e->hanviet_bmp[cp] ? e->hanviet_pool + e->hanviet_bmp[cp] - 1 : NULL;
    return cpmap_get(&e->hanviet, cp, &off) ? e->hanviet_pool + off : NULL;
}

struct chr_error;
int engine_save_name_index(const struct chr_engine *e, const char *data_dir, struct chr_error *err);
#endif
