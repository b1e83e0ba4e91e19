/* test_parser.c - the grammar (dsl/recov.y) through rc_parse: the full
 * agent_call example walked node by node, keywords used as names, error
 * messages and recovery, hostile inputs. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "parse.h"

typedef struct parsed {
    rc_arena arena;
    rc_diag diag;
    FILE *out;
    char *msgs;
    size_t msgs_len;
    rc_ast_policy *p;
    double seconds;
} parsed;

static parsed *parse_n(const char *src, size_t len, int max_errors)
{
    parsed *r = calloc(1, sizeof *r);
    rc_arena_init(&r->arena);
    r->out = open_memstream(&r->msgs, &r->msgs_len);
    rc_diag_init(&r->diag, "t.recov", src, len, r->out);
    r->diag.max_errors = max_errors;
    clock_t t0 = clock();
    r->p = rc_parse(&r->arena, &r->diag, src, len);
    r->seconds = (double)(clock() - t0) / CLOCKS_PER_SEC;
    fflush(r->out);
    if (!r->msgs) r->msgs = strdup("");
    return r;
}

static parsed *parse(const char *src) { return parse_n(src, strlen(src), 0); }

static void done(parsed *r)
{
    fclose(r->out);
    free(r->msgs);
    rc_arena_free(&r->arena);
    free(r);
}

static void check_loc(rc_loc l, int line, int col, int eline, int ecol)
{
    assert_int_equal(l.line, line);
    assert_int_equal(l.col, col);
    assert_int_equal(l.end_line, eline);
    assert_int_equal(l.end_col, ecol);
}

static void check_val(rc_ast_value v, rc_ast_vkind k, int64_t num)
{
    assert_int_equal(v.kind, k);
    assert_true(v.num == num);
}

static void check_name(rc_ast_value v, const char *name)
{
    assert_int_equal(v.kind, RC_AV_NAME);
    assert_string_equal(v.name, name);
}

/* Read the example relative to this file (CMake compiles it by absolute path). */
static char *read_example(size_t *len)
{
    char path[4096];
    const char *me = __FILE__;
    const char *cut = strstr(me, "tests/unit/test_parser.c");
    assert_non_null(cut);
    snprintf(path, sizeof path, "%.*stests/unit/data/contract_agent_call.recov", (int)(cut - me), me);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char *buf = malloc(1 << 16);
    *len = fread(buf, 1, 1 << 16, f);
    fclose(f);
    return buf;
}

static rc_ast_decl *next_decl(rc_ast_decl **d, rc_ast_dkind k)
{
    assert_non_null(*d);
    rc_ast_decl *r = *d;
    assert_int_equal(r->kind, k);
    *d = r->next;
    return r;
}

static void check_field(rc_ast_field *f, const char *name, const char *type, int line)
{
    assert_non_null(f);
    assert_string_equal(f->name.name, name);
    assert_string_equal(f->type.name, type);
    assert_int_equal(f->name.loc.line, line);
    assert_int_equal(f->name.loc.col, 5);
}

static rc_ast_decl *check_error(rc_ast_decl **d, const char *name, const char *cls, const char *sev)
{
    rc_ast_decl *e = next_decl(d, RC_D_ERROR);
    assert_string_equal(e->name.name, name);
    assert_string_equal(e->cls.name, cls);
    assert_string_equal(e->severity.name, sev);
    return e;
}

static rc_ast_rule *check_cmp_rule(rc_ast_rule *r, rc_cmp op, const char *field, int64_t num, const char *err)
{
    assert_non_null(r);
    assert_non_null(r->cond);
    assert_int_equal(r->cond->kind, RC_AX_CMP);
    assert_int_equal(r->cond->op, op);
    check_name(r->cond->lhs, field);
    check_val(r->cond->rhs, RC_AV_INT, num);
    assert_string_equal(r->error.name, err);
    return r->next;
}

static void check_scale(rc_ast_scale *s, const char *name, int64_t milli)
{
    assert_non_null(s);
    assert_string_equal(s->name.name, name);
    check_val(s->factor, RC_AV_FACTOR, milli);
}

static rc_ast_step *check_step(rc_ast_step *s, rc_ast_stepkind k, const char *name)
{
    assert_non_null(s);
    assert_int_equal(s->kind, k);
    if (name) assert_string_equal(s->name.name, name);
    else assert_null(s->name.name);
    return s->next;
}

