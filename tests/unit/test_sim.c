/* test_sim.c - the simulator against spec/semantics.md, on IRs built by hand.
 *
 * Every expected number below is worked out from the spec by hand (or, for
 * jitter, by an independent replay of the PRNG with recov_uniform), not read
 * back from the simulator.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "sim.h"

/* ---- a tiny IR builder ---------------------------------------------------
 * Fields: 0 status:u16, 1 message:text (one pattern: substring "x"),
 *         2 retry_after:u32, 3 neg:i32, 4 flag:bool.
 * Errors e0..e3 with severities low, medium, high, critical, classes 0,0,1,1.
 * Classify: message ~ "x" => e3; status == 101 => e1; status == 102 => e2;
 *           flag => e3 (via flag == 1); _ => e0.
 */
enum { F_STATUS, F_MSG, F_RETRY_AFTER, F_NEG, F_FLAG, NFIELDS };
enum { MAXN = 8 };

typedef struct fx {
    rc_arena a;
    rc_ir ir;
    rc_sim *sim;
    rc_sim_value v[NFIELDS];
    rc_sim_fault f;
} fx;

static const uint8_t x_trans[4] = { 0, 1, 1, 1 };      /* 2 states x 2 classes */
static const uint32_t x_acc[2] = { 0, 1 };
static const uint32_t x_acc_end[2] = { 0, 0 };
static const uint32_t x_masks[2] = { 0, 1 };

static int add_expr(rc_ir *ir, rc_ir_expr x)
{
    ir->exprs[ir->nexprs] = x;
    return ir->nexprs++;
}

static void build(fx *t)
{
    rc_arena *a = &t->a;
    rc_ir *ir = &t->ir;
    rc_arena_init(a);
    memset(ir, 0, sizeof *ir);
    ir->name = "p";
    ir->fields = RC_NEW_ARRAY(a, rc_ir_field, NFIELDS);
    ir->nfields = NFIELDS;
    static const char *const fnames[NFIELDS] = { "status", "message", "retry_after", "neg", "flag" };
    static const rc_type ftypes[NFIELDS] = { RC_TY_U16, RC_TY_TEXT, RC_TY_U32, RC_TY_I32, RC_TY_BOOL };
    for (int i = 0; i < NFIELDS; i++) {
        ir->fields[i].name = fnames[i];
        ir->fields[i].type = ftypes[i];
        ir->fields[i].text_index = i == F_MSG ? 0 : -1;
    }
    ir->classes = RC_NEW_ARRAY(a, rc_ir_class, 2);
    ir->nclasses = 2;
    ir->classes[0].name = "transient";
    ir->classes[1].name = "logic";
    ir->errors = RC_NEW_ARRAY(a, rc_ir_error, 4);
    ir->nerrors = 4;
    static const char *const enames[4] = { "e0", "e1", "e2", "e3" };
    for (int i = 0; i < 4; i++) {
        ir->errors[i].name = enames[i];
        ir->errors[i].severity = (rc_severity)i;
        ir->errors[i].cls = i / 2;
    }
    /* text DFA for message: one pattern, "x" anywhere */
    ir->texts = RC_NEW_ARRAY(a, rc_ir_textfield, 1);
    ir->ntexts = 1;
    ir->texts[0].field = F_MSG;
    ir->texts[0].npatterns = 1;
    rc_dfa *d = &ir->texts[0].dfa;
    d->nstates = 2;
    d->nclasses = 2;
    d->npatterns = 1;
    d->words = 1;
    d->nmasks = 2;
    d->classmap['x'] = 1;
    d->trans = RC_NEW_ARRAY(a, uint32_t, 4);
    for (int i = 0; i < 4; i++) d->trans[i] = x_trans[i];
    d->acc = (uint32_t *)x_acc;
    d->acc_end = (uint32_t *)x_acc_end;
    d->masks = (uint32_t *)x_masks;

    ir->exprs = RC_NEW_ARRAY(a, rc_ir_expr, 64);
    int any = add_expr(ir, (rc_ir_expr){ .kind = RC_X_TRUE });
    int mx = add_expr(ir, (rc_ir_expr){ .kind = RC_X_MATCH, .field = F_MSG, .pattern = 0 });
    int s1 = add_expr(ir, (rc_ir_expr){ .kind = RC_X_CMP, .opd = RC_OPD_FIELD, .field = F_STATUS,
                                        .op = RC_IR_EQ, .value = 101 });
    int s2 = add_expr(ir, (rc_ir_expr){ .kind = RC_X_IN, .opd = RC_OPD_FIELD, .field = F_STATUS,
                                        .lo = 102, .hi = 102 });
    int fl = add_expr(ir, (rc_ir_expr){ .kind = RC_X_CMP, .opd = RC_OPD_FIELD, .field = F_FLAG,
                                        .op = RC_IR_EQ, .value = 1 });
    ir->rules = RC_NEW_ARRAY(a, rc_ir_rule, 5);
    ir->rules[0] = (rc_ir_rule){ .cond = mx, .error = 3 };
    ir->rules[1] = (rc_ir_rule){ .cond = s1, .error = 1 };
    ir->rules[2] = (rc_ir_rule){ .cond = s2, .error = 2 };
    ir->rules[3] = (rc_ir_rule){ .cond = fl, .error = 3 };
    ir->rules[4] = (rc_ir_rule){ .cond = any, .error = 0 };
    ir->nrules = 5;

    ir->retries = RC_NEW_ARRAY(a, rc_ir_retry, MAXN);
    ir->breakers = RC_NEW_ARRAY(a, rc_ir_breaker, MAXN);
    ir->budgets = RC_NEW_ARRAY(a, rc_ir_budget, MAXN);
    ir->blocks = RC_NEW_ARRAY(a, rc_ir_block, MAXN);
    static const char *const alts[3] = { "alt_a", "alt_b", "alt_c" };
    ir->alts = RC_NEW_ARRAY(a, rc_ir_name, 3);
    ir->nalts = 3;
    for (int i = 0; i < 3; i++) ir->alts[i].name = alts[i];
    ir->modes = RC_NEW_ARRAY(a, rc_ir_name, 1);
    ir->modes[0].name = "cached";
    ir->nmodes = 1;
    ir->handlers = RC_NEW_ARRAY(a, rc_ir_name, 1);
    ir->handlers[0].name = "fix";
    ir->nhandlers = 1;
    ir->adjusts = RC_NEW_ARRAY(a, rc_ir_name, 1);
    ir->adjusts[0].name = "shrink";
    ir->nadjusts = 1;
    static const char *const chans[4] = { "log", "ticket", "oncall", "incident" };
    ir->channels = RC_NEW_ARRAY(a, rc_ir_name, 4);
    ir->nchannels = 4;
    for (int i = 0; i < 4; i++) ir->channels[i].name = chans[i];
    ir->has_escalation = true;
    for (int i = 0; i < 4; i++) {
        ir->escalation.channel[i] = i;
        ir->escalation.sla_ms[i] = (uint32_t)(i * 1000);
    }
    memset(t->v, 0, sizeof t->v);
    t->f.v = t->v;
}

static int add_retry(fx *t, rc_backoff kind, uint32_t base, uint32_t factor, uint16_t attempts)
{
    rc_ir *ir = &t->ir;
    rc_ir_retry *r = &ir->retries[ir->nretries];
    memset(r, 0, sizeof *r);
    r->name = "r";
    r->attempts = attempts;
    r->backoff = kind;
    r->base_ms = base;
    r->factor_milli = factor;
    r->max_ms = UINT32_MAX;
    r->jitter = RC_JITTER_NONE;
    r->error_scale = RC_NEW_ARRAY(&t->a, uint32_t, 4);
    for (int i = 0; i < 4; i++) r->error_scale[i] = 1000;
    for (int i = 0; i < RC_SEV_COUNT; i++) r->sev_scale[i] = 1000;
    r->honor_field = -1;
    return ir->nretries++;
}

/* A block for the errors in mask `errs` (bit i = error i) with n steps. */
static rc_ir_block *add_block(fx *t, unsigned errs, int nsteps)
{
    rc_ir *ir = &t->ir;
    rc_ir_block *b = &ir->blocks[ir->nblocks++];
    memset(b, 0, sizeof *b);
    b->errors = RC_NEW_ARRAY(&t->a, bool, 4);
    for (int i = 0; i < 4; i++) b->errors[i] = (errs >> i) & 1u;
    b->when = -1;
    b->steps = RC_NEW_ARRAY(&t->a, rc_ir_step, nsteps);
    b->nsteps = nsteps;
    b->terminal = -1;
    return b;
}

