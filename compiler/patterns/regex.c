/* regex.c - pattern syntax -> byte-level Thompson NFA; see regex.h.
 *
 * A regex is parsed by recursive descent into a small tree (nesting is
 * bounded by RC_REGEX_MAX_DEPTH), then compiled back to front: each node is
 * compiled knowing the state that follows it, which needs no patch lists and
 * lets a counted repetition simply compile its operand once per copy.  The
 * NFA size of every node is known while parsing, so an over-large repetition
 * is reported at its own operator before anything is expanded.
 */
#include "regex.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

enum { N_SET, N_CAT, N_ALT, N_REP, N_BOL, N_EOL, N_EMPTY };

typedef struct re_node {
    int kind;
    int min, max;               /* N_REP; max -1 = unbounded */
    size_t size;                /* NFA states this node compiles to */
    struct re_node *kid;        /* N_CAT, N_ALT: first child; N_REP: operand */
    struct re_node *next;       /* next sibling */
    rc_byteset set;             /* N_SET */
} re_node;

typedef struct re_parser {
    const char *s;
    size_t len, pos;
    bool icase;
    int depth;
    rc_arena *a;
    rc_dfa_error *err;
} re_parser;

/* ---- messages ----------------------------------------------------------- */

static bool re_fail(re_parser *p, size_t off, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static bool re_fail(re_parser *p, size_t off, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->err->message, sizeof p->err->message, fmt, ap);
    va_end(ap);
    p->err->offset = off;
    return false;
}

/* A byte as it should appear inside a message: itself when printable. */
static const char *re_show(unsigned char c, char buf[8])
{
    if (c >= 0x21 && c < 0x7f)
        snprintf(buf, 8, "%c", c);
    else
        snprintf(buf, 8, "\\x%02x", c);
    return buf;
}

/* ---- byte sets ---------------------------------------------------------- */

static void set_add(rc_byteset *s, unsigned c) { s->w[c >> 5] |= 1u << (c & 31u); }

static void set_range(rc_byteset *s, unsigned lo, unsigned hi)
{
    for (unsigned c = lo; c <= hi; c++) set_add(s, c);
}

static void set_union(rc_byteset *d, const rc_byteset *s)
{
    for (int i = 0; i < 8; i++) d->w[i] |= s->w[i];
}

static void set_negate(rc_byteset *s)
{
    for (int i = 0; i < 8; i++) s->w[i] = ~s->w[i];
}

/* ASCII case folding: a letter in either case brings in the other. */
static void set_fold(rc_byteset *s)
{
    for (unsigned c = 'a'; c <= 'z'; c++)
        if (rc_byteset_has(s, c) || rc_byteset_has(s, c - 32u)) {
            set_add(s, c);
            set_add(s, c - 32u);
        }
}

/* \d \w \s and their negations; returns false for any other letter. */
static bool set_escape_class(rc_byteset *s, char c)
{
    memset(s, 0, sizeof *s);
    switch (c | 0x20) {
    case 'd': set_range(s, '0', '9'); break;
    case 'w':
        set_range(s, '0', '9'); set_range(s, 'a', 'z');
        set_range(s, 'A', 'Z'); set_add(s, '_');
        break;
    case 's':
        set_add(s, ' '); set_add(s, '\t'); set_add(s, '\n');
        set_add(s, '\r'); set_add(s, '\f'); set_add(s, '\v');
        break;
    default: return false;
    }
    if (c >= 'A' && c <= 'Z') set_negate(s);
    return true;
}

/* ---- parser ------------------------------------------------------------- */

