/* emit_tables.c - the constant tables of P.c: severities, classes, scales,
 * escalation, alternatives, error sets, the scanner DFAs and the name
 * strings.  Part of the C back end (emit_int.h). */
#include "emit_int.h"
#include "dfa_pack.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* ---- tables ----------------------------------------------------------------- */

/* Values 12 to a row, decimal or (hex) 0x%08X. */
static void put_rows(rc_cout *o, const uint32_t *v, int n, bool hex)
{
    for (int i = 0; i < n; i++) {
        const char *sp = i % 12 == 0 ? "" : " ";
        if (i % 12 == 0) rc_cout_begin(o, "%s", sp);
        if (hex) rc_cout_put(o, "%s0x%08" PRIX32 "u,", sp, v[i]);
        else rc_cout_put(o, "%s%" PRIu32 "u,", sp, v[i]);
        if (i % 12 == 11 || i == n - 1) rc_cout_endl(o);
    }
}

void rc_em_u32_array(rc_cout *o, const char *type, const char *name, const uint32_t *v, int n, bool hex)
{
    rc_cout_open(o, "static const %s %s[%d] = {", type, name, n);
    put_rows(o, v, n, hex);
    rc_cout_close(o, "};");
}

/* Pattern p of text field t as the policy wrote it, for a comment:
 * `~i "memory" | /oom/ (agent_call.recov:46)`; what could end the comment
 * or form a trigraph is spaced out, other bytes outside printable ASCII are
 * `?`; cut at about n bytes. */
static void pattern_text(const em *e, int t, int p, char *buf, size_t n)
{
    const rc_ir_textfield *tf = &e->ir->texts[t];
    size_t len = 0;
    buf[0] = '\0';
    if (p < 0 || p >= tf->npatterns) {
        snprintf(buf, n, "pattern %d", p);
        return;
    }
    const rc_ir_pattern *pt = &tf->patterns[p];
    char tail[96];
    snprintf(tail, sizeof tail, " (%.60s:%d)", e->src, pt->loc.line);
    size_t room = n > strlen(tail) + 8 ? n - strlen(tail) - 8 : 0;
    len = (size_t)snprintf(buf, n, "~%s ", pt->icase ? "i" : "");
    for (int a = 0; a < pt->nalts && len < room; a++) {
        const rc_dfa_alt *al = &pt->alts[a];
        if (a) len += (size_t)snprintf(buf + len, n - len, " | ");
        char q = al->is_regex ? '/' : '"';
        buf[len++] = q;
        for (size_t i = 0; i < al->len && len < room; i++) {
            unsigned char ch = (unsigned char)al->text[i];
            char prev = buf[len - 1];
            if (ch < 0x20 || ch >= 0x7F) ch = '?';
            /* no comment end or start, no line splice, no trigraph */
            if ((prev == '*' && ch == '/') || (prev == '/' && ch == '*') || (prev == '?' && ch == '?'))
                buf[len++] = ' ';
            buf[len++] = (char)ch;
        }
        if (len < room && buf[len - 1] == '*' && q == '/') buf[len++] = ' ';
        if (len < room) buf[len++] = q;
        else { buf[len++] = '.'; buf[len++] = '.'; }
        buf[len] = '\0';
    }
    snprintf(buf + len, n - len, "%s", tail);
}

/* Pattern lists (recov.h): hex, so the RECOV_DFA_LAST bit shows; a row
 * per entry naming the pattern.  base names the DFA; map (NULL: none) turns
 * its pattern numbers into the field's (a DFA of a plan, dfa_plan.h). */
