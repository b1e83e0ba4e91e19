/* test_rtest.c - the .rtest reader, expectation matching, the simulator run
 * and the --via c harness text, over a policy IR built by hand.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "rtest.h"

/* Policy "p": fields status:u16, message:text, wait:u32, delta:i8, flag:bool;
 * errors slow (low), broken (high); classify status == 429 => slow, _ => broken.
 * on slow { retry r (constant 1000, 2 attempts, honor wait); fallback alt_a,
 * alt_b; degrade cached; }  on broken { adjust shrink delay 5; run fix timeout
 * 300; escalate; }  escalation: low => log, high => pager within 7200000. */
typedef struct fx {
    rc_arena a;
    rc_ir ir;
    rc_ir_const konst[3];
} fx;

static rc_ir_name *names(rc_arena *a, int n, const char *const *v)
{
    rc_ir_name *r = RC_NEW_ARRAY(a, rc_ir_name, n);
    for (int i = 0; i < n; i++) r[i].name = v[i];
    return r;
}

static void build(fx *t)
{
    rc_arena *a = &t->a;
    rc_ir *ir = &t->ir;
    rc_arena_init(a);
    memset(ir, 0, sizeof *ir);
    ir->name = "p";
    static const char *const fn[5] = { "status", "message", "wait", "delta", "flag" };
    static const rc_type ft[5] = { RC_TY_U16, RC_TY_TEXT, RC_TY_U32, RC_TY_I8, RC_TY_BOOL };
    ir->fields = RC_NEW_ARRAY(a, rc_ir_field, 5);
    ir->nfields = 5;
    for (int i = 0; i < 5; i++) {
        ir->fields[i].name = fn[i];
        ir->fields[i].type = ft[i];
        ir->fields[i].text_index = -1;
    }
    ir->classes = RC_NEW_ARRAY(a, rc_ir_class, 1);
    ir->classes[0].name = "c";
    ir->nclasses = 1;
    ir->errors = RC_NEW_ARRAY(a, rc_ir_error, 2);
    ir->nerrors = 2;
    ir->errors[0].name = "slow";
    ir->errors[0].severity = RC_SEV_LOW;
    ir->errors[1].name = "broken";
    ir->errors[1].severity = RC_SEV_HIGH;
    ir->exprs = RC_NEW_ARRAY(a, rc_ir_expr, 2);
    ir->exprs[0] = (rc_ir_expr){ .kind = RC_X_CMP, .opd = RC_OPD_FIELD, .field = 0, .op = RC_IR_EQ, .value = 429 };
    ir->exprs[1] = (rc_ir_expr){ .kind = RC_X_TRUE };
    ir->nexprs = 2;
    ir->rules = RC_NEW_ARRAY(a, rc_ir_rule, 2);
    ir->rules[0] = (rc_ir_rule){ .cond = 0, .error = 0 };
    ir->rules[1] = (rc_ir_rule){ .cond = 1, .error = 1 };
    ir->nrules = 2;
    ir->retries = RC_NEW_ARRAY(a, rc_ir_retry, 1);
    ir->nretries = 1;
    rc_ir_retry *r = &ir->retries[0];
    r->name = "r";
    r->attempts = 2;
    r->backoff = RC_BACKOFF_CONSTANT;
    r->base_ms = 1000;
    r->factor_milli = 1000;
    r->max_ms = UINT32_MAX;
    r->error_scale = RC_NEW_ARRAY(a, uint32_t, 2);
    r->error_scale[0] = r->error_scale[1] = 1000;
    for (int i = 0; i < RC_SEV_COUNT; i++) r->sev_scale[i] = 1000;
    r->honor_field = 2;
    static const char *const alts[2] = { "alt_a", "alt_b" };
    static const char *const modes[1] = { "cached" };
    static const char *const hands[1] = { "fix" };
    static const char *const adjs[1] = { "shrink" };
    static const char *const chans[2] = { "log", "pager" };
    ir->alts = names(a, 2, alts);
    ir->nalts = 2;
    ir->modes = names(a, 1, modes);
    ir->nmodes = 1;
    ir->handlers = names(a, 1, hands);
    ir->nhandlers = 1;
    ir->adjusts = names(a, 1, adjs);
    ir->nadjusts = 1;
    ir->channels = names(a, 2, chans);
    ir->nchannels = 2;
    ir->has_escalation = true;
    for (int i = 0; i < RC_SEV_COUNT; i++) ir->escalation.channel[i] = -1;
    ir->escalation.channel[RC_SEV_LOW] = 0;
    ir->escalation.channel[RC_SEV_HIGH] = 1;
    ir->escalation.sla_ms[RC_SEV_HIGH] = 7200000;

    ir->blocks = RC_NEW_ARRAY(a, rc_ir_block, 2);
    ir->nblocks = 2;
    rc_ir_block *b = &ir->blocks[0];
    b->errors = RC_NEW_ARRAY(a, bool, 2);
    b->errors[0] = true;
    b->when = -1;
    b->nsteps = 3;
    b->steps = RC_NEW_ARRAY(a, rc_ir_step, 3);
    b->steps[0] = (rc_ir_step){ .kind = RC_IR_RETRY, .retry = 0 };
    int *al = RC_NEW_ARRAY(a, int, 2);
    al[0] = 0;
    al[1] = 1;
    b->steps[1] = (rc_ir_step){ .kind = RC_IR_FALLBACK, .alts = al, .nalts = 2 };
    b->steps[2] = (rc_ir_step){ .kind = RC_IR_DEGRADE, .id = 0 };
    b->terminal = 2;
    b = &ir->blocks[1];
    b->errors = RC_NEW_ARRAY(a, bool, 2);
    b->errors[1] = true;
    b->when = -1;
    b->nsteps = 3;
    b->steps = RC_NEW_ARRAY(a, rc_ir_step, 3);
    b->steps[0] = (rc_ir_step){ .kind = RC_IR_ADJUST, .id = 0, .ms = 5 };
    b->steps[1] = (rc_ir_step){ .kind = RC_IR_RUN, .id = 0, .ms = 300 };
    b->steps[2] = (rc_ir_step){ .kind = RC_IR_ESCALATE, .level = -1 };
    b->terminal = 2;

    /* const TOO_MANY = 429; */
    /* a policy constant, a duration one (usable, not listed as known) and an
     * imported one (not usable in scenarios) */
    memset(t->konst, 0, sizeof t->konst);
    t->konst[0] = (rc_ir_const){ .name = "TOO_MANY", .value = 429 };
    t->konst[1] = (rc_ir_const){ .name = "PAUSE", .value = 2000, .duration = true };
    t->konst[2] = (rc_ir_const){ .name = "FROM_C", .value = 7, .imported = true };
    t->ir.consts = t->konst;
    t->ir.nconsts = 3;
}

