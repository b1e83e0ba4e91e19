/* emit_pre.c - the literal prefilter of a text field as generated C
 * (compiler/patterns/prefilter.h; spec/patterns.md, "Plans").  The
 * scanner is C99, freestanding, with no recursion and no unaligned loads:
 * the key is rolled in one byte at a time, exactly as rc_pre_scan does. */
#include "emit_int.h"
#include "prefilter.h"

#include <stdio.h>
#include <stdlib.h>

/* pair bits set (NULs' aside) up to which the scan takes PRE_UNROLL bytes a step */
#define PRE_UNROLL_PAIRS 512
#define PRE_UNROLL 4

/* The walk of bucket h >> (fbits - bbits) for the entries of key k, whose
 * keys are klen bytes long and end at byte i. */
static void pre_walk(em *e, int t, const rc_pre *p, int cw, int klen)
{
    rc_cout *o = &e->oc;
    const char *P = e->P;
    rc_cout_line(o, "uint32_t x, end = %s__t%db[(h >> %du) + 1u];", P, t, p->fbits - p->bbits);
    rc_cout_open(o, "for (x = %s__t%db[h >> %du]; x < end; x++) {", P, t, p->fbits - p->bbits);
    rc_cout_line(o, "const uint32_t *en = &%s__t%de[4u * x];", P, t);
    rc_cout_line(o, "uint32_t pat = en[1] & 0xFFFFu;");
    rc_cout_open(o, "if (en[0] != k) {");
    rc_cout_line(o, "continue;");
    rc_cout_close(o, "}");
    rc_cout_open(o, "if ((en[1] & 0x10000u) != 0u) {");
    if (cw > 0) {
        rc_cout_line(o, "cand[en[2] >> 5] |= ((en[1] >> 18) & 1u) << (en[2] & 31u);");
        rc_cout_line(o, "cand[%du + (en[2] >> 5)] |= ((en[1] >> 19) & 1u) << (en[2] & 31u);", cw);
    }
    rc_cout_line(o, "continue;");
    rc_cout_close(o, "}");
    if (p->npool > 0) {
        rc_cout_open(o, "{");
        rc_cout_line(o, "size_t back = (size_t)(en[3] & 0xFFFFu) + %du, len = (size_t)(en[3] >> 16), j = 0u, st;", klen);
        rc_cout_line(o, "const uint8_t *l = &%s__t%ds[en[2]];", P, t);
        rc_cout_open(o, "if (i + 1u < back) {");
        rc_cout_line(o, "continue;");
        rc_cout_close(o, "}");
        rc_cout_line(o, "st = i + 1u - back;");
        rc_cout_comment(o, "the literal lies within the limit; a NUL ends the compare (no literal holds one)");
        rc_cout_open(o, "if (st + len > limit) {");
        rc_cout_line(o, "continue;");
        rc_cout_close(o, "}");
        rc_cout_open(o, "if ((en[1] & 0x20000u) != 0u) {");
        rc_cout_open(o, "for (; j < len; j++) {");
        rc_cout_line(o, "uint32_t a = s[st + j], c = l[j];");
        rc_cout_line(o, "a = (a - 65u < 26u) ? (a | 0x20u) : a;");
        rc_cout_line(o, "c = (c - 65u < 26u) ? (c | 0x20u) : c;");
        rc_cout_open(o, "if (a != c) {");
        rc_cout_line(o, "break;");
        rc_cout_close(o, "}");
        rc_cout_close(o, "}");
        rc_cout_reopen(o, "} else {");
        rc_cout_open(o, "while (j < len && s[st + j] == l[j]) {");
        rc_cout_line(o, "j++;");
        rc_cout_close(o, "}");
        rc_cout_close(o, "}");
        rc_cout_open(o, "if (j == len) {");
        rc_cout_line(o, "m[pat >> 5] |= 1u << (pat & 31u);");
        rc_cout_close(o, "}");
        rc_cout_close(o, "}");
    } else {
        rc_cout_line(o, "(void)pat;");
    }
    rc_cout_close(o, "}");
}

/* One text byte at i: roll it into raw; on a pair hit stop at a NUL
 * (break; with past, i = n first to skip the tail loop) or look the
 * folded key up. */
/* Opens the block run on a hit of filter test `tab` (P__t<t><tab>): after
 * the scan's end (past) an if; inside the loop a miss continues (gcc lays
 * that loop out better: N = 10,000: 9,227 -> 9,114 instructions a message). */
static void hit_guard(rc_cout *o, bool past, const char *P, int t, const char *tab)
{
    if (past) {
        rc_cout_open(o, "if (%s__t%d%s != 0u) {", P, t, tab);
        return;
    }
    rc_cout_open(o, "if (%s__t%d%s == 0u) {", P, t, tab);
    rc_cout_line(o, "continue;");
    rc_cout_close(o, "}");
    rc_cout_open(o, "{");
}

