/* gazetteer_image.h: the knowledge base's name index (the gazetteer and the
 * transliteration characters) saved to a file by `make` and mapped back
 * when an engine starts.
 *
 * Why: folding 18,000 names and building their trie took two thirds of the
 * engine's start-up. The image is a local cache next to kb.tsv, not data:
 * it is used only when its stamp matches the knowledge base, the tables it
 * was folded with and this build of the library, and only after its
 * structure checks out; otherwise the engine builds the index from kb.tsv
 * as before. Nothing is lost when it is missing, stale or damaged. */
#ifndef CHR_GAZETTEER_IMAGE_H
#define CHR_GAZETTEER_IMAGE_H
#include <stddef.h>
#include <stdint.h>
#include "gazetteer.h"

#define GAZ_IMAGE_FILE "kb.names.bin"

/* Writes g (finished) and translit (nbits / 8 bytes) to path atomically.
 * base: the buffer the names' orig pointers point into. Returns 0 or a
 * negative chr_status with msg filled. */
int gaz_image_save(const gazetteer *g, const uint8_t *translit, size_t translit_len,
                   const char *base, size_t base_len, uint64_t stamp, const char *path,
                   char *msg, size_t msglen);
/* Loads path into g (initialised, no names added) and translit when its stamp
 * is stamp and it is sound (every name of one of the nents entities, inside
 * base). Returns 1 when loaded, 0 when the image is missing or unusable (g
 * and translit untouched), or CHR_ERR_NOMEM. */
int gaz_image_load(gazetteer *g, uint8_t *translit, size_t translit_len, const char *base,
                   size_t base_len, uint32_t nents, uint64_t stamp, const char *path);
#endif