static void emit_pats(em *e, int t, const char *base, const int *map, const uint16_t *v, int n)
{
    rc_cout *o = &e->oc;
    char what[200];
    /* no lists (no pattern can match): no array, as ISO C has no empty
     * ones; the scanner reads lists only through a non-zero acc value */
    if (n == 0) return;
    rc_cout_open(o, "static const uint16_t %s_pats[%d] = {", base, n);
    for (int i = 0; i < n; i++) {
        unsigned x = v[i] & 0x7FFFu, last = v[i] & 0x8000u;
        if (map) x = (unsigned)map[x];
        pattern_text(e, t, (int)x, what, sizeof what);
        rc_cout_line(o, "0x%04Xu, /* %s%s */", x | last, what, last ? "" : ", and");
    }
    rc_cout_close(o, "};");
}

static uint32_t max_of(const uint32_t *v, int n)
{
    uint32_t m = 0;
    for (int i = 0; i < n; i++) if (v[i] > m) m = v[i];
    return m;
}

/* The compact table forms (dfa_pack.h, recov_dfa8c / recov_dfa16c in recov/recov.h). */
static void emit_small_array(em *e, const char *base, const char *sfx, const char *type,
                             const uint8_t *v8, const uint16_t *v16, int n)
{
    uint32_t *w = malloc(((size_t)n + 1) * sizeof *w);
    char nm[128];
    if (!w) exit(3);
    for (int i = 0; i < n; i++) w[i] = v8 ? v8[i] : v16[i];
    snprintf(nm, sizeof nm, "%s_%s", base, sfx);
    rc_em_u32_array(&e->oc, type, nm, w, n, false);
    free(w);
}

static void emit_dfa_packed(em *e, int t, const rc_dfa *d, const char *b, const int *map, const rc_dfapack *z)
{
    rc_cout *o = &e->oc;
    const char *st = z->wide ? "uint16_t" : "uint8_t";
    int nacc = z->nids - z->accfrom;
    emit_small_array(e, b, "map", "uint8_t", z->map, NULL, z->hi - z->lo + 1);
    emit_small_array(e, b, "def", st, NULL, z->def, z->nclasses);
    emit_small_array(e, b, "chk", "uint8_t", z->chk, NULL, z->ncomb);
    emit_small_array(e, b, "nxt", st, NULL, z->nxt, z->ncomb);
    if (nacc > 0) {
        emit_small_array(e, b, "acc", st, NULL, z->acc, nacc);
        /* acc_end is often acc itself: then one table serves both */
        if (!z->same_end) emit_small_array(e, b, "end", st, NULL, z->acc_end, nacc);
    }
    emit_pats(e, t, b, map, z->pats, z->npats);
    rc_cout_open(o, "static const recov_dfa%s %s = {", z->wide ? "16c" : "8c", b);
    rc_cout_line(o, ".map = %s_map,", b);
    rc_cout_line(o, ".def = %s_def,", b);
    rc_cout_line(o, ".chk = %s_chk,", b);
    rc_cout_line(o, ".nxt = %s_nxt,", b);
    if (nacc > 0) {
        rc_cout_line(o, ".acc = %s_acc,", b);
        rc_cout_line(o, ".acc_end = %s_%s,", b, z->same_end ? "acc" : "end");
    } else {
        rc_cout_line(o, ".acc = NULL,");
        rc_cout_line(o, ".acc_end = NULL,");
    }
    if (z->npats > 0) rc_cout_line(o, ".pats = %s_pats,", b);
    else rc_cout_line(o, ".pats = NULL,");
    if (z->wide) {
        rc_cout_line(o, ".words = %du,", map ? 0 : d->words);
        rc_cout_line(o, ".accfrom = %du,", z->accfrom);
        rc_cout_line(o, ".stopfrom = %du,", z->stopfrom);
    } else {
        rc_cout_line(o, ".lo = %du,", z->lo);
        rc_cout_line(o, ".hi = %du,", z->hi);
        rc_cout_line(o, ".cdef = %du,", z->cdef);
        rc_cout_line(o, ".words = %du,", map ? 0 : d->words);
        rc_cout_line(o, ".k0 = %du,", z->k0);
        rc_cout_line(o, ".accfrom = %du,", z->accfrom);
    }
    rc_cout_close(o, "};");
    rc_cout_blank(o);
}

