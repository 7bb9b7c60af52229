/* result.h: what one chr_annotate call returns; every string lives in the
 * result's arena. */
#ifndef CHR_RESULT_H
#define CHR_RESULT_H
#include "chronicle.h"
#include "arena.h"
#include "text_normalize.h"

struct chr_result {
    arena mem;
    const char *lang;
    char dct[11];
    const char *dct_source;
    chr_timex_view *timexes;
    size_t ntimex;
    chr_entity_view *entities;
    size_t nentity;
    chr_event_view *events;
    size_t nevent;
    byte_span *invalid;
    size_t ninvalid;
    char *json; /* built on first request; malloc'd */
    size_t json_len;
};

/* Builds the SPEC §3 object; returns 0 or a negative chr_status. */
int result_build_json(chr_result *r);
#endif
