#include "knowledge_base.h"
#include "hash.h"
#include "engine.h"
#include "gazetteer_image.h"
#include "text_normalize.h"
#include "utf8.h"
#include "chronicle.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *kb_type_name(int type)
{
    static const char *n[] = {"PERSON", "GPE", "LOC", "ORG"};
    return type >= 0 && type <= ENT_ORG ? n[type] : "ORG";
}

static int parse_type(const char *s)
{
    if (!strcmp(s, "PERSON"))
        return ENT_PERSON;
    if (!strcmp(s, "GPE"))
        return ENT_GPE;
    if (!strcmp(s, "LOC"))
        return ENT_LOC;
    if (!strcmp(s, "ORG"))
        return ENT_ORG;
    return -1;
}

size_t kb_fold(const struct chr_engine *e, const char *s, size_t n, char *out)
{
    size_t p = 0, o = 0, k;
    while (p < n) {
        uint32_t cp = utf8_at(s, n, p, &k);
        o += utf8_encode(text_fold_cp(e, cp), out + o);
        p += k;
    }
    out[o] = '\0';
    return o;
}

/* a letter without its marks: ấ -> a, Đ -> d */
static uint32_t strip_marks(const struct chr_engine *e, uint32_t cp)
{
    uint32_t base;
    for (int i = 0; i < 3 && cp >= 0xC0 && cpmap_get(&e->decompose, cp, &base); i++)
        cp = base;
    if (cp == 0x111 || cp == 0x110)
        return 'd';
    return cp;
}

void kb_local_id(const struct chr_engine *e, const char *name, size_t n, char *out)
{
    snprintf(out, 18, "L%016llx", (unsigned long long)kb_local_hash(e, name, n));
}

uint64_t kb_local_hash(const struct chr_engine *e, const char *name, size_t n)
{
    uint64_t h = FNV64_OFFSET;
    size_t p = 0, k;
    int space = 0, any = 0;
    while (p < n) {
        unsigned char b = (unsigned char)name[p];
        if (b > ' ' && b < 0x80) {
            /* ASCII: folding is lower-casing (most Latin names are all ASCII) */
            char lc = (char)(b >= 'A' && b <= 'Z' ? b + 32 : b);
            if (space) {
                h = fnv64_add(h, " ", 1);
                space = 0;
            }
            h = fnv64_add(h, &lc, 1);
            any = 1;
            p++;
            continue;
        }
        uint32_t cp = utf8_at(name, n, p, &k);
        p += k;
        if (cp == ' ' || cp == '\t' || cp == '\n' || cp == 0xA0) {
            space = any;
            continue;
        }
        if (cp >= 0x300 && cp <= 0x36F)
            continue;
        cp = strip_marks(e, latin_lower(text_fold_cp(e, cp)));
        char buf[4];
        size_t m;
        if (space) {
            h = fnv64_add(h, " ", 1);
            space = 0;
        }
        m = utf8_encode(cp, buf);
        h = fnv64_add(h, buf, m);
        any = 1;
    }
    return h;
}

static int is_upper_latin(uint32_t cp)
{
    return is_latin_letter(cp) && latin_lower(cp) != cp;
}

/* case rules for a Latin name: acronyms match exactly, capitalised names
 * need a capital in the text ("US" is not "us", "Mỹ" is not "mỹ phẩm") */
static uint8_t name_flags(const char *s, size_t n)
{
    size_t p = 0, k, letters = 0, upper = 0;
    int latin = 0;
    uint32_t first = 0;
    while (p < n) {
        uint32_t cp = utf8_at(s, n, p, &k);
        if (!first)
            first = cp;
        if (is_latin_letter(cp)) {
            latin = 1;
            letters++;
            upper += is_upper_latin(cp);
        }
        p += k;
    }
    if (!latin)
        return 0;
    uint8_t f = GAZ_LATIN;
    if (is_upper_latin(first))
        f |= GAZ_CAP;
    if (letters <= 6 && upper == letters)
        f |= GAZ_ACRONYM;
    return f;
}

