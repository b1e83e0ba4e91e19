/* emit_pre.c - the literal prefilter of a text field as generated C
 * (compiler/patterns/prefilter.h; spec/patterns.md, "Plans").  The
 * scanner is C99, freestanding, with no recursion and no unaligned loads:
 * the key is rolled in one byte at a time, exactly as rc_pre_scan does. */
#include "emit_int.h"
#include "prefilter.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* pair bits set (NULs' aside) up to which the scan takes PRE_UNROLL bytes a step */
#define PRE_UNROLL_PAIRS 512
#define PRE_UNROLL 4
/* regex branches of bounded reach that get a start slot (2 bytes of the
 * scan's stack each); the others' confirmations start at byte 0 */
#define PRE_SLOTS 1024

/* The walk of bucket h >> (fbits - bbits) for the entries of key k, whose
 * keys are klen bytes long and end at byte i. */
static void pre_walk(em *e, int t, const rc_pre *p, int cw, int klen, bool fo)
{
    rc_cout *o = &e->oc;
    const char *P = e->P;
    bool win = klen == RC_PRE_KEY && p->npool > 0;
    rc_cout_line(o, "uint32_t x;");
    rc_cout_line(o, "uint32_t end = %s__t%db[(h >> %du) + 1u];", P, t, p->fbits - p->bbits);
    if (win) {
        /* the 4 text bytes before the key (0 before the text), folded */
        rc_cout_line(o, "uint32_t pre = 0u;");
        rc_cout_open(o, "if (i >= 7u) {");
        rc_cout_line(o, "pre = ((uint32_t)s[i - 7u] << 24) | ((uint32_t)s[i - 6u] << 16) | ((uint32_t)s[i - 5u] << 8) | "
                        "(uint32_t)s[i - 4u];");
        rc_cout_reopen(o, "} else {");
        rc_cout_open(o, "for (x = 0u; (x + 4u) <= i; x++) {");
        rc_cout_line(o, "pre = (pre << 8) | (uint32_t)s[x];");
        rc_cout_close(o, "}");
        rc_cout_close(o, "}");
        rc_cout_line(o, "pre |= 0x20202020u;");
    }
    /* a bucket's entries run by key, a key's by pattern (prefilter.c) */
    rc_cout_comment(o, "the bucket's entries run in increasing key order, a key's in increasing pattern order");
    rc_cout_line(o, "x = %s__t%db[h >> %du];", P, t, p->fbits - p->bbits);
    rc_cout_open(o, "while ((x < end) && (%s__t%de[%du * x] < k)) {", P, t, RC_PRE_ENTRY_WORDS);
    rc_cout_line(o, "x++;");
    rc_cout_close(o, "}");
    if (fo) {
        rc_cout_comment(o, "first match only: a pattern above the lowest found cannot decide");
        rc_cout_open(o, "for (; (x < end) && (%s__t%de[%du * x] == k) && ((%s__t%de[(%du * x) + 1u] & 0xFFFFu) < *best); "
                     "x++) {", P, t, RC_PRE_ENTRY_WORDS, P, t, RC_PRE_ENTRY_WORDS);
    } else {
        rc_cout_open(o, "for (; (x < end) && (%s__t%de[%du * x] == k); x++) {", P, t, RC_PRE_ENTRY_WORDS);
    }
    rc_cout_line(o, "const uint32_t *en = &%s__t%de[%du * x];", P, t, RC_PRE_ENTRY_WORDS);
    rc_cout_line(o, "uint32_t pat = en[1] & 0xFFFFu;");
    rc_cout_open(o, "if ((en[1] & 0x10000u) != 0u) {");
    if (cw > 0) {
        rc_cout_comment(o, "where its confirmation may start, at key 0's first end");
        rc_cout_open(o, "if (((en[1] & 0x40000u) != 0u) && ((cand[en[2]] & en[3]) == 0u)) {");
        rc_cout_line(o, "size_t sp = ((i + 1u) > (size_t)en[4]) ? ((i + 1u) - (size_t)en[4]) : 0u;");
        rc_cout_line(o, "spos[en[5]] = (uint16_t)((sp <= 0xFFFFu) ? sp : 0u);");
        rc_cout_close(o, "}");
        rc_cout_line(o, "cand[en[2]] |= en[3];");
    }
    rc_cout_line(o, "continue;");
    rc_cout_close(o, "}");
    if (win) {
        rc_cout_comment(o, "a literal's bytes before the key (up to 4) must be there too");
        rc_cout_open(o, "if (((pre ^ en[4]) & en[5]) != 0u) {");
        rc_cout_line(o, "continue;");
        rc_cout_close(o, "}");
    }
    if (p->npool > 0) {
        rc_cout_open(o, "{");
        rc_cout_line(o, "size_t back = (size_t)(en[3] & 0xFFFFu) + %du;", klen);
        rc_cout_line(o, "size_t len = (size_t)(en[3] >> 16);");
        rc_cout_line(o, "size_t j = 0u;");
        rc_cout_line(o, "size_t st;");
        rc_cout_line(o, "const uint8_t *l = &%s__t%ds[en[2]];", P, t);
        rc_cout_open(o, "if ((i + 1u) < back) {");
        rc_cout_line(o, "continue;");
        rc_cout_close(o, "}");
        rc_cout_line(o, "st = (i + 1u) - back;");
        rc_cout_comment(o, "the literal lies within the limit; a NUL ends the compare (no literal holds one)");
        rc_cout_open(o, "if ((st + len) > limit) {");
        rc_cout_line(o, "continue;");
        rc_cout_close(o, "}");
        rc_cout_open(o, "if ((en[1] & 0x20000u) != 0u) {");
        rc_cout_open(o, "for (; j < len; j++) {");
        rc_cout_line(o, "uint32_t a = s[st + j];");
        rc_cout_line(o, "uint32_t c = l[j];");
        rc_cout_line(o, "a = ((a - 65u) < 26u) ? (a | 0x20u) : a;");
        rc_cout_line(o, "c = ((c - 65u) < 26u) ? (c | 0x20u) : c;");
        rc_cout_open(o, "if (a != c) {");
        rc_cout_line(o, "break;");
        rc_cout_close(o, "}");
        rc_cout_close(o, "}");
        rc_cout_reopen(o, "} else {");
        rc_cout_open(o, "while ((j < len) && (s[st + j] == l[j])) {");
        rc_cout_line(o, "j++;");
        rc_cout_close(o, "}");
        rc_cout_close(o, "}");
        rc_cout_open(o, "if (j == len) {");
        if (!e->low[t]) rc_cout_line(o, "m[pat >> 5] |= 1u << (pat & 31u);");
        if (fo) rc_cout_line(o, "*best = pat;");  /* the key's next entry breaks the loop */
        rc_cout_close(o, "}");
        rc_cout_close(o, "}");
    } else {
        rc_cout_line(o, "(void)pat;");
        rc_cout_line(o, "(void)s;");
        rc_cout_line(o, "(void)limit;");
        if (!e->low[t]) rc_cout_line(o, "(void)m;");
    }
    rc_cout_close(o, "}");
}

