/* ir.c - the IR's hash and text dump; see ir.h.
 *
 * rc_ir_hash is FNV-1a 32 over a canonical serialisation: every number as 8
 * bytes little-endian, every string as its length then its bytes (NULL and ""
 * differ), every table with its count first.  Locations, pointers and the
 * DFA tables (a function of the pattern sources, which are hashed) are left
 * out, so the hash changes exactly when the policy's meaning does.  The
 * serialisation order below is part of the checkpoint format: changing it
 * changes every P_POLICY_HASH.
 */
#include "ir.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "prefilter.h"

typedef struct rc_ir_hasher { uint32_t h; } rc_ir_hasher;

static void hbytes(rc_ir_hasher *x, const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++) {
        x->h ^= b[i];
        x->h *= 16777619u;
    }
}

static void hnum(rc_ir_hasher *x, int64_t v)
{
    uint8_t b[8];
    uint64_t u = (uint64_t)v;
    for (int i = 0; i < 8; i++) b[i] = (uint8_t)(u >> (8 * i));
    hbytes(x, b, 8);
}

static void hmem(rc_ir_hasher *x, const char *s, size_t n)
{
    hnum(x, (int64_t)n);
    hbytes(x, s, n);
}

static void hstr(rc_ir_hasher *x, const char *s)
{
    if (!s) {
        hnum(x, -1);
        return;
    }
    hmem(x, s, strlen(s));
}

static void hnames(rc_ir_hasher *x, const rc_ir_name *v, int n)
{
    hnum(x, n);
    for (int i = 0; i < n; i++) hstr(x, v[i].name);
}

static void hbools(rc_ir_hasher *x, const bool *v, int n)
{
    for (int i = 0; i < n; i++) hnum(x, v && v[i]);
}