static int loader(void *ctx, const char *path, const rc_ir **ir)
{
    fx *t = ctx;
    if (strcmp(path, "dir/p.recov") != 0) return 2;
    *ir = &t->ir;
    return 0;
}

/* Parses src as file "dir/t.rtest"; diagnostics (and run output) into *text. */
typedef struct res {
    int rc;
    rc_rtest_file f;
    char *diag;
    size_t dlen;
} res;

static res parse(fx *t, const char *src)
{
    res r;
    memset(&r, 0, sizeof r);
    FILE *m = open_memstream(&r.diag, &r.dlen);
    rc_diag d;
    rc_diag_init(&d, "dir/t.rtest", src, strlen(src), m);
    r.rc = rc_rtest_parse(&t->a, &d, src, strlen(src), loader, t, &r.f);
    fclose(m);
    return r;
}

static char *run_sim(fx *t, res *r, int *failed)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *m = open_memstream(&buf, &n);
    *failed = rc_rtest_run_sim(&t->a, &r->f, false, m);
    fclose(m);
    return buf;
}

static const char good[] =
    "# a comment\n"
    "policy p.recov   // trailing comment\n"
    "seed 42\n"
    "scenario \"slow, then fine\"\n"
    "  at 0     fail status=TOO_MANY message=\"a\\\"b\\x41\" -> retry 1000 as slow\n"
    "  at 10    fail status=429 wait=2s     -> retry 1500..2500\n"
    "  at 20    fail status=0x1AD wait=PAUSE -> fallback alt_a as slow\n"
    "  at 30    ok\n"
    "  at 30    admit -> allow\n"
    "scenario \"broken\"\n"
    "  start at 4294967000\n"
    "  seed 7\n"
    "  at 0     fail delta=-128 flag=true   -> adjust shrink 5 as broken\n"
    "  at 400   fail                        -> run fix 300\n"
    "  at 500   handler failed              -> escalate pager high 7200000 as broken\n"
    "  at 600   handler ok                  -> none\n";