/* Opens the block run on a hit of a filter test (hit; its negation miss): after
 * the scan's end (past) an if; inside the loop a miss continues (gcc lays
 * that loop out better: N = 10,000: 9,227 -> 9,114 instructions a message). */
static void hit_guard(rc_cout *o, bool past, const char *hit, const char *miss)
{
    if (past) {
        rc_cout_open(o, "if (%s) {", hit);
        return;
    }
    rc_cout_open(o, "if (%s) {", miss);
    rc_cout_line(o, "continue;");
    rc_cout_close(o, "}");
    rc_cout_open(o, "{");
}

/* The filter test of hash h: a key with hash h exists (byte filter), or,
 * first match only, the lowest pattern of such keys is below best (fo);
 * hit: the test for a hit, else for a miss. */
static void filter_test(char *b, size_t n, const char *P, int t, bool fo, bool hit)
{
    if (fo) snprintf(b, n, "%s__t%df[h] %s best", P, t, hit ? "<" : ">=");
    else snprintf(b, n, "%s__t%df[h] %s 0u", P, t, hit ? "!=" : "==");
}

/* The arguments a byte-loop call of a bucket walk passes after limit
 * (pre_walk_fn declares the parameters they match). */
static const char *walk_args(const em *e, int t, int cw, bool fo, char *b, size_t n)
{
    snprintf(b, n, "%s%s%s", e->low[t] ? "" : ", m", cw > 0 ? ", cand, spos" : "", fo ? ", &best" : "");
    return b;
}