static void set_terminal(rc_ir_block *b)
{
    b->terminal = -1;
    for (int i = 0; i < b->nsteps; i++) {
        rc_ir_stepkind k = b->steps[i].kind;
        if (k == RC_IR_DEGRADE || k == RC_IR_ESCALATE || k == RC_IR_ABORT) b->terminal = i;
    }
}

static rc_ir_step step_retry(int r) { return (rc_ir_step){ .kind = RC_IR_RETRY, .retry = r }; }
static rc_ir_step step_kind(rc_ir_stepkind k) { return (rc_ir_step){ .kind = k, .level = -1 }; }

static int *alt_list(fx *t, int n, const int *ids)
{
    int *v = RC_NEW_ARRAY(&t->a, int, n);
    memcpy(v, ids, sizeof *v * (size_t)n);
    return v;
}

static rc_ir_breaker *add_breaker(fx *t)
{
    rc_ir *ir = &t->ir;
    rc_ir_breaker *b = &ir->breakers[ir->nbreakers++];
    memset(b, 0, sizeof *b);
    b->name = "br";
    b->counts = RC_NEW_ARRAY(&t->a, bool, 4);
    for (int i = 0; i < 4; i++) b->counts[i] = true;
    return b;
}

static void start(fx *t, uint32_t now, uint32_t seed)
{
    t->sim = rc_sim_new(&t->a, &t->ir);
    rc_sim_init(t->sim, now, seed);
}

static recov_decision fail_status(fx *t, int64_t status, uint32_t now)
{
    memset(t->v, 0, sizeof t->v);
    t->v[F_STATUS].i = status;
    return rc_sim_failed(t->sim, &t->f, now);
}

static void done(fx *t) { rc_arena_free(&t->a); }

#define ASSERT_D(d, k, i, m, e, att) do { \
    recov_decision d_ = (d); \
    assert_int_equal(d_.kind, (k)); assert_int_equal(d_.id, (i)); \
    assert_int_equal(d_.ms, (m)); assert_int_equal(d_.error, (e)); \
    assert_int_equal(d_.attempt, (att)); } while (0)

/* ---- classification ----------------------------------------------------- */

static void test_classify(void **state)
{
    (void)state;
    fx t;
    build(&t);
    rc_ir_block *b = add_block(&t, 0xF, 1);
    b->steps[0] = step_kind(RC_IR_ABORT);
    start(&t, 0, 1);
    memset(t.v, 0, sizeof t.v);
    assert_int_equal(rc_sim_classify(t.sim, &t.f, 0), 0);
    t.v[F_STATUS].i = 101;
    assert_int_equal(rc_sim_classify(t.sim, &t.f, 0), 1);
    t.v[F_STATUS].i = 102;
    assert_int_equal(rc_sim_classify(t.sim, &t.f, 0), 2);
    /* the text rule comes first */
    t.v[F_MSG].text = "abxcd";
    t.v[F_MSG].len = 5;
    assert_int_equal(rc_sim_classify(t.sim, &t.f, 0), 3);
    /* text ends at its first NUL, as a C string would */
    t.v[F_MSG].text = "ab\0x";
    t.v[F_MSG].len = 4;
    assert_int_equal(rc_sim_classify(t.sim, &t.f, 0), 2);
    t.v[F_MSG].text = NULL;
    t.v[F_STATUS].i = 0;
    t.v[F_FLAG].i = 1;
    assert_int_equal(rc_sim_classify(t.sim, &t.f, 0), 3);
    /* a u16 field holds 65536 + 101 as 101, like the C struct member */
    t.v[F_FLAG].i = 0;
    t.v[F_STATUS].i = 65536 + 101;
    assert_int_equal(rc_sim_classify(t.sim, &t.f, 0), 1);

    /* the decision carries severity, class, attempt */
    recov_decision d = fail_status(&t, 102, 5);
    assert_int_equal(d.kind, RECOV_ABORT);
    assert_int_equal(d.error, 2);
    assert_int_equal(d.severity, RC_SEV_HIGH);
    assert_int_equal(d.error_class, 1);
    assert_int_equal(d.attempt, 1);
    assert_int_equal(t.sim->inc->active, 0);
    done(&t);
}

/* ---- retry delays ------------------------------------------------------- */

static void test_backoff_kinds(void **state)
{
    (void)state;
    fx t;
    build(&t);
    int rc = add_retry(&t, RC_BACKOFF_CONSTANT, 100, 1000, 3);
    int rl = add_retry(&t, RC_BACKOFF_LINEAR, 100, 1000, 3);
    int re = add_retry(&t, RC_BACKOFF_EXPONENTIAL, 1000, 2000, 4);
    t.ir.retries[re].max_ms = 3000;
    rc_ir_block *b0 = add_block(&t, 1u << 0, 1);
    b0->steps[0] = step_retry(rc);
    rc_ir_block *b1 = add_block(&t, 1u << 1, 1);
    b1->steps[0] = step_retry(rl);
    rc_ir_block *b2 = add_block(&t, 1u << 2, 1);
    b2->steps[0] = step_retry(re);
    start(&t, 0, 7);

    ASSERT_D(fail_status(&t, 0, 0), RECOV_RETRY, 0, 100, 0, 1);
    ASSERT_D(fail_status(&t, 0, 10), RECOV_RETRY, 0, 100, 0, 2);
    ASSERT_D(fail_status(&t, 0, 20), RECOV_RETRY, 0, 100, 0, 3);
    /* off the end of the block: abort, incident over */
    ASSERT_D(fail_status(&t, 0, 30), RECOV_ABORT, 0, 0, 0, 4);
    assert_int_equal(t.sim->inc->active, 0);

    ASSERT_D(fail_status(&t, 101, 40), RECOV_RETRY, 0, 100, 1, 1);
    ASSERT_D(fail_status(&t, 101, 50), RECOV_RETRY, 0, 200, 1, 2);
    ASSERT_D(fail_status(&t, 101, 60), RECOV_RETRY, 0, 300, 1, 3);
    ASSERT_D(fail_status(&t, 101, 70), RECOV_ABORT, 0, 0, 1, 4);

    ASSERT_D(fail_status(&t, 102, 80), RECOV_RETRY, 0, 1000, 2, 1);
    ASSERT_D(fail_status(&t, 102, 90), RECOV_RETRY, 0, 2000, 2, 2);
    ASSERT_D(fail_status(&t, 102, 91), RECOV_RETRY, 0, 3000, 2, 3);  /* 4000 capped */
    ASSERT_D(fail_status(&t, 102, 92), RECOV_RETRY, 0, 3000, 2, 4);
    ASSERT_D(fail_status(&t, 102, 93), RECOV_ABORT, 0, 0, 2, 5);
    done(&t);
}

static void test_scales_and_honor(void **state)
{
    (void)state;
    fx t;
    build(&t);
    int r = add_retry(&t, RC_BACKOFF_CONSTANT, 1000, 1000, 5);
    t.ir.retries[r].error_scale[2] = 2000;        /* e2 x2 */
    t.ir.retries[r].sev_scale[RC_SEV_HIGH] = 1500; /* e2 is high: x1.5 */
    t.ir.retries[r].sev_scale[RC_SEV_MEDIUM] = 333;
    t.ir.retries[r].max_ms = 2500;
    t.ir.retries[r].honor_field = F_RETRY_AFTER;
    rc_ir_block *b = add_block(&t, 0xF, 1);
    b->steps[0] = step_retry(r);
    start(&t, 0, 1);

    /* e2: 1000 * 2 * 1.5 = 3000, capped to 2500 */
    ASSERT_D(fail_status(&t, 102, 0), RECOV_RETRY, 0, 2500, 2, 1);
    /* e1 (medium): floor(1000 * 0.333) = 333 */
    ASSERT_D(fail_status(&t, 101, 1), RECOV_RETRY, 0, 333, 1, 2);
    /* honor lifts above the cap */
    memset(t.v, 0, sizeof t.v);
    t.v[F_RETRY_AFTER].i = 7000;
    ASSERT_D(rc_sim_failed(t.sim, &t.f, 2), RECOV_RETRY, 0, 7000, 0, 3);
    /* ...but never lowers the delay */
    t.v[F_RETRY_AFTER].i = 10;
    ASSERT_D(rc_sim_failed(t.sim, &t.f, 3), RECOV_RETRY, 0, 1000, 0, 4);
    done(&t);

    /* a negative honor field counts as 0 */
    build(&t);
    r = add_retry(&t, RC_BACKOFF_CONSTANT, 1000, 1000, 5);
    t.ir.retries[r].honor_field = F_NEG;
    b = add_block(&t, 0xF, 1);
    b->steps[0] = step_retry(r);
    start(&t, 0, 1);
    memset(t.v, 0, sizeof t.v);
    t.v[F_NEG].i = -5000;
    ASSERT_D(rc_sim_failed(t.sim, &t.f, 0), RECOV_RETRY, 0, 1000, 0, 1);
    t.v[F_NEG].i = 4000;
    ASSERT_D(rc_sim_failed(t.sim, &t.f, 0), RECOV_RETRY, 0, 4000, 0, 2);
    done(&t);
}