static void test_parse_and_run(void **state)
{
    (void)state;
    fx t;
    build(&t);
    res r = parse(&t, good);
    assert_string_equal(r.diag, "");
    assert_int_equal(r.rc, 0);
    assert_string_equal(r.f.policy_path, "dir/p.recov");
    assert_int_equal(r.f.nscenarios, 2);
    rc_rtest_scenario *s0 = &r.f.scenarios[0], *s1 = &r.f.scenarios[1];
    assert_string_equal(s0->name, "slow, then fine");
    assert_int_equal(s0->seed, 42);
    assert_int_equal(s0->t0, 0);
    assert_int_equal(s0->nevents, 5);
    assert_int_equal(s0->events[0].values[0].i, 429);
    assert_int_equal(s0->events[0].values[1].len, 4);
    assert_memory_equal(s0->events[0].values[1].text, "a\"bA", 4);
    assert_int_equal(s0->events[1].values[2].i, 2000);
    assert_int_equal(s0->events[2].values[0].i, 0x1AD);
    assert_int_equal(s0->events[2].values[2].i, 2000);   /* a duration constant, in ms */
    assert_int_equal(s0->events[1].expect.lo, 1500);
    assert_int_equal(s0->events[1].expect.hi, 2500);
    assert_string_equal(s0->events[0].expect.text, "retry 1000 as slow");
    assert_int_equal(s1->t0, 4294967000u);
    assert_int_equal(s1->seed, 7);
    assert_int_equal(s1->events[0].values[3].i, -128);
    assert_int_equal(s1->events[0].values[4].i, 1);
    assert_int_equal(s1->events[2].kind, RC_SIM_EV_HANDLER);
    assert_false(s1->events[2].ok);
    assert_true(s1->events[3].ok);

    int failed;
    char *out = run_sim(&t, &r, &failed);
    assert_string_equal(out, "");
    assert_int_equal(failed, 0);
    assert_string_equal(s0->events[1].got, "d kind=1 id=0 ms=2000 level=0 error=0 sev=0 class=0 attempt=2 limit=0");
    assert_string_equal(s0->events[3].got, "o");
    assert_string_equal(s0->events[4].got, "a allow");
    assert_string_equal(s1->events[2].got, "d kind=6 id=1 ms=7200000 level=2 error=1 sev=2 class=0 attempt=2 limit=0");
    free(out);
    free(r.diag);
    rc_arena_free(&t.a);
}

static void test_failures_reported(void **state)
{
    (void)state;
    fx t;
    build(&t);
    res r = parse(&t,
        "policy p.recov\n"
        "scenario \"wrong\"\n"
        "  at 0 fail status=429 -> retry 1001..1500 as slow\n"
        "  at 1 fail status=429 -> retry 1000 as broken\n"
        "  at 2 fail status=429 -> fallback alt_b\n"
        "  at 3 admit -> reject\n"
        "  at 4 fail -> escalate log high\n");
    assert_int_equal(r.rc, 0);
    int failed;
    char *out = run_sim(&t, &r, &failed);
    assert_int_equal(failed, 5);
    assert_string_equal(out,
        "dir/t.rtest:3: scenario \"wrong\": expected retry 1001..1500 as slow, got retry 1000 as slow (attempt 1)\n"
        "dir/t.rtest:4: scenario \"wrong\": expected retry 1000 as broken, got retry 1000 as slow (attempt 2)\n"
        "dir/t.rtest:5: scenario \"wrong\": expected fallback alt_b, got fallback alt_a as slow (attempt 3)\n"
        "dir/t.rtest:6: scenario \"wrong\": expected reject, got allow\n"
        "dir/t.rtest:7: scenario \"wrong\": expected escalate log high, got adjust shrink 5 as broken (attempt 4)\n");
    free(out);
    free(r.diag);
    rc_arena_free(&t.a);
}

