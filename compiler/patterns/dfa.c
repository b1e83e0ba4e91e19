/* dfa.c - patterns -> NFA (regex.c) -> search DFA -> minimal DFA; see dfa.h.
 *
 * Byte classes: the partition of 0..255 that every NFA byte set respects,
 * refined set by set, so transitions are stored per class, not per byte.
 *
 * Subset construction for an unanchored search restarts every alternative
 * at every position, so every DFA state contains R = closure(roots).  R is
 * kept implicit: a state is stored as its list T of NFA states outside R (in
 * the order the closure found them), plus a flag for the start state (whose
 * closure may cross `^`).  States are interned by set: the hash of a list is
 * the sum of its elements' hashes, so it does not depend on their order, and
 * a candidate is compared by membership stamps; no list is ever sorted.  The
 * move of R on each class (MR[c]) is computed once, and a class on which T
 * has no edge goes straight to the state "MR[c]" (cached per class), so a
 * state's cost is proportional to its own live threads, not to the number of
 * patterns.  Only consuming (SET), EOL and MATCH states are recorded in T:
 * split states are transparent and BOL states are dead after position 0.
 *
 * Minimisation is Moore's partition refinement, starting from (acc row,
 * acc_end row) and renumbered breadth-first from the start, so the output
 * depends only on the language, never on memory addresses.
 */
#include "dfa.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "regex.h"

typedef struct dfa_builder {
    rc_arena *scratch;
    rc_nfa nfa;
    int npats, words;
    rc_dfa_error *err;
    /* byte classes */
    int ncls;
    uint8_t cls[256];
    int32_t *set_cls_off, *set_cls_len; /* per NFA byte set: its classes */
    uint16_t *cls_pool;
    /* closure scratch */
    uint32_t *mark, gen;
    uint8_t *in_r;                      /* NFA state visited by closure(R) */
    int32_t *stack, *rec;
    int32_t nrec;
    /* R and its moves */
    int32_t *mr_off, *mr_len, *mr_pool, *mr_target;
    int32_t *r, nr;                     /* the recorded states of R */
    uint32_t *r_acc, *r_end;            /* pattern masks of R itself */
    /* DFA states */
    int32_t n, cap, max_states;
    int32_t *off, *len;                 /* malloc'd, like pool and trans (grown by realloc) */
    uint64_t *shash;                    /* [cap] hash of each state's set */
    int32_t *pool, pool_n, pool_cap;
    uint32_t *trans;
    int32_t *hash, hash_cap;
    uint32_t *inset, setgen;            /* membership stamps of the set being interned */
    uint64_t *eh;                       /* [nfa.n] hash of each NFA state (set_hash) */
    long long work;                     /* RC_DFA_MAX_WORK */
} dfa_builder;

static bool fail_too_much_work(rc_dfa_error *err)
{
    err->pattern = -1;
    err->alt = 0;
    err->offset = 0;
    err->work = true;
    snprintf(err->message, sizeof err->message, "pattern set needs more than %lld steps to build",
             (long long)RC_DFA_MAX_WORK);
    return false;
}

/* Charges n steps; false once past RC_DFA_MAX_WORK. */
static bool spend(dfa_builder *b, long long n)
{
    b->work += n;
    return b->work <= RC_DFA_MAX_WORK;
}

/* ---- small helpers ------------------------------------------------------ */

static uint64_t mix(uint64_t h, uint64_t v)
{
    h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
    return h * 0xff51afd7ed558ccdull;
}


static bool fail_too_many_states(rc_dfa_error *err, int n)
{
    err->pattern = -1;
    err->alt = 0;
    err->offset = 0;
    snprintf(err->message, sizeof err->message, "pattern set needs more than %d DFA states", n);
    return false;
}

/* ---- byte classes ------------------------------------------------------- */