/* Each jitter kind: the delay equals an independent replay of the PRNG with
 * recov_uniform over the spec's bounds, and lies within them. */
static void test_jitter(void **state)
{
    (void)state;
    for (uint32_t seed = 1; seed < 200; seed += 7) {
        for (int kind = RC_JITTER_NONE; kind <= RC_JITTER_DECORRELATED; kind++) {
            fx t;
            build(&t);
            int r = add_retry(&t, RC_BACKOFF_EXPONENTIAL, 1000, 2000, 4);
            t.ir.retries[r].jitter = (rc_jitter)kind;
            t.ir.retries[r].jitter_pct = 25;
            rc_ir_block *b = add_block(&t, 0xF, 1);
            b->steps[0] = step_retry(r);
            start(&t, 0, seed);
            uint32_t prng = seed, prev = 0;
            for (uint32_t n = 1; n <= 4; n++) {
                uint32_t d = 1000u << (n - 1), lo = d, hi = d;
                switch (kind) {
                case RC_JITTER_PERCENT: lo = d - d / 4; hi = d + d / 4; break;
                case RC_JITTER_FULL: lo = 0; hi = d - 1; break;   /* [0, d) */
                case RC_JITTER_EQUAL: lo = d / 2; hi = d - 1; break; /* [d/2, d) */
                case RC_JITTER_DECORRELATED: lo = 1000; hi = 3 * (prev ? prev : 1000); break;
                default: break;
                }
                uint32_t want = kind == RC_JITTER_NONE ? d : recov_uniform(&prng, lo, hi);
                recov_decision got = fail_status(&t, 0, n);
                assert_int_equal(got.kind, RECOV_RETRY);
                assert_int_equal(got.ms, want);
                assert_true(got.ms >= lo && got.ms <= hi);
                assert_int_equal(t.sim->prng, prng);
                prev = got.ms;
            }
            done(&t);
        }
    }
    /* seed 0 means the default seed */
    fx t;
    build(&t);
    add_block(&t, 0xF, 1)->steps[0] = step_kind(RC_IR_ABORT);
    start(&t, 0, 0);
    assert_int_equal(t.sim->prng, RECOV_PRNG_DEFAULT_SEED);
    done(&t);
}

/* ---- breakers ----------------------------------------------------------- */

static void test_breaker_consecutive(void **state)
{
    (void)state;
    fx t;
    build(&t);
    rc_ir_breaker *br = add_breaker(&t);
    br->mode = RC_BREAKER_CONSECUTIVE;
    br->threshold = 2;
    br->open_ms = 1000;
    br->probes = 2;
    br->close_after = 2;
    br->counts[1] = false;                        /* e1 does not count */
    int r = add_retry(&t, RC_BACKOFF_CONSTANT, 10, 1000, 9);
    rc_ir_block *b = add_block(&t, 0xF, 2);
    b->steps[0] = step_retry(r);
    b->steps[1] = step_kind(RC_IR_DEGRADE);
    set_terminal(b);
    start(&t, 0, 1);

    assert_int_equal(rc_sim_admit(t.sim, 0), RECOV_ALLOW);
    ASSERT_D(fail_status(&t, 0, 0), RECOV_RETRY, 0, 10, 0, 1);
    assert_int_equal(t.sim->breakers[0].fails, 1);
    ASSERT_D(fail_status(&t, 101, 10), RECOV_RETRY, 0, 10, 1, 2);   /* not counted */
    assert_int_equal(t.sim->breakers[0].fails, 1);
    /* second counted failure opens it; the retry step is skipped while open */
    ASSERT_D(fail_status(&t, 0, 20), RECOV_DEGRADE, 0, 0, 0, 3);
    assert_int_equal(t.sim->breakers[0].state, RC_SIM_OPEN);
    assert_int_equal(t.sim->breakers[0].opened_at, 20);
    assert_int_equal(rc_sim_admit(t.sim, 1019), RECOV_REJECT);
    /* open for 1000 ms: half-open, `probes` calls admitted */
    assert_int_equal(rc_sim_admit(t.sim, 1020), RECOV_ALLOW);
    assert_int_equal(t.sim->breakers[0].state, RC_SIM_HALF_OPEN);
    assert_int_equal(rc_sim_admit(t.sim, 1021), RECOV_ALLOW);
    assert_int_equal(rc_sim_admit(t.sim, 1022), RECOV_REJECT);
    assert_int_equal(t.sim->breakers[0].admitted, 2);
    /* a counted failure while half-open reopens it */
    ASSERT_D(fail_status(&t, 0, 1030), RECOV_DEGRADE, 0, 0, 0, 1);
    assert_int_equal(t.sim->breakers[0].state, RC_SIM_OPEN);
    assert_int_equal(t.sim->breakers[0].opened_at, 1030);
    assert_int_equal(rc_sim_admit(t.sim, 2029), RECOV_REJECT);
    assert_int_equal(rc_sim_admit(t.sim, 2030), RECOV_ALLOW);
    /* close after 2 successes */
    rc_sim_succeeded(t.sim, 2040);
    assert_int_equal(t.sim->breakers[0].state, RC_SIM_HALF_OPEN);
    assert_int_equal(t.sim->breakers[0].successes, 1);
    rc_sim_succeeded(t.sim, 2050);
    assert_int_equal(t.sim->breakers[0].state, RC_SIM_CLOSED);
    assert_int_equal(t.sim->breakers[0].admitted, 0);
    /* closed: a success resets the consecutive count */
    ASSERT_D(fail_status(&t, 0, 3000), RECOV_RETRY, 0, 10, 0, 1);
    rc_sim_succeeded(t.sim, 3010);
    assert_int_equal(t.sim->breakers[0].fails, 0);
    ASSERT_D(fail_status(&t, 0, 3020), RECOV_RETRY, 0, 10, 0, 1);
    assert_int_equal(t.sim->breakers[0].state, RC_SIM_CLOSED);
    done(&t);
}

/* net mode: a counted failure adds 1, a success while closed takes 1 off,
 * never below 0; uncounted failures leave the count alone */
static void test_breaker_net(void **state)
{
    (void)state;
    fx t;
    build(&t);
    rc_ir_breaker *br = add_breaker(&t);
    br->mode = RC_BREAKER_NET;
    br->threshold = 5;
    br->open_ms = 1000;
    br->probes = 1;
    br->close_after = 1;
    br->counts[1] = false;                        /* e1 does not count */
    rc_ir_block *b = add_block(&t, 0xF, 1);
    b->steps[0] = step_kind(RC_IR_ABORT);
    start(&t, 0, 1);
    rc_sim_breaker *s = &t.sim->breakers[0];

    /* the count never goes below 0: three successes first change nothing */
    rc_sim_succeeded(t.sim, 0);
    rc_sim_succeeded(t.sim, 1);
    rc_sim_succeeded(t.sim, 2);
    assert_int_equal(s->fails, 0);
    /* F F S F F F F: 1 2 1 2 3 4 5, open at the seventh outcome */
    uint16_t want[] = {1, 2, 1, 2, 3, 4};
    const char *seq = "FFSFFF";
    for (int i = 0; seq[i]; i++) {
        if (seq[i] == 'F') ASSERT_D(fail_status(&t, 0, (uint32_t)(10 + i)), RECOV_ABORT, 0, 0, 0, 1);
        else rc_sim_succeeded(t.sim, (uint32_t)(10 + i));
        assert_int_equal(s->fails, want[i]);
        assert_int_equal(s->state, RC_SIM_CLOSED);
    }
    /* an uncounted failure neither adds nor takes off */
    ASSERT_D(fail_status(&t, 101, 20), RECOV_ABORT, 0, 0, 1, 1);
    assert_int_equal(s->fails, 4);
    assert_int_equal(s->state, RC_SIM_CLOSED);
    ASSERT_D(fail_status(&t, 0, 30), RECOV_ABORT, 0, 0, 0, 1);
    assert_int_equal(s->state, RC_SIM_OPEN);
    assert_int_equal(s->opened_at, 30);
    assert_int_equal(s->fails, 0);
    assert_int_equal(rc_sim_admit(t.sim, 1029), RECOV_REJECT);
    /* while open a success (of a call made before) takes nothing off */
    rc_sim_succeeded(t.sim, 1029);
    assert_int_equal(s->fails, 0);
    assert_int_equal(s->state, RC_SIM_OPEN);
    /* half-open, one success closes it with the count at 0 */
    assert_int_equal(rc_sim_admit(t.sim, 1030), RECOV_ALLOW);
    rc_sim_succeeded(t.sim, 1040);
    assert_int_equal(s->state, RC_SIM_CLOSED);
    assert_int_equal(s->fails, 0);
    /* the count saturates instead of wrapping */
    s->fails = 0xFFFFu;
    s->state = RC_SIM_CLOSED;
    br->threshold = 0xFFFFu;
    ASSERT_D(fail_status(&t, 0, 1050), RECOV_ABORT, 0, 0, 0, 1);
    assert_int_equal(s->state, RC_SIM_OPEN);
    done(&t);
}