/* `NAME:` events: each name is its own incident on the scenario's one shared part. */
static void test_incidents(void **state)
{
    (void)state;
    fx t;
    build(&t);
    res r = parse(&t,
        "policy p.recov\n"
        "scenario \"two requests\"\n"
        "  at 0 A: fail status=429 -> retry 1000\n"
        "  at 1 B: fail status=429 -> retry 1000\n"
        "  at 2 A: fail status=429 -> retry 1000\n"
        "  at 3 fail status=429 -> retry 1000\n"
        "  at 4 B: cancel\n"
        "  at 5 A: ok\n");
    assert_int_equal(r.rc, 0);
    const rc_rtest_scenario *s0 = &r.f.scenarios[0];
    assert_int_equal(s0->nincidents, 3);
    assert_string_equal(s0->incidents[1], "A");
    assert_string_equal(s0->incidents[2], "B");
    assert_int_equal(s0->events[0].incident, 1);
    assert_int_equal(s0->events[1].incident, 2);
    assert_int_equal(s0->events[2].incident, 1);
    assert_int_equal(s0->events[3].incident, 0);
    assert_int_equal(s0->events[4].kind, RC_SIM_EV_CANCEL);
    int failed;
    char *out = run_sim(&t, &r, &failed);
    if (failed) fprintf(stderr, "%s", out);
    assert_int_equal(failed, 0);
    assert_string_equal(s0->events[2].got + strlen(s0->events[2].got) - 17, "attempt=2 limit=0");
    assert_string_equal(s0->events[3].got + strlen(s0->events[3].got) - 17, "attempt=1 limit=0");
    assert_string_equal(s0->events[4].got, "c");
    free(out);
    free(r.diag);
    rc_arena_free(&t.a);
}

/* One bad line; the exact first diagnostic line. */
static void expect_error(const char *body, const char *msg)
{
    fx t;
    build(&t);
    char src[1024];
    snprintf(src, sizeof src, "policy p.recov\nscenario \"s\"\n%s\n", body);
    res r = parse(&t, src);
    assert_int_equal(r.rc, 1);
    char *nl = strchr(r.diag, '\n');
    if (nl) *nl = '\0';
    assert_string_equal(r.diag, msg);
    free(r.diag);
    rc_arena_free(&t.a);
}

/* A field value may name a constant imported from the policy's C headers
 * (spec/rtest.md); FROM_C is 7 in the fixture's constant table. */
/* `admit_in -> MS | unknown`: P_admit_in on the simulator, written "w MS". */
static void test_admit_in(void **state)
{
    (void)state;
    fx t;
    build(&t);
    t.ir.concurrent = 1;
    res r = parse(&t,
        "policy p.recov\n"
        "scenario \"one slot\"\n"
        "  at 0 A: admit -> allow\n"
        "  at 1 B: admit_in -> unknown\n"
        "  at 2 A: admit_in -> 0\n"
        "  at 3 B: admit_in -> 7\n");
    assert_int_equal(r.rc, 0);
    const rc_rtest_scenario *s0 = &r.f.scenarios[0];
    assert_int_equal(s0->events[1].kind, RC_SIM_EV_ADMIT_IN);
    assert_int_equal(s0->events[1].expect.lo, RECOV_ADMIT_IN_UNKNOWN);
    assert_int_equal(s0->events[3].expect.lo, 7);
    int failed;
    char *out = run_sim(&t, &r, &failed);
    assert_int_equal(failed, 1);
    assert_string_equal(out, "dir/t.rtest:6: scenario \"one slot\": expected 7, got unknown\n");
    assert_string_equal(s0->events[1].got, "w 4294967295");
    assert_string_equal(s0->events[2].got, "w 0");
    free(out);
    free(r.diag);
    rc_arena_free(&t.a);
}

static void test_imported_constant(void **state)
{
    (void)state;
    fx t;
    build(&t);
    res r = parse(&t, "policy p.recov\nscenario \"s\"\n  at 0 fail status=FROM_C -> abort\n");
    assert_string_equal(r.diag, "");
    assert_int_equal(r.rc, 0);
    assert_int_equal(r.f.scenarios[0].events[0].values[0].i, 7);
    free(r.diag);
    rc_arena_free(&t.a);
}

