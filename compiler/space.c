/* space.c - atoms of the fault space and cube sets; see space.h. */
#include "space.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "recov/recov.h"

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) {
        fputs("recovc: internal error: out of memory\n", stderr);
        exit(3);
    }
    return q;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* ---- integer variables -------------------------------------------------- */

typedef struct cuts { int64_t *v; int n, cap; } cuts;

static void add_cut(cuts *c, int64_t x, int64_t lo, int64_t hi)
{
    if (x <= lo || x > hi) return;   /* lo is always a start */
    if (c->n == c->cap) {
        c->cap = c->cap ? 2 * c->cap : 16;
        c->v = xrealloc(c->v, (size_t)c->cap * sizeof *c->v);
    }
    c->v[c->n++] = x;
}

/* Does the expression read variable v of the space? */
static int expr_var(const rc_space *sp, int k, const rc_ir_expr *e)
{
    switch (e->opd) {
    case RC_OPD_FIELD: return sp->field_var[k][e->field];
    case RC_OPD_ATTEMPT: return sp->attempt_var;
    case RC_OPD_ELAPSED: return sp->elapsed_var;
    default: return -1;
    }
}

static void finish_int(rc_space *sp, rc_space_var *v, cuts *c)
{
    if (c->n > 1) qsort(c->v, (size_t)c->n, sizeof *c->v, cmp_i64);  /* qsort(NULL, 0) is undefined */
    v->starts = RC_NEW_ARRAY(sp->a, int64_t, c->n + 1);
    v->starts[0] = v->lo;
    v->natoms = 1;
    for (int i = 0; i < c->n; i++)
        if (c->v[i] != v->starts[v->natoms - 1]) v->starts[v->natoms++] = c->v[i];
    v->def_atom = rc_space_int_atom(v, v->lo <= 0 && 0 <= v->hi ? 0 : v->lo);
    free(c->v);
}

int rc_space_int_atom(const rc_space_var *v, int64_t x)
{
    int lo = 0, hi = v->natoms - 1;
    while (lo < hi) {
        int mid = (lo + hi + 1) / 2;
        if (v->starts[mid] <= x) lo = mid; else hi = mid - 1;
    }
    return lo;
}

int64_t rc_space_int_value(const rc_space_var *v, int atom)
{
    int64_t s = v->starts[atom];
    int64_t e = atom + 1 < v->natoms ? v->starts[atom + 1] - 1 : v->hi;
    if (s <= 0 && 0 <= e) return 0;
    return s;
}

/* ---- text variables: search for a text with given pattern bits ---------- */

typedef struct tnode {
    int32_t st[2];
    int32_t parent;
    int32_t depth;
    uint64_t req;               /* required patterns seen so far (bit j = req[j]) */
    uint8_t byte;
} tnode;

/* The order in which bytes are tried: witnesses prefer letters, digits,
 * space and printable punctuation; NUL is never used (a text ends there). */
static int byte_order(uint8_t *out)
{
    int n = 0;
    for (int c = 'a'; c <= 'z'; c++) out[n++] = (uint8_t)c;
    for (int c = 'A'; c <= 'Z'; c++) out[n++] = (uint8_t)c;
    for (int c = '0'; c <= '9'; c++) out[n++] = (uint8_t)c;
    out[n++] = ' ';
    for (int c = 0x21; c < 0x7f; c++)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) out[n++] = (uint8_t)c;
    for (int c = 1; c < 256; c++)
        if (c < 0x20 || c >= 0x7f) out[n++] = (uint8_t)c;
    return n;
}

#define RC_SPACE_MAX_REQ 60

typedef struct tcons {
    int nreq;
    int req_k[RC_SPACE_MAX_REQ], req_p[RC_SPACE_MAX_REQ];
    uint32_t *forb[2];          /* forbidden pattern bits per policy (dfa words) */
    bool any_forb;
} tcons;

static bool row_has(const rc_dfa *d, uint32_t row, int p)
{
    return (d->masks[(size_t)row * (size_t)d->words + (size_t)(p / 32)] >> (p % 32)) & 1;
}

static bool row_forbidden(const rc_dfa *d, uint32_t row, const uint32_t *forb)
{
    if (!forb) return false;
    for (int w = 0; w < d->words; w++)
        if (d->masks[(size_t)row * (size_t)d->words + (size_t)w] & forb[w]) return true;
    return false;
}

static uint64_t row_req(const rc_space_var *tv, const tcons *c, int k, uint32_t row)
{
    uint64_t r = 0;
    for (int j = 0; j < c->nreq; j++)
        if (c->req_k[j] == k && row_has(tv->dfa[k], row, c->req_p[j])) r |= 1ULL << j;
    return r;
}

