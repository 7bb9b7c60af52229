/* knowledge_base.h: the entities of data/kb.tsv (people, places, countries,
 * organisations with their names in English, Chinese and Vietnamese) and the
 * gazetteer built from every name. */
#ifndef CHR_KNOWLEDGE_BASE_H
#define CHR_KNOWLEDGE_BASE_H
#include <stddef.h>
#include <stdint.h>
#include "gazetteer.h"

struct chr_engine;

enum { ENT_PERSON, ENT_GPE, ENT_LOC, ENT_ORG };

typedef struct kb_entity {
    const char *id, *name, *en, *zh, *vi, *desc, *from, *to, *country;
    uint8_t type;
    uint8_t polity;     /* a country or historical state (not a city) */
} kb_entity;

typedef struct knowledge_base {
    char *buf;          /* the file, split in place */
    kb_entity *ents;
    size_t n;
    gazetteer gaz;
    cpmap by_id;        /* hash of id -> index */
    uint8_t translit[0xA000 / 8]; /* characters of Chinese transliterations of foreign names */
    uint64_t stamp;     /* hash of kb.tsv: a cache built with other data is stale */
    size_t buf_len;
} knowledge_base;

/* Loads data_dir/kb.tsv; a missing file gives an empty knowledge base (dates
 * still work). Returns 0 or a negative chr_status with msg filled. */
int kb_load(knowledge_base *kb, const struct chr_engine *e, const char *data_dir, char *msg,
            size_t msglen);
void kb_free(knowledge_base *kb);
/* Writes the name index of kb to data_dir/kb.names.bin, for the next
 * kb_load to map instead of building. Returns 0 or a negative chr_status. */
int kb_save_name_index(const knowledge_base *kb, const struct chr_engine *e, const char *data_dir,
                       char *msg, size_t msglen);
const char *kb_type_name(int type);
/* index of an id, or -1 */
long kb_find_id(const knowledge_base *kb, const char *id);
/* The folded form of a name as the gazetteer keys it; out holds 4 * n + 1. */
size_t kb_fold(const struct chr_engine *e, const char *s, size_t n, char *out);
/* "L" + 16 hex digits: the id of a name the knowledge base lacks (and of KB
 * entries without a Wikidata id): FNV-1a 64 of the name lower-cased, without
 * diacritics, đ as d, spaces collapsed. out holds 18 bytes. */
void kb_local_id(const struct chr_engine *e, const char *name, size_t n, char *out);
/* The hash behind that id. */
uint64_t kb_local_hash(const struct chr_engine *e, const char *name, size_t n);
static inline int kb_is_translit(const knowledge_base *kb, uint32_t cp)
{
    return cp < 0xA000 && (kb->translit[cp >> 3] >> (cp & 7)) & 1;
}
#endif
