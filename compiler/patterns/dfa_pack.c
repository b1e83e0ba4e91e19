/* dfa_pack.c - full DFA tables -> the compact forms (dfa_pack.h). */
#include "dfa_pack.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* The renumbered full table, before the rows are diffed. */
typedef struct pack_work {
    int ns, nc;
    int cls[257];           /* old class (256: NUL's own, when split off) -> new class */
    int *st;                /* [ns] old state -> new state */
    int *idnew;             /* [ns] new state -> id */
    uint32_t *trans;        /* [ns * nc] new state, new class -> new state */
} pack_work;

static bool accepts(const rc_dfa *d, int s)
{
    return d->acc[s] != 0u || d->acc_end[s] != 0u;
}

/* Classes on which the start state stays first; NUL's class (nulk, or -1
 * when NUL is outside the map) never among them. */
static int pack_classes(const rc_dfa *d, int nc, int nulk, int *cls)
{
    int k0 = 0, n = 0;
    for (int pass = 0; pass < 2; pass++) {
        for (int k = 0; k < nc; k++) {
            int col = k < d->nclasses ? k : d->classmap[0];
            bool stay = d->trans[col] == 0u && k != nulk;
            if (stay == (pass == 0)) cls[k] = n++;
        }
        if (pass == 0) k0 = n;
    }
    return k0;
}

/* The start state stays 0; states that accept nothing next; accepting
 * states last (all states count as accepting when the start state does).
 * Returns the first accepting state. */
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

/* The default row: the best of the first few rows (the start state's row,
 * which an unanchored search falls back to almost everywhere, usually wins). */
static int pack_defrow(const pack_work *w)
{
    long best = -1;
    int row = 0;
    for (int r = 0; r < w->ns && r < 8; r++) {
        const uint32_t *d = &w->trans[(size_t)r * (size_t)w->nc];
        long n = 0;
        for (int s = 0; s < w->ns; s++) {
            const uint32_t *t = &w->trans[(size_t)s * (size_t)w->nc];
            for (int k = 0; k < w->nc; k++) n += t[k] != d[k];
        }
        if (best < 0 || n < best) { best = n; row = r; }
    }
    return row;
}

long rc_dfapack_bytes(const rc_dfapack *p)
{
    long w = p->wide ? 2 : 1;
    long acc = (long)(p->nids - p->accfrom) * (p->same_end ? 1 : 2) * w;
    return (long)(p->hi - p->lo + 1) + w * p->nclasses + (1 + w) * (long)p->ncomb + acc;
}

int rc_dfapack_lists(const rc_dfa *d, uint16_t *pats, int cap, uint32_t *row_at)
{
    if (d->npatterns > (int)RC_DFAPACK_LAST) return -1;
    long n = 0;
    for (int r = 0; r < d->nmasks; r++) {
        const uint32_t *row = &d->masks[(size_t)r * (size_t)d->words];
        long start = n;
        for (int w = 0; w < d->words; w++)
            for (uint32_t x = row[w]; x != 0u; x &= x - 1u) {     /* set bits, lowest first */
                if (pats && n < cap) pats[n] = (uint16_t)(w * 32 + __builtin_ctz(x));
                n++;
            }
        if (row_at) row_at[r] = n > start ? (uint32_t)(start + 1) : 0u;
        if (pats && n > start && n <= cap) pats[n - 1] |= (uint16_t)RC_DFAPACK_LAST;
        if (n > RC_DFAPACK_MAXLIST + 1L) n = RC_DFAPACK_MAXLIST + 1L;   /* enough to say "too long" */
    }
    return (int)n;
}

long rc_dfapack_full_bytes(const rc_dfa *d)
{
    return 256L + 2L * ((long)d->nstates * d->nclasses + 2L * d->nstates);
}

/* Placement state: which ids and comb slots are taken.  nextid / nextslot
 * point at or below the next free id / slot (union-find style, with path
 * halving), so a search skips taken runs in near-constant time. */
typedef struct pack_place {
    uint8_t *idused;        /* [maxid + 1] */
    int *nextid;            /* [maxid + 2] */
    int *nextslot;          /* [RC_DFAPACK_MAXCOMB + 1] */
    int maxid, nids;
} pack_place;

static int next_free(int *nx, int x)
{
    while (nx[x] != x) {
        nx[x] = nx[nx[x]];
        x = nx[x];
    }
    return x;
}

/* The lowest id >= from that is free and whose exception slots (classes
 * exc[0..m), ascending) are free; -1 past maxid. */