typedef struct loader {
    knowledge_base *kb;
    const struct chr_engine *e;
    char *fold;
    size_t foldcap;
} loader;

/* Indexes every name of a "|"-separated cell (left as it is: the entity keeps
 * it for display, and the gazetteer points into it for case checks). */
static int add_names(loader *ld, uint32_t idx, const char *cell, int foreign_person)
{
    const char *p = cell;
    while (*p) {
        const char *bar = strchr(p, '|');
        size_t n = bar ? (size_t)(bar - p) : strlen(p);
        if (n) {
            if (4 * n + 1 > ld->foldcap) {
                char *f = realloc(ld->fold, 4 * n + 1);
                if (!f)
                    return CHR_ERR_NOMEM;
                ld->fold = f;
                ld->foldcap = 4 * n + 1;
            }
            size_t m = kb_fold(ld->e, p, n, ld->fold);
            int r = gaz_add(&ld->kb->gaz, ld->fold, m, idx, name_flags(p, n), p, n);
            if (r < 0)
                return r;
            if (foreign_person && strstr(ld->fold, "\xc2\xb7")) {
                /* remember which characters Chinese uses to spell foreign names */
                size_t q = 0, k;
                while (q < m) {
                    uint32_t cp = utf8_at(ld->fold, m, q, &k);
                    if (is_cjk(cp) && cp < 0xA000)
                        ld->kb->translit[cp >> 3] |= (uint8_t)(1u << (cp & 7));
                    q += k;
                }
            }
        }
        if (!bar)
            break;
        p = bar + 1;
    }
    return 0;
}

/* What the name index depends on: the knowledge base, the folding tables,
 * and the library's version (its folding and flag rules; `make` rebuilds the
 * index whenever the library is rebuilt). */
static uint64_t name_index_stamp(const knowledge_base *kb, const struct chr_engine *e)
{
    uint64_t h = fnv64_add(kb->stamp, &e->data_stamp, sizeof e->data_stamp);
    return fnv64_add(h, CHR_VERSION, sizeof CHR_VERSION);
}

int kb_save_name_index(const knowledge_base *kb, const struct chr_engine *e, const char *dir,
                       char *msg, size_t msglen)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", dir, GAZ_IMAGE_FILE);
    if (!kb->buf) {
        snprintf(msg, msglen, "no knowledge base in %s", dir);
        return CHR_ERR_ARG;
    }
    return gaz_image_save(&kb->gaz, kb->translit, sizeof kb->translit, kb->buf, kb->buf_len,
                          name_index_stamp(kb, e), path, msg, msglen);
}

