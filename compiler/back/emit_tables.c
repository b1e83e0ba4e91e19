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

/* Pattern lists (recov.h): hex, so the RECOV_DFA_LAST bit shows. */
static void emit_pats(rc_cout *o, const char *P, int t, const uint16_t *v, int n)
{
    rc_cout_open(o, "static const uint16_t %s__t%d_pats[%d] = {", P, t, n);
    for (int i = 0; i < n; i++) {
        const char *sp = i % 12 == 0 ? "" : " ";
        if (i % 12 == 0) rc_cout_begin(o, "%s", sp);
        rc_cout_put(o, "%s0x%04Xu,", sp, (unsigned)v[i]);
        if (i % 12 == 11 || i == n - 1) rc_cout_endl(o);
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
static void emit_small_array(em *e, int t, const char *sfx, const char *type,
                             const uint8_t *v8, const uint16_t *v16, int n)
{
    uint32_t *w = malloc(((size_t)n + 1) * sizeof *w);
    char nm[128];
    if (!w) exit(3);
    for (int i = 0; i < n; i++) w[i] = v8 ? v8[i] : v16[i];
    snprintf(nm, sizeof nm, "%s__t%d_%s", e->P, t, sfx);
    rc_em_u32_array(&e->oc, type, nm, w, n, false);
    free(w);
}

static void emit_dfa_packed(em *e, int t, const rc_dfapack *z)
{
    rc_cout *o = &e->oc;
    const rc_dfa *d = &e->ir->texts[t].dfa;
    const char *P = e->P;
    const char *st = z->wide ? "uint16_t" : "uint8_t";
    int nacc = z->nids - z->accfrom;
    emit_small_array(e, t, "map", "uint8_t", z->map, NULL, z->hi - z->lo + 1);
    emit_small_array(e, t, "def", st, NULL, z->def, z->nclasses);
    emit_small_array(e, t, "chk", "uint8_t", z->chk, NULL, z->ncomb);
    emit_small_array(e, t, "nxt", st, NULL, z->nxt, z->ncomb);
    if (nacc > 0) {
        emit_small_array(e, t, "acc", st, NULL, z->acc, nacc);
        /* acc_end is often acc itself: then one table serves both */
        if (!z->same_end) emit_small_array(e, t, "end", st, NULL, z->acc_end, nacc);
    }
    emit_pats(o, P, t, z->pats, z->npats);
    rc_cout_open(o, "static const recov_dfa%s %s__t%d = {", z->wide ? "16c" : "8c", P, t);
    rc_cout_line(o, "%s__t%d_map, %s__t%d_def, %s__t%d_chk, %s__t%d_nxt,", P, t, P, t, P, t, P, t);
    if (nacc > 0) rc_cout_begin(o, "%s__t%d_acc, %s__t%d_%s, ", P, t, P, t, z->same_end ? "acc" : "end");
    else rc_cout_begin(o, "NULL, NULL, ");
    if (z->wide)
        rc_cout_end(o, "%s__t%d_pats, %du, %du, %du", P, t, d->words, z->accfrom, z->stopfrom);
    else
        rc_cout_end(o, "%s__t%d_pats, %du, %du, %du, %du, %du, %du",
                    P, t, z->lo, z->hi, z->cdef, d->words, z->k0, z->accfrom);
    rc_cout_close(o, "};");
    rc_cout_blank(o);
}

void rc_em_dfa(em *e, int t)
{
    rc_cout *o = &e->oc;
    const rc_dfa *d = &e->ir->texts[t].dfa;
    char nm[128];
    uint32_t cm[256];
    rc_cout_comment(o, "text field %s: %d patterns, %d states, %d byte classes",
                    e->ir->fields[e->ir->texts[t].field].name, d->npatterns, d->nstates, d->nclasses);
    rc_dfapack *z = malloc(sizeof *z);
    if (!z) exit(3);
    if (rc_dfapack_build(d, z)) {
        e->scan[t] = z->wide ? "16c" : "8c";
        emit_dfa_packed(e, t, z);
        free(z);
        return;
    }
    free(z);
    e->scan[t] = "16";      /* the full tables are 16-bit only */
    for (int i = 0; i < 256; i++) cm[i] = d->classmap[i];
    snprintf(nm, sizeof nm, "%s__t%d_map", e->P, t);
    rc_em_u32_array(o, "uint8_t", nm, cm, 256, false);
    snprintf(nm, sizeof nm, "%s__t%d_trans", e->P, t);
    rc_em_u32_array(o, "uint16_t", nm, d->trans, d->nstates * d->nclasses, false);
    /* acc values: mask rows -> pattern lists (build_dfas checked that they fit) */
    uint32_t *row_at = malloc((RC_DFAPACK_MAXID + 1) * sizeof *row_at);
    uint32_t *v = malloc(((size_t)d->nstates + 1) * sizeof *v);
    uint16_t *pats = malloc(RC_DFAPACK_MAXLIST * sizeof *pats);
    if (!row_at || !v || !pats) exit(3);
    int npats = rc_dfapack_lists(d, pats, RC_DFAPACK_MAXLIST, row_at);
    for (int s = 0; s < d->nstates; s++) v[s] = row_at[d->acc[s]];
    snprintf(nm, sizeof nm, "%s__t%d_acc", e->P, t);
    rc_em_u32_array(o, "uint16_t", nm, v, d->nstates, false);
    for (int s = 0; s < d->nstates; s++) v[s] = row_at[d->acc_end[s]];
    snprintf(nm, sizeof nm, "%s__t%d_end", e->P, t);
    rc_em_u32_array(o, "uint16_t", nm, v, d->nstates, false);
    emit_pats(o, e->P, t, pats, npats);
    free(row_at);
    free(v);
    free(pats);
    rc_cout_open(o, "static const recov_dfa16 %s__t%d = {", e->P, t);
    rc_cout_line(o, "%s__t%d_map, %s__t%d_trans, %s__t%d_acc, %s__t%d_end, %s__t%d_pats, %du, %du",
                 e->P, t, e->P, t, e->P, t, e->P, t, e->P, t, d->nclasses, d->words);
    rc_cout_close(o, "};");
    rc_cout_blank(o);
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
        rc_em_u32_array(o, rc_em_utype((uint64_t)total), nm, off, ir->nerrors + 1, false);
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
    uint32_t *v = calloc((size_t)ir->nerrors + 1, sizeof *v);
    if (!v) exit(3);
    for (int i = 0; i < ir->nerrors; i++) v[i] = (uint32_t)ir->errors[i].severity;
    snprintf(nm, sizeof nm, "%s__sev", P);
    rc_em_u32_array(o, "uint8_t", nm, v, ir->nerrors, false);
    for (int i = 0; i < ir->nerrors; i++) v[i] = (uint32_t)ir->errors[i].cls;
    snprintf(nm, sizeof nm, "%s__cls", P);
    rc_em_u32_array(o, e->cls_t, nm, v, ir->nerrors, false);
    free(v);
    for (int r = 0; r < ir->nretries; r++) {
        const rc_ir_retry *rt = &ir->retries[r];
        bool scaled = false;
        if (!rc_em_retry_used(ir, r)) continue;
        for (int i = 0; i < ir->nerrors; i++) if (rt->error_scale[i] != 1000u) scaled = true;
        if (scaled) {
            snprintf(nm, sizeof nm, "%s__r%d_escale", P, r);
            rc_em_u32_array(o, rc_em_utype(max_of(rt->error_scale, ir->nerrors)), nm, rt->error_scale,
                           ir->nerrors, false);
        }
        scaled = false;
        for (int i = 0; i < RC_SEV_COUNT; i++) if (rt->sev_scale[i] != 1000u) scaled = true;
        if (scaled) {
            snprintf(nm, sizeof nm, "%s__r%d_sscale", P, r);
            rc_em_u32_array(o, rc_em_utype(max_of(rt->sev_scale, RC_SEV_COUNT)), nm, rt->sev_scale,
                           RC_SEV_COUNT, false);
        }
    }
    if (e->any_esc && ir->has_escalation) {
        uint32_t ch[RC_SEV_COUNT], sla[RC_SEV_COUNT];
        for (int l = 0; l < RC_SEV_COUNT; l++) {
            /* a level without an entry reports channel 0 (as the simulator) */
            ch[l] = ir->escalation.channel[l] >= 0 ? (uint32_t)ir->escalation.channel[l] : 0u;
            sla[l] = ir->escalation.sla_ms[l];
        }
        snprintf(nm, sizeof nm, "%s__esc_chan", P);
        rc_em_u32_array(o, rc_em_utype(max_of(ch, RC_SEV_COUNT)), nm, ch, RC_SEV_COUNT, false);
        snprintf(nm, sizeof nm, "%s__esc_sla", P);
        rc_em_u32_array(o, rc_em_utype(max_of(sla, RC_SEV_COUNT)), nm, sla, RC_SEV_COUNT, false);
    }
    for (int b = 0; b < ir->nblocks; b++) {
        for (int i = 0; i < ir->blocks[b].nsteps; i++) {
            const rc_ir_step *st = &ir->blocks[b].steps[i];
            if (st->kind != RC_IR_FALLBACK && !(st->kind == RC_IR_RUN && st->nalts > 0)) continue;
            uint32_t al[16];
            int nids = st->kind == RC_IR_FALLBACK ? ir->nalts : ir->nhandlers;
            for (int k = 0; k < st->nalts && k < 16; k++) al[k] = (uint32_t)st->alts[k];
            snprintf(nm, sizeof nm, "%s__b%d_s%d", P, b, i);
            rc_em_u32_array(o, rc_em_utype((uint64_t)(nids > 0 ? nids - 1 : 0)), nm, al, st->nalts, false);
        }
    }
    for (int i = 0; i < ir->nbreakers; i++) {
        snprintf(nm, sizeof nm, "%s__k%d_cnt", P, i);
        rc_em_errset_table(e, ir->breakers[i].counts, nm);
    }
    rc_cout_blank(o);
}
