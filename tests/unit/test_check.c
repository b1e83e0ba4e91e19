/* test_check.c - the semantic checker: AST -> IR contents, and its errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "driver.h"
#include "parse.h"

typedef struct run {
    rc_arena a;
    rc_diag d;
    char *out;
    size_t outlen;
    FILE *f;
    rc_ir *ir;
} run;

static void check_src(run *r, const char *src)
{
    rc_arena_init(&r->a);
    r->out = NULL;
    r->f = open_memstream(&r->out, &r->outlen);
    rc_diag_init(&r->d, "t.recov", src, strlen(src), r->f);
    rc_ast_policy *p = rc_parse(&r->a, &r->d, src, strlen(src));
    r->ir = r->d.errors ? NULL : rc_check(&r->a, &r->d, p);
    fflush(r->f);
}

static void done(run *r)
{
    fclose(r->f);
    free(r->out);
    rc_arena_free(&r->a);
}

#define HEAD \
    "policy t version 7;\n" \
    "fault { code : i16; ok : bool; msg : text; }\n" \
    "class tr retryable;\nclass fa;\n" \
    "error a : tr, low;\nerror b : fa, critical;\n"

static void test_agent_call_ir(void **st)
{
    (void)st;
    rc_unit u;
    int rc = rc_unit_load(&u, RECOV_SOURCE_RUNTIME_DIR "/../tests/unit/data/contract_agent_call.recov", stderr, NULL);
    assert_int_equal(rc, 0);
    const rc_ir *ir = u.ir;
    assert_string_equal(ir->name, "agent_call");
    assert_int_equal(ir->version, 3);
    assert_int_equal(ir->nfields, 4);
    assert_int_equal(ir->fields[2].type, RC_TY_TEXT);
    assert_int_equal(ir->fields[2].text_index, 0);
    assert_int_equal(ir->nerrors, 6);
    assert_string_equal(ir->errors[4].name, "memory_exhausted");
    assert_int_equal(ir->errors[4].severity, RC_SEV_HIGH);
    assert_string_equal(ir->classes[ir->errors[4].cls].name, "resource");
    assert_int_equal(ir->errors[4].nsteps, 2);
    assert_string_equal(ir->errors[0].hint, "Check the agent's health endpoint.");
    assert_int_equal(ir->nrules, 7);
    assert_int_equal(ir->exprs[ir->rules[6].cond].kind, RC_X_TRUE);
    /* "timeout" | "timed out", ~i "memory", /conn(ect|ection)? reset/ */
    assert_int_equal(ir->ntexts, 1);
    assert_int_equal(ir->texts[0].npatterns, 3);
    assert_int_equal(ir->texts[0].patterns[0].nalts, 2);
    assert_true(ir->texts[0].patterns[1].icase);
    const rc_ir_retry *r = &ir->retries[0];
    assert_int_equal(r->attempts, 4);
    assert_int_equal(r->backoff, RC_BACKOFF_EXPONENTIAL);
    assert_int_equal(r->base_ms, 1000);
    assert_int_equal(r->factor_milli, 2000);
    assert_int_equal(r->max_ms, 60000);
    assert_int_equal(r->jitter, RC_JITTER_PERCENT);
    assert_int_equal(r->jitter_pct, 25);
    assert_int_equal(r->error_scale[2], 2000);   /* rate_limit_exceeded x2 */
    assert_int_equal(r->error_scale[0], 1500);   /* network_timeout x1.5 */
    assert_int_equal(r->error_scale[1], 1000);
    assert_int_equal(r->sev_scale[RC_SEV_HIGH], 1500);
    assert_int_equal(r->sev_scale[RC_SEV_CRITICAL], 2000);
    assert_int_equal(r->sev_scale[RC_SEV_LOW], 1000);
    assert_int_equal(r->honor_field, 3);
    const rc_ir_breaker *b = &ir->breakers[0];
    assert_int_equal(b->mode, RC_BREAKER_CONSECUTIVE);
    assert_int_equal(b->threshold, 5);
    assert_int_equal(b->open_ms, 60000);
    assert_int_equal(b->probes, 3);
    assert_int_equal(b->close_after, 3);
    assert_true(b->counts[0] && b->counts[3]);
    assert_false(b->counts[4] || b->counts[5]);   /* resource, logic do not count */
    assert_int_equal(ir->budgets[0].ratio_pct, 20);
    assert_int_equal(ir->budgets[0].min_retries, 3);
    assert_int_equal(ir->budgets[0].window_ms, 10000);
    assert_int_equal(ir->nchannels, 4);
    assert_string_equal(ir->channels[ir->escalation.channel[RC_SEV_HIGH]].name, "oncall");
    assert_int_equal(ir->escalation.sla_ms[RC_SEV_MEDIUM], 24u * 3600u * 1000u);
    assert_int_equal(ir->escalation.sla_ms[RC_SEV_LOW], 0);
    assert_int_equal(ir->escalation.unresolved_after[RC_SEV_LOW], 3);
    assert_int_equal(ir->escalation.unresolved_to[RC_SEV_LOW], RC_SEV_MEDIUM);
    assert_int_equal(ir->deadline_ms, 300000);
    assert_int_equal(ir->nblocks, 5);
    assert_int_equal(ir->blocks[0].nsteps, 3);
    assert_int_equal(ir->blocks[0].steps[1].kind, RC_IR_FALLBACK);
    assert_true(ir->blocks[0].steps[1].adaptive);
    assert_int_equal(ir->blocks[0].steps[1].nalts, 2);
    assert_int_equal(ir->blocks[0].terminal, 2);
    assert_int_equal(ir->blocks[0].deadline_ms, 300000);
    assert_true(ir->blocks[1].when >= 0);
    assert_int_equal(ir->blocks[2].steps[1].kind, RC_IR_RUN);
    assert_int_equal(ir->blocks[2].steps[1].ms, 30000);
    assert_int_equal(ir->blocks[2].steps[2].level, RC_SEV_HIGH);
    assert_int_equal(ir->blocks[3].steps[0].level, -1);
    assert_true(ir->blocks[4].errors[0] && ir->blocks[4].errors[5]);
    assert_string_equal(ir->alts[1].name, "local_model");
    assert_string_equal(ir->handlers[0].name, "free_caches");
    assert_string_equal(ir->adjusts[0].name, "reduce_batch");
    assert_string_equal(ir->modes[0].name, "cached_answers");
    rc_unit_free(&u);
}