/* The tables of one DFA of text field t, named b, whose pattern j is the
 * field's pattern map[j] (map NULL: j; with a map the scanner clears no
 * words: the caller does); returns the scanner suffix. */
const char *rc_em_one_dfa(em *e, int t, const rc_dfa *d, const char *b, const int *map)
{
    rc_cout *o = &e->oc;
    char nm[128];
    uint32_t cm[256];
    rc_dfapack *z = malloc(sizeof *z);
    if (!z) exit(3);
    if (rc_dfapack_build(d, z)) {
        const char *sfx = z->wide ? "16c" : "8c";
        emit_dfa_packed(e, t, d, b, map, z);
        free(z);
        return sfx;
    }
    free(z);
    for (int i = 0; i < 256; i++) cm[i] = d->classmap[i];
    snprintf(nm, sizeof nm, "%s_map", b);
    rc_em_u32_array(o, "uint8_t", nm, cm, 256, false);
    snprintf(nm, sizeof nm, "%s_trans", b);
    rc_em_u32_array(o, "uint16_t", nm, d->trans, d->nstates * d->nclasses, false);
    /* acc values: mask rows -> pattern lists (the plan checked that they fit) */
    uint32_t *row_at = malloc((RC_DFAPACK_MAXID + 1) * sizeof *row_at);
    uint32_t *v = malloc(((size_t)d->nstates + 1) * sizeof *v);
    uint16_t *pats = malloc(RC_DFAPACK_MAXLIST * sizeof *pats);
    if (!row_at || !v || !pats) exit(3);
    int npats = rc_dfapack_lists(d, pats, RC_DFAPACK_MAXLIST, row_at);
    for (int s = 0; s < d->nstates; s++) v[s] = row_at[d->acc[s]];
    snprintf(nm, sizeof nm, "%s_acc", b);
    rc_em_u32_array(o, "uint16_t", nm, v, d->nstates, false);
    for (int s = 0; s < d->nstates; s++) v[s] = row_at[d->acc_end[s]];
    snprintf(nm, sizeof nm, "%s_end", b);
    rc_em_u32_array(o, "uint16_t", nm, v, d->nstates, false);
    emit_pats(e, t, b, map, pats, npats);
    free(row_at);
    free(v);
    free(pats);
    char pl[160];
    if (npats > 0) snprintf(pl, sizeof pl, "%s_pats", b);
    else snprintf(pl, sizeof pl, "NULL");
    rc_cout_open(o, "static const recov_dfa16 %s = {", b);
    rc_cout_line(o, ".classmap = %s_map,", b);
    rc_cout_line(o, ".trans = %s_trans,", b);
    rc_cout_line(o, ".acc = %s_acc,", b);
    rc_cout_line(o, ".acc_end = %s_end,", b);
    rc_cout_line(o, ".pats = %s,", pl);
    rc_cout_line(o, ".nclasses = %du,", d->nclasses);
    rc_cout_line(o, ".words = %du,", map ? 0 : d->words);
    rc_cout_close(o, "};");
    rc_cout_blank(o);
    return "16";            /* the full tables are 16-bit only */
}

void rc_em_dfa(em *e, int t)
{
    const rc_ir_textfield *tf = &e->ir->texts[t];
    const char *fname = e->ir->fields[tf->field].name;
    char b[128];
    if (tf->plan.ngroups <= 1) {
        const rc_dfa *d = &tf->dfa;
        rc_cout_comment(&e->oc, "text field %s: %d patterns, %d states, %d byte classes",
                        fname, d->npatterns, d->nstates, d->nclasses);
        snprintf(b, sizeof b, "%s__t%d", e->P, t);
        e->scan[t][0] = rc_em_one_dfa(e, t, d, b, NULL);
        return;
    }
    rc_cout_comment(&e->oc, "text field %s: %d patterns in %d DFAs of at most %d states each (spec/patterns.md)",
                    fname, tf->npatterns, tf->plan.ngroups, tf->plan.budget);
    for (int g = 0; g < tf->plan.ngroups; g++) {
        const rc_dfa_group *gr = &tf->plan.groups[g];
        rc_cout_comment(&e->oc, "DFA %d: %d %spatterns (the first %d, the last %d), %d states, %d byte classes",
                        g, gr->count, gr->heavy ? "heavy " : "", gr->pats[0], gr->pats[gr->count - 1],
                        gr->dfa.nstates, gr->dfa.nclasses);
        snprintf(b, sizeof b, "%s__t%dg%d", e->P, t, g);
        e->scan[t][g] = rc_em_one_dfa(e, t, &gr->dfa, b, gr->pats);
    }
}

