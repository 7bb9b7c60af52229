/* dct.h: the document creation time: front matter `date:`, a dateline near
 * the top of the page (08:50 | 09/09/2023 GMT+7; 发布时间:2025-04-16 08:30;
 * Thứ Hai, 11/09/2023; 【新唐人2013年01月17日讯】), or the caller's option. */
#ifndef CHR_DCT_H
#define CHR_DCT_H
#include <stddef.h>
#include "text_normalize.h"
struct chr_engine;

typedef struct dct_found {
    int y, m, d;
    const char *source; /* "front_matter", "dateline", or NULL when none */
} dct_found;

void *dct_compile(char *errbuf, size_t errlen);
void dct_detect(const struct chr_engine *e, const chr_text *t, int day_first, dct_found *out);
/* Parses "YYYY-MM-DD"; returns 0 when valid. */
int dct_parse_iso(const char *s, int *y, int *m, int *d);
#endif
