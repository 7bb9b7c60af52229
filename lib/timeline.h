/* timeline.h: adding events to a timeline from something other than a
 * result (the folder index stores its events in its own records). */
#ifndef CHR_TIMELINE_H
#define CHR_TIMELINE_H
#include "chronicle.h"

typedef struct tl_event_in {
    const char *date, *type, *label;
    size_t n_actors;
    const char *const *actors, *const *names;
    const unsigned char *person;  /* per actor: a person (one shared person merges) */
    const char *doc, *trigger, *status;
    size_t start, end;
} tl_event_in;

int timeline_add_event(chr_timeline *tl, const tl_event_in *ev);
/* The JSON of the first limit entries (0: all) with the total count; the
 * caller frees it with free(). */
char *timeline_json_print(chr_timeline *tl, size_t limit, size_t *len);
#endif