static void pre_byte(em *e, int t, const rc_pre *p, int cw, bool past)
{
    rc_cout *o = &e->oc;
    const char *P = e->P;
    rc_cout_line(o, "raw = (raw << 8) | (uint32_t)s[i];");
    hit_guard(o, past, P, t, "p[raw & 0xFFFFu]");
    rc_cout_line(o, "uint32_t h;");
    rc_cout_open(o, "if ((raw & 0xFFu) == 0u) {");
    if (past) rc_cout_line(o, "i = n;");
    rc_cout_line(o, "break;");
    rc_cout_close(o, "}");
    if (p->nshort > 0) {    /* the short keys ending here (pair2 bit: value 2) */
        rc_cout_open(o, "if ((%s__t%dp[raw & 0xFFFFu] & 2u) != 0u) {", P, t);
        rc_cout_line(o, "k = (raw & 0xFFFFu) | 0x2020u;");
        rc_cout_line(o, "h = (k * 0x%08Xu) >> %du;", RC_PRE_MUL, 32 - p->fbits);
        rc_cout_open(o, "if (%s__t%df[h] != 0u) {", P, t);
        pre_walk(e, t, p, cw, RC_PRE_SHORT);
        rc_cout_close(o, "}");
        rc_cout_close(o, "}");
    }
    rc_cout_line(o, "k = raw | 0x20202020u;");
    rc_cout_line(o, "h = (k * 0x%08Xu) >> %du;", RC_PRE_MUL, 32 - p->fbits);
    if (p->nentries == 0) {
        rc_cout_line(o, "(void)h;");
        rc_cout_close(o, "}");
        return;
    }
    hit_guard(o, past, P, t, "f[h]");
    pre_walk(e, t, p, cw, RC_PRE_KEY);
    rc_cout_close(o, "}");
    rc_cout_close(o, "}");
}