static void test_breaker_rate(void **state)
{
    (void)state;
    fx t;
    build(&t);
    rc_ir_breaker *br = add_breaker(&t);
    br->mode = RC_BREAKER_RATE;
    br->rate_pct = 50;
    br->window = 4;
    br->min_calls = 4;
    br->open_ms = 100;
    br->probes = 1;
    br->close_after = 1;
    rc_ir_block *b = add_block(&t, 0xF, 1);
    b->steps[0] = step_kind(RC_IR_ABORT);
    start(&t, 0, 1);
    rc_sim_breaker *s = &t.sim->breakers[0];

    fail_status(&t, 0, 0);                                   /* F */
    assert_int_equal(s->window, 0x1);
    assert_int_equal(s->n, 1);
    rc_sim_succeeded(t.sim, 1);                              /* S */
    fail_status(&t, 0, 2);                                   /* F: 3 of 4 needed */
    assert_int_equal(s->window, 0x5);
    assert_int_equal(s->n, 3);
    fail_status(&t, 0, 3);                                   /* F: n=4, 3 fails: opens */
    assert_int_equal(s->state, RC_SIM_OPEN);
    assert_int_equal(s->window, 0);
    assert_int_equal(s->n, 0);
    assert_int_equal(rc_sim_admit(t.sim, 103), RECOV_ALLOW);
    rc_sim_succeeded(t.sim, 104);
    assert_int_equal(s->state, RC_SIM_CLOSED);

    /* F S S S S F: the window keeps 4 outcomes; 1 of 4 stays closed */
    fail_status(&t, 0, 200);
    for (uint32_t i = 0; i < 4; i++) rc_sim_succeeded(t.sim, 201 + i);
    assert_int_equal(s->window, 0);
    assert_int_equal(s->n, 4);
    fail_status(&t, 0, 210);                                 /* S S S F: 25% */
    assert_int_equal(s->state, RC_SIM_CLOSED);
    fail_status(&t, 0, 211);                                 /* S S F F: 50% opens */
    assert_int_equal(s->state, RC_SIM_OPEN);
    done(&t);
}

/* A time window (spec/semantics.md, *Record*): 4 buckets of 100 ms. */
static void test_breaker_time(void **state)
{
    (void)state;
    fx t;
    build(&t);
    rc_ir_breaker *br = add_breaker(&t);
    br->mode = RC_BREAKER_TIME;
    br->rate_pct = 50;
    br->window_ms = 400;
    br->buckets = 4;
    br->min_calls = 3;
    br->open_ms = 100;
    br->probes = 1;
    br->close_after = 1;
    rc_ir_block *b = add_block(&t, 0xF, 1);
    b->steps[0] = step_kind(RC_IR_ABORT);
    start(&t, 1000, 1);
    rc_sim_breaker *s = &t.sim->breakers[0];
    assert_int_equal(s->bstart, 1000);

    rc_sim_succeeded(t.sim, 1099);                           /* bucket 0 [1000, 1100) */
    assert_int_equal(s->head, 0);
    assert_int_equal(s->bcalls[0], 1);
    fail_status(&t, 0, 1250);                                /* two buckets on: [1200, 1300) */
    assert_int_equal(s->head, 2);
    assert_int_equal(s->bstart, 1200);
    assert_int_equal(s->bcalls[2], 1);
    assert_int_equal(s->bfails[2], 1);
    assert_int_equal(s->state, RC_SIM_CLOSED);               /* 2 calls, below min 3 */
    /* at 1400 bucket 0 (the success at 1099) rolls out: F F, still 2 calls */
    fail_status(&t, 0, 1400);
    assert_int_equal(s->head, 0);
    assert_int_equal(s->bcalls[0], 1);
    assert_int_equal(s->state, RC_SIM_CLOSED);
    fail_status(&t, 0, 1401);                                /* 3 of 3 */
    assert_int_equal(s->state, RC_SIM_OPEN);
    assert_int_equal(s->bstart, 1401);                       /* opening clears and restarts the buckets */
    assert_int_equal(s->head, 0);
    assert_int_equal(s->bcalls[0], 0);
    assert_int_equal(rc_sim_admit(t.sim, 1501), RECOV_ALLOW);
    rc_sim_succeeded(t.sim, 1502);
    assert_int_equal(s->state, RC_SIM_CLOSED);
    assert_int_equal(s->bstart, 1502);

    /* a full bucket records nothing more, so failures never pass calls */
    s->bcalls[0] = 0xFFFFu;
    fail_status(&t, 0, 1503);
    assert_int_equal(s->bcalls[0], 0xFFFFu);
    assert_int_equal(s->bfails[0], 0);
    assert_int_equal(s->state, RC_SIM_CLOSED);

    /* an idle gap of more than the window: every bucket cleared, the
     * buckets still aligned to 100 ms from bstart */
    fail_status(&t, 0, 1502u + 100000u + 42u);
    assert_int_equal(s->bstart, 1502u + 100000u);
    assert_int_equal(s->bcalls[s->head], 1);
    uint32_t n = 0;
    for (int j = 0; j < 4; j++) n += s->bcalls[j];
    assert_int_equal(n, 1);
    done(&t);
}

/* Slow calls: the duration runs from the ALLOW to the outcome. */
static void test_breaker_slow(void **state)
{
    (void)state;
    fx t;
    build(&t);
    rc_ir_breaker *br = add_breaker(&t);
    br->mode = RC_BREAKER_TIME;
    br->rate_pct = 100;
    br->window_ms = 1000;
    br->buckets = 1;
    br->min_calls = 2;
    br->slow_ms = 20;
    br->slow_pct = 50;
    br->open_ms = 100;
    br->probes = 1;
    br->close_after = 1;
    rc_ir_block *b = add_block(&t, 0xF, 1);
    b->steps[0] = step_kind(RC_IR_ABORT);
    start(&t, 0, 1);
    rc_sim_breaker *s = &t.sim->breakers[0];
    assert_int_equal(rc_sim_admit(t.sim, 10), RECOV_ALLOW);
    rc_sim_succeeded(t.sim, 30);                             /* 20 ms: not above 20 */
    assert_int_equal(s->bslow[0], 0);
    rc_sim_succeeded(t.sim, 500);                            /* no admission: never slow */
    assert_int_equal(s->bslow[0], 0);
    assert_int_equal(s->bcalls[0], 2);
    assert_int_equal(rc_sim_admit(t.sim, 600), RECOV_ALLOW);
    rc_sim_succeeded(t.sim, 621);                            /* 21 ms: slow; 1 of 3 */
    assert_int_equal(s->bslow[0], 1);
    assert_int_equal(s->state, RC_SIM_CLOSED);
    assert_int_equal(rc_sim_admit(t.sim, 700), RECOV_ALLOW);
    fail_status(&t, 0, 721);                                 /* a slow failure: 2 of 4 slow */
    assert_int_equal(s->state, RC_SIM_OPEN);
    done(&t);
}

/* ---- budgets ------------------------------------------------------------ */