int kb_load(knowledge_base *kb, const struct chr_engine *e, const char *dir, char *msg,
            size_t msglen)
{
    memset(kb, 0, sizeof *kb);
    cpmap_init(&kb->by_id);
    int rc = gaz_init(&kb->gaz);
    if (rc < 0) {
        snprintf(msg, msglen, "out of memory");
        return rc;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/kb.tsv", dir);
    FILE *f = fopen(path, "rb");
    if (!f) {
        if (errno == ENOENT)
            return CHR_OK; /* no knowledge base: entities by rule only */
        snprintf(msg, msglen, "cannot open %s: %s", path, strerror(errno));
        return CHR_ERR_IO;
    }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    kb->buf = size >= 0 ? malloc((size_t)size + 1) : NULL;
    if (!kb->buf || fread(kb->buf, 1, (size_t)size, f) != (size_t)size) {
        fclose(f);
        snprintf(msg, msglen, "cannot read %s", path);
        return kb->buf ? CHR_ERR_IO : CHR_ERR_NOMEM;
    }
    fclose(f);
    kb->buf[size] = '\0';
    kb->stamp = fnv64(kb->buf, (size_t)size);
    kb->buf_len = (size_t)size;
    size_t lines = 0;
    for (long i = 0; i < size; i++)
        lines += kb->buf[i] == '\n';
    kb->ents = calloc(lines + 1, sizeof *kb->ents);
    if (!kb->ents) {
        snprintf(msg, msglen, "out of memory");
        return CHR_ERR_NOMEM;
    }
    char *p = kb->buf;
    size_t lineno = 0;
    int header = 1;
    loader ld = {kb, e, NULL, 0};
    /* sized once from the file: growing by doubling copies megabytes */
    if (vec_reserve(&kb->gaz.keys, (size_t)size) < 0 || vec_reserve(&kb->gaz.names, (size_t)size / 24) < 0 ||
        vec_reserve(&kb->gaz.pending, (size_t)size / 24) < 0 || cpmap_reserve(&kb->by_id, lines) < 0) {
        snprintf(msg, msglen, "out of memory");
        return CHR_ERR_NOMEM;
    }
    while (*p) {
        char *nl = strchr(p, '\n');
        if (nl)
            *nl = '\0';
        lineno++;
        if (*p && *p != '#') {
            char *c[11];
            int nc = 0;
            char *q = p;
            while (nc < 11) {
                c[nc++] = q;
                char *tab = strchr(q, '\t');
                if (!tab)
                    break;
                *tab = '\0';
                q = tab + 1;
            }
            if (header) {
                header = 0;
            } else if (nc != 11 || parse_type(c[1]) < 0) {
                snprintf(msg, msglen, "%s:%zu: malformed row", path, lineno);
                free(ld.fold);
                return CHR_ERR_DATA;
            } else {
                kb_entity *en = &kb->ents[kb->n];
                en->id = c[0];
                en->type = (uint8_t)parse_type(c[1]);
                en->name = c[2];
                en->desc = c[6];
                en->from = c[7];
                en->to = c[8];
                en->country = c[9];
                en->polity = c[10][0] == '1';
                en->en = c[3];
                en->zh = c[4];
                en->vi = c[5];
                kb->n++;
            }
        }
        if (!nl)
            break;
        p = nl + 1;
    }
    for (size_t i = 0; i < kb->n; i++)
        if (cpmap_put(&kb->by_id, fnv64(kb->ents[i].id, strlen(kb->ents[i].id)) >> 1, (uint32_t)i) < 0)
            goto nomem;
    /* the name index `make` saved, when it was built from this very data */
    char ipath[4200];
    snprintf(ipath, sizeof ipath, "%s/%s", dir, GAZ_IMAGE_FILE);
    int im = gaz_image_load(&kb->gaz, kb->translit, sizeof kb->translit, kb->buf, kb->buf_len,
                            (uint32_t)kb->n, name_index_stamp(kb, e), ipath);
    if (im < 0)
        goto nomem;
    if (im == 1)
        return CHR_OK;
    for (size_t i = 0; i < kb->n; i++) {
        kb_entity *en = &kb->ents[i];
        int foreign = en->type == ENT_PERSON && strcmp(en->country, "CN") &&
                      strcmp(en->country, "TW") && strcmp(en->country, "VN");
        if (add_names(&ld, (uint32_t)i, en->name, 0) < 0 ||
            add_names(&ld, (uint32_t)i, en->en, 0) < 0 ||
            add_names(&ld, (uint32_t)i, en->zh, foreign) < 0 ||
            add_names(&ld, (uint32_t)i, en->vi, 0) < 0)
            goto nomem;
    }
    free(ld.fold);
    if (gaz_finish(&kb->gaz) < 0) {
        snprintf(msg, msglen, "out of memory building the name index");
        return CHR_ERR_NOMEM;
    }
    return CHR_OK;
nomem:
    free(ld.fold);
    snprintf(msg, msglen, "out of memory loading %s", path);
    return CHR_ERR_NOMEM;
}

void kb_free(knowledge_base *kb)
{
    free(kb->ents);
    free(kb->buf);
    gaz_free(&kb->gaz);
    cpmap_free(&kb->by_id);
    memset(kb, 0, sizeof *kb);
}

long kb_find_id(const knowledge_base *kb, const char *id)
{
    uint32_t v;
    if (!cpmap_get(&kb->by_id, fnv64(id, strlen(id)) >> 1, &v))
        return -1;
    return strcmp(kb->ents[v].id, id) == 0 ? (long)v : -1;
}