static void compute_classes(dfa_builder *b)
{
    const rc_nfa *n = &b->nfa;
    uint8_t tmp[256];
    int16_t newid[512];
    memset(b->cls, 0, sizeof b->cls);
    b->ncls = 1;
    for (int32_t i = 0; i < n->nsets; i++) {
        int next = 0;
        for (int k = 0; k < 2 * b->ncls; k++) newid[k] = -1;
        for (unsigned c = 0; c < 256; c++) {
            int k = b->cls[c] * 2 + (rc_byteset_has(&n->sets[i], c) ? 1 : 0);
            if (newid[k] < 0) newid[k] = (int16_t)next++;
            tmp[c] = (uint8_t)newid[k];
        }
        memcpy(b->cls, tmp, sizeof tmp);
        b->ncls = next;
    }
    /* the classes of each set, via one representative byte per class */
    uint8_t rep[256];
    for (int c = 255; c >= 0; c--) rep[b->cls[c]] = (uint8_t)c;
    b->set_cls_off = RC_NEW_ARRAY(b->scratch, int32_t, n->nsets + 1);
    b->set_cls_len = RC_NEW_ARRAY(b->scratch, int32_t, n->nsets + 1);
    int32_t total = 0;
    size_t cap = 0;
    b->cls_pool = NULL;
    for (int32_t i = 0; i < n->nsets; i++) {
        b->set_cls_off[i] = total;
        for (int k = 0; k < b->ncls; k++)
            if (rc_byteset_has(&n->sets[i], rep[k])) {
                RC_GROW(b->scratch, b->cls_pool, total, &cap);
                b->cls_pool[total++] = (uint16_t)k;
            }
        b->set_cls_len[i] = total - b->set_cls_off[i];
    }
}

/* ---- closures ----------------------------------------------------------- */

/* Epsilon closure of the seeds into b->rec (consuming, EOL and MATCH states
 * only; unsorted).  bol: `^` may be crossed (position 0).  prune: stop at
 * states of closure(R), whose closure is R itself and is kept implicit.  The
 * mark generation is left open so callers can add more states to the same
 * set. */
static void closure(dfa_builder *b, const int32_t *seeds, int32_t nseeds, bool bol, bool prune)
{
    const rc_nfa_state *st = b->nfa.st;
    int32_t sp = 0;
    for (int32_t i = nseeds; i-- > 0;) b->stack[sp++] = seeds[i];
    while (sp > 0) {
        int32_t s = b->stack[--sp];
        if (s < 0 || b->mark[s] == b->gen) continue;
        b->mark[s] = b->gen;
        if (prune && b->in_r[s]) continue;
        switch (st[s].kind) {
        case RC_NFA_SPLIT:
            b->stack[sp++] = st[s].out2;
            b->stack[sp++] = st[s].out;
            break;
        case RC_NFA_BOL:
            if (bol) b->stack[sp++] = st[s].out;
            break;
        default:
            b->rec[b->nrec++] = s;
            break;
        }
    }
}

/* Patterns matched by MATCH states in list (acc) and reachable through `$`
 * from its EOL states (end); bits are ORed into the masks. */
static void list_masks(dfa_builder *b, const int32_t *list, int32_t n, bool bol,
                       uint32_t *acc, uint32_t *end)
{
    const rc_nfa_state *st = b->nfa.st;
    int32_t sp = 0;
    b->gen++;
    for (int32_t i = 0; i < n; i++) {
        const rc_nfa_state *s = &st[list[i]];
        if (s->kind == RC_NFA_MATCH) {
            acc[s->arg >> 5] |= 1u << (s->arg & 31);
            end[s->arg >> 5] |= 1u << (s->arg & 31);
        } else if (s->kind == RC_NFA_EOL) {
            b->stack[sp++] = s->out;
        }
    }
    while (sp > 0) {
        int32_t s = b->stack[--sp];
        if (s < 0 || b->mark[s] == b->gen) continue;
        b->mark[s] = b->gen;
        switch (st[s].kind) {
        case RC_NFA_SPLIT:
            b->stack[sp++] = st[s].out2;
            b->stack[sp++] = st[s].out;
            break;
        case RC_NFA_BOL:
            if (bol) b->stack[sp++] = st[s].out;
            break;
        case RC_NFA_EOL:
            b->stack[sp++] = st[s].out;
            break;
        case RC_NFA_MATCH:
            end[st[s].arg >> 5] |= 1u << (st[s].arg & 31);
            break;
        default:
            break;
        }
    }
}

/* ---- DFA state table ---------------------------------------------------- */