static void test_parse_errors(void **state)
{
    (void)state;
    expect_error("  at 0 fail stat=1 -> abort",
                 "dir/t.rtest:3:13: error: unknown fault field 'stat' (known: status, message, wait, delta, flag)");
    expect_error("  at 0 fail status=1 -> run nope",
                 "dir/t.rtest:3:29: error: unknown handler 'nope' (known: fix)");
    expect_error("  at 0 fail status=1 -> abort as nope",
                 "dir/t.rtest:3:34: error: unknown error 'nope' (known: slow, broken)");
    expect_error("  at 0 fail status=1 -> escalate log urgent",
                 "dir/t.rtest:3:38: error: unknown severity 'urgent' (known: low, medium, high, critical)");
    expect_error("  at 0 fail status=70000 -> abort",
                 "dir/t.rtest:3:20: error: value 70000 out of range for u16 field 'status' (0..65535)");
    expect_error("  at 0 fail delta=-129 -> abort",
                 "dir/t.rtest:3:19: error: value -129 out of range for i8 field 'delta' (-128..127)");
    expect_error("  at 0 fail status=NOPE -> abort",
                 "dir/t.rtest:3:20: error: unknown constant 'NOPE' (known: true, false, TOO_MANY)");
    expect_error("  at 0 fail message=5 -> abort",
                 "dir/t.rtest:3:21: error: expected a \"string\" for a text field, found a number");
    expect_error("  at 0 fail status=\"x\" -> abort",
                 "dir/t.rtest:3:20: error: expected a value for u16 field 'status', found a string");
    expect_error("  at 0 fail status=1 status=2 -> abort",
                 "dir/t.rtest:3:22: error: field 'status' given twice");
    expect_error("  at 0 fail message=\"a\\q\" -> abort",
                 "dir/t.rtest:3:23: error: unknown escape in string (use \\\" \\\\ \\n \\t \\xHH)");
    expect_error("  at 0 fail message=\"abc -> abort",
                 "dir/t.rtest:3:21: error: unterminated string");
    expect_error("  at 0 fail status=1",
                 "dir/t.rtest:3:21: error: expected FIELD=VALUE or '->', found end of line");
    expect_error("  at 0 fail -> retry 5..4",
                 "dir/t.rtest:3:25: error: empty delay range 5..4");
    expect_error("  at 0 fail -> retry 5 4",
                 "dir/t.rtest:3:24: error: expected 'as ERROR' or end of line, found a number");
    expect_error("  at 0 fail -> sleep",
                 "dir/t.rtest:3:16: error: expected retry, adjust, run, fallback, degrade, escalate, abort or none, found a name");
    expect_error("  at 0 admit -> maybe",
                 "dir/t.rtest:3:17: error: expected 'allow', 'reject', 'rate_limited' or 'full', found a name");
    expect_error("  at 0 A: cancel -> abort",
                 "dir/t.rtest:3:18: error: expected end of line after 'cancel', found '->'");
    expect_error("  at 0 A: frob",
                 "dir/t.rtest:3:11: error: expected fail, handler, ok, admit, admit_in, cancel, force, stats or reload, found a name");
    expect_error("  at 0 A: admit_in -> 5",
                 "dir/t.rtest:3:11: error: 'admit_in' needs P_admit_in, which a policy has only with a `limit` or a "
                 "`per alternative` breaker");
    expect_error("  at 0 force open",
                 "dir/t.rtest:3:8: error: 'force' needs a breaker: policy 'p' has none");
    expect_error("  at 0 handler done -> abort",
                 "dir/t.rtest:3:16: error: expected 'ok' or 'failed' after 'handler', found a name");
    expect_error("  at 0 ok -> abort",
                 "dir/t.rtest:3:11: error: expected end of line after 'ok', found '->'");
    expect_error("  at 5 ok\n  at 4 ok",
                 "dir/t.rtest:4:6: error: time goes backwards (the previous event is at 5)");
    expect_error("  at 4294967296 ok",
                 "dir/t.rtest:3:6: error: a time in ms out of range (0..4294967295)");
    expect_error("  at 5x ok",
                 "dir/t.rtest:3:7: error: bad number suffix 'x' (use ms, s, m or h)");
    expect_error("  at 0 ok\n  start at 5",
                 "dir/t.rtest:4:3: error: 'start at' must come before the scenario's events");
    expect_error("  frobnicate",
                 "dir/t.rtest:3:3: error: expected scenario, seed, start, params, clock or at, found a name");
    expect_error("  at 0 fail -> abort ; x",
                 "dir/t.rtest:3:22: error: unexpected character ';'");
}