/* 1: found (the shortest text, when out is set), 0: none exists, -1: too large. */
static int text_search(const rc_space *sp, const rc_space_var *tv, const tcons *c, char **out, size_t *outlen)
{
    const rc_dfa *d[2] = {tv->dfa[0], tv->dfa[1]};
    uint64_t all = c->nreq == 64 ? ~0ULL : ((1ULL << c->nreq) - 1);
    uint8_t order[256], reps[256];
    int norder = byte_order(order), nreps = 0;
    for (int i = 0; i < norder; i++) {
        int ch = order[i];
        bool dup = false;
        for (int r = 0; r < nreps && !dup; r++)
            dup = (!d[0] || d[0]->classmap[reps[r]] == d[0]->classmap[ch]) &&
                  (!d[1] || d[1]->classmap[reps[r]] == d[1]->classmap[ch]);
        if (!dup) reps[nreps++] = (uint8_t)ch;
    }
    size_t htcap = 1024;
    tnode *nodes = NULL;
    int n = 0, cap = 0;
    int32_t *ht = NULL;
    int found = -1, result = 0;
    /* the root */
    tnode root = {{0, 0}, -1, 0, 0, 0};
    for (int k = 0; k < 2; k++) {
        if (!d[k]) continue;
        if (row_forbidden(d[k], d[k]->acc[0], c->forb[k])) return 0;
        root.req |= row_req(tv, c, k, d[k]->acc[0]);
    }
    ht = xrealloc(NULL, htcap * sizeof *ht);
    memset(ht, 0xff, htcap * sizeof *ht);
    for (int head = -1; head < n; head++) {
        if (head >= 0 && nodes[head].depth >= (int32_t)RECOV_MAX_TEXT) continue;
        for (int r = (head < 0 ? -1 : 0); r < (head < 0 ? 0 : nreps); r++) {
            tnode nd;
            if (head < 0) {
                nd = root;
            } else {
                const tnode *h = &nodes[head];
                nd = (tnode){{0, 0}, head, h->depth + 1, h->req, reps[r]};
                bool dead = false;
                for (int k = 0; k < 2 && !dead; k++) {
                    if (!d[k]) continue;
                    nd.st[k] = (int32_t)d[k]->trans[(size_t)h->st[k] * (size_t)d[k]->nclasses + d[k]->classmap[reps[r]]];
                    uint32_t row = d[k]->acc[nd.st[k]];
                    if (row_forbidden(d[k], row, c->forb[k])) dead = true;
                    else nd.req |= row_req(tv, c, k, row);
                }
                if (dead) continue;
            }
            /* seen? */
            uint64_t hh = ((uint64_t)(uint32_t)nd.st[0] * 0x9E3779B97F4A7C15ULL) ^
                          ((uint64_t)(uint32_t)nd.st[1] * 0xC2B2AE3D27D4EB4FULL) ^ (nd.req * 0x165667B19E3779F9ULL);
            size_t i = (size_t)(hh >> 20) & (htcap - 1);
            bool seen = false;
            while (ht[i] >= 0 && !seen) {
                const tnode *o = &nodes[ht[i]];
                seen = o->st[0] == nd.st[0] && o->st[1] == nd.st[1] && o->req == nd.req;
                if (!seen) i = (i + 1) & (htcap - 1);
            }
            if (seen) continue;
            if (n == cap) {
                cap = cap ? 2 * cap : 256;
                nodes = xrealloc(nodes, (size_t)cap * sizeof *nodes);
            }
            nodes[n] = nd;
            ht[i] = n++;
            if ((size_t)n * 2 > htcap) {
                /* grow and rehash */
                htcap *= 2;
                ht = xrealloc(ht, htcap * sizeof *ht);
                memset(ht, 0xff, htcap * sizeof *ht);
                for (int j = 0; j < n; j++) {
                    const tnode *o = &nodes[j];
                    uint64_t h2 = ((uint64_t)(uint32_t)o->st[0] * 0x9E3779B97F4A7C15ULL) ^
                                  ((uint64_t)(uint32_t)o->st[1] * 0xC2B2AE3D27D4EB4FULL) ^ (o->req * 0x165667B19E3779F9ULL);
                    size_t q = (size_t)(h2 >> 20) & (htcap - 1);
                    while (ht[q] >= 0) q = (q + 1) & (htcap - 1);
                    ht[q] = j;
                }
            }
            /* a goal: the text may end here */
            const tnode *x = &nodes[n - 1];
            uint64_t fin = x->req;
            bool bad = false;
            for (int k = 0; k < 2 && !bad; k++) {
                if (!d[k]) continue;
                uint32_t row = d[k]->acc_end[x->st[k]];
                if (row_forbidden(d[k], row, c->forb[k])) bad = true;
                else fin |= row_req(tv, c, k, row);
            }
            if (!bad && fin == all) { found = n - 1; break; }
            if (n >= RC_SPACE_MAX_NODES) { result = -1; break; }
        }
        if (found >= 0 || result < 0) break;
    }
    if (found >= 0) {
        result = 1;
        if (out) {
            int len = nodes[found].depth;
            char *t = rc_arena_alloc(sp->a, (size_t)len + 1);
            for (int i = found, p = len; i > 0 && nodes[i].parent >= 0; i = nodes[i].parent) t[--p] = (char)nodes[i].byte;
            *out = t;
            *outlen = (size_t)len;
        }
    }
    free(nodes);
    free(ht);
    return result;
}