/* The hash of a set: the sum of its elements' hashes (eh[], splitmix64's
 * finaliser of the NFA state number), so any order of the same elements
 * gives the same value. */
static uint64_t set_hash(const dfa_builder *b, const int32_t *v, int32_t n)
{
    uint64_t h = (uint64_t)(uint32_t)n * 0x9e3779b97f4a7c15ull;
    for (int32_t i = 0; i < n; i++) h += b->eh[v[i]];
    return h;
}

/* realloc for the builder's growing tables (not zeroed, not in the arena:
 * they are the largest and grow the most; freed by rc_dfa_build). */
static void *regrow(void *old, int32_t *cap, int32_t need, size_t elsz)
{
    if (need <= *cap) return old;
    int32_t nc = *cap ? *cap : 256;
    while (nc < need) nc *= 2;
    *cap = nc;
    return rc_xrealloc(old, (size_t)nc * elsz);
}

/* Append a state with list v (its transitions are filled when processed). */
static bool new_state(dfa_builder *b, const int32_t *v, int32_t n, uint64_t h, int32_t *id)
{
    if (b->n >= b->max_states)
        return fail_too_many_states(b->err, b->max_states);
    if (b->n == b->cap) {
        /* room for the state limit at once when it is moderate: malloc'd
         * pages are touched only as states arrive, and nothing is copied */
        int32_t nc = b->cap ? b->cap * 2
                   : (long long)b->max_states * b->ncls <= (1LL << 24) ? b->max_states + 1 : 256;
        b->off = rc_xrealloc(b->off, (size_t)nc * sizeof *b->off);
        b->len = rc_xrealloc(b->len, (size_t)nc * sizeof *b->len);
        b->shash = rc_xrealloc(b->shash, (size_t)nc * sizeof *b->shash);
        b->trans = rc_xrealloc(b->trans, (size_t)nc * (size_t)b->ncls * sizeof *b->trans);
        b->cap = nc;
    }
    b->pool = regrow(b->pool, &b->pool_cap, b->pool_n + n, sizeof *b->pool);
    if (n) memcpy(b->pool + b->pool_n, v, (size_t)n * sizeof *v);
    b->off[b->n] = b->pool_n;
    b->len[b->n] = n;
    b->shash[b->n] = h;
    b->pool_n += n;
    *id = b->n++;
    return true;
}

/* True when state s holds exactly the set v (n distinct elements). */
static bool same_set(dfa_builder *b, int32_t s, const int32_t *v, int32_t n, bool *stamped)
{
    if (b->len[s] != n) return false;
    /* a set reached again usually comes in the same order */
    if (n == 0 || memcmp(b->pool + b->off[s], v, (size_t)n * sizeof *v) == 0) return true;
    if (!*stamped) {
        if (++b->setgen == 0) {     /* wrapped: clear the stamps */
            memset(b->inset, 0, (size_t)b->nfa.n * sizeof *b->inset);
            b->setgen = 1;
        }
        for (int32_t i = 0; i < n; i++) b->inset[v[i]] = b->setgen;
        *stamped = true;
    }
    const int32_t *w = b->pool + b->off[s];
    for (int32_t i = 0; i < n; i++)
        if (b->inset[w[i]] != b->setgen) return false;
    return true;
}

/* The id of the non-start state with the set v (n distinct NFA states, in
 * any order), adding it if new.  The start state (0) is never in the table:
 * its closure crossed `^`, so even an equal set does not mean an equal state. */
static bool intern_state(dfa_builder *b, const int32_t *v, int32_t n, int32_t *id)
{
    if (2 * (b->n + 1) > b->hash_cap) {
        int32_t nc = b->hash_cap ? b->hash_cap * 2 : 1024;
        int32_t *h = RC_NEW_ARRAY(b->scratch, int32_t, nc);
        for (int32_t i = 0; i < nc; i++) h[i] = -1;
        for (int32_t s = 1; s < b->n; s++) {
            int32_t j = (int32_t)(b->shash[s] & (uint64_t)(nc - 1));
            while (h[j] >= 0) j = (j + 1) & (nc - 1);
            h[j] = s;
        }
        b->hash = h;
        b->hash_cap = nc;
    }
    uint64_t hv = set_hash(b, v, n);
    bool stamped = false;
    int32_t j = (int32_t)(hv & (uint64_t)(b->hash_cap - 1));
    for (; b->hash[j] >= 0; j = (j + 1) & (b->hash_cap - 1)) {
        int32_t s = b->hash[j];
        if (b->shash[s] == hv && same_set(b, s, v, n, &stamped)) {
            *id = s;
            return true;
        }
    }
    if (!new_state(b, v, n, hv, id)) return false;
    b->hash[j] = *id;
    return true;
}