static void test_budget(void **state)
{
    (void)state;
    fx t;
    build(&t);
    t.ir.budgets[0] = (rc_ir_budget){ .name = "b", .ratio_pct = 50, .min_retries = 2, .window_ms = 10000 };
    t.ir.nbudgets = 1;
    int r = add_retry(&t, RC_BACKOFF_CONSTANT, 10, 1000, 9);
    rc_ir_block *b = add_block(&t, 0xF, 2);
    b->steps[0] = step_retry(r);
    b->steps[1] = step_kind(RC_IR_DEGRADE);
    set_terminal(b);
    start(&t, 500, 1);
    assert_int_equal(t.sim->budgets[0].wstart, 500);

    ASSERT_D(fail_status(&t, 0, 500), RECOV_RETRY, 0, 10, 0, 1);    /* calls 1, retries 1 */
    ASSERT_D(fail_status(&t, 0, 600), RECOV_RETRY, 0, 10, 0, 2);    /* calls 2, retries 2 */
    /* calls 3: limit max(2, 3*50/100=1) = 2: exhausted, the retry step is skipped */
    ASSERT_D(fail_status(&t, 0, 700), RECOV_DEGRADE, 0, 0, 0, 3);
    assert_int_equal(t.sim->budgets[0].calls, 3);
    assert_int_equal(t.sim->budgets[0].retries, 2);
    /* successes count as calls: 3 more -> 6 calls, limit 3 */
    for (uint32_t i = 0; i < 3; i++) rc_sim_succeeded(t.sim, 800 + i);
    ASSERT_D(fail_status(&t, 0, 900), RECOV_RETRY, 0, 10, 0, 1);    /* calls 7, limit 3 */
    ASSERT_D(fail_status(&t, 0, 950), RECOV_RETRY, 0, 10, 0, 2);    /* calls 8, limit 4 */
    ASSERT_D(fail_status(&t, 0, 960), RECOV_DEGRADE, 0, 0, 0, 3);   /* calls 9, limit 4 */
    assert_int_equal(t.sim->budgets[0].retries, 4);
    /* the window rolls 10000 ms after it started (500): fresh counts */
    ASSERT_D(fail_status(&t, 0, 10499), RECOV_RETRY, 0, 10, 0, 1);  /* calls 10, limit 5 */
    assert_int_equal(t.sim->budgets[0].retries, 5);
    ASSERT_D(fail_status(&t, 0, 10500), RECOV_RETRY, 0, 10, 0, 2);
    assert_int_equal(t.sim->budgets[0].wstart, 10500);
    assert_int_equal(t.sim->budgets[0].calls, 1);
    assert_int_equal(t.sim->budgets[0].retries, 1);
    done(&t);
}

/* ---- deadlines ---------------------------------------------------------- */

static void test_deadline(void **state)
{
    (void)state;
    fx t;
    build(&t);
    t.ir.deadline_ms = 5000;                      /* policy-wide */
    int r = add_retry(&t, RC_BACKOFF_CONSTANT, 10, 1000, 9);
    rc_ir_block *b0 = add_block(&t, 1u << 0, 4);  /* own deadline 1000 */
    b0->deadline_ms = 1000;
    b0->steps[0] = step_retry(r);
    b0->steps[1] = step_kind(RC_IR_DEGRADE);
    b0->steps[2] = step_retry(r);
    b0->steps[3] = step_kind(RC_IR_ESCALATE);
    set_terminal(b0);
    assert_int_equal(b0->terminal, 3);
    rc_ir_block *b1 = add_block(&t, 1u << 1, 1);  /* policy deadline, no terminal */
    b1->deadline_ms = t.ir.deadline_ms;           /* as the checker resolves it */
    b1->steps[0] = step_retry(r);
    start(&t, UINT32_MAX - 100, 1);               /* ticks wrap during the incident */

    ASSERT_D(fail_status(&t, 0, UINT32_MAX - 100), RECOV_RETRY, 0, 10, 0, 1);
    ASSERT_D(fail_status(&t, 0, 899), RECOV_RETRY, 0, 10, 0, 2);  /* elapsed exactly 1000 */
    /* elapsed 1001 > 1000: straight to the last terminal step (escalate low) */
    recov_decision d = fail_status(&t, 0, 900);
    ASSERT_D(d, RECOV_ESCALATE, 0, 0, 0, 3);
    assert_int_equal(d.level, RC_SEV_LOW);
    assert_int_equal(t.sim->inc->active, 0);

    ASSERT_D(fail_status(&t, 101, 10000), RECOV_RETRY, 0, 10, 1, 1);
    ASSERT_D(fail_status(&t, 101, 15000), RECOV_RETRY, 0, 10, 1, 2);
    ASSERT_D(fail_status(&t, 101, 15001), RECOV_ABORT, 0, 0, 1, 3);  /* no terminal: abort */
    assert_int_equal(t.sim->inc->active, 0);
    done(&t);
}

/* ---- escalation --------------------------------------------------------- */

static void test_escalation(void **state)
{
    (void)state;
    fx t;
    build(&t);
    t.ir.escalation.unresolved_after[RC_SEV_LOW] = 2;
    t.ir.escalation.unresolved_to[RC_SEV_LOW] = RC_SEV_HIGH;
    rc_ir_block *b0 = add_block(&t, 1u << 3, 1);   /* e3: fixed level medium */
    b0->steps[0] = step_kind(RC_IR_ESCALATE);
    b0->steps[0].level = RC_SEV_MEDIUM;
    rc_ir_block *b1 = add_block(&t, 0x7, 1);       /* e0..e2: the error's severity */
    b1->steps[0] = step_kind(RC_IR_ESCALATE);
    start(&t, 0, 1);

    recov_decision d = fail_status(&t, 102, 0);
    assert_int_equal(d.kind, RECOV_ESCALATE);
    assert_int_equal(d.id, 2);
    assert_int_equal(d.level, RC_SEV_HIGH);
    assert_int_equal(d.ms, 2000);
    assert_int_equal(d.severity, RC_SEV_HIGH);
    memset(t.v, 0, sizeof t.v);
    t.v[F_FLAG].i = 1;                              /* e3, critical, escalated at medium */
    d = rc_sim_failed(t.sim, &t.f, 1);
    assert_int_equal(d.id, 1);
    assert_int_equal(d.level, RC_SEV_MEDIUM);
    assert_int_equal(d.ms, 1000);
    assert_int_equal(d.severity, RC_SEV_CRITICAL);

    /* unresolved low after 2 => high */
    d = fail_status(&t, 0, 10);
    assert_int_equal(d.level, RC_SEV_LOW);
    assert_int_equal(d.id, 0);
    assert_int_equal(t.sim->unresolved[RC_SEV_LOW], 1);
    d = fail_status(&t, 0, 20);
    assert_int_equal(d.level, RC_SEV_HIGH);
    assert_int_equal(d.id, 2);
    assert_int_equal(d.ms, 2000);
    assert_int_equal(t.sim->unresolved[RC_SEV_LOW], 0);
    d = fail_status(&t, 0, 30);                     /* count restarted */
    assert_int_equal(d.level, RC_SEV_LOW);
    /* a success in between resets the count */
    rc_sim_succeeded(t.sim, 40);
    assert_int_equal(t.sim->unresolved[RC_SEV_LOW], 0);
    d = fail_status(&t, 0, 50);
    assert_int_equal(d.level, RC_SEV_LOW);
    done(&t);
}

/* ---- fallback ----------------------------------------------------------- */

