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
 * ex; best -> a string every match contains, starting at most bestpre
 * bytes after the match's start; maxlen: its longest match (-1: either
 * unbounded). */
typedef struct finfo {
    bool exact;
    fbuf ex;
    fbuf best;
    long bestpre;
    long maxlen;
} finfo;

/* a + b of lengths where -1 is unbounded */
static long len_add(long a, long b)
{
    return a < 0 || b < 0 ? -1 : a + b;
}

typedef struct fparser {
    const char *s;
    size_t n, i;
    int depth;
    rc_arena *a;
    rc_fac *more;           /* the top level's runs and pieces of 4+ bytes */
} fparser;

/* A factor of the branch being read, other than its best (top level only),
 * starting at most pre bytes after the match's start. */
static void note(fparser *p, const fbuf *f, long pre)
{
    if (p->depth != 0 || f->n < 4 || p->a == NULL) return;
    rc_fac *x = RC_NEW(p->a, rc_fac);
    x->bytes = rc_arena_strndup(p->a, f->b, f->n);
    x->len = f->n;
    x->pre = pre;
    x->more = p->more;
    p->more = x;
}

static void put(fbuf *f, const char *b, size_t n)
{
    if (n > FAC_MAX - f->n) n = FAC_MAX - f->n;
    memcpy(f->b + f->n, b, n);
    f->n += n;
}

static void better(finfo *out, const fbuf *c, long pre)
{
    if (c->n > out->best.n) {
        out->best = *c;
        out->bestpre = pre;
    }
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
    out->bestpre = 0;
    out->maxlen = 1;
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
    if (c == '^' || c == '$') { out->exact = true; out->maxlen = 0; return; }
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
        if (q == '*') out->maxlen = -1;
    } else if (q == '+') {
        p->i++;
        out->exact = false;
        out->maxlen = -1;
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
        out->maxlen = open || out->maxlen < 0 ? -1 : out->maxlen * hi;
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
            out->bestpre = 0;
            /* cut at FAC_MAX: still a factor, no longer the whole string */
            if (open || hi != lo || one.n * (size_t)lo > FAC_MAX) out->exact = false;
        }
    }
}

/* A concatenation; acc: the longest the pieces read so far match, where
 * the next piece (or run of exact ones) starts at the latest. */
static void parse_concat(fparser *p, finfo *out)
{
    fbuf run;
    long acc = 0, runpre = 0;
    run.n = 0;
    out->exact = true;
    out->ex.n = 0;
    out->best.n = 0;
    out->bestpre = 0;
    finfo piece;
    while (p->i < p->n && p->s[p->i] != '|' && p->s[p->i] != ')') {
        long at = acc;
        parse_piece(p, &piece);
        if (piece.exact) {
            if (run.n == 0) runpre = at;
            put(&run, piece.ex.b, piece.ex.n);      /* cut at FAC_MAX: a prefix, still a factor */
            if (out->exact && out->ex.n + piece.ex.n > FAC_MAX) out->exact = false;
            if (out->exact) put(&out->ex, piece.ex.b, piece.ex.n);
        } else {
            better(out, &run, runpre);
            note(p, &run, runpre);
            run.n = 0;
            better(out, &piece.best, len_add(at, piece.bestpre));
            note(p, &piece.best, len_add(at, piece.bestpre));
            out->exact = false;
        }
        acc = len_add(acc, piece.maxlen);
    }
    better(out, &run, runpre);
    note(p, &run, runpre);
    out->maxlen = acc;
}

static void parse_alt(fparser *p, finfo *out)
{
    parse_concat(p, out);
    bool many = false;
    finfo other;
    while (p->i < p->n && p->s[p->i] == '|') {
        p->i++;
        parse_concat(p, &other);
        if (other.maxlen < 0 || (out->maxlen >= 0 && other.maxlen > out->maxlen)) out->maxlen = other.maxlen;
        many = true;
    }
    if (many) {
        out->exact = false;
        out->best.n = 0;
    }
}

int rc_fac_regex(rc_arena *a, const char *re, size_t len, rc_fac *out, int cap)
{
    fparser p = { re, len, 0, 0, a, NULL };
    finfo *f = RC_NEW(a, finfo);
    int n = 0;
    for (;;) {
        p.more = NULL;
        parse_concat(&p, f);
        if (n == cap) return -1;
        out[n].len = f->best.n;
        out[n].bytes = f->best.n ? rc_arena_strndup(a, f->best.b, f->best.n) : NULL;
        out[n].more = f->best.n ? p.more : NULL;
        out[n].pre = f->best.n ? f->bestpre : -1;
        n++;
        if (p.i < p.n && p.s[p.i] == ')') p.i++;   /* a stray `)`: rejected by regex.c anyway */
        if (p.i >= p.n) break;
        if (p.s[p.i] == '|') p.i++;
    }
    return n;
}

/* ---- finite expansion ------------------------------------------------------ */

/* A set of strings; n < 0: not finite or more than the cap. */
typedef struct sset {
    int n;
    fbuf *s;
} sset;

