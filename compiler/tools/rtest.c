/* rtest.c - .rtest files: the reader (spec/rtest.md) and the simulator run.
 *
 * Line-oriented: every line is one directive or one event, so the lexer works
 * on one line at a time and an error skips to the next line (all errors of a
 * file are reported in one go).  Names in events and expectations are
 * resolved against the policy's IR as they are read, which is why the
 * `policy` line must come first.
 */
#include "rtest.h"
#include "diag.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "driver.h"
#include "harness.h"
#include "suggest.h"

/* errors reported here are of this kind (errors.def) */
#undef RC_ERROR_KIND
#define RC_ERROR_KIND RC_E_SCENARIO

/* ---- lexer -------------------------------------------------------------- */

typedef enum { T_END, T_WORD, T_NUM, T_STR, T_ARROW, T_DOTDOT, T_EQ, T_BAD } tkind;

typedef struct tok {
    tkind k;
    const char *p;              /* source text of the token */
    size_t n;
    int64_t num;                /* T_NUM */
    char *str;                  /* T_STR: decoded bytes (arena, NUL-terminated) */
    size_t slen;
    int col, ecol;              /* 1-based, inclusive */
} tok;

typedef struct lx {
    rc_arena *a;
    rc_diag *d;
    const char *s;              /* the line, not NUL-terminated */
    size_t len, i;
    int line;
} lx;

static rc_loc tloc(const lx *l, const tok *t)
{
    return (rc_loc){ l->line, t->col, l->line, t->ecol > t->col ? t->ecol : 0 };
}

static rc_loc cloc(const lx *l, size_t i)
{
    return (rc_loc){ l->line, (int)i + 1, 0, 0 };
}