static re_node *node_new(re_parser *p, int kind, size_t size)
{
    re_node *n = RC_NEW(p->a, re_node);
    n->kind = kind;
    n->size = size;
    return n;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* An escape at p->pos (the backslash).  Either one byte (*byte >= 0) or a
 * class (*byte = -1, set filled). */
static bool parse_escape(re_parser *p, int *byte, rc_byteset *set)
{
    size_t at = p->pos;
    char buf[8];
    if (at + 1 >= p->len) return re_fail(p, at, "trailing backslash");
    char c = p->s[at + 1];
    p->pos = at + 2;
    *byte = -1;
    if (set_escape_class(set, c)) return true;
    switch (c) {
    case 'n': *byte = '\n'; return true;
    case 't': *byte = '\t'; return true;
    case 'r': *byte = '\r'; return true;
    case 'x': {
        int h = at + 2 < p->len ? hexval(p->s[at + 2]) : -1;
        int l = at + 3 < p->len ? hexval(p->s[at + 3]) : -1;
        if (h < 0 || l < 0) return re_fail(p, at, "invalid escape '\\x': expected two hex digits");
        *byte = h * 16 + l;
        p->pos = at + 4;
        return true;
    }
    default: break;
    }
    /* Any ASCII punctuation may be escaped to stand for itself. */
    unsigned char u = (unsigned char)c;
    if (u >= 0x21 && u < 0x7f && !((u | 0x20) >= 'a' && (u | 0x20) <= 'z') && !(u >= '0' && u <= '9')) {
        *byte = u;
        return true;
    }
    return re_fail(p, at, "invalid escape '\\%s'", re_show(u, buf));
}

/* One class item end point: a byte (escape or plain) at p->pos. */
static bool parse_class_atom(re_parser *p, int *byte, rc_byteset *set)
{
    if (p->s[p->pos] == '\\') return parse_escape(p, byte, set);
    *byte = (unsigned char)p->s[p->pos++];
    return true;
}

static re_node *parse_class(re_parser *p)
{
    size_t open = p->pos++;
    bool neg = false;
    if (p->pos < p->len && p->s[p->pos] == '^') { neg = true; p->pos++; }
    rc_byteset acc;
    memset(&acc, 0, sizeof acc);
    bool first = true;
    for (;;) {
        if (p->pos >= p->len) { re_fail(p, open, "unterminated character class"); return NULL; }
        if (p->s[p->pos] == ']' && !first) { p->pos++; break; }
        first = false;     /* a ']' first in the class is a literal */
        size_t at = p->pos;
        int lo, hi;
        rc_byteset cls;
        if (!parse_class_atom(p, &lo, &cls)) return NULL;
        bool range = p->pos + 1 < p->len && p->s[p->pos] == '-' && p->s[p->pos + 1] != ']';
        if (lo < 0) {
            if (range) {
                char buf[8];
                re_fail(p, at, "class escape '\\%s' cannot start a range",
                        re_show((unsigned char)p->s[at + 1], buf));
                return NULL;
            }
            set_union(&acc, &cls);
            continue;
        }
        if (!range) { set_add(&acc, (unsigned)lo); continue; }
        p->pos++;                                   /* the '-' */
        size_t hat = p->pos;
        if (!parse_class_atom(p, &hi, &cls)) return NULL;
        if (hi < 0) {
            char buf[8];
            re_fail(p, hat, "class escape '\\%s' cannot end a range",
                    re_show((unsigned char)p->s[hat + 1], buf));
            return NULL;
        }
        if (hi < lo) {
            char b1[8], b2[8];
            re_fail(p, at, "invalid range %s-%s in class",
                    re_show((unsigned char)lo, b1), re_show((unsigned char)hi, b2));
            return NULL;
        }
        set_range(&acc, (unsigned)lo, (unsigned)hi);
    }
    /* Fold before negating: under icase [^a] excludes both 'a' and 'A'. */
    if (p->icase) set_fold(&acc);
    if (neg) set_negate(&acc);
    re_node *n = node_new(p, N_SET, 1);
    n->set = acc;
    return n;
}

static re_node *parse_alt(re_parser *p);

static re_node *parse_atom(re_parser *p)
{
    char c = p->s[p->pos];
    re_node *n;
    switch (c) {
    case '(': {
        size_t open = p->pos++;
        if (p->pos < p->len && p->s[p->pos] == '?') {
            if (p->pos + 1 < p->len && p->s[p->pos + 1] == ':') {
                p->pos += 2;
            } else {
                char buf[8];
                if (p->pos + 1 >= p->len) { re_fail(p, open, "missing ')'"); return NULL; }
                re_fail(p, open, "unsupported group '(?%s' (only '(?:' is supported)",
                        re_show((unsigned char)p->s[p->pos + 1], buf));
                return NULL;
            }
        }
        if (++p->depth > RC_REGEX_MAX_DEPTH) {
            re_fail(p, open, "groups nested more than %d deep", RC_REGEX_MAX_DEPTH);
            return NULL;
        }
        n = parse_alt(p);
        if (!n) return NULL;
        if (p->pos >= p->len || p->s[p->pos] != ')') { re_fail(p, open, "missing ')'"); return NULL; }
        p->pos++;
        p->depth--;
        return n;
    }
    case '[':
        return parse_class(p);
    case '^':
        p->pos++;
        return node_new(p, N_BOL, 1);
    case '$':
        p->pos++;
        return node_new(p, N_EOL, 1);
    case '.':
        p->pos++;
        n = node_new(p, N_SET, 1);
        set_range(&n->set, 0, 255);
        n->set.w['\n' >> 5] &= ~(1u << ('\n' & 31));
        return n;
    default: {
        int byte = (unsigned char)c;
        n = node_new(p, N_SET, 1);
        if (c == '\\') {
            if (!parse_escape(p, &byte, &n->set)) return NULL;
        } else {
            p->pos++;
        }
        if (byte >= 0) set_add(&n->set, (unsigned)byte);
        if (p->icase) set_fold(&n->set);
        return n;
    }
    }
}

/* Digits at p->pos; false when there are none.  Values saturate at 256
 * (anything above 255 is an error; *digits keeps the text for the message). */
static bool parse_count(re_parser *p, int *v, size_t *digits)
{
    size_t start = p->pos;
    int x = 0;
    while (p->pos < p->len && p->s[p->pos] >= '0' && p->s[p->pos] <= '9') {
        x = x * 10 + (p->s[p->pos] - '0');
        if (x > 256) x = 256;
        p->pos++;
    }
    *v = x;
    *digits = start;
    return p->pos > start;
}

/* {n} {n,} {n,m} at p->pos (the '{'). */
static bool parse_braces(re_parser *p, int *min, int *max)
{
    size_t open = p->pos++, d1 = 0, d2 = 0, e1;
    const char *bad = "invalid repetition: expected {n}, {n,} or {n,m}";
    if (!parse_count(p, min, &d1)) return re_fail(p, open, "%s", bad);
    e1 = p->pos;
    *max = *min;
    if (p->pos < p->len && p->s[p->pos] == ',') {
        p->pos++;
        if (!parse_count(p, max, &d2)) *max = -1;
    }
    if (p->pos >= p->len || p->s[p->pos] != '}') return re_fail(p, open, "%s", bad);
    p->pos++;
    if (*min > 255)
        return re_fail(p, open, "repetition count %.*s exceeds 255", (int)(e1 - d1), p->s + d1);
    if (*max > 255)
        return re_fail(p, open, "repetition count %.*s exceeds 255", (int)(p->pos - 1 - d2), p->s + d2);
    if (*max >= 0 && *max < *min) return re_fail(p, open, "bad repetition {%d,%d}", *min, *max);
    return true;
}

static size_t rep_size(size_t s, int min, int max)
{
    if (max < 0) return (size_t)(min > 0 ? min : 1) * s + 1;
    return (size_t)min * s + (size_t)(max - min) * (s + 1);
}

static bool is_quant(char c) { return c == '*' || c == '+' || c == '?' || c == '{'; }

static re_node *parse_piece(re_parser *p)
{
    char c = p->s[p->pos];
    if (is_quant(c)) { re_fail(p, p->pos, "nothing to repeat before '%c'", c); return NULL; }
    re_node *atom = parse_atom(p);
    if (!atom || p->pos >= p->len || !is_quant(p->s[p->pos])) return atom;
    size_t at = p->pos;
    c = p->s[at];
    if (atom->kind == N_BOL || atom->kind == N_EOL) {
        re_fail(p, at, "nothing to repeat before '%c'", c);
        return NULL;
    }
    int min = 0, max = -1;
    if (c == '{') {
        if (!parse_braces(p, &min, &max)) return NULL;
    } else {
        p->pos++;
        if (c == '+') min = 1;
        if (c == '?') max = 1;
    }
    if (p->pos < p->len && is_quant(p->s[p->pos])) {
        re_fail(p, p->pos, "'%c' after a repetition (nest with (?:...) instead; lazy and possessive forms are not supported)",
                p->s[p->pos]);
        return NULL;
    }
    size_t size = rep_size(atom->size, min, max);
    if (size > RC_REGEX_MAX_NFA) {
        re_fail(p, at, "repetition too large (more than %d NFA states)", RC_REGEX_MAX_NFA);
        return NULL;
    }
    re_node *n = node_new(p, N_REP, size);
    n->min = min;
    n->max = max;
    n->kid = atom;
    return n;
}

static re_node *parse_cat(re_parser *p)
{
    re_node *head = NULL, **tail = &head;
    size_t size = 0;
    int count = 0;
    while (p->pos < p->len && p->s[p->pos] != '|') {
        if (p->s[p->pos] == ')') {
            if (p->depth == 0) { re_fail(p, p->pos, "unbalanced ')'"); return NULL; }
            break;
        }
        size_t at = p->pos;
        re_node *n = parse_piece(p);
        if (!n) return NULL;
        size += n->size;
        if (size > RC_REGEX_MAX_NFA) {
            re_fail(p, at, "regex too large (more than %d NFA states)", RC_REGEX_MAX_NFA);
            return NULL;
        }
        *tail = n;
        tail = &n->next;
        count++;
    }
    if (count == 1) return head;
    re_node *cat = node_new(p, count ? N_CAT : N_EMPTY, size);
    cat->kid = head;
    return cat;
}

static re_node *parse_alt(re_parser *p)
{
    re_node *head = parse_cat(p);
    if (!head || p->pos >= p->len || p->s[p->pos] != '|') return head;
    re_node *alt = node_new(p, N_ALT, head->size);
    alt->kid = head;
    re_node *last = head;
    while (p->pos < p->len && p->s[p->pos] == '|') {
        size_t at = p->pos++;
        re_node *n = parse_cat(p);
        if (!n) return NULL;
        alt->size += n->size + 1;
        if (alt->size > RC_REGEX_MAX_NFA) {
            re_fail(p, at, "regex too large (more than %d NFA states)", RC_REGEX_MAX_NFA);
            return NULL;
        }
        last->next = n;
        last = n;
    }
    return alt;
}

/* Can the node match the empty string, given whether ^ and $ may be crossed? */
static bool nullable(const re_node *n, bool bol, bool eol)
{
    const re_node *k;
    switch (n->kind) {
    case N_SET: return false;
    case N_BOL: return bol;
    case N_EOL: return eol;
    case N_EMPTY: return true;
    case N_REP: return n->min == 0 || nullable(n->kid, bol, eol);
    case N_CAT:
        for (k = n->kid; k; k = k->next)
            if (!nullable(k, bol, eol)) return false;
        return true;
    default:
        for (k = n->kid; k; k = k->next)
            if (nullable(k, bol, eol)) return true;
        return false;
    }
}

/* Parse a whole regex; NULL with err filled on error. */
static re_node *parse_regex(rc_arena *a, const char *re, size_t len, bool icase, rc_dfa_error *err)
{
    re_parser p = { re, len, 0, icase, 0, a, err };
    err->pattern = -1;
    err->alt = 0;
    if (len == 0) { re_fail(&p, 0, "empty pattern matches every text"); return NULL; }
    re_node *root = parse_alt(&p);
    if (!root) return NULL;
    /* An empty match at the start of every text, or at the end of every text,
     * makes the pattern true for every text: almost surely a mistake. */
    if (nullable(root, true, false) || nullable(root, false, true)) {
        re_fail(&p, 0, "pattern matches the empty string, so it matches every text");
        return NULL;
    }
    return root;
}

bool rc_regex_check(const char *re, size_t len, rc_dfa_error *err)
{
    rc_arena a;
    rc_arena_init(&a);
    bool ok = parse_regex(&a, re, len, false, err) != NULL;
    rc_arena_free(&a);
    return ok;
}

/* ---- NFA ---------------------------------------------------------------- */

void rc_regex_nfa_init(rc_nfa *n, rc_arena *scratch)
{
    memset(n, 0, sizeof *n);
    n->scratch = scratch;
}

static int32_t nfa_add(rc_nfa *n, int kind, int32_t out, int32_t out2, int32_t arg)
{
    RC_GROW(n->scratch, n->st, n->n, &n->cap);
    rc_nfa_state *s = &n->st[n->n];
    s->kind = kind;
    s->out = out;
    s->out2 = out2;
    s->arg = arg;
    return n->n++;
}

static int32_t nfa_set(rc_nfa *n, const rc_byteset *set, int32_t next)
{
    RC_GROW(n->scratch, n->sets, n->nsets, &n->setcap);
    n->sets[n->nsets] = *set;
    return nfa_add(n, RC_NFA_SET, next, -1, n->nsets++);
}

int32_t rc_regex_match_state(rc_nfa *n, int p)
{
    return nfa_add(n, RC_NFA_MATCH, -1, -1, p);
}

static void add_root(rc_nfa *n, int32_t entry)
{
    RC_GROW(n->scratch, n->roots, n->nroots, &n->rootcap);
    n->roots[n->nroots++] = entry;
}

/* Compile x so that it continues to `next`; returns x's entry state. */
static int32_t compile(rc_nfa *n, const re_node *x, int32_t next)
{
    switch (x->kind) {
    case N_SET: return nfa_set(n, &x->set, next);
    case N_BOL: return nfa_add(n, RC_NFA_BOL, next, -1, 0);
    case N_EOL: return nfa_add(n, RC_NFA_EOL, next, -1, 0);
    case N_EMPTY: return next;
    case N_CAT: {
        /* back to front, without recursing along the sibling list */
        int count = 0, i = 0;
        const re_node *k;
        for (k = x->kid; k; k = k->next) count++;
        const re_node **v = RC_NEW_ARRAY(n->scratch, const re_node *, count);
        for (k = x->kid; k; k = k->next) v[i++] = k;
        for (i = count - 1; i >= 0; i--) next = compile(n, v[i], next);
        return next;
    }
    case N_ALT: {
        int32_t entry = -1;
        for (const re_node *k = x->kid; k; k = k->next) {
            int32_t e = compile(n, k, next);
            entry = entry < 0 ? e : nfa_add(n, RC_NFA_SPLIT, e, entry, 0);
        }
        return entry;
    }
    default: { /* N_REP */
        int32_t entry;
        int copies;
        if (x->max < 0) {
            /* loop: L -> (operand -> L) | next */
            int32_t loop = nfa_add(n, RC_NFA_SPLIT, -1, next, 0);
            int32_t body = compile(n, x->kid, loop);
            n->st[loop].out = body;
            entry = x->min > 0 ? body : loop;
            copies = x->min > 0 ? x->min - 1 : 0;
        } else {
            /* optional tail: T_j = (operand -> T_{j-1}) | next, T_0 = next */
            entry = next;
            for (int j = 0; j < x->max - x->min; j++)
                entry = nfa_add(n, RC_NFA_SPLIT, compile(n, x->kid, entry), next, 0);
            copies = x->min;
        }
        for (int j = 0; j < copies; j++) entry = compile(n, x->kid, entry);
        return entry;
    }
    }
}

bool rc_regex_add_regex(rc_nfa *n, const char *re, size_t len, bool icase,
                        int32_t match_state, rc_dfa_error *err)
{
    re_node *root = parse_regex(n->scratch, re, len, icase, err);
    if (!root) return false;
    add_root(n, compile(n, root, match_state));
    return true;
}

bool rc_regex_add_literal(rc_nfa *n, const char *s, size_t len, bool icase,
                          int32_t match_state, rc_dfa_error *err)
{
    if (len == 0) {
        err->offset = 0;
        snprintf(err->message, sizeof err->message, "empty pattern matches every text");
        return false;
    }
    int32_t next = match_state;
    for (size_t i = len; i-- > 0;) {
        rc_byteset set;
        memset(&set, 0, sizeof set);
        set_add(&set, (unsigned char)s[i]);
        if (icase) set_fold(&set);
        next = nfa_set(n, &set, next);
    }
    add_root(n, next);
    return true;
}
