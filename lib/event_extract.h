/* event_extract.h: who did what to whom, when. A trigger word (访问, thăm,
 * visited …) from data/event_triggers.tsv, the entities of its clause as
 * actors, the date of its clause (else of its sentence, else the running date
 * of the text), a CAMEO root code, and whether it happened, is planned or is
 * denied. */
#ifndef CHR_EVENT_EXTRACT_H
#define CHR_EVENT_EXTRACT_H
#include <stddef.h>
#include <stdint.h>
#include "gazetteer.h"
#include "text_normalize.h"
#include "vec.h"

struct chr_engine;
struct tx_found;
struct ent_found;

typedef struct ev_trigger {
    char code[3];
    const char *label;
    uint8_t lang;    /* LANG_* */
    uint8_t subj;    /* needs an actor right before it */
    uint8_t deal;    /* signing: 05 or 06 by context */
    uint8_t invite;  /* an invitation: no event when another one answers it */
} ev_trigger;

typedef struct ev_lexicon {
    char *buf;
    vec triggers;    /* ev_trigger */
    gazetteer gaz;   /* folded trigger -> index */
    uint64_t stamp;  /* hash of the lexicon file */
} ev_lexicon;

enum { EV_HAPPENED, EV_PLANNED, EV_NEGATED };

typedef struct ev_found {
    size_t start, end;        /* trigger, norm offsets */
    size_t sent_start, sent_end;
    uint32_t trigger;         /* index into the lexicon */
    char code[3];
    long timex;               /* index into the timexes, or -1 */
    const char *date_source;  /* "clause", "sentence", "carried" or NULL */
    uint8_t status;
    uint8_t nactors;
    uint32_t actors[4];       /* indexes into the entities */
    long place;               /* entity index or -1 */
} ev_found;

int ev_lexicon_load(ev_lexicon *lx, const struct chr_engine *e, const char *dir, char *msg,
                    size_t msglen);
void ev_lexicon_free(ev_lexicon *lx);
/* timexes: tx_found[] (ntx); ents: ent_found[] (nent), both sorted by start. */
int event_extract(const struct chr_engine *e, const chr_text *t, const struct tx_found *tx,
                  size_t ntx, const struct ent_found *ents, size_t nent, vec *out);
const char *ev_status_name(int status);
#endif