/* ---- subset construction ------------------------------------------------ */

typedef struct buckets {
    int32_t *cnt, *start;   /* [ncls] */
    int32_t *v;             /* targets, grouped by class */
    size_t cap;
} buckets;

/* Group the byte successors of the consuming states in list by class. */
static void fill_buckets(dfa_builder *b, buckets *k, const int32_t *list, int32_t n)
{
    const rc_nfa_state *st = b->nfa.st;
    int32_t total = 0;
    memset(k->cnt, 0, (size_t)b->ncls * sizeof *k->cnt);
    for (int32_t i = 0; i < n; i++) {
        const rc_nfa_state *s = &st[list[i]];
        if (s->kind != RC_NFA_SET) continue;
        const uint16_t *c = b->cls_pool + b->set_cls_off[s->arg];
        for (int32_t j = 0; j < b->set_cls_len[s->arg]; j++) k->cnt[c[j]]++;
        total += b->set_cls_len[s->arg];
    }
    RC_GROW(b->scratch, k->v, total, &k->cap);     /* total elements (and one spare) */
    for (int32_t c = 0, at = 0; c < b->ncls; c++) { k->start[c] = at; at += k->cnt[c]; }
    memset(k->cnt, 0, (size_t)b->ncls * sizeof *k->cnt);
    for (int32_t i = 0; i < n; i++) {
        const rc_nfa_state *s = &st[list[i]];
        if (s->kind != RC_NFA_SET) continue;
        const uint16_t *c = b->cls_pool + b->set_cls_off[s->arg];
        for (int32_t j = 0; j < b->set_cls_len[s->arg]; j++)
            k->v[k->start[c[j]] + k->cnt[c[j]]++] = s->out;
    }
}

/* rec minus closure(R), back into rec. */
static void drop_r(dfa_builder *b)
{
    int32_t m = 0;
    for (int32_t i = 0; i < b->nrec; i++)
        if (!b->in_r[b->rec[i]]) b->rec[m++] = b->rec[i];
    b->nrec = m;
}

