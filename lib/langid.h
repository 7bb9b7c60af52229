/* langid.h: language of each line and of the document, from the script
 * statistics gathered while normalising (mixed pages are common: a Chinese
 * article quoting an English name, a Vietnamese page with an English menu). */
#ifndef CHR_LANGID_H
#define CHR_LANGID_H
#include "text_normalize.h"

/* Sets lines[i].lang (LANG_* of timex_scan.h) and returns the document's.
 * hint (LANG_* or LANG_UND) decides lines with no letters and ties. */
int langid_assign(chr_text *t, int hint);
const char *langid_name(int lang);
int langid_parse(const char *s); /* "zh", "zh-Hant", "vi", "en" -> LANG_*, else LANG_UND */
#endif
