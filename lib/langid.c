#include "langid.h"
#include "timex_scan.h"
#include <string.h>

static int line_lang(const line_stats *l, int *weight)
{
    uint32_t latin = l->latin_words;
    /* a CJK character carries about as much text as a Latin word */
    if (l->cjk + l->kana + l->hangul == 0 && latin == 0) {
        *weight = 0;
        return LANG_UND;
    }
    if (l->cjk >= latin * 2 || (l->cjk >= 4 && l->cjk >= latin)) {
        *weight = (int)l->cjk;
        return l->trad > l->simp ? LANG_ZH_HANT : LANG_ZH;
    }
    *weight = (int)latin;
    /* Vietnamese: most words carry a Vietnamese-only letter or tone mark */
    if (l->vi_words * 5 >= latin && l->vi_words >= 1)
        return LANG_VI;
    return LANG_EN;
}

int langid_assign(chr_text *t, int hint)
{
    line_stats *ls = t->lines.data;
    long w[5] = {0};
    for (size_t i = 0; i < t->lines.len; i++) {
        int wt;
        ls[i].lang = line_lang(&ls[i], &wt);
        w[ls[i].lang] += wt;
    }
    /* traditional and simplified are one language for the majority vote */
    long zh = w[LANG_ZH] + w[LANG_ZH_HANT];
    int doc = LANG_UND;
    long best = 0;
    if (zh > best) {
        best = zh;
        doc = w[LANG_ZH_HANT] > w[LANG_ZH] ? LANG_ZH_HANT : LANG_ZH;
    }
    if (w[LANG_VI] > best) {
        best = w[LANG_VI];
        doc = LANG_VI;
    }
    if (w[LANG_EN] > best) {
        best = w[LANG_EN];
        doc = LANG_EN;
    }
    /* a hint wins a close call */
    if (hint != LANG_UND) {
        long hw = hint == LANG_ZH || hint == LANG_ZH_HANT ? zh : w[hint];
        if (doc == LANG_UND || hw * 2 >= best)
            doc = hint == LANG_ZH && w[LANG_ZH_HANT] > w[LANG_ZH] ? LANG_ZH_HANT : hint;
    }
    for (size_t i = 0; i < t->lines.len; i++)
        if (ls[i].lang == LANG_UND)
            ls[i].lang = doc;
    return doc;
}

const char *langid_name(int lang)
{
    switch (lang) {
    case LANG_ZH: return "zh";
    case LANG_ZH_HANT: return "zh-Hant";
    case LANG_VI: return "vi";
    case LANG_EN: return "en";
    default: return "und";
    }
}

int langid_parse(const char *s)
{
    if (!s)
        return LANG_UND;
    if (!strcmp(s, "zh") || !strcmp(s, "zh-Hans") || !strcmp(s, "zh-CN"))
        return LANG_ZH;
    if (!strcmp(s, "zh-Hant") || !strcmp(s, "zh-TW") || !strcmp(s, "zh-HK"))
        return LANG_ZH_HANT;
    if (!strcmp(s, "vi"))
        return LANG_VI;
    if (!strcmp(s, "en"))
        return LANG_EN;
    return LANG_UND;
}