static int place_row(pack_place *pl, const rc_dfapack *p, const int *exc, int m, int from)
{
    int b = next_free(pl->nextid, from);
    while (b <= pl->maxid) {
        int j = 0;
        while (j < m && p->chk[b + exc[j]] == 255) j++;
        if (j >= m) return b;
        /* no id below the next free slot of the exception that collided can
         * hold it: skip there */
        int x = next_free(pl->nextslot, b + exc[j]);
        if (x - exc[j] > pl->maxid) return -1;
        b = next_free(pl->nextid, x - exc[j]);
    }
    return -1;
}

/* Ids for the new states [first, last): rows with exceptions first (most
 * first), each at the lowest free id >= from whose slots are free, then the
 * rows without any at the lowest free ids.  Fills chk (class) and the
 * new-state targets in nxt (turned into ids later).  False when past maxid. */
static bool place_group(const pack_work *w, rc_dfapack *p, pack_place *pl, int first, int last,
                        int from, const uint32_t *def, int *order, int *cnt, int *exc)
{
    int n = 0;
    for (int s = first; s < last; s++) {
        const uint32_t *row = &w->trans[(size_t)s * (size_t)w->nc];
        cnt[s] = 0;
        for (int k = 0; k < w->nc; k++) cnt[s] += row[k] != def[k];
        order[n++] = s;
    }
    /* most exceptions first, stable: counting sort by count */
    int *tmp = malloc((size_t)(n + 1) * sizeof *tmp);
    int hist[258];
    memset(hist, 0, sizeof hist);
    for (int i = 0; i < n; i++) hist[w->nc - cnt[order[i]]]++;
    for (int c = 1; c <= w->nc; c++) hist[c] += hist[c - 1];
    for (int i = n; i-- > 0;) tmp[--hist[w->nc - cnt[order[i]]]] = order[i];
    memcpy(order, tmp, (size_t)n * sizeof *order);
    free(tmp);
    /* the last row placed with each set of exception classes (a cache by
     * hash): a row with the same set fits at no id below that one, since
     * every slot taken then is still taken */
    enum { SEEN = 4096 };
    int seen_s[SEEN], seen_b[SEEN];
    for (int i = 0; i < SEEN; i++) seen_s[i] = -1;
    for (int i = 0; i < n; i++) {
        int s = order[i], m = 0;
        const uint32_t *row = &w->trans[(size_t)s * (size_t)w->nc];
        uint64_t h = 0x9e3779b97f4a7c15ull;
        for (int k = 0; k < w->nc; k++)
            if (row[k] != def[k]) {
                exc[m++] = k;
                h = (h ^ (uint64_t)(unsigned)k) * 0xff51afd7ed558ccdull;
            }
        int slot = (int)((h ^ (h >> 32)) & (SEEN - 1)), start = from;
        if (seen_s[slot] >= 0 && seen_b[slot] > start) {
            const uint32_t *o = &w->trans[(size_t)seen_s[slot] * (size_t)w->nc];
            int k = 0;
            while (k < w->nc && (o[k] != def[k]) == (row[k] != def[k])) k++;
            if (k == w->nc) start = seen_b[slot];
        }
        int b = place_row(pl, p, exc, m, start);
        if (b < 0 || pl->idused[b]) return false;
        pl->idused[b] = 1;
        pl->nextid[b] = b + 1;
        w->idnew[s] = b;
        seen_s[slot] = s;
        seen_b[slot] = b;
        for (int j = 0; j < m; j++) {
            p->chk[b + exc[j]] = (uint8_t)exc[j];
            pl->nextslot[b + exc[j]] = b + exc[j] + 1;
            p->nxt[b + exc[j]] = (uint16_t)row[exc[j]];    /* a new state, for now */
        }
        p->nexc += m;
        if (b + 1 > pl->nids) pl->nids = b + 1;
    }
    return true;
}