uint32_t rc_ir_hash(const rc_ir *ir)
{
    rc_ir_hasher x = { 2166136261u };
    hstr(&x, "recov-ir-1");
    hstr(&x, ir->name);
    hnum(&x, ir->version);

    hnum(&x, ir->nfields);
    for (int i = 0; i < ir->nfields; i++) {
        hstr(&x, ir->fields[i].name);
        hnum(&x, ir->fields[i].type);
        hnum(&x, ir->fields[i].text_index);
        /* only when present, so policies without imports keep their hash */
        if (ir->fields[i].text_cap) {
            hstr(&x, "text_cap");
            hnum(&x, ir->fields[i].text_cap);
        }
    }
    if (ir->fault_struct) {
        hstr(&x, "fault_struct");
        hstr(&x, ir->fault_struct);
    }
    hnum(&x, ir->nclasses);
    for (int i = 0; i < ir->nclasses; i++) {
        hstr(&x, ir->classes[i].name);
        hnum(&x, ir->classes[i].retryable);
    }
    hnum(&x, ir->nerrors);
    for (int i = 0; i < ir->nerrors; i++) {
        const rc_ir_error *e = &ir->errors[i];
        hstr(&x, e->name);
        hnum(&x, e->cls);
        hnum(&x, e->severity);
        hstr(&x, e->message);
        hstr(&x, e->hint);
        hnum(&x, e->nsteps);
        for (int j = 0; j < e->nsteps; j++) hstr(&x, e->steps[j]);
    }
    hnum(&x, ir->nexprs);
    for (int i = 0; i < ir->nexprs; i++) {
        const rc_ir_expr *e = &ir->exprs[i];
        hnum(&x, e->kind);
        switch (e->kind) {
        case RC_X_TRUE: break;
        case RC_X_CMP:
            hnum(&x, e->opd);
            hnum(&x, e->opd == RC_OPD_FIELD ? e->field : -1);
            hnum(&x, e->op);
            hnum(&x, e->value);
            break;
        case RC_X_IN:
            hnum(&x, e->opd);
            hnum(&x, e->opd == RC_OPD_FIELD ? e->field : -1);
            hnum(&x, e->lo);
            hnum(&x, e->hi);
            break;
        case RC_X_MATCH:
            hnum(&x, e->field);
            hnum(&x, e->pattern);
            break;
        case RC_X_AND: case RC_X_OR:
            hnum(&x, e->a);
            hnum(&x, e->b);
            break;
        case RC_X_NOT:
            hnum(&x, e->a);
            break;
        }
    }
    hnum(&x, ir->nrules);
    for (int i = 0; i < ir->nrules; i++) {
        hnum(&x, ir->rules[i].cond);
        hnum(&x, ir->rules[i].error);
    }
    hnum(&x, ir->ntexts);
    for (int t = 0; t < ir->ntexts; t++) {
        const rc_ir_textfield *tf = &ir->texts[t];
        hnum(&x, tf->field);
        hnum(&x, tf->npatterns);
        for (int p = 0; p < tf->npatterns; p++) {
            const rc_ir_pattern *pt = &tf->patterns[p];
            hnum(&x, pt->icase);
            hnum(&x, pt->nalts);
            for (int a = 0; a < pt->nalts; a++) {
                hnum(&x, pt->alts[a].is_regex);
                hmem(&x, pt->alts[a].text, pt->alts[a].len);
            }
        }
    }
    hnum(&x, ir->nretries);
    for (int i = 0; i < ir->nretries; i++) {
        const rc_ir_retry *r = &ir->retries[i];
        hstr(&x, r->name);
        hnum(&x, r->attempts);
        hnum(&x, r->backoff);
        hnum(&x, r->base_ms);
        hnum(&x, r->factor_milli);
        hnum(&x, r->max_ms);
        hnum(&x, r->jitter);
        hnum(&x, r->jitter_pct);
        for (int e = 0; e < ir->nerrors; e++) hnum(&x, r->error_scale ? r->error_scale[e] : 1000);
        for (int s = 0; s < RC_SEV_COUNT; s++) hnum(&x, r->sev_scale[s]);
        hnum(&x, r->honor_field);
        if (r->timeout_ms || r->timeout_flag) {  /* absent: older policies keep their hash */
            hstr(&x, "attempt-timeout");
            hnum(&x, r->timeout_ms);
            hnum(&x, r->timeout_flag);
        }
    }
    hnum(&x, ir->nbreakers);
    for (int i = 0; i < ir->nbreakers; i++) {
        const rc_ir_breaker *b = &ir->breakers[i];
        hstr(&x, b->name);
        hnum(&x, b->mode);
        hnum(&x, b->threshold);
        hnum(&x, b->rate_pct);
        hnum(&x, b->window);
        hnum(&x, b->min_calls);
        hnum(&x, b->open_ms);
        hnum(&x, b->probes);
        hnum(&x, b->close_after);
        hbools(&x, b->counts, ir->nerrors);
        /* hashed only when given, so that the hash of a policy without them stays */
        if (b->rate_tenth || b->close_below_tenth) {
            hnum(&x, b->rate_tenth);
            hnum(&x, b->close_below_tenth);
        }
        if (b->close_below_pct || b->half_open_ms || b->open_factor_milli) {
            hnum(&x, b->close_below_pct);
            hnum(&x, b->half_open_ms);
            hnum(&x, b->open_factor_milli);
            hnum(&x, b->open_max_ms);
        }
        if (b->per_alt) hstr(&x, "per alternative");
        if (b->retry_wait) hstr(&x, "retries wait");
        if (b->mode == RC_BREAKER_TIME) {
            hnum(&x, b->window_ms);
            hnum(&x, b->buckets);
            hnum(&x, b->slow_ms);
            hnum(&x, b->slow_pct);
            hnum(&x, b->slow_tenth);
        }
    }
    hnum(&x, ir->nbudgets);
    for (int i = 0; i < ir->nbudgets; i++) {
        hstr(&x, ir->budgets[i].name);
        hnum(&x, ir->budgets[i].ratio_pct);
        hnum(&x, ir->budgets[i].min_retries);
        hnum(&x, ir->budgets[i].window_ms);
    }
    hnum(&x, ir->has_escalation);
    if (ir->has_escalation)
        for (int l = 0; l < RC_SEV_COUNT; l++) {
            hnum(&x, ir->escalation.channel[l]);
            hnum(&x, ir->escalation.sla_ms[l]);
            hnum(&x, ir->escalation.unresolved_after[l]);
            hnum(&x, ir->escalation.unresolved_after[l] ? ir->escalation.unresolved_to[l] : 0);
        }
    hnum(&x, ir->deadline_ms);
    if (ir->rate_n || ir->concurrent) {     /* absent: the hash of a policy without limits is unchanged */
        hstr(&x, "limits");
        hnum(&x, ir->rate_n);
        hnum(&x, ir->rate_ms);
        hnum(&x, ir->rate_burst);
        hnum(&x, ir->concurrent);
    }
    if (ir->age_incidents || ir->age_ms) {  /* absent: the hash of a policy without ageing is unchanged */
        hnum(&x, ir->age_incidents);
        hnum(&x, ir->age_ms);
    }
    if (ir->stats) hnum(&x, 0x57a75u);  /* absent: the hash without `stats;` is unchanged */
    hnum(&x, ir->nblocks);
    for (int i = 0; i < ir->nblocks; i++) {
        const rc_ir_block *b = &ir->blocks[i];
        hbools(&x, b->errors, ir->nerrors);
        hnum(&x, b->when);
        hnum(&x, b->deadline_ms);
        hnum(&x, b->terminal);
        hnum(&x, b->nsteps);
        for (int j = 0; j < b->nsteps; j++) {
            const rc_ir_step *s = &b->steps[j];
            hnum(&x, s->kind);
            switch (s->kind) {
            case RC_IR_RETRY: hnum(&x, s->retry); break;
            case RC_IR_FALLBACK:
                hnum(&x, s->adaptive);
                hnum(&x, s->nalts);
                for (int a = 0; a < s->nalts; a++) hnum(&x, s->alts[a]);
                break;
            case RC_IR_ADJUST: case RC_IR_RUN:
                hnum(&x, s->id);
                hnum(&x, s->ms);
                if (s->nalts) {   /* `run H1, H2...` (absent from older policies' hashes) */
                    hstr(&x, "run-list");
                    hnum(&x, s->adaptive);
                    hnum(&x, s->nalts);
                    for (int a = 0; a < s->nalts; a++) hnum(&x, s->alts[a]);
                }
                if (s->kind == RC_IR_RUN && (s->next != RC_NEXT_RETRY || s->when || s->whens)) {
                    hstr(&x, "run-flow");  /* absent from older policies' hashes */
                    hnum(&x, s->next);
                    hnum(&x, s->when);
                    for (int a = 0; a < s->nalts; a++) hnum(&x, s->whens ? s->whens[a] : 0);
                }
                break;
            case RC_IR_DEGRADE: hnum(&x, s->id); break;
            case RC_IR_ESCALATE: hnum(&x, s->level); break;
            case RC_IR_ABORT: break;
            }
        }
    }
    hnames(&x, ir->alts, ir->nalts);
    hnames(&x, ir->modes, ir->nmodes);
    hnames(&x, ir->channels, ir->nchannels);
    hnames(&x, ir->handlers, ir->nhandlers);
    hnames(&x, ir->adjusts, ir->nadjusts);
    if (ir->nparams) {   /* only when present, so policies without parameters keep their hash */
        hstr(&x, "params");
        hnum(&x, ir->nparams);
        for (int i = 0; i < ir->nparams; i++) {
            const rc_ir_param *p = &ir->params[i];
            hstr(&x, p->name);
            hnum(&x, p->type);
            hnum(&x, p->lo);
            hnum(&x, p->hi);
            hnum(&x, p->def);
        }
        hnum(&x, ir->npbinds);
        for (int i = 0; i < ir->npbinds; i++) {
            hnum(&x, ir->pbinds[i].slot);
            hnum(&x, ir->pbinds[i].obj);
            hnum(&x, ir->pbinds[i].sub);
            hnum(&x, ir->pbinds[i].param);
        }
    }
    return x.h;
}

