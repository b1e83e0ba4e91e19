/* factor.c - see factor.h.  A recursive descent over the regex syntax of
 * spec/patterns.md (already checked by regex.c, so errors are not
 * reported: a malformed piece just gives no factor). */
#include "factor.h"

#include <string.h>

#define FAC_MAX 256             /* longest factor kept (a longer one is cut: still a factor) */

typedef struct fbuf {
    char b[FAC_MAX];
    size_t n;
} fbuf;

/* What a sub-expression guarantees: exact -> it matches exactly the string
 * ex; best -> a string every match contains. */
typedef struct finfo {
    bool exact;
    fbuf ex;
    fbuf best;
} finfo;

typedef struct fparser {
    const char *s;
    size_t n, i;
    int depth;
} fparser;

static void put(fbuf *f, const char *b, size_t n)
{
    if (n > FAC_MAX - f->n) n = FAC_MAX - f->n;
    memcpy(f->b + f->n, b, n);
    f->n += n;
}

static void better(fbuf *best, const fbuf *c)
{
    if (c->n > best->n) *best = *c;
}

static int hexv(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static void parse_alt(fparser *p, finfo *out);

/* One atom into out (exact with one byte, exact empty for an anchor, or
 * not exact). */
static void parse_atom(fparser *p, finfo *out)
{
    out->exact = false;
    out->ex.n = 0;
    out->best.n = 0;
    char c = p->s[p->i++];
    if (c == '(') {
        if (p->i + 1 < p->n && p->s[p->i] == '?' && p->s[p->i + 1] == ':') p->i += 2;
        if (p->depth > 256) { out->exact = false; return; }
        p->depth++;
        parse_alt(p, out);
        p->depth--;
        if (p->i < p->n && p->s[p->i] == ')') p->i++;
        return;
    }
    if (c == '[') {                 /* a class: skip to its `]` */
        if (p->i < p->n && p->s[p->i] == '^') p->i++;
        if (p->i < p->n && p->s[p->i] == ']') p->i++;
        while (p->i < p->n && p->s[p->i] != ']') {
            if (p->s[p->i] == '\\') p->i++;
            p->i++;
        }
        if (p->i < p->n) p->i++;
        return;
    }
    if (c == '.') return;
    if (c == '^' || c == '$') { out->exact = true; return; }
    if (c == '\\' && p->i < p->n) {
        char e = p->s[p->i++];
        char b;
        switch (e) {
        case 'n': b = '\n'; break;
        case 't': b = '\t'; break;
        case 'r': b = '\r'; break;
        case 'x':
            if (p->i + 1 < p->n && hexv(p->s[p->i]) >= 0 && hexv(p->s[p->i + 1]) >= 0) {
                b = (char)(hexv(p->s[p->i]) * 16 + hexv(p->s[p->i + 1]));
                p->i += 2;
                break;
            }
            return;
        case 'd': case 'w': case 's': case 'D': case 'W': case 'S':
            return;
        default:
            b = e;
        }
        out->exact = true;
        put(&out->ex, &b, 1);
        out->best = out->ex;
        return;
    }
    out->exact = true;
    put(&out->ex, &c, 1);
    out->best = out->ex;
}

/* A piece: an atom and its repetition. */
static void parse_piece(fparser *p, finfo *out)
{
    parse_atom(p, out);
    if (p->i >= p->n) return;
    char q = p->s[p->i];
    if (q == '?' || q == '*') {
        p->i++;
        out->exact = false;
        out->best.n = 0;
    } else if (q == '+') {
        p->i++;
        out->exact = false;
    } else if (q == '{') {
        size_t j = p->i + 1;
        long lo = 0, hi;
        while (j < p->n && p->s[j] >= '0' && p->s[j] <= '9') lo = lo * 10 + (p->s[j++] - '0');
        hi = lo;
        bool open = false;
        if (j < p->n && p->s[j] == ',') {
            j++;
            if (j < p->n && p->s[j] == '}') open = true;
            else {
                hi = 0;
                while (j < p->n && p->s[j] >= '0' && p->s[j] <= '9') hi = hi * 10 + (p->s[j++] - '0');
            }
        }
        if (j < p->n && p->s[j] == '}') j++;
        p->i = j;
        if (lo == 0) {
            out->exact = false;
            out->best.n = 0;
            return;
        }
        if (out->exact) {
            fbuf one = out->ex;
            out->ex.n = 0;
            for (long k = 0; k < lo && out->ex.n < FAC_MAX; k++) put(&out->ex, one.b, one.n);
            out->best = out->ex;
            /* cut at FAC_MAX: still a factor, no longer the whole string */
            if (open || hi != lo || one.n * (size_t)lo > FAC_MAX) out->exact = false;
        }
    }
}

static void parse_concat(fparser *p, finfo *out)
{
    fbuf run;
    run.n = 0;
    out->exact = true;
    out->ex.n = 0;
    out->best.n = 0;
    finfo piece;
    while (p->i < p->n && p->s[p->i] != '|' && p->s[p->i] != ')') {
        parse_piece(p, &piece);
        if (piece.exact) {
            put(&run, piece.ex.b, piece.ex.n);      /* cut at FAC_MAX: a prefix, still a factor */
            if (out->exact && out->ex.n + piece.ex.n > FAC_MAX) out->exact = false;
            if (out->exact) put(&out->ex, piece.ex.b, piece.ex.n);
        } else {
            better(&out->best, &run);
            run.n = 0;
            better(&out->best, &piece.best);
            out->exact = false;
        }
    }
    better(&out->best, &run);
}

static void parse_alt(fparser *p, finfo *out)
{
    parse_concat(p, out);
    bool many = false;
    finfo other;
    while (p->i < p->n && p->s[p->i] == '|') {
        p->i++;
        parse_concat(p, &other);
        many = true;
    }
    if (many) {
        out->exact = false;
        out->best.n = 0;
    }
}

int rc_fac_regex(rc_arena *a, const char *re, size_t len, rc_fac *out, int cap)
{
    fparser p = { re, len, 0, 0 };
    finfo *f = RC_NEW(a, finfo);
    int n = 0;
    for (;;) {
        parse_concat(&p, f);
        if (n == cap) return -1;
        out[n].len = f->best.n;
        out[n].bytes = f->best.n ? rc_arena_strndup(a, f->best.b, f->best.n) : NULL;
        n++;
        if (p.i < p.n && p.s[p.i] == ')') p.i++;   /* a stray `)`: rejected by regex.c anyway */
        if (p.i >= p.n) break;
        if (p.s[p.i] == '|') p.i++;
    }
    return n;
}
