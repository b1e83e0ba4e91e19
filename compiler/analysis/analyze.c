/* analyze.c - see analyze.h.  The entry point and the dead-configuration
 * checks; classification in analyze_cls.c, time and escalation in
 * analyze_time.c, the fault space in space.c. */
#include "analyze.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze_int.h"

/* -Wunused-field: a fault field that no condition and no `honor` reads. */
static void unused_fields(rc_an *an)
{
    const rc_ir *ir = an->ir;
    bool *read = calloc((size_t)ir->nfields + 1, 1);
    if (!read) return;
    for (int i = 0; i < ir->nexprs; i++) {
        const rc_ir_expr *e = &ir->exprs[i];
        if ((e->kind == RC_X_MATCH || ((e->kind == RC_X_CMP || e->kind == RC_X_IN) && e->opd == RC_OPD_FIELD)) &&
            e->field >= 0 && e->field < ir->nfields)
            read[e->field] = true;
    }
    for (int i = 0; i < ir->nretries; i++)
        if (ir->retries[i].honor_field >= 0) read[ir->retries[i].honor_field] = true;
    for (int f = 0; f < ir->nfields; f++)
        if (!read[f])
            rc_diag_warning(an->d, RC_W_UNUSED_FIELD, ir->fields[f].loc,
                            "fault field '%s' is never read by a condition or `honor`", ir->fields[f].name);
    free(read);
}

/* Dead configuration the checker cannot see without the exact analysis:
 * errors whose every rule is unreachable, breakers that count no error
 * classify can produce. */
static void dead_config(rc_an *an)
{
    const rc_ir *ir = an->ir;
    if (!an->exact) return;
    bool *named = calloc((size_t)ir->nerrors + 1, 1);
    bool *made = calloc((size_t)ir->nerrors + 1, 1);
    if (!named || !made) { free(named); free(made); return; }
    for (int r = 0; r < ir->nrules; r++) named[ir->rules[r].error] = true;
    /* produced: some classified situation with the error is not proven
     * empty (one pass over the set, not one copy of it per error) */
    if (an->classified.unknown) memset(made, 1, (size_t)ir->nerrors);
    else rc_cset_atoms_used(&an->sp, &an->classified, an->sp.error_var, made);
    for (int e = 0; e < ir->nerrors; e++) made[e] = named[e] && made[e];
    for (int e = 0; e < ir->nerrors; e++)
        if (named[e] && !made[e])
            rc_diag_warning(an->d, RC_W_UNUSED_ERROR, ir->errors[e].loc, "error '%s' is never produced: every "
                            "`classify` rule for it can never match", ir->errors[e].name);
    for (int k = 0; k < ir->nbreakers; k++) {
        bool any = false;
        for (int e = 0; e < ir->nerrors && !any; e++) any = ir->breakers[k].counts[e] && made[e];
        if (!any)
            rc_diag_warning(an->d, RC_W_UNUSED_STRATEGY, ir->breakers[k].loc, "breaker '%s' never opens: it counts "
                            "no error that `classify` can produce", ir->breakers[k].name);
    }
    free(named);
    free(made);
}

static void analyze_one(const rc_ir *ir, rc_diag *d)
{
    rc_arena a;
    rc_arena_init(&a);
    rc_an an;
    memset(&an, 0, sizeof an);
    an.ir = ir;
    an.d = d;
    an.exact = true;
    rc_space_init(&an.sp, &a, &ir, 1);
    rc_an_classify(&an);
    rc_an_blocks(&an);
    rc_an_time(&an);
    rc_an_escalation(&an);
    rc_an_breaker_retry(&an);
    rc_an_open_wait(&an);
    rc_an_budget_retry(&an);
    rc_an_limit_retry(&an);
    unused_fields(&an);
    dead_config(&an);
    rc_cset_free(&an.classified);
    if (an.taken)
        for (int b = 0; b < ir->nblocks; b++) rc_cset_free(&an.taken[b]);
    free(an.taken);
    rc_arena_free(&a);
}

/* ---- parameters: every analysis over the declared ranges ------------------
 *
 * Each analysis reads numbers; a parameter gives a range of them.  The
 * analyses run on instantiated copies of the IR (rc_ir_instantiate): first
 * with the defaults, whose findings are reported as they are, then at the
 * corners of the ranges (every combination of LO and HI for up to
 * RC_AN_CORNER_PARAMS parameters; beyond that all LO, all HI, and each
 * parameter alone at LO and at HI).  A finding (a message at a location with
 * a warning name) that a corner has and the defaults do not is reported once,
 * with the values that produce it: starting from the corner, each parameter
 * is moved back towards its default by bisection as long as the finding
 * stays, so the note names the values closest to the defaults that were
 * checked to produce it (the bisection assumes the finding is monotone in
 * each parameter; the values named are always ones the finding was seen
 * with). */
#define RC_AN_CORNER_PARAMS 6

typedef struct an_run {
    char *text;                 /* everything the run printed */
    size_t len;
    rc_diag_records recs;       /* the same messages as records, one per message of text, in order */
} an_run;