/* The constraints a cube puts on text variable tv (index v).  False when
 * there are too many required patterns to search. */
static bool cube_cons(const rc_space *sp, int v, const uint64_t *cube, tcons *c, uint32_t **fbuf)
{
    const rc_space_var *tv = &sp->vars[v];
    memset(c, 0, sizeof *c);
    for (int k = 0; k < 2; k++) {
        if (!tv->dfa[k]) continue;
        c->forb[k] = fbuf[k];
        memset(fbuf[k], 0, (size_t)tv->dfa[k]->words * 4);
        for (int p = 0; p < tv->dfa[k]->npatterns; p++) {
            int pv = tv->pat0[k] + p;
            uint64_t w = cube[sp->off[pv]];
            if (w == 2) {
                if (c->nreq == RC_SPACE_MAX_REQ) return false;
                c->req_k[c->nreq] = k;
                c->req_p[c->nreq++] = p;
            } else if (w == 1) {
                fbuf[k][p / 32] |= 1u << (p % 32);
                c->any_forb = true;
            }
        }
    }
    return true;
}

/* 1 non-empty, 0 empty, -1 unknown.  texts: when non-NULL, the witness text
 * of every TEXT variable (NULL/0 for the others). */
static int cube_feasible(const rc_space *sp, const uint64_t *cube, const char **texts, size_t *lens)
{
    int res = 1;
    for (int v = 0; v < sp->nvars && res != 0; v++) {
        const rc_space_var *tv = &sp->vars[v];
        if (tv->kind != RC_SV_TEXT) continue;
        if (texts) { texts[v] = ""; lens[v] = 0; }
        if (!tv->dfa[0] && !tv->dfa[1]) continue;
        uint32_t *fbuf[2];
        for (int k = 0; k < 2; k++) fbuf[k] = xrealloc(NULL, (size_t)(tv->dfa[k] ? tv->dfa[k]->words : 1) * 4);
        tcons c;
        int r;
        if (!cube_cons(sp, v, cube, &c, fbuf)) r = -1;
        else if (c.nreq == 0 && !c.any_forb && !texts) r = 1;
        else {
            char *t = NULL;
            size_t l = 0;
            r = text_search(sp, tv, &c, texts ? &t : NULL, &l);
            if (r == 1 && texts) { texts[v] = t; lens[v] = l; }
        }
        free(fbuf[0]);
        free(fbuf[1]);
        if (r == 0) res = 0;
        else if (r < 0) res = -1;
    }
    return res;
}

/* ---- construction -------------------------------------------------------- */

static const rc_dfa *field_dfa(rc_space *sp, const rc_ir *ir, int field)
{
    int t = ir->fields[field].text_index;
    if (t < 0) return NULL;
    rc_ir_textfield *tf = &ir->texts[t];
    if (tf->dfa.nstates > 0) return &tf->dfa;
    /* not built yet (the checker asks before its DFA pass): build a copy */
    rc_dfa_pattern *pats = RC_NEW_ARRAY(sp->a, rc_dfa_pattern, tf->npatterns + 1);
    for (int i = 0; i < tf->npatterns; i++) {
        pats[i].alts = tf->patterns[i].alts;
        pats[i].nalts = tf->patterns[i].nalts;
        pats[i].icase = tf->patterns[i].icase;
    }
    rc_dfa *d = RC_NEW(sp->a, rc_dfa);
    rc_dfa_error err;
    if (!rc_dfa_build(sp->a, pats, tf->npatterns, RC_DFA_MAX_STATES, d, &err)) return NULL;
    return d;
}