static void test_file_level_errors(void **state)
{
    (void)state;
    fx t;
    build(&t);
    res r = parse(&t, "scenario \"x\"\n");
    assert_int_equal(r.rc, 1);
    assert_non_null(strstr(r.diag, "dir/t.rtest:1:1: error: a .rtest file starts with 'policy FILE'"));
    free(r.diag);
    /* the loader's code comes through (2 = the policy cannot be read) */
    r = parse(&t, "policy other.recov\n");
    assert_int_equal(r.rc, 2);
    free(r.diag);
    /* all errors of a file are reported, then nothing runs */
    r = parse(&t, "policy p.recov\nscenario \"s\"\n at 0 fail x=1 -> abort\n at 1 fail y=1 -> abort\n");
    assert_int_equal(r.rc, 1);
    assert_non_null(strstr(r.diag, "3:12: error: unknown fault field 'x'"));
    assert_non_null(strstr(r.diag, "4:12: error: unknown fault field 'y'"));
    free(r.diag);
    rc_arena_free(&t.a);

    /* a missing .rtest file is an I/O error */
    char *o = NULL, *e = NULL;
    size_t on = 0, en = 0;
    FILE *mo = open_memstream(&o, &on), *me = open_memstream(&e, &en);
    assert_int_equal(rc_rtest_run_file("/nonexistent/x.rtest", NULL, mo, me), 2);
    fclose(mo);
    fclose(me);
    assert_non_null(strstr(e, "cannot read '/nonexistent/x.rtest'"));
    free(o);
    free(e);
}

static void test_matches(void **state)
{
    (void)state;
    recov_decision d;
    memset(&d, 0, sizeof d);
    d.kind = RECOV_RETRY;
    d.ms = 1500;
    d.error = 1;
    rc_sim_expect x = { .kind = RECOV_RETRY, .lo = 1500, .hi = 1500, .error = -1 };
    assert_true(rc_sim_expect_met(&x, &d));
    x.lo = 1501;
    x.hi = 2000;
    assert_false(rc_sim_expect_met(&x, &d));
    x.lo = 1000;
    x.hi = 1500;
    assert_true(rc_sim_expect_met(&x, &d));
    x.error = 0;
    assert_false(rc_sim_expect_met(&x, &d));
    x.error = 1;
    assert_true(rc_sim_expect_met(&x, &d));

    d.kind = RECOV_RUN;
    d.id = 2;
    d.ms = 300;
    x = (rc_sim_expect){ .kind = RECOV_RUN, .id = 2, .error = -1 };
    assert_true(rc_sim_expect_met(&x, &d));       /* timeout not given: any */
    x.has_ms = true;
    x.lo = x.hi = 301;
    assert_false(rc_sim_expect_met(&x, &d));
    x.id = 1;
    x.has_ms = false;
    assert_false(rc_sim_expect_met(&x, &d));

    d.kind = RECOV_ESCALATE;
    d.id = 1;
    d.level = 2;
    d.ms = 0;
    x = (rc_sim_expect){ .kind = RECOV_ESCALATE, .id = 1, .level = 2, .error = -1 };
    assert_true(rc_sim_expect_met(&x, &d));
    x.level = 3;
    assert_false(rc_sim_expect_met(&x, &d));
    x = (rc_sim_expect){ .kind = RECOV_ABORT, .error = -1 };
    assert_false(rc_sim_expect_met(&x, &d));
}