static void test_fallback(void **state)
{
    (void)state;
    static const int ab[2] = { 0, 1 };
    static const int cba[3] = { 2, 1, 0 };
    fx t;
    build(&t);
    rc_ir_block *b0 = add_block(&t, 1u << 0, 2);
    b0->steps[0] = (rc_ir_step){ .kind = RC_IR_FALLBACK, .alts = alt_list(&t, 2, ab), .nalts = 2 };
    b0->steps[1] = step_kind(RC_IR_DEGRADE);
    set_terminal(b0);
    rc_ir_block *b1 = add_block(&t, 1u << 1, 1);
    b1->steps[0] = (rc_ir_step){ .kind = RC_IR_FALLBACK, .alts = alt_list(&t, 3, cba), .nalts = 3,
                                 .adaptive = true };
    start(&t, 0, 1);

    ASSERT_D(fail_status(&t, 0, 0), RECOV_FALLBACK, 0, 0, 0, 1);
    assert_int_equal(t.sim->inc->last_alt, 1);
    ASSERT_D(fail_status(&t, 0, 1), RECOV_FALLBACK, 1, 0, 0, 2);
    assert_int_equal(t.sim->alts[0].failed, 1);
    ASSERT_D(fail_status(&t, 0, 2), RECOV_DEGRADE, 0, 0, 0, 3);
    assert_int_equal(t.sim->alts[1].failed, 1);
    assert_int_equal(t.sim->inc->last_alt, 0);

    /* adaptive, nothing learned: list order (c, b, a); b works */
    ASSERT_D(fail_status(&t, 101, 10), RECOV_FALLBACK, 2, 0, 1, 1);
    ASSERT_D(fail_status(&t, 101, 11), RECOV_FALLBACK, 1, 0, 1, 2);
    rc_sim_succeeded(t.sim, 12);
    assert_int_equal(t.sim->alts[1].ok, 1);
    assert_int_equal(t.sim->alts[2].failed, 1);
    /* best rated first: b (1 ok 1 failed) 1/2; c and a (1 failed each) 1/3, c first in the list */
    ASSERT_D(fail_status(&t, 101, 20), RECOV_FALLBACK, 1, 0, 1, 1);
    ASSERT_D(fail_status(&t, 101, 21), RECOV_FALLBACK, 2, 0, 1, 2);   /* b failed: 2/5 */
    ASSERT_D(fail_status(&t, 101, 22), RECOV_FALLBACK, 0, 0, 1, 3);   /* c failed: 1/4 */
    rc_sim_succeeded(t.sim, 23);                   /* a: 1 ok 1 failed, 1/2 */
    assert_int_equal(t.sim->alts[0].ok, 1);
    assert_int_equal(t.sim->alts[0].failed, 1);
    assert_int_equal(t.sim->alts[1].ok, 1);
    assert_int_equal(t.sim->alts[1].failed, 2);
    assert_int_equal(t.sim->alts[2].failed, 2);
    /* a (1/2) now goes before b (2/5), though both have one success: the
     * count order would have kept b first */
    ASSERT_D(fail_status(&t, 101, 30), RECOV_FALLBACK, 0, 0, 1, 1);
    ASSERT_D(fail_status(&t, 101, 31), RECOV_FALLBACK, 1, 0, 1, 2);
    ASSERT_D(fail_status(&t, 101, 32), RECOV_FALLBACK, 2, 0, 1, 3);
    ASSERT_D(fail_status(&t, 101, 33), RECOV_ABORT, 0, 0, 1, 4);     /* off the end */
    done(&t);
}

/* Rating by (ok + 1) / (ok + failed + 2), not by the count of successes:
 * 2 ok 1 failed (3/5) goes after 1 ok 0 failed (2/3); at the saturated end
 * (65535, 65535) the products reach 2^32 and still compare right. */
static void test_adaptive_rating(void **state)
{
    (void)state;
    static const int ab[2] = { 0, 1 };
    fx t;
    build(&t);
    rc_ir_block *b0 = add_block(&t, 1u << 0, 1);
    b0->steps[0] = (rc_ir_step){ .kind = RC_IR_FALLBACK, .alts = alt_list(&t, 2, ab), .nalts = 2,
                                 .adaptive = true };
    start(&t, 0, 1);
    t.sim->alts[0] = (rc_sim_alt){ 2, 1 };
    t.sim->alts[1] = (rc_sim_alt){ 1, 0 };
    ASSERT_D(fail_status(&t, 0, 0), RECOV_FALLBACK, 1, 0, 0, 1);
    rc_sim_succeeded(t.sim, 1);                    /* b: 2 ok 0 failed, 3/4 */
    ASSERT_D(fail_status(&t, 0, 2), RECOV_FALLBACK, 1, 0, 0, 1);
    rc_sim_succeeded(t.sim, 3);
    /* equal rates, 3/5 each: the first in the list */
    t.sim->alts[0] = (rc_sim_alt){ 2, 1 };
    t.sim->alts[1] = (rc_sim_alt){ 5, 3 };        /* 6/10 = 3/5 */
    ASSERT_D(fail_status(&t, 0, 4), RECOV_FALLBACK, 0, 0, 0, 1);
    rc_sim_succeeded(t.sim, 5);
    /* saturated: (65535 + 1)(65535 + 1) = 2^32 against (65534 + 1)(65535 + 1) */
    t.sim->alts[0] = (rc_sim_alt){ 65534, 65535 };
    t.sim->alts[1] = (rc_sim_alt){ 65535, 65535 };
    ASSERT_D(fail_status(&t, 0, 6), RECOV_FALLBACK, 1, 0, 0, 1);
    rc_sim_succeeded(t.sim, 7);                    /* b's ok stays 65535 */
    assert_int_equal(t.sim->alts[1].ok, 65535);
    t.sim->alts[0] = (rc_sim_alt){ 65535, 0 };     /* 65536/65537 */
    t.sim->alts[1] = (rc_sim_alt){ 65535, 1 };     /* 65536/65538 */
    ASSERT_D(fail_status(&t, 0, 8), RECOV_FALLBACK, 0, 0, 0, 1);
    rc_sim_succeeded(t.sim, 9);
    t.sim->alts[0] = (rc_sim_alt){ 0, 65535 };     /* 1/65537 */
    t.sim->alts[1] = (rc_sim_alt){ 0, 65534 };     /* 1/65536 */
    ASSERT_D(fail_status(&t, 0, 10), RECOV_FALLBACK, 1, 0, 0, 1);
    done(&t);
}

/* Ageing halves every learned count: by incidents (the Nth incident begun
 * since the last halving), by time (once per whole period, the remainder
 * carried; at most 16 shifts), and the order flips when it does. */
static void test_ageing(void **state)
{
    (void)state;
    static const int ab[2] = { 0, 1 };
    fx t;
    build(&t);
    t.ir.age_incidents = 2;
    rc_ir_block *b0 = add_block(&t, 1u << 0, 1);
    b0->steps[0] = (rc_ir_step){ .kind = RC_IR_FALLBACK, .alts = alt_list(&t, 2, ab), .nalts = 2,
                                 .adaptive = true };
    start(&t, 0, 1);
    t.sim->alts[0] = (rc_sim_alt){ 2, 1 };         /* 3/5 */
    t.sim->alts[1] = (rc_sim_alt){ 1, 0 };         /* 2/3: first */
    ASSERT_D(fail_status(&t, 0, 0), RECOV_FALLBACK, 1, 0, 0, 1);   /* incident 1 */
    assert_int_equal(t.sim->aged_n, 1);
    rc_sim_succeeded(t.sim, 1);
    /* the same evidence at incident 2, which halves first: a (1, 0) 2/3, b (0, 0) 1/2 */
    t.sim->alts[0] = (rc_sim_alt){ 2, 1 };
    t.sim->alts[1] = (rc_sim_alt){ 1, 0 };
    ASSERT_D(fail_status(&t, 0, 2), RECOV_FALLBACK, 0, 0, 0, 1);
    assert_int_equal(t.sim->aged_n, 0);
    assert_int_equal(t.sim->alts[0].ok, 1);
    assert_int_equal(t.sim->alts[0].failed, 0);
    assert_int_equal(t.sim->alts[1].ok, 0);
    assert_int_equal(t.sim->alts[1].failed, 0);
    rc_sim_succeeded(t.sim, 3);
    assert_int_equal(t.sim->alts[0].ok, 2);
    /* incident 3 does not halve: b first again */
    t.sim->alts[0] = (rc_sim_alt){ 2, 1 };
    t.sim->alts[1] = (rc_sim_alt){ 1, 0 };
    ASSERT_D(fail_status(&t, 0, 4), RECOV_FALLBACK, 1, 0, 0, 1);
    assert_int_equal(t.sim->aged_n, 1);
    done(&t);

    /* by time: period 1000 ms from P_init at 2^32 - 1000 (the tick wraps) */
    build(&t);
    t.ir.age_ms = 1000;
    b0 = add_block(&t, 1u << 0, 1);
    b0->steps[0] = (rc_ir_step){ .kind = RC_IR_FALLBACK, .alts = alt_list(&t, 2, ab), .nalts = 2,
                                 .adaptive = true };
    start(&t, 4294966296u, 1);
    assert_int_equal(t.sim->aged_at, 4294966296u);
    t.sim->alts[0] = (rc_sim_alt){ 2, 1 };         /* 3/5 */
    t.sim->alts[1] = (rc_sim_alt){ 1, 0 };         /* 2/3 */
    ASSERT_D(fail_status(&t, 0, 4294967295u), RECOV_FALLBACK, 1, 0, 0, 1);  /* 999 ms: none */
    rc_sim_succeeded(t.sim, 4294967295u);          /* b (2, 0) */
    assert_int_equal(t.sim->alts[1].ok, 2);
    assert_int_equal(t.sim->aged_at, 4294966296u);
    /* 2999 ms after P_init, across the wrap: two whole periods, >> 2 in P_succeeded */
    rc_sim_succeeded(t.sim, 1999u);
    assert_int_equal(t.sim->alts[0].ok, 0);
    assert_int_equal(t.sim->alts[0].failed, 0);
    assert_int_equal(t.sim->alts[1].ok, 0);
    assert_int_equal(t.sim->aged_at, 1000u);       /* + 2000 mod 2^32; 999 ms carried */
    t.sim->alts[0] = (rc_sim_alt){ 6, 2 };         /* 7/10 */
    t.sim->alts[1] = (rc_sim_alt){ 3, 0 };         /* 4/5: first */
    ASSERT_D(fail_status(&t, 0, 1999u), RECOV_FALLBACK, 1, 0, 0, 1);
    rc_sim_succeeded(t.sim, 1999u);                /* b (4, 0) */
    t.sim->alts[0] = (rc_sim_alt){ 65535, 0 };
    /* exactly one period after aged_at: halved when the incident begins,
     * a (32767, 0) now beats b (2, 0) */
    ASSERT_D(fail_status(&t, 0, 2000u), RECOV_FALLBACK, 0, 0, 0, 1);
    assert_int_equal(t.sim->alts[0].ok, 32767);
    assert_int_equal(t.sim->alts[1].ok, 2);
    assert_int_equal(t.sim->aged_at, 2000u);
    rc_sim_succeeded(t.sim, 2001u);
    assert_int_equal(t.sim->alts[0].ok, 32768);
    /* 40 periods later: at most 16 shifts (everything 0); aged_at moves by all 40 */
    rc_sim_succeeded(t.sim, 42001u);
    assert_int_equal(t.sim->alts[0].ok, 0);
    assert_int_equal(t.sim->aged_at, 42000u);
    done(&t);
}