void rc_space_init(rc_space *sp, rc_arena *a, const rc_ir *const *irs, int nirs)
{
    memset(sp, 0, sizeof *sp);
    sp->a = a;
    sp->nirs = nirs;
    int maxv = 4;
    for (int k = 0; k < nirs; k++) {
        sp->irs[k] = irs[k];
        maxv += irs[k]->nfields;
        for (int t = 0; t < irs[k]->ntexts; t++) maxv += irs[k]->texts[t].npatterns;
    }
    sp->inexact = RC_NEW(a, bool);
    sp->vars = RC_NEW_ARRAY(a, rc_space_var, maxv);
    sp->off = RC_NEW_ARRAY(a, int, maxv);
    sp->attempt_var = sp->elapsed_var = sp->error_var = -1;
    /* variables: fields by name */
    for (int k = 0; k < nirs; k++) {
        sp->field_var[k] = RC_NEW_ARRAY(a, int, irs[k]->nfields + 1);
        for (int f = 0; f < irs[k]->nfields; f++) {
            int v = -1;
            for (int j = 0; j < sp->nvars && v < 0; j++)
                if (sp->vars[j].name && strcmp(sp->vars[j].name, irs[k]->fields[f].name) == 0) v = j;
            int64_t lo, hi;
            rc_type_range(irs[k]->fields[f].type, &lo, &hi);
            if (irs[k]->fields[f].type == RC_TY_TEXT) hi = 1;   /* text: its variable is the DFA's, not a range */
            if (v < 0) {
                v = sp->nvars++;
                sp->vars[v].name = irs[k]->fields[f].name;
                sp->vars[v].kind = irs[k]->fields[f].type == RC_TY_TEXT ? RC_SV_TEXT : RC_SV_INT;
                sp->vars[v].lo = lo;
                sp->vars[v].hi = hi;
            } else {
                if (lo < sp->vars[v].lo) sp->vars[v].lo = lo;
                if (hi > sp->vars[v].hi) sp->vars[v].hi = hi;
            }
            sp->field_var[k][f] = v;
        }
    }
    if (nirs == 1) {
        sp->attempt_var = sp->nvars++;
        sp->vars[sp->attempt_var] = (rc_space_var){.kind = RC_SV_INT, .name = "attempt", .lo = 1, .hi = UINT16_MAX};
        sp->elapsed_var = sp->nvars++;
        sp->vars[sp->elapsed_var] = (rc_space_var){.kind = RC_SV_INT, .name = "elapsed", .lo = 0, .hi = UINT32_MAX};
        sp->error_var = sp->nvars++;
        sp->vars[sp->error_var] = (rc_space_var){.kind = RC_SV_ERROR, .name = "error", .natoms = irs[0]->nerrors};
    }
    /* atoms */
    for (int v = 0; v < sp->nvars; v++) {
        rc_space_var *var = &sp->vars[v];
        if (var->kind == RC_SV_INT) {
            cuts c = {0};
            for (int k = 0; k < nirs; k++)
                for (int i = 0; i < irs[k]->nexprs; i++) {
                    const rc_ir_expr *e = &irs[k]->exprs[i];
                    if ((e->kind != RC_X_CMP && e->kind != RC_X_IN) || expr_var(sp, k, e) != v) continue;
                    if (e->kind == RC_X_CMP) {
                        add_cut(&c, e->value, var->lo, var->hi);
                        if (e->value < INT64_MAX) add_cut(&c, e->value + 1, var->lo, var->hi);
                    } else {
                        add_cut(&c, e->lo, var->lo, var->hi);
                        if (e->hi < INT64_MAX) add_cut(&c, e->hi + 1, var->lo, var->hi);
                    }
                }
            finish_int(sp, var, &c);
        } else if (var->kind == RC_SV_TEXT) {
            var->natoms = 1;
            for (int k = 0; k < nirs; k++)
                for (int f = 0; f < irs[k]->nfields; f++)
                    if (sp->field_var[k][f] == v) var->dfa[k] = field_dfa(sp, irs[k], f);
            /* one boolean variable per pattern, right after the fields */
            for (int k = 0; k < nirs; k++) {
                var->pat0[k] = sp->nvars;
                if (!var->dfa[k]) continue;
                const rc_dfa *d = var->dfa[k];
                uint32_t row0 = d->acc[0];
                for (int p = 0; p < d->npatterns; p++) {
                    rc_space_var *pv = &sp->vars[sp->nvars++];
                    var = &sp->vars[v];
                    pv->kind = RC_SV_PAT;
                    pv->name = var->name;
                    pv->natoms = 2;
                    pv->text = v;
                    pv->ir = k;
                    pv->pattern = p;
                    pv->def_atom = row_has(d, row0, p) || row_has(d, d->acc_end[0], p) ? 1 : 0;
                }
            }
        } else if (var->kind == RC_SV_ERROR) {
            var->def_atom = 0;
        }
        if (var->natoms < 1) var->natoms = 1;
        sp->off[v] = sp->words;
        sp->words += (var->natoms + 63) / 64;
    }
    sp->scratch = RC_NEW_ARRAY(a, uint64_t, sp->words + 1);
}