static void test_agent_call_example(void **state)
{
    (void)state;
    size_t len;
    char *src = read_example(&len);
    parsed *r = parse_n(src, len, 20);
    assert_string_equal(r->msgs, "");
    assert_int_equal(r->diag.errors, 0);
    rc_ast_policy *p = r->p;
    assert_string_equal(p->name.name, "agent_call");
    check_loc(p->name.loc, 7, 8, 7, 17);
    check_val(p->version, RC_AV_INT, 3);
    check_loc(p->loc, 7, 1, 7, 28);

    rc_ast_decl *d = p->decls;
    rc_ast_decl *x = next_decl(&d, RC_D_FAULT);
    check_loc(x->loc, 9, 1, 14, 1);
    rc_ast_field *f = x->fields;
    check_field(f, "status", "u16", 10);
    check_loc(f->type.loc, 10, 22, 10, 24);
    check_field(f = f->next, "kind", "u8", 11);
    check_field(f = f->next, "message", "text", 12); /* a keyword as a field name */
    check_field(f = f->next, "retry_after_ms", "u32", 13);
    assert_null(f->next);

    x = next_decl(&d, RC_D_CONST);
    assert_string_equal(x->name.name, "KIND_TIMEOUT");
    check_val(x->value, RC_AV_INT, 3);
    check_loc(x->value.loc, 16, 22, 16, 22);

    x = next_decl(&d, RC_D_CLASS);
    assert_string_equal(x->name.name, "transient");
    assert_true(x->flag);
    x = next_decl(&d, RC_D_CLASS);
    assert_string_equal(x->name.name, "resource");
    assert_true(x->flag);
    x = next_decl(&d, RC_D_CLASS);
    assert_string_equal(x->name.name, "logic");
    assert_false(x->flag);
    check_loc(x->loc, 20, 1, 20, 12);

    x = check_error(&d, "network_timeout", "transient", "medium");
    check_loc(x->loc, 22, 1, 25, 1);
    assert_string_equal(x->message->text, "The agent did not answer in time.");
    assert_int_equal(x->message->len, 33);
    check_loc(x->message->loc, 23, 13, 23, 47);
    assert_null(x->message->next);
    assert_string_equal(x->hint->text, "Check the agent's health endpoint.");
    assert_null(x->steps_text);
    x = check_error(&d, "connection_reset", "transient", "medium");
    assert_null(x->message);
    check_error(&d, "rate_limit_exceeded", "transient", "low");
    check_error(&d, "temporary_unavailable", "transient", "medium");
    x = check_error(&d, "memory_exhausted", "resource", "high");
    assert_string_equal(x->message->text, "The agent ran out of memory.");
    assert_null(x->hint);
    assert_string_equal(x->steps_text->text, "Reduce the batch size.");
    assert_string_equal(x->steps_text->next->text, "Free model caches.");
    assert_null(x->steps_text->next->next);
    check_error(&d, "processing_failed", "logic", "medium");

    x = next_decl(&d, RC_D_CLASSIFY);
    check_loc(x->loc, 35, 1, 44, 1);
    rc_ast_rule *rule = x->rules;
    check_loc(rule->loc, 36, 5, 36, 66);
    check_loc(rule->cond->loc, 36, 5, 36, 17);
    check_loc(rule->cond->op_loc, 36, 12, 36, 13);
    check_loc(rule->error.loc, 36, 47, 36, 65);
    rule = check_cmp_rule(rule, RC_CMP_EQ, "status", 429, "rate_limit_exceeded");
    rule = check_cmp_rule(rule, RC_CMP_EQ, "status", 503, "temporary_unavailable");
    /* kind == KIND_TIMEOUT || message ~ "timeout" | "timed out" */
    rc_ast_expr *e = rule->cond;
    assert_int_equal(e->kind, RC_AX_OR);
    check_loc(e->loc, 38, 5, 39, 42);
    assert_int_equal(e->a->kind, RC_AX_CMP);
    check_name(e->a->lhs, "kind");
    check_name(e->a->rhs, "KIND_TIMEOUT");
    rc_ast_expr *m = e->b;
    assert_int_equal(m->kind, RC_AX_MATCH);
    assert_false(m->icase);
    assert_string_equal(m->field.name, "message");
    check_loc(m->op_loc, 39, 18, 39, 18);
    assert_string_equal(m->pats->text, "timeout");
    assert_false(m->pats->is_regex);
    check_loc(m->pats->loc, 39, 20, 39, 28);
    assert_string_equal(m->pats->next->text, "timed out");
    assert_int_equal(m->pats->next->len, 9);
    assert_null(m->pats->next->next);
    assert_string_equal(rule->error.name, "network_timeout");
    rule = rule->next;
    m = rule->cond;
    assert_int_equal(m->kind, RC_AX_MATCH);
    assert_true(m->icase);
    assert_string_equal(m->pats->text, "memory");
    assert_string_equal(rule->error.name, "memory_exhausted");
    rule = rule->next;
    m = rule->cond;
    assert_int_equal(m->kind, RC_AX_MATCH);
    assert_false(m->icase);
    assert_true(m->pats->is_regex);
    assert_string_equal(m->pats->text, "conn(ect|ection)? reset");
    assert_string_equal(rule->error.name, "connection_reset");
    rule = rule->next;
    e = rule->cond;
    assert_int_equal(e->kind, RC_AX_IN);
    check_name(e->lhs, "status");
    check_val(e->rhs, RC_AV_INT, 500);
    check_val(e->hi, RC_AV_INT, 599);
    check_loc(e->op_loc, 42, 12, 42, 13);
    assert_string_equal(rule->error.name, "temporary_unavailable");
    rule = rule->next;
    assert_null(rule->cond);
    check_loc(rule->any_loc, 43, 5, 43, 5);
    assert_string_equal(rule->error.name, "processing_failed");
    assert_null(rule->next);

    x = next_decl(&d, RC_D_RETRY);
    assert_string_equal(x->name.name, "agent_backoff");
    rc_ast_setting *s = x->settings;
    assert_int_equal(s->kind, RC_S_ATTEMPTS);
    check_val(s->v[0], RC_AV_INT, 4);
    check_loc(s->loc, 47, 5, 47, 15);
    s = s->next;
    assert_int_equal(s->kind, RC_S_BACKOFF);
    assert_string_equal(s->word.name, "exponential");
    check_val(s->v[0], RC_AV_DURATION, 1000);
    check_val(s->v[1], RC_AV_INT, 2);
    check_val(s->v[2], RC_AV_DURATION, 60000);
    s = s->next;
    assert_int_equal(s->kind, RC_S_JITTER);
    check_val(s->v[0], RC_AV_PERCENT, 25);
    assert_null(s->word.name);
    s = s->next;
    assert_int_equal(s->kind, RC_S_SCALE);
    check_scale(s->scales, "rate_limit_exceeded", 2000);
    check_scale(s->scales->next, "network_timeout", 1500);
    assert_null(s->scales->next->next);
    s = s->next;
    assert_int_equal(s->kind, RC_S_SCALE_SEVERITY);
    check_scale(s->scales, "high", 1500);
    check_scale(s->scales->next, "critical", 2000);
    s = s->next;
    assert_int_equal(s->kind, RC_S_HONOR);
    assert_string_equal(s->word.name, "retry_after_ms");
    assert_null(s->next);

    x = next_decl(&d, RC_D_BREAKER);
    assert_string_equal(x->name.name, "agent_breaker");
    s = x->settings;
    assert_int_equal(s->kind, RC_S_OPEN_AFTER);
    check_val(s->v[0], RC_AV_INT, 5);
    s = s->next;
    assert_int_equal(s->kind, RC_S_OPEN_FOR);
    check_val(s->v[0], RC_AV_DURATION, 60000);
    s = s->next;
    assert_int_equal(s->kind, RC_S_PROBES);
    check_val(s->v[0], RC_AV_INT, 3);
    s = s->next;
    assert_int_equal(s->kind, RC_S_CLOSE_AFTER);
    check_val(s->v[0], RC_AV_INT, 3);
    s = s->next;
    assert_int_equal(s->kind, RC_S_COUNT);
    assert_string_equal(s->names->id.name, "transient");
    assert_null(s->names->next);
    assert_null(s->next);

    x = next_decl(&d, RC_D_BUDGET);
    assert_string_equal(x->name.name, "retries");
    s = x->settings;
    assert_int_equal(s->kind, RC_S_RATIO);
    check_val(s->v[0], RC_AV_PERCENT, 20);
    check_val(s->v[1], RC_AV_INT, 3);
    check_val(s->v[2], RC_AV_DURATION, 10000);
    assert_null(s->next);

    x = next_decl(&d, RC_D_ESCALATION);
    rc_ast_esc *esc = x->esc;
    static const struct { const char *level, *chan; int64_t within; } want[] = {
        {"low", "log", -1}, {"medium", "ticket", 86400000}, {"high", "oncall", 7200000},
        {"critical", "incident", 900000}};
    for (int i = 0; i < 4; i++, esc = esc->next) {
        assert_false(esc->unresolved);
        assert_string_equal(esc->level.name, want[i].level);
        assert_string_equal(esc->channel.name, want[i].chan);
        if (want[i].within < 0) assert_int_equal(esc->within.kind, RC_AV_NONE);
        else check_val(esc->within, RC_AV_DURATION, want[i].within);
    }
    assert_true(esc->unresolved);
    assert_string_equal(esc->level.name, "low");
    check_val(esc->count, RC_AV_INT, 3);
    assert_string_equal(esc->target.name, "medium");
    assert_null(esc->next);

    x = next_decl(&d, RC_D_DEADLINE);
    check_val(x->value, RC_AV_DURATION, 300000);

    x = next_decl(&d, RC_D_ON);
    rc_ast_selector *sel = x->sels;
    const char *sel_names[] = {"rate_limit_exceeded", "temporary_unavailable", "connection_reset"};
    for (int i = 0; i < 3; i++, sel = sel->next) {
        assert_int_equal(sel->kind, RC_SEL_ERROR);
        assert_string_equal(sel->name.name, sel_names[i]);
    }
    assert_null(sel);
    assert_null(x->when);
    assert_int_equal(x->value.kind, RC_AV_NONE);
    rc_ast_step *st = x->steps;
    st = check_step(st, RC_STEP_RETRY, "agent_backoff");
    assert_int_equal(st->kind, RC_STEP_FALLBACK);
    assert_true(st->adaptive);
    assert_string_equal(st->alts->id.name, "backup_agent");
    assert_string_equal(st->alts->next->id.name, "local_model");
    assert_null(st->alts->next->next);
    st = st->next;
    st = check_step(st, RC_STEP_DEGRADE, "cached_answers");
    assert_null(st);

    x = next_decl(&d, RC_D_ON);
    assert_string_equal(x->sels->name.name, "network_timeout");
    e = x->when;
    assert_int_equal(e->kind, RC_AX_CMP);
    assert_int_equal(e->op, RC_CMP_LT);
    check_name(e->lhs, "attempt");
    check_val(e->rhs, RC_AV_INT, 3);
    st = check_step(x->steps, RC_STEP_RETRY, "agent_backoff");
    st = check_step(st, RC_STEP_ESCALATE, NULL);
    assert_null(st);

    x = next_decl(&d, RC_D_ON);
    st = check_step(x->steps, RC_STEP_ADJUST, "reduce_batch");
    assert_int_equal(x->steps->dur.kind, RC_AV_NONE);
    check_val(st->dur, RC_AV_DURATION, 30000);
    st = check_step(st, RC_STEP_RUN, "free_caches");
    st = check_step(st, RC_STEP_ESCALATE, "high");
    assert_null(st);

    x = next_decl(&d, RC_D_ON);
    assert_int_equal(x->sels->kind, RC_SEL_CLASS);
    assert_string_equal(x->sels->name.name, "logic");
    check_loc(x->sels->loc, 82, 4, 82, 14);
    assert_null(check_step(x->steps, RC_STEP_ESCALATE, NULL));

    x = next_decl(&d, RC_D_ON);
    assert_int_equal(x->sels->kind, RC_SEL_ANY);
    assert_null(check_step(x->steps, RC_STEP_ABORT, NULL));
    check_loc(x->loc, 83, 1, 83, 15);
    assert_null(d);
    done(r);
    free(src);
}