static void emit_strings(em *e, const char *fn, const char *tab, const char *const *v, int n)
{
    rc_cout *o = &e->oc;
    bool any = false;
    for (int i = 0; i < n; i++) if (v[i]) any = true;
    if (!any) {
        rc_cout_line(o, "const char *%s_%s(unsigned id)", e->P, fn);
        rc_cout_open(o, "{");
        rc_cout_line(o, "(void)id;");
        rc_cout_line(o, "return NULL;");
        rc_cout_close(o, "}");
        rc_cout_blank(o);
        return;
    }
    rc_cout_open(o, "static const char *const %s__%s[%d] = {", e->P, tab, n);
    for (int i = 0; i < n; i++) {
        if (v[i]) {
            rc_cout_begin(o, "%s", "");
            rc_em_put_cstr(o, v[i]);
            rc_cout_end(o, ",");
        } else {
            rc_cout_line(o, "NULL,");
        }
    }
    rc_cout_close(o, "};");
    rc_cout_line(o, "const char *%s_%s(unsigned id)", e->P, fn);
    rc_cout_open(o, "{");
    rc_cout_line(o, "return (id < %du) ? %s__%s[id] : NULL;", n, e->P, tab);
    rc_cout_close(o, "}");
    rc_cout_blank(o);
}