/* ---- parameters ------------------------------------------------------------ */

const char *rc_ptype_name(rc_ptype t)
{
    static const char *const names[] = { "u8", "u16", "u32", "duration", "percent", "factor" };
    return names[t];
}

int rc_ir_param_at(const rc_ir *ir, rc_slot slot, int obj, int sub)
{
    for (int i = 0; i < ir->npbinds; i++) {
        const rc_ir_pbind *b = &ir->pbinds[i];
        if (b->slot == slot && b->obj == obj && b->sub == sub) return b->param;
    }
    return -1;
}

void rc_ir_apply(rc_ir *ir, const int64_t *vals)
{
    for (int i = 0; i < ir->npbinds; i++) {
        const rc_ir_pbind *b = &ir->pbinds[i];
        int64_t v = vals ? vals[b->param] : ir->params[b->param].def;
        switch (b->slot) {
        case RC_SLOT_ATTEMPTS:    ir->retries[b->obj].attempts = (uint16_t)v; break;
        case RC_SLOT_BASE:        ir->retries[b->obj].base_ms = (uint32_t)v; break;
        case RC_SLOT_FACTOR:      ir->retries[b->obj].factor_milli = (uint32_t)v; break;
        case RC_SLOT_MAX:         ir->retries[b->obj].max_ms = (uint32_t)v; break;
        case RC_SLOT_THRESHOLD:   ir->breakers[b->obj].threshold = (uint16_t)v; break;
        case RC_SLOT_RATE:        ir->breakers[b->obj].rate_pct = (uint8_t)v; break;
        case RC_SLOT_MIN_CALLS:   ir->breakers[b->obj].min_calls = (uint16_t)v; break;
        case RC_SLOT_OPEN_MS:     ir->breakers[b->obj].open_ms = (uint32_t)v; break;
        case RC_SLOT_PROBES:      ir->breakers[b->obj].probes = (uint16_t)v; break;
        case RC_SLOT_CLOSE_AFTER: ir->breakers[b->obj].close_after = (uint16_t)v; break;
        case RC_SLOT_RATIO:       ir->budgets[b->obj].ratio_pct = (uint8_t)v; break;
        case RC_SLOT_MIN_RETRIES: ir->budgets[b->obj].min_retries = (uint16_t)v; break;
        case RC_SLOT_WINDOW:      ir->budgets[b->obj].window_ms = (uint32_t)v; break;
        case RC_SLOT_DEADLINE:
            if (b->obj < 0) ir->deadline_ms = (uint32_t)v;
            else ir->blocks[b->obj].deadline_ms = (uint32_t)v;
            break;
        case RC_SLOT_STEP_MS:     ir->blocks[b->obj].steps[b->sub].ms = (uint32_t)v; break;
        case RC_SLOT_EXPR:        ir->exprs[b->obj].value = v; break;
        case RC_SLOT_LIMIT:       ir->retries[b->obj].timeout_ms = (uint32_t)v; break;
        }
    }
}