static void test_other_constructs(void **state)
{
    (void)state;
    parsed *r = parse(
        "policy p version 0x10;\n"
        "import \"drivers/modem.h\";\n"
        "fault = struct modem_event;\n"
        "const NEG = -5;\n"
        "retry r { backoff constant base 500ms; max 60s; jitter full; backoff linear base 1s factor 1.5; }\n"
        "breaker b { open at 50% of last 20 calls min 10; open at 10% of last 5 calls;"
        " open after 7 failures minus successes; }\n"
        "on a, class c, _ when !(x == 1) && y in -3..NEG || z { deadline 5s; adjust q delay 250ms;"
        " fallback alt; run h; }\n");
    assert_string_equal(r->msgs, "");
    check_val(r->p->version, RC_AV_INT, 16);
    rc_ast_decl *d = r->p->decls;
    rc_ast_decl *x = next_decl(&d, RC_D_IMPORT);
    assert_string_equal(x->str->text, "drivers/modem.h");
    x = next_decl(&d, RC_D_FAULT_STRUCT);
    assert_string_equal(x->name.name, "modem_event");
    x = next_decl(&d, RC_D_CONST);
    check_val(x->value, RC_AV_INT, -5);
    x = next_decl(&d, RC_D_RETRY);
    rc_ast_setting *s = x->settings;
    assert_int_equal(s->kind, RC_S_BACKOFF);
    assert_string_equal(s->word.name, "constant");
    assert_int_equal(s->v[1].kind, RC_AV_NONE);
    assert_int_equal(s->v[2].kind, RC_AV_NONE);
    s = s->next;
    assert_int_equal(s->kind, RC_S_MAX);
    check_val(s->v[0], RC_AV_DURATION, 60000);
    s = s->next;
    assert_int_equal(s->kind, RC_S_JITTER);
    assert_string_equal(s->word.name, "full");
    assert_int_equal(s->v[0].kind, RC_AV_NONE);
    s = s->next;
    check_val(s->v[1], RC_AV_FACTOR, 1500);
    x = next_decl(&d, RC_D_BREAKER);
    s = x->settings;
    assert_int_equal(s->kind, RC_S_OPEN_AT);
    check_val(s->v[0], RC_AV_PERCENT, 50);
    check_val(s->v[1], RC_AV_INT, 20);
    check_val(s->v[2], RC_AV_INT, 10);
    assert_int_equal(s->next->v[2].kind, RC_AV_NONE);
    s = s->next->next;
    assert_int_equal(s->kind, RC_S_OPEN_NET);
    check_val(s->v[0], RC_AV_INT, 7);
    assert_null(s->next);
    x = next_decl(&d, RC_D_ON);
    rc_ast_selector *sel = x->sels;
    assert_int_equal(sel->kind, RC_SEL_ERROR);
    assert_int_equal(sel->next->kind, RC_SEL_CLASS);
    assert_string_equal(sel->next->name.name, "c");
    assert_int_equal(sel->next->next->kind, RC_SEL_ANY);
    /* (!(x == 1) && y in -3..NEG) || z */
    rc_ast_expr *e = x->when;
    assert_int_equal(e->kind, RC_AX_OR);
    assert_int_equal(e->b->kind, RC_AX_NAME);
    check_name(e->b->lhs, "z");
    assert_int_equal(e->a->kind, RC_AX_AND);
    assert_int_equal(e->a->a->kind, RC_AX_NOT);
    assert_int_equal(e->a->a->a->kind, RC_AX_CMP);
    assert_int_equal(e->a->b->kind, RC_AX_IN);
    check_val(e->a->b->rhs, RC_AV_INT, -3);
    check_name(e->a->b->hi, "NEG");
    check_val(x->value, RC_AV_DURATION, 5000);
    rc_ast_step *st = x->steps;
    assert_int_equal(st->kind, RC_STEP_ADJUST);
    check_val(st->dur, RC_AV_DURATION, 250);
    assert_int_equal(st->next->kind, RC_STEP_FALLBACK);
    assert_false(st->next->adaptive);
    assert_int_equal(st->next->next->kind, RC_STEP_RUN);
    assert_int_equal(st->next->next->dur.kind, RC_AV_NONE);
    assert_null(d);
    done(r);
}