static bool build_subsets(dfa_builder *b)
{
    const rc_nfa *nfa = &b->nfa;
    int32_t N = nfa->n;
    b->mark = RC_NEW_ARRAY(b->scratch, uint32_t, N);
    b->in_r = RC_NEW_ARRAY(b->scratch, uint8_t, N);
    b->stack = RC_NEW_ARRAY(b->scratch, int32_t, 3 * (size_t)N + 16);
    b->rec = RC_NEW_ARRAY(b->scratch, int32_t, (size_t)N + 16);
    b->inset = RC_NEW_ARRAY(b->scratch, uint32_t, N);
    b->eh = RC_NEW_ARRAY(b->scratch, uint64_t, N);
    for (int32_t i = 0; i < N; i++) {
        uint64_t x = (uint64_t)(uint32_t)i * 0x9e3779b97f4a7c15ull + 0x632be59bd9b4e019ull;
        x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
        x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
        b->eh[i] = x ^ (x >> 31);
    }
    b->pool = regrow(b->pool, &b->pool_cap, 1024, sizeof *b->pool);
    buckets k = { RC_NEW_ARRAY(b->scratch, int32_t, b->ncls),
                  RC_NEW_ARRAY(b->scratch, int32_t, b->ncls), NULL, 0 };

    /* R: everything visited by the closure of the roots away from position 0 */
    b->gen++;
    b->nrec = 0;
    closure(b, nfa->roots, nfa->nroots, false, false);
    for (int32_t s = 0; s < N; s++) b->in_r[s] = b->mark[s] == b->gen;
    int32_t nr = b->nr = b->nrec;
    int32_t *r = b->r = RC_NEW_ARRAY(b->scratch, int32_t, nr + 1);
    memcpy(r, b->rec, (size_t)nr * sizeof *r);
    b->r_acc = RC_NEW_ARRAY(b->scratch, uint32_t, b->words + 1);
    b->r_end = RC_NEW_ARRAY(b->scratch, uint32_t, b->words + 1);
    list_masks(b, r, nr, false, b->r_acc, b->r_end);

    /* the start state: the closure at position 0 crosses `^` */
    b->gen++;
    b->nrec = 0;
    closure(b, nfa->roots, nfa->nroots, true, false);
    drop_r(b);
    int32_t id;
    if (!new_state(b, b->rec, b->nrec, set_hash(b, b->rec, b->nrec), &id)) return false;

    /* MR[c]: closure of R's move on class c, outside R */
    b->mr_off = RC_NEW_ARRAY(b->scratch, int32_t, b->ncls);
    b->mr_len = RC_NEW_ARRAY(b->scratch, int32_t, b->ncls);
    b->mr_target = RC_NEW_ARRAY(b->scratch, int32_t, b->ncls);
    int32_t mr_n = 0;
    size_t mr_cap = 256;
    /* non-NULL from the start: empty lists still point somewhere */
    b->mr_pool = RC_NEW_ARRAY(b->scratch, int32_t, mr_cap);
    k.cap = 256;
    k.v = RC_NEW_ARRAY(b->scratch, int32_t, k.cap);
    fill_buckets(b, &k, r, nr);
    for (int32_t c = 0; c < b->ncls; c++) {
        b->gen++;
        b->nrec = 0;
        closure(b, k.v + k.start[c], k.cnt[c], false, true);
        RC_GROW(b->scratch, b->mr_pool, mr_n + b->nrec, &mr_cap);
        if (b->nrec) memcpy(b->mr_pool + mr_n, b->rec, (size_t)b->nrec * sizeof *b->rec);
        b->mr_off[c] = mr_n;
        b->mr_len[c] = b->nrec;
        b->mr_target[c] = -1;
        mr_n += b->nrec;
    }

    for (int32_t i = 0; i < b->n; i++) {
        if (!spend(b, (long long)b->len[i] * 4 + b->ncls)) return fail_too_much_work(b->err);
        fill_buckets(b, &k, b->pool + b->off[i], b->len[i]);
        for (int32_t c = 0; c < b->ncls; c++) {
            const int32_t *mr = b->mr_pool + b->mr_off[c];
            if (k.cnt[c] == 0) {
                /* no live thread moves on c: only the restarted patterns do */
                if (b->mr_target[c] < 0 && !intern_state(b, mr, b->mr_len[c], &b->mr_target[c]))
                    return false;
                id = b->mr_target[c];
            } else {
                b->gen++;
                b->nrec = 0;
                closure(b, k.v + k.start[c], k.cnt[c], false, true);
                if (!spend(b, (long long)b->nrec + b->mr_len[c])) return fail_too_much_work(b->err);
                for (int32_t j = 0; j < b->mr_len[c]; j++)
                    if (b->mark[mr[j]] != b->gen) {
                        b->mark[mr[j]] = b->gen;
                        b->rec[b->nrec++] = mr[j];
                    }
                if (!intern_state(b, b->rec, b->nrec, &id)) return false;
            }
            b->trans[(size_t)i * (size_t)b->ncls + (size_t)c] = (uint32_t)id;
        }
    }
    return true;
}

/* ---- mask rows ---------------------------------------------------------- */

typedef struct rows {
    uint32_t *v;            /* [n * words] */
    size_t cap;
    int32_t n, words;
    int32_t *hash, hcap;
} rows;

static uint64_t row_hash(const uint32_t *r, int32_t words)
{
    uint64_t h = 5u;
    for (int32_t i = 0; i < words; i++) h = mix(h, r[i]);
    return h;
}

