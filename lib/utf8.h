/* utf8.h: strict UTF-8 decoding (no overlongs, no surrogates) and encoding. */
#ifndef CHR_UTF8_H
#define CHR_UTF8_H
#include <stddef.h>
#include <stdint.h>

/* Decodes one code point at s[0..len). Returns its byte length (1..4), or 0
 * when the bytes there are not valid UTF-8 (then *cp is undefined). */
size_t utf8_decode_slow(const unsigned char *s, size_t len, uint32_t *cp);
static inline size_t utf8_decode(const unsigned char *s, size_t len, uint32_t *cp)
{
    if (len && s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    /* the common 3-byte case (CJK, punctuation, Vietnamese letters in U+1Exx);
     * E0 (overlongs) and ED (surrogates) take the careful path */
    if (len >= 3 && s[0] >= 0xE1 && s[0] <= 0xEF && s[0] != 0xED && (s[1] & 0xC0) == 0x80 &&
        (s[2] & 0xC0) == 0x80) {
        *cp = ((uint32_t)(s[0] & 0x0F) << 12) | ((uint32_t)(s[1] & 0x3F) << 6) | (s[2] & 0x3F);
        return 3;
    }
    if (len >= 2 && s[0] >= 0xC2 && s[0] <= 0xDF && (s[1] & 0xC0) == 0x80) {
        *cp = ((uint32_t)(s[0] & 0x1F) << 6) | (s[1] & 0x3F);
        return 2;
    }
    return utf8_decode_slow(s, len, cp);
}
/* Writes cp to out (room for 4 bytes); returns the byte count. */
size_t utf8_encode(uint32_t cp, char *out);
/* Byte length of a code point's encoding. */
size_t utf8_len(uint32_t cp);
/* Decodes the code point at s[p] of an already validated buffer. */
static inline uint32_t utf8_at(const char *s, size_t len, size_t p, size_t *n)
{
    uint32_t cp = 0;
    size_t k = utf8_decode((const unsigned char *)s + p, len - p, &cp);
    if (!k) {
        *n = 1;
        return 0xFFFD;
    }
    *n = k;
    return cp;
}
/* Start of the code point before position p (p > 0). */
static inline size_t utf8_prev(const char *s, size_t p)
{
    do
        p--;
    while (p > 0 && ((unsigned char)s[p] & 0xC0) == 0x80);
    return p;
}
#endif