/* ---- cube sets ----------------------------------------------------------- */

void rc_cset_free(rc_cset *s)
{
    free(s->w);
    memset(s, 0, sizeof *s);
}

static uint64_t *push(const rc_space *sp, rc_cset *s)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 4;
        s->w = xrealloc(s->w, (size_t)s->cap * (size_t)sp->words * 8);
    }
    return s->w + (size_t)s->n++ * (size_t)sp->words;
}

static void push_cube(const rc_space *sp, rc_cset *s, const uint64_t *c)
{
    if (s->n >= RC_SPACE_MAX_CUBES) { s->unknown = true; return; }
    memcpy(push(sp, s), c, (size_t)sp->words * 8);
}

static void full_var(const rc_space *sp, uint64_t *c, int v)
{
    int n = sp->vars[v].natoms;
    uint64_t *w = c + sp->off[v];
    for (int i = 0; i < (n + 63) / 64; i++)
        w[i] = (i + 1) * 64 <= n ? ~0ULL : ((1ULL << (n % 64)) - 1);
}

static bool var_empty(const rc_space *sp, const uint64_t *c, int v)
{
    int nw = (sp->vars[v].natoms + 63) / 64;
    for (int i = 0; i < nw; i++)
        if (c[sp->off[v] + i]) return false;
    return true;
}

void rc_cset_universe(const rc_space *sp, rc_cset *out)
{
    memset(out, 0, sizeof *out);
    uint64_t *c = push(sp, out);
    for (int v = 0; v < sp->nvars; v++) full_var(sp, c, v);
}

void rc_cset_copy(const rc_space *sp, const rc_cset *s, rc_cset *out)
{
    memset(out, 0, sizeof *out);
    for (int i = 0; i < s->n; i++) push_cube(sp, out, s->w + (size_t)i * (size_t)sp->words);
    out->unknown = s->unknown;
}

bool rc_cset_empty(const rc_space *sp, const rc_cset *s)
{
    for (int i = 0; i < s->n; i++) {
        int r = cube_feasible(sp, s->w + (size_t)i * (size_t)sp->words, NULL, NULL);
        if (r < 0) *sp->inexact = true;
        if (r != 0) return false;
    }
    return true;
}

/* dst = a & b; false when empty */
static bool cube_and(const rc_space *sp, const uint64_t *a, const uint64_t *b, uint64_t *dst)
{
    /* variable by variable, stopping at the first empty one */
    for (int v = 0; v < sp->nvars; v++) {
        int o = sp->off[v], nw = (sp->vars[v].natoms + 63) / 64;
        uint64_t any = 0;
        for (int i = o; i < o + nw; i++) any |= dst[i] = a[i] & b[i];
        if (!any) return false;
    }
    return true;
}

void rc_cset_and(const rc_space *sp, const rc_cset *a, const rc_cset *b, rc_cset *out)
{
    memset(out, 0, sizeof *out);
    out->unknown = a->unknown || b->unknown;
    if ((long long)a->n * b->n > RC_SPACE_MAX_WORK) { out->unknown = true; return; }
    uint64_t *t = xrealloc(NULL, (size_t)sp->words * 8);
    for (int i = 0; i < a->n; i++)
        for (int j = 0; j < b->n; j++)
            if (cube_and(sp, a->w + (size_t)i * (size_t)sp->words, b->w + (size_t)j * (size_t)sp->words, t))
                push_cube(sp, out, t);
    free(t);
}

void rc_cset_or_in(const rc_space *sp, rc_cset *a, const rc_cset *b)
{
    a->unknown |= b->unknown;
    for (int j = 0; j < b->n; j++) push_cube(sp, a, b->w + (size_t)j * (size_t)sp->words);
}

void rc_cset_or(const rc_space *sp, const rc_cset *a, const rc_cset *b, rc_cset *out)
{
    rc_cset_copy(sp, a, out);
    rc_cset_or_in(sp, out, b);
}