static uint32_t row_intern(rc_arena *a, rows *t, const uint32_t *r)
{
    size_t wb = (size_t)t->words * sizeof *r;
    if (2 * (t->n + 1) > t->hcap) {
        int32_t nc = t->hcap ? t->hcap * 2 : 64;
        t->hash = RC_NEW_ARRAY(a, int32_t, nc);
        for (int32_t i = 0; i < nc; i++) t->hash[i] = -1;
        for (int32_t i = 0; i < t->n; i++) {
            int32_t j = (int32_t)(row_hash(t->v + (size_t)i * (size_t)t->words, t->words) & (uint64_t)(nc - 1));
            while (t->hash[j] >= 0) j = (j + 1) & (nc - 1);
            t->hash[j] = i;
        }
        t->hcap = nc;
    }
    int32_t j = (int32_t)(row_hash(r, t->words) & (uint64_t)(t->hcap - 1));
    for (; t->hash[j] >= 0; j = (j + 1) & (t->hcap - 1))
        if (wb == 0 || memcmp(t->v + (size_t)t->hash[j] * (size_t)t->words, r, wb) == 0)
            return (uint32_t)t->hash[j];
    RC_GROW(a, t->v, (t->n + 1) * (t->words ? t->words : 1), &t->cap);
    if (wb) memcpy(t->v + (size_t)t->n * (size_t)t->words, r, wb);
    t->hash[j] = t->n;
    return (uint32_t)t->n++;
}

/* acc and acc_end rows of every subset state. */
static void state_rows(dfa_builder *b, rows *t, uint32_t *acc, uint32_t *end)
{
    size_t wb = (size_t)b->words * sizeof(uint32_t);
    uint32_t *ma = RC_NEW_ARRAY(b->scratch, uint32_t, b->words + 1);
    uint32_t *me = RC_NEW_ARRAY(b->scratch, uint32_t, b->words + 1);
    memset(ma, 0, wb);
    row_intern(b->scratch, t, ma);                 /* row 0: no pattern */
    for (int32_t s = 0; s < b->n; s++) {
        memcpy(ma, b->r_acc, wb);
        memcpy(me, b->r_end, wb);
        /* patterns matched here also hold if the text ends here */
        for (int32_t w = 0; w < b->words; w++) me[w] |= ma[w];
        list_masks(b, b->pool + b->off[s], b->len[s], s == 0, ma, me);
        /* at position 0, R's `$` edges may lead on across `^` */
        if (s == 0) list_masks(b, b->r, b->nr, true, ma, me);
        acc[s] = row_intern(b->scratch, t, ma);
        end[s] = row_intern(b->scratch, t, me);
    }
}

/* ---- minimisation ------------------------------------------------------- */

/* Moore refinement: blocks split by (block, block of each successor) until
 * the count stops growing.  Returns the number of blocks; blk holds them;
 * -1 past the work limit.  A state alone in its block stays alone, so it
 * takes the next block number without being hashed; the others are hashed
 * by a sum of per-class multiples (independent multiplies, no chain).  The
 * numbering (by first state) is that of a plain Moore round either way. */