void rc_em_name_funcs(em *e)
{
    const rc_ir *ir = e->ir;
    rc_cout *o = &e->oc;
    const char **v = calloc((size_t)ir->nerrors + 1, sizeof *v);
    if (!v) exit(3);
    for (int i = 0; i < ir->nerrors; i++) v[i] = ir->errors[i].name;
    emit_strings(e, "error_name", "err_names", v, ir->nerrors);
    for (int i = 0; i < ir->nerrors; i++) v[i] = ir->errors[i].message;
    emit_strings(e, "error_message", "err_msgs", v, ir->nerrors);
    for (int i = 0; i < ir->nerrors; i++) v[i] = ir->errors[i].hint;
    emit_strings(e, "error_hint", "err_hints", v, ir->nerrors);
    free(v);

    int total = 0;
    for (int i = 0; i < ir->nerrors; i++) total += ir->errors[i].nsteps;
    if (total == 0) {
        rc_cout_line(o, "const char *%s_error_step(unsigned id, unsigned i)", e->P);
        rc_cout_open(o, "{");
        rc_cout_line(o, "(void)id;");
        rc_cout_line(o, "(void)i;");
        rc_cout_line(o, "return NULL;");
        rc_cout_close(o, "}");
        rc_cout_blank(o);
    } else {
        uint32_t *off = calloc((size_t)ir->nerrors + 1, sizeof *off);
        if (!off) exit(3);
        rc_cout_open(o, "static const char *const %s__steps[%d] = {", e->P, total);
        for (int i = 0, k = 0; i < ir->nerrors; i++) {
            off[i] = (uint32_t)k;
            for (int j = 0; j < ir->errors[i].nsteps; j++, k++) {
                rc_cout_begin(o, "%s", "");
                rc_em_put_cstr(o, ir->errors[i].steps[j]);
                rc_cout_end(o, ",");
            }
        }
        off[ir->nerrors] = (uint32_t)total;
        rc_cout_close(o, "};");
        char nm[96];
        snprintf(nm, sizeof nm, "%s__step_off", e->P);
        const char **lab = calloc((size_t)ir->nerrors + 2, sizeof *lab);
        if (!lab) exit(3);
        for (int i = 0; i < ir->nerrors; i++) lab[i] = ir->errors[i].name;
        lab[ir->nerrors] = "end";
        rc_em_rows(o, rc_em_utype((uint64_t)total), nm, off, ir->nerrors + 1, false, lab);
        free(lab);
        rc_cout_line(o, "const char *%s_error_step(unsigned id, unsigned i)", e->P);
        rc_cout_open(o, "{");
        rc_cout_open(o, "if ((id >= %du) || (i >= (unsigned)(%s__step_off[id + 1u] - %s__step_off[id]))) {",
                     ir->nerrors, e->P, e->P);
        rc_cout_line(o, "return NULL;");
        rc_cout_close(o, "}");
        rc_cout_line(o, "return %s__steps[%s__step_off[id] + i];", e->P, e->P);
        rc_cout_close(o, "}");
        rc_cout_blank(o);
        free(off);
    }
    struct { const char *fn, *tab; const rc_ir_name *nv; int n; } k[] = {
        { "alt_name", "alt_names", ir->alts, ir->nalts },
        { "mode_name", "mode_names", ir->modes, ir->nmodes },
        { "channel_name", "chan_names", ir->channels, ir->nchannels },
        { "handler_name", "handler_names", ir->handlers, ir->nhandlers },
        { "adjust_name", "adj_names", ir->adjusts, ir->nadjusts },
    };
    const char **cn = calloc((size_t)ir->nclasses + 1, sizeof *cn);
    if (!cn) exit(3);
    for (int i = 0; i < ir->nclasses; i++) cn[i] = ir->classes[i].name;
    emit_strings(e, "class_name", "class_names", cn, ir->nclasses);
    free(cn);
    for (size_t g = 0; g < sizeof k / sizeof k[0]; g++) {
        const char **nv = rc_em_name_list(k[g].nv, k[g].n);
        emit_strings(e, k[g].fn, k[g].tab, nv, k[g].n);
        free(nv);
    }
}

/* ---- the state machine ---------------------------------------------------- */

bool rc_em_retry_never(const rc_ir *ir, int r)
{
    return ir->retries[r].attempts == 0 && rc_ir_param_at(ir, RC_SLOT_ATTEMPTS, r, 0) < 0;
}

bool rc_em_retry_used(const rc_ir *ir, int r)
{
    if (rc_em_retry_never(ir, r)) return false; /* `attempts 0`: its steps only move on */
    for (int b = 0; b < ir->nblocks; b++)
        for (int i = 0; i < ir->blocks[b].nsteps; i++)
            if (ir->blocks[b].steps[i].kind == RC_IR_RETRY && ir->blocks[b].steps[i].retry == r) return true;
    return false;
}

