/* prefilter.c - see prefilter.h. */
#include "prefilter.h"
#include "dfa_pack.h"
#include "factor.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PRE_MAX_BRANCHES 4096
/* windows of one factor considered for its key: a 1,024-byte literal need
 * not put 1,021 of them in the count table */
#define PRE_MAX_WINDOWS 64
/* a key's last pair counts in its score when the branches are at most
 * PRE_PAIR_BRANCHES (a sparse pair filter, N = 100, 366 branches: 1,183 ->
 * 1,140 instructions a message); with more, sharing keys costs more than
 * the pair hits saved (N = 1,000, 3,260 branches: 2,019 without, 2,177
 * with; N = 10,000: 9,227 without, 9,266 with) */
#define PRE_PAIR_WEIGHT 4
#define PRE_PAIR_BRANCHES 1024

static uint32_t fold4(const char *s)
{
    uint32_t k = 0;
    for (int i = 0; i < RC_PRE_KEY; i++) k = (k << 8) | ((uint32_t)(unsigned char)s[i] | 0x20u);
    return k;
}

/* a short key: its top bytes 0, never those of a 4-byte key */
static uint32_t fold2(const char *s)
{
    return ((uint32_t)(unsigned char)s[0] | 0x20u) << 8 | ((uint32_t)(unsigned char)s[1] | 0x20u);
}

static uint32_t fold_key(const char *s, int klen)
{
    return klen == RC_PRE_KEY ? fold4(s) : fold2(s);
}

/* key -> count of branches holding it (open addressing, 2^bits slots). */
typedef struct keycount {
    uint32_t *key;
    int *count;
    int bits;
} keycount;

static int *kc_slot(keycount *kc, uint32_t k)
{
    uint32_t m = (1u << kc->bits) - 1u;
    for (uint32_t h = rc_pre_hash(k, kc->bits);; h = (h + 1u) & m) {
        if (kc->count[h] == 0) { kc->key[h] = k; return &kc->count[h]; }
        if (kc->key[h] == k) return &kc->count[h];
    }
}

/* One branch with a factor: the alternative it belongs to. */
typedef struct branch {
    int pat, alt;
    rc_fac f;
    bool literal;
    int off;                /* the chosen key's offset in f */
    const char *key;        /* regex: the chosen key's bytes (in f or one of f.more) */
    const rc_fac *kf;       /* regex: the factor it lies in */
    int rb;                 /* regex: the branch's number */
    int part;               /* regex: key 0 or 1 of the branch, 2: its only key */
    int klen;               /* RC_PRE_KEY, or RC_PRE_SHORT for a literal of 2 or 3 bytes */
} branch;

/* How often a window's bytes turn up in text, roughly (spaces and common
 * lowercase letters count most): a key that text holds often costs
 * confirmations. */
static int common(const char *s)
{
    int c = 0;
    for (int i = 0; i < RC_PRE_KEY; i++) {
        unsigned char b = (unsigned char)s[i];
        if (b >= 'A' && b <= 'Z') b = (unsigned char)(b + 32);
        if (b == ' ') c += 6;
        else if (b != '\0' && strchr("etaoinsrhl", b)) c += 3;
        else if (b >= 'a' && b <= 'z') c += 2;
        else c += 1;
    }
    return c;
}

/* c's other ASCII case when icase and c is a letter; else c */
static uint32_t other_case(unsigned char c, bool icase)
{
    if (icase && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) return (uint32_t)c ^ 0x20u;
    return c;
}

static uint32_t pair_of(const char *s)
{
    return ((uint32_t)(unsigned char)s[0] | 0x20u) << 8 | ((uint32_t)(unsigned char)s[1] | 0x20u);
}

/* An entry's place in the table: its bucket, then its key, then its
 * pattern, then its order in the field (br[]).  Inside a bucket the
 * entries of one key run in increasing pattern order, so a first-match
 * scan stops at the first above the lowest pattern found (spec/patterns.md,
 * "First match only"). */
typedef struct ent_order { uint32_t bucket, key; int pat, b; } ent_order;

static int ent_order_cmp(const void *x, const void *y)
{
    const ent_order *a = x, *b = y;
    if (a->bucket != b->bucket) return a->bucket < b->bucket ? -1 : 1;
    if (a->key != b->key) return a->key < b->key ? -1 : 1;
    if (a->pat != b->pat) return a->pat < b->pat ? -1 : 1;
    return (a->b > b->b) - (a->b < b->b);
}