static int32_t minimise(dfa_builder *b, const uint32_t *acc, const uint32_t *end, int32_t *blk)
{
    int32_t n = b->n, k = b->ncls;
    int32_t hcap = 16;
    while (hcap < 2 * n) hcap *= 2;
    int32_t *h = RC_NEW_ARRAY(b->scratch, int32_t, hcap);
    int32_t *nb = RC_NEW_ARRAY(b->scratch, int32_t, n);
    int32_t *rep = RC_NEW_ARRAY(b->scratch, int32_t, n);
    int32_t *size = RC_NEW_ARRAY(b->scratch, int32_t, n);
    uint64_t *kc = RC_NEW_ARRAY(b->scratch, uint64_t, k + 1);
    const uint32_t *t = b->trans;
    int32_t count = 0;
    for (int32_t c = 0; c <= k; c++) kc[c] = mix((uint64_t)c, 0x2545f4914f6cdd1dull) | 1u;

    /* initial partition by (acc row, acc_end row), numbered in state order */
    for (int32_t i = 0; i < hcap; i++) h[i] = -1;
    for (int32_t s = 0; s < n; s++) {
        int32_t j = (int32_t)(mix(acc[s], end[s]) & (uint64_t)(hcap - 1));
        for (; h[j] >= 0; j = (j + 1) & (hcap - 1))
            if (acc[rep[h[j]]] == acc[s] && end[rep[h[j]]] == end[s]) break;
        if (h[j] < 0) { h[j] = count; rep[count++] = s; }
        blk[s] = h[j];
    }
    for (;;) {
        int32_t nc = 0;
        if (!spend(b, (long long)n)) return -1;
        for (int32_t i = 0; i < hcap; i++) h[i] = -1;
        memset(size, 0, (size_t)count * sizeof *size);
        for (int32_t s = 0; s < n; s++) size[blk[s]]++;
        for (int32_t s = 0; s < n; s++) {
            if (size[blk[s]] == 1) { rep[nc] = s; nb[s] = nc++; continue; }
            const uint32_t *ts = t + (size_t)s * (size_t)k;
            uint64_t x = (uint64_t)(uint32_t)blk[s] * kc[k];
            for (int32_t c = 0; c < k; c++) x += (uint64_t)(uint32_t)blk[ts[c]] * kc[c];
            x ^= x >> 29;
            int32_t j = (int32_t)(x & (uint64_t)(hcap - 1));
            for (; h[j] >= 0; j = (j + 1) & (hcap - 1)) {
                int32_t r = rep[h[j]];
                const uint32_t *tr = t + (size_t)r * (size_t)k;
                if (blk[r] != blk[s]) continue;
                int32_t c = 0;
                while (c < k && blk[tr[c]] == blk[ts[c]]) c++;
                if (c == k) break;
            }
            if (h[j] < 0) { h[j] = nc; rep[nc++] = s; }
            nb[s] = h[j];
        }
        memcpy(blk, nb, (size_t)n * sizeof *blk);
        if (nc == count) return count;
        count = nc;
    }
}

/* ---- output ------------------------------------------------------------- */

/* Number the blocks breadth-first from the start state's and write the
 * tables, with mask rows renumbered in order of first use. */
static void emit(dfa_builder *b, rc_arena *a, const int32_t *blk, int32_t nblk,
                 const uint32_t *acc, const uint32_t *end, const rows *t, rc_dfa *out)
{
    int32_t k = b->ncls, w = b->words;
    int32_t *rep = RC_NEW_ARRAY(b->scratch, int32_t, nblk);
    int32_t *num = RC_NEW_ARRAY(b->scratch, int32_t, nblk);
    int32_t *order = RC_NEW_ARRAY(b->scratch, int32_t, nblk);
    for (int32_t i = 0; i < nblk; i++) num[i] = -1;
    for (int32_t s = b->n; s-- > 0;) rep[blk[s]] = s;
    int32_t nq = 0;
    num[blk[0]] = nq;
    order[nq++] = blk[0];
    for (int32_t q = 0; q < nq; q++) {
        const uint32_t *ts = b->trans + (size_t)rep[order[q]] * (size_t)k;
        for (int32_t c = 0; c < k; c++)
            if (num[blk[ts[c]]] < 0) { num[blk[ts[c]]] = nq; order[nq++] = blk[ts[c]]; }
    }
    /* every subset state is reachable, so nq == nblk */
    int32_t *rowmap = RC_NEW_ARRAY(b->scratch, int32_t, t->n);
    for (int32_t i = 1; i < t->n; i++) rowmap[i] = -1;
    int32_t nrows = 1;
    out->nstates = nq;
    out->nclasses = k;
    out->npatterns = b->npats;
    out->words = w;
    memcpy(out->classmap, b->cls, sizeof out->classmap);
    out->trans = RC_NEW_ARRAY(a, uint32_t, (size_t)nq * (size_t)k);
    out->acc = RC_NEW_ARRAY(a, uint32_t, nq);
    out->acc_end = RC_NEW_ARRAY(a, uint32_t, nq);
    for (int32_t q = 0; q < nq; q++) {
        int32_t s = rep[order[q]];
        const uint32_t *ts = b->trans + (size_t)s * (size_t)k;
        for (int32_t c = 0; c < k; c++)
            out->trans[(size_t)q * (size_t)k + (size_t)c] = (uint32_t)num[blk[ts[c]]];
        if (rowmap[acc[s]] < 0) rowmap[acc[s]] = nrows++;
        if (rowmap[end[s]] < 0) rowmap[end[s]] = nrows++;
        out->acc[q] = (uint32_t)rowmap[acc[s]];
        out->acc_end[q] = (uint32_t)rowmap[end[s]];
    }
    out->nmasks = nrows;
    out->masks = RC_NEW_ARRAY(a, uint32_t, (size_t)nrows * (size_t)w + 1);
    for (int32_t i = 1; i < t->n; i++)
        if (rowmap[i] > 0)
            memcpy(out->masks + (size_t)rowmap[i] * (size_t)w, t->v + (size_t)i * (size_t)w,
                   (size_t)w * sizeof *out->masks);
}