/* Append (a - b) for one cube a to out. */
static void cube_sub(const rc_space *sp, const uint64_t *a, const uint64_t *b, rc_cset *out, uint64_t *rest)
{
    if (!cube_and(sp, a, b, rest)) { push_cube(sp, out, a); return; }
    memcpy(rest, a, (size_t)sp->words * 8);
    for (int v = 0; v < sp->nvars; v++) {
        int nw = (sp->vars[v].natoms + 63) / 64, o = sp->off[v];
        bool diff = false;
        for (int i = 0; i < nw; i++) diff |= (rest[o + i] & ~b[o + i]) != 0;
        if (!diff) continue;
        uint64_t *p = out->n < RC_SPACE_MAX_CUBES ? push(sp, out) : NULL;
        if (!p) { out->unknown = true; return; }
        memcpy(p, rest, (size_t)sp->words * 8);
        for (int i = 0; i < nw; i++) {
            p[o + i] = rest[o + i] & ~b[o + i];
            rest[o + i] &= b[o + i];
        }
    }
}

void rc_cset_sub(const rc_space *sp, const rc_cset *a, const rc_cset *b, rc_cset *out)
{
    rc_cset cur, nxt;
    rc_cset_copy(sp, a, &cur);
    cur.unknown = a->unknown || b->unknown;
    uint64_t *rest = xrealloc(NULL, (size_t)sp->words * 8);
    for (int j = 0; j < b->n && cur.n; j++) {
        if ((long long)cur.n * (b->n - j) > RC_SPACE_MAX_WORK) {
            /* too much work: an unknown result (never a wrong one) */
            cur.unknown = true;
            break;
        }
        memset(&nxt, 0, sizeof nxt);
        nxt.unknown = cur.unknown;
        for (int i = 0; i < cur.n; i++)
            cube_sub(sp, cur.w + (size_t)i * (size_t)sp->words, b->w + (size_t)j * (size_t)sp->words, &nxt, rest);
        rc_cset_free(&cur);
        cur = nxt;
    }
    free(rest);
    *out = cur;
}

/* In place: the cubes of a that miss a cube of b stay where they are (no
 * copy of the whole set per cube of b, which made a long classify quadratic
 * in memory traffic); only the cubes it cuts are replaced by their pieces,
 * appended at the end.  The same set as rc_cset_sub, cube order aside. */
void rc_cset_sub_in(const rc_space *sp, rc_cset *a, const rc_cset *b)
{
    size_t W = (size_t)sp->words;
    a->unknown = a->unknown || b->unknown;
    uint64_t *rest = xrealloc(NULL, W * 8);
    rc_cset pieces;
    memset(&pieces, 0, sizeof pieces);
    for (int j = 0; j < b->n && a->n; j++) {
        if ((long long)a->n * (b->n - j) > RC_SPACE_MAX_WORK) {
            a->unknown = true;   /* too much work: unknown, never wrong */
            break;
        }
        const uint64_t *bj = b->w + (size_t)j * W;
        int keep = 0;
        pieces.n = 0;
        for (int i = 0; i < a->n; i++) {
            uint64_t *c = a->w + (size_t)i * W;
            if (!cube_and(sp, c, bj, rest)) {
                if (keep != i) memcpy(a->w + (size_t)keep * W, c, W * 8);
                keep++;
            } else {
                cube_sub(sp, c, bj, &pieces, rest);
            }
        }
        a->n = keep;
        if (pieces.unknown) a->unknown = true;
        for (int i = 0; i < pieces.n; i++) push_cube(sp, a, pieces.w + (size_t)i * W);
    }
    rc_cset_free(&pieces);
    free(rest);
}

void rc_cset_fix(const rc_space *sp, rc_cset *s, int v, int atom)
{
    int nw = (sp->vars[v].natoms + 63) / 64, o = sp->off[v];
    int keep = 0;
    for (int i = 0; i < s->n; i++) {
        uint64_t *c = s->w + (size_t)i * (size_t)sp->words;
        bool in = (c[o + atom / 64] >> (atom % 64)) & 1;
        if (!in) continue;
        for (int w = 0; w < nw; w++) c[o + w] = 0;
        c[o + atom / 64] = 1ULL << (atom % 64);
        if (keep != i) memcpy(s->w + (size_t)keep * (size_t)sp->words, c, (size_t)sp->words * 8);
        keep++;
    }
    s->n = keep;
}

/* ---- expressions --------------------------------------------------------- */