/* Keywords that are common words stay usable as names. */
static void test_keywords_as_names(void **state)
{
    (void)state;
    parsed *r = parse(
        "policy policy version 1;\n"
        "fault { message : text; count : u8; severity : u8; class : u8; delay : u16; in : u8; }\n"
        "class class;\n"
        "error timeout : class, max;\n"
        "classify {\n"
        "  message ~ \"x\" && count > 3 => timeout;\n"
        "  severity >= high || class == logic => timeout;\n"
        "  delay in min..max => timeout;\n"
        "  in => timeout;\n"
        "  _ => timeout;\n"
        "}\n"
        "retry retry { scale severity high x2; scale severity x3; }\n"
        "on timeout, class, class class when attempt < 2 { fallback adaptive; fallback adaptive, for; "
        "adjust delay delay 1s; escalate severity; }\n");
    assert_string_equal(r->msgs, "");
    assert_string_equal(r->p->name.name, "policy");
    rc_ast_decl *d = r->p->decls;
    rc_ast_decl *x = next_decl(&d, RC_D_FAULT);
    const char *names[] = {"message", "count", "severity", "class", "delay", "in"};
    rc_ast_field *f = x->fields;
    for (int i = 0; i < 6; i++, f = f->next) assert_string_equal(f->name.name, names[i]);
    x = next_decl(&d, RC_D_CLASS);
    assert_string_equal(x->name.name, "class");
    x = next_decl(&d, RC_D_ERROR);
    assert_string_equal(x->severity.name, "max");
    x = next_decl(&d, RC_D_CLASSIFY);
    rc_ast_rule *rule = x->rules;
    assert_int_equal(rule->cond->kind, RC_AX_AND);
    assert_string_equal(rule->cond->a->field.name, "message");
    check_name(rule->cond->b->lhs, "count");
    rule = rule->next;
    check_name(rule->cond->a->lhs, "severity");
    check_name(rule->cond->a->rhs, "high");
    check_name(rule->cond->b->lhs, "class");
    rule = rule->next;
    assert_int_equal(rule->cond->kind, RC_AX_IN);
    check_name(rule->cond->lhs, "delay");
    check_name(rule->cond->rhs, "min");
    check_name(rule->cond->hi, "max");
    rule = rule->next;
    assert_int_equal(rule->cond->kind, RC_AX_NAME);
    check_name(rule->cond->lhs, "in");
    x = next_decl(&d, RC_D_RETRY);
    assert_string_equal(x->name.name, "retry");
    assert_int_equal(x->settings->kind, RC_S_SCALE_SEVERITY);
    assert_int_equal(x->settings->next->kind, RC_S_SCALE); /* an error called severity */
    assert_string_equal(x->settings->next->scales->name.name, "severity");
    x = next_decl(&d, RC_D_ON);
    rc_ast_selector *sel = x->sels;
    assert_int_equal(sel->next->kind, RC_SEL_ERROR);
    assert_string_equal(sel->next->name.name, "class");
    assert_int_equal(sel->next->next->kind, RC_SEL_CLASS);
    assert_string_equal(sel->next->next->name.name, "class");
    rc_ast_step *st = x->steps;
    assert_false(st->adaptive); /* an alternative called adaptive */
    assert_string_equal(st->alts->id.name, "adaptive");
    st = st->next;
    assert_true(st->adaptive == false);
    assert_string_equal(st->alts->next->id.name, "for");
    st = st->next;
    assert_string_equal(st->name.name, "delay");
    check_val(st->dur, RC_AV_DURATION, 1000);
    assert_string_equal(st->next->name.name, "severity");
    done(r);
}