void rc_em_pre(em *e, int t)
{
    const rc_ir_textfield *tf = &e->ir->texts[t];
    const rc_dfa_plan *pl = &tf->plan;
    const rc_pre *p = pl->pre;
    const char *fname = e->ir->fields[tf->field].name;
    rc_cout *o = &e->oc;
    char b[160];
    int nbk = 1 << p->bbits;
    rc_cout_comment(o, "text field %s: %d patterns, %d keyed (literal prefilter: %d keys, %d entries, "
                    "%d confirmation DFAs), %d in %d residual DFAs (spec/patterns.md)",
                    fname, tf->npatterns, p->nkeyed, p->nkeys, p->nentries, p->nconf, p->nresidual, pl->ngroups);
    for (int g = 0; g < pl->ngroups; g++) {
        const rc_dfa_group *gr = &pl->groups[g];
        snprintf(b, sizeof b, "%s__t%dg%d", e->P, t, g);
        e->scan[t][g] = rc_em_one_dfa(e, t, &gr->dfa, b, gr->pats);
    }
    for (int c = 0; c < p->nconf; c++) {
        snprintf(b, sizeof b, "%s__t%dc%d", e->P, t, c);
        e->scan[t][pl->ngroups + c] = rc_em_one_dfa(e, t, &p->conf[c].dfa, b, p->conf[c].pats);
    }
    size_t nv = (size_t)1 << p->fbits;
    if ((size_t)nbk + 1 > nv) nv = (size_t)nbk + 1;
    if ((size_t)p->nentries * 4 > nv) nv = (size_t)p->nentries * 4;
    if ((size_t)p->npool > nv) nv = (size_t)p->npool;
    if ((size_t)8 * RC_PRE_PAIR_BYTES > nv) nv = (size_t)8 * RC_PRE_PAIR_BYTES;
    uint32_t *v = malloc((nv + 1) * sizeof *v);
    if (!v) exit(3);
    /* the filter a byte a bit: one load and a test per text byte */
    int nf = 1 << p->fbits;
    for (int i = 0; i < nf; i++) v[i] = ((uint32_t)p->filter[i >> 3] >> (i & 7)) & 1u;
    snprintf(b, sizeof b, "%s__t%df", e->P, t);
    rc_em_u32_array(o, "uint8_t", b, v, nf, false);
    /* the pair filter a byte a bit too: no shift and mask per text byte */
    for (int i = 0; i < 8 * RC_PRE_PAIR_BYTES; i++)
        v[i] = (((uint32_t)p->pair[i >> 3] >> (i & 7)) & 1u) | (((uint32_t)p->pair2[i >> 3] >> (i & 7)) & 1u) << 1;
    snprintf(b, sizeof b, "%s__t%dp", e->P, t);
    rc_em_u32_array(o, "uint8_t", b, v, 8 * RC_PRE_PAIR_BYTES, false);
    for (int i = 0; i <= nbk; i++) v[i] = (uint32_t)p->start[i];
    snprintf(b, sizeof b, "%s__t%db", e->P, t);
    rc_em_u32_array(o, p->nentries < 65536 ? "uint16_t" : "uint32_t", b, v, nbk + 1, false);
    if (p->nentries > 0) {
        /* four words an entry: key; pattern | 0x10000 regex | 0x20000 ~i
         * | 0x40000 a regex branch's key 0 | 0x80000 its key 1; regex: its
         * branch, literal: where it starts in the pool; literal: key
         * offset | length << 16 */
        for (int x = 0; x < p->nentries; x++) {
            const rc_pre_entry *en = &p->e[x];
            v[4 * x] = en->key;
            v[4 * x + 1] = (uint32_t)en->pat | (en->conf >= 0 ? 0x10000u : 0u) | (en->icase ? 0x20000u : 0u) |
                           (en->conf >= 0 && en->part != 1 ? 0x40000u : 0u) |
                           (en->conf >= 0 && en->part != 0 ? 0x80000u : 0u);
            v[4 * x + 2] = en->conf >= 0 ? (uint32_t)en->conf : (uint32_t)en->lit;
            v[4 * x + 3] = en->conf >= 0 ? 0u : (uint32_t)en->off | (uint32_t)en->len << 16;
        }
        snprintf(b, sizeof b, "%s__t%de", e->P, t);
        rc_em_u32_array(o, "uint32_t", b, v, 4 * p->nentries, true);
    }
    if (p->npool > 0) {
        for (int i = 0; i < p->npool; i++) v[i] = (unsigned char)p->pool[i];
        snprintf(b, sizeof b, "%s__t%ds", e->P, t);
        rc_em_u32_array(o, "uint8_t", b, v, p->npool, true);
    }
    free(v);
    const char *P = e->P;
    int cw = (p->nrb + 31) / 32;       /* cand[w]: key 0 of branch 32w + b seen; cand[cw + w]: key 1 */
    rc_cout_line(o, "static void %s__t%dpre(const char *text, size_t limit, uint32_t *m)", P, t);
    rc_cout_open(o, "{");
    rc_cout_line(o, "const unsigned char *s = (const unsigned char *)text;");
    rc_cout_line(o, "uint32_t k, raw = 0u;");
    rc_cout_line(o, "size_t i, n = limit;");
    if (cw > 0) {
        rc_cout_line(o, "uint32_t cand[%d];", 2 * cw);
        rc_cout_open(o, "for (i = 0u; i < %du; i++) {", 2 * cw);
        rc_cout_line(o, "cand[i] = 0u;");
        rc_cout_close(o, "}");
    }
    rc_cout_open(o, "if (s == NULL) {");
    rc_cout_line(o, "return;");
    rc_cout_close(o, "}");
    /* few pairs set (hits rare): 4 bytes a loop step; many: one (the
     * longer body costs more than the saved limit tests, as measured) */
    int npairs = 0;
    for (int i = 0; i < RC_PRE_PAIR_BYTES; i++)
        for (int j = 0; j < 8; j++) npairs += ((p->pair[i] | p->pair2[i]) >> j) & 1;
    rc_cout_comment(o, "raw: the last 4 bytes; a key can end at a byte only when the pair bit of the last 2 is "
                    "set (also set for every NUL, which ends the scan)%s",
                    npairs - 256 <= PRE_UNROLL_PAIRS ? "; 4 bytes a step, then the last ones" : "");
    if (npairs - 256 <= PRE_UNROLL_PAIRS) {
        rc_cout_open(o, "for (i = 0u; n - i >= %du; i++) {", PRE_UNROLL);
        for (int u = 0; u < PRE_UNROLL; u++) {
            if (u > 0) rc_cout_line(o, "i++;");
            pre_byte(e, t, p, cw, true);
        }
        rc_cout_close(o, "}");
        rc_cout_open(o, "for (; i < n; i++) {");
    } else {
        rc_cout_open(o, "for (i = 0u; i < n; i++) {");
    }
    pre_byte(e, t, p, cw, false);
    rc_cout_close(o, "}");
    /* each confirmation once: when a branch of it had its keys seen (and,
     * for one pattern, that pattern is not found yet) */
    for (int c = 0; c < p->nconf; c++) {
        const rc_pre_conf *u = &p->conf[c];
        rc_cout_open(o, "{");
        rc_cout_line(o, "uint32_t hit = 0u;");
        for (int k = 0; k < u->nrb; k++) {
            int r = u->rbs[k];
            rc_cout_line(o, "hit |= (cand[%d] & cand[%d]) >> %d;", r >> 5, cw + (r >> 5), r & 31);
        }
        if (u->npat == 1)
            rc_cout_open(o, "if ((hit & 1u) != 0u && ((m[%d] >> %d) & 1u) == 0u) {", u->pats[0] >> 5, u->pats[0] & 31);
        else
            rc_cout_open(o, "if ((hit & 1u) != 0u) {");
        rc_cout_line(o, "recov_dfa_scan%s(&%s__t%dc%d, text, limit, m);", e->scan[t][pl->ngroups + c], P, t, c);
        rc_cout_close(o, "}");
        rc_cout_close(o, "}");
    }
    rc_cout_close(o, "}");
    rc_cout_blank(o);
}