/* Runs the analyses at vals into a buffer, with d's options. */
static bool run_at(rc_arena *a, const rc_ir *ir, const rc_diag *d, const int64_t *vals,
                   an_run *out)
{
    out->text = NULL;
    out->len = 0;
    memset(&out->recs, 0, sizeof out->recs);
    FILE *f = open_memstream(&out->text, &out->len);
    if (!f) return false;
    rc_diag cd = *d;
    cd.out = f;
    cd.records = &out->recs;
    cd.errors = cd.warnings = 0;
    cd.internal = 0;
    cd.stopped = false;
    cd.last_printed = false;
    cd.max_errors = 0;
    analyze_one(rc_ir_instantiate(a, ir, vals), &cd);
    fclose(f);
    return true;
}

static void free_run(an_run *r)
{
    free(r->text);
    rc_diag_records_free(&r->recs);
}

/* The messages of a run: [start, end) of each, and its key (the text up to
 * "warning:"/"error:" plus its [-Wname]). */
typedef struct an_msg {
    size_t start, end;
    size_t kend;                /* end of the "file:line:col: kind:" prefix */
    const char *tag;            /* "[-W...]" of the first line, or "" */
    size_t taglen;
    bool error;
} an_msg;

static int split_msgs(const an_run *r, an_msg **out)
{
    int n = 0, cap = 0;
    an_msg *v = NULL;
    size_t i = 0;
    while (i < r->len) {
        size_t e = i;
        while (e < r->len && r->text[e] != '\n') e++;
        const char *line = r->text + i;
        size_t ll = e - i;
        const char *w = NULL;
        for (size_t k = 0; k + 10 < ll && !w; k++) {
            if (line[k] == ' ' && k == 0) break;
            if (!memcmp(line + k, ": warning: ", 11)) w = line + k + 11;
            else if (k + 9 < ll && !memcmp(line + k, ": error: ", 9)) w = line + k + 9;
        }
        if (w && line[0] != ' ') {
            if (n == cap) {
                cap = cap ? cap * 2 : 16;
                an_msg *nv = realloc(v, sizeof *nv * (size_t)cap);
                if (!nv) { free(v); *out = NULL; return 0; }
                v = nv;
            }
            an_msg *m = &v[n++];
            m->start = i;
            m->kend = (size_t)(w - r->text);
            m->error = w[-3] == 'r' && w[-4] == 'o';
            m->tag = "";
            m->taglen = 0;
            const char *t = memchr(line, '[', ll);
            const char *last = NULL;
            while (t) { last = t; t = memchr(t + 1, '[', (size_t)(line + ll - t - 1)); }
            if (last && line[ll - 1] == ']') { m->tag = last; m->taglen = (size_t)(line + ll - last); }
        }
        if (n) v[n - 1].end = e + 1 <= r->len ? e + 1 : r->len;
        i = e + 1;
    }
    *out = v;
    return n;
}

static bool same_key(const an_run *ra, const an_msg *a, const an_run *rb, const an_msg *b)
{
    return a->kend - a->start == b->kend - b->start &&
           !memcmp(ra->text + a->start, rb->text + b->start, a->kend - a->start) && a->taglen == b->taglen &&
           !memcmp(a->tag, b->tag, a->taglen);
}

/* Does run r have a message with the key of m (in run rm)? */
static int find_key(const an_run *r, const an_msg *msgs, int n, const an_run *rm, const an_msg *m)
{
    for (int i = 0; i < n; i++)
        if (same_key(r, &msgs[i], rm, m)) return i;
    return -1;
}

static bool has_key_at(rc_arena *a, const rc_ir *ir, const rc_diag *d,
                       const int64_t *vals, const an_run *rm, const an_msg *m)
{
    an_run r;
    if (!run_at(a, ir, d, vals, &r)) return false;
    an_msg *msgs;
    int n = split_msgs(&r, &msgs);
    bool found = find_key(&r, msgs, n, rm, m) >= 0;
    free(msgs);
    free_run(&r);
    return found;
}

/* Report message k of run r (its text and its record) through d. */
static void report_msg(rc_diag *d, const an_run *r, const an_msg *m, int k)
{
    if (d->out) fwrite(r->text + m->start, 1, m->end - m->start, d->out);
    if (k < r->recs.n) rc_diag_keep(d, &r->recs.v[k]);
}