static bool is_alpha(int c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
static bool is_digit(int c) { return c >= '0' && c <= '9'; }
static int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Numbers: decimal or 0x hex, optional leading '-', optional duration
 * suffix ms / s / m / h (converted to ms).  Values beyond 2^40 are refused so
 * that no later arithmetic can overflow. */
static bool lex_number(lx *l, tok *t)
{
    size_t i = l->i;
    bool neg = false;
    if (l->s[i] == '-') { neg = true; i++; }
    int64_t v = 0;
    bool big = false;
    if (l->s[i] == '0' && i + 1 < l->len && (l->s[i + 1] == 'x' || l->s[i + 1] == 'X')) {
        i += 2;
        size_t d0 = i;
        while (i < l->len && hexval((unsigned char)l->s[i]) >= 0) {
            v = v * 16 + hexval((unsigned char)l->s[i++]);
            if (v > ((int64_t)1 << 40)) big = true, v = (int64_t)1 << 40;
        }
        if (i == d0) {
            rc_diag_error(l->d, cloc(l, (size_t)(t->col - 1)), "expected hex digits after '0x'");
            return false;
        }
    } else {
        while (i < l->len && is_digit((unsigned char)l->s[i])) {
            v = v * 10 + (l->s[i++] - '0');
            if (v > ((int64_t)1 << 40)) big = true, v = (int64_t)1 << 40;
        }
    }
    size_t sfx = i;
    while (i < l->len && (is_alpha((unsigned char)l->s[i]) || is_digit((unsigned char)l->s[i]))) i++;
    int64_t mul = 1;
    size_t sn = i - sfx;
    const char *sp = l->s + sfx;
    if (sn == 0 || (sn == 2 && !memcmp(sp, "ms", 2))) mul = 1;
    else if (sn == 1 && *sp == 's') mul = 1000;
    else if (sn == 1 && *sp == 'm') mul = 60000;
    else if (sn == 1 && *sp == 'h') mul = 3600000;
    else {
        rc_diag_error(l->d, (rc_loc){ l->line, (int)sfx + 1, l->line, (int)i },
                      "bad number suffix '%.*s' (use ms, s, m or h)", (int)sn, sp);
        return false;
    }
    t->ecol = (int)i;
    l->i = i;
    if (big) {
        rc_diag_error(l->d, (rc_loc){ l->line, t->col, l->line, t->ecol }, "number too large");
        return false;
    }
    t->k = T_NUM;
    t->num = (neg ? -v : v) * mul;
    return true;
}

static bool lex_string(lx *l, tok *t)
{
    size_t i = l->i + 1;
    char *buf = rc_arena_alloc(l->a, l->len + 1);
    size_t n = 0;
    for (;;) {
        if (i >= l->len) {
            rc_diag_error(l->d, cloc(l, l->i), "unterminated string");
            return false;
        }
        char c = l->s[i];
        if (c == '"') { i++; break; }
        if (c != '\\') { buf[n++] = c; i++; continue; }
        char e = i + 1 < l->len ? l->s[i + 1] : '\0';
        if (e == '"' || e == '\\') { buf[n++] = e; i += 2; }
        else if (e == 'n') { buf[n++] = '\n'; i += 2; }
        else if (e == 't') { buf[n++] = '\t'; i += 2; }
        else if (e == 'x' && i + 3 < l->len && hexval((unsigned char)l->s[i + 2]) >= 0 &&
                 hexval((unsigned char)l->s[i + 3]) >= 0) {
            buf[n++] = (char)(hexval((unsigned char)l->s[i + 2]) * 16 + hexval((unsigned char)l->s[i + 3]));
            i += 4;
        } else {
            rc_diag_error(l->d, (rc_loc){ l->line, (int)i + 1, l->line, (int)i + 2 },
                          "unknown escape in string (use \\\" \\\\ \\n \\t \\xHH)");
            return false;
        }
    }
    t->k = T_STR;
    t->str = buf;
    t->slen = n;
    t->ecol = (int)i;
    l->i = i;
    return true;
}

/* Next token; T_BAD after reporting an error. */
static tok lex(lx *l)
{
    tok t;
    memset(&t, 0, sizeof t);
    while (l->i < l->len && (l->s[l->i] == ' ' || l->s[l->i] == '\t' || l->s[l->i] == '\r')) l->i++;
    t.col = (int)l->i + 1;
    t.ecol = t.col;
    t.p = l->s + l->i;
    if (l->i >= l->len || l->s[l->i] == '#' ||
        (l->s[l->i] == '/' && l->i + 1 < l->len && l->s[l->i + 1] == '/')) {
        t.k = T_END;
        return t;
    }
    int c = (unsigned char)l->s[l->i];
    int c1 = l->i + 1 < l->len ? (unsigned char)l->s[l->i + 1] : 0;
    if (c == '-' && c1 == '>') { t.k = T_ARROW; l->i += 2; t.ecol = t.col + 1; }
    else if (c == '.' && c1 == '.') { t.k = T_DOTDOT; l->i += 2; t.ecol = t.col + 1; }
    else if (c == '=') { t.k = T_EQ; l->i++; }
    else if (is_digit(c) || (c == '-' && is_digit(c1))) { if (!lex_number(l, &t)) t.k = T_BAD; }
    else if (c == '"') { if (!lex_string(l, &t)) t.k = T_BAD; }
    else if (is_alpha(c)) {
        while (l->i < l->len && (is_alpha((unsigned char)l->s[l->i]) || is_digit((unsigned char)l->s[l->i])))
            l->i++;
        t.k = T_WORD;
        t.ecol = (int)l->i;
    } else {
        rc_diag_error(l->d, cloc(l, l->i), "unexpected character '%c'", c);
        t.k = T_BAD;
    }
    t.n = (size_t)(l->s + l->i - t.p);
    return t;
}

static bool is_word(const tok *t, const char *w)
{
    return t->k == T_WORD && strlen(w) == t->n && !memcmp(t->p, w, t->n);
}

static const char *tok_desc(const tok *t)
{
    switch (t->k) {
    case T_END: return "end of line";
    case T_WORD: return "a name";
    case T_NUM: return "a number";
    case T_STR: return "a string";
    case T_ARROW: return "'->'";
    case T_DOTDOT: return "'..'";
    case T_EQ: return "'='";
    case T_BAD: return "a bad token";
    }
    return "?";
}

/* ---- parser state ------------------------------------------------------- */

typedef struct ps {
    rc_arena *a;
    rc_diag *d;
    lx l;
    const rc_ir *ir;
    rc_rtest_file *f;
    uint32_t seed;              /* for scenarios that do not set their own */
    /* growing arrays (malloc), copied into the arena when complete */
    rc_rtest_scenario *sc;
    int nsc, capsc;
    rc_rtest_event *ev;
    int nev, capev;
    bool in_scenario;
    const char *inc[RC_RTEST_MAX_INCIDENTS];   /* the current scenario's incident names */
    int ninc;
    int64_t *file_params;       /* [nparams] values of the file-level `params` lines */
    bool has_file_params;
    int64_t *cur_params;        /* [nparams] values in force in the current scenario */
    uint32_t back;              /* `clock back` so far in the scenario: events are at T - back */
    uint32_t last_t;            /* the file time T of the scenario's last event */
} ps;

static void err_expected(ps *p, const tok *t, const char *what)
{
    if (t->k == T_BAD) return;      /* already reported */
    rc_diag_error(p->d, tloc(&p->l, t), "expected %s, found %s", what, tok_desc(t));
}

/* Appends "a, b, c" (names of a table) to buf, truncated politely. */
static void list_names(char *buf, size_t cap, const char *const *names, size_t stride, int n)
{
    size_t used = 0;
    buf[0] = '\0';
    if (n == 0) { snprintf(buf, cap, "the policy has none"); return; }
    for (int i = 0; i < n; i++) {
        const char *nm = *(const char *const *)(const void *)((const char *)names + stride * (size_t)i);
        int w = snprintf(buf + used, cap - used, "%s%s", i ? ", " : "", nm);
        if (w < 0 || (size_t)w >= cap - used) {
            if (cap > 5) memcpy(buf + cap - 5, "...", 4);
            return;
        }
        used += (size_t)w;
    }
}

static int find_in(const tok *t, const char *const *names, size_t stride, int n)
{
    for (int i = 0; i < n; i++) {
        const char *nm = *(const char *const *)(const void *)((const char *)names + stride * (size_t)i);
        if (strlen(nm) == t->n && !memcmp(nm, t->p, t->n)) return i;
    }
    return -1;
}

/* Resolves a name of kind `what` from an IR table; reports unknown names
 * together with the known ones. */
static int resolve(ps *p, const tok *t, const char *what, const char *const *names, size_t stride, int n)
{
    if (t->k != T_WORD) {
        char w[64];
        snprintf(w, sizeof w, "%s name", what);
        err_expected(p, t, w);
        return -1;
    }
    int i = find_in(t, names, stride, n);
    if (i < 0) {
        char known[512];
        list_names(known, sizeof known, names, stride, n);
        rc_diag_error(p->d, tloc(&p->l, t), "unknown %s '%.*s' (known: %s)", what, (int)t->n, t->p, known);
    }
    return i;
}

#define RESOLVE_NAMES(p, t, what, arr, n) \
    resolve((p), (t), (what), (n) > 0 ? &(arr)[0].name : NULL, sizeof (arr)[0], (n))

static bool parse_force(ps *p, rc_rtest_event *e, const tok *w);

static const char *const *const sev_names = rc_sev_names;

/* An unsigned 32-bit quantity (time, duration, seed). */
static bool want_u32(ps *p, const tok *t, const char *what, uint32_t *out)
{
    if (t->k != T_NUM) { err_expected(p, t, what); return false; }
    if (t->num < 0 || t->num > (int64_t)UINT32_MAX) {
        rc_diag_error(p->d, tloc(&p->l, t), "%s out of range (0..4294967295)", what);
        return false;
    }
    *out = (uint32_t)t->num;
    return true;
}

static bool want_end(ps *p)
{
    tok t = lex(&p->l);
    if (t.k == T_END) return true;
    err_expected(p, &t, "end of line");
    return false;
}

/* ---- fault values ------------------------------------------------------- */

static bool const_value(const ps *p, const tok *t, int64_t *v)
{
    if (is_word(t, "true")) { *v = 1; return true; }
    if (is_word(t, "false")) { *v = 0; return true; }
    for (int i = 0; i < p->ir->nconsts; i++) {
        const rc_ir_const *k = &p->ir->consts[i];
        /* the policy's constants first, then the enumerators and macros
         * imported from its C headers (the policy's shadow an import) */
        if (strlen(k->name) != t->n || memcmp(k->name, t->p, t->n)) continue;
        *v = k->value;
        return true;
    }
    return false;
}

static void report_unknown_const(ps *p, const tok *t)
{
    char known[512];
    size_t used = (size_t)snprintf(known, sizeof known, "true, false");
    for (int i = 0; i < p->ir->nconsts && used < sizeof known - 40; i++)
        if (!p->ir->consts[i].imported && !p->ir->consts[i].duration)
            used += (size_t)snprintf(known + used, sizeof known - used, ", %s", p->ir->consts[i].name);
    /* did you mean: the closest of every constant, the imported ones too */
    char word[RC_SUGGEST_MAX + 1];
    snprintf(word, sizeof word, "%.*s", (int)(t->n < RC_SUGGEST_MAX ? t->n : RC_SUGGEST_MAX), t->p);
    const char **names = rc_xrealloc(NULL, (size_t)(p->ir->nconsts + 1) * sizeof *names);
    for (int i = 0; i < p->ir->nconsts; i++) names[i] = p->ir->consts[i].name;
    const char *s = rc_suggest(word, names, (size_t)p->ir->nconsts);
    if (s) {
        rc_diag_error(p->d, tloc(&p->l, t), "unknown constant '%.*s'; did you mean '%s'?", (int)t->n, t->p, s);
        rc_diag_edit_add(p->d, tloc(&p->l, t), s, "replace '%.*s' with '%s'", (int)t->n, t->p, s);
    } else
        rc_diag_error(p->d, tloc(&p->l, t), "unknown constant '%.*s' (known: %s)", (int)t->n, t->p, known);
    free(names);
}

/* FIELD=VALUE pairs up to '->'; returns false after an error. */
static bool parse_fault(ps *p, rc_sim_value *vals, tok *t)
{
    const rc_ir *ir = p->ir;
    bool *seen = rc_arena_alloc(p->a, (size_t)(ir->nfields > 0 ? ir->nfields : 1));
    for (;;) {
        *t = lex(&p->l);
        if (t->k != T_WORD) return t->k != T_BAD;
        tok name = *t;
        int fi = RESOLVE_NAMES(p, &name, "fault field", ir->fields, ir->nfields);
        if (fi < 0) return false;
        tok eq = lex(&p->l);
        if (eq.k != T_EQ) { err_expected(p, &eq, "'=' after the field name"); return false; }
        tok v = lex(&p->l);
        if (seen[fi]) {
            rc_diag_error(p->d, tloc(&p->l, &name), "field '%s' given twice", ir->fields[fi].name);
            return false;
        }
        seen[fi] = true;
        rc_type ty = ir->fields[fi].type;
        if (ty == RC_TY_TEXT) {
            if (v.k != T_STR) {
                err_expected(p, &v, "a \"string\" for a text field");
                return false;
            }
            vals[fi].text = v.str;
            vals[fi].len = v.slen;
            continue;
        }
        int64_t x;
        if (v.k == T_NUM) x = v.num;
        else if (v.k == T_WORD) {
            if (!const_value(p, &v, &x)) { report_unknown_const(p, &v); return false; }
        } else {
            char w[64];
            snprintf(w, sizeof w, "a value for %s field '%s'", rc_type_name(ty), ir->fields[fi].name);
            err_expected(p, &v, w);
            return false;
        }
        int64_t lo = 0, hi = 0;
        rc_type_range(ty, &lo, &hi);
        if (x < lo || x > hi) {
            rc_diag_error(p->d, tloc(&p->l, &v), "value %lld out of range for %s field '%s' (%lld..%lld)",
                          (long long)x, rc_type_name(ty), ir->fields[fi].name, (long long)lo, (long long)hi);
            return false;
        }
        vals[fi].i = x;
    }
}

/* ---- expectations ------------------------------------------------------- */

/* An optional trailing number (ms); *has is set when present.  Leaves the
 * next token in *t. */
static bool opt_ms(ps *p, tok *t, const char *what, uint32_t *ms, bool *has)
{
    *t = lex(&p->l);
    *has = false;
    if (t->k != T_NUM) return t->k != T_BAD;
    if (!want_u32(p, t, what, ms)) return false;
    *has = true;
    *t = lex(&p->l);
    return t->k != T_BAD;
}

static bool parse_expect(ps *p, rc_rtest_event *e, const tok *arrow)
{
    const rc_ir *ir = p->ir;
    rc_sim_expect *x = &e->expect;
    size_t text_from = (size_t)arrow->ecol;  /* just after '->' */
    tok t = lex(&p->l);
    x->error = -1;
    x->id = 0;
    if (e->kind == RC_SIM_EV_ADMIT) {
        if (is_word(&t, "allow")) x->admit = RECOV_ALLOW;
        else if (is_word(&t, "reject")) x->admit = RECOV_REJECT;
        else if (is_word(&t, "rate_limited")) x->admit = RECOV_RATE_LIMITED;
        else if (is_word(&t, "full")) x->admit = RECOV_FULL;
        else { err_expected(p, &t, "'allow', 'reject', 'rate_limited' or 'full'"); return false; }
        x->kind = 0;
        x->text = rc_arena_strndup(p->a, t.p, t.n);
        return want_end(p);
    }
    if (e->kind == RC_SIM_EV_ADMIT_IN) {
        x->kind = 0;
        if (is_word(&t, "unknown")) x->lo = RECOV_ADMIT_IN_UNKNOWN;
        else if (!want_u32(p, &t, "a time in ms or 'unknown'", &x->lo)) return false;
        x->text = rc_arena_strndup(p->a, t.p, t.n);
        return want_end(p);
    }
    const char *start = t.p;
    tok last = t;
    if (is_word(&t, "retry")) {
        x->kind = RECOV_RETRY;
        tok n = lex(&p->l);
        if (!want_u32(p, &n, "a delay in ms", &x->lo)) return false;
        x->hi = x->lo;
        last = n;
        t = lex(&p->l);
        if (t.k == T_DOTDOT) {
            tok m = lex(&p->l);
            if (!want_u32(p, &m, "the upper bound of the delay", &x->hi)) return false;
            if (x->hi < x->lo) {
                rc_diag_error(p->d, tloc(&p->l, &m), "empty delay range %lu..%lu",
                              (unsigned long)x->lo, (unsigned long)x->hi);
                return false;
            }
            last = m;
            t = lex(&p->l);
        }
        if (is_word(&t, "limit")) {   /* the attempt timeout: limit_ms */
            tok m = lex(&p->l);
            if (!want_u32(p, &m, "an attempt limit in ms", &x->limit)) return false;
            x->has_limit = true;
            last = m;
            t = lex(&p->l);
        }
    } else if (is_word(&t, "adjust") || is_word(&t, "run")) {
        bool adj = is_word(&t, "adjust");
        x->kind = adj ? RECOV_ADJUST : RECOV_RUN;
        tok n = lex(&p->l);
        x->id = adj ? RESOLVE_NAMES(p, &n, "adjustment", ir->adjusts, ir->nadjusts)
                    : RESOLVE_NAMES(p, &n, "handler", ir->handlers, ir->nhandlers);
        if (x->id < 0) return false;
        last = n;
        if (!opt_ms(p, &t, adj ? "a delay in ms" : "a timeout in ms", &x->lo, &x->has_ms)) return false;
        if (x->has_ms) last.ecol = t.col - 1;
        x->hi = x->lo;
    } else if (is_word(&t, "fallback") || is_word(&t, "degrade")) {
        bool fb = is_word(&t, "fallback");
        x->kind = fb ? RECOV_FALLBACK : RECOV_DEGRADE;
        tok n = lex(&p->l);
        x->id = fb ? RESOLVE_NAMES(p, &n, "alternative", ir->alts, ir->nalts)
                   : RESOLVE_NAMES(p, &n, "degrade mode", ir->modes, ir->nmodes);
        if (x->id < 0) return false;
        last = n;
        t = lex(&p->l);
    } else if (is_word(&t, "escalate")) {
        x->kind = RECOV_ESCALATE;
        tok c = lex(&p->l);
        x->id = RESOLVE_NAMES(p, &c, "channel", ir->channels, ir->nchannels);
        if (x->id < 0) return false;
        tok s = lex(&p->l);
        x->level = resolve(p, &s, "severity", sev_names, sizeof sev_names[0], RC_SEV_COUNT);
        if (x->level < 0) return false;
        last = s;
        if (!opt_ms(p, &t, "an SLA in ms", &x->lo, &x->has_ms)) return false;
        if (x->has_ms) last.ecol = t.col - 1;
        x->hi = x->lo;
    } else if (is_word(&t, "abort") || is_word(&t, "none")) {
        x->kind = is_word(&t, "abort") ? RECOV_ABORT : RECOV_NONE;
        t = lex(&p->l);
    } else {
        err_expected(p, &t, "retry, adjust, run, fallback, degrade, escalate, abort or none");
        return false;
    }
    if (is_word(&t, "as")) {
        tok n = lex(&p->l);
        x->error = RESOLVE_NAMES(p, &n, "error", ir->errors, ir->nerrors);
        if (x->error < 0) return false;
        last = n;
        t = lex(&p->l);
    }
    if (t.k != T_END) { err_expected(p, &t, "'as ERROR' or end of line"); return false; }
    /* The expectation as written (from its first word to the last token). */
    const char *end = p->l.s + last.ecol;
    if (end < start) end = start;
    (void)text_from;
    x->text = rc_arena_strndup(p->a, start, (size_t)(end - start));
    return true;
}

/* ---- lines -------------------------------------------------------------- */

static void finish_scenario(ps *p)
{
    if (!p->in_scenario) return;
    rc_rtest_scenario *s = &p->sc[p->nsc - 1];
    s->events = RC_NEW_ARRAY(p->a, rc_rtest_event, p->nev > 0 ? p->nev : 1);
    if (p->nev) memcpy(s->events, p->ev, sizeof *p->ev * (size_t)p->nev);
    s->nevents = p->nev;
    s->incidents = RC_NEW_ARRAY(p->a, const char *, p->ninc);
    memcpy(s->incidents, p->inc, sizeof *p->inc * (size_t)p->ninc);
    s->nincidents = p->ninc;
    p->nev = 0;
    p->back = 0;
    p->last_t = 0;
    p->in_scenario = false;
}

static void *grow(void *v, int *cap, size_t sz)
{
    *cap = *cap ? *cap * 2 : 16;
    void *n = realloc(v, sz * (size_t)*cap);
    if (!n) { fprintf(stderr, "recovc: out of memory\n"); exit(3); }
    return n;
}

/* `stats KEY=N ...` (after `at T`): the counters P_stats must show. */
static bool parse_stats(ps *p, rc_rtest_event *e)
{
    lx *l = &p->l;
    const rc_ir *ir = p->ir;
    rc_loc wloc = { l->line, (int)l->i, l->line, (int)l->i };
    if (!ir->stats) {
        rc_diag_error(p->d, wloc, "the policy has no `stats;` (add it, or run recovc test --stats)");
        return false;
    }
    e->kind = RC_SIM_EV_STATS;
    e->stat_idx = RC_NEW_ARRAY(p->a, int, RC_SIM_MAX_STATS);
    e->stat_want = RC_NEW_ARRAY(p->a, uint32_t, RC_SIM_MAX_STATS);
    size_t text_from = l->i;
    for (;;) {
        while (l->i < l->len && (l->s[l->i] == ' ' || l->s[l->i] == '\t' || l->s[l->i] == '\r')) l->i++;
        if (l->i >= l->len || l->s[l->i] == '\n' || l->s[l->i] == '#' ||
            (l->s[l->i] == '/' && l->i + 1 < l->len && l->s[l->i + 1] == '/'))
            break;
        size_t from = l->i;
        while (l->i < l->len && l->s[l->i] != '=' && l->s[l->i] != ' ' && l->s[l->i] != '\t' &&
               l->s[l->i] != '\n' && l->s[l->i] != '\r' && l->s[l->i] != '#')
            l->i++;
        rc_loc kloc = { l->line, (int)from + 1, l->line, (int)l->i };
        char key[400];
        snprintf(key, sizeof key, "%.*s", (int)(l->i - from), l->s + from);
        int idx = rc_ir_stat_find(ir, key);
        if (idx < 0) {
            char first[400];
            rc_ir_stat_key(ir, 0, first, sizeof first);
            rc_diag_error(p->d, kloc, "no counter '%s': keys are error.NAME.{failures,retries,fallbacks,degrades,"
                          "escalations,aborts,recovered}, breaker.NAME.{opens,half_opens,rejections}, "
                          "alt.NAME.{tries,successes}, handler.NAME.{tries,successes} (e.g. %s)", key, first);
            return false;
        }
        if (l->i >= l->len || l->s[l->i] != '=') {
            rc_diag_error(p->d, kloc, "expected '=N' after the counter");
            return false;
        }
        l->i++;
        size_t nfrom = l->i;
        uint64_t v = 0;
        while (l->i < l->len && l->s[l->i] >= '0' && l->s[l->i] <= '9' && v <= 0xFFFFFFFFu)
            v = v * 10u + (uint64_t)(l->s[l->i++] - '0');
        rc_loc vloc = { l->line, (int)nfrom + 1, l->line, (int)l->i };
        if (l->i == nfrom || v > 0xFFFFFFFFu) {
            rc_diag_error(p->d, vloc, "expected a count 0..4294967295");
            return false;
        }
        if (e->nstat == RC_SIM_MAX_STATS) {
            rc_diag_error(p->d, kloc, "at most %d counters per `stats` line", RC_SIM_MAX_STATS);
            return false;
        }
        e->stat_idx[e->nstat] = idx;
        e->stat_want[e->nstat++] = (uint32_t)v;
    }
    if (e->nstat == 0) {
        rc_diag_error(p->d, wloc, "expected KEY=N after `stats`");
        return false;
    }
    size_t to = l->i;
    while (to > text_from && (l->s[to - 1] == ' ' || l->s[to - 1] == '\t' || l->s[to - 1] == '\r')) to--;
    while (text_from < to && (l->s[text_from] == ' ' || l->s[text_from] == '\t')) text_from++;
    e->expect.text = rc_arena_strndup(p->a, l->s + text_from, to - text_from);
    return true;
}

static void parse_event(ps *p, const tok *at)
{
    if (!p->in_scenario) {
        rc_diag_error(p->d, tloc(&p->l, at), "event outside a scenario (start one with scenario \"name\")");
        return;
    }
    rc_rtest_scenario *s = &p->sc[p->nsc - 1];   /* exists: in_scenario */
    rc_rtest_event e;
    memset(&e, 0, sizeof e);
    e.line = p->l.line;
    e.expect.kind = -1;
    e.expect.error = -1;
    tok t = lex(&p->l);
    if (!want_u32(p, &t, "a time in ms", &e.t)) return;
    if (p->nev > 0 && e.t < p->last_t) {
        rc_diag_error(p->d, tloc(&p->l, &t), "time goes backwards (the previous event is at %lu)",
                      (unsigned long)p->last_t);
        rc_diag_note(p->d, tloc(&p->l, &t), "a host clock that steps back is written `clock back D`");
        return;
    }
    p->last_t = e.t;
    e.t -= p->back;     /* the host's clock: behind by every `clock back` so far (mod 2^32) */
    tok w = lex(&p->l);
    if (w.k == T_WORD && p->l.i < p->l.len && p->l.s[p->l.i] == ':') {
        /* `NAME:` - the event belongs to incident NAME */
        int k = 1;
        while (k < p->ninc && !(strlen(p->inc[k]) == w.n && !memcmp(p->inc[k], w.p, w.n))) k++;
        if (k == p->ninc) {
            if (p->ninc == RC_RTEST_MAX_INCIDENTS) {
                rc_diag_error(p->d, tloc(&p->l, &w), "too many incidents in one scenario (at most %d)",
                              RC_RTEST_MAX_INCIDENTS - 1);
                return;
            }
            p->inc[p->ninc++] = rc_arena_strndup(p->a, w.p, w.n);
        }
        e.incident = k;
        p->l.i++;
        w = lex(&p->l);
    }
    if (is_word(&w, "fail")) {
        e.kind = RC_SIM_EV_FAIL;
        e.values = RC_NEW_ARRAY(p->a, rc_sim_value, p->ir->nfields > 0 ? p->ir->nfields : 1);
        if (!parse_fault(p, e.values, &t)) return;
    } else if (is_word(&w, "handler")) {
        e.kind = RC_SIM_EV_HANDLER;
        t = lex(&p->l);
        if (is_word(&t, "ok")) e.ok = true;
        else if (is_word(&t, "failed")) e.ok = false;
        else { err_expected(p, &t, "'ok' or 'failed' after 'handler'"); return; }
        t = lex(&p->l);
    } else if (is_word(&w, "ok") || is_word(&w, "cancel") || is_word(&w, "reload")) {
        e.kind = is_word(&w, "ok") ? RC_SIM_EV_OK : is_word(&w, "cancel") ? RC_SIM_EV_CANCEL : RC_SIM_EV_RELOAD;
        t = lex(&p->l);
        if (t.k != T_END) {
            err_expected(p, &t, e.kind == RC_SIM_EV_OK ? "end of line after 'ok'"
                                : e.kind == RC_SIM_EV_CANCEL ? "end of line after 'cancel'" : "end of line after 'reload'");
            return;
        }
    } else if (is_word(&w, "admit")) {
        e.kind = RC_SIM_EV_ADMIT;
        t = lex(&p->l);
    } else if (is_word(&w, "admit_in")) {
        if (!rc_ir_has_admit_in(p->ir)) {
            rc_diag_error(p->d, tloc(&p->l, &w), "'admit_in' needs P_admit_in, which a policy has only with a `limit` "
                          "or a `per alternative` breaker");
            return;
        }
        e.kind = RC_SIM_EV_ADMIT_IN;
        t = lex(&p->l);
    } else if (is_word(&w, "stats")) {
        if (!parse_stats(p, &e)) return;
    } else if (is_word(&w, "force")) {
        if (!parse_force(p, &e, &w)) return;
    } else {
        err_expected(p, &w, "fail, handler, ok, admit, admit_in, cancel, force, stats or reload");
        return;
    }
    if (e.kind != RC_SIM_EV_OK && e.kind != RC_SIM_EV_CANCEL && e.kind != RC_SIM_EV_STATS &&
        e.kind != RC_SIM_EV_RELOAD && e.kind != RC_SIM_EV_FORCE) {
        if (t.k != T_ARROW) {
            err_expected(p, &t, e.kind == RC_SIM_EV_FAIL ? "FIELD=VALUE or '->'" : "'->'");
            return;
        }
        if (!parse_expect(p, &e, &t)) return;
    }
    if (p->nev == p->capev) p->ev = grow(p->ev, &p->capev, sizeof *p->ev);
    p->ev[p->nev++] = e;
    (void)s;
}

/* `force MODE [ALTERNATIVE]`: P_force on the shared part (spec/rtest.md). */
static bool parse_force(ps *p, rc_rtest_event *e, const tok *w)
{
    static const char *const modes[] = { "normal", "open", "closed", "disabled" };   /* RECOV_NORMAL.. order */
    static const unsigned codes[] = { RECOV_NORMAL, RECOV_FORCE_OPEN, RECOV_FORCE_CLOSED, RECOV_DISABLED };
    const rc_ir *ir = p->ir;
    if (ir->nbreakers == 0) {
        rc_diag_error(p->d, tloc(&p->l, w), "'force' needs a breaker: policy '%s' has none", ir->name);
        return false;
    }
    e->kind = RC_SIM_EV_FORCE;
    tok t = lex(&p->l);
    int m = -1;
    for (int k = 0; k < 4; k++)
        if (is_word(&t, modes[k])) m = k;
    if (m < 0) {
        err_expected(p, &t, "'open', 'closed', 'disabled' or 'normal' after 'force'");
        return false;
    }
    e->force_mode = codes[m];
    t = lex(&p->l);
    if (t.k == T_WORD) {
        int a = RESOLVE_NAMES(p, &t, "alternative", ir->alts, ir->nalts);
        if (a < 0) return false;
        if (rc_sim_force_targets(ir) == 1u) {
            rc_diag_error(p->d, tloc(&p->l, &t), "no breaker of policy '%s' is `per alternative`: "
                          "'force' acts on the dependency (write no alternative)", ir->name);
            return false;
        }
        e->force_target = 1u + (unsigned)a;
        t = lex(&p->l);
    }
    if (t.k != T_END) {
        err_expected(p, &t, "end of line after 'force MODE [ALTERNATIVE]'");
        return false;
    }
    return true;
}

/* One parameter value as the policy writes it: integer, duration (a bare
 * number is ms), percentage or factor (up to 3 decimals).  Reads the raw
 * text after '=' up to a blank. */
static bool param_value(ps *p, const rc_ir_param *pr, int64_t *out)
{
    lx *l = &p->l;
    while (l->i < l->len && (l->s[l->i] == ' ' || l->s[l->i] == '\t')) l->i++;
    size_t from = l->i;
    while (l->i < l->len && l->s[l->i] != ' ' && l->s[l->i] != '\t' && l->s[l->i] != '\r' && l->s[l->i] != '#')
        l->i++;
    const char *t = l->s + from;
    size_t n = l->i - from;
    rc_loc loc = { l->line, (int)from + 1, l->line, (int)l->i };
    size_t k = 0;
    int64_t v = 0, frac = 0;
    int fd = 0;
    while (k < n && is_digit((unsigned char)t[k]) && v < ((int64_t)1 << 40)) v = v * 10 + (t[k++] - '0');
    bool digits = k > 0;
    if (pr->type == RC_PT_FACTOR && k < n && t[k] == '.') {
        k++;
        while (k < n && is_digit((unsigned char)t[k]) && fd < 3) { frac = frac * 10 + (t[k++] - '0'); fd++; }
        while (fd < 3) { frac *= 10; fd++; }
    }
    const char *sfx = t + k;
    size_t sn = n - k;
    bool ok = digits && v < ((int64_t)1 << 40);
    switch (pr->type) {
    case RC_PT_DURATION:
        if (sn == 0 || (sn == 2 && !memcmp(sfx, "ms", 2))) { }
        else if (sn == 1 && *sfx == 's') v *= 1000;
        else if (sn == 1 && *sfx == 'm') v *= 60000;
        else if (sn == 1 && *sfx == 'h') v *= 3600000;
        else ok = false;
        break;
    case RC_PT_PERCENT: ok = ok && (sn == 0 || (sn == 1 && *sfx == '%')); break;
    case RC_PT_FACTOR: ok = ok && sn == 0; v = v * 1000 + frac; break;
    default: ok = ok && sn == 0; break;
    }
    if (!ok) {
        rc_diag_error(p->d, loc, "expected a %s value for parameter '%s' (as the policy writes it: %s)",
                      rc_ptype_name(pr->type), pr->name,
                      pr->type == RC_PT_DURATION ? "500ms, 30s" : pr->type == RC_PT_PERCENT ? "50%" :
                      pr->type == RC_PT_FACTOR ? "2 or 1.5" : "a whole number");
        return false;
    }
    *out = v;
    return true;
}

/* `params NAME=VALUE ... [-> rejected NAME]`: at file level the values for
 * every later scenario; in a scenario an event calling P_set_params. */
static void parse_params(ps *p, const tok *w)
{
    const rc_ir *ir = p->ir;
    if (ir->nparams == 0) {
        rc_diag_error(p->d, tloc(&p->l, w), "the policy declares no `param`");
        return;
    }
    int64_t *vals = RC_NEW_ARRAY(p->a, int64_t, ir->nparams);
    const int64_t *base = p->in_scenario ? p->cur_params : p->file_params;
    memcpy(vals, base, sizeof *vals * (size_t)ir->nparams);
    int reject = -1, given = 0;
    tok t;
    for (;;) {
        t = lex(&p->l);
        if (t.k != T_WORD) break;
        int pi = RESOLVE_NAMES(p, &t, "parameter", ir->params, ir->nparams);
        if (pi < 0) return;
        tok eq = lex(&p->l);
        if (eq.k != T_EQ) { err_expected(p, &eq, "'=' after the parameter name"); return; }
        if (!param_value(p, &ir->params[pi], &vals[pi])) return;
        given++;
    }
    if (t.k == T_BAD) return;
    if (!given) { err_expected(p, &t, "NAME=VALUE"); return; }
    if (t.k == T_ARROW) {
        if (!p->in_scenario) {
            rc_diag_error(p->d, tloc(&p->l, &t), "'-> rejected' belongs to a `params` line inside a scenario");
            return;
        }
        tok r = lex(&p->l);
        if (!is_word(&r, "rejected")) { err_expected(p, &r, "'rejected' after '->'"); return; }
        tok n = lex(&p->l);
        reject = RESOLVE_NAMES(p, &n, "parameter", ir->params, ir->nparams);
        if (reject < 0 || !want_end(p)) return;
    } else if (t.k != T_END) {
        err_expected(p, &t, "NAME=VALUE, '->' or end of line");
        return;
    }
    if (!p->in_scenario) {
        for (int i = 0; i < ir->nparams; i++) {
            if (vals[i] < ir->params[i].lo || vals[i] > ir->params[i].hi) {
                rc_diag_error(p->d, tloc(&p->l, w), "parameter '%s' is outside its declared range; a file-level "
                              "`params` line must be accepted", ir->params[i].name);
                return;
            }
        }
        memcpy(p->file_params, vals, sizeof *vals * (size_t)ir->nparams);
        p->has_file_params = true;
        return;
    }
    rc_rtest_event e;
    memset(&e, 0, sizeof e);
    e.kind = RC_SIM_EV_PARAMS;
    e.line = p->l.line;
    e.t = p->nev ? p->ev[p->nev - 1].t : 0;
    e.params = vals;
    e.reject = reject;
    e.expect.kind = -1;
    e.expect.error = -1;
    e.expect.text = reject < 0 ? "accepted" : rc_arena_printf(p->a, "rejected %s", ir->params[reject].name);
    if (reject < 0) memcpy(p->cur_params, vals, sizeof *vals * (size_t)ir->nparams);
    if (p->nev == p->capev) p->ev = grow(p->ev, &p->capev, sizeof *p->ev);
    p->ev[p->nev++] = e;
}

/* Resolves the policy path against the folder of the .rtest file. */
static const char *resolve_path(rc_arena *a, const char *rtest, const char *path, size_t n)
{
    const char *slash = strrchr(rtest, '/');
    if (path[0] == '/' || !slash) return rc_arena_strndup(a, path, n);
    return rc_arena_printf(a, "%.*s/%.*s", (int)(slash - rtest), rtest, (int)n, path);
}

/* `policy PATH` (PATH bare up to blanks/comment, or a "string"). */
static int parse_policy(ps *p, rc_rtest_loader load, void *ctx)
{
    lx *l = &p->l;
    while (l->i < l->len && (l->s[l->i] == ' ' || l->s[l->i] == '\t')) l->i++;
    const char *path;
    size_t n;
    size_t at = l->i;
    if (l->i < l->len && l->s[l->i] == '"') {
        tok t = lex(l);
        if (t.k != T_STR) return 1;
        path = t.str;
        n = t.slen;
    } else {
        while (l->i < l->len && l->s[l->i] != ' ' && l->s[l->i] != '\t' && l->s[l->i] != '\r' &&
               l->s[l->i] != '#')
            l->i++;
        path = l->s + at;
        n = l->i - at;
    }
    if (n == 0) {
        rc_diag_error(p->d, cloc(l, at), "expected the policy file after 'policy'");
        return 1;
    }
    if (!want_end(p)) return 1;
    p->f->policy_path = resolve_path(p->a, p->d->file ? p->d->file : "", path, n);
    int rc = load(ctx, p->f->policy_path, &p->ir);
    if (rc != 0) return rc;
    p->f->ir = p->ir;
    return 0;
}

static void parse_line(ps *p)
{
    tok w = lex(&p->l);
    if (w.k == T_END || w.k == T_BAD) return;
    if (is_word(&w, "at")) { parse_event(p, &w); return; }
    if (is_word(&w, "scenario")) {
        tok n = lex(&p->l);
        if (n.k != T_STR) { err_expected(p, &n, "the scenario's name as a \"string\""); return; }
        if (!want_end(p)) return;
        finish_scenario(p);
        if (p->nsc == p->capsc) p->sc = grow(p->sc, &p->capsc, sizeof *p->sc);
        rc_rtest_scenario *s = &p->sc[p->nsc++];
        memset(s, 0, sizeof *s);
        s->name = n.str;
        s->line = p->l.line;
        s->seed = p->seed;
        p->in_scenario = true;
        p->inc[0] = "";
        p->ninc = 1;
        if (p->ir->nparams) {
            memcpy(p->cur_params, p->file_params, sizeof *p->cur_params * (size_t)p->ir->nparams);
            if (p->has_file_params) {   /* the file's values, set right after P_init */
                rc_rtest_event e;
                memset(&e, 0, sizeof e);
                e.kind = RC_SIM_EV_PARAMS;
                e.line = p->l.line;
                e.params = RC_NEW_ARRAY(p->a, int64_t, p->ir->nparams);
                memcpy(e.params, p->file_params, sizeof *e.params * (size_t)p->ir->nparams);
                e.reject = -1;
                e.expect.kind = -1;
                e.expect.error = -1;
                e.expect.text = "accepted";
                if (p->nev == p->capev) p->ev = grow(p->ev, &p->capev, sizeof *p->ev);
                p->ev[p->nev++] = e;
            }
        }
        return;
    }
    if (is_word(&w, "params")) { parse_params(p, &w); return; }
    if (is_word(&w, "seed")) {
        tok n = lex(&p->l);
        uint32_t v;
        if (!want_u32(p, &n, "a seed", &v) || !want_end(p)) return;
        if (!p->in_scenario) p->seed = v;
        else if (p->nev) rc_diag_error(p->d, tloc(&p->l, &w), "'seed' must come before the scenario's events");
        else p->sc[p->nsc - 1].seed = v;
        return;
    }
    if (is_word(&w, "start")) {
        tok a = lex(&p->l);
        if (!is_word(&a, "at")) { err_expected(p, &a, "'at' after 'start'"); return; }
        tok n = lex(&p->l);
        uint32_t v;
        if (!want_u32(p, &n, "a start tick", &v) || !want_end(p)) return;
        if (!p->in_scenario)
            rc_diag_error(p->d, tloc(&p->l, &w), "'start at' belongs inside a scenario");
        else if (p->nev)
            rc_diag_error(p->d, tloc(&p->l, &w), "'start at' must come before the scenario's events");
        else p->sc[p->nsc - 1].t0 = v;
        return;
    }
    if (is_word(&w, "clock")) {
        tok b = lex(&p->l);
        if (!is_word(&b, "back")) { err_expected(p, &b, "'back' after 'clock'"); return; }
        tok n = lex(&p->l);
        uint32_t v;
        if (!want_u32(p, &n, "a step back in ms", &v) || !want_end(p)) return;
        if (!p->in_scenario) rc_diag_error(p->d, tloc(&p->l, &w), "'clock back' belongs inside a scenario");
        else p->back += v;
        return;
    }
    if (is_word(&w, "policy")) {
        rc_diag_error(p->d, tloc(&p->l, &w), "only one 'policy' line is allowed, and it comes first");
        return;
    }
    err_expected(p, &w, "scenario, seed, start, params, clock or at");
}

int rc_rtest_parse(rc_arena *a, rc_diag *d, const char *src, size_t len,
                   rc_rtest_loader load, void *ctx, rc_rtest_file *out)
{
    ps p;
    memset(&p, 0, sizeof p);
    memset(out, 0, sizeof *out);
    out->path = d->file;
    p.a = a;
    p.d = d;
    p.f = out;
    p.l.a = a;
    p.l.d = d;
    bool have_policy = false;
    int rc = 0;
    size_t i = 0;
    int line = 0;
    while (i < len && rc == 0) {
        size_t e = i;
        while (e < len && src[e] != '\n') e++;
        line++;
        p.l.s = src + i;
        p.l.len = e - i;
        p.l.i = 0;
        p.l.line = line;
        i = e + 1;
        if (!have_policy) {
            tok w = lex(&p.l);
            if (w.k == T_END) continue;
            if (!is_word(&w, "policy")) {
                if (w.k != T_BAD)
                    rc_diag_error(d, tloc(&p.l, &w), "a .rtest file starts with 'policy FILE'");
                rc = 1;
                break;
            }
            rc = parse_policy(&p, load, ctx);
            have_policy = true;
            if (rc == 0) {
                int np = p.ir->nparams;
                p.file_params = RC_NEW_ARRAY(a, int64_t, np > 0 ? np : 1);
                p.cur_params = RC_NEW_ARRAY(a, int64_t, np > 0 ? np : 1);
                for (int k = 0; k < np; k++) p.file_params[k] = p.ir->params[k].def;
            }
            continue;
        }
        parse_line(&p);
    }
    if (rc == 0 && !have_policy) {
        rc_diag_error(d, (rc_loc){ line > 0 ? line : 1, 1, 0, 0 }, "a .rtest file starts with 'policy FILE'");
        rc = 1;
    }
    if (rc == 0) {
        finish_scenario(&p);
        out->scenarios = RC_NEW_ARRAY(a, rc_rtest_scenario, p.nsc > 0 ? p.nsc : 1);
        if (p.nsc) memcpy(out->scenarios, p.sc, sizeof *p.sc * (size_t)p.nsc);
        out->nscenarios = p.nsc;
        if (d->errors) rc = 1;
    }
    free(p.sc);
    free(p.ev);
    return rc;
}

/* ---- running on the simulator ------------------------------------------- */

int rc_rtest_run_sim(rc_arena *a, rc_rtest_file *f, bool verbose, FILE *out)
{
    rc_sim *sim = rc_sim_new(a, f->ir);
    rc_sim_incident *inc[RC_RTEST_MAX_INCIDENTS];
    inc[0] = sim->inc;
    for (int k = 1; k < RC_RTEST_MAX_INCIDENTS; k++) inc[k] = NULL;
    int failed = 0;
    for (int si = 0; si < f->nscenarios; si++) {
        rc_rtest_scenario *sc = &f->scenarios[si];
        rc_sim_init(sim, sc->t0, sc->seed);
        for (int k = 1; k < sc->nincidents; k++) {
            if (!inc[k]) inc[k] = rc_sim_incident_new(a, f->ir);
            rc_sim_incident_init(sim, inc[k]);
        }
        for (int ei = 0; ei < sc->nevents; ei++) {
            rc_rtest_event *e = &sc->events[ei];
            rc_sim_incident *in = inc[e->incident];
            char got[256];
            rc_sim_event se = { e->kind, e->t, e->ok, e->values, e->expect, e->params, e->reject,
                                e->stat_idx, e->stat_want, e->nstat, e->force_target, e->force_mode };
            recov_admit r = RECOV_ALLOW;
            bool ok = rc_sim_apply(sim, in, sc->t0, &se, &e->decision, &r);
            switch (e->kind) {
            case RC_SIM_EV_FAIL:
            case RC_SIM_EV_HANDLER:
                rc_sim_format_decision(&e->decision, e->got, sizeof e->got);
                rc_sim_describe(f->ir, &e->decision, got, sizeof got);
                break;
            case RC_SIM_EV_OK:
                snprintf(e->got, sizeof e->got, "o");
                snprintf(got, sizeof got, "ok");
                break;
            case RC_SIM_EV_CANCEL:
                snprintf(e->got, sizeof e->got, "c");
                snprintf(got, sizeof got, "cancel");
                break;
            case RC_SIM_EV_RELOAD:
                snprintf(e->got, sizeof e->got, "r");
                snprintf(got, sizeof got, "reload");
                break;
            case RC_SIM_EV_PARAMS: {
                unsigned pr = e->decision.id;
                snprintf(e->got, sizeof e->got, "p %u", pr);
                if (pr == 0) snprintf(got, sizeof got, "accepted");
                else snprintf(got, sizeof got, "rejected %s", f->ir->params[pr - 1].name);
                break;
            }
            case RC_SIM_EV_FORCE:
                snprintf(e->got, sizeof e->got, "f %u", (unsigned)e->decision.id);
                snprintf(got, sizeof got, "P_force returned %u", (unsigned)e->decision.id);
                break;
            case RC_SIM_EV_ADMIT_IN:
                snprintf(e->got, sizeof e->got, "w %lu", (unsigned long)e->decision.ms);
                if (e->decision.ms == RECOV_ADMIT_IN_UNKNOWN) snprintf(got, sizeof got, "unknown");
                else snprintf(got, sizeof got, "%lu", (unsigned long)e->decision.ms);
                break;
            case RC_SIM_EV_ADMIT:
                snprintf(e->got, sizeof e->got, "%s", rc_sim_format_admit(r));
                snprintf(got, sizeof got, "%s", rc_sim_format_admit(r) + 2);
                break;
            case RC_SIM_EV_STATS: {
                size_t at = (size_t)snprintf(e->got, sizeof e->got, "s");
                got[0] = '\0';
                for (int k = 0; k < e->nstat; k++) {
                    uint32_t v = sim->stat[e->stat_idx[k]];
                    if (at < sizeof e->got)
                        at += (size_t)snprintf(e->got + at, sizeof e->got - at, " %lu", (unsigned long)v);
                    if (v != e->stat_want[k]) {
                        char key[200];
                        size_t gl = strlen(got);
                        rc_ir_stat_key(f->ir, e->stat_idx[k], key, sizeof key);
                        snprintf(got + gl, sizeof got - gl, "%s%s=%lu", gl ? " " : "", key, (unsigned long)v);
                    }
                }
                if (!got[0]) snprintf(got, sizeof got, "%s", e->expect.text ? e->expect.text : "stats");
                break;
            }
            }
            if (!ok) {
                failed++;
                fprintf(out, "%s:%d: scenario \"%s\": expected %s, got %s\n", f->path, e->line,
                        sc->name, e->expect.text ? e->expect.text : "?", got);
            } else if (verbose) {
                fprintf(out, "%s:%d: scenario \"%s\": %s\n", f->path, e->line, sc->name, got);
            }
        }
    }
    return failed;
}

/* ---- one file, start to end --------------------------------------------- */

typedef struct rc_rtest_loadctx {
    rc_unit unit;
    bool loaded;
    FILE *err;
    const rc_rtest_opts *opts;
} rc_rtest_loadctx;

/* The policy is loaded with its own folder as an include path (for its C
 * header imports), then the -I folders of the command line; the --via c
 * build gets the same -I, see harness.c. */
static int load_with_driver(void *ctx, const char *path, const rc_ir **ir)
{
    rc_rtest_loadctx *lc = ctx;
    lc->loaded = true;
    const char *slash = strrchr(path, '/');
    char dir[4096];
    if (!slash) snprintf(dir, sizeof dir, ".");
    else snprintf(dir, sizeof dir, "%.*s", slash == path ? 1 : (int)(slash - path), path);
    rc_unit_opts uo;
    if (lc->opts) uo = lc->opts->unit;
    else memset(&uo, 0, sizeof uo);
    int ninc = uo.nincludes;
    const char **dirs = rc_xrealloc(NULL, (size_t)(ninc + 1) * sizeof *dirs);
    dirs[0] = dir;
    for (int i = 0; i < ninc; i++) dirs[i + 1] = uo.include_dirs[i];
    uo.include_dirs = dirs;
    uo.nincludes = ninc + 1;
    int rc = rc_unit_load(&lc->unit, path, lc->err, &uo);
    free(dirs);
    if (rc == 0) *ir = lc->unit.ir;
    return rc;
}

int rc_rtest_run_file(const char *path, const rc_rtest_opts *opts, FILE *out, FILE *err)
{
    rc_rtest_opts none;
    if (!opts) {
        memset(&none, 0, sizeof none);
        opts = &none;
    }
    rc_arena a;
    rc_arena_init(&a);
    size_t len;
    char *src = rc_read_file(&a, path, &len);
    if (!src) {
        rc_diag_say(err, opts->unit.color, RC_DIAG_ERROR, "cannot read '%s': %s", path, rc_read_error(errno));
        rc_arena_free(&a);
        return 2;
    }
    rc_diag d;
    rc_diag_init(&d, path, src, len, err);
    d.color = opts->unit.color;
    rc_rtest_loadctx lc;
    memset(&lc, 0, sizeof lc);
    lc.err = err;
    lc.opts = opts;
    rc_rtest_file f;
    int rc = rc_rtest_parse(&a, &d, src, len, load_with_driver, &lc, &f);
    if (rc == 0) {
        int failed = rc_rtest_run_sim(&a, &f, opts->verbose, out);
        if (opts->via_c) {
            int c = rc_harness_run(&a, &f, opts, out, err);
            if (c < 0) rc = -c;
            else failed += c;
        }
        int nev = 0;
        for (int i = 0; i < f.nscenarios; i++) nev += f.scenarios[i].nevents;
        if (rc == 0) {
            if (failed)
                fprintf(out, "%d scenario%s, %d event%s: %d failed\n", f.nscenarios,
                        f.nscenarios == 1 ? "" : "s", nev, nev == 1 ? "" : "s", failed);
            else
                fprintf(out, "%d scenario%s, %d event%s: all passed\n", f.nscenarios,
                        f.nscenarios == 1 ? "" : "s", nev, nev == 1 ? "" : "s");
            rc = failed ? 1 : 0;
        }
        /* drawn even when events failed: the picture shows what happened */
        if (opts->timeline && rc < 2) {
            int tr = rc_rtest_timeline(&a, &f, opts, err);
            if (tr) rc = tr;
        }
    }
    if (lc.loaded) rc_unit_free(&lc.unit);
    rc_arena_free(&a);
    return rc;
}