rc_ir *rc_ir_instantiate(rc_arena *a, const rc_ir *ir, const int64_t *vals)
{
    rc_ir *c = RC_NEW(a, rc_ir);
    *c = *ir;
    if (ir->npbinds) {
        if (ir->nretries) {
            c->retries = RC_NEW_ARRAY(a, rc_ir_retry, ir->nretries);
            memcpy(c->retries, ir->retries, sizeof *c->retries * (size_t)ir->nretries);
        }
        if (ir->nbreakers) {
            c->breakers = RC_NEW_ARRAY(a, rc_ir_breaker, ir->nbreakers);
            memcpy(c->breakers, ir->breakers, sizeof *c->breakers * (size_t)ir->nbreakers);
        }
        if (ir->nbudgets) {
            c->budgets = RC_NEW_ARRAY(a, rc_ir_budget, ir->nbudgets);
            memcpy(c->budgets, ir->budgets, sizeof *c->budgets * (size_t)ir->nbudgets);
        }
        if (ir->nexprs) {
            c->exprs = RC_NEW_ARRAY(a, rc_ir_expr, ir->nexprs);
            memcpy(c->exprs, ir->exprs, sizeof *c->exprs * (size_t)ir->nexprs);
        }
        if (ir->nblocks) {
            c->blocks = RC_NEW_ARRAY(a, rc_ir_block, ir->nblocks);
            memcpy(c->blocks, ir->blocks, sizeof *c->blocks * (size_t)ir->nblocks);
            for (int b = 0; b < ir->nblocks; b++) {
                if (!ir->blocks[b].nsteps) continue;
                c->blocks[b].steps = RC_NEW_ARRAY(a, rc_ir_step, ir->blocks[b].nsteps);
                memcpy(c->blocks[b].steps, ir->blocks[b].steps, sizeof *c->blocks[b].steps * (size_t)ir->blocks[b].nsteps);
            }
        }
    }
    rc_ir_apply(c, vals);
    return c;
}

void rc_ir_param_format(const rc_ir_param *p, int64_t v, char *buf, size_t n)
{
    switch (p->type) {
    case RC_PT_DURATION:
        if (v != 0 && v % 3600000 == 0) snprintf(buf, n, "%" PRId64 "h", v / 3600000);
        else if (v != 0 && v % 60000 == 0) snprintf(buf, n, "%" PRId64 "m", v / 60000);
        else if (v != 0 && v % 1000 == 0) snprintf(buf, n, "%" PRId64 "s", v / 1000);
        else snprintf(buf, n, "%" PRId64 "ms", v);
        break;
    case RC_PT_PERCENT: snprintf(buf, n, "%" PRId64 "%%", v); break;
    case RC_PT_FACTOR:
        if (v % 1000 == 0) snprintf(buf, n, "%" PRId64, v / 1000);
        else {
            char frac[8];
            snprintf(frac, sizeof frac, "%03" PRId64, v % 1000);
            size_t k = strlen(frac);
            while (k > 1 && frac[k - 1] == '0') frac[--k] = '\0';
            snprintf(buf, n, "%" PRId64 ".%s", v / 1000, frac);
        }
        break;
    default: snprintf(buf, n, "%" PRId64, v); break;
    }
}

/* ---- dump ----------------------------------------------------------------- */

static const char *const rc_ir_type_names[] = { "u8", "u16", "u32", "i8", "i16", "i32", "bool", "text" };
const char *const rc_sev_names[4] = { "low", "medium", "high", "critical" };
#define rc_ir_sev_names rc_sev_names

const char *rc_type_name(rc_type t) { return rc_ir_type_names[t]; }

void rc_type_range(rc_type t, int64_t *lo, int64_t *hi)
{
    switch (t) {
    case RC_TY_U8: *lo = 0; *hi = UINT8_MAX; break;
    case RC_TY_U16: *lo = 0; *hi = UINT16_MAX; break;
    case RC_TY_U32: *lo = 0; *hi = UINT32_MAX; break;
    case RC_TY_I8: *lo = INT8_MIN; *hi = INT8_MAX; break;
    case RC_TY_I16: *lo = INT16_MIN; *hi = INT16_MAX; break;
    case RC_TY_I32: *lo = INT32_MIN; *hi = INT32_MAX; break;
    case RC_TY_BOOL: *lo = 0; *hi = 1; break;
    default: *lo = 0; *hi = 0; break;
    }
}
static const char *const rc_ir_opd_names[] = { "field", "attempt", "elapsed", "severity", "class", "error" };
static const char *const rc_ir_cmp_names[] = { "==", "!=", "<", "<=", ">", ">=" };
static const char *const rc_ir_step_names[] = { "retry", "fallback", "adjust", "run", "degrade", "escalate", "abort" };
static const char *const rc_ir_backoff_names[] = { "constant", "linear", "exponential" };
static const char *const rc_ir_jitter_names[] = { "none", "percent", "full", "equal", "decorrelated" };

static void dump_str(FILE *out, const char *s, size_t n)
{
    fputc('"', out);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') fprintf(out, "\\%c", c);
        else if (c < 0x20 || c >= 0x7F) fprintf(out, "\\x%02X", c);
        else fputc(c, out);
    }
    fputc('"', out);
}

