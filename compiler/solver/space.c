/* space.c - atoms of the fault space, the storage of cubes and cube sets;
 * see space.h.
 *
 * Sections: integer atoms; bit tries (the atom sets of variables with more
 * than 64 atoms); the layout of a cube and per-variable access; text
 * feasibility (the exact search, candidate texts, a cache); construction;
 * cube sets; indexed sets; expressions; witnesses. */
#include "space.h"
#include "arena.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "recov/recov.h"

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return x < y ? -1 : x > y;
}

/* ---- integer variables -------------------------------------------------- */

typedef struct cuts { int64_t *v; int n, cap; } cuts;

static void add_cut(cuts *c, int64_t x, int64_t lo, int64_t hi)
{
    if (x <= lo || x > hi) return;   /* lo is always a start */
    if (c->n == c->cap) {
        c->cap = c->cap ? 2 * c->cap : 16;
        c->v = rc_xrealloc(c->v, (size_t)c->cap * sizeof *c->v);
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

/* The first atom whose start is >= x (natoms when none). */
static int first_ge(const rc_space_var *v, int64_t x)
{
    int lo = 0, hi = v->natoms;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (v->starts[mid] >= x) hi = mid; else lo = mid + 1;
    }
    return lo;
}

/* The last atom whose start is <= x (-1 when none). */
static int last_le(const rc_space_var *v, int64_t x)
{
    return (x == INT64_MAX ? v->natoms : first_ge(v, x + 1)) - 1;
}

/* ---- bit tries ------------------------------------------------------------ */

/* The atom set of a variable with more than 64 atoms.  A node has T_FAN
 * entries: at level 1 T_FAN words of atom bits (T_LEAF atoms), above that
 * T_FAN references to nodes of the level below.  Reference T_EMPTY is the
 * empty set, T_FULL every atom of the node's range (clipped to the
 * variable's atoms); tr_make never stores a node that is either, so a set is
 * empty exactly when its reference is T_EMPTY.  Nodes are immutable (cubes
 * share them) and live in the space's arena. */
#define T_BITS 3
#define T_FAN (1 << T_BITS)
#define T_LEAF ((int64_t)T_FAN * 64)
#define T_EMPTY 0u
#define T_FULL 1u
#define T_CHUNKS 23             /* chunk k holds 256 << k nodes */

typedef struct tpool {
    rc_arena *a;
    uint64_t *chunk[T_CHUNKS];
    uint32_t n;
} tpool;

/* One variable's tries: its pool, atom count and levels. */
typedef struct tctx { tpool *p; int64_t n; int depth; } tctx;

static int64_t tr_span(int lvl) { return T_LEAF << (T_BITS * (lvl - 1)); }

static int ilog2(uint32_t x) { return 31 - __builtin_clz(x); }

static uint64_t *tr_node(const tpool *p, uint32_t r)
{
    uint32_t i = r - 2;
    int k = ilog2(i / 256 + 1);
    return p->chunk[k] + (size_t)(i - 256u * ((1u << k) - 1u)) * T_FAN;
}

static uint32_t tr_new(tpool *p, const uint64_t *e)
{
    uint32_t i = p->n;
    int k = ilog2(i / 256 + 1);
    if (k >= T_CHUNKS) {
        fputs("recovc: internal error: out of memory\n", stderr);
        exit(3);
    }
    if (!p->chunk[k]) p->chunk[k] = rc_arena_array(p->a, (size_t)256 << k, T_FAN * sizeof(uint64_t));
    p->n++;
    memcpy(tr_node(p, i + 2), e, T_FAN * sizeof *e);
    return i + 2;
}

/* The atoms of the 64-atom word starting at atom lo. */
static uint64_t tr_valid(const tctx *t, int64_t lo)
{
    if (lo >= t->n) return 0;
    if (lo + 64 <= t->n) return ~0ULL;
    return (1ULL << (t->n - lo)) - 1;
}

/* Entry i of node r (level lvl, first atom base), implied for T_EMPTY and T_FULL. */
static uint64_t tr_ent(const tctx *t, uint32_t r, int lvl, int64_t base, int i)
{
    if (lvl == 1) {
        if (r == T_EMPTY) return 0;
        if (r == T_FULL) return tr_valid(t, base + 64 * i);
        return tr_node(t->p, r)[i];
    }
    if (r == T_EMPTY || base + tr_span(lvl - 1) * i >= t->n) return T_EMPTY;
    if (r == T_FULL) return T_FULL;
    return tr_node(t->p, r)[i];
}

static uint32_t tr_make(const tctx *t, const uint64_t *e, int lvl, int64_t base)
{
    bool empty = true, full = true;
    for (int i = 0; i < T_FAN; i++) {
        empty &= e[i] == 0;
        if (lvl == 1) full &= e[i] == tr_valid(t, base + 64 * i);
        else full &= e[i] == T_FULL || base + tr_span(lvl - 1) * i >= t->n;
    }
    if (empty) return T_EMPTY;
    if (full) return T_FULL;
    return tr_new(t->p, e);
}

static uint32_t tr_and(const tctx *t, uint32_t a, uint32_t b, int lvl, int64_t base)
{
    if (a == T_EMPTY || b == T_EMPTY) return T_EMPTY;
    if (a == T_FULL || a == b) return b;
    if (b == T_FULL) return a;
    uint64_t e[T_FAN];
    bool ea = true, eb = true;
    for (int i = 0; i < T_FAN; i++) {
        uint64_t x = tr_ent(t, a, lvl, base, i), y = tr_ent(t, b, lvl, base, i);
        e[i] = lvl == 1 ? x & y : tr_and(t, (uint32_t)x, (uint32_t)y, lvl - 1, base + tr_span(lvl - 1) * i);
        ea &= e[i] == x;
        eb &= e[i] == y;
    }
    if (ea) return a;
    if (eb) return b;
    return tr_make(t, e, lvl, base);
}

/* a & ~b */
static uint32_t tr_andnot(const tctx *t, uint32_t a, uint32_t b, int lvl, int64_t base)
{
    if (a == T_EMPTY || b == T_EMPTY) return a;
    if (b == T_FULL || a == b) return T_EMPTY;
    uint64_t e[T_FAN];
    bool ea = true;
    for (int i = 0; i < T_FAN; i++) {
        uint64_t x = tr_ent(t, a, lvl, base, i), y = tr_ent(t, b, lvl, base, i);
        e[i] = lvl == 1 ? x & ~y : tr_andnot(t, (uint32_t)x, (uint32_t)y, lvl - 1, base + tr_span(lvl - 1) * i);
        ea &= e[i] == x;
    }
    if (ea) return a;
    return tr_make(t, e, lvl, base);
}

static bool tr_meets(const tctx *t, uint32_t a, uint32_t b, int lvl, int64_t base)
{
    if (a == T_EMPTY || b == T_EMPTY) return false;
    if (a == T_FULL || b == T_FULL || a == b) return true;
    for (int i = 0; i < T_FAN; i++) {
        uint64_t x = tr_ent(t, a, lvl, base, i), y = tr_ent(t, b, lvl, base, i);
        if (lvl == 1 ? (x & y) != 0 : tr_meets(t, (uint32_t)x, (uint32_t)y, lvl - 1, base + tr_span(lvl - 1) * i))
            return true;
    }
    return false;
}

static bool tr_has(const tctx *t, uint32_t r, int64_t atom)
{
    int64_t base = 0;
    for (int lvl = t->depth; r != T_EMPTY && r != T_FULL; lvl--) {
        if (lvl == 1) return (tr_node(t->p, r)[(atom - base) / 64] >> ((atom - base) % 64)) & 1;
        int i = (int)((atom - base) / tr_span(lvl - 1));
        base += tr_span(lvl - 1) * i;
        r = (uint32_t)tr_node(t->p, r)[i];
    }
    return r == T_FULL;
}

/* The first atom >= from in the set (-1 when none). */
static int64_t tr_next(const tctx *t, uint32_t r, int lvl, int64_t base, int64_t from)
{
    int64_t end = base + tr_span(lvl) < t->n ? base + tr_span(lvl) : t->n;
    if (r == T_EMPTY || from >= end) return -1;
    if (r == T_FULL) return from > base ? from : base;
    int64_t cs = lvl == 1 ? 64 : tr_span(lvl - 1);
    for (int i = from > base ? (int)((from - base) / cs) : 0; i < T_FAN; i++) {
        uint64_t x = tr_node(t->p, r)[i];
        int64_t cb = base + cs * i;
        if (lvl > 1) {
            int64_t y = tr_next(t, (uint32_t)x, lvl - 1, cb, from);
            if (y >= 0) return y;
            continue;
        }
        if (from > cb) x &= ~0ULL << (from - cb);
        if (x) return cb + __builtin_ctzll(x);
    }
    return -1;
}

/* The last atom of the set (-1 when empty). */
static int64_t tr_last(const tctx *t, uint32_t r, int lvl, int64_t base)
{
    if (r == T_EMPTY) return -1;
    if (r == T_FULL) return (base + tr_span(lvl) < t->n ? base + tr_span(lvl) : t->n) - 1;
    for (int i = T_FAN - 1; i >= 0; i--) {
        uint64_t x = tr_node(t->p, r)[i];
        if (lvl == 1) {
            if (x) return base + 64 * i + 63 - __builtin_clzll(x);
            continue;
        }
        int64_t y = tr_last(t, (uint32_t)x, lvl - 1, base + tr_span(lvl - 1) * i);
        if (y >= 0) return y;
    }
    return -1;
}

/* Bits lo..hi (relative to the word's first atom, clipped to 0..63). */
static uint64_t word_range(int64_t lo, int64_t hi)
{
    if (hi < 0 || lo > 63 || lo > hi) return 0;
    if (lo < 0) lo = 0;
    if (hi > 63) hi = 63;
    uint64_t up = hi == 63 ? ~0ULL : (1ULL << (hi + 1)) - 1;
    return up & ~((1ULL << lo) - 1);
}

/* The atoms lo..hi. */
static uint32_t tr_range(const tctx *t, int64_t lo, int64_t hi, int lvl, int64_t base)
{
    int64_t end = base + tr_span(lvl) < t->n ? base + tr_span(lvl) : t->n;
    if (lo > hi || hi < base || lo >= end) return T_EMPTY;
    if (lo <= base && hi >= end - 1) return T_FULL;
    uint64_t e[T_FAN];
    for (int i = 0; i < T_FAN; i++) {
        if (lvl == 1) {
            int64_t wb = base + 64 * i;
            e[i] = word_range(lo - wb, hi - wb) & tr_valid(t, wb);
        } else {
            e[i] = tr_range(t, lo, hi, lvl - 1, base + tr_span(lvl - 1) * i);
        }
    }
    return tr_make(t, e, lvl, base);
}

/* The atoms a < nkeep with keep[a]. */
static uint32_t tr_from_bools(const tctx *t, const bool *keep, int64_t nkeep, int lvl, int64_t base)
{
    if (base >= t->n) return T_EMPTY;
    uint64_t e[T_FAN];
    for (int i = 0; i < T_FAN; i++) {
        if (lvl > 1) {
            e[i] = tr_from_bools(t, keep, nkeep, lvl - 1, base + tr_span(lvl - 1) * i);
            continue;
        }
        e[i] = 0;
        for (int64_t b = 0, a = base + 64 * i; b < 64 && a + b < t->n && a + b < nkeep; b++)
            if (keep[a + b]) e[i] |= 1ULL << b;
    }
    return tr_make(t, e, lvl, base);
}

/* ---- the layout of a cube ------------------------------------------------- */

/* How a variable is stored: a mask in a word of its own (at most 64 atoms),
 * a 2-bit field packed with the other patterns of its text field and policy,
 * or a trie reference in a word of its own. */
enum { ST_WORD, ST_PACK, ST_TRIE };

typedef struct tcache tcache;

struct rc_space_impl {
    uint8_t *store;             /* [nvars] */
    uint8_t *shift;             /* [nvars] ST_PACK: the field's first bit */
    uint8_t *depth;             /* [nvars] ST_TRIE: levels */
    uint8_t *wkind;             /* [words] how the word is used */
    uint64_t *wlow;             /* [words] ST_PACK: the first bit of every field */
    int *wvar;                  /* [words] its (first) variable */
    uint64_t *full;             /* [words] the universe cube */
    tpool pool;
    tcache **tc;                /* [nvars] TEXT variables with patterns */
    int ntexts, *texts;         /* the TEXT variables */
    long long spent;            /* cube pairs visited so far (RC_SPACE_MAX_TOTAL) */
};

/* Charges `cost` cube pairs to the space; false once the total is past
 * RC_SPACE_MAX_TOTAL (every later operation then answers `unknown`). */
static bool afford(const rc_space *sp, long long cost)
{
    rc_space_impl *in = sp->impl;
    if (in->spent > RC_SPACE_MAX_TOTAL) return false;
    in->spent += cost;
    return in->spent <= RC_SPACE_MAX_TOTAL;
}

static tctx var_tctx(const rc_space *sp, int v)
{
    tctx t = {&sp->impl->pool, sp->vars[v].natoms, sp->impl->depth[v]};
    return t;
}

static uint64_t pack_mask(const rc_space_impl *in, int v) { return 3ULL << in->shift[v]; }

static bool var_empty(const rc_space *sp, const uint64_t *c, int v)
{
    uint64_t w = c[sp->off[v]];
    return sp->impl->store[v] == ST_PACK ? (w & pack_mask(sp->impl, v)) == 0 : w == 0;
}

bool rc_space_cube_has(const rc_space *sp, const uint64_t *c, int v, int a)
{
    const rc_space_impl *in = sp->impl;
    uint64_t w = c[sp->off[v]];
    switch (in->store[v]) {
    case ST_WORD: return (w >> a) & 1;
    case ST_PACK: return (w >> (in->shift[v] + a)) & 1;
    default: {
        tctx t = var_tctx(sp, v);
        return tr_has(&t, (uint32_t)w, a);
    }
    }
}

/* The first and last atom of variable v in cube c (-1 when it has none). */
static void var_bounds(const rc_space *sp, const uint64_t *c, int v, int64_t *lo, int64_t *hi)
{
    const rc_space_impl *in = sp->impl;
    uint64_t w = c[sp->off[v]];
    if (in->store[v] == ST_PACK) w = (w >> in->shift[v]) & 3;
    if (in->store[v] != ST_TRIE) {
        *lo = w ? __builtin_ctzll(w) : -1;
        *hi = w ? 63 - __builtin_clzll(w) : -1;
        return;
    }
    tctx t = var_tctx(sp, v);
    *lo = tr_next(&t, (uint32_t)w, t.depth, 0, 0);
    *hi = tr_last(&t, (uint32_t)w, t.depth, 0);
}

/* The first atom of v in c at or after `from` (-1 when none). */
static int var_next(const rc_space *sp, const uint64_t *c, int v, int from)
{
    const rc_space_impl *in = sp->impl;
    uint64_t w = c[sp->off[v]];
    if (in->store[v] == ST_PACK) w = (w >> in->shift[v]) & 3;
    if (in->store[v] != ST_TRIE) {
        w = from >= 64 ? 0 : w & (~0ULL << from);
        return w ? __builtin_ctzll(w) : -1;
    }
    tctx t = var_tctx(sp, v);
    return (int)tr_next(&t, (uint32_t)w, t.depth, 0, from);
}

/* Variable v of c := the atoms lo..hi (complemented when neg). */
static void var_set_range(const rc_space *sp, uint64_t *c, int v, int64_t lo, int64_t hi, bool neg)
{
    const rc_space_impl *in = sp->impl;
    int o = sp->off[v];
    if (in->store[v] == ST_TRIE) {
        tctx t = var_tctx(sp, v);
        uint32_t r = tr_range(&t, lo, hi, t.depth, 0);
        c[o] = neg ? tr_andnot(&t, T_FULL, r, t.depth, 0) : r;
        return;
    }
    int s = in->store[v] == ST_PACK ? in->shift[v] : 0;
    uint64_t all = in->store[v] == ST_PACK ? pack_mask(in, v) : in->full[o];
    uint64_t m = (word_range(lo, hi) << s) & all;
    c[o] = (c[o] & ~all) | (neg ? all & ~m : m);
}

/* Variable v of c := v & {a < nkeep : keep[a]}. */
static void var_restrict(const rc_space *sp, uint64_t *c, int v, const bool *keep, int nkeep)
{
    const rc_space_impl *in = sp->impl;
    int o = sp->off[v], n = sp->vars[v].natoms < nkeep ? sp->vars[v].natoms : nkeep;
    if (in->store[v] == ST_TRIE) {
        tctx t = var_tctx(sp, v);
        c[o] = tr_and(&t, (uint32_t)c[o], tr_from_bools(&t, keep, nkeep, t.depth, 0), t.depth, 0);
        return;
    }
    int s = in->store[v] == ST_PACK ? in->shift[v] : 0;
    uint64_t m = 0;
    for (int a = 0; a < n; a++)
        if (keep[a]) m |= 1ULL << (a + s);
    uint64_t all = in->store[v] == ST_PACK ? pack_mask(in, v) : in->full[o];
    c[o] &= ~all | m;
}

/* dst = a & b; false when empty (dst is then partly written). */
static bool cube_and(const rc_space *sp, const uint64_t *a, const uint64_t *b, uint64_t *dst)
{
    const rc_space_impl *in = sp->impl;
    for (int i = 0; i < sp->words; i++) {
        if (in->wkind[i] == ST_TRIE) continue;
        uint64_t x = dst[i] = a[i] & b[i];
        if (in->wkind[i] == ST_WORD ? x == 0 : ((x | x >> 1) & in->wlow[i]) != in->wlow[i]) return false;
    }
    for (int i = 0; i < sp->words; i++) {
        if (in->wkind[i] != ST_TRIE) continue;
        tctx t = var_tctx(sp, in->wvar[i]);
        dst[i] = tr_and(&t, (uint32_t)a[i], (uint32_t)b[i], t.depth, 0);
        if (dst[i] == T_EMPTY) return false;
    }
    return true;
}

/* Is a & b non-empty (before text feasibility)? */
static bool cube_meets(const rc_space *sp, const uint64_t *a, const uint64_t *b)
{
    const rc_space_impl *in = sp->impl;
    for (int i = 0; i < sp->words; i++) {
        if (in->wkind[i] == ST_TRIE) continue;
        uint64_t x = a[i] & b[i];
        if (in->wkind[i] == ST_WORD ? x == 0 : ((x | x >> 1) & in->wlow[i]) != in->wlow[i]) return false;
    }
    for (int i = 0; i < sp->words; i++) {
        if (in->wkind[i] != ST_TRIE) continue;
        tctx t = var_tctx(sp, in->wvar[i]);
        if (!tr_meets(&t, (uint32_t)a[i], (uint32_t)b[i], t.depth, 0)) return false;
    }
    return true;
}

/* ---- text variables: search for a text with given pattern bits ---------- */

typedef struct snode {
    int32_t st[2];
    int32_t parent;
    int32_t depth;
    uint64_t req;               /* required patterns seen so far (bit j = req[j]) */
    uint8_t byte;
} snode;

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

/* One representative byte per class of the DFAs d[0], d[1] (NULL skipped), in byte_order. */
static int byte_reps(const rc_dfa *const *d, uint8_t *reps)
{
    uint8_t order[256];
    int norder = byte_order(order), nreps = 0;
    for (int i = 0; i < norder; i++) {
        int ch = order[i];
        bool dup = false;
        for (int r = 0; r < nreps && !dup; r++)
            dup = (!d[0] || d[0]->classmap[reps[r]] == d[0]->classmap[ch]) &&
                  (!d[1] || d[1]->classmap[reps[r]] == d[1]->classmap[ch]);
        if (!dup) reps[nreps++] = (uint8_t)ch;
    }
    return nreps;
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

static uint64_t snode_hash(const snode *o)
{
    return ((uint64_t)(uint32_t)o->st[0] * 0x9E3779B97F4A7C15ULL) ^
           ((uint64_t)(uint32_t)o->st[1] * 0xC2B2AE3D27D4EB4FULL) ^ (o->req * 0x165667B19E3779F9ULL);
}

/* 1: found (the shortest text, when out is set), 0: none exists, -1: too large. */
static int text_search(const rc_space *sp, const rc_space_var *tv, const tcons *c, char **out, size_t *outlen)
{
    const rc_dfa *d[2] = {tv->dfa[0], tv->dfa[1]};
    uint64_t all = c->nreq == 64 ? ~0ULL : ((1ULL << c->nreq) - 1);
    uint8_t reps[256];
    int nreps = byte_reps(d, reps);
    size_t htcap = 1024;
    snode *nodes = NULL;
    int n = 0, cap = 0;
    int32_t *ht = NULL;
    int found = -1, result = 0;
    /* the root */
    snode root = {{0, 0}, -1, 0, 0, 0};
    for (int k = 0; k < 2; k++) {
        if (!d[k]) continue;
        if (row_forbidden(d[k], d[k]->acc[0], c->forb[k])) return 0;
        root.req |= row_req(tv, c, k, d[k]->acc[0]);
    }
    ht = rc_xrealloc(NULL, htcap * sizeof *ht);
    memset(ht, 0xff, htcap * sizeof *ht);
    for (int head = -1; head < n; head++) {
        if (head >= 0 && nodes[head].depth >= (int32_t)RECOV_MAX_TEXT) continue;
        for (int r = (head < 0 ? -1 : 0); r < (head < 0 ? 0 : nreps); r++) {
            snode nd;
            if (head < 0) {
                nd = root;
            } else {
                const snode *h = &nodes[head];
                nd = (snode){{0, 0}, head, h->depth + 1, h->req, reps[r]};
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
            size_t i = (size_t)(snode_hash(&nd) >> 20) & (htcap - 1);
            bool seen = false;
            while (ht[i] >= 0 && !seen) {
                const snode *o = &nodes[ht[i]];
                seen = o->st[0] == nd.st[0] && o->st[1] == nd.st[1] && o->req == nd.req;
                if (!seen) i = (i + 1) & (htcap - 1);
            }
            if (seen) continue;
            if (n == cap) {
                cap = cap ? 2 * cap : 256;
                nodes = rc_xrealloc(nodes, (size_t)cap * sizeof *nodes);
            }
            nodes[n] = nd;
            ht[i] = n++;
            if ((size_t)n * 2 > htcap) {
                /* grow and rehash */
                htcap *= 2;
                ht = rc_xrealloc(ht, htcap * sizeof *ht);
                memset(ht, 0xff, htcap * sizeof *ht);
                for (int j = 0; j < n; j++) {
                    size_t q = (size_t)(snode_hash(&nodes[j]) >> 20) & (htcap - 1);
                    while (ht[q] >= 0) q = (q + 1) & (htcap - 1);
                    ht[q] = j;
                }
            }
            /* a goal: the text may end here */
            const snode *x = &nodes[n - 1];
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

/* The field of PAT variable pv: 1 unmatched, 2 matched, 3 either. */
static unsigned pat_field(const rc_space *sp, const uint64_t *cube, int pv)
{
    return (unsigned)(cube[sp->off[pv]] >> sp->impl->shift[pv]) & 3u;
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
            unsigned f = pat_field(sp, cube, tv->pat0[k] + p);
            if (f == 2) {
                if (c->nreq == RC_SPACE_MAX_REQ) return false;
                c->req_k[c->nreq] = k;
                c->req_p[c->nreq++] = p;
            } else if (f == 1) {
                fbuf[k][p / 32] |= 1u << (p % 32);
                c->any_forb = true;
            }
        }
    }
    return true;
}

/* ---- text variables: candidate texts and a cache of answers ------------- */

/* Most cubes that a classify produces are decided by one of a few texts: the
 * shortest text containing a required pattern (from one breadth-first walk
 * of the DFA), or their concatenation.  A text is a proof when its scan has
 * every required pattern and no forbidden one; the search is only run when
 * no candidate is a proof, and only where the search could not have run out
 * of nodes (otherwise the search answers, as it always did). */

typedef struct tcand {
    bool tried, ok;
    char *t;
    size_t len;
    uint32_t *m[2];             /* its scan by each policy's DFA */
} tcand;

typedef struct tmemo {
    uint64_t h;
    const uint64_t *key;        /* NULL: a free slot */
    int res;
} tmemo;

struct tcache {
    int w0, nw;                 /* the cube words holding the variable's pattern fields */
    bool walked[2];
    int32_t *first[2];          /* [npatterns] per policy: the state where the walk first has it, -1 none */
    int32_t *parent[2], *depth[2];
    uint8_t *byte[2];
    tcand *cand[2];             /* [npatterns] */
    tcand empty;                /* the empty text */
    tmemo *memo;
    size_t mcap, mn;
};

/* Mark in first[] the patterns of mask row `row` not yet seen, at state s. */
static void walk_note(const rc_dfa *d, uint32_t row, int32_t s, int32_t *first)
{
    const uint32_t *m = d->masks + (size_t)row * (size_t)d->words;
    for (int w = 0; w < d->words; w++)
        for (uint32_t x = m[w]; x; x &= x - 1) {
            int p = w * 32 + __builtin_ctz(x);
            if (p < d->npatterns && first[p] < 0) first[p] = s;
        }
}

/* Breadth-first walk of policy k's DFA from its start (texts of at most RECOV_MAX_TEXT bytes). */
static void walk(const rc_space *sp, const rc_space_var *tv, tcache *tc, int k)
{
    const rc_dfa *d = tv->dfa[k];
    const rc_dfa *one[2] = {d, NULL};
    uint8_t reps[256];
    int nreps = byte_reps(one, reps), ns = d->nstates;
    tc->walked[k] = true;
    tc->first[k] = RC_NEW_ARRAY(sp->a, int32_t, d->npatterns + 1);
    tc->parent[k] = RC_NEW_ARRAY(sp->a, int32_t, ns);
    tc->depth[k] = RC_NEW_ARRAY(sp->a, int32_t, ns);
    tc->byte[k] = RC_NEW_ARRAY(sp->a, uint8_t, ns);
    memset(tc->first[k], 0xff, sizeof(int32_t) * (size_t)(d->npatterns + 1));
    memset(tc->depth[k], 0xff, sizeof(int32_t) * (size_t)ns);
    int32_t *queue = rc_xrealloc(NULL, sizeof(int32_t) * (size_t)ns);
    int nq = 0;
    queue[nq++] = 0;
    tc->depth[k][0] = 0;
    tc->parent[k][0] = -1;
    walk_note(d, d->acc[0], 0, tc->first[k]);
    walk_note(d, d->acc_end[0], 0, tc->first[k]);
    for (int h = 0; h < nq; h++) {
        int32_t s = queue[h];
        if (tc->depth[k][s] >= (int32_t)RECOV_MAX_TEXT) continue;
        for (int r = 0; r < nreps; r++) {
            int32_t s2 = (int32_t)d->trans[(size_t)s * (size_t)d->nclasses + d->classmap[reps[r]]];
            if (tc->depth[k][s2] >= 0) continue;
            tc->depth[k][s2] = tc->depth[k][s] + 1;
            tc->parent[k][s2] = s;
            tc->byte[k][s2] = reps[r];
            queue[nq++] = s2;
            walk_note(d, d->acc[s2], s2, tc->first[k]);
            walk_note(d, d->acc_end[s2], s2, tc->first[k]);
        }
    }
    free(queue);
}

static void cand_scan(const rc_space *sp, const rc_space_var *tv, tcand *c)
{
    for (int k = 0; k < 2; k++) {
        if (!tv->dfa[k]) continue;
        c->m[k] = RC_NEW_ARRAY(sp->a, uint32_t, tv->dfa[k]->words + 1);
        rc_dfa_scan(tv->dfa[k], c->t, c->len, RECOV_MAX_TEXT, c->m[k]);
    }
}

/* The shortest text containing pattern p of policy k (NULL when none). */
static const tcand *cand_of(const rc_space *sp, const rc_space_var *tv, tcache *tc, int k, int p)
{
    tcand *c = &tc->cand[k][p];
    if (c->tried) return c->ok ? c : NULL;
    c->tried = true;
    if (!tc->walked[k]) walk(sp, tv, tc, k);
    int32_t s = tc->first[k][p];
    if (s < 0) return NULL;
    c->len = (size_t)tc->depth[k][s];
    c->t = rc_arena_alloc(sp->a, c->len + 1);
    for (size_t i = c->len; s > 0; s = tc->parent[k][s]) c->t[--i] = (char)tc->byte[k][s];
    cand_scan(sp, tv, c);
    c->ok = true;
    return c;
}

/* Does a text with scans m[] satisfy the constraints? */
static bool cand_fits(const rc_space_var *tv, const tcons *c, uint32_t *const *m)
{
    for (int k = 0; k < 2; k++) {
        if (!tv->dfa[k]) continue;
        for (int w = 0; w < tv->dfa[k]->words; w++)
            if (m[k][w] & c->forb[k][w]) return false;
    }
    for (int j = 0; j < c->nreq; j++)
        if (!((m[c->req_k[j]][c->req_p[j] / 32] >> (c->req_p[j] % 32)) & 1)) return false;
    return true;
}

/* The concatenation of the required patterns' candidates, forwards or
 * backwards: does it satisfy the constraints? */
static bool concat_fits(const rc_space *sp, const rc_space_var *tv, tcache *tc, const tcons *c, bool back)
{
    size_t len = 0;
    for (int j = 0; j < c->nreq; j++) {
        const tcand *x = cand_of(sp, tv, tc, c->req_k[j], c->req_p[j]);
        if (!x) return false;
        len += x->len;
    }
    if (len > RECOV_MAX_TEXT) return false;
    char *t = rc_xrealloc(NULL, len + 1);
    size_t at = 0;
    for (int i = 0; i < c->nreq; i++) {
        int j = back ? c->nreq - 1 - i : i;
        const tcand *x = &tc->cand[c->req_k[j]][c->req_p[j]];
        memcpy(t + at, x->t, x->len);
        at += x->len;
    }
    uint32_t *m[2] = {NULL, NULL};
    for (int k = 0; k < 2; k++) {
        if (!tv->dfa[k]) continue;
        m[k] = rc_xrealloc(NULL, (size_t)tv->dfa[k]->words * 4 + 4);
        rc_dfa_scan(tv->dfa[k], t, len, RECOV_MAX_TEXT, m[k]);
    }
    bool ok = cand_fits(tv, c, m);
    free(m[0]);
    free(m[1]);
    free(t);
    return ok;
}

/* Could the search of text_search run out of nodes?  It has at most one node
 * per pair of states and subset of the required patterns. */
static bool search_may_overflow(const rc_space_var *tv, int nreq)
{
    if (nreq > 20) return true;
    uint64_t n = 1ULL << nreq;
    for (int k = 0; k < 2; k++)
        if (tv->dfa[k]) n *= (uint64_t)tv->dfa[k]->nstates;
    return n >= (uint64_t)RC_SPACE_MAX_NODES;
}

/* Is a candidate a proof that the constraints can be met? */
static bool some_cand_fits(const rc_space *sp, const rc_space_var *tv, tcache *tc, const tcons *c)
{
    if (search_may_overflow(tv, c->nreq)) return false;
    if (c->nreq == 0) {
        if (!tc->empty.tried) {
            tc->empty.tried = tc->empty.ok = true;
            tc->empty.t = "";
            cand_scan(sp, tv, &tc->empty);
        }
        return cand_fits(tv, c, tc->empty.m);
    }
    for (int j = 0; j < c->nreq; j++) {
        const tcand *x = cand_of(sp, tv, tc, c->req_k[j], c->req_p[j]);
        if (x && cand_fits(tv, c, x->m)) return true;
    }
    return c->nreq > 1 && (concat_fits(sp, tv, tc, c, false) || concat_fits(sp, tv, tc, c, true));
}

/* 1 non-empty, 0 empty, -1 unknown: the text constraints of the cube on TEXT variable v. */
static int text_decide(const rc_space *sp, int v, const uint64_t *cube)
{
    const rc_space_var *tv = &sp->vars[v];
    uint32_t *fbuf[2];
    for (int k = 0; k < 2; k++) fbuf[k] = rc_xrealloc(NULL, (size_t)(tv->dfa[k] ? tv->dfa[k]->words : 1) * 4);
    tcons c;
    int r;
    if (!cube_cons(sp, v, cube, &c, fbuf)) r = -1;
    else if (c.nreq == 0 && !c.any_forb) r = 1;
    else if (some_cand_fits(sp, tv, sp->impl->tc[v], &c)) r = 1;
    else r = text_search(sp, tv, &c, NULL, NULL);
    free(fbuf[0]);
    free(fbuf[1]);
    return r;
}

static uint64_t key_hash(const uint64_t *k, int n)
{
    uint64_t h = 0x9E3779B97F4A7C15ULL;
    for (int i = 0; i < n; i++) h = (h ^ k[i]) * 0xBF58476D1CE4E5B9ULL, h ^= h >> 29;
    return h;
}

/* RC_SPACE_MEMO_WORDS: the cache keeps at most this many key words. */
#define RC_SPACE_MEMO_WORDS ((size_t)1 << 24)

static tmemo *memo_slot(tcache *tc, const uint64_t *key, uint64_t h)
{
    size_t i = (size_t)h & (tc->mcap - 1);
    while (tc->memo[i].key &&
           !(tc->memo[i].h == h && memcmp(tc->memo[i].key, key, (size_t)tc->nw * 8) == 0))
        i = (i + 1) & (tc->mcap - 1);
    return &tc->memo[i];
}

static void memo_put(const rc_space *sp, tcache *tc, const uint64_t *key, uint64_t h, int res)
{
    if ((tc->mn + 1) * (size_t)tc->nw > RC_SPACE_MEMO_WORDS) return;
    if ((tc->mn + 1) * 2 > tc->mcap) {
        tmemo *old = tc->memo;
        size_t ocap = tc->mcap;
        tc->mcap = ocap ? 2 * ocap : 256;
        tc->memo = RC_NEW_ARRAY(sp->a, tmemo, tc->mcap);
        for (size_t i = 0; i < ocap; i++)
            if (old[i].key) *memo_slot(tc, old[i].key, old[i].h) = old[i];
    }
    tmemo *m = memo_slot(tc, key, h);
    uint64_t *k = RC_NEW_ARRAY(sp->a, uint64_t, tc->nw);
    memcpy(k, key, (size_t)tc->nw * 8);
    *m = (tmemo){h, k, res};
    tc->mn++;
}

/* text_decide, cached per combination of the variable's pattern fields. */
static int text_feasible(const rc_space *sp, int v, const uint64_t *cube)
{
    tcache *tc = sp->impl->tc[v];
    const uint64_t *key = cube + tc->w0;
    if (memcmp(key, sp->impl->full + tc->w0, (size_t)tc->nw * 8) == 0) return 1;
    uint64_t h = key_hash(key, tc->nw);
    if (tc->mcap) {
        const tmemo *m = memo_slot(tc, key, h);
        if (m->key) return m->res;
    }
    int r = text_decide(sp, v, cube);
    memo_put(sp, tc, key, h, r);
    return r;
}

/* The witness text of TEXT variable v: the search, as ever (1, 0 or -1). */
static int text_witness(const rc_space *sp, int v, const uint64_t *cube, const char **text, size_t *len)
{
    const rc_space_var *tv = &sp->vars[v];
    uint32_t *fbuf[2];
    for (int k = 0; k < 2; k++) fbuf[k] = rc_xrealloc(NULL, (size_t)(tv->dfa[k] ? tv->dfa[k]->words : 1) * 4);
    tcons c;
    int r;
    if (!cube_cons(sp, v, cube, &c, fbuf)) {
        r = -1;
    } else {
        char *t = NULL;
        size_t l = 0;
        r = text_search(sp, tv, &c, &t, &l);
        if (r == 1) { *text = t; *len = l; }
    }
    free(fbuf[0]);
    free(fbuf[1]);
    return r;
}

/* 1 non-empty, 0 empty, -1 unknown.  texts: when non-NULL, the witness text
 * of every TEXT variable (NULL/0 for the others). */
static int cube_feasible(const rc_space *sp, const uint64_t *cube, const char **texts, size_t *lens)
{
    int res = 1;
    for (int i = 0; i < sp->impl->ntexts && res != 0; i++) {
        int v = sp->impl->texts[i];
        const rc_space_var *tv = &sp->vars[v];
        if (texts) { texts[v] = ""; lens[v] = 0; }
        if (!tv->dfa[0] && !tv->dfa[1]) continue;
        int r = texts ? text_witness(sp, v, cube, &texts[v], &lens[v]) : text_feasible(sp, v, cube);
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
    if (!rc_dfa_plan_single(&tf->plan)) return NULL;     /* several DFAs: its patterns are unknown to the analyses */
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

/* Variables: the fields (matched by name) and the pseudo-variables. */
static void init_vars(rc_space *sp, const rc_ir *const *irs, int nirs)
{
    rc_arena *a = sp->a;
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
}

static void int_atoms(rc_space *sp, int v)
{
    rc_space_var *var = &sp->vars[v];
    cuts c = {0};
    for (int k = 0; k < sp->nirs; k++)
        for (int i = 0; i < sp->irs[k]->nexprs; i++) {
            const rc_ir_expr *e = &sp->irs[k]->exprs[i];
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
}

/* A text field: its DFAs, and one boolean variable per pattern at the end. */
static void text_atoms(rc_space *sp, int v)
{
    rc_space_var *var = &sp->vars[v];
    var->natoms = 1;
    for (int k = 0; k < sp->nirs; k++)
        for (int f = 0; f < sp->irs[k]->nfields; f++)
            if (sp->field_var[k][f] == v) var->dfa[k] = field_dfa(sp, sp->irs[k], f);
    for (int k = 0; k < sp->nirs; k++) {
        var->pat0[k] = sp->nvars;
        if (!var->dfa[k]) continue;
        const rc_dfa *d = var->dfa[k];
        uint32_t row0 = d->acc[0];
        for (int p = 0; p < d->npatterns; p++) {
            rc_space_var *pv = &sp->vars[sp->nvars++];
            pv->kind = RC_SV_PAT;
            pv->name = var->name;
            pv->natoms = 2;
            pv->text = v;
            pv->ir = k;
            pv->pattern = p;
            pv->def_atom = row_has(d, row0, p) || row_has(d, d->acc_end[0], p) ? 1 : 0;
        }
    }
}

/* Words of a cube, in variable order: see ST_*.  The patterns of one text
 * field and policy start a word, so the fields of a text variable are a run
 * of whole words (the key of its cache). */
static void layout(rc_space *sp)
{
    rc_space_impl *in = sp->impl;
    int n = sp->nvars + 1, prev = -1, nf = 32;
    in->store = RC_NEW_ARRAY(sp->a, uint8_t, n);
    in->shift = RC_NEW_ARRAY(sp->a, uint8_t, n);
    in->depth = RC_NEW_ARRAY(sp->a, uint8_t, n);
    in->wkind = RC_NEW_ARRAY(sp->a, uint8_t, n);
    in->wlow = RC_NEW_ARRAY(sp->a, uint64_t, n);
    in->wvar = RC_NEW_ARRAY(sp->a, int, n);
    in->full = RC_NEW_ARRAY(sp->a, uint64_t, n);
    for (int v = 0; v < sp->nvars; v++) {
        const rc_space_var *var = &sp->vars[v];
        int group = var->kind == RC_SV_PAT ? var->text * 2 + var->ir : -1;
        if (group < 0 || group != prev || nf == 32) {
            in->wvar[sp->words] = v;
            sp->words++;
            nf = 0;
        }
        prev = group;
        int w = sp->words - 1;
        sp->off[v] = w;
        if (group >= 0) {
            in->store[v] = in->wkind[w] = ST_PACK;
            in->shift[v] = (uint8_t)(2 * nf++);
            in->wlow[w] |= 1ULL << in->shift[v];
            in->full[w] |= 3ULL << in->shift[v];
        } else if (var->natoms > 64) {
            in->store[v] = in->wkind[w] = ST_TRIE;
            int d = 1;
            while (tr_span(d) < var->natoms) d++;
            in->depth[v] = (uint8_t)d;
            in->full[w] = T_FULL;
        } else {
            in->store[v] = in->wkind[w] = ST_WORD;
            in->full[w] = var->natoms == 64 ? ~0ULL : (1ULL << var->natoms) - 1;
        }
    }
}

/* The cache of every TEXT variable with patterns. */
static void text_caches(rc_space *sp)
{
    rc_space_impl *in = sp->impl;
    in->tc = RC_NEW_ARRAY(sp->a, tcache *, sp->nvars + 1);
    in->texts = RC_NEW_ARRAY(sp->a, int, sp->nvars + 1);
    for (int v = 0; v < sp->nvars; v++) {
        const rc_space_var *tv = &sp->vars[v];
        if (tv->kind != RC_SV_TEXT) continue;
        in->texts[in->ntexts++] = v;
        int np[2] = {tv->dfa[0] ? tv->dfa[0]->npatterns : 0, tv->dfa[1] ? tv->dfa[1]->npatterns : 0};
        if (np[0] + np[1] == 0) continue;
        tcache *tc = in->tc[v] = RC_NEW(sp->a, tcache);
        int first = np[0] ? tv->pat0[0] : tv->pat0[1], last = np[1] ? tv->pat0[1] + np[1] - 1 : tv->pat0[0] + np[0] - 1;
        tc->w0 = sp->off[first];
        tc->nw = sp->off[last] - tc->w0 + 1;
        for (int k = 0; k < 2; k++) tc->cand[k] = RC_NEW_ARRAY(sp->a, tcand, np[k] + 1);
    }
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
    sp->impl = RC_NEW(a, rc_space_impl);
    sp->impl->pool.a = a;
    sp->vars = RC_NEW_ARRAY(a, rc_space_var, maxv);
    sp->off = RC_NEW_ARRAY(a, int, maxv);
    sp->attempt_var = sp->elapsed_var = sp->error_var = -1;
    init_vars(sp, irs, nirs);
    for (int v = 0; v < sp->nvars; v++) {
        rc_space_var *var = &sp->vars[v];
        if (var->kind == RC_SV_INT) int_atoms(sp, v);
        else if (var->kind == RC_SV_TEXT) text_atoms(sp, v);
        else if (var->kind == RC_SV_ERROR) var->def_atom = 0;
        var = &sp->vars[v];
        if (var->natoms < 1) var->natoms = 1;
    }
    layout(sp);
    text_caches(sp);
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
        s->cap = s->cap ? 2 * s->cap : 1;
        s->w = rc_xrealloc(s->w, (size_t)s->cap * (size_t)sp->words * 8);
    }
    return s->w + (size_t)s->n++ * (size_t)sp->words;
}

static void push_cube(const rc_space *sp, rc_cset *s, const uint64_t *c)
{
    if (s->n >= RC_SPACE_MAX_CUBES) { s->unknown = true; return; }
    memcpy(push(sp, s), c, (size_t)sp->words * 8);
}

static const uint64_t *cube_at(const rc_space *sp, const rc_cset *s, int i)
{
    return s->w + (size_t)i * (size_t)sp->words;
}

void rc_cset_universe(const rc_space *sp, rc_cset *out)
{
    memset(out, 0, sizeof *out);
    memcpy(push(sp, out), sp->impl->full, (size_t)sp->words * 8);
}

void rc_cset_copy(const rc_space *sp, const rc_cset *s, rc_cset *out)
{
    memset(out, 0, sizeof *out);
    for (int i = 0; i < s->n; i++) push_cube(sp, out, cube_at(sp, s, i));
    out->unknown = s->unknown;
}

bool rc_cset_empty(const rc_space *sp, const rc_cset *s)
{
    for (int i = 0; i < s->n; i++) {
        int r = cube_feasible(sp, cube_at(sp, s, i), NULL, NULL);
        if (r < 0) *sp->inexact = true;
        if (r != 0) return false;
    }
    return true;
}

void rc_cset_and(const rc_space *sp, const rc_cset *a, const rc_cset *b, rc_cset *out)
{
    memset(out, 0, sizeof *out);
    out->unknown = a->unknown || b->unknown;
    if ((long long)a->n * b->n > RC_SPACE_MAX_WORK || !afford(sp, (long long)a->n * b->n)) {
        out->unknown = true;
        return;
    }
    uint64_t *t = rc_xrealloc(NULL, (size_t)sp->words * 8);
    for (int i = 0; i < a->n; i++)
        for (int j = 0; j < b->n; j++)
            if (cube_and(sp, cube_at(sp, a, i), cube_at(sp, b, j), t)) push_cube(sp, out, t);
    free(t);
}

void rc_cset_or_in(const rc_space *sp, rc_cset *a, const rc_cset *b)
{
    a->unknown |= b->unknown;
    for (int j = 0; j < b->n; j++) push_cube(sp, a, cube_at(sp, b, j));
}

void rc_cset_or(const rc_space *sp, const rc_cset *a, const rc_cset *b, rc_cset *out)
{
    rc_cset_copy(sp, a, out);
    rc_cset_or_in(sp, out, b);
}

/* Append a piece of `rest`: word i replaced by x.  False when out is full. */
static bool push_piece(const rc_space *sp, rc_cset *out, const uint64_t *rest, int i, uint64_t x)
{
    uint64_t *p = out->n < RC_SPACE_MAX_CUBES ? push(sp, out) : NULL;
    if (!p) { out->unknown = true; return false; }
    memcpy(p, rest, (size_t)sp->words * 8);
    p[i] = x;
    return true;
}

/* The pieces of rest - b on word i, variable by variable; rest keeps what b has. */
static bool sub_word(const rc_space *sp, const uint64_t *b, rc_cset *out, uint64_t *rest, int i)
{
    const rc_space_impl *in = sp->impl;
    if (in->wkind[i] == ST_TRIE) {
        if (b[i] == T_FULL) return true;
        tctx t = var_tctx(sp, in->wvar[i]);
        uint64_t d = tr_andnot(&t, (uint32_t)rest[i], (uint32_t)b[i], t.depth, 0);
        if (d == T_EMPTY) return true;
        if (!push_piece(sp, out, rest, i, d)) return false;
        rest[i] = tr_and(&t, (uint32_t)rest[i], (uint32_t)b[i], t.depth, 0);
        return true;
    }
    uint64_t d = rest[i] & ~b[i];
    while (d) {
        uint64_t f = in->wkind[i] == ST_WORD ? ~0ULL : 3ULL << (__builtin_ctzll(d) & ~1);
        if (!push_piece(sp, out, rest, i, (rest[i] & ~f) | (d & f))) return false;
        rest[i] &= ~f | b[i];
        d &= ~f;
    }
    return true;
}

/* Append (a - b) for one cube a to out. */
static void cube_sub(const rc_space *sp, const uint64_t *a, const uint64_t *b, rc_cset *out, uint64_t *rest)
{
    if (!cube_meets(sp, a, b)) { push_cube(sp, out, a); return; }
    memcpy(rest, a, (size_t)sp->words * 8);
    for (int i = 0; i < sp->words; i++)
        if (!sub_word(sp, b, out, rest, i)) return;
}

void rc_cset_sub(const rc_space *sp, const rc_cset *a, const rc_cset *b, rc_cset *out)
{
    rc_cset cur, nxt;
    rc_cset_copy(sp, a, &cur);
    cur.unknown = a->unknown || b->unknown;
    uint64_t *rest = rc_xrealloc(NULL, (size_t)sp->words * 8);
    for (int j = 0; j < b->n && cur.n; j++) {
        if ((long long)cur.n * (b->n - j) > RC_SPACE_MAX_WORK || !afford(sp, cur.n)) {
            /* too much work: an unknown result (never a wrong one) */
            cur.unknown = true;
            break;
        }
        memset(&nxt, 0, sizeof nxt);
        nxt.unknown = cur.unknown;
        for (int i = 0; i < cur.n; i++) cube_sub(sp, cube_at(sp, &cur, i), cube_at(sp, b, j), &nxt, rest);
        rc_cset_free(&cur);
        cur = nxt;
    }
    free(rest);
    *out = cur;
}

/* In place: the cubes of a that miss a cube of b stay where they are; only
 * the cubes it cuts are replaced by their pieces, appended at the end.  The
 * same set as rc_cset_sub, cube order aside. */
void rc_cset_sub_in(const rc_space *sp, rc_cset *a, const rc_cset *b)
{
    size_t W = (size_t)sp->words;
    a->unknown = a->unknown || b->unknown;
    uint64_t *rest = rc_xrealloc(NULL, W * 8);
    rc_cset pieces;
    memset(&pieces, 0, sizeof pieces);
    for (int j = 0; j < b->n && a->n; j++) {
        if ((long long)a->n * (b->n - j) > RC_SPACE_MAX_WORK || !afford(sp, a->n)) {
            a->unknown = true;   /* too much work: unknown, never wrong */
            break;
        }
        const uint64_t *bj = cube_at(sp, b, j);
        int keep = 0;
        pieces.n = 0;
        for (int i = 0; i < a->n; i++) {
            uint64_t *c = a->w + (size_t)i * W;
            if (!cube_meets(sp, c, bj)) {
                if (keep != i) memcpy(a->w + (size_t)keep * W, c, W * 8);
                keep++;
            } else {
                cube_sub(sp, c, bj, &pieces, rest);
            }
        }
        a->n = keep;
        if (pieces.unknown) a->unknown = true;
        for (int i = 0; i < pieces.n; i++) push_cube(sp, a, cube_at(sp, &pieces, i));
    }
    rc_cset_free(&pieces);
    free(rest);
}

void rc_cset_fix(const rc_space *sp, rc_cset *s, int v, int atom)
{
    int keep = 0;
    for (int i = 0; i < s->n; i++) {
        uint64_t *c = s->w + (size_t)i * (size_t)sp->words;
        if (!rc_space_cube_has(sp, c, v, atom)) continue;
        var_set_range(sp, c, v, atom, atom, false);
        if (keep != i) memcpy(s->w + (size_t)keep * (size_t)sp->words, c, (size_t)sp->words * 8);
        keep++;
    }
    s->n = keep;
}

void rc_cset_restrict(const rc_space *sp, rc_cset *s, int v, const bool *keep, int nkeep)
{
    int k = 0;
    for (int i = 0; i < s->n; i++) {
        uint64_t *c = s->w + (size_t)i * (size_t)sp->words;
        var_restrict(sp, c, v, keep, nkeep);
        if (var_empty(sp, c, v)) continue;
        if (k != i) memcpy(s->w + (size_t)k * (size_t)sp->words, c, (size_t)sp->words * 8);
        k++;
    }
    s->n = k;
}

bool rc_cset_has_point(const rc_space *sp, const rc_cset *s, const int *atoms)
{
    for (int i = 0; i < s->n; i++) {
        const uint64_t *c = cube_at(sp, s, i);
        bool in = true;
        for (int v = 0; v < sp->nvars && in; v++) in = rc_space_cube_has(sp, c, v, atoms[v]);
        if (in) return true;
    }
    return false;
}

void rc_cset_atoms_used(const rc_space *sp, const rc_cset *s, int v, bool *out)
{
    for (int i = 0; i < s->n; i++) {
        const uint64_t *c = cube_at(sp, s, i);
        bool news = false;
        for (int a = var_next(sp, c, v, 0); a >= 0 && !news; a = var_next(sp, c, v, a + 1)) news = !out[a];
        if (!news) continue;
        int r = cube_feasible(sp, c, NULL, NULL);
        if (r < 0) *sp->inexact = true;
        if (r == 0) continue;
        for (int a = var_next(sp, c, v, 0); a >= 0; a = var_next(sp, c, v, a + 1)) out[a] = true;
    }
}

/* ---- indexed sets ---------------------------------------------------------- */

/* The cubes live in slots, in order; a cube cut by a subtraction is marked
 * dead where it is and its pieces are appended, so the live slots in order
 * are exactly the cubes of the plain set.  Dead slots are squeezed out once
 * they outnumber the live ones.  Per variable, built the first time a query
 * picks it, a treap of the live slots keyed by (first atom, slot) and
 * augmented with the greatest last atom of each subtree finds the slots
 * whose bounds on that variable overlap an interval. */

/* RC_CIDX_MIN: below this many cubes a query scans them all. */
#define RC_CIDX_MIN 32

typedef struct ctree {
    int32_t *lo, *hi, *mx, *l, *r;   /* [cap] per slot */
    int root;
} ctree;

struct rc_cidx {
    rc_cset s;                  /* every slot, dead ones included */
    uint8_t *dead;              /* [cap] */
    int live, cap;
    ctree **tree;               /* [nvars], NULL until used */
    int *built, nbuilt;         /* the variables with a tree */
    int *cand, ncand, capcand;  /* the slots a query returns */
};

static uint32_t tr_prio(int x)
{
    uint32_t h = (uint32_t)x * 2654435761u;
    h ^= h >> 15;
    h *= 0x2c1b3c6du;
    return h ^ (h >> 12);
}

static bool ct_less(const ctree *t, int x, int y) { return t->lo[x] < t->lo[y] || (t->lo[x] == t->lo[y] && x < y); }

static void ct_pull(ctree *t, int x)
{
    int32_t m = t->hi[x];
    if (t->l[x] >= 0 && t->mx[t->l[x]] > m) m = t->mx[t->l[x]];
    if (t->r[x] >= 0 && t->mx[t->r[x]] > m) m = t->mx[t->r[x]];
    t->mx[x] = m;
}

/* Every key of a is below every key of b. */
static int ct_merge(ctree *t, int a, int b)
{
    if (a < 0) return b;
    if (b < 0) return a;
    if (tr_prio(a) > tr_prio(b)) {
        t->r[a] = ct_merge(t, t->r[a], b);
        ct_pull(t, a);
        return a;
    }
    t->l[b] = ct_merge(t, a, t->l[b]);
    ct_pull(t, b);
    return b;
}

/* n's subtree into keys below x's (*a) and the rest (*b). */
static void ct_split(ctree *t, int n, int x, int *a, int *b)
{
    if (n < 0) { *a = *b = -1; return; }
    if (ct_less(t, n, x)) {
        ct_split(t, t->r[n], x, &t->r[n], b);
        *a = n;
    } else {
        ct_split(t, t->l[n], x, a, &t->l[n]);
        *b = n;
    }
    ct_pull(t, n);
}

static void ct_insert(ctree *t, int x)
{
    int a, b;
    ct_split(t, t->root, x, &a, &b);
    t->l[x] = t->r[x] = -1;
    t->mx[x] = t->hi[x];
    t->root = ct_merge(t, ct_merge(t, a, x), b);
}

static int ct_delete(ctree *t, int n, int x)
{
    if (n == x) return ct_merge(t, t->l[n], t->r[n]);
    if (ct_less(t, x, n)) t->l[n] = ct_delete(t, t->l[n], x);
    else t->r[n] = ct_delete(t, t->r[n], x);
    ct_pull(t, n);
    return n;
}

static void cand_push(rc_cidx *u, int slot)
{
    if (u->ncand == u->capcand) {
        u->capcand = u->capcand ? 2 * u->capcand : 64;
        u->cand = rc_xrealloc(u->cand, (size_t)u->capcand * sizeof *u->cand);
    }
    u->cand[u->ncand++] = slot;
}

/* The slots of n's subtree whose [lo, hi] meets [qlo, qhi]. */
static void ct_query(const ctree *t, int n, int32_t qlo, int32_t qhi, rc_cidx *u)
{
    while (n >= 0 && t->mx[n] >= qlo) {
        ct_query(t, t->l[n], qlo, qhi, u);
        if (t->lo[n] > qhi) return;
        if (t->hi[n] >= qlo) cand_push(u, n);
        n = t->r[n];
    }
}

static void ct_free(ctree *t)
{
    if (!t) return;
    free(t->lo);
    free(t->hi);
    free(t->mx);
    free(t->l);
    free(t->r);
    free(t);
}

static void ct_grow(ctree *t, int cap)
{
    size_t n = (size_t)cap * sizeof(int32_t);
    t->lo = rc_xrealloc(t->lo, n);
    t->hi = rc_xrealloc(t->hi, n);
    t->mx = rc_xrealloc(t->mx, n);
    t->l = rc_xrealloc(t->l, n);
    t->r = rc_xrealloc(t->r, n);
}

static void ct_add(const rc_space *sp, rc_cidx *u, int v, int slot)
{
    ctree *t = u->tree[v];
    int64_t lo, hi;
    var_bounds(sp, cube_at(sp, &u->s, slot), v, &lo, &hi);
    t->lo[slot] = (int32_t)lo;
    t->hi[slot] = (int32_t)hi;
    ct_insert(t, slot);
}

static ctree *cidx_tree(const rc_space *sp, rc_cidx *u, int v)
{
    if (u->tree[v]) return u->tree[v];
    ctree *t = u->tree[v] = rc_xrealloc(NULL, sizeof *t);
    memset(t, 0, sizeof *t);
    t->root = -1;
    ct_grow(t, u->cap);
    u->built[u->nbuilt++] = v;
    for (int i = 0; i < u->s.n; i++)
        if (!u->dead[i]) ct_add(sp, u, v, i);
    return t;
}

static void cidx_drop_trees(rc_cidx *u)
{
    for (int i = 0; i < u->nbuilt; i++) {
        ct_free(u->tree[u->built[i]]);
        u->tree[u->built[i]] = NULL;
    }
    u->nbuilt = 0;
}

static void cidx_append(const rc_space *sp, rc_cidx *u, const uint64_t *c)
{
    if (u->live >= RC_SPACE_MAX_CUBES) { u->s.unknown = true; return; }
    memcpy(push(sp, &u->s), c, (size_t)sp->words * 8);
    if (u->s.n > u->cap) {
        u->cap = u->s.cap;
        u->dead = rc_xrealloc(u->dead, (size_t)u->cap);
        for (int i = 0; i < u->nbuilt; i++) ct_grow(u->tree[u->built[i]], u->cap);
    }
    int slot = u->s.n - 1;
    u->dead[slot] = 0;
    u->live++;
    for (int i = 0; i < u->nbuilt; i++) ct_add(sp, u, u->built[i], slot);
}

static void cidx_kill(rc_cidx *u, int slot)
{
    u->dead[slot] = 1;
    u->live--;
    for (int i = 0; i < u->nbuilt; i++) {
        ctree *t = u->tree[u->built[i]];
        t->root = ct_delete(t, t->root, slot);
    }
}

static void cidx_compact(const rc_space *sp, rc_cidx *u)
{
    int dead = u->s.n - u->live;
    if (dead < 1024 || dead < u->live) return;
    size_t W = (size_t)sp->words;
    int k = 0;
    for (int i = 0; i < u->s.n; i++) {
        if (u->dead[i]) continue;
        if (k != i) memcpy(u->s.w + (size_t)k * W, u->s.w + (size_t)i * W, W * 8);
        u->dead[k++] = 0;
    }
    u->s.n = k;
    cidx_drop_trees(u);
}

rc_cidx *rc_cidx_new(const rc_space *sp, const rc_cset *s)
{
    rc_cidx *u = rc_xrealloc(NULL, sizeof *u);
    memset(u, 0, sizeof *u);
    u->tree = rc_xrealloc(NULL, (size_t)(sp->nvars + 1) * sizeof *u->tree);
    memset(u->tree, 0, (size_t)(sp->nvars + 1) * sizeof *u->tree);
    u->built = rc_xrealloc(NULL, (size_t)(sp->nvars + 1) * sizeof *u->built);
    for (int i = 0; i < s->n; i++) cidx_append(sp, u, cube_at(sp, s, i));
    u->s.unknown = s->unknown;
    return u;
}

void rc_cidx_free(rc_cidx *u)
{
    if (!u) return;
    cidx_drop_trees(u);
    rc_cset_free(&u->s);
    free(u->dead);
    free(u->tree);
    free(u->built);
    free(u->cand);
    free(u);
}

int rc_cidx_count(const rc_cidx *u) { return u->live; }
bool rc_cidx_unknown(const rc_cidx *u) { return u->s.unknown; }

void rc_cidx_get(const rc_space *sp, const rc_cidx *u, rc_cset *out)
{
    memset(out, 0, sizeof *out);
    for (int i = 0; i < u->s.n; i++)
        if (!u->dead[i]) push_cube(sp, out, cube_at(sp, &u->s, i));
    out->unknown = u->s.unknown;
}

/* The variable on which cube b is narrowest, relative to its atoms (-1: none
 * narrower than all of them). */
static int query_var(const rc_space *sp, const uint64_t *b, int64_t *qlo, int64_t *qhi)
{
    int best = -1;
    int64_t bw = 1, bn = 1;
    for (int v = 0; v < sp->nvars; v++) {
        int64_t n = sp->vars[v].natoms, lo, hi;
        if (n < 2) continue;
        var_bounds(sp, b, v, &lo, &hi);
        if (hi - lo + 1 >= n || (hi - lo + 1) * bn >= bw * n) continue;
        best = v;
        bw = hi - lo + 1;
        bn = n;
        *qlo = lo;
        *qhi = hi;
    }
    return best;
}

/* u->cand := the live slots whose cube meets b, in slot order. */
static void cidx_query(const rc_space *sp, rc_cidx *u, const uint64_t *b)
{
    u->ncand = 0;
    int64_t qlo = 0, qhi = 0;
    int v = u->live >= RC_CIDX_MIN ? query_var(sp, b, &qlo, &qhi) : -1;
    if (v < 0) {
        for (int i = 0; i < u->s.n; i++)
            if (!u->dead[i] && cube_meets(sp, cube_at(sp, &u->s, i), b)) cand_push(u, i);
        return;
    }
    ctree *t = cidx_tree(sp, u, v);
    ct_query(t, t->root, (int32_t)qlo, (int32_t)qhi, u);
    if (u->ncand > 1) qsort(u->cand, (size_t)u->ncand, sizeof *u->cand, cmp_int);
    int k = 0;
    for (int i = 0; i < u->ncand; i++)
        if (cube_meets(sp, cube_at(sp, &u->s, u->cand[i]), b)) u->cand[k++] = u->cand[i];
    u->ncand = k;
}

void rc_cidx_and(const rc_space *sp, const rc_cset *a, rc_cidx *u, rc_cset *out)
{
    memset(out, 0, sizeof *out);
    out->unknown = a->unknown || u->s.unknown;
    if ((long long)a->n * u->live > RC_SPACE_MAX_WORK) { out->unknown = true; return; }
    uint64_t *t = rc_xrealloc(NULL, (size_t)sp->words * 8);
    for (int i = 0; i < a->n; i++) {
        const uint64_t *ai = cube_at(sp, a, i);
        cidx_query(sp, u, ai);
        if (!afford(sp, u->ncand + 1)) { out->unknown = true; break; }
        for (int j = 0; j < u->ncand; j++)
            if (cube_and(sp, ai, cube_at(sp, &u->s, u->cand[j]), t)) push_cube(sp, out, t);
    }
    free(t);
}

void rc_cidx_sub_in(const rc_space *sp, rc_cidx *u, const rc_cset *b)
{
    u->s.unknown = u->s.unknown || b->unknown;
    uint64_t *rest = rc_xrealloc(NULL, (size_t)sp->words * 8);
    rc_cset pieces;
    memset(&pieces, 0, sizeof pieces);
    for (int j = 0; j < b->n && u->live; j++) {
        if ((long long)u->live * (b->n - j) > RC_SPACE_MAX_WORK) {
            u->s.unknown = true;   /* too much work: unknown, never wrong */
            break;
        }
        const uint64_t *bj = cube_at(sp, b, j);
        cidx_query(sp, u, bj);
        if (!afford(sp, u->ncand + 1)) { u->s.unknown = true; break; }
        pieces.n = 0;
        for (int i = 0; i < u->ncand; i++) {
            cidx_kill(u, u->cand[i]);
            cube_sub(sp, cube_at(sp, &u->s, u->cand[i]), bj, &pieces, rest);
        }
        if (pieces.unknown) u->s.unknown = true;
        for (int i = 0; i < pieces.n; i++) cidx_append(sp, u, cube_at(sp, &pieces, i));
        cidx_compact(sp, u);
    }
    rc_cset_free(&pieces);
    free(rest);
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

/* The atoms of INT variable v whose start satisfies the leaf: j0..j1, or
 * all but those when *neg (every comparison is constant on an atom). */
static void leaf_atoms(const rc_ir_expr *e, const rc_space_var *v, int *j0, int *j1, bool *neg)
{
    int64_t x = e->value;
    *neg = false;
    *j0 = 0;
    *j1 = v->natoms - 1;
    if (e->kind == RC_X_IN) {
        *j0 = first_ge(v, e->lo);
        *j1 = last_le(v, e->hi);
        return;
    }
    switch (e->op) {
    case RC_IR_EQ: *j0 = first_ge(v, x); *j1 = last_le(v, x); break;
    case RC_IR_NE: *j0 = first_ge(v, x); *j1 = last_le(v, x); *neg = true; break;
    case RC_IR_LT: *j1 = x == INT64_MIN ? -1 : last_le(v, x - 1); break;
    case RC_IR_LE: *j1 = last_le(v, x); break;
    case RC_IR_GT: *j0 = x == INT64_MAX ? v->natoms : first_ge(v, x + 1); break;
    default: *j0 = first_ge(v, x); break;
    }
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
        var_set_range(sp, c, v, 1, 1, false);   /* matched */
    } else if (e->opd == RC_OPD_SEVERITY || e->opd == RC_OPD_CLASS || e->opd == RC_OPD_ERROR) {
        v = sp->error_var;
        if (v < 0) { out->unknown = true; return; }
        bool *keep = rc_xrealloc(NULL, (size_t)ir->nerrors + 1);
        for (int j = 0; j < ir->nerrors; j++) {
            int64_t x = e->opd == RC_OPD_ERROR ? j : e->opd == RC_OPD_CLASS ? ir->errors[j].cls
                                                                            : (int64_t)ir->errors[j].severity;
            keep[j] = leaf_holds(e, x);
        }
        var_restrict(sp, c, v, keep, ir->nerrors);
        free(keep);
    } else {
        v = expr_var(sp, k, e);
        if (v < 0) { out->unknown = true; return; }
        int j0, j1;
        bool neg;
        leaf_atoms(e, &sp->vars[v], &j0, &j1, &neg);
        var_set_range(sp, c, v, j0, j1, neg);
    }
    if (var_empty(sp, c, v)) out->n = 0;
}

/* Only the roots' sets are kept: an inner node's set is freed after its
 * last use, and an `||` takes over its left operand's set when it is that
 * set's only user, so a chain `a || b || ...` of n terms costs n cubes of
 * memory and n cube copies, not n^2. */
rc_cset *rc_space_exprs(const rc_space *sp, int k, const bool *roots)
{
    const rc_ir *ir = sp->irs[k];
    int n = ir->nexprs;
    rc_cset *s = rc_xrealloc(NULL, (size_t)(n + 1) * sizeof *s);
    memset(s, 0, (size_t)(n + 1) * sizeof *s);
    bool *need = rc_xrealloc(NULL, (size_t)(n + 1));
    int *uses = rc_xrealloc(NULL, (size_t)(n + 1) * sizeof *uses);
    memcpy(need, roots, (size_t)n);
    memset(uses, 0, (size_t)(n + 1) * sizeof *uses);
    for (int i = n - 1; i >= 0; i--) {
        if (!need[i]) continue;
        const rc_ir_expr *e = &ir->exprs[i];
        if (e->kind == RC_X_AND || e->kind == RC_X_OR) {
            need[e->a] = need[e->b] = true;
            uses[e->a]++;
            uses[e->b]++;
        }
        if (e->kind == RC_X_NOT) { need[e->a] = true; uses[e->a]++; }
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
        case RC_X_OR:
            if (uses[e->a] == 1 && !roots[e->a] && e->a != e->b) {
                s[i] = s[e->a];
                memset(&s[e->a], 0, sizeof s[e->a]);
                rc_cset_or_in(sp, &s[i], &s[e->b]);
            } else {
                rc_cset_or(sp, &s[e->a], &s[e->b], &s[i]);
            }
            break;
        case RC_X_NOT: rc_cset_sub(sp, &u, &s[e->a], &s[i]); break;
        }
        if (e->kind == RC_X_AND || e->kind == RC_X_OR || e->kind == RC_X_NOT) {
            int ch[2] = { e->a, e->kind == RC_X_NOT ? -1 : e->b };
            for (int j = 0; j < 2; j++)
                if (ch[j] >= 0 && --uses[ch[j]] == 0 && !roots[ch[j]]) rc_cset_free(&s[ch[j]]);
        }
    }
    rc_cset_free(&u);
    free(uses);
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
        const uint64_t *c = cube_at(sp, s, i);
        if (cube_feasible(sp, c, NULL, NULL) != 1) continue;
        int cnt = 0;
        for (int v = 0; v < sp->nvars; v++) cnt += rc_space_cube_has(sp, c, v, sp->vars[v].def_atom);
        if (cnt > bestn) { bestn = cnt; best = i; }
    }
    return best < 0 ? NULL : cube_at(sp, s, best);
}

/* The atom of PAT variable v that the witness texts really have; m is a
 * scan buffer, *scanned the (text, policy) it holds. */
static int pat_atom(const rc_space *sp, int v, const char *const *texts, const size_t *lens, uint32_t **m,
                    int *scanned)
{
    const rc_space_var *var = &sp->vars[v];
    const rc_dfa *d = sp->vars[var->text].dfa[var->ir];
    if (*scanned != var->text * 2 + var->ir) {
        *m = rc_xrealloc(*m, (size_t)d->words * 4 + 4);
        rc_dfa_scan(d, texts[var->text], lens[var->text], RECOV_MAX_TEXT, *m);
        *scanned = var->text * 2 + var->ir;
    }
    return (int)(((*m)[var->pattern / 32] >> (var->pattern % 32)) & 1);
}

/* The field of policy k that variable v stands for (-1 when none). */
static int var_field(const rc_space *sp, int k, int v)
{
    int f = -1;
    for (int i = 0; i < sp->irs[k]->nfields; i++)
        if (sp->field_var[k][i] == v) f = i;
    return f;
}

void rc_space_witness_values(const rc_space *sp, int k, const uint64_t *cube, rc_arena *a, int64_t *ints,
                             const char **texts, size_t *lens)
{
    const rc_ir *ir = sp->irs[k];
    for (int f = 0; f < ir->nfields; f++) { ints[f] = 0; texts[f] = NULL; lens[f] = 0; }
    const char **tv = rc_xrealloc(NULL, (size_t)sp->nvars * sizeof *tv);
    size_t *lv = rc_xrealloc(NULL, (size_t)sp->nvars * sizeof *lv);
    if (cube_feasible(sp, cube, tv, lv) != 1)
        for (int v = 0; v < sp->nvars; v++) { tv[v] = ""; lv[v] = 0; }
    /* the atoms witness() picks, field by field */
    for (int v = 0; v < sp->nvars; v++) {
        const rc_space_var *var = &sp->vars[v];
        if (var->kind == RC_SV_PAT) continue;
        int f = var_field(sp, k, v);
        if (f < 0) continue;
        if (var->kind == RC_SV_TEXT) {
            if (lv[v]) {
                texts[f] = rc_arena_strndup(a, tv[v], lv[v]);
                lens[f] = lv[v];
            }
            continue;
        }
        int at = var->def_atom;
        if (!rc_space_cube_has(sp, cube, v, at)) at = var_next(sp, cube, v, 0);
        if (at < 0) at = 0;
        ints[f] = rc_space_int_value(var, at);
    }
    free(tv);
    free(lv);
}

static void witness(const rc_space *sp, int k, const uint64_t *cube, char *buf, size_t n, int *atoms, bool all)
{
    size_t at = 0;
    buf[0] = '\0';
    const char **texts = rc_xrealloc(NULL, (size_t)sp->nvars * sizeof *texts);
    size_t *lens = rc_xrealloc(NULL, (size_t)sp->nvars * sizeof *lens);
    uint32_t *m = NULL;
    int scanned = -1;
    if (cube_feasible(sp, cube, texts, lens) != 1)
        for (int v = 0; v < sp->nvars; v++) { texts[v] = ""; lens[v] = 0; }
    for (int v = 0; v < sp->nvars; v++) {
        const rc_space_var *var = &sp->vars[v];
        if (var->kind == RC_SV_PAT) {
            int a = pat_atom(sp, v, texts, lens, &m, &scanned);
            if (atoms) atoms[v] = a;
            continue;
        }
        int a = var->def_atom;
        if (!rc_space_cube_has(sp, cube, v, a)) a = var_next(sp, cube, v, 0);
        if (a < 0) a = 0;
        if (atoms) atoms[v] = a;
        int f = var_field(sp, k, v);
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
    free(m);
    free(texts);
    free(lens);
    if (!at) snprintf(buf, n, all ? "(a fault with no fields)" : "(any fault)");
}