/* ---- run / handler_done ------------------------------------------------- */

static void test_run_handler(void **state)
{
    (void)state;
    fx t;
    build(&t);
    int r = add_retry(&t, RC_BACKOFF_CONSTANT, 50, 1000, 1);
    t.ir.retries[r].honor_field = F_RETRY_AFTER;
    rc_ir_block *b = add_block(&t, 0xF, 5);
    b->steps[0] = (rc_ir_step){ .kind = RC_IR_ADJUST, .id = 0, .ms = 250 };
    b->steps[1] = (rc_ir_step){ .kind = RC_IR_RUN, .id = 0, .ms = 30000 };
    b->steps[2] = step_retry(r);
    b->steps[3] = (rc_ir_step){ .kind = RC_IR_RUN, .id = 0, .ms = 0 };
    b->steps[4] = step_kind(RC_IR_ESCALATE);
    b->steps[4].level = RC_SEV_CRITICAL;
    set_terminal(b);
    start(&t, 0, 1);

    /* nothing pending: NONE with the last error's fields, no change */
    ASSERT_D(rc_sim_handler_done(t.sim, true, 0), RECOV_NONE, 0, 0, 0, 0);
    ASSERT_D(fail_status(&t, 101, 0), RECOV_ADJUST, 0, 250, 1, 1);
    ASSERT_D(fail_status(&t, 101, 1), RECOV_RUN, 0, 30000, 1, 2);
    assert_int_equal(t.sim->inc->pending, 1);
    /* ok: retry 0, no retry counted */
    ASSERT_D(rc_sim_handler_done(t.sim, true, 2), RECOV_RETRY, 0, 0, 1, 2);
    assert_int_equal(t.sim->inc->pending, 0);
    assert_int_equal(t.sim->inc->blocks[0].pos, 2);
    assert_int_equal(t.sim->inc->blocks[0].sub, 0);
    ASSERT_D(rc_sim_handler_done(t.sim, true, 3), RECOV_NONE, 0, 0, 1, 2);
    /* the retry step still has its one attempt */
    memset(t.v, 0, sizeof t.v);
    t.v[F_STATUS].i = 101;
    t.v[F_RETRY_AFTER].i = 900;
    ASSERT_D(rc_sim_failed(t.sim, &t.f, 4), RECOV_RETRY, 0, 900, 1, 3);
    ASSERT_D(fail_status(&t, 101, 5), RECOV_RUN, 0, 0, 1, 4);
    /* failed: the next step, run with no fault at hand */
    recov_decision d = rc_sim_handler_done(t.sim, false, 6);
    ASSERT_D(d, RECOV_ESCALATE, 3, 3000, 1, 4);
    assert_int_equal(d.level, RC_SEV_CRITICAL);
    assert_int_equal(t.sim->inc->active, 0);

    /* a failure while a handler is pending cancels it */
    ASSERT_D(fail_status(&t, 0, 100), RECOV_ADJUST, 0, 250, 0, 1);
    ASSERT_D(fail_status(&t, 0, 101), RECOV_RUN, 0, 30000, 0, 2);
    ASSERT_D(fail_status(&t, 0, 102), RECOV_RETRY, 0, 50, 0, 3);
    assert_int_equal(t.sim->inc->pending, 0);
    ASSERT_D(rc_sim_handler_done(t.sim, false, 103), RECOV_NONE, 0, 0, 0, 3);
    done(&t);
}

/* ---- blocks and incidents ----------------------------------------------- */

static void test_blocks_resume(void **state)
{
    (void)state;
    fx t;
    build(&t);
    int r0 = add_retry(&t, RC_BACKOFF_LINEAR, 10, 1000, 2);
    int r1 = add_retry(&t, RC_BACKOFF_CONSTANT, 7, 1000, 1);
    /* e0 while attempt < 3 -> b0; e1 -> b1; e2 -> no block */
    int att = add_expr(&t.ir, (rc_ir_expr){ .kind = RC_X_CMP, .opd = RC_OPD_ATTEMPT,
                                            .op = RC_IR_LT, .value = 5 });
    int sev = add_expr(&t.ir, (rc_ir_expr){ .kind = RC_X_CMP, .opd = RC_OPD_SEVERITY,
                                            .op = RC_IR_EQ, .value = RC_SEV_LOW });
    int both = add_expr(&t.ir, (rc_ir_expr){ .kind = RC_X_AND, .a = att, .b = sev });
    rc_ir_block *b0 = add_block(&t, 1u << 0, 2);
    b0->when = both;
    b0->steps[0] = step_retry(r0);
    b0->steps[1] = step_kind(RC_IR_ABORT);
    set_terminal(b0);
    rc_ir_block *b1 = add_block(&t, 0x3, 2);
    b1->steps[0] = step_retry(r1);
    b1->steps[1] = step_kind(RC_IR_DEGRADE);
    set_terminal(b1);
    start(&t, 0, 1);

    ASSERT_D(fail_status(&t, 0, 0), RECOV_RETRY, 0, 10, 0, 1);
    ASSERT_D(fail_status(&t, 101, 1), RECOV_RETRY, 0, 7, 1, 2);
    ASSERT_D(fail_status(&t, 0, 2), RECOV_RETRY, 0, 20, 0, 3);      /* b0 resumed: retry 2 */
    ASSERT_D(fail_status(&t, 0, 3), RECOV_ABORT, 0, 0, 0, 4);       /* b0 exhausted */
    /* a new incident: positions start over */
    ASSERT_D(fail_status(&t, 0, 10), RECOV_RETRY, 0, 10, 0, 1);
    ASSERT_D(fail_status(&t, 0, 11), RECOV_RETRY, 0, 20, 0, 2);
    rc_sim_succeeded(t.sim, 12);
    ASSERT_D(fail_status(&t, 0, 20), RECOV_RETRY, 0, 10, 0, 1);
    ASSERT_D(fail_status(&t, 101, 21), RECOV_RETRY, 0, 7, 1, 2);
    ASSERT_D(fail_status(&t, 101, 22), RECOV_DEGRADE, 0, 0, 1, 3);
    /* no block for e2: abort, the incident ends */
    ASSERT_D(fail_status(&t, 102, 40), RECOV_ABORT, 0, 0, 2, 1);
    assert_int_equal(t.sim->inc->active, 0);
    done(&t);
}

