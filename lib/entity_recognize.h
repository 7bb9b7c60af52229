/* entity_recognize.h: people, places, countries and organisations in a
 * document: knowledge-base names first, then rules for the names it lacks,
 * then what the document itself teaches (a name found once is found again). */
#ifndef CHR_ENTITY_RECOGNIZE_H
#define CHR_ENTITY_RECOGNIZE_H
#include <stddef.h>
#include <stdint.h>
#include "text_normalize.h"
#include "vec.h"

struct chr_engine;

typedef struct ent_found {
    size_t start, end;  /* norm offsets */
    long kb;            /* knowledge-base index, or -1 */
    uint8_t type;       /* ENT_* */
    uint8_t rank;       /* which pass found it: lower wins overlaps of equal length */
    char id[20];
    const char *source;
} ent_found;

/* Fills the engine's tables (country abbreviations, titles, surnames).
 * Returns 0 or a negative chr_status. */
int entity_engine_init(struct chr_engine *e);
void entity_engine_free(struct chr_engine *e);
/* Appends the document's entities (sorted, non-overlapping) to out. bits
 * (bytes) and spill (ent_found) are working memory, kept by the caller for
 * the next document. */
int entity_find(const struct chr_engine *e, const chr_text *t, vec *out, vec *bits, vec *spill);
#endif