static void test_comparison_normalised(void **st)
{
    (void)st;
    run r;
    check_src(&r, HEAD "classify { -3 < code => a; _ => b; }\non _ { abort; }\n");
    assert_non_null(r.ir);
    const rc_ir_expr *x = &r.ir->exprs[r.ir->rules[0].cond];
    assert_int_equal(x->kind, RC_X_CMP);
    assert_int_equal(x->op, RC_IR_GT);      /* flipped: code > -3 */
    assert_int_equal(x->value, -3);
    assert_int_equal(x->opd, RC_OPD_FIELD);
    assert_int_equal(x->field, 0);
    done(&r);
}

static void test_bool_field_alone(void **st)
{
    (void)st;
    run r;
    check_src(&r, HEAD "classify { ok => a; !ok => b; }\non _ { abort; }\n");
    assert_non_null(r.ir);   /* exhaustive without `_`: ok || !ok */
    assert_int_equal(r.ir->exprs[r.ir->rules[0].cond].op, RC_IR_NE);
    assert_int_equal(r.ir->exprs[r.ir->rules[1].cond].kind, RC_X_TRUE);
    assert_false(r.ir->rules[0].implicit_catchall);
    assert_true(r.ir->rules[1].implicit_catchall);   /* recorded for the analyses */
    done(&r);
    check_src(&r, HEAD "classify { ok => a; _ => b; }\non _ { abort; }\n");
    assert_non_null(r.ir);
    assert_int_equal(r.ir->exprs[r.ir->rules[1].cond].kind, RC_X_TRUE);
    assert_false(r.ir->rules[1].implicit_catchall);  /* a written `_` */
    done(&r);
}

/* The IR's constant table: the policy's constants in order, resolved. */
static void test_const_table(void **st)
{
    (void)st;
    run r;
    check_src(&r, HEAD "const LIMIT = 0x10;\nconst PAUSE = 2s;\nconst ALIAS = LIMIT;\n"
                       "classify { code == LIMIT || code == ALIAS => a; _ => b; }\non _ { abort; }\n");
    assert_non_null(r.ir);
    assert_int_equal(r.ir->nconsts, 3);
    assert_string_equal(r.ir->consts[0].name, "LIMIT");
    assert_int_equal(r.ir->consts[0].value, 16);
    assert_false(r.ir->consts[0].duration);
    assert_string_equal(r.ir->consts[1].name, "PAUSE");
    assert_int_equal(r.ir->consts[1].value, 2000);
    assert_true(r.ir->consts[1].duration);
    assert_string_equal(r.ir->consts[2].name, "ALIAS");
    assert_int_equal(r.ir->consts[2].value, 16);
    assert_false(r.ir->consts[2].imported);
    assert_int_equal(r.ir->consts[2].loc.line, 9);
    done(&r);
}

