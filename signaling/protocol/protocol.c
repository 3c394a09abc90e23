/* protocol.c - the display-name rule of the signalling protocol: UTF-8 validation
 * (RFC 3629) and character counting, and the repair of text that must become a JSON
 * string. Parsing is in protocol_parse.c, message building in protocol_build.c. */
#include "signaling/protocol/protocol.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Decodes one UTF-8 sequence (no overlongs, no surrogates, <= U+10FFFF). Returns its
 * length and the code point, or 0 if invalid. */
static size_t utf8_decode(const unsigned char *s, uint32_t *cp)
{
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    size_t len;
    uint32_t min;
    if ((s[0] & 0xe0) == 0xc0) {
        len = 2, min = 0x80, *cp = s[0] & 0x1f;
    } else if ((s[0] & 0xf0) == 0xe0) {
        len = 3, min = 0x800, *cp = s[0] & 0x0f;
    } else if ((s[0] & 0xf8) == 0xf0) {
        len = 4, min = 0x10000, *cp = s[0] & 0x07;
    } else {
        return 0;
    }
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80) return 0; /* also stops at the NUL terminator */
        *cp = (*cp << 6) | (s[i] & 0x3f);
    }
    if (*cp < min || *cp > 0x10ffff || (*cp >= 0xd800 && *cp <= 0xdfff)) return 0;
    return len;
}

bool protocol_valid_name(const char *s, size_t max_chars)
{
    if (s == NULL) return false;
    size_t chars = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p != '\0') {
        uint32_t cp = 0;
        size_t n = utf8_decode(p, &cp);
        if (n == 0 || cp < 0x20 || (cp >= 0x7f && cp < 0xa0))
            return false; /* invalid UTF-8, or a C0/DEL/C1 control character */
        p += n;
        if (++chars > max_chars) return false;
    }
    return chars > 0;
}

char *protocol_utf8_sanitize(const char *s)
{
    size_t n = strlen(s);
    char *out = malloc(n + 1);
    if (out == NULL) return NULL;
    memcpy(out, s, n + 1);
    unsigned char *p = (unsigned char *)out;
    while (*p != '\0') {
        uint32_t cp;
        size_t len = utf8_decode(p, &cp);
        if (len == 0) {
            *p = '?';
            len = 1;
        }
        p += len;
    }
    return out;
}