static void analyze_params(const rc_ir *ir, rc_diag *d)
{
    rc_arena a;
    rc_arena_init(&a);
    int np = ir->nparams;
    int64_t *def = RC_NEW_ARRAY(&a, int64_t, np);
    for (int i = 0; i < np; i++) def[i] = ir->params[i].def;

    /* the corners */
    int ncorners;
    int64_t **corners;
    if (np <= RC_AN_CORNER_PARAMS) {
        ncorners = 1 << np;
        corners = RC_NEW_ARRAY(&a, int64_t *, ncorners);
        for (int c = 0; c < ncorners; c++) {
            corners[c] = RC_NEW_ARRAY(&a, int64_t, np);
            for (int i = 0; i < np; i++) corners[c][i] = (c >> i) & 1 ? ir->params[i].hi : ir->params[i].lo;
        }
    } else {
        ncorners = 2 + 2 * np;
        corners = RC_NEW_ARRAY(&a, int64_t *, ncorners);
        for (int c = 0; c < ncorners; c++) {
            corners[c] = RC_NEW_ARRAY(&a, int64_t, np);
            for (int i = 0; i < np; i++)
                corners[c][i] = c == 0 ? ir->params[i].lo : c == 1 ? ir->params[i].hi : def[i];
            if (c >= 2) {
                int i = (c - 2) / 2;
                corners[c][i] = (c - 2) % 2 ? ir->params[i].hi : ir->params[i].lo;
            }
        }
    }

    an_run base;
    if (!run_at(&a, ir, d, def, &base)) {
        rc_arena_free(&a);
        analyze_one(ir, d);
        return;
    }
    an_msg *bm;
    int nb = split_msgs(&base, &bm);
    /* the defaults' findings, as they are */
    if (d->out) fwrite(base.text, 1, base.len, d->out);
    for (int i = 0; i < base.recs.n; i++) rc_diag_keep(d, &base.recs.v[i]);
    for (int i = 0; i < nb; i++) {
        if (bm[i].error) d->errors++;
        else d->warnings++;
    }
    /* findings that only other values produce: once each */
    an_run *seen_runs = RC_NEW_ARRAY(&a, an_run, ncorners);
    an_msg **seen_msgs = RC_NEW_ARRAY(&a, an_msg *, ncorners);
    int *seen_n = RC_NEW_ARRAY(&a, int, ncorners);
    int nseen = 0;
    int64_t *v = RC_NEW_ARRAY(&a, int64_t, np);
    for (int c = 0; c < ncorners; c++) {
        an_run r;
        if (!run_at(&a, ir, d, corners[c], &r)) continue;
        an_msg *ms;
        int n = split_msgs(&r, &ms);
        seen_runs[nseen] = r;
        seen_msgs[nseen] = ms;
        seen_n[nseen] = n;
        nseen++;
        for (int k = 0; k < n; k++) {
            if (find_key(&base, bm, nb, &r, &ms[k]) >= 0) continue;
            bool dup = false;
            for (int s = 0; s < nseen - 1 && !dup; s++)
                dup = find_key(&seen_runs[s], seen_msgs[s], seen_n[s], &r, &ms[k]) >= 0;
            for (int j = 0; j < k && !dup; j++) dup = same_key(&r, &ms[j], &r, &ms[k]);
            if (dup) continue;
            /* move each parameter back towards its default while the finding stays */
            memcpy(v, corners[c], sizeof *v * (size_t)np);
            for (int i = 0; i < np; i++) {
                int64_t good = v[i], toward = def[i];
                if (good == toward) continue;
                v[i] = toward;
                if (has_key_at(&a, ir, d, v, &r, &ms[k])) continue;   /* this parameter does not matter */
                int64_t bad = toward;   /* finding absent at bad, present at good */
                while (good - bad > 1 || bad - good > 1) {
                    int64_t mid = bad + (good - bad) / 2;
                    v[i] = mid;
                    if (has_key_at(&a, ir, d, v, &r, &ms[k])) good = mid;
                    else bad = mid;
                }
                v[i] = good;
            }
            an_run fr;
            memset(&fr, 0, sizeof fr);
            an_msg *fm = NULL;
            int fn = 0, at = -1;
            if (run_at(&a, ir, d, v, &fr)) {
                fn = split_msgs(&fr, &fm);
                at = find_key(&fr, fm, fn, &r, &ms[k]);
            }
            const an_run *pr = at >= 0 ? &fr : &r;
            const an_msg *pm = at >= 0 ? &fm[at] : &ms[k];
            const int64_t *pv = at >= 0 ? v : corners[c];
            report_msg(d, pr, pm, at >= 0 ? at : k);
            if (pm->error) d->errors++;
            else d->warnings++;
            char with[512];
            size_t used = 0;
            int first = -1;
            for (int i = 0; i < np && used < sizeof with - 64; i++) {
                if (pv[i] == def[i]) continue;
                char val[32], dv[32];
                rc_ir_param_format(&ir->params[i], pv[i], val, sizeof val);
                rc_ir_param_format(&ir->params[i], def[i], dv, sizeof dv);
                used += (size_t)snprintf(with + used, sizeof with - used, "%s%s = %s (default %s)",
                                         first < 0 ? "" : ", ", ir->params[i].name, val, dv);
                if (first < 0) first = i;
            }
            d->last_printed = true;
            if (first >= 0)
                rc_diag_note(d, ir->params[first].loc, "this holds with %s; every value of the declared range "
                             "is analysed: narrow the range or change the policy", with);
            free(fm);
            free_run(&fr);
        }
    }
    for (int s = 0; s < nseen; s++) {
        free(seen_msgs[s]);
        free_run(&seen_runs[s]);
    }
    free(bm);
    free_run(&base);
    rc_arena_free(&a);
}

void rc_analyze(const rc_ir *ir, rc_diag *d)
{
    if (ir->nparams == 0) analyze_one(ir, d);
    else analyze_params(ir, d);
}
