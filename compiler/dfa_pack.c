/* dfa_pack.c - full DFA tables -> the compact form (dfa_pack.h). */
#include "dfa_pack.h"

#include <string.h>

/* The renumbered full table, before the rows are diffed. */
typedef struct pack_work {
    int ns, nc;
    int cls[256];           /* old class -> new class */
    int st[256];            /* old state -> new state */
    uint8_t trans[255 * 255];
} pack_work;

static bool accepts(const rc_dfa *d, int s)
{
    return d->acc[s] != 0u || d->acc_end[s] != 0u;
}

/* Classes on which the start state stays first; NUL's class goes last
 * among the others when NUL is inside [lo, hi] (the skip loop relies on it). */
static int pack_classes(const rc_dfa *d, bool nul_in_range, int *cls)
{
    int k0 = 0, n = 0;
    for (int pass = 0; pass < 2; pass++) {
        for (int k = 0; k < d->nclasses; k++) {
            bool stay = d->trans[k] == 0u && !(nul_in_range && k == d->classmap[0]);
            if (stay == (pass == 0)) cls[k] = n++;
        }
        if (pass == 0) k0 = n;
    }
    return k0;
}

/* The start state stays 0; states that accept nothing next; accepting
 * states last (all states count as accepting when the start state does). */
static int pack_states(const rc_dfa *d, int *st)
{
    int n = 0;
    if (accepts(d, 0)) {
        for (int s = 0; s < d->nstates; s++) st[s] = s;
        return 0;
    }
    st[0] = n++;
    for (int s = 1; s < d->nstates; s++) if (!accepts(d, s)) st[s] = n++;
    int accfrom = n;
    for (int s = 1; s < d->nstates; s++) if (accepts(d, s)) st[s] = n++;
    return accfrom;
}

static int row_diff(const pack_work *w, int a, int b)
{
    int n = 0;
    for (int k = 0; k < w->nc; k++) n += w->trans[a * w->nc + k] != w->trans[b * w->nc + k];
    return n;
}

/* The default row: the best of the first few rows (the start state's row,
 * which an unanchored search falls back to almost everywhere, usually wins). */
static int pack_defrow(const pack_work *w, int *nexc)
{
    int best = -1, row = 0;
    for (int r = 0; r < w->ns && r < 8; r++) {
        int n = 0;
        for (int s = 0; s < w->ns; s++) n += row_diff(w, s, r);
        if (best < 0 || n < best) { best = n; row = r; }
    }
    *nexc = best;
    return row;
}

long rc_dfapack_bytes(const rc_dfapack *p)
{
    long acc = (long)(p->nstates - p->accfrom) * (p->same_end ? 1 : 2);
    return (long)(p->hi - p->lo + 1) + p->nclasses + p->nstates + 2L * p->ncomb + acc;
}

/* Row displacement: rows with the most exceptions first, each at the lowest
 * base where its exception slots are free.  False when a base passes 255. */
static bool pack_comb(const pack_work *w, rc_dfapack *p)
{
    int order[255], cnt[255], n = 0, top = 0;
    for (int s = 0; s < w->ns; s++) {
        cnt[s] = 0;
        for (int k = 0; k < w->nc; k++) cnt[s] += w->trans[s * w->nc + k] != p->def[k];
        if (cnt[s] > 0) order[n++] = s;
        p->base[s] = 0;
    }
    for (int a = 1; a < n; a++)                /* stable: most exceptions first */
        for (int b = a; b > 0 && cnt[order[b]] > cnt[order[b - 1]]; b--) {
            int x = order[b]; order[b] = order[b - 1]; order[b - 1] = x;
        }
    memset(p->chk, 255, sizeof p->chk);
    for (int r = 0; r < n; r++) {
        int s = order[r], b = 0;
        const uint8_t *row = &w->trans[s * w->nc];
        for (;; b++) {
            if (b > 255) return false;
            int k = 0;
            while (k < w->nc && (row[k] == p->def[k] || p->chk[b + k] == 255)) k++;
            if (k == w->nc) break;
        }
        p->base[s] = (uint8_t)b;
        for (int k = 0; k < w->nc; k++) {
            if (row[k] == p->def[k]) continue;
            p->chk[b + k] = (uint8_t)s;
            p->nxt[b + k] = row[k];
        }
        if (b + w->nc > top) top = b + w->nc;
    }
    if (w->nc > top) top = w->nc;              /* rows without exceptions probe [0, nc) */
    p->ncomb = top;
    for (int x = 0; x < top; x++) if (p->chk[x] == 255) p->nxt[x] = 0;
    return true;
}

bool rc_dfapack_build(const rc_dfa *d, rc_dfapack *p)
{
    static pack_work w;     /* 64 KiB: not on the stack; recovc is single-threaded */
    if (d->nstates > 255 || d->nclasses > 255 || d->nmasks > 256 || d->words > 255) return false;
    memset(p, 0, sizeof *p);
    w.ns = p->nstates = d->nstates;
    w.nc = p->nclasses = d->nclasses;
    p->cdef = d->classmap[255];
    bool any = false;
    for (int i = 0; i < 256; i++) {
        if (d->classmap[i] == p->cdef) continue;
        if (!any) p->lo = i;
        p->hi = i;
        any = true;
    }
    bool nul_in_range = d->classmap[0] != p->cdef || !any;
    p->k0 = pack_classes(d, nul_in_range, w.cls);
    p->accfrom = pack_states(d, w.st);
    p->cdef = w.cls[p->cdef];
    for (int i = p->lo; i <= p->hi; i++) p->map[i - p->lo] = (uint8_t)w.cls[d->classmap[i]];
    for (int s = 0; s < d->nstates; s++)
        for (int k = 0; k < d->nclasses; k++)
            w.trans[w.st[s] * w.nc + w.cls[k]] = (uint8_t)w.st[d->trans[s * d->nclasses + k]];
    int defrow = pack_defrow(&w, &p->nexc);
    memcpy(p->def, &w.trans[defrow * w.nc], (size_t)w.nc);
    if (!pack_comb(&w, p)) return false;
    p->same_end = true;
    for (int s = 0; s < d->nstates; s++) {
        int r = w.st[s] - p->accfrom;
        if (r < 0) continue;
        p->acc[r] = (uint8_t)d->acc[s];
        p->acc_end[r] = (uint8_t)d->acc_end[s];
        if (d->acc[s] != d->acc_end[s]) p->same_end = false;
    }
    long full = 256L + (long)d->nstates * d->nclasses + 2L * d->nstates;
    return rc_dfapack_bytes(p) < full;
}