static void dump_opd(FILE *out, const rc_ir *ir, const rc_ir_expr *e)
{
    if (e->opd == RC_OPD_FIELD) fprintf(out, "%s", ir->fields[e->field].name);
    else fprintf(out, "%s", rc_ir_opd_names[e->opd]);
}

static void dump_errset(FILE *out, const rc_ir *ir, const bool *set)
{
    int n = 0;
    for (int i = 0; i < ir->nerrors; i++) n += set[i];
    if (n == ir->nerrors) {
        fprintf(out, "*");
        return;
    }
    const char *sep = "";
    for (int i = 0; i < ir->nerrors; i++)
        if (set[i]) {
            fprintf(out, "%s%s", sep, ir->errors[i].name);
            sep = ",";
        }
}

void rc_ir_dump(const rc_ir *ir, FILE *out)
{
    fprintf(out, "policy %s version %" PRIu32 " hash 0x%08" PRIX32 "\n", ir->name, ir->version, ir->hash);
    for (int i = 0; i < ir->nfields; i++)
        fprintf(out, "field %d %s : %s%s\n", i, ir->fields[i].name, rc_ir_type_names[ir->fields[i].type],
                ir->fields[i].text_index >= 0 ? " (matched)" : "");
    for (int i = 0; i < ir->nclasses; i++)
        fprintf(out, "class %d %s%s\n", i, ir->classes[i].name, ir->classes[i].retryable ? " retryable" : "");
    for (int i = 0; i < ir->nerrors; i++) {
        const rc_ir_error *e = &ir->errors[i];
        fprintf(out, "error %d %s : %s, %s\n", i, e->name, ir->classes[e->cls].name, rc_ir_sev_names[e->severity]);
        if (e->message) { fprintf(out, "  message "); dump_str(out, e->message, strlen(e->message)); fputc('\n', out); }
        if (e->hint) { fprintf(out, "  hint "); dump_str(out, e->hint, strlen(e->hint)); fputc('\n', out); }
        for (int j = 0; j < e->nsteps; j++) {
            fprintf(out, "  step ");
            dump_str(out, e->steps[j], strlen(e->steps[j]));
            fputc('\n', out);
        }
    }
    for (int i = 0; i < ir->nexprs; i++) {
        const rc_ir_expr *e = &ir->exprs[i];
        fprintf(out, "x%d = ", i);
        switch (e->kind) {
        case RC_X_TRUE: fprintf(out, "true"); break;
        case RC_X_CMP:
            dump_opd(out, ir, e);
            fprintf(out, " %s %" PRId64, rc_ir_cmp_names[e->op], e->value);
            break;
        case RC_X_IN:
            dump_opd(out, ir, e);
            fprintf(out, " in %" PRId64 "..%" PRId64, e->lo, e->hi);
            break;
        case RC_X_MATCH: fprintf(out, "%s ~ pattern %d", ir->fields[e->field].name, e->pattern); break;
        case RC_X_AND: fprintf(out, "x%d && x%d", e->a, e->b); break;
        case RC_X_OR: fprintf(out, "x%d || x%d", e->a, e->b); break;
        case RC_X_NOT: fprintf(out, "!x%d", e->a); break;
        }
        fputc('\n', out);
    }
    for (int i = 0; i < ir->nrules; i++)
        fprintf(out, "rule %d: x%d => %s\n", i, ir->rules[i].cond, ir->errors[ir->rules[i].error].name);
    for (int t = 0; t < ir->ntexts; t++) {
        const rc_ir_textfield *tf = &ir->texts[t];
        if (tf->plan.pre)
            fprintf(out, "text %s: prefilter of %d patterns: %d keys, %d entries, filter 2^%d bits, 2^%d buckets, "
                    "%d confirmation dfas, %d residual patterns\n", ir->fields[tf->field].name, tf->plan.pre->nkeyed,
                    tf->plan.pre->nkeys, tf->plan.pre->nentries, tf->plan.pre->fbits, tf->plan.pre->bbits,
                    tf->plan.pre->nconf, tf->plan.pre->nresidual);
        if (!rc_dfa_plan_single(&tf->plan)) {
            fprintf(out, "text %s: %d patterns, %d dfas (state budget %d)\n", ir->fields[tf->field].name,
                    tf->npatterns, tf->plan.ngroups, tf->plan.budget);
            for (int g = 0; g < tf->plan.ngroups; g++) {
                const rc_dfa_group *gr = &tf->plan.groups[g];
                fprintf(out, "  dfa %d: %d patterns%s (%d..%d), %d states %d classes %d masks\n", g, gr->count,
                        gr->heavy ? " heavy" : "", gr->pats[0], gr->pats[gr->count - 1], gr->dfa.nstates,
                        gr->dfa.nclasses, gr->dfa.nmasks);
            }
        } else {
            fprintf(out, "text %s: %d patterns, dfa %d states %d classes %d masks\n", ir->fields[tf->field].name,
                    tf->npatterns, tf->dfa.nstates, tf->dfa.nclasses, tf->dfa.nmasks);
        }
        for (int p = 0; p < tf->npatterns; p++) {
            fprintf(out, "  pattern %d%s:", p, tf->patterns[p].icase ? " icase" : "");
            for (int a = 0; a < tf->patterns[p].nalts; a++) {
                const rc_dfa_alt *al = &tf->patterns[p].alts[a];
                fprintf(out, "%s", a ? " |" : "");
                if (al->is_regex) {
                    fprintf(out, " /");
                    fwrite(al->text, 1, al->len, out);
                    fprintf(out, "/");
                } else {
                    fputc(' ', out);
                    dump_str(out, al->text, al->len);
                }
            }
            fputc('\n', out);
        }
    }
    for (int i = 0; i < ir->nretries; i++) {
        const rc_ir_retry *r = &ir->retries[i];
        fprintf(out, "retry %d %s: attempts %u backoff %s base %" PRIu32 " factor %" PRIu32 " max %" PRIu32
                     " jitter %s", i, r->name, r->attempts, rc_ir_backoff_names[r->backoff], r->base_ms,
                r->factor_milli, r->max_ms, rc_ir_jitter_names[r->jitter]);
        if (r->jitter == RC_JITTER_PERCENT) fprintf(out, " %u%%", r->jitter_pct);
        if (r->honor_field >= 0) fprintf(out, " honor %s", ir->fields[r->honor_field].name);
        if (r->timeout_ms) fprintf(out, " timeout %" PRIu32, r->timeout_ms);
        if (r->timeout_flag) fprintf(out, " flag %s", ir->fields[r->timeout_flag - 1].name);
        fputc('\n', out);
        for (int e = 0; e < ir->nerrors; e++)
            if (r->error_scale && r->error_scale[e] != 1000)
                fprintf(out, "  scale %s %" PRIu32 "\n", ir->errors[e].name, r->error_scale[e]);
        for (int s = 0; s < RC_SEV_COUNT; s++)
            if (r->sev_scale[s] != 1000) fprintf(out, "  scale %s %" PRIu32 "\n", rc_ir_sev_names[s], r->sev_scale[s]);
    }
    for (int i = 0; i < ir->nbreakers; i++) {
        const rc_ir_breaker *b = &ir->breakers[i];
        fprintf(out, "breaker %d %s: ", i, b->name);
        if (b->mode == RC_BREAKER_CONSECUTIVE) fprintf(out, "consecutive %u", b->threshold);
        else if (b->mode == RC_BREAKER_NET) fprintf(out, "net %u", b->threshold);
        else if (b->mode == RC_BREAKER_TIME)
            fprintf(out, "time %u.%u%% of %" PRIu32 " ms in %u buckets min %u slow %" PRIu32 " at %u.%u%%", b->rate_pct,
                    b->rate_tenth, b->window_ms, b->buckets, b->min_calls, b->slow_ms, b->slow_pct, b->slow_tenth);
        else if (b->rate_tenth) fprintf(out, "rate %u.%u%% of %u min %u", b->rate_pct, b->rate_tenth, b->window, b->min_calls);
        else fprintf(out, "rate %u%% of %u min %u", b->rate_pct, b->window, b->min_calls);
        fprintf(out, " open %" PRIu32 " probes %u close %u count ", b->open_ms, b->probes, b->close_after);
        dump_errset(out, ir, b->counts);
        if (b->per_alt) fprintf(out, " per alternative");
        if (b->retry_wait) fprintf(out, " retries wait");
        fputc('\n', out);
    }
    for (int i = 0; i < ir->nbudgets; i++)
        fprintf(out, "budget %d %s: ratio %u%% min %u per %" PRIu32 "\n", i, ir->budgets[i].name,
                ir->budgets[i].ratio_pct, ir->budgets[i].min_retries, ir->budgets[i].window_ms);
    if (ir->has_escalation)
        for (int l = 0; l < RC_SEV_COUNT; l++) {
            const rc_ir_escalation *e = &ir->escalation;
            fprintf(out, "escalation %s: ", rc_ir_sev_names[l]);
            if (e->channel[l] >= 0) fprintf(out, "%s within %" PRIu32, ir->channels[e->channel[l]].name, e->sla_ms[l]);
            else fprintf(out, "-");
            if (e->unresolved_after[l])
                fprintf(out, ", unresolved after %u => %s", e->unresolved_after[l],
                        rc_ir_sev_names[e->unresolved_to[l]]);
            fputc('\n', out);
        }
    if (ir->deadline_ms) fprintf(out, "deadline %" PRIu32 "\n", ir->deadline_ms);
    if (ir->age_incidents) fprintf(out, "ageing %u incidents\n", (unsigned)ir->age_incidents);
    if (ir->age_ms) fprintf(out, "ageing %" PRIu32 "\n", ir->age_ms);
    if (ir->stats) fprintf(out, "stats\n");
    if (ir->rate_n)
        fprintf(out, "limit rate %u per %" PRIu32 " burst %u\n", (unsigned)ir->rate_n, ir->rate_ms,
                (unsigned)ir->rate_burst);
    if (ir->concurrent) fprintf(out, "limit concurrent %u\n", (unsigned)ir->concurrent);
    for (int i = 0; i < ir->nblocks; i++) {
        const rc_ir_block *b = &ir->blocks[i];
        fprintf(out, "block %d on ", i);
        dump_errset(out, ir, b->errors);
        if (b->when >= 0) fprintf(out, " when x%d", b->when);
        if (b->deadline_ms) fprintf(out, " deadline %" PRIu32, b->deadline_ms);
        fprintf(out, " terminal %d\n", b->terminal);
        for (int j = 0; j < b->nsteps; j++) {
            const rc_ir_step *s = &b->steps[j];
            fprintf(out, "  %d %s", j, rc_ir_step_names[s->kind]);
            switch (s->kind) {
            case RC_IR_RETRY: fprintf(out, " %s", ir->retries[s->retry].name); break;
            case RC_IR_FALLBACK:
                if (s->adaptive) fprintf(out, " adaptive");
                for (int a = 0; a < s->nalts; a++) fprintf(out, "%s%s", a ? ", " : " ", ir->alts[s->alts[a]].name);
                break;
            case RC_IR_ADJUST: fprintf(out, " %s delay %" PRIu32, ir->adjusts[s->id].name, s->ms); break;
            case RC_IR_RUN:
                if (s->nalts) {
                    fprintf(out, "%s", s->adaptive ? " adaptive" : "");
                    for (int a = 0; a < s->nalts; a++)
                        fprintf(out, "%s %s", a ? "," : "", ir->handlers[s->alts[a]].name);
                    fprintf(out, " timeout %" PRIu32, s->ms);
                } else {
                    fprintf(out, " %s timeout %" PRIu32, ir->handlers[s->id].name, s->ms);
                }
                if (s->when) fprintf(out, " when x%d", s->when - 1);
                for (int a = 0; s->whens && a < s->nalts; a++)
                    if (s->whens[a]) fprintf(out, " %s when x%d", ir->handlers[s->alts[a]].name, s->whens[a] - 1);
                if (s->next == RC_NEXT_ALWAYS) fprintf(out, " then next");
                if (s->next == RC_NEXT_IF_OK) fprintf(out, " then next if ok");
                break;
            case RC_IR_DEGRADE: fprintf(out, " %s", ir->modes[s->id].name); break;
            case RC_IR_ESCALATE: fprintf(out, " %s", s->level >= 0 ? rc_ir_sev_names[s->level] : "(severity)"); break;
            case RC_IR_ABORT: break;
            }
            fputc('\n', out);
        }
    }
    const struct { const char *what; const rc_ir_name *v; int n; } k[] = {
        { "alternatives", ir->alts, ir->nalts }, { "modes", ir->modes, ir->nmodes },
        { "channels", ir->channels, ir->nchannels }, { "handlers", ir->handlers, ir->nhandlers },
        { "adjustments", ir->adjusts, ir->nadjusts },
    };
    for (int i = 0; i < ir->nparams; i++) {
        const rc_ir_param *p = &ir->params[i];
        fprintf(out, "param %d %s : %s in %" PRId64 "..%" PRId64 " = %" PRId64 "\n", i, p->name,
                rc_ptype_name(p->type), p->lo, p->hi, p->def);
    }
    static const char *const slot_names[] = {
        "attempts", "base", "factor", "max", "threshold", "rate", "min_calls", "open_ms", "probes",
        "close_after", "ratio", "min_retries", "window", "deadline", "step_ms", "expr",
    };
    for (int i = 0; i < ir->npbinds; i++)
        fprintf(out, "bind %s %d %d <- %s\n", slot_names[ir->pbinds[i].slot], ir->pbinds[i].obj,
                ir->pbinds[i].sub, ir->params[ir->pbinds[i].param].name);
    for (size_t g = 0; g < sizeof k / sizeof k[0]; g++) {
        if (!k[g].n) continue;
        fprintf(out, "%s:", k[g].what);
        for (int i = 0; i < k[g].n; i++) fprintf(out, " %s", k[g].v[i].name);
        fputc('\n', out);
    }
}