/* A block's deadline is resolved once, here: its own, else (absent or 0)
 * the policy's; 0 without either.  The back ends read only this field. */
static void test_block_deadline_resolved(void **st)
{
    (void)st;
    run r;
    check_src(&r, HEAD "deadline 5s;\nclassify { code == 1 => a; _ => b; }\n"
                       "on a { deadline 2s; abort; }\non b when code == 2 { deadline 0ms; abort; }\non _ { abort; }\n");
    assert_non_null(r.ir);
    assert_int_equal(r.ir->deadline_ms, 5000);
    assert_int_equal(r.ir->blocks[0].deadline_ms, 2000);
    assert_int_equal(r.ir->blocks[1].deadline_ms, 5000);
    assert_int_equal(r.ir->blocks[2].deadline_ms, 5000);
    done(&r);
    check_src(&r, HEAD "classify { code == 1 => a; _ => b; }\non a { deadline 2s; abort; }\non _ { abort; }\n");
    assert_non_null(r.ir);
    assert_int_equal(r.ir->blocks[0].deadline_ms, 2000);
    assert_int_equal(r.ir->blocks[1].deadline_ms, 0);
    done(&r);
}

/* a count window of 1,000 calls is a ring (spec/language.md, *Count windows*) */
static void test_count_window_ring(void **st)
{
    (void)st;
    run r;
    check_src(&r, HEAD "classify { _ => b; }\nbreaker k { open at 12.5% of last 1000 calls min 1000; open for 1s; }\n"
                       "breaker w { open at 50% of last 32 calls; open for 1s; }\non _ { abort; }\n");
    assert_non_null(r.ir);
    assert_int_equal(r.ir->breakers[0].window, 1000);
    assert_int_equal(r.ir->breakers[0].min_calls, 1000);
    assert_true(rc_ir_window_ring(&r.ir->breakers[0]));
    assert_int_equal(rc_ir_window_words(&r.ir->breakers[0]), 32);
    assert_false(rc_ir_window_ring(&r.ir->breakers[1]));
    done(&r);
}

static void test_same_pattern_shares_a_bit(void **st)
{
    (void)st;
    run r;
    check_src(&r, HEAD "classify { msg ~ \"x\" && code == 1 => a; msg ~ \"x\" => b; msg ~i \"x\" => b; _ => b; }\n"
                       "on _ { abort; }\n");
    assert_non_null(r.ir);
    assert_int_equal(r.ir->texts[0].npatterns, 2);   /* "x" once, ~i "x" separately */
    done(&r);
}

static void assert_diag(const char *src, const char *expected)
{
    run r;
    check_src(&r, src);
    assert_null(r.ir);
    if (!strstr(r.out, expected)) {
        fprintf(stderr, "expected to find:\n%s\nin:\n%s\n", expected, r.out);
        fail();
    }
    done(&r);
}

static void test_errors(void **st)
{
    (void)st;
    assert_diag(HEAD "classify { code == 40000 => a; _ => b; }\non _ { abort; }\n",
                "t.recov:7:20: error: value 40000 is out of range for i16 field 'code' (-32768..32767)");
    assert_diag(HEAD "classify { ok < 1 => a; _ => b; }\non _ { abort; }\n",
                "error: bool field 'ok' can only be compared with == or !=");
    assert_diag(HEAD "classify { code in 5..1 => a; _ => b; }\non _ { abort; }\n",
                "error: empty range 5..1; write the smaller bound first");
    assert_diag(HEAD "classify { code == 1 => a; }\non _ { abort; }\n",
                "a fault matches no rule, for example: code=0 ok=false msg=\"\"");
    assert_diag(HEAD "classify { code == nope => a; _ => b; }\non _ { abort; }\n",
                "error: unknown name 'nope'");
    assert_diag(HEAD "classify { _ => b; }\nretry r { attempts 2; backoff linear base 1s factor 3; }\n"
                     "on a { retry r; }\non _ { abort; }\n",
                "error: `factor` applies only to exponential backoff");
    assert_diag(HEAD "classify { _ => b; }\nretry r { attempts 2; backoff constant base 1000; }\n"
                     "on a { retry r; }\non _ { abort; }\n",
                "error: backoff base needs a unit: write 1000s or 1000ms");
    assert_diag(HEAD "classify { _ => b; }\nbreaker k { open at 50% of last 1001 calls; open for 1s; }\n"
                     "on _ { abort; }\n",
                "error: a count window holds at most 1000 calls (its ring is 134 bytes), not 1001");
    assert_diag(HEAD "classify { _ => b; }\nbreaker k { open at 50% of last 100 calls min 101; open for 1s; }\n"
                     "on _ { abort; }\n",
                "error: min 101 calls exceeds the window of the last 100 calls");
    assert_diag(HEAD "classify { _ => b; }\non _ { retry nothere; }\n",
                "error: unknown retry strategy 'nothere'");
    assert_diag(HEAD "classify { _ => b; }\non a when class < tr { abort; }\non _ { abort; }\n",
                "error: class can only be compared with == or !=");
    assert_diag("policy t version 1;\nfault { int : u8; }\nclass c;\nerror e : c, low;\nclassify { _ => e; }\n"
                "on _ { abort; }\n",
                "error: field name 'int' is a C keyword");
}

