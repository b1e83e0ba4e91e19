/* dfa_plan.c - see dfa_plan.h. */
#include "dfa_plan.h"
#include "dfa_pack.h"
#include "prefilter.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One tried run of patterns: its DFA lives in its own arena until the run
 * is chosen (then copied into the caller's) or beaten (then freed). */
typedef struct trial {
    rc_arena ar;
    rc_dfa dfa;
    int count;
    bool live;
} trial;

typedef struct planner {
    const rc_dfa_pattern *pats;
    int npats, budget;
    const int *idx;             /* the patterns of the kind being cut, in field order */
    int nidx;
    rc_dfa_pattern *buf;        /* [npats] the run */
    rc_dfa_error *err;
    int builds;
    bool failed;                /* a syntax error: stop */
    bool last_work;             /* the last build that did not fit hit the work limit */
} planner;

bool rc_dfa_plan_too_big(const rc_dfa_error *err)
{
    return !err->work && strncmp(err->message, "this pattern alone ", 19) == 0;
}

/* Build the DFA of patterns idx[first .. first + count) into t.  True when
 * it fits (within the budget, lists within 16-bit acc values); a syntax
 * error sets pl->failed (err numbered in the field). */
static bool try_run(planner *pl, int first, int count, trial *t)
{
    rc_dfa_error e;
    for (int i = 0; i < count; i++) pl->buf[i] = pl->pats[pl->idx[first + i]];
    rc_arena_init(&t->ar);
    t->live = true;
    t->count = count;
    pl->builds++;
    bool ok = rc_dfa_build(&t->ar, pl->buf, count, pl->budget, &t->dfa, &e);
    pl->last_work = !ok && e.work;
    if (ok) {
        int nlist = rc_dfapack_lists(&t->dfa, NULL, 0, NULL);
        ok = nlist >= 0 && nlist <= RC_DFAPACK_MAXLIST;
    } else if (e.pattern >= 0) {
        *pl->err = e;
        pl->err->pattern = pl->idx[first + e.pattern];
        pl->failed = true;
    }
    if (!ok) {
        rc_arena_free(&t->ar);
        t->live = false;
    }
    return ok;
}

static void drop(trial *t)
{
    if (t->live) rc_arena_free(&t->ar);
    t->live = false;
}

/* Keep the better of best and t (t fits). */
static void keep(trial *best, trial *t)
{
    drop(best);
    *best = *t;
    t->live = false;
}

static void copy_dfa(rc_arena *a, const rc_dfa *s, rc_dfa *d)
{
    *d = *s;
    size_t nt = (size_t)s->nstates * (size_t)s->nclasses;
    size_t nm = (size_t)s->nmasks * (size_t)s->words + 1;
    d->trans = RC_NEW_ARRAY(a, uint32_t, nt);
    d->acc = RC_NEW_ARRAY(a, uint32_t, s->nstates);
    d->acc_end = RC_NEW_ARRAY(a, uint32_t, s->nstates);
    d->masks = RC_NEW_ARRAY(a, uint32_t, nm);
    memcpy(d->trans, s->trans, nt * sizeof *d->trans);
    memcpy(d->acc, s->acc, (size_t)s->nstates * sizeof *d->acc);
    memcpy(d->acc_end, s->acc_end, (size_t)s->nstates * sizeof *d->acc_end);
    memcpy(d->masks, s->masks, nm * sizeof *d->masks);
}

/* A rough size of pattern i: the bytes of its alternatives (a literal's
 * bytes are about its states in a DFA of many literals). */
static long est(const rc_dfa_pattern *p)
{
    long n = 1;
    for (int i = 0; i < p->nalts; i++) n += (long)p->alts[i].len;
    return n;
}

/* The first guess for a run from `first`: the most patterns whose sizes,
 * scaled by states per size unit seen so far (permille), stay within the
 * budget. */
static int guess_run(const planner *pl, int first, long permille)
{
    long room = (long)pl->budget * 1000L, used = 0;
    int n = 0;
    while (first + n < pl->nidx) {
        used += est(&pl->pats[pl->idx[first + n]]) * permille;
        if (used > room && n > 0) break;
        n++;
    }
    return n;
}

/* The longest run from `first` (to within an eighth) that fits, starting
 * from the guess: grow or shrink by steps that double, then bisect.  0: the
 * pattern `first` alone does not fit (or a syntax error, pl->failed). */
static int longest_run(planner *pl, int first, int guess, trial *best)
{
    int rest = pl->nidx - first;
    int ok = 0, bad = rest + 1;        /* fits(ok) (0: none known), !fits(bad) */
    int s = guess < rest ? guess : rest;
    trial t;
    if (s < 1) s = 1;
    int step = s / 16 > 1 ? s / 16 : 1;
    if (try_run(pl, first, s, &t)) {
        ok = s;
        keep(best, &t);
        while (ok < rest) {
            s = ok + step < rest ? ok + step : rest;
            if (try_run(pl, first, s, &t)) { ok = s; keep(best, &t); step *= 2; }
            else if (pl->failed) return 0;
            else { bad = s; break; }
        }
    } else {
        if (pl->failed) return 0;
        bad = s;
        while (ok == 0) {
            if (bad == 1) return 0;
            s = bad - step > 1 ? bad - step : 1;
            if (try_run(pl, first, s, &t)) { ok = s; keep(best, &t); }
            else if (pl->failed) return 0;
            else { bad = s; step *= 2; }
        }
    }
    while (bad - ok > 1 && (bad - ok) * 8 > ok) {   /* bisect */
        s = ok + (bad - ok) / 2;
        if (try_run(pl, first, s, &t)) { ok = s; keep(best, &t); }
        else if (pl->failed) return 0;
        else bad = s;
    }
    return ok;
}

/* An unbounded repetition (`*`, `+`, `{n,}`) in one of p's regexes. */
static bool is_heavy(const rc_dfa_pattern *p)
{
    for (int a = 0; a < p->nalts; a++) {
        const rc_dfa_alt *al = &p->alts[a];
        if (!al->is_regex) continue;
        for (size_t i = 0; i < al->len; i++) {
            char c = al->text[i];
            if (c == '\\') { i++; continue; }
            if (c == '*' || c == '+') return true;
            if (c == ',' && i + 1 < al->len && al->text[i + 1] == '}') return true;
        }
    }
    return false;
}

bool rc_dfa_plan_build(rc_arena *a, const rc_dfa_pattern *pats, int npats, int budget,
                       rc_dfa_plan *out, rc_dfa_error *err)
{
    memset(out, 0, sizeof *out);
    memset(err, 0, sizeof *err);
    err->pattern = -1;
    if (npats < 0) npats = 0;
    if (budget <= 0) budget = RC_DFA_MAX_STATES;
    out->budget = budget;
    out->npatterns = npats;
    out->words = (npats + 31) / 32;
    if (npats == 0) {
        out->ngroups = 1;
        out->groups = RC_NEW_ARRAY(a, rc_dfa_group, 1);
        return rc_dfa_build(a, pats, 0, budget, &out->groups[0].dfa, err);
    }
    rc_arena scratch;
    rc_arena_init(&scratch);
    int *order = RC_NEW_ARRAY(&scratch, int, npats);
    int nplain = 0;
    for (int i = 0; i < npats; i++) if (!is_heavy(&pats[i])) order[nplain++] = i;
    for (int i = 0, k = nplain; i < npats; i++) if (is_heavy(&pats[i])) order[k++] = i;
    planner pl = { pats, npats, budget, order, npats, RC_NEW_ARRAY(&scratch, rc_dfa_pattern, npats), err, 0, false, false };
    size_t cap = 8;
    int n = 0;
    rc_dfa_group *g = RC_NEW_ARRAY(&scratch, rc_dfa_group, cap);
    bool ok = true;
    /* one set of all patterns first (the common case: it fits), else the
     * plain and the heavy patterns each cut on their own */
    trial best;
    memset(&best, 0, sizeof best);
    int whole = 0;
    long total = 0;
    for (int i = 0; i < npats; i++) total += est(&pats[i]);
    if (total <= 4L * budget) {     /* far larger sets do not fit: skip a costly failure */
        int *all = RC_NEW_ARRAY(&scratch, int, npats);
        for (int i = 0; i < npats; i++) all[i] = i;
        pl.idx = all;
        if (try_run(&pl, 0, npats, &best)) whole = npats;
        pl.idx = order;
        if (pl.failed) ok = false;
    }
    if (whole) {
        g[0].count = npats;
        g[0].pats = RC_NEW_ARRAY(a, int, npats);
        for (int i = 0; i < npats; i++) g[0].pats[i] = i;
        copy_dfa(a, &best.dfa, &g[0].dfa);
        drop(&best);
        n = 1;
    }
    for (int kind = 0; ok && !whole && kind < 2; kind++) {
        pl.idx = kind == 0 ? order : order + nplain;
        pl.nidx = kind == 0 ? nplain : npats - nplain;
        long permille = 1000;           /* DFA states per size unit (est), learnt from each group */
        for (int first = 0; first < pl.nidx;) {
            memset(&best, 0, sizeof best);
            int count = longest_run(&pl, first, guess_run(&pl, first, permille), &best);
            if (count == 0) {
                drop(&best);
                if (!pl.failed) {
                    err->pattern = pl.idx[first];
                    err->alt = 0;
                    err->offset = 0;
                    if (pl.last_work) {
                        err->work = true;
                        snprintf(err->message, sizeof err->message, "this pattern alone needs more than %lld steps "
                                 "to build (the pattern work limit)", (long long)RC_DFA_MAX_WORK);
                    } else {
                        snprintf(err->message, sizeof err->message,
                                 "this pattern alone needs more than %d DFA states", budget);
                    }
                }
                ok = false;
                break;
            }
            RC_GROW(&scratch, g, n, &cap);
            g[n].count = count;
            g[n].heavy = kind == 1;
            g[n].pats = RC_NEW_ARRAY(a, int, count);
            memcpy(g[n].pats, pl.idx + first, (size_t)count * sizeof *g[n].pats);
            copy_dfa(a, &best.dfa, &g[n].dfa);
            drop(&best);
            n++;
            long size = 0;
            for (int i = first; i < first + count; i++) size += est(&pats[pl.idx[i]]);
            permille = (long)g[n - 1].dfa.nstates * 1000L / (size > 0 ? size : 1);
            if (permille < 1) permille = 1;
            first += count;
        }
    }
    if (ok && pl.failed) ok = false;
    if (ok) {
        out->ngroups = n;
        out->groups = RC_NEW_ARRAY(a, rc_dfa_group, n);
        memcpy(out->groups, g, (size_t)n * sizeof *g);
        out->builds = pl.builds;
    }
    rc_arena_free(&scratch);
    return ok;
}

void rc_dfa_plan_scan(const rc_dfa_plan *p, const char *text, size_t len, size_t limit, uint32_t *mask)
{
    uint32_t part[64];
    for (int w = 0; w < p->words; w++) mask[w] = 0;
    for (int i = 0; i < p->ngroups; i++) {
        const rc_dfa_group *g = &p->groups[i];
        const rc_dfa *d = &g->dfa;
        uint32_t *m = d->words <= 64 ? part : malloc((size_t)d->words * sizeof *m);
        if (!m) abort();
        rc_dfa_scan(d, text, len, limit, m);
        for (int w = 0; w < d->words; w++)
            for (uint32_t x = m[w]; x != 0u; x &= x - 1u) {
                int f = g->pats[w * 32 + __builtin_ctz(x)];
                mask[f >> 5] |= 1u << (f & 31);
            }
        if (m != part) free(m);
    }
    if (p->pre) rc_pre_scan(p->pre, text, len, limit, mask);
}