/* Each message, exactly (text and position). */
static void check_one_error(const char *src, const char *want)
{
    parsed *r = parse(src);
    const char *nl = strchr(r->msgs, '\n');
    size_t n = nl ? (size_t)(nl - r->msgs) : strlen(r->msgs);
    char *first = strndup(r->msgs, n);
    assert_string_equal(first, want);
    if (r->diag.errors != 1) fprintf(stderr, "%s", r->msgs);
    assert_int_equal(r->diag.errors, 1);
    free(first);
    done(r);
}

#define HDR "policy p version 1;\n"

static void test_messages(void **state)
{
    (void)state;
    check_one_error(HDR "retry r {\n  attempts 4\n  jitter 25%;\n}\n",
                    "t.recov:3:13: error: expected ';' after '4'");
    check_one_error(HDR "retry r { attempts 4 }\n", "t.recov:2:22: error: expected ';' before '}'");
    check_one_error(HDR "classify { status == 429 rate_limit; _ => x; }\n",
                    "t.recov:2:26: error: expected '=>' before 'rate_limit'");
    check_one_error(HDR "classify { status = 429 => x; _ => x; }\n",
                    "t.recov:2:19: error: use '==' to compare; '=' is not an operator in conditions");
    check_one_error(HDR "retry r { tries 4; attempts 3; }\n",
                    "t.recov:2:11: error: unknown statement 'tries' in retry block; expected attempts, "
                    "backoff, jitter, scale, honor, max, timeout or '}'");
    check_one_error(HDR "breaker b { open after 5 failures; }\n",
                    "t.recov:2:26: error: say how a success counts: 'open after N consecutive failures;' (a success "
                    "sets the count back to 0) or 'open after N failures minus successes;' (a success takes one off)");
    check_one_error(HDR "breaker b { open after 5 failures minus; }\n",
                    "t.recov:2:40: error: expected 'successes' before ';'");
    check_one_error(HDR "on x retry r;\n",
                    "t.recov:2:6: error: expected '{' before 'retry': the steps of an 'on' block go in braces");
    check_one_error(HDR "on x { retry r; deadline 5s; }\n",
                    "t.recov:2:17: error: 'deadline' must be the first statement of an 'on' block");
    check_one_error(HDR "on x { wait 5s; }\n",
                    "t.recov:2:8: error: unknown statement 'wait' in 'on' block; expected retry, fallback, "
                    "adjust, run, degrade, escalate, abort or '}'");
    check_one_error(HDR "classify { (a == 1 => x; }\n",
                    "t.recov:2:20: error: expected '&&', '||' or ')' before '=>'");
    check_one_error(HDR "classify { a 1 => x; }\n",
                    "t.recov:2:14: error: expected an operator (==, !=, <, <=, >, >=, in, ~, ~i) or '=>' "
                    "before '1'");
    check_one_error(HDR "retry r {\n", "t.recov:2:10: error: expected '}' at end of file: the 'retry' block "
                                      "opened on line 2 is not closed");
    /* a declaration keyword read as a field name still closes the block, and
     * what follows is not a second error */
    check_one_error(HDR "classify {\n_ => e;\non _ { abort; }\nfault { x : u8; }\n",
                    "t.recov:4:1: error: expected '}' before 'on': the 'classify' block is not closed");
    check_one_error(HDR "fault {\nx : u8;\nclass c;\nerror e : c, low;\n",
                    "t.recov:4:1: error: expected '}' before 'class': the 'fault' block is not closed");
    check_one_error(HDR "retry r { ; }\n", "t.recov:2:11: error: expected a statement (attempts, backoff, jitter, "
                                          "scale, honor, max, timeout) or '}' in retry block before ';'");
    check_one_error(HDR "class ;\n", "t.recov:2:7: error: expected a name before ';'");
    check_one_error(HDR "}\n", "t.recov:2:1: error: unexpected '}': no block is open here");
    check_one_error(HDR "on x when { abort; }\non y { abort; }\n",
                    "t.recov:2:11: error: expected a condition before '{'");
    check_one_error(HDR "classify { => x; }\n",
                    "t.recov:2:12: error: expected a rule ('CONDITION => ERROR;' or '_ => ERROR;') or '}' before '=>'");
    check_one_error(HDR "retry r { attempts 3;\nbreaker b { open for 5s; }\non x { abort; }\n",
                    "t.recov:3:1: error: expected '}' before 'breaker': the 'retry' block is not closed");
    check_one_error(HDR "retrys r { }\n", "t.recov:2:1: error: expected a declaration before 'retrys'; did you mean "
                                        "'retry'?");
    check_one_error(HDR "retired r { }\n",
                    "t.recov:2:1: error: expected a declaration (policy, import, fault, const, class, error, "
                    "classify, retry, breaker, budget, escalation, deadline, param, limit or on) before 'retired'");
    check_one_error("class c;\n",
                    "t.recov:1:1: error: missing policy header: a policy starts with 'policy NAME version N;'");
    check_one_error("polcy p version 1;\n",
                    "t.recov:1:1: error: expected 'policy NAME version N;' at the start of the file, before 'polcy'");
    check_one_error("// nothing\n", "t.recov:1:1: error: empty policy: a policy starts with 'policy NAME version N;'");
    check_one_error(HDR "policy q version 2;\n", "t.recov:2:1: error: duplicate policy header");
    check_one_error(HDR "error e : c, low {\n  message \"abc;\n}\nclass d;\n",
                    "t.recov:3:11: error: unterminated string (missing '\"' before the end of the line)");
    check_one_error(HDR "classify {\n  message ~ /abc(d => x;\n  _ => y;\n}\n",
                    "t.recov:3:13: error: unterminated regex (missing '/' before the end of the line)");
    check_one_error(HDR "classify { message ~ \"a\" | 5 => x; }\n",
                    "t.recov:2:28: error: expected string or regex before '5'");
}