/* Bottom-up over exprs[0..root] (children have smaller indices): each
 * node's text from its children's, without recursion. */
void rc_ir_expr_text(const rc_ir *ir, int root, char *buf, size_t n)
{
    enum { W = 160 };
    static const char *const ops[] = { "==", "!=", "<", "<=", ">", ">=" };
    static const char *const opds[] = { "", "attempt", "elapsed", "severity", "class", "error" };
    if (n == 0) return;
    buf[0] = '\0';
    if (root < 0 || root >= ir->nexprs) return;
    char *t = malloc((size_t)(root + 1) * W);
    if (!t) return;
    for (int i = 0; i <= root; i++) {
        const rc_ir_expr *x = &ir->exprs[i];
        char *o = t + (size_t)i * W;
        const char *opd = x->opd == RC_OPD_FIELD ? ir->fields[x->field].name : opds[x->opd];
        char val[64];
        if (x->opd == RC_OPD_ERROR && x->value >= 0 && x->value < ir->nerrors)
            snprintf(val, sizeof val, "%s", ir->errors[x->value].name);
        else if (x->opd == RC_OPD_SEVERITY && x->value >= 0 && x->value < RC_SEV_COUNT)
            snprintf(val, sizeof val, "%s", rc_sev_names[x->value]);
        else if (x->opd == RC_OPD_CLASS && x->value >= 0 && x->value < ir->nclasses)
            snprintf(val, sizeof val, "%s", ir->classes[x->value].name);
        else
            snprintf(val, sizeof val, "%lld", (long long)x->value);
        switch (x->kind) {
        case RC_X_TRUE: snprintf(o, W, "true"); break;
        case RC_X_CMP: snprintf(o, W, "%s %s %s", opd, ops[x->op], val); break;
        case RC_X_IN: snprintf(o, W, "%s in %lld..%lld", opd, (long long)x->lo, (long long)x->hi); break;
        case RC_X_MATCH: snprintf(o, W, "%s ~ pattern %d", opd, x->pattern); break;
        case RC_X_AND:
        case RC_X_OR:
        case RC_X_NOT: {
            /* the operands' texts (earlier rows) copied out first: no
             * snprintf from the buffer it writes (gcc -Wrestrict) */
            char la[152], lb[72];
            snprintf(la, sizeof la, "%.150s", t + (size_t)x->a * W);
            if (x->kind == RC_X_NOT) {
                snprintf(o, W, "!%s", la);
                break;
            }
            snprintf(lb, sizeof lb, "%.70s", t + (size_t)x->b * W);
            la[70] = '\0';
            snprintf(o, W, x->kind == RC_X_AND ? "(%s && %s)" : "(%s || %s)", la, lb);
            break;
        }
        }
    }
    snprintf(buf, n, "%s", t + (size_t)root * W);
    free(t);
}