static void test_harness_text(void **state)
{
    (void)state;
    fx t;
    build(&t);
    res r = parse(&t,
        "policy p.recov\n"
        "scenario \"s\"\n"
        "  start at 4294967295\n"
        "  at 0 fail status=429 message=\"\\x01""2?\\xff\" delta=-5 flag=true -> retry 1000\n"
        "  at 1 handler ok -> none\n"
        "  at 2 ok\n"
        "  at 3 admit -> allow\n"
        "scenario \"empty\"\n");
    assert_int_equal(r.rc, 0);
    char *buf = NULL;
    size_t n = 0;
    FILE *m = open_memstream(&buf, &n);
    rc_harness_write(&r.f, "p.h", m);
    fclose(m);
    assert_non_null(strstr(buf, "#include \"p.h\"\n"));
    /* bytes as values: \x01, '2', '?', \xff */
    assert_non_null(strstr(buf, "static const char rc_t0[] = {\n    1, 50, 63, (char)255, 0\n};\n"));
    assert_non_null(strstr(buf,
        "    { .status = 0u, .message = \"\", .wait = 0u, .delta = 0, .flag = false },\n"
        "    { .status = 429u, .message = rc_t0, .wait = 0u, .delta = -5, .flag = true },\n"));
    assert_non_null(strstr(buf, "    { 0, 0, 0, 0u, 1u },\n    { 1, 1, 0, 1u, 0u },\n    { 2, 0, 0, 2u, 0u },\n"
                                "    { 3, 0, 0, 3u, 0u },\n"));
    assert_non_null(strstr(buf, "    { 4294967295u, 0u, rc_ev0, 4u, 1u },\n    { 0u, 0u, rc_ev1, 0u, 1u },\n"));
    assert_non_null(strstr(buf, "p_shared s;"));
    assert_non_null(strstr(buf, "d = p_failed(&s, in, &rc_f[e->fault], now);"));
    free(buf);
    free(r.diag);
    rc_arena_free(&t.a);
}

/* The generated C (rc_emit_c) built with the host compiler agrees with the
 * simulator, event by event, including PRNG draws (decorrelated jitter). */
static void test_via_c(void **state)
{
    (void)state;
#ifdef RECOV_SOURCE_RUNTIME_DIR
    fx t;
    build(&t);
    t.ir.retries[0].attempts = 6;
    t.ir.retries[0].jitter = RC_JITTER_DECORRELATED;
    res r = parse(&t,
        "policy p.recov\n"
        "seed 99\n"
        "scenario \"jitter\"\n"
        "  at 0 fail status=429 -> retry 1000..3000\n"
        "  at 1 fail status=429 -> retry 1000..9000\n"
        "  at 2 fail status=429 wait=100000 -> retry 100000\n"
        "  at 3 fail status=429 message=\"\\x00\\xff\\\"\" -> retry 1000..999999\n"
        "  at 4 admit -> allow\n"
        "scenario \"wrap\"\n"
        "  start at 4294967290\n"
        "  at 0 fail -> adjust shrink 5\n"
        "  at 10 fail -> run fix\n"
        "  at 20 handler ok -> retry 0\n"
        "  at 30 handler ok -> none\n"
        "  at 40 ok\n");
    assert_int_equal(r.rc, 0);
    int failed;
    char *out = run_sim(&t, &r, &failed);
    assert_string_equal(out, "");
    free(out);
    char *o = NULL, *e = NULL;
    size_t on = 0, en = 0;
    FILE *mo = open_memstream(&o, &on), *me = open_memstream(&e, &en);
    rc_rtest_opts opts = { .via_c = true, .runtime_dir = RECOV_SOURCE_RUNTIME_DIR };
    int diffs = rc_harness_run(&t.a, &r.f, &opts, mo, me);
    fclose(mo);
    fclose(me);
    assert_string_equal(e, "");
    assert_string_equal(o, "");
    assert_int_equal(diffs, 0);
    free(o);
    free(e);
    free(r.diag);
    rc_arena_free(&t.a);
#else
    skip();
#endif
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_and_run),
        cmocka_unit_test(test_failures_reported),
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_incidents),
        cmocka_unit_test(test_admit_in),
        cmocka_unit_test(test_imported_constant),
        cmocka_unit_test(test_file_level_errors),
        cmocka_unit_test(test_matches),
        cmocka_unit_test(test_harness_text),
        cmocka_unit_test(test_via_c),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