/* Three independent mistakes: exactly three messages, at the right places. */
static void test_recovery(void **state)
{
    (void)state;
    parsed *r = parse(HDR
                      "class transient retryable\n"          /* 2: missing ';' */
                      "error e : transient, low;\n"
                      "classify {\n"
                      "    status = 1 => e;\n"               /* 5: '=' */
                      "    status == 2 => e;\n"
                      "    _ => e;\n"
                      "}\n"
                      "retry r { attempts 3; tries 4; jitter 10%; }\n" /* 9: unknown statement */
                      "on e { retry r; }\n");
    assert_int_equal(r->diag.errors, 3);
    const char *want =
        "t.recov:2:26: error: expected ';' after 'retryable'\n"
        " class transient retryable\n"
        "                          ^\n"
        "t.recov:5:12: error: use '==' to compare; '=' is not an operator in conditions\n"
        "     status = 1 => e;\n"
        "            ^\n"
        "t.recov:9:23: error: unknown statement 'tries' in retry block; expected attempts, backoff, jitter, "
        "scale, honor, max, timeout or '}'\n"
        " retry r { attempts 3; tries 4; jitter 10%; }\n"
        "                       ^~~~~\n";
    assert_string_equal(r->msgs, want);
    /* what parsed around the errors is kept */
    int kinds[8], n = 0;
    for (rc_ast_decl *d = r->p->decls; d && n < 8; d = d->next) kinds[n++] = (int)d->kind;
    assert_int_equal(n, 4);
    assert_int_equal(kinds[0], RC_D_ERROR);
    assert_int_equal(kinds[1], RC_D_CLASSIFY);
    assert_int_equal(kinds[2], RC_D_RETRY);
    assert_int_equal(kinds[3], RC_D_ON);
    rc_ast_decl *c = r->p->decls->next;
    assert_int_equal(c->rules->cond->rhs.num, 2); /* the broken rule is dropped */
    rc_ast_setting *s = c->next->settings;
    assert_int_equal(s->kind, RC_S_ATTEMPTS);
    assert_int_equal(s->next->kind, RC_S_JITTER);
    assert_null(s->next->next);
    done(r);
}