typedef struct xparser {
    rc_arena *a;
    const char *s;
    size_t n, i;
    int cap, depth;
    bool icase;             /* letters of a set count once (lowercase) */
    bool trim;              /* no anchor: a branch's first and last pieces may take their fewest copies */
    bool first;             /* the next piece starts a top-level branch */
} xparser;

static void x_alt(xparser *p, sset *out);

static sset x_new(xparser *p, int n)
{
    sset r = { 0, RC_NEW_ARRAY(p->a, fbuf, (size_t)(n > 0 ? n : 1)) };
    return r;
}

static void x_one(xparser *p, sset *out, const char *b, size_t n)
{
    *out = x_new(p, 1);
    out->n = 1;
    out->s[0].n = 0;
    put(&out->s[0], b, n);
}

/* A byte set as single-byte strings (-1 past the cap). */
static void x_set(xparser *p, bool *in, sset *out)
{
    int n = 0;
    if (p->icase)
        for (int c = 'A'; c <= 'Z'; c++) if (in[c]) in[c + 32] = true;
    for (int c = 0; c < 256; c++) if (in[c] && !(p->icase && c >= 'A' && c <= 'Z')) n++;
    if (n == 0 || n > p->cap) { out->n = -1; return; }
    *out = x_new(p, n);
    for (int c = 0; c < 256; c++) {
        if (!in[c] || (p->icase && c >= 'A' && c <= 'Z')) continue;
        out->s[out->n].n = 0;
        char b = (char)c;
        put(&out->s[out->n++], &b, 1);
    }
}

/* The bytes of escape e (after the backslash; \xHH read from p); false
 * when it is not a set this parser reads. */
static bool x_escape(xparser *p, char e, bool *in)
{
    const char *cls = NULL;
    switch (e) {
    case 'n': in['\n'] = true; return true;
    case 't': in['\t'] = true; return true;
    case 'r': in['\r'] = true; return true;
    case 'x':
        if (p->i + 1 < p->n && hexv(p->s[p->i]) >= 0 && hexv(p->s[p->i + 1]) >= 0) {
            in[hexv(p->s[p->i]) * 16 + hexv(p->s[p->i + 1])] = true;
            p->i += 2;
            return true;
        }
        return false;
    case 'd': cls = "0123456789"; break;
    case 's': cls = " \t\n\r\f\v"; break;
    case 'w': case 'D': case 'W': case 'S': return false;
    default: in[(unsigned char)e] = true; return true;
    }
    for (; *cls; cls++) in[(unsigned char)*cls] = true;
    return true;
}

/* A class [...] (the `[` read) into in; false for a negated one. */
static bool x_class(xparser *p, bool *in)
{
    if (p->i < p->n && p->s[p->i] == '^') return false;
    bool firstc = true;
    while (p->i < p->n && (firstc || p->s[p->i] != ']')) {
        int lo;
        firstc = false;
        char c = p->s[p->i++];
        if (c == '\\' && p->i < p->n) {
            char e = p->s[p->i++];
            bool one[256] = { false };
            if (!x_escape(p, e, one)) return false;
            int cnt = 0, only = 0;
            for (int b = 0; b < 256; b++) if (one[b]) { cnt++; only = b; in[b] = true; }
            if (cnt != 1) continue;
            lo = only;
        } else {
            lo = (unsigned char)c;
            in[lo] = true;
        }
        if (p->i + 1 < p->n && p->s[p->i] == '-' && p->s[p->i + 1] != ']') {
            p->i++;
            int hi;
            char d = p->s[p->i++];
            if (d == '\\' && p->i < p->n) {
                bool one[256] = { false };
                if (!x_escape(p, p->s[p->i++], one)) return false;
                hi = -1;
                for (int b = 0; b < 256; b++) if (one[b]) hi = b;
            } else {
                hi = (unsigned char)d;
            }
            for (int b = lo; b <= hi; b++) in[b] = true;
        }
    }
    if (p->i >= p->n) return false;
    p->i++;
    return true;
}

/* a x b into out (-1 when past the cap or FAC_MAX bytes) */
static void x_cat(xparser *p, const sset *x, const sset *y, sset *out)
{
    if (x->n < 0 || y->n < 0 || (long)x->n * y->n > p->cap) { out->n = -1; return; }
    sset r = x_new(p, x->n * y->n);
    for (int i = 0; i < x->n; i++)
        for (int j = 0; j < y->n; j++) {
            if (x->s[i].n + y->s[j].n > FAC_MAX) { out->n = -1; return; }
            r.s[r.n] = x->s[i];
            put(&r.s[r.n], y->s[j].b, y->s[j].n);
            r.n++;
        }
    *out = r;
}