/* ---- statistics ----------------------------------------------------------- */

const char *const rc_stat_err_names[RC_STAT_ERR_KINDS] = {
    "failures", "retries", "fallbacks", "degrades", "escalations", "aborts", "recovered" };
const char *const rc_stat_brk_names[RC_STAT_BRK_KINDS] = { "opens", "half_opens", "rejections" };
const char *const rc_stat_use_names[RC_STAT_USE_KINDS] = { "tries", "successes" };

void rc_ir_stat_layout(const rc_ir *ir, rc_stat_layout *l)
{
    l->err = 0;
    l->brk = l->err + RC_STAT_ERR_KINDS * ir->nerrors;
    l->alt = l->brk + RC_STAT_BRK_KINDS * ir->nbreakers;
    l->hnd = l->alt + RC_STAT_USE_KINDS * ir->nalts;
    l->lim = l->hnd + RC_STAT_USE_KINDS * ir->nhandlers;
    l->n = ir->stats ? l->lim + RC_STAT_LIM_KINDS * rc_ir_nlimits(ir) : 0;
}

const char *rc_ir_limit_name(const rc_ir *ir, int m)
{
    return m == rc_ir_lim_rate(ir) ? "rate" : "concurrent";
}

bool rc_ir_stat_key(const rc_ir *ir, int i, char *buf, size_t n)
{
    rc_stat_layout l;
    rc_ir_stat_layout(ir, &l);
    if (i < 0 || i >= l.n) return false;
    if (i < l.brk) {
        int x = (i - l.err) / RC_STAT_ERR_KINDS, k = (i - l.err) % RC_STAT_ERR_KINDS;
        snprintf(buf, n, "error.%s.%s", ir->errors[x].name, rc_stat_err_names[k]);
    } else if (i < l.alt) {
        int x = (i - l.brk) / RC_STAT_BRK_KINDS, k = (i - l.brk) % RC_STAT_BRK_KINDS;
        snprintf(buf, n, "breaker.%s.%s", ir->breakers[x].name, rc_stat_brk_names[k]);
    } else if (i < l.hnd) {
        int x = (i - l.alt) / RC_STAT_USE_KINDS, k = (i - l.alt) % RC_STAT_USE_KINDS;
        snprintf(buf, n, "alt.%s.%s", ir->alts[x].name, rc_stat_use_names[k]);
    } else if (i < l.lim) {
        int x = (i - l.hnd) / RC_STAT_USE_KINDS, k = (i - l.hnd) % RC_STAT_USE_KINDS;
        snprintf(buf, n, "handler.%s.%s", ir->handlers[x].name, rc_stat_use_names[k]);
    } else {
        snprintf(buf, n, "limit.%s.refusals", rc_ir_limit_name(ir, i - l.lim));
    }
    return true;
}

int rc_ir_stat_find(const rc_ir *ir, const char *key)
{
    char buf[400];
    rc_stat_layout l;
    rc_ir_stat_layout(ir, &l);
    for (int i = 0; i < l.n; i++)
        if (rc_ir_stat_key(ir, i, buf, sizeof buf) && strcmp(buf, key) == 0) return i;
    return -1;
}