/* ---- public ------------------------------------------------------------- */

bool rc_dfa_check_regex(const char *re, size_t len, rc_dfa_error *err)
{
    return rc_regex_check(re, len, err);
}

static bool build(dfa_builder *b, rc_arena *a, const rc_dfa_pattern *pats, rc_dfa *out)
{
    rc_regex_nfa_init(&b->nfa, b->scratch);
    for (int p = 0; p < b->npats; p++) {
        int32_t m = rc_regex_match_state(&b->nfa, p);
        for (int i = 0; i < pats[p].nalts; i++) {
            const rc_dfa_alt *alt = &pats[p].alts[i];
            bool ok = alt->is_regex
                ? rc_regex_add_regex(&b->nfa, alt->text, alt->len, pats[p].icase, m, b->err)
                : rc_regex_add_literal(&b->nfa, alt->text, alt->len, pats[p].icase, m, b->err);
            if (!ok) {
                b->err->pattern = p;
                b->err->alt = i;
                return false;
            }
        }
    }
    compute_classes(b);
    if (!build_subsets(b)) return false;
    rows t = { NULL, 0, 0, b->words, NULL, 0 };
    uint32_t *acc = RC_NEW_ARRAY(b->scratch, uint32_t, b->n);
    uint32_t *end = RC_NEW_ARRAY(b->scratch, uint32_t, b->n);
    state_rows(b, &t, acc, end);
    int32_t *blk = RC_NEW_ARRAY(b->scratch, int32_t, b->n);
    int32_t nblk = minimise(b, acc, end, blk);
    if (nblk < 0) return fail_too_much_work(b->err);
    emit(b, a, blk, nblk, acc, end, &t, out);
    return true;
}

bool rc_dfa_build(rc_arena *a, const rc_dfa_pattern *pats, int npats,
                  int max_states, rc_dfa *out, rc_dfa_error *err)
{
    rc_arena scratch;
    dfa_builder b;
    memset(&b, 0, sizeof b);
    memset(err, 0, sizeof *err);
    err->pattern = -1;
    if (npats < 0) npats = 0;
    b.scratch = &scratch;
    b.npats = npats;
    b.words = (npats + 31) / 32;
    b.err = err;
    b.max_states = max_states > 0 ? max_states : RC_DFA_MAX_STATES;
    rc_arena_init(&scratch);
    bool ok = build(&b, a, pats, out);
    free(b.off);
    free(b.len);
    free(b.shash);
    free(b.trans);
    free(b.pool);
    rc_arena_free(&scratch);
    return ok;
}

void rc_dfa_scan(const rc_dfa *d, const char *text, size_t len, size_t limit, uint32_t *mask)
{
    size_t n = text == NULL ? 0 : len < limit ? len : limit;
    uint32_t s = 0;
    const uint32_t *row;
    for (int w = 0; w < d->words; w++) mask[w] = 0;
    row = d->masks + (size_t)d->acc[0] * (size_t)d->words;
    for (int w = 0; w < d->words; w++) mask[w] |= row[w];
    /* like the runtime scanners, which read C strings, stop at a NUL */
    for (size_t i = 0; i < n && text[i] != '\0'; i++) {
        s = d->trans[(size_t)s * (size_t)d->nclasses + d->classmap[(unsigned char)text[i]]];
        row = d->masks + (size_t)d->acc[s] * (size_t)d->words;
        for (int w = 0; w < d->words; w++) mask[w] |= row[w];
    }
    row = d->masks + (size_t)d->acc_end[s] * (size_t)d->words;
    for (int w = 0; w < d->words; w++) mask[w] |= row[w];
}