/* One text byte at i: roll it into raw; on a pair hit stop at a NUL
 * (break; with past, i = n first to skip the tail loop) or look the
 * folded key up. */
static void pre_byte(em *e, int t, const rc_pre *p, int cw, bool past, bool fo)
{
    rc_cout *o = &e->oc;
    const char *P = e->P;
    rc_cout_line(o, "raw = (raw << 8) | (uint32_t)s[i];");
    char hit[96], miss[96], args[48];
    snprintf(hit, sizeof hit, "%s__t%dp[raw & 0xFFFFu] != 0u", P, t);
    snprintf(miss, sizeof miss, "%s__t%dp[raw & 0xFFFFu] == 0u", P, t);
    hit_guard(o, past, hit, miss);
    rc_cout_line(o, "uint32_t h;");
    rc_cout_open(o, "if ((raw & 0xFFu) == 0u) {");
    if (past) rc_cout_line(o, "i = n;");
    rc_cout_line(o, "break;");
    rc_cout_close(o, "}");
    if (p->nshort > 0) {    /* the short keys ending here (pair2 bit: value 2) */
        rc_cout_open(o, "if ((%s__t%dp[raw & 0xFFFFu] & 2u) != 0u) {", P, t);
        rc_cout_line(o, "k = (raw & 0xFFFFu) | 0x2020u;");
        rc_cout_line(o, "h = (k * 0x%08Xu) >> %du;", RC_PRE_MUL, 32 - p->fbits);
        filter_test(hit, sizeof hit, P, t, fo, true);
        rc_cout_open(o, "if (%s) {", hit);
        rc_cout_line(o, "%s__t%dwalk2(s, i, k, h, limit%s);", P, t, walk_args(e, t, cw, fo, args, sizeof args));
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
    filter_test(hit, sizeof hit, P, t, fo, true);
    filter_test(miss, sizeof miss, P, t, fo, false);
    hit_guard(o, past, hit, miss);
    rc_cout_line(o, "%s__t%dwalk4(s, i, k, h, limit%s);", P, t, walk_args(e, t, cw, fo, args, sizeof args));
    rc_cout_close(o, "}");
    rc_cout_close(o, "}");
}

/* A bucket walk as a function of its own: the byte loop, with only a
 * call at a filter hit, keeps its few values in registers (N = 10,000:
 * 17 -> N instructions a byte on x86-64 with gcc 12). */
static void pre_walk_fn(em *e, int t, const rc_pre *p, int cw, int klen, bool fo)
{
    rc_cout *o = &e->oc;
    rc_cout_comment(o, "out of line (gcc and clang would inline a function called once)");
    rc_cout_line(o, "#if defined(__GNUC__)");
    rc_cout_line(o, "__attribute__((noinline))");
    rc_cout_line(o, "#endif");
    rc_cout_line(o, "static void %s__t%dwalk%d(const unsigned char *s, size_t i, uint32_t k, uint32_t h, size_t limit"
                 "%s%s%s)", e->P, t, klen, e->low[t] ? "" : ", uint32_t *m",
                 cw > 0 ? ", uint32_t *cand, uint16_t *spos" : "", fo ? ", uint32_t *best" : "");
    rc_cout_open(o, "{");
    pre_walk(e, t, p, cw, klen, fo);
    rc_cout_close(o, "}");
    rc_cout_blank(o);
}

/* The confirmations of the regex branches whose keys were seen (both
 * keys of a branch of two): each such branch's bit is visited once (its
 * index from a de Bruijn multiply), names its confirmation (table r), and
 * that DFA runs once (ran[]) unless it is of one pattern already found
 * (table q).  The loop costs a few instructions a word of cand and a hit
 * rather than a test per confirmation (N = 10,000: 292 of them). */
static const char *const PRE_KIND[3] = { "8c", "16c", "16" };

/* The kinds of the confirmations' DFAs (nk[k]: how many of PRE_KIND[k]),
 * u[c] = kind | index among its kind << 2 when u is not NULL; whether some
 * confirmation has several branches. */
static bool pre_kinds(const em *e, int t, const rc_pre *p, int nk[3], uint32_t *u)
{
    int ng = e->ir->texts[t].plan.ngroups;
    bool multi = false;
    nk[0] = nk[1] = nk[2] = 0;
    for (int c = 0; c < p->nconf; c++) {
        int k = 0;
        while (k < 2 && strcmp(e->scan[t][ng + c], PRE_KIND[k]) != 0) k++;
        if (u) u[c] = (uint32_t)k | (uint32_t)nk[k] << 2;
        nk[k]++;
        if (p->conf[c].nrb > 1) multi = true;
    }
    return multi;
}

/* The words of the largest confirmation's own mask (a lowest-pattern field). */
static int pre_conf_words(const rc_pre *p)
{
    int cwl = 1;
    for (int c = 0; c < p->nconf; c++)
        if ((p->conf[c].npat + 31) / 32 > cwl) cwl = (p->conf[c].npat + 31) / 32;
    return cwl;
}

/* Per confirmation a list, concatenated: its branches (rbs) or its
 * patterns, as P__t<t><lst>, and where each starts, P__t<t><off>
 * (nconf + 1 entries); `top` bounds the items (16-bit below 65,536). */
static void conf_lists(em *e, int t, const rc_pre *p, bool rbs, const char *off, const char *lst, int top)
{
    int y = 0;
    for (int c = 0; c < p->nconf; c++) y += rbs ? p->conf[c].nrb : p->conf[c].npat;
    uint32_t *v = malloc(((size_t)(y > p->nconf ? y : p->nconf) + 1) * sizeof *v);
    if (!v) exit(3);
    char b[160];
    y = 0;
    for (int c = 0; c < p->nconf; c++) {
        v[c] = (uint32_t)y;
        y += rbs ? p->conf[c].nrb : p->conf[c].npat;
    }
    v[p->nconf] = (uint32_t)y;
    snprintf(b, sizeof b, "%s__t%d%s", e->P, t, off);
    rc_em_u32_array(&e->oc, y < 65536 ? "uint16_t" : "uint32_t", b, v, p->nconf + 1, false);
    y = 0;
    for (int c = 0; c < p->nconf; c++)
        for (int j = 0; j < (rbs ? p->conf[c].nrb : p->conf[c].npat); j++)
            v[y++] = (uint32_t)(rbs ? p->conf[c].rbs[j] : p->conf[c].pats[j]);
    snprintf(b, sizeof b, "%s__t%d%s", e->P, t, lst);
    rc_em_u32_array(&e->oc, top < 65536 ? "uint16_t" : "uint32_t", b, v, y, false);
    free(v);
}

/* The confirmation dispatch's tables, at file scope before the scan. */
static void pre_confirm_tables(em *e, int t, const rc_pre *p, bool fo)
{
    rc_cout *o = &e->oc;
    const char *P = e->P;
    const rc_ir_textfield *tf = &e->ir->texts[t];
    int nk[3];
    char b[160];
    size_t nv = (size_t)p->nconf + (size_t)p->nrb + 32u;
    uint32_t *v = malloc(nv * sizeof *v);
    if (!v) exit(3);
    /* per kind of tables, the list of its DFAs; u[c]: kind | index << 2 */
    uint32_t *u = v;
    bool multi = pre_kinds(e, t, p, nk, u);
    for (int k = 0; k < 3; k++) {
        if (nk[k] == 0) continue;
        rc_cout_open(o, "static const recov_dfa%s *const %s__t%dx%s[%d] = {", PRE_KIND[k], P, t, PRE_KIND[k], nk[k]);
        int left = nk[k];   /* no comma after the last */
        for (int c = 0; c < p->nconf; c++)
            if ((u[c] & 3u) == (uint32_t)k) rc_cout_line(o, "&%s__t%dc%d%s", P, t, c, --left > 0 ? "," : "");
        rc_cout_close(o, "};");
    }
    snprintf(b, sizeof b, "%s__t%du", P, t);
    rc_em_u32_array(o, p->nconf < 16384 ? "uint16_t" : "uint32_t", b, u, p->nconf, false);
    bool low = e->low[t];
    if (!low) {        /* q: a confirmation's one pattern + 1 (0: several), to skip it once found */
        for (int c = 0; c < p->nconf; c++) v[c] = p->conf[c].npat == 1 ? (uint32_t)p->conf[c].pats[0] + 1u : 0u;
        snprintf(b, sizeof b, "%s__t%dq", P, t);
        rc_em_u32_array(o, tf->npatterns < 65535 ? "uint16_t" : "uint32_t", b, v, p->nconf, false);
    }
    /* low: each confirmation's patterns cp[cb[c] .. cb[c + 1]), its DFA's pattern j first */
    if (low) conf_lists(e, t, p, false, "cb", "cp", tf->npatterns);
    if (fo) {          /* first match only: each confirmation's lowest pattern */
        for (int c = 0; c < p->nconf; c++) v[c] = (uint32_t)p->conf[c].pats[0];
        snprintf(b, sizeof b, "%s__t%dlo", P, t);
        rc_em_u32_array(o, tf->npatterns < 65536 ? "uint16_t" : "uint32_t", b, v, p->nconf, false);
    }
    for (int c = 0; c < p->nconf; c++)
        for (int k = 0; k < p->conf[c].nrb; k++) v[p->conf[c].rbs[k]] = (uint32_t)c;
    snprintf(b, sizeof b, "%s__t%dr", P, t);
    rc_em_u32_array(o, p->nconf < 65536 ? "uint16_t" : "uint32_t", b, v, p->nrb, false);
    /* each confirmation's branches l[lb[c] .. lb[c + 1]) */
    if (multi) conf_lists(e, t, p, true, "lb", "l", p->nrb);
    for (uint32_t x = 0; x < 32u; x++) v[((1u << x) * 0x077CB531u) >> 27] = x;
    snprintf(b, sizeof b, "%s__t%dz", P, t);
    rc_em_u32_array(o, "uint8_t", b, v, 32, false);
    free(v);
}

static void pre_confirm(em *e, int t, const rc_pre *p, int cw, bool fo)
{
    rc_cout *o = &e->oc;
    const char *P = e->P;
    int nk[3];
    bool multi = pre_kinds(e, t, p, nk, NULL), low = e->low[t];
    int cwl = pre_conf_words(p);
    rc_cout_comment(o, "each confirmation once, when a branch of it had its keys seen (and, for one pattern, "
                    "that pattern is not found yet)");
    rc_cout_open(o, "{");
    rc_cout_line(o, "uint32_t w;");
    if (low) rc_cout_line(o, "uint32_t cm[%d];    /* a confirmation's own patterns, its DFA's numbers */", cwl);
    if (multi) {
        rc_cout_line(o, "uint32_t ran[%d];", (p->nconf + 31) / 32);
        rc_cout_open(o, "for (w = 0u; w < %du; w++) {", (p->nconf + 31) / 32);
        rc_cout_line(o, "ran[w] = 0u;");
        rc_cout_close(o, "}");
    }
    rc_cout_open(o, "for (w = 0u; w < %du; w++) {", cw);
    rc_cout_line(o, "uint32_t hit = cand[w] & cand[%du + w];", cw);
    rc_cout_open(o, "while (hit != 0u) {");
    rc_cout_line(o, "uint32_t r = (32u * w) + %s__t%dz[((hit & (0u - hit)) * 0x077CB531u) >> 27];", P, t);
    rc_cout_line(o, "uint32_t c = %s__t%dr[r];", P, t);
    rc_cout_line(o, "uint32_t u = %s__t%du[c];", P, t);
    if (!low) rc_cout_line(o, "uint32_t q = %s__t%dq[c];", P, t);
    rc_cout_line(o, "uint32_t y = %s__t%dsl[r];", P, t);
    rc_cout_line(o, "uint32_t st = (y != 0xFFFFu) ? spos[y] : 0u;");
    rc_cout_line(o, "hit &= hit - 1u;");
    if (multi) {
        rc_cout_open(o, "if ((ran[c >> 5] & (1u << (c & 31u))) != 0u) {");
        rc_cout_line(o, "continue;");
        rc_cout_close(o, "}");
        rc_cout_line(o, "ran[c >> 5] |= 1u << (c & 31u);");
    }
    if (low) {         /* none of its patterns can be below the lowest found */
        rc_cout_open(o, "if (%s__t%dlo[c] >= best) {", P, t);
        rc_cout_line(o, "continue;");
        rc_cout_close(o, "}");
    } else {
        if (fo) {
            rc_cout_open(o, "if (%s__t%dlo[c] > best) {", P, t);
            rc_cout_line(o, "continue;");
            rc_cout_close(o, "}");
        }
        rc_cout_open(o, "if ((q != 0u) && (((m[(q - 1u) >> 5] >> ((q - 1u) & 31u)) & 1u) != 0u)) {");
        rc_cout_line(o, "continue;");
        rc_cout_close(o, "}");
    }
    if (multi) {
        rc_cout_comment(o, "the earliest start its candidate branches allow");
        rc_cout_open(o, "for (r = %s__t%dlb[c]; r < %s__t%dlb[c + 1u]; r++) {", P, t, P, t);
        rc_cout_line(o, "uint32_t b = %s__t%dl[r];", P, t);
        rc_cout_open(o, "if ((((cand[b >> 5] & cand[%du + (b >> 5)]) >> (b & 31u)) & 1u) != 0u) {", cw);
        rc_cout_line(o, "y = %s__t%dsl[b];", P, t);
        rc_cout_open(o, "if (y == 0xFFFFu) {");
        rc_cout_line(o, "st = 0u;");
        rc_cout_reopen(o, "} else {");
        rc_cout_open(o, "if (spos[y] < st) {");
        rc_cout_line(o, "st = spos[y];");
        rc_cout_close(o, "}");
        rc_cout_close(o, "}");
        rc_cout_close(o, "}");
        rc_cout_close(o, "}");
    }
    int kinds = (nk[0] > 0) + (nk[1] > 0) + (nk[2] > 0), done = 0;
    for (int k = 0; k < 3; k++) {
        if (nk[k] == 0) continue;
        done++;
        if (done == 1 && kinds > 1) rc_cout_open(o, "if ((u & 3u) == %du) {", k);
        else if (done < kinds) rc_cout_reopen(o, "} else if ((u & 3u) == %du) {", k);
        else if (kinds > 1) rc_cout_reopen(o, "} else {");
        rc_cout_line(o, "recov_dfa_scan%s(%s__t%dx%s[u >> 2], &text[st], limit - st, %s);", PRE_KIND[k], P, t,
                     PRE_KIND[k], low ? "cm" : "m");
    }
    if (kinds > 1) rc_cout_close(o, "}");
    if (kinds == 1) rc_cout_line(o, "(void)u;");
    if (low) {         /* its lowest pattern found: the lowest bit of the lowest word not 0 */
        rc_cout_line(o, "uint32_t lw = (%s__t%dcb[c + 1u] - %s__t%dcb[c] + 31u) >> 5;", P, t, P, t);
        rc_cout_line(o, "uint32_t lp = 0xFFFFFFFFu;");
        rc_cout_open(o, "while (lw > 0u) {");
        rc_cout_line(o, "uint32_t bits = cm[lw - 1u];");
        rc_cout_line(o, "lw--;");
        rc_cout_open(o, "if (bits != 0u) {");
        rc_cout_line(o, "lp = %s__t%dcp[%s__t%dcb[c] + (32u * lw) + %s__t%dz[((bits & (0u - bits)) * 0x077CB531u) >> 27]];",
                     P, t, P, t, P, t);
        rc_cout_close(o, "}");
        rc_cout_close(o, "}");
        rc_cout_open(o, "if (lp < best) {");
        rc_cout_line(o, "best = lp;");
        rc_cout_close(o, "}");
    } else if (fo) {
        rc_cout_open(o, "if ((q != 0u) && ((q - 1u) < best) && (((m[(q - 1u) >> 5] >> ((q - 1u) & 31u)) & 1u) != 0u)) {");
        rc_cout_line(o, "best = q - 1u;");
        rc_cout_close(o, "}");
    }
    rc_cout_close(o, "}");
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
        /* low: each sets its own patterns' bits in the scan's own mask (no map) */
        e->scan[t][pl->ngroups + c] = rc_em_one_dfa(e, t, &p->conf[c].dfa, b, e->low[t] ? NULL : p->conf[c].pats);
    }
    size_t nv = (size_t)1 << p->fbits;
    if ((size_t)nbk + 1 > nv) nv = (size_t)nbk + 1;
    if ((size_t)p->nentries * RC_PRE_ENTRY_WORDS > nv) nv = (size_t)p->nentries * RC_PRE_ENTRY_WORDS;
    if ((size_t)p->npool > nv) nv = (size_t)p->npool;
    if ((size_t)8 * RC_PRE_PAIR_BYTES > nv) nv = (size_t)8 * RC_PRE_PAIR_BYTES;
    int cw = (p->nrb + 31) / 32;       /* cand[w]: key 0 of branch 32w + b seen; cand[cw + w]: key 1 */
    bool fo = e->fo[t];
    if ((size_t)p->nrb > nv) nv = (size_t)p->nrb;
    uint32_t *v = malloc((nv + 1) * sizeof *v);
    int *slot = malloc(((size_t)p->nrb + 1) * sizeof *slot);
    if (!v || !slot) exit(3);
    /* a start slot (spos) for each of the first PRE_SLOTS branches of bounded reach; the others start at 0 */
    int nslots = 0;
    for (int r = 0; r < p->nrb; r++) slot[r] = p->reach[r] >= 0 && nslots < PRE_SLOTS ? nslots++ : -1;
    int nf = 1 << p->fbits;
    snprintf(b, sizeof b, "%s__t%df", e->P, t);
    if (fo) {
        /* first match only: the lowest pattern of the keys of each hash
         * (0xFFFF: none), one load and compare with best for both tests */
        for (int i = 0; i < nf; i++) v[i] = 0xFFFFu;
        for (int x = 0; x < p->nentries; x++) {
            uint32_t h = rc_pre_hash(p->e[x].key, p->fbits);
            if ((uint32_t)p->e[x].pat < v[h]) v[h] = (uint32_t)p->e[x].pat;
        }
        rc_em_u32_array(o, "uint16_t", b, v, nf, false);
    } else {
        /* the filter a byte a bit: one load and a test per text byte */
        for (int i = 0; i < nf; i++) v[i] = ((uint32_t)p->filter[i >> 3] >> (i & 7)) & 1u;
        rc_em_u32_array(o, "uint8_t", b, v, nf, false);
    }
    /* the pair filter a byte a bit too: no shift and mask per text byte */
    for (int i = 0; i < 8 * RC_PRE_PAIR_BYTES; i++)
        v[i] = (((uint32_t)p->pair[i >> 3] >> (i & 7)) & 1u) | (((uint32_t)p->pair2[i >> 3] >> (i & 7)) & 1u) << 1;
    snprintf(b, sizeof b, "%s__t%dp", e->P, t);
    rc_em_u32_array(o, "uint8_t", b, v, 8 * RC_PRE_PAIR_BYTES, false);
    for (int i = 0; i <= nbk; i++) v[i] = (uint32_t)p->start[i];
    snprintf(b, sizeof b, "%s__t%db", e->P, t);
    rc_em_u32_array(o, p->nentries < 65536 ? "uint16_t" : "uint32_t", b, v, nbk + 1, false);
    if (p->nentries > 0) {
        /* six words an entry: key; pattern | 0x10000 regex | 0x20000 ~i;
         * literal: where it starts in the pool, regex: the word of cand
         * to mark (its branch's key 0, or key 1 in the second half; a
         * branch of one key has its key-1 bit set from the start); literal:
         * key offset | length << 16, regex: the bit; literal: its folded
         * bytes before a 4-byte key (the nearest in the low byte) and
         * their mask (up to 4 bytes) */
        for (int x = 0; x < p->nentries; x++) {
            const rc_pre_entry *en = &p->e[x];
            uint32_t *w = &v[RC_PRE_ENTRY_WORDS * x];
            int nb = en->conf < 0 && en->klen == RC_PRE_KEY ? (en->off < 4 ? en->off : 4) : 0;
            w[0] = en->key;
            w[1] = (uint32_t)en->pat | (en->conf >= 0 ? 0x10000u : 0u) | (en->icase ? 0x20000u : 0u);
            if (en->conf >= 0) {
                w[2] = (uint32_t)(en->conf >> 5) + (en->part == 1 ? (uint32_t)cw : 0u);
                w[3] = 1u << (en->conf & 31);
            } else {
                w[2] = (uint32_t)en->lit;
                w[3] = (uint32_t)en->off | (uint32_t)en->len << 16;
            }
            w[4] = 0u;
            w[5] = nb == 4 ? 0xFFFFFFFFu : (1u << (8 * nb)) - 1u;
            for (int k = 1; k <= nb; k++)
                w[4] |= ((uint32_t)(unsigned char)p->pool[en->lit + en->off - k] | 0x20u) << (8 * (k - 1));
            if (en->conf >= 0) {
                w[1] |= en->part != 1 && slot[en->conf] >= 0 ? 0x40000u : 0u;
                w[4] = slot[en->conf] >= 0 ? (uint32_t)p->reach[en->conf] : 0u;
                w[5] = slot[en->conf] >= 0 ? (uint32_t)slot[en->conf] : 0u;
            }
        }
        snprintf(b, sizeof b, "%s__t%de", e->P, t);
        rc_em_u32_array(o, "uint32_t", b, v, RC_PRE_ENTRY_WORDS * p->nentries, true);
    }
    if (p->npool > 0) {
        for (int i = 0; i < p->npool; i++) v[i] = (unsigned char)p->pool[i];
        snprintf(b, sizeof b, "%s__t%ds", e->P, t);
        rc_em_u32_array(o, "uint8_t", b, v, p->npool, true);
    }
    if (cw > 0) {       /* the key-1 bits of branches of one key, set from the start */
        for (int w = 0; w < cw; w++) v[w] = 0u;
        for (int x = 0; x < p->nentries; x++)
            if (p->e[x].conf >= 0 && p->e[x].part == 2) v[p->e[x].conf >> 5] |= 1u << (p->e[x].conf & 31);
        snprintf(b, sizeof b, "%s__t%dk", e->P, t);
        rc_em_u32_array(o, "uint32_t", b, v, cw, true);
        for (int r = 0; r < p->nrb; r++) v[r] = slot[r] >= 0 ? (uint32_t)slot[r] : 0xFFFFu;
        snprintf(b, sizeof b, "%s__t%dsl", e->P, t);
        rc_em_u32_array(o, "uint16_t", b, v, p->nrb, false);
    }
    free(v);
    free(slot);
    const char *P = e->P;
    if (p->nshort > 0) pre_walk_fn(e, t, p, cw, RC_PRE_SHORT, fo);
    if (p->nentries > 0) pre_walk_fn(e, t, p, cw, RC_PRE_KEY, fo);
    if (p->nconf > 0) pre_confirm_tables(e, t, p, fo);
    if (e->low[t])
        rc_cout_line(o, "static uint32_t %s__t%dpre(const char *text, size_t limit)", P, t);
    else
        rc_cout_line(o, "static void %s__t%dpre(const char *text, size_t limit, uint32_t *m)", P, t);
    rc_cout_open(o, "{");
    rc_cout_line(o, "const unsigned char *s = (const unsigned char *)text;");
    rc_cout_line(o, "uint32_t k;");
    rc_cout_line(o, "uint32_t raw = 0u;");
    rc_cout_line(o, "size_t i;");
    rc_cout_line(o, "size_t n = limit;");
    if (fo) rc_cout_line(o, "uint32_t best = 0xFFFFu;     /* the lowest pattern found (first match only; 0xFFFF: none) */");
    if (cw > 0) {
        rc_cout_line(o, "uint32_t cand[%d];", 2 * cw);
        rc_cout_comment(o, "per regex branch whose key 0 was seen: where its confirmation may start");
        rc_cout_line(o, "uint16_t spos[%d];", nslots > 0 ? nslots : 1);
        rc_cout_open(o, "for (i = 0u; i < %du; i++) {", cw);
        rc_cout_line(o, "cand[i] = 0u;");
        rc_cout_line(o, "cand[%du + i] = %s__t%dk[i];", cw, e->P, t);
        rc_cout_close(o, "}");
    }
    rc_cout_open(o, "if (s == NULL) {");
    rc_cout_line(o, e->low[t] ? "return 0xFFFFu;" : "return;");
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
        /* a while loop: its body steps i (a for loop's counter is not
         * changed in its body, MISRA C:2012 14.2) */
        rc_cout_line(o, "i = 0u;");
        rc_cout_open(o, "while ((n - i) >= %du) {", PRE_UNROLL);
        for (int u = 0; u < PRE_UNROLL; u++) {
            pre_byte(e, t, p, cw, true, fo);
            rc_cout_line(o, "i++;");
        }
        rc_cout_close(o, "}");
        rc_cout_open(o, "for (; i < n; i++) {");
    } else {
        rc_cout_open(o, "for (i = 0u; i < n; i++) {");
    }
    pre_byte(e, t, p, cw, false, fo);
    rc_cout_close(o, "}");
    if (p->nconf > 0) pre_confirm(e, t, p, cw, fo);
    if (e->low[t]) rc_cout_line(o, "return best;");
    rc_cout_close(o, "}");
    rc_cout_blank(o);
}