static void x_atom(xparser *p, sset *out)
{
    char c = p->s[p->i++];
    out->n = -1;
    if (c == '(') {
        if (p->i + 1 < p->n && p->s[p->i] == '?' && p->s[p->i + 1] == ':') p->i += 2;
        if (p->depth > 64) return;
        p->depth++;
        x_alt(p, out);
        p->depth--;
        if (p->i < p->n && p->s[p->i] == ')') p->i++;
        else out->n = -1;
        return;
    }
    bool in[256] = { false };
    if (c == '[') {
        if (x_class(p, in)) x_set(p, in, out);
        else {                      /* skip the class; not expanded */
            while (p->i < p->n && p->s[p->i] != ']') {
                if (p->s[p->i] == '\\') p->i++;
                p->i++;
            }
            if (p->i < p->n) p->i++;
        }
        return;
    }
    if (c == '.' || c == '^' || c == '$') return;
    if (c == '\\' && p->i < p->n) {
        if (x_escape(p, p->s[p->i++], in)) x_set(p, in, out);
        return;
    }
    in[(unsigned char)c] = true;
    x_set(p, in, out);
}

static void x_piece(xparser *p, sset *out)
{
    bool first = p->first && p->depth == 0;
    p->first = false;
    x_atom(p, out);
    p->first = false;       /* an empty group `()` must not make the next piece a first one */
    if (p->i >= p->n) return;
    char q = p->s[p->i];
    long lo, hi;
    if (q == '?') { p->i++; lo = 0; hi = 1; }
    else if (q == '*' || q == '+') { p->i++; lo = q == '+'; hi = -1; }
    else if (q == '{') {
        size_t j = p->i + 1;
        lo = 0;
        while (j < p->n && p->s[j] >= '0' && p->s[j] <= '9') lo = lo * 10 + (p->s[j++] - '0');
        hi = lo;
        if (j < p->n && p->s[j] == ',') {
            j++;
            hi = -1;
            if (j < p->n && p->s[j] != '}') {
                hi = 0;
                while (j < p->n && p->s[j] >= '0' && p->s[j] <= '9') hi = hi * 10 + (p->s[j++] - '0');
            }
        }
        if (j < p->n && p->s[j] == '}') j++;
        p->i = j;
    } else return;
    /* an unanchored search finds X{lo,hi} at either end of a branch iff it
     * finds X{lo} there: the fewest copies are a part of every match */
    bool last = p->depth == 0 && (p->i >= p->n || p->s[p->i] == '|');
    if (p->trim && (first || last)) hi = lo;
    if (hi < 0 || hi > 8) { out->n = -1; return; }
    if (out->n < 0) return;
    /* x{lo,hi}: the union of x^k, lo <= k <= hi */
    sset acc = x_new(p, p->cap), pw;
    x_one(p, &pw, "", 0);
    for (long k = 0; k <= hi; k++) {
        if (k >= lo) {
            if (acc.n + pw.n > p->cap) { out->n = -1; return; }
            for (int i = 0; i < pw.n; i++) acc.s[acc.n++] = pw.s[i];
        }
        if (k < hi) {
            sset nx;
            x_cat(p, &pw, out, &nx);
            if (nx.n < 0) { out->n = -1; return; }
            pw = nx;
        }
    }
    *out = acc;
}

static void x_concat(xparser *p, sset *out)
{
    p->first = true;
    x_one(p, out, "", 0);
    while (p->i < p->n && p->s[p->i] != '|' && p->s[p->i] != ')') {
        sset piece, r;
        x_piece(p, &piece);
        x_cat(p, out, &piece, &r);
        *out = r;
        if (out->n < 0) {       /* skip to the end of this branch, keeping the parse in step */
            int d = 0;
            while (p->i < p->n) {
                char c = p->s[p->i];
                if (c == '\\') { p->i += 2; continue; }
                if (c == '[') { x_atom(p, &piece); continue; }
                if (c == '(') d++;
                if (c == ')') { if (d == 0) break; d--; }
                if (c == '|' && d == 0) break;
                p->i++;
            }
            out->n = -1;
            return;
        }
    }
}

static void x_alt(xparser *p, sset *out)
{
    x_concat(p, out);
    while (p->i < p->n && p->s[p->i] == '|') {
        sset o;
        p->i++;
        x_concat(p, &o);
        if (out->n < 0 || o.n < 0 || out->n + o.n > p->cap) { out->n = -1; continue; }
        sset r = x_new(p, out->n + o.n);
        for (int i = 0; i < out->n; i++) r.s[r.n++] = out->s[i];
        for (int i = 0; i < o.n; i++) r.s[r.n++] = o.s[i];
        *out = r;
    }
}

int rc_fac_expand(rc_arena *a, const char *re, size_t len, bool icase, rc_fac *out, int cap)
{
    rc_arena sc;
    rc_arena_init(&sc);
    xparser p = { &sc, re, len, 0, cap, 0, icase, memchr(re, '^', len) == NULL && memchr(re, '$', len) == NULL,
                  true };
    sset r;
    x_alt(&p, &r);
    int n = r.n;
    if (p.i < p.n) n = -1;
    for (int i = 0; i < n; i++) {
        out[i].len = r.s[i].n;
        out[i].bytes = r.s[i].n ? rc_arena_strndup(a, r.s[i].b, r.s[i].n) : NULL;
        out[i].more = NULL;
        out[i].pre = 0;
    }
    rc_arena_free(&sc);
    return n;
}
