/* fingerprint.c - see fingerprint.h. */
#include "fingerprint.h"

#include <ctype.h>
#include <stdbool.h>
#include <string.h>

#define FNV_OFFSET 0xcbf29ce484222325ull
#define FNV_PRIME 0x100000001b3ull

static uint64_t fnv_byte(uint64_t h, unsigned char c) { return (h ^ c) * FNV_PRIME; }

static int blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }

uint64_t rc_fp_line(const char *src, size_t len, int line)
{
    if (!src || line <= 0) return 0;
    const char *p = src, *end = src + len;
    for (int l = 1; l < line; l++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl) return 0;
        p = nl + 1;
    }
    const char *e = memchr(p, '\n', (size_t)(end - p));
    if (!e) e = end;
    uint64_t h = FNV_OFFSET;
    int gap = 0, any = 0;
    for (; p < e; p++) {
        if (blank(*p)) { gap = any; continue; }
        if (gap) h = fnv_byte(h, ' ');
        h = fnv_byte(h, (unsigned char)*p);
        gap = 0;
        any = 1;
    }
    return h;
}

uint64_t rc_fp_result(const char *rule, const char *message, uint64_t line_hash)
{
    uint64_t h = FNV_OFFSET;
    for (const char *s = rule ? rule : ""; *s; s++) h = fnv_byte(h, (unsigned char)*s);
    h = fnv_byte(h, 0);
    for (const char *s = message ? message : ""; *s; s++) {
        h = fnv_byte(h, (unsigned char)*s);
        /* "line 12" -> "line": the message stays when lines move */
        bool word = s == message || !isalpha((unsigned char)s[-1]);
        if (word && strncmp(s, "line ", 5) == 0 && isdigit((unsigned char)s[5])) {
            for (int k = 1; k < 4; k++) h = fnv_byte(h, (unsigned char)s[k]);
            s += 5;                                 /* the first digit */
            while (isdigit((unsigned char)s[1])) s++;
        }
    }
    h = fnv_byte(h, 0);
    for (int i = 0; i < 8; i++) h = fnv_byte(h, (unsigned char)(line_hash >> (8 * i)));
    return h;
}