/* The name rules (spec/language.md "Names and limits"): each at its name. */
static void test_name_rules(void **st)
{
    (void)st;
#define TAIL "classify { _ => b; }\non _ { abort; }\n"
    assert_diag(HEAD "class count;\n" TAIL,
                "t.recov:7:7: error: class 'count' would be the C constant t_..._COUNT");
    assert_diag(HEAD "classify { _ => b; }\non a { fallback x, COUNT; }\non _ { abort; }\n",
                "t.recov:8:20: error: alternative 'COUNT' would be the C constant");
    assert_diag(HEAD "classify { _ => b; }\non a { degrade Count; }\non _ { abort; }\n",
                "t.recov:8:16: error: mode 'Count' would be");
    static const char *const fields[] = { "NULL", "errno", "EOF", "uint8_t", "INT8_MAX", "UINT_LEAST16_MAX",
                                          "__x", "_X", "EINVAL", "SIGINT", "PRIu32", "stdout", "offsetof" };
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        char src[512], want[128];
        snprintf(src, sizeof src, "policy t version 1;\nfault { %s : u8; }\nclass c;\nerror b : c, low;\n" TAIL,
                 fields[i]);
        snprintf(want, sizeof want, "t.recov:2:9: error: field name '%s' is reserved by the C standard headers",
                 fields[i]);
        assert_diag(src, want);
    }
    assert_diag("policy t version 1;\nfault { class : u8; }\nclass c;\nerror b : c, low;\n" TAIL,
                "error: field name 'class' is a C keyword");
    assert_diag("policy t version 1;\nfault { recov_x : u8; }\nclass c;\nerror b : c, low;\n" TAIL,
                "t.recov:2:9: error: field name 'recov_x' is in the runtime's namespace");
    assert_diag("policy t version 1;\nfault { T_STATE_SIZE : u8; }\nclass c;\nerror b : c, low;\n" TAIL,
                "t.recov:2:9: error: field name 'T_STATE_SIZE' starts with the policy's prefix 't_'");
    assert_diag("policy recov version 1;\nclass c;\nerror b : c, low;\n" TAIL,
                "t.recov:1:8: error: policy name 'recov' would make generated names such as 'recov_load' meet");
    assert_diag("policy RECOV_x version 1;\nclass c;\nerror b : c, low;\n" TAIL,
                "t.recov:1:8: error: policy name 'RECOV_x' would make");
    assert_diag("policy _p version 1;\nclass c;\nerror b : c, low;\n" TAIL,
                "t.recov:1:8: error: policy name '_p' starts with '_'");
    /* 63 characters are a name, 64 are not */
    char n63[64], src[512];
    memset(n63, 'k', 63);
    n63[63] = '\0';
    snprintf(src, sizeof src, "policy t version 1;\nclass c;\nerror b : c, low;\nerror %s : c, low;\n" TAIL, n63);
    run r;
    check_src(&r, src);
    assert_non_null(r.ir);
    done(&r);
    snprintf(src, sizeof src, "policy t version 1;\nclass c;\nerror b : c, low;\nerror %sk : c, low;\n" TAIL, n63);
    assert_diag(src, "t.recov:4:7: error: error name 'kkkkkkkkkkkkkkkkkkkkkkkk...' is 64 characters long; names "
                     "are at most 63 characters");
    snprintf(src, sizeof src, "policy %sk version 1;\nclass c;\nerror b : c, low;\n" TAIL, n63);
    assert_diag(src, "t.recov:1:8: error: policy name 'kkkkkkkkkkkkkkkkkkkkkkkk...' is 64 characters long");
    snprintf(src, sizeof src, HEAD "classify { _ => b; }\non a { fallback %sk; }\non _ { abort; }\n", n63);
    assert_diag(src, "t.recov:8:17: error: name 'kkkkkkkkkkkkkkkkkkkkkkkk...' is 64 characters long");
    /* FNV-1a("alt.akoczf") == FNV-1a("alt.aqfbpp"): their records' tags would be equal */
    assert_diag(HEAD "classify { _ => b; }\non a { fallback akoczf, aqfbpp; }\non _ { abort; }\n",
                "t.recov:8:17: error: checkpoint keys 'alt.akoczf.");
