/* timex_extract.h: runs the date scanners over a normalised document and
 * resolves what they find, in reading order. */
#ifndef CHR_TIMEX_EXTRACT_H
#define CHR_TIMEX_EXTRACT_H
#include "text_normalize.h"
#include "timex.h"
#include "vec.h"
struct start_filter;

typedef struct tx_found {
    size_t start, end;   /* norm offsets */
    size_t line;
    tx_sem sem;
    char value[32];
    char end_value[32];
} tx_found;

/* Appends tx_found items to out. Returns 0 or a negative chr_status. */
int timex_extract(const chr_text *t, const struct start_filter *flt, int doc_lang,
                  const tx_clock *dct, vec *out);
#endif