static void test_max_errors_stops(void **state)
{
    (void)state;
    char src[4096] = HDR;
    for (int i = 0; i < 100; i++) strcat(src, "class ;\n");
    parsed *r = parse_n(src, strlen(src), 5);
    assert_true(r->diag.stopped);
    assert_int_equal(r->diag.errors, 5);
    done(r);
}

static void test_hostile_inputs(void **state)
{
    (void)state;
    size_t n = 1 << 20;
    char *s = malloc(n + 64);
    /* 100,000 nested '(' */
    size_t k = 0;
    k += (size_t)sprintf(s, HDR "classify { ");
    memset(s + k, '(', 100000);
    k += 100000;
    parsed *r = parse_n(s, k, 20);
    assert_int_equal(r->diag.errors, 1);
    assert_non_null(strstr(r->msgs, "error: conditions nested too deeply"));
    assert_true(r->seconds < 1.0);
    done(r);
    /* 100,000 '!' */
    memset(s + k - 100000, '!', 100000);
    r = parse_n(s, k, 20);
    assert_int_equal(r->diag.errors, 1);
    assert_non_null(strstr(r->msgs, "error: conditions nested too deeply"));
    done(r);
    /* random binary */
    uint32_t x = 12345;
    for (size_t i = 0; i < n; i++) {
        x ^= x << 13; x ^= x >> 17; x ^= x << 5;
        s[i] = (char)(x >> 24);
    }
    r = parse_n(s, n, 20);
    assert_true(r->diag.errors > 0);
    assert_true(r->diag.stopped);
    assert_true(r->seconds < 1.0);
    done(r);
    /* a 1 MB line of declarations */
    k = (size_t)sprintf(s, HDR);
    while (k + 10 < n) k += (size_t)sprintf(s + k, "class c; ");
    r = parse_n(s, k, 20);
    assert_int_equal(r->diag.errors, 0);
    assert_true(r->seconds < 1.0);
    done(r);
    /* NULs everywhere */
    memset(s, 0, n);
    r = parse_n(s, n, 20);
    assert_true(r->diag.errors > 0);
    assert_true(r->seconds < 1.0);
    done(r);
    /* zero length, NULL source */
    r = parse_n(NULL, 0, 20);
    assert_int_equal(r->diag.errors, 1);
    assert_null(r->p->name.name);
    done(r);
    /* every prefix of the example: no crash, some error unless complete */
    size_t len;
    char *src = read_example(&len);
    for (size_t cut = 0; cut < len; cut += 7) {
        r = parse_n(src, cut, 20);
        done(r);
    }
    free(src);
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_agent_call_example),
        cmocka_unit_test(test_other_constructs),
        cmocka_unit_test(test_keywords_as_names),
        cmocka_unit_test(test_messages),
        cmocka_unit_test(test_recovery),
        cmocka_unit_test(test_max_errors_stops),
        cmocka_unit_test(test_hostile_inputs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