bool rc_dfapack_build_as(const rc_dfa *d, bool wide, rc_dfapack *p)
{
    int maxid = wide ? RC_DFAPACK_MAXID : 255;
    if (d->nstates > maxid + 1 || d->nmasks > maxid + 1 || d->words > maxid) return false;
    /* the pattern lists, once: row_at turns mask rows into acc values below */
    uint32_t *row_at = malloc((size_t)d->nmasks * sizeof *row_at);
    if (!row_at) return false;
    int nlist = rc_dfapack_lists(d, p->pats, RC_DFAPACK_MAXLIST, row_at);
    if (nlist < 0 || nlist > (wide ? RC_DFAPACK_MAXLIST : 255)) {
        free(row_at);
        return false;
    }
    memset(p, 0, offsetof(rc_dfapack, chk));
    p->npats = nlist;
    p->wide = wide;
    p->nstates = d->nstates;
    /* the map's range and NUL's class */
    int nulk = -1;
    if (wide) {
        p->lo = 0;
        p->hi = 255;
        nulk = d->classmap[0];
    } else {
        p->cdef = d->classmap[255];
        bool any = false;
        for (int i = 0; i < 256; i++) {
            if (d->classmap[i] == p->cdef) continue;
            if (!any) p->lo = i;
            p->hi = i;
            any = true;
        }
        if (d->classmap[0] != p->cdef || !any) nulk = d->classmap[0];
    }
    int nc = d->nclasses;
    if (nulk >= 0 && (wide || d->trans[nulk] == 0u)) {
        /* 16-bit form: NUL ends the scan through the table, so it needs a
         * class of its own; 8-bit form: when NUL's class keeps the start
         * state, NUL gets one so that the other bytes stay skippable */
        int others = 0;
        for (int i = p->lo; i <= p->hi; i++) others += i != 0 && d->classmap[i] == nulk;
        if (!wide && p->cdef == nulk && (p->lo > 0 || p->hi < 255)) others++;
        if (others > 0) nulk = nc++;
    }
    if (nc > 255) return false;
    /* 16-bit form: the stop states NUL leads to, one per distinct mask row
     * that the end of the text adds (row 0 first: STOP) */
    int nstop = 0;
    int *stoprow = NULL;
    if (wide) {
        stoprow = malloc((size_t)(d->nstates + 1) * sizeof *stoprow);
        if (!stoprow) {
            free(row_at);
            return false;
        }
        stoprow[nstop++] = 0;
        for (int s = 0; s < d->nstates; s++) {
            if (d->acc_end[s] == d->acc[s] || d->acc_end[s] == 0u) continue;
            int r = 0;
            while (r < nstop && stoprow[r] != (int)d->acc_end[s]) r++;
            if (r == nstop) stoprow[nstop++] = (int)d->acc_end[s];
        }
    }
    pack_work w;
    int ns = d->nstates;
    w.ns = ns + nstop;
    w.nc = p->nclasses = nc;
    w.st = malloc((size_t)w.ns * sizeof *w.st);
    w.idnew = malloc((size_t)w.ns * sizeof *w.idnew);
    w.trans = malloc((size_t)w.ns * (size_t)nc * sizeof *w.trans);
    int *order = malloc((size_t)w.ns * sizeof *order);
    int *cnt = malloc((size_t)w.ns * sizeof *cnt);
    int exc[256];
    pack_place pl = { calloc((size_t)maxid + 1, 1), malloc(((size_t)maxid + 2) * sizeof(int)),
                      malloc(((size_t)RC_DFAPACK_MAXCOMB + 1) * sizeof(int)), maxid, 0 };
    bool ok = false;
    if (!w.st || !w.idnew || !w.trans || !order || !cnt || !pl.idused || !pl.nextid || !pl.nextslot) goto out;
    for (int i = 0; i <= maxid + 1; i++) pl.nextid[i] = i;
    for (int i = 0; i <= RC_DFAPACK_MAXCOMB; i++) pl.nextslot[i] = i;

    p->k0 = pack_classes(d, nc, nulk, w.cls);
    int accst = pack_states(d, w.st);
    for (int r = 0; r < nstop; r++) w.st[ns + r] = ns + r;
    if (!wide) p->cdef = w.cls[p->cdef];
    for (int i = p->lo; i <= p->hi; i++)
        p->map[i - p->lo] = (uint8_t)w.cls[(i == 0 && nulk >= d->nclasses) ? nulk : d->classmap[i]];
    for (int s = 0; s < ns; s++)
        for (int k = 0; k < nc; k++) {
            int col = k < d->nclasses ? k : d->classmap[0];
            uint32_t to = (uint32_t)w.st[d->trans[(size_t)s * (size_t)d->nclasses + (size_t)col]];
            if (wide && k == nulk) {
                int r = 0;
                if (d->acc_end[s] != d->acc[s] && d->acc_end[s] != 0u)
                    while (stoprow[r] != (int)d->acc_end[s]) r++;
                to = (uint32_t)(ns + r);
            }
            w.trans[(size_t)w.st[s] * (size_t)nc + (size_t)w.cls[k]] = to;
        }
    w.ns = ns;      /* the default row: of the states that step */
    int defrow = pack_defrow(&w);
    w.ns = ns + nstop;
    uint32_t def[256];
    memcpy(def, &w.trans[(size_t)defrow * (size_t)nc], (size_t)nc * sizeof *def);
    for (int r = 0; r < nstop; r++)     /* never stepped from */
        memcpy(&w.trans[(size_t)(ns + r) * (size_t)nc], def, (size_t)nc * sizeof *def);
    memset(p->chk, 255, sizeof p->chk);
    memset(p->nxt, 0, sizeof p->nxt);
    if (wide) {
        /* the states that accept nothing, the start state (accfrom), the
         * accepting states, the stop states (stopfrom) */
        if (accst > 1 && !place_group(&w, p, &pl, 1, accst, 0, def, order, cnt, exc)) goto out;
        if (!place_group(&w, p, &pl, 0, 1, pl.nids, def, order, cnt, exc)) goto out;
        p->accfrom = w.idnew[0];
        int a0 = accst == 0 ? 1 : accst;
        if (a0 < ns && !place_group(&w, p, &pl, a0, ns, p->accfrom + 1, def, order, cnt, exc)) goto out;
        p->ncomb = pl.nids - 1 + nc;
        p->stopfrom = pl.nids;
        if (!place_group(&w, p, &pl, ns, ns + nstop, pl.nids, def, order, cnt, exc)) goto out;
    } else {
        /* the start state at id 0, then the states that accept nothing, then the others */
        if (!place_group(&w, p, &pl, 0, 1, 0, def, order, cnt, exc)) goto out;
        if (accst > 1 && !place_group(&w, p, &pl, 1, accst, 1, def, order, cnt, exc)) goto out;
        p->accfrom = accst == 0 ? 0 : pl.nids;
        if (accst > 0 && accst < ns &&
            !place_group(&w, p, &pl, accst, ns, p->accfrom, def, order, cnt, exc)) goto out;
        if (accst == 0 && ns > 1 && !place_group(&w, p, &pl, 1, ns, 1, def, order, cnt, exc)) goto out;
        p->ncomb = pl.nids - 1 + nc;
        p->stopfrom = pl.nids;
    }
    p->nids = pl.nids;
    /* next states as ids */
    for (int x = 0; x < p->ncomb; x++)
        if (p->chk[x] != 255) p->nxt[x] = (uint16_t)w.idnew[p->nxt[x]];
    for (int k = 0; k < nc; k++) p->def[k] = (uint16_t)w.idnew[def[k]];
    for (int s = 0; s < ns; s++) p->id[s] = (uint16_t)w.idnew[w.st[s]];
    p->same_end = true;
    memset(p->acc, 0, (size_t)(p->nids - p->accfrom) * sizeof *p->acc);
    memset(p->acc_end, 0, (size_t)(p->nids - p->accfrom) * sizeof *p->acc_end);
    for (int s = 0; s < ns; s++) {
        int r = p->id[s] - p->accfrom;
        if (r < 0) continue;
        p->acc[r] = (uint16_t)row_at[d->acc[s]];
        p->acc_end[r] = (uint16_t)row_at[d->acc_end[s]];
        if (d->acc[s] != d->acc_end[s]) p->same_end = false;
    }
    for (int r = 0; r < nstop; r++) {
        int x = w.idnew[ns + r] - p->accfrom;
        p->acc[x] = p->acc_end[x] = (uint16_t)row_at[stoprow[r]];
    }
    ok = true;
out:
    free(row_at);
    free(stoprow);
    free(w.st);
    free(w.idnew);
    free(w.trans);
    free(order);
    free(cnt);
    free(pl.idused);
    free(pl.nextid);
    free(pl.nextslot);
    return ok;
}

bool rc_dfapack_build(const rc_dfa *d, rc_dfapack *p)
{
    long full = rc_dfapack_full_bytes(d);
    if (rc_dfapack_build_as(d, false, p) && rc_dfapack_bytes(p) <= RC_DFAPACK_SMALL &&
        rc_dfapack_bytes(p) < full)
        return true;
    if (rc_dfapack_build_as(d, true, p) && rc_dfapack_bytes(p) < full) return true;
    return rc_dfapack_build_as(d, false, p) && rc_dfapack_bytes(p) < full;
}