static void test_when_attempt_fallthrough(void **state)
{
    (void)state;
    fx t;
    build(&t);
    int r = add_retry(&t, RC_BACKOFF_CONSTANT, 5, 1000, 9);
    int lt = add_expr(&t.ir, (rc_ir_expr){ .kind = RC_X_CMP, .opd = RC_OPD_ATTEMPT,
                                           .op = RC_IR_LT, .value = 3 });
    int el = add_expr(&t.ir, (rc_ir_expr){ .kind = RC_X_IN, .opd = RC_OPD_ELAPSED, .lo = 0, .hi = 100 });
    int nel = add_expr(&t.ir, (rc_ir_expr){ .kind = RC_X_NOT, .a = el });
    int cond = add_expr(&t.ir, (rc_ir_expr){ .kind = RC_X_OR, .a = lt, .b = nel });
    rc_ir_block *b0 = add_block(&t, 1u << 0, 1);
    b0->when = cond;                               /* attempt < 3 || elapsed not in 0..100 */
    b0->steps[0] = step_retry(r);
    rc_ir_block *b1 = add_block(&t, 1u << 0, 1);
    b1->steps[0] = step_kind(RC_IR_DEGRADE);
    set_terminal(b1);
    start(&t, 0, 1);
    ASSERT_D(fail_status(&t, 0, 0), RECOV_RETRY, 0, 5, 0, 1);
    ASSERT_D(fail_status(&t, 0, 50), RECOV_RETRY, 0, 5, 0, 2);
    ASSERT_D(fail_status(&t, 0, 100), RECOV_DEGRADE, 0, 0, 0, 3);
    ASSERT_D(fail_status(&t, 0, 1000), RECOV_RETRY, 0, 5, 0, 1);
    ASSERT_D(fail_status(&t, 0, 1001), RECOV_RETRY, 0, 5, 0, 2);
    ASSERT_D(fail_status(&t, 0, 1101), RECOV_RETRY, 0, 5, 0, 3);   /* elapsed 101 */
    ASSERT_D(fail_status(&t, 0, 1200), RECOV_RETRY, 0, 5, 0, 4);
    done(&t);
}

/* `stats;`: the counters of semantics.md "Statistics" on the consecutive
 * breaker's run, saturation at 2^32 - 1, keys, and P_target_state. */
static void test_stats(void **state)
{
    (void)state;
    fx t;
    build(&t);
    t.ir.stats = true;
    rc_ir_breaker *br = add_breaker(&t);
    br->mode = RC_BREAKER_CONSECUTIVE;
    br->threshold = 2;
    br->open_ms = 1000;
    br->probes = 1;
    br->close_after = 1;
    int r = add_retry(&t, RC_BACKOFF_CONSTANT, 10, 1000, 9);
    rc_ir_block *b = add_block(&t, 0xF, 2);
    b->steps[0] = step_retry(r);
    b->steps[1] = step_kind(RC_IR_DEGRADE);
    set_terminal(b);
    start(&t, 0, 1);
    rc_stat_layout l;
    rc_ir_stat_layout(&t.ir, &l);
    assert_int_equal(l.n, 4 * 7 + 3 + 2 * (t.ir.nalts + t.ir.nhandlers));
    assert_int_equal(t.sim->sl.n, l.n);
    char key[80];
    assert_true(rc_ir_stat_key(&t.ir, rc_stat_err(&l, 2, RC_STAT_RECOVERED), key, sizeof key));
    assert_string_equal(key, "error.e2.recovered");
    assert_true(rc_ir_stat_key(&t.ir, rc_stat_brk(&l, 0, RC_STAT_REJECTIONS), key, sizeof key));
    assert_string_equal(key, "breaker.br.rejections");
    assert_int_equal(rc_ir_stat_find(&t.ir, "breaker.br.half_opens"), rc_stat_brk(&l, 0, RC_STAT_HALF_OPENS));
    assert_int_equal(rc_ir_stat_find(&t.ir, "breaker.br.closes"), -1);
    assert_false(rc_ir_stat_key(&t.ir, l.n, key, sizeof key));

    uint32_t *c = t.sim->stat;
    ASSERT_D(fail_status(&t, 0, 0), RECOV_RETRY, 0, 10, 0, 1);
    ASSERT_D(fail_status(&t, 0, 10), RECOV_DEGRADE, 0, 0, 0, 2);   /* opens: no retry */
    assert_int_equal(c[rc_stat_err(&l, 0, RC_STAT_FAILURES)], 2);
    assert_int_equal(c[rc_stat_err(&l, 0, RC_STAT_RETRIES)], 1);
    assert_int_equal(c[rc_stat_err(&l, 0, RC_STAT_DEGRADES)], 1);
    assert_int_equal(c[rc_stat_brk(&l, 0, RC_STAT_OPENS)], 1);
    uint32_t left = 7;
    assert_int_equal(rc_sim_target_state(t.sim, 0, 510, &left), RC_SIM_OPEN);
    assert_int_equal(left, 500);
    assert_int_equal(rc_sim_admit(t.sim, 1009), RECOV_REJECT);
    assert_int_equal(c[rc_stat_brk(&l, 0, RC_STAT_REJECTIONS)], 1);
    assert_int_equal(rc_sim_target_state(t.sim, 0, 1010, &left), RC_SIM_OPEN);
    assert_int_equal(left, 0);     /* the next P_admit lets a probe through */
    assert_int_equal(rc_sim_admit(t.sim, 1010), RECOV_ALLOW);
    assert_int_equal(c[rc_stat_brk(&l, 0, RC_STAT_HALF_OPENS)], 1);
    assert_int_equal(rc_sim_target_state(t.sim, 0, 1010, &left), RC_SIM_HALF_OPEN);
    assert_int_equal(left, 0);
    /* a success after a failure: recovered (the degrade ended the last incident) */
    ASSERT_D(fail_status(&t, 101, 1020), RECOV_DEGRADE, 0, 0, 1, 1);  /* half-open probe failed: open */
    assert_int_equal(c[rc_stat_brk(&l, 0, RC_STAT_OPENS)], 2);
    rc_sim_succeeded(t.sim, 1030);
    assert_int_equal(c[rc_stat_err(&l, 1, RC_STAT_RECOVERED)], 0);   /* no incident was active */

    /* saturation: a counter at 2^32 - 2 reaches 2^32 - 1 and stays there */
    c[rc_stat_err(&l, 3, RC_STAT_FAILURES)] = UINT32_MAX - 1u;
    c[rc_stat_brk(&l, 0, RC_STAT_REJECTIONS)] = UINT32_MAX;
    t.v[F_STATUS].i = 0;
    t.v[F_FLAG].i = 1;
    rc_sim_failed(t.sim, &t.f, 1040);
    assert_int_equal(c[rc_stat_err(&l, 3, RC_STAT_FAILURES)], UINT32_MAX);
    rc_sim_failed(t.sim, &t.f, 1050);
    assert_int_equal(c[rc_stat_err(&l, 3, RC_STAT_FAILURES)], UINT32_MAX);
    assert_int_equal(rc_sim_admit(t.sim, 1060), RECOV_REJECT);
    assert_int_equal(c[rc_stat_brk(&l, 0, RC_STAT_REJECTIONS)], UINT32_MAX);
    assert_int_equal(c[rc_stat_err(&l, 2, RC_STAT_FAILURES)], 0);
    done(&t);
}

static void test_format(void **state)
{
    (void)state;
    fx t;
    build(&t);
    recov_decision d;
    memset(&d, 0, sizeof d);
    d.kind = RECOV_RUN;
    d.id = 0;
    d.ms = 30000;
    d.error = 2;
    d.severity = 2;
    d.error_class = 1;
    d.attempt = 1;
    char buf[200];
    rc_sim_format_decision(&d, buf, sizeof buf);
    assert_string_equal(buf, "d kind=3 id=0 ms=30000 level=0 error=2 sev=2 class=1 attempt=1 limit=0");
    rc_sim_describe(&t.ir, &d, buf, sizeof buf);
    assert_string_equal(buf, "run fix 30000 as e2 (attempt 1)");
    d.kind = RECOV_ESCALATE;
    d.id = 1;
    d.level = 1;
    d.ms = 0;
    rc_sim_describe(&t.ir, &d, buf, sizeof buf);
    assert_string_equal(buf, "escalate ticket medium 0 as e2 (attempt 1)");
    assert_string_equal(rc_sim_format_admit(RECOV_REJECT), "a reject");
    done(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_classify),
        cmocka_unit_test(test_stats),
        cmocka_unit_test(test_backoff_kinds),
        cmocka_unit_test(test_scales_and_honor),
        cmocka_unit_test(test_jitter),
        cmocka_unit_test(test_breaker_consecutive),
        cmocka_unit_test(test_breaker_net),
        cmocka_unit_test(test_breaker_rate),
        cmocka_unit_test(test_budget),
        cmocka_unit_test(test_deadline),
        cmocka_unit_test(test_escalation),
        cmocka_unit_test(test_fallback),
        cmocka_unit_test(test_adaptive_rating),
        cmocka_unit_test(test_breaker_time),
        cmocka_unit_test(test_breaker_slow),
        cmocka_unit_test(test_ageing),
        cmocka_unit_test(test_run_handler),
        cmocka_unit_test(test_blocks_resume),
        cmocka_unit_test(test_when_attempt_fallthrough),
        cmocka_unit_test(test_format),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
