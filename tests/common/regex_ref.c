/* regex_ref.c - see regex_ref.h.  Recursive on purpose: this is test code,
 * the reference that the iterative DFA builder is checked against. */
#include "regex_ref.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void put(char *buf, size_t *at, const char *s)
{
    size_t l = strlen(s);
    if (*at + l >= RC_REF_RENDER_MAX) abort();
    memcpy(buf + *at, s, l + 1);
    *at += l;
}

void rc_ref_render(const rnode *n, char *buf, size_t *at)
{
    char tmp[32];
    switch (n->kind) {
    case R_SET: {
        if (n->neg && n->in['\n']) { put(buf, at, "."); return; }
        int cnt = 0;
        char only = 0;
        for (int c = 'a'; c <= 'c'; c++)
            if (n->in[c]) { cnt++; only = (char)c; }
        if (cnt == 1 && !n->neg) { tmp[0] = only; tmp[1] = 0; put(buf, at, tmp); return; }
        put(buf, at, n->neg ? "[^" : "[");
        for (int c = 'a'; c <= 'c'; c++)
            if (n->in[c]) { tmp[0] = (char)c; tmp[1] = 0; put(buf, at, tmp); }
        put(buf, at, "]");
        return;
    }
    case R_BOL: put(buf, at, "^"); return;
    case R_EOL: put(buf, at, "$"); return;
    case R_CAT:
        for (int i = 0; i < n->nk; i++) {
            bool paren = n->k[i]->kind == R_ALT;
            if (paren) put(buf, at, "(?:");
            rc_ref_render(n->k[i], buf, at);
            if (paren) put(buf, at, ")");
        }
        return;
    case R_ALT:
        rc_ref_render(n->k[0], buf, at);
        put(buf, at, "|");
        rc_ref_render(n->k[1], buf, at);
        return;
    default: {
        bool paren = n->k[0]->kind == R_CAT || n->k[0]->kind == R_ALT || n->k[0]->kind == R_REP;
        put(buf, at, paren ? "(" : "");
        rc_ref_render(n->k[0], buf, at);
        put(buf, at, paren ? ")" : "");
        if (n->min == 0 && n->max == -1) put(buf, at, "*");
        else if (n->min == 1 && n->max == -1) put(buf, at, "+");
        else if (n->min == 0 && n->max == 1) put(buf, at, "?");
        else if (n->max == -1) { snprintf(tmp, sizeof tmp, "{%d,}", n->min); put(buf, at, tmp); }
        else if (n->max == n->min) { snprintf(tmp, sizeof tmp, "{%d}", n->min); put(buf, at, tmp); }
        else { snprintf(tmp, sizeof tmp, "{%d,%d}", n->min, n->max); put(buf, at, tmp); }
        return;
    }
    }
}

static bool set_has(const rnode *n, unsigned char c, bool icase)
{
    bool hit = n->in[c];
    if (icase && c >= 'a' && c <= 'z') hit = hit || n->in[c - 32];
    if (icase && c >= 'A' && c <= 'Z') hit = hit || n->in[c + 32];
    return hit != n->neg;
}

/* positions (bit p) where n can end when started at `start` (len <= 30) */
static uint32_t ends(const rnode *n, const char *t, int len, int start, bool icase)
{
    uint32_t s, out, next, front;
    switch (n->kind) {
    case R_SET:
        return start < len && set_has(n, (unsigned char)t[start], icase) ? 1u << (start + 1) : 0;
    case R_BOL: return start == 0 ? 1u << start : 0;
    case R_EOL: return start == len ? 1u << start : 0;
    case R_ALT:
        return ends(n->k[0], t, len, start, icase) | ends(n->k[1], t, len, start, icase);
    case R_CAT:
        s = 1u << start;
        for (int i = 0; i < n->nk; i++) {
            next = 0;
            for (int p = 0; p <= len; p++)
                if (s >> p & 1u) next |= ends(n->k[i], t, len, p, icase);
            s = next;
        }
        return s;
    default:
        s = 1u << start;
        out = n->min == 0 ? s : 0;
        for (int i = 1; n->max < 0 ? i <= n->min : i <= n->max; i++) {
            next = 0;
            for (int p = 0; p <= len; p++)
                if (s >> p & 1u) next |= ends(n->k[0], t, len, p, icase);
            s = next;
            if (i >= n->min) out |= s;
        }
        if (n->max < 0) {
            front = s;
            while (front) {
                next = 0;
                for (int p = 0; p <= len; p++)
                    if (front >> p & 1u) next |= ends(n->k[0], t, len, p, icase);
                front = next & ~out;
                out |= next;
            }
        }
        return out;
    }
}

bool rc_ref_search(const rnode *n, const char *t, int len, bool icase)
{
    for (int i = 0; i <= len; i++)
        if (ends(n, t, len, i, icase)) return true;
    return false;
}
