/* markup_mask.h: finds the parts of a page that are not prose (Markdown link
 * targets, URLs, image file names, HTML comments and tags, YAML keys, wiki
 * link targets, footnote marks) so that nothing inside them is annotated. */
#ifndef CHR_MARKUP_MASK_H
#define CHR_MARKUP_MASK_H
#include <stddef.h>
#include "vec.h"
struct chr_engine;

/* Fills masks (byte_span, sorted, merged). Returns 0 or a negative chr_status. */
int markup_find(const struct chr_engine *e, const char *s, size_t len, vec *masks);
#endif