#undef TAIL
}

static void test_warning_flags(void **st)
{
    (void)st;
    const char *src = HEAD "error unused : tr, low;\nclassify { code == 1 => a; _ => b; }\n"
                           "on a { abort; }\non b { abort; }\non _ { abort; }\n";
    run r;
    check_src(&r, src);
    assert_non_null(r.ir);
    assert_int_equal(r.d.warnings, 1);
    assert_non_null(strstr(r.out, "warning: error 'unused' is never produced by `classify` [-Wunused-error]"));
    done(&r);
    /* -Werror: the same policy fails */
    rc_arena_init(&r.a);
    r.out = NULL;
    r.f = open_memstream(&r.out, &r.outlen);
    rc_diag_init(&r.d, "t.recov", src, strlen(src), r.f);
    assert_true(rc_diag_option(&r.d, "error"));
    rc_ast_policy *p = rc_parse(&r.a, &r.d, src, strlen(src));
    (void)rc_check(&r.a, &r.d, p);
    fflush(r.f);
    assert_int_equal(r.d.errors, 1);
    assert_non_null(strstr(r.out, "[-Werror=unused-error]"));
    done(&r);
    /* -Wno-unused-error: silent */
    rc_arena_init(&r.a);
    r.out = NULL;
    r.f = open_memstream(&r.out, &r.outlen);
    rc_diag_init(&r.d, "t.recov", src, strlen(src), r.f);
    assert_true(rc_diag_option(&r.d, "no-unused-error"));
    assert_false(rc_diag_option(&r.d, "no-such-warning"));
    p = rc_parse(&r.a, &r.d, src, strlen(src));
    assert_non_null(rc_check(&r.a, &r.d, p));
    assert_int_equal(r.d.warnings, 0);
    done(&r);
}

/* `retries wait;` is lowered into the breaker it is written in, and only
 * there; it changes the policy hash (a different behaviour). */
static void test_retries_wait(void **st)
{
    (void)st;
    run r1, r2;
    check_src(&r1, HEAD "classify { _ => b; }\nbreaker k per alternative { open after 2 consecutive failures; "
                        "open for 1s; retries wait; }\nbreaker j { open after 3 consecutive failures; open for 2s; }\n"
                        "on _ { abort; }\n");
    check_src(&r2, HEAD "classify { _ => b; }\nbreaker k per alternative { open after 2 consecutive failures; "
                        "open for 1s; }\nbreaker j { open after 3 consecutive failures; open for 2s; }\n"
                        "on _ { abort; }\n");
    assert_non_null(r1.ir);
    assert_non_null(r2.ir);
    assert_true(r1.ir->breakers[0].retry_wait);
    assert_true(r1.ir->breakers[0].per_alt);
    assert_false(r1.ir->breakers[1].retry_wait);
    assert_false(r2.ir->breakers[0].retry_wait);
    assert_int_equal(r1.ir->breakers[0].wait_loc.line, 8);
    assert_int_not_equal(r1.ir->hash, r2.ir->hash);
    done(&r1);
    done(&r2);
}

static void test_hash_ignores_layout(void **st)
{
    (void)st;
    run r1, r2, r3;
    check_src(&r1, HEAD "classify { code == 1 => a; _ => b; }\non _ { abort; }\n");
    check_src(&r2, HEAD "\n\n  classify {\n code == 1 =>   a; _ => b; } // comment\non _ { abort; }\n");
    check_src(&r3, HEAD "classify { code == 2 => a; _ => b; }\non _ { abort; }\n");
    assert_non_null(r1.ir);
    assert_non_null(r2.ir);
    assert_non_null(r3.ir);
    assert_int_equal(r1.ir->hash, r2.ir->hash);
    assert_int_not_equal(r1.ir->hash, r3.ir->hash);
    done(&r1);
    done(&r2);
    done(&r3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_agent_call_ir),
        cmocka_unit_test(test_comparison_normalised),
        cmocka_unit_test(test_bool_field_alone),
        cmocka_unit_test(test_same_pattern_shares_a_bit),
        cmocka_unit_test(test_count_window_ring),
        cmocka_unit_test(test_block_deadline_resolved),
        cmocka_unit_test(test_const_table),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_name_rules),
        cmocka_unit_test(test_warning_flags),
        cmocka_unit_test(test_hash_ignores_layout),
        cmocka_unit_test(test_retries_wait),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