static bool cmp(rc_ir_cmp op, int64_t a, int64_t b)
{
    switch (op) {
    case RC_IR_EQ: return a == b;
    case RC_IR_NE: return a != b;
    case RC_IR_LT: return a < b;
    case RC_IR_LE: return a <= b;
    case RC_IR_GT: return a > b;
    default: return a >= b;
    }
}

static bool leaf_holds(const rc_ir_expr *e, int64_t x)
{
    return e->kind == RC_X_IN ? (x >= e->lo && x <= e->hi) : cmp(e->op, x, e->value);
}

/* The set of a leaf: the universe with one variable restricted. */
static void leaf_set(const rc_space *sp, int k, const rc_ir_expr *e, rc_cset *out)
{
    const rc_ir *ir = sp->irs[k];
    rc_cset_universe(sp, out);
    uint64_t *c = out->w;
    int v;
    if (e->kind == RC_X_MATCH) {
        const rc_space_var *tv = &sp->vars[sp->field_var[k][e->field]];
        if (!tv->dfa[k] || e->pattern >= tv->dfa[k]->npatterns) { out->unknown = true; return; }
        v = tv->pat0[k] + e->pattern;
        c[sp->off[v]] = 2;   /* matched */
    } else if (e->opd == RC_OPD_SEVERITY || e->opd == RC_OPD_CLASS || e->opd == RC_OPD_ERROR) {
        v = sp->error_var;
        if (v < 0) { out->unknown = true; return; }
        memset(c + sp->off[v], 0, (size_t)((sp->vars[v].natoms + 63) / 64) * 8);
        for (int j = 0; j < ir->nerrors; j++) {
            int64_t x = e->opd == RC_OPD_ERROR ? j : e->opd == RC_OPD_CLASS ? ir->errors[j].cls
                                                                            : (int64_t)ir->errors[j].severity;
            if (leaf_holds(e, x)) c[sp->off[v] + j / 64] |= 1ULL << (j % 64);
        }
    } else {
        v = expr_var(sp, k, e);
        if (v < 0) { out->unknown = true; return; }
        const rc_space_var *var = &sp->vars[v];
        memset(c + sp->off[v], 0, (size_t)((var->natoms + 63) / 64) * 8);
        for (int j = 0; j < var->natoms; j++)
            if (leaf_holds(e, var->starts[j])) c[sp->off[v] + j / 64] |= 1ULL << (j % 64);
    }
    if (var_empty(sp, c, v)) out->n = 0;
}

rc_cset *rc_space_exprs(const rc_space *sp, int k, const bool *roots)
{
    const rc_ir *ir = sp->irs[k];
    int n = ir->nexprs;
    rc_cset *s = xrealloc(NULL, (size_t)(n + 1) * sizeof *s);
    memset(s, 0, (size_t)(n + 1) * sizeof *s);
    bool *need = xrealloc(NULL, (size_t)(n + 1));
    memcpy(need, roots, (size_t)n);
    for (int i = n - 1; i >= 0; i--) {
        if (!need[i]) continue;
        const rc_ir_expr *e = &ir->exprs[i];
        if (e->kind == RC_X_AND || e->kind == RC_X_OR) need[e->a] = need[e->b] = true;
        if (e->kind == RC_X_NOT) need[e->a] = true;
    }
    rc_cset u;
    rc_cset_universe(sp, &u);
    for (int i = 0; i < n; i++) {
        if (!need[i]) continue;
        const rc_ir_expr *e = &ir->exprs[i];
        switch (e->kind) {
        case RC_X_TRUE: rc_cset_copy(sp, &u, &s[i]); break;
        case RC_X_CMP: case RC_X_IN: case RC_X_MATCH: leaf_set(sp, k, e, &s[i]); break;
        case RC_X_AND: rc_cset_and(sp, &s[e->a], &s[e->b], &s[i]); break;
        case RC_X_OR: rc_cset_or(sp, &s[e->a], &s[e->b], &s[i]); break;
        case RC_X_NOT: rc_cset_sub(sp, &u, &s[e->a], &s[i]); break;
        }
    }
    rc_cset_free(&u);
    free(need);
    return s;
}

void rc_space_free_exprs(const rc_space *sp, int k, rc_cset *sets)
{
    if (!sets) return;
    for (int i = 0; i < sp->irs[k]->nexprs; i++) rc_cset_free(&sets[i]);
    free(sets);
}

/* ---- witnesses ------------------------------------------------------------ */