static int ilog2(int x)
{
    int l = 0;
    while (x > 1) { x >>= 1; l++; }
    return l;
}

static bool has_nul(const char *s, size_t n)
{
    return memchr(s, '\0', n) != NULL;
}

long rc_pre_dfa_bytes(const rc_dfa *d)
{
    rc_dfapack *z = malloc(sizeof *z);
    long b;
    if (!z) abort();
    int nl = rc_dfapack_lists(d, NULL, 0, NULL);
    if (rc_dfapack_build(d, z)) b = rc_dfapack_bytes(z);
    else b = rc_dfapack_full_bytes(d);
    free(z);
    return b + 2L * (nl > 0 ? nl : 0);
}

bool rc_pre_build(rc_arena *a, const rc_dfa_pattern *pats, int npats, int budget,
                  rc_pre *out, rc_dfa_error *err)
{
    memset(out, 0, sizeof *out);
    memset(err, 0, sizeof *err);
    err->pattern = -1;
    rc_arena sc;
    rc_arena_init(&sc);
    bool ok = true;
    size_t cap = 64;
    int nb = 0;
    branch *br = RC_NEW_ARRAY(&sc, branch, cap);
    bool *keyed = RC_NEW_ARRAY(&sc, bool, npats > 0 ? npats : 1);
    rc_fac *fs = RC_NEW_ARRAY(&sc, rc_fac, PRE_MAX_BRANCHES);
    int *conf_of = RC_NEW_ARRAY(&sc, int, npats > 0 ? npats : 1);
    bool **exp = RC_NEW_ARRAY(&sc, bool *, npats > 0 ? npats : 1);   /* [pattern][alt] expanded */
    /* 1. factors; a pattern is keyed when every live branch has RC_PRE_KEY bytes */
    for (int i = 0; ok && i < npats; i++) {
        const rc_dfa_pattern *p = &pats[i];
        int first = nb;
        exp[i] = RC_NEW_ARRAY(&sc, bool, p->nalts > 0 ? p->nalts : 1);
        conf_of[i] = -1;
        /* pass 1 (a pattern pass 0 leaves unkeyed): factors of 2 or 3
         * bytes get a short key; a regex is not expanded there (its
         * expansions would share a short key: one confirmation DFA instead) */
        for (int pass = 0; pass < 2; pass++) {
        size_t minl = pass == 0 ? RC_PRE_KEY : RC_PRE_SHORT;
        keyed[i] = true;
        for (int j = 0; j < p->nalts; j++) {
            const rc_dfa_alt *al = &p->alts[j];
            int nf;
            if (al->is_regex) {
                if (!rc_dfa_check_regex(al->text, al->len, err)) {
                    err->pattern = i;
                    err->alt = j;
                    ok = false;
                    break;
                }
                /* a regex of a few literals is those literals (confirmed in place) */
                nf = pass == 0 ? rc_fac_expand(&sc, al->text, al->len, p->icase, fs, RC_PRE_EXPAND) : -1;
                int live = 0;
                for (int k = 0; k < nf; k++) {
                    if (fs[k].len < minl) { live = -1; break; }
                    if (has_nul(fs[k].bytes, fs[k].len)) continue;    /* never matches */
                    fs[live++] = fs[k];
                }
                if (nf > 0 && live >= 0) {
                    exp[i][j] = true;
                    nf = live;
                } else {
                    exp[i][j] = false;
                    nf = rc_fac_regex(&sc, al->text, al->len, fs, PRE_MAX_BRANCHES);
                    if (nf < 0) { keyed[i] = false; continue; }
                }
            } else {
                if (al->len == 0 || has_nul(al->text, al->len)) {
                    if (al->len == 0) keyed[i] = false;     /* rc_dfa_build reports it */
                    continue;                               /* never matches: no entry */
                }
                fs[0].bytes = al->text;
                fs[0].len = al->len;
                fs[0].more = NULL;
                fs[0].pre = 0;
                nf = 1;
            }
            for (int k = 0; k < nf; k++) {
                if (fs[k].len < minl) { keyed[i] = false; continue; }
                RC_GROW(&sc, br, nb, &cap);
                br[nb].pat = i;
                br[nb].alt = j;
                br[nb].f = fs[k];
                br[nb].literal = !al->is_regex || exp[i][j];
                br[nb].off = 0;
                br[nb].klen = fs[k].len < RC_PRE_KEY ? RC_PRE_SHORT : RC_PRE_KEY;
                nb++;
            }
        }
        if (!keyed[i]) nb = first;
        if (keyed[i] || !ok) break;
        }
    }
    /* 2. confirmation DFAs of the keyed patterns with regex alternatives */
    rc_dfa_alt *ralts = NULL;
    int nconf = 0;
    rc_pre_conf *conf = RC_NEW_ARRAY(a, rc_pre_conf, npats > 0 ? npats : 1);
    rc_dfa_pattern *ones = RC_NEW_ARRAY(&sc, rc_dfa_pattern, npats > 0 ? npats : 1);
    for (int i = 0; ok && i < npats; i++) {
        if (!keyed[i]) continue;
        const rc_dfa_pattern *p = &pats[i];
        int nr = 0;
        ralts = RC_NEW_ARRAY(a, rc_dfa_alt, p->nalts > 0 ? p->nalts : 1);
        for (int j = 0; j < p->nalts; j++) if (p->alts[j].is_regex && !exp[i][j]) ralts[nr++] = p->alts[j];
        if (nr == 0) continue;
        rc_dfa_pattern one = { ralts, nr, p->icase };
        rc_dfa_error e;
        if (!rc_dfa_build(a, &one, 1, budget, &conf[nconf].dfa, &e)) {
            if (e.pattern >= 0 && !e.work && strstr(e.message, "states") == NULL) {
                *err = e;
                err->pattern = i;
                ok = false;
                break;
            }
            keyed[i] = false;   /* too big alone: the residual plan reports or splits it */
            continue;
        }
        conf[nconf].npat = 1;
        conf[nconf].pats = RC_NEW_ARRAY(a, int, 1);
        conf[nconf].pats[0] = i;
        ones[nconf] = one;
        conf_of[i] = nconf++;
    }
    /* drop the branches of patterns no longer keyed */
    int nb2 = 0;
    for (int b = 0; b < nb; b++) if (keyed[br[b].pat]) br[nb2++] = br[b];
    nb = nb2;
    if (!ok) {
        rc_arena_free(&sc);
        return false;
    }
    /* 3. keys: the window of each factor shared by the fewest branches */
    keycount kc;
    kc.bits = 4;
    long nwin = 0;
    for (int b = 0; b < nb; b++)
        for (const rc_fac *f = &br[b].f; f; f = f->more)
            nwin += (long)(f->len - RC_PRE_KEY + 1 < PRE_MAX_WINDOWS ? f->len - RC_PRE_KEY + 1 : PRE_MAX_WINDOWS);
    while ((1L << kc.bits) < 2 * nwin + 2) kc.bits++;
    kc.key = RC_NEW_ARRAY(&sc, uint32_t, (size_t)1 << kc.bits);
    kc.count = RC_NEW_ARRAY(&sc, int, (size_t)1 << kc.bits);
    for (int b = 0; b < nb; b++)
        for (const rc_fac *f = &br[b].f; f; f = f->more)
            for (size_t w = 0; w + RC_PRE_KEY <= f->len && w < PRE_MAX_WINDOWS; w++) (*kc_slot(&kc, fold4(f->bytes + w)))++;
    /* how often each folded byte pair occurs in the factors: texts hold the
     * pairs their patterns hold, and a key's last pair indexes the pair filter */
    int *pc = RC_NEW_ARRAY(&sc, int, 65536);
    for (int b = 0; b < nb; b++)
        for (const rc_fac *f = &br[b].f; f; f = f->more)
            for (size_t w = 0; w + 2 <= f->len && w < PRE_MAX_WINDOWS; w++) pc[pair_of(f->bytes + w)]++;
    for (int b = 0; b < nb; b++) {
        int best = -1, bc = 0;
        for (const rc_fac *f = &br[b].f; f; f = f->more)
            for (size_t w = 0; w + RC_PRE_KEY <= f->len && w < PRE_MAX_WINDOWS; w++) {
                int c = common(f->bytes + w) + 4 * *kc_slot(&kc, fold4(f->bytes + w)) +
                        (nb <= PRE_PAIR_BRANCHES ? PRE_PAIR_WEIGHT * ilog2(pc[pair_of(f->bytes + w + RC_PRE_KEY - 2)]) : 0);
                if (best < 0 || c < bc) {
                    best = f == &br[b].f ? (int)w : 0;
                    br[b].key = f->bytes + w;
                    br[b].kf = f;
                    bc = c;
                }
            }
        br[b].off = best;
        br[b].part = 2;
    }
    /* short keys: the 2-byte window shared by the fewest short literals */
    {
        int *sc2 = RC_NEW_ARRAY(&sc, int, 65536);
        for (int b = 0; b < nb; b++)
            if (br[b].klen == RC_PRE_SHORT)
                for (const rc_fac *f = &br[b].f; f; f = f->more)
                    for (size_t w = 0; w + RC_PRE_SHORT <= f->len && w < PRE_MAX_WINDOWS; w++) sc2[fold2(f->bytes + w)]++;
        for (int b = 0; b < nb; b++) {
            if (br[b].klen != RC_PRE_SHORT) continue;
            br[b].key = NULL;
            for (const rc_fac *f = &br[b].f; f; f = f->more)
                for (size_t w = 0; w + RC_PRE_SHORT <= f->len && w < PRE_MAX_WINDOWS; w++)
                    if (br[b].key == NULL || sc2[fold2(f->bytes + w)] < sc2[fold2(br[b].key)]) {
                        br[b].off = f == &br[b].f ? (int)w : 0;
                        br[b].key = f->bytes + w;
                        br[b].kf = f;
                    }
        }
    }
    /* confirmations of patterns whose first regex branches share a key:
     * one DFA (when it stays within the budget) */
    int *unit_of = RC_NEW_ARRAY(&sc, int, nconf > 0 ? nconf : 1);
    rc_pre_conf *units = RC_NEW_ARRAY(a, rc_pre_conf, nconf > 0 ? nconf : 1);
    int nunits = 0;
    {
        uint32_t *ukey = RC_NEW_ARRAY(&sc, uint32_t, nconf > 0 ? nconf : 1);
        int *first_b = RC_NEW_ARRAY(&sc, int, nconf > 0 ? nconf : 1);
        for (int c = 0; c < nconf; c++) first_b[c] = -1;
        for (int b = 0; b < nb; b++) {
            int c = br[b].literal ? -1 : conf_of[br[b].pat];
            if (c >= 0 && first_b[c] < 0) first_b[c] = b;
        }
        int *members = RC_NEW_ARRAY(&sc, int, nconf > 0 ? nconf : 1);
        bool *done = RC_NEW_ARRAY(&sc, bool, nconf > 0 ? nconf : 1);
        for (int c = 0; c < nconf; c++)
            ukey[c] = first_b[c] >= 0 ? fold_key(br[first_b[c]].key, br[first_b[c]].klen) : 0u;
        for (int c = 0; c < nconf; c++) {
            if (done[c]) continue;
            int m = 0;
            for (int d = c; d < nconf && m < RC_PRE_GROUP; d++)
                if (!done[d] && ukey[d] == ukey[c] && (first_b[d] >= 0) == (first_b[c] >= 0)) members[m++] = d;
            rc_dfa dfa;
            bool grouped = false;
            if (m > 1) {
                rc_dfa_pattern *gp = RC_NEW_ARRAY(&sc, rc_dfa_pattern, m);
                for (int k = 0; k < m; k++) gp[k] = ones[members[k]];
                rc_dfa_error e;
                grouped = rc_dfa_build(a, gp, m, budget, &dfa, &e);
            }
            if (!grouped) m = 1;
            rc_pre_conf *u = &units[nunits];
            u->npat = m;
            u->pats = RC_NEW_ARRAY(a, int, m);
            for (int k = 0; k < m; k++) {
                u->pats[k] = conf[members[k]].pats[0];
                unit_of[members[k]] = nunits;
                done[members[k]] = true;
            }
            u->dfa = grouped ? dfa : conf[c].dfa;
            nunits++;
        }
    }
    /* a regex branch with another factor gets a second key there: both
     * must be seen before its DFA runs (every match holds both factors) */
    int nrb = 0, n2 = nb;
    for (int b = 0; b < nb; b++) if (!br[b].literal) n2++;
    branch *b2 = RC_NEW_ARRAY(&sc, branch, n2 > 0 ? n2 : 1);
    int *rb_unit = RC_NEW_ARRAY(&sc, int, n2 > 0 ? n2 : 1);
    out->reach = RC_NEW_ARRAY(a, int, n2 > 0 ? n2 : 1);
    n2 = 0;
    for (int b = 0; b < nb; b++) {
        b2[n2] = br[b];
        if (br[b].literal) { n2++; continue; }
        rb_unit[nrb] = unit_of[conf_of[br[b].pat]];
        b2[n2].rb = nrb;
        /* key 0 lies in factor kf, which starts at most kf->pre bytes into a match */
        out->reach[nrb] = br[b].kf->pre < 0 ? -1
                        : (int)br[b].kf->pre + (int)(br[b].key - br[b].kf->bytes) + br[b].klen;
        const char *k2 = NULL;
        int bc = 0;
        for (const rc_fac *f = &br[b].f; f; f = f->more) {
            if (f == br[b].kf) continue;
            for (size_t w = 0; w + RC_PRE_KEY <= f->len && w < PRE_MAX_WINDOWS; w++) {
                int sc2 = common(f->bytes + w) + 4 * *kc_slot(&kc, fold4(f->bytes + w));
                if (k2 == NULL || sc2 < bc) { k2 = f->bytes + w; bc = sc2; }
            }
        }
        if (k2 && br[b].klen == RC_PRE_KEY && fold4(k2) != fold4(br[b].key)) {
            b2[n2].part = 0;
            b2[n2 + 1] = b2[n2];
            b2[n2 + 1].part = 1;
            b2[n2 + 1].key = k2;
            n2++;
        }
        n2++;
        nrb++;
    }
    for (int r = 0; r < nrb; r++) units[rb_unit[r]].nrb++;
    for (int u = 0; u < nunits; u++) {
        units[u].rbs = RC_NEW_ARRAY(a, int, units[u].nrb > 0 ? units[u].nrb : 1);
        units[u].nrb = 0;
    }
    for (int r = 0; r < nrb; r++) units[rb_unit[r]].rbs[units[rb_unit[r]].nrb++] = r;
    /* a DFA with a `^` must see the text from its start */
    for (int u = 0; u < nunits; u++) {
        bool caret = false;
        for (int k = 0; k < units[u].npat; k++) {
            const rc_dfa_pattern *pp = &pats[units[u].pats[k]];
            for (int j = 0; j < pp->nalts; j++)
                if (pp->alts[j].is_regex && memchr(pp->alts[j].text, '^', pp->alts[j].len)) caret = true;
        }
        if (caret)
            for (int q = 0; q < units[u].nrb; q++) out->reach[units[u].rbs[q]] = -1;
    }
    conf = units;
    nconf = nunits;
    br = b2;
    nb = n2;
    /* 4. the table: entries sorted by bucket */
    out->bbits = 1;
    while ((1 << out->bbits) < nb) out->bbits++;
    out->fbits = out->bbits + 4;
    if (out->fbits < 12) out->fbits = 12;
    if (out->fbits > 16) out->fbits = 16;
    if (out->bbits > out->fbits) out->bbits = out->fbits;
    int nbk = 1 << out->bbits;
    out->filter = RC_NEW_ARRAY(a, uint8_t, ((size_t)1 << out->fbits) / 8);
    out->pair = RC_NEW_ARRAY(a, uint8_t, RC_PRE_PAIR_BYTES);
    out->pair2 = RC_NEW_ARRAY(a, uint8_t, RC_PRE_PAIR_BYTES);
    for (size_t x = 0; x < 256u; x++) out->pair[x << 5] = 1u;         /* (x, NUL): stop */
    out->start = RC_NEW_ARRAY(a, int, (size_t)nbk + 1);
    out->e = RC_NEW_ARRAY(a, rc_pre_entry, nb > 0 ? nb : 1);
    out->nentries = nb;
    long pool = 0;
    for (int b = 0; b < nb; b++) if (br[b].literal) pool += (long)br[b].f.len;
    out->pool = RC_NEW_ARRAY(a, char, pool > 0 ? pool : 1);
    ent_order *ord = RC_NEW_ARRAY(&sc, ent_order, nb > 0 ? nb : 1);
    for (int b = 0; b < nb; b++) {
        uint32_t k = fold_key(br[b].key, br[b].klen);
        uint32_t h = rc_pre_hash(k, out->fbits);
        out->filter[h >> 3] = (uint8_t)(out->filter[h >> 3] | (1u << (h & 7u)));
        /* the raw pairs that can end this entry's match: the key's own
         * last two bytes, and under ~i each letter's other case too */
        int kl = br[b].klen;
        unsigned char p0 = (unsigned char)br[b].key[kl - 2], p1 = (unsigned char)br[b].key[kl - 1];
        bool ic = pats[br[b].pat].icase;
        uint8_t *pr = kl == RC_PRE_KEY ? out->pair : out->pair2;
        for (uint32_t v = 0; v < 4u; v++) {
            uint32_t x = (v & 1u) ? other_case(p0, ic) : p0, y = (v & 2u) ? other_case(p1, ic) : p1;
            uint32_t q = x << 8 | y;
            pr[q >> 3] = (uint8_t)(pr[q >> 3] | (1u << (q & 7u)));
        }
        if (kl != RC_PRE_KEY) out->nshort++;
        ord[b] = (ent_order){ h >> (out->fbits - out->bbits), k, br[b].pat, b };
        out->start[ord[b].bucket + 1]++;
    }
    for (int x = 0; x < nbk; x++) out->start[x + 1] += out->start[x];
    if (nb > 1) qsort(ord, (size_t)nb, sizeof *ord, ent_order_cmp);
    for (int x = 0; x < nb; x++) {
        int b = ord[x].b;
        rc_pre_entry *e = &out->e[x];
        e->key = ord[x].key;
        e->klen = br[b].klen;
        e->pat = br[b].pat;
        e->conf = br[b].literal ? -1 : br[b].rb;
        e->part = br[b].part;
        e->icase = pats[br[b].pat].icase;
        e->off = br[b].off;
        e->len = (int)br[b].f.len;
        e->lit = 0;
        if (br[b].literal) {
            e->lit = out->npool;
            memcpy(out->pool + out->npool, br[b].f.bytes, br[b].f.len);
            out->npool += (int)br[b].f.len;
        }
    }
    /* distinct keys: a bucket's entries run by key */
    for (int x = 0; x < nb; x++)
        if (x == 0 || ord[x].bucket != ord[x - 1].bucket || ord[x].key != ord[x - 1].key) out->nkeys++;
    out->conf = conf;
    out->nconf = nconf;
    out->nrb = nrb;
    out->residual = RC_NEW_ARRAY(a, int, npats > 0 ? npats : 1);
    for (int i = 0; i < npats; i++) {
        if (keyed[i]) out->nkeyed++;
        else out->residual[out->nresidual++] = i;
    }
    rc_arena_free(&sc);
    return true;
}