void rc_em_tables(em *e)
{
    const rc_ir *ir = e->ir;
    rc_cout *o = &e->oc;
    const char *P = e->P;
    char nm[128];
    static const char *const sevc[RC_SEV_COUNT] = {
        "RECOV_SEV_LOW", "RECOV_SEV_MEDIUM", "RECOV_SEV_HIGH", "RECOV_SEV_CRITICAL" };
    static const char *const sevn[RC_SEV_COUNT] = { "low", "medium", "high", "critical" };
    uint32_t *v = calloc((size_t)ir->nerrors + 1, sizeof *v);
    const char **lab = calloc((size_t)ir->nerrors + 1, sizeof *lab);
    char (*cl)[160] = calloc((size_t)ir->nerrors + 1, sizeof *cl);
    if (!v || !lab || !cl) exit(3);
    for (int i = 0; i < ir->nerrors; i++) lab[i] = ir->errors[i].name;
    /* indexed by P_ERR_* */
    rc_cout_open(o, "static const uint8_t %s__sev[%d] = {", P, ir->nerrors);
    for (int i = 0; i < ir->nerrors; i++)
        rc_cout_line(o, "%s, /* %s */", sevc[ir->errors[i].severity], ir->errors[i].name);
    rc_cout_close(o, "};");
    for (int i = 0; i < ir->nerrors; i++) {
        v[i] = (uint32_t)ir->errors[i].cls;
        snprintf(cl[i], sizeof cl[i], "%.70s: %.70s", ir->errors[i].name,
                 ir->nclasses > 0 ? ir->classes[ir->errors[i].cls].name : "?");
        lab[i] = cl[i];
    }
    snprintf(nm, sizeof nm, "%s__cls", P);
    rc_em_rows(o, e->cls_t, nm, v, ir->nerrors, false, lab);
    for (int i = 0; i < ir->nerrors; i++) lab[i] = ir->errors[i].name;
    for (int r = 0; r < ir->nretries; r++)
        if (rc_em_retry_used(ir, r)) rc_em_delay_tables(e, r, lab, sevn);
    free(v);
    free(lab);
    free(cl);
    if (e->any_esc && ir->has_escalation) {
        uint32_t ch[RC_SEV_COUNT], sla[RC_SEV_COUNT];
        char chl[RC_SEV_COUNT][100];
        const char *chp[RC_SEV_COUNT];
        for (int l = 0; l < RC_SEV_COUNT; l++) {
            /* a level without an entry reports channel 0 (as the simulator) */
            ch[l] = ir->escalation.channel[l] >= 0 ? (uint32_t)ir->escalation.channel[l] : 0u;
            sla[l] = ir->escalation.sla_ms[l];
            snprintf(chl[l], sizeof chl[l], "%s => %.80s", sevn[l],
                     ir->escalation.channel[l] >= 0 ? ir->channels[ir->escalation.channel[l]].name : "(none)");
            chp[l] = chl[l];
        }
        rc_cout_comment(o, "escalation: channel (P_CHAN_*) and SLA in ms by level");
        snprintf(nm, sizeof nm, "%s__esc_chan", P);
        rc_em_rows(o, rc_em_utype(max_of(ch, RC_SEV_COUNT)), nm, ch, RC_SEV_COUNT, false, chp);
        snprintf(nm, sizeof nm, "%s__esc_sla", P);
        rc_em_rows(o, rc_em_utype(max_of(sla, RC_SEV_COUNT)), nm, sla, RC_SEV_COUNT, false, sevn);
    }
    for (int b = 0; b < ir->nblocks; b++) {
        for (int i = 0; i < ir->blocks[b].nsteps; i++) {
            const rc_ir_step *st = &ir->blocks[b].steps[i];
            if (st->kind != RC_IR_FALLBACK && !(st->kind == RC_IR_RUN && st->nalts > 0)) continue;
            uint32_t al[16];
            const char *an[16];
            bool fb = st->kind == RC_IR_FALLBACK;
            int nids = fb ? ir->nalts : ir->nhandlers;
            for (int k = 0; k < st->nalts && k < 16; k++) {
                al[k] = (uint32_t)st->alts[k];
                an[k] = fb ? ir->alts[st->alts[k]].name : ir->handlers[st->alts[k]].name;
            }
            char what[200];
            rc_em_step_what(e, st, what, sizeof what);
            rc_em_src_comment(e, st->loc, what);
            snprintf(nm, sizeof nm, "%s__b%d_s%d", P, b, i);
            rc_em_rows(o, rc_em_utype((uint64_t)(nids > 0 ? nids - 1 : 0)), nm, al, st->nalts, false, an);
        }
    }
    for (int i = 0; i < ir->nbreakers; i++) {
        snprintf(nm, sizeof nm, "%s__k%d_cnt", P, i);
        rc_em_errset_table(e, ir->breakers[i].counts, nm);
    }
    rc_cout_blank(o);
}