static size_t put_text(char *buf, size_t n, size_t at, const char *t, size_t len)
{
    for (size_t i = 0; i < len && at + 8 < n; i++) {
        unsigned char c = (unsigned char)t[i];
        if (c == '"' || c == '\\') at += (size_t)snprintf(buf + at, n - at, "\\%c", c);
        else if (c == '\n') at += (size_t)snprintf(buf + at, n - at, "\\n");
        else if (c == '\t') at += (size_t)snprintf(buf + at, n - at, "\\t");
        else if (c < 0x20 || c >= 0x7f) at += (size_t)snprintf(buf + at, n - at, "\\x%02x", c);
        else buf[at++] = (char)c;
    }
    buf[at] = '\0';
    return at;
}

static void witness(const rc_space *sp, int k, const uint64_t *cube, char *buf, size_t n, int *atoms, bool all);

void rc_space_witness(const rc_space *sp, int k, const uint64_t *cube, char *buf, size_t n, int *atoms)
{
    witness(sp, k, cube, buf, n, atoms, false);
}

void rc_space_witness_all(const rc_space *sp, int k, const uint64_t *cube, char *buf, size_t n)
{
    witness(sp, k, cube, buf, n, NULL, true);
}

const uint64_t *rc_space_best_cube(const rc_space *sp, const rc_cset *s)
{
    int best = -1, bestn = -1;
    for (int i = 0; i < s->n; i++) {
        const uint64_t *c = s->w + (size_t)i * (size_t)sp->words;
        if (cube_feasible(sp, c, NULL, NULL) != 1) continue;
        int cnt = 0;
        for (int v = 0; v < sp->nvars; v++) {
            int a = sp->vars[v].def_atom;
            cnt += (int)((c[sp->off[v] + a / 64] >> (a % 64)) & 1);
        }
        if (cnt > bestn) { bestn = cnt; best = i; }
    }
    return best < 0 ? NULL : s->w + (size_t)best * (size_t)sp->words;
}

static void witness(const rc_space *sp, int k, const uint64_t *cube, char *buf, size_t n, int *atoms, bool all)
{
    size_t at = 0;
    buf[0] = '\0';
    const char **texts = xrealloc(NULL, (size_t)sp->nvars * sizeof *texts);
    size_t *lens = xrealloc(NULL, (size_t)sp->nvars * sizeof *lens);
    if (cube_feasible(sp, cube, texts, lens) != 1)
        for (int v = 0; v < sp->nvars; v++) { texts[v] = ""; lens[v] = 0; }
    for (int v = 0; v < sp->nvars; v++) {
        const rc_space_var *var = &sp->vars[v];
        const uint64_t *w = cube + sp->off[v];
        int a = var->def_atom;
        if (var->kind == RC_SV_PAT) {
            /* the bit the witness text really has */
            const rc_space_var *tv = &sp->vars[var->text];
            const rc_dfa *d = tv->dfa[var->ir];
            uint32_t *m = xrealloc(NULL, (size_t)d->words * 4);
            rc_dfa_scan(d, texts[var->text], lens[var->text], RECOV_MAX_TEXT, m);
            a = (int)((m[var->pattern / 32] >> (var->pattern % 32)) & 1);
            free(m);
            if (atoms) atoms[v] = a;
            continue;
        }
        if (!((w[a / 64] >> (a % 64)) & 1))
            for (a = 0; a < var->natoms; a++)
                if ((w[a / 64] >> (a % 64)) & 1) break;
        if (a >= var->natoms) a = 0;
        if (atoms) atoms[v] = a;
        int f = -1;
        for (int i = 0; i < sp->irs[k]->nfields; i++)
            if (sp->field_var[k][i] == v) f = i;
        if (f < 0 || at + 64 >= n) continue;
        const char *sep = at ? " " : "";
        if (var->kind == RC_SV_TEXT) {
            if (!all && lens[v] == 0) continue;
            at += (size_t)snprintf(buf + at, n - at, "%s%s=\"", sep, var->name);
            at = put_text(buf, n - 2, at, texts[v], lens[v]);
            at += (size_t)snprintf(buf + at, n - at, "\"");
        } else if (a == var->def_atom && !all) {
            continue;
        } else if (sp->irs[k]->fields[f].type == RC_TY_BOOL) {
            at += (size_t)snprintf(buf + at, n - at, "%s%s=%s", sep, var->name,
                                   rc_space_int_value(var, a) ? "true" : "false");
        } else {
            at += (size_t)snprintf(buf + at, n - at, "%s%s=%lld", sep, var->name,
                                   (long long)rc_space_int_value(var, a));
        }
    }
    free(texts);
    free(lens);
    if (!at) snprintf(buf, n, all ? "(a fault with no fields)" : "(any fault)");
}