static unsigned char lower(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

/* The entries of key k (folded) ending at byte `end` of a text of n bytes
 * read: a literal entry confirmed in place sets its pattern in mask; a
 * regex entry marks its branch's key in cb (key 0) or cb + cw (key 1). */
static void probe(const rc_pre *p, uint32_t k, const char *text, size_t end, size_t n, uint32_t *mask,
                  uint32_t *cb, int cw, size_t *first)
{
    uint32_t h = rc_pre_hash(k, p->fbits);
    if (!(((uint32_t)p->filter[h >> 3] >> (h & 7u)) & 1u)) return;
    uint32_t b = h >> (p->fbits - p->bbits);
    for (int x = p->start[b]; x < p->start[b + 1]; x++) {
        const rc_pre_entry *e = &p->e[x];
        if (e->key != k) continue;
        if (e->conf >= 0) {
            if (e->part != 1 && !((cb[e->conf >> 5] >> (e->conf & 31)) & 1u)) first[e->conf] = end;
            if (e->part != 1) cb[e->conf >> 5] |= 1u << (e->conf & 31);
            if (e->part != 0) cb[cw + (e->conf >> 5)] |= 1u << (e->conf & 31);
            continue;
        }
        /* the key ends at `end`; the literal starts off bytes before the key */
        size_t back = (size_t)e->off + (size_t)e->klen;
        if (end < back) continue;
        size_t s = end - back;
        if (s + (size_t)e->len > n) continue;
        const unsigned char *l = (const unsigned char *)p->pool + e->lit;
        const unsigned char *t = (const unsigned char *)text + s;
        int j = 0;
        if (e->icase) while (j < e->len && lower(t[j]) == lower(l[j])) j++;
        else while (j < e->len && t[j] == l[j]) j++;
        if (j == e->len) mask[e->pat >> 5] |= 1u << (e->pat & 31);
    }
}

void rc_pre_scan(const rc_pre *p, const char *text, size_t len, size_t limit, uint32_t *mask)
{
    size_t n = text == NULL ? 0 : len < limit ? len : limit;
    /* per regex branch: its key 0 seen (cb), its key 1 seen (cb + cw) */
    int cw = (p->nrb + 31) / 32;
    uint32_t *cb = calloc((size_t)(2 * cw + 1), sizeof *cb);
    size_t *first = calloc((size_t)p->nrb + 1, sizeof *first);     /* where key 0 first ended */
    if (!cb || !first) abort();
    uint32_t raw = 0;
    size_t i;
    for (i = 0; i < n; i++) {
        raw = (raw << 8) | (uint32_t)(unsigned char)text[i];
        uint32_t q = raw & 0xFFFFu;
        bool two = ((uint32_t)p->pair2[q >> 3] >> (q & 7u)) & 1u;
        if (!(((uint32_t)p->pair[q >> 3] >> (q & 7u)) & 1u) && !two) continue;
        if (text[i] == '\0') break;
        /* the short keys ending here (pair2), then the 4-byte ones */
        for (int kl = two ? RC_PRE_SHORT : RC_PRE_KEY; kl <= RC_PRE_KEY; kl += RC_PRE_KEY - RC_PRE_SHORT)
            probe(p, kl == RC_PRE_KEY ? raw | 0x20202020u : q | 0x2020u, text, i + 1, n, mask, cb, cw, first);
    }
    for (int c = 0; c < p->nconf; c++) {
        const rc_pre_conf *u = &p->conf[c];
        bool any = false;
        size_t st = n;          /* the earliest start a candidate branch allows */
        for (int q = 0; q < u->nrb; q++) {
            int r = u->rbs[q];
            if (!((cb[r >> 5] >> (r & 31)) & (cb[cw + (r >> 5)] >> (r & 31)) & 1u)) continue;
            any = true;
            size_t s0 = p->reach[r] < 0 || first[r] < (size_t)p->reach[r] ? 0 : first[r] - (size_t)p->reach[r];
            if (s0 < st) st = s0;
        }
        if (!any) continue;
        uint32_t *one = calloc((size_t)u->dfa.words + 1, sizeof *one);
        if (!one) abort();
        rc_dfa_scan(&u->dfa, text + st, len - st, limit - st, one);
        for (int j = 0; j < u->npat; j++)
            if ((one[j >> 5] >> (j & 31)) & 1u) mask[u->pats[j] >> 5] |= 1u << (u->pats[j] & 31);
        free(one);
    }
    free(cb);
    free(first);
}

long rc_pre_bytes(const rc_pre *p)
{
    long b = 1L << p->fbits;       /* the generated filter holds a byte a bit */
    b += 8L * RC_PRE_PAIR_BYTES;   /* so does the pair filter */
    b += ((1L << p->bbits) + 1) * (p->nentries < 65536 ? 2 : 4);
    b += 4L * RC_PRE_ENTRY_WORDS * p->nentries + p->npool;
    for (int c = 0; c < p->nconf; c++) b += rc_pre_dfa_bytes(&p->conf[c].dfa);
    if (p->nconf > 0) {
        /* the dispatch: a pointer (8 bytes assumed) and kind, pattern and
         * branch entries per confirmation, the branch lists when some
         * confirmation has several, the de Bruijn table, the initial
         * key-1 words, the start slots */
        bool multi = false;
        for (int c = 0; c < p->nconf; c++) if (p->conf[c].nrb > 1) multi = true;
        b += (8L + 2 + 2) * p->nconf + 2L * p->nrb + 32 + 4L * ((p->nrb + 31) / 32);
        b += 2L * p->nrb;                   /* each branch's start slot */
        if (multi) b += 2L * (p->nconf + 1) + 2L * p->nrb;
    }
    return b;
}
