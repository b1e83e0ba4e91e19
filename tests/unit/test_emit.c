/* test_emit.c - the C generator: emit a hand-built IR, compile the output with
 * the host compilers at -Werror, run a driver and check every decision
 * exactly, cross-checked against the simulator (sim.c) on the same events. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arena.h"
#include "dfa.h"
#include "driver.h"
#include "emit_c.h"
#include "ir.h"
#include "sim.h"

#ifndef RECOV_SOURCE_RUNTIME_DIR
#error "RECOV_SOURCE_RUNTIME_DIR must name runtime/ (set by CMakeLists.txt)"
#endif

/* ---- a hand-built policy -------------------------------------------------
 *
 *   policy tp version 7;
 *   fault { status: u16; kind: u8; message: text; retry_after: u32; delta: i16; fatal: bool; }
 *   class transient retryable; class logic;
 *   error timeout_err: transient, medium { message..; hint..; steps "a", "b"; }
 *   error rate_limited: transient, low;  error broken: logic, high;  error other: logic, medium;
 *   classify {
 *     status == 429 => rate_limited;
 *     message ~ "timeout" || kind == 3 => timeout_err;
 *     delta < -5 => broken;
 *     kind > 255 => broken;                   (folds to false)
 *     status <= 65535 && kind == 7 => broken; (folds to kind == 7)
 *     fatal => broken;
 *     message ~i "MEMORY" => broken;
 *     status in 500..599 => broken;
 *     _ => other;
 *   }
 *   retry fast { attempts 3; backoff exponential base 100ms factor 2 max 1s;
 *                scale rate_limited x1.5; honor retry_after; }
 *   breaker br { open after 3 consecutive failures; open for 1s; half_open probes 1;
 *                close after 1 successes; count transient; }
 *   escalation { low => log; medium => ticket within 1s; high => oncall within 500ms;
 *                critical => page within 100ms; unresolved medium after 2 => critical; }
 *   on rate_limited { deadline 10s; retry fast; fallback alt_a, alt_b; degrade cached; }
 *   on timeout_err when attempt < 3 { retry fast; escalate; }
 *   on broken { adjust shrink delay 50ms; run fix timeout 200ms; escalate high; }
 *   on _ { escalate; }
 */

static rc_ir_name mk_name(const char *n)
{
    rc_ir_name v;
    memset(&v, 0, sizeof v);
    v.name = n;
    return v;
}

static int add_x(rc_ir *ir, rc_ir_xkind k)
{
    rc_ir_expr *x = &ir->exprs[ir->nexprs];
    memset(x, 0, sizeof *x);
    x->kind = k;
    x->a = x->b = -1;
    return ir->nexprs++;
}

static int add_cmp(rc_ir *ir, rc_opd opd, int field, rc_ir_cmp op, int64_t v)
{
    int i = add_x(ir, RC_X_CMP);
    ir->exprs[i].opd = opd;
    ir->exprs[i].field = field;
    ir->exprs[i].op = op;
    ir->exprs[i].value = v;
    return i;
}

static int add_bin(rc_ir *ir, rc_ir_xkind k, int a, int b)
{
    int i = add_x(ir, k);
    ir->exprs[i].a = a;
    ir->exprs[i].b = b;
    return i;
}

static int add_match(rc_ir *ir, int field, int pattern)
{
    int i = add_x(ir, RC_X_MATCH);
    ir->exprs[i].field = field;
    ir->exprs[i].pattern = pattern;
    return i;
}

static bool *err_set(rc_arena *a, int n, unsigned mask)
{
    bool *v = RC_NEW_ARRAY(a, bool, n);
    for (int i = 0; i < n; i++) v[i] = (mask >> i) & 1u;
    return v;
}

static rc_ir *build_ir(rc_arena *a, const char *name)
{
    rc_ir *ir = RC_NEW(a, rc_ir);
    ir->name = name;
    ir->version = 7;

    enum { F_STATUS, F_KIND, F_MSG, F_RA, F_DELTA, F_FATAL, NF };
    static const char *const fnames[NF] = { "status", "kind", "message", "retry_after", "delta", "fatal" };
    static const rc_type ftypes[NF] = { RC_TY_U16, RC_TY_U8, RC_TY_TEXT, RC_TY_U32, RC_TY_I16, RC_TY_BOOL };
    ir->fields = RC_NEW_ARRAY(a, rc_ir_field, NF);
    ir->nfields = NF;
    for (int i = 0; i < NF; i++) {
        ir->fields[i].name = fnames[i];
        ir->fields[i].type = ftypes[i];
        ir->fields[i].text_index = i == F_MSG ? 0 : -1;
    }

    ir->classes = RC_NEW_ARRAY(a, rc_ir_class, 2);
    ir->nclasses = 2;
    ir->classes[0].name = "transient";
    ir->classes[0].retryable = true;
    ir->classes[1].name = "logic";

    static const char *steps[2] = { "Check the link.", "Call \"ops\"?" };
    ir->errors = RC_NEW_ARRAY(a, rc_ir_error, 4);
    ir->nerrors = 4;
    ir->errors[0] = (rc_ir_error){ .name = "timeout_err", .cls = 0, .severity = RC_SEV_MEDIUM,
                                   .message = "Timed out.", .hint = "Check \\ health.",
                                   .steps = steps, .nsteps = 2 };
    ir->errors[1] = (rc_ir_error){ .name = "rate_limited", .cls = 0, .severity = RC_SEV_LOW };
    ir->errors[2] = (rc_ir_error){ .name = "broken", .cls = 1, .severity = RC_SEV_HIGH };
    ir->errors[3] = (rc_ir_error){ .name = "other", .cls = 1, .severity = RC_SEV_MEDIUM };

    /* patterns of `message`: 0 = "timeout", 1 = ~i "MEMORY" */
    rc_dfa_alt *alts = RC_NEW_ARRAY(a, rc_dfa_alt, 2);
    alts[0] = (rc_dfa_alt){ "timeout", 7, false };
    alts[1] = (rc_dfa_alt){ "MEMORY", 6, false };
    rc_ir_textfield *tf = RC_NEW(a, rc_ir_textfield);
    tf->field = F_MSG;
    tf->npatterns = 2;
    tf->patterns = RC_NEW_ARRAY(a, rc_ir_pattern, 2);
    tf->patterns[0] = (rc_ir_pattern){ .field = F_MSG, .icase = false, .alts = &alts[0], .nalts = 1 };
    tf->patterns[1] = (rc_ir_pattern){ .field = F_MSG, .icase = true, .alts = &alts[1], .nalts = 1 };
    rc_dfa_pattern dp[2] = { { &alts[0], 1, false }, { &alts[1], 1, true } };
    rc_dfa_error derr;
    assert_true(rc_dfa_build(a, dp, 2, RC_DFA_MAX_STATES, &tf->dfa, &derr));
    ir->texts = tf;
    ir->ntexts = 1;

    ir->exprs = RC_NEW_ARRAY(a, rc_ir_expr, 32);
    int x_429 = add_cmp(ir, RC_OPD_FIELD, F_STATUS, RC_IR_EQ, 429);
    int x_to = add_bin(ir, RC_X_OR, add_match(ir, F_MSG, 0), add_cmp(ir, RC_OPD_FIELD, F_KIND, RC_IR_EQ, 3));
    int x_delta = add_cmp(ir, RC_OPD_FIELD, F_DELTA, RC_IR_LT, -5);
    int x_never = add_cmp(ir, RC_OPD_FIELD, F_KIND, RC_IR_GT, 255);
    int x_k7 = add_bin(ir, RC_X_AND, add_cmp(ir, RC_OPD_FIELD, F_STATUS, RC_IR_LE, 65535),
                       add_cmp(ir, RC_OPD_FIELD, F_KIND, RC_IR_EQ, 7));
    int x_fatal = add_cmp(ir, RC_OPD_FIELD, F_FATAL, RC_IR_NE, 0);
    int x_mem = add_match(ir, F_MSG, 1);
    int x_5xx = add_x(ir, RC_X_IN);
    ir->exprs[x_5xx].opd = RC_OPD_FIELD;
    ir->exprs[x_5xx].field = F_STATUS;
    ir->exprs[x_5xx].lo = 500;
    ir->exprs[x_5xx].hi = 599;
    int x_true = add_x(ir, RC_X_TRUE);
    int x_att = add_cmp(ir, RC_OPD_ATTEMPT, -1, RC_IR_LT, 3);

    const int conds[] = { x_429, x_to, x_delta, x_never, x_k7, x_fatal, x_mem, x_5xx, x_true };
    const int errs[] = { 1, 0, 2, 2, 2, 2, 2, 2, 3 };
    ir->nrules = 9;
    ir->rules = RC_NEW_ARRAY(a, rc_ir_rule, 9);
    for (int i = 0; i < 9; i++) {
        ir->rules[i].cond = conds[i];
        ir->rules[i].error = errs[i];
    }

    ir->retries = RC_NEW_ARRAY(a, rc_ir_retry, 1);
    ir->nretries = 1;
    rc_ir_retry *r = &ir->retries[0];
    r->name = "fast";
    r->attempts = 3;
    r->backoff = RC_BACKOFF_EXPONENTIAL;
    r->base_ms = 100;
    r->factor_milli = 2000;
    r->max_ms = 1000;
    r->jitter = RC_JITTER_NONE;
    r->error_scale = RC_NEW_ARRAY(a, uint32_t, 4);
    for (int i = 0; i < 4; i++) r->error_scale[i] = i == 1 ? 1500 : 1000;
    for (int i = 0; i < RC_SEV_COUNT; i++) r->sev_scale[i] = 1000;
    r->honor_field = F_RA;

    ir->breakers = RC_NEW_ARRAY(a, rc_ir_breaker, 1);
    ir->nbreakers = 1;
    ir->breakers[0] = (rc_ir_breaker){ .name = "br", .mode = RC_BREAKER_CONSECUTIVE, .threshold = 3,
                                       .open_ms = 1000, .probes = 1, .close_after = 1,
                                       .counts = err_set(a, 4, 0x3u) };

    ir->has_escalation = true;
    for (int l = 0; l < RC_SEV_COUNT; l++) ir->escalation.channel[l] = l;
    ir->escalation.sla_ms[1] = 1000;
    ir->escalation.sla_ms[2] = 500;
    ir->escalation.sla_ms[3] = 100;
    ir->escalation.unresolved_after[RC_SEV_MEDIUM] = 2;
    ir->escalation.unresolved_to[RC_SEV_MEDIUM] = RC_SEV_CRITICAL;

    ir->alts = RC_NEW_ARRAY(a, rc_ir_name, 2);
    ir->alts[0] = mk_name("alt_a");
    ir->alts[1] = mk_name("alt_b");
    ir->nalts = 2;
    ir->modes = RC_NEW_ARRAY(a, rc_ir_name, 1);
    ir->modes[0] = mk_name("cached");
    ir->nmodes = 1;
    ir->channels = RC_NEW_ARRAY(a, rc_ir_name, 4);
    ir->channels[0] = mk_name("log");
    ir->channels[1] = mk_name("ticket");
    ir->channels[2] = mk_name("oncall");
    ir->channels[3] = mk_name("page");
    ir->nchannels = 4;
    ir->handlers = RC_NEW_ARRAY(a, rc_ir_name, 1);
    ir->handlers[0] = mk_name("fix");
    ir->nhandlers = 1;
    ir->adjusts = RC_NEW_ARRAY(a, rc_ir_name, 1);
    ir->adjusts[0] = mk_name("shrink");
    ir->nadjusts = 1;

    ir->blocks = RC_NEW_ARRAY(a, rc_ir_block, 4);
    ir->nblocks = 4;
    rc_ir_step *s0 = RC_NEW_ARRAY(a, rc_ir_step, 3);
    int *fb = RC_NEW_ARRAY(a, int, 2);
    fb[0] = 0;
    fb[1] = 1;
    s0[0] = (rc_ir_step){ .kind = RC_IR_RETRY, .retry = 0, .level = -1 };
    s0[1] = (rc_ir_step){ .kind = RC_IR_FALLBACK, .alts = fb, .nalts = 2, .level = -1 };
    s0[2] = (rc_ir_step){ .kind = RC_IR_DEGRADE, .id = 0, .level = -1 };
    ir->blocks[0] = (rc_ir_block){ .errors = err_set(a, 4, 0x2u), .when = -1, .deadline_ms = 10000,
                                   .steps = s0, .nsteps = 3, .terminal = 2 };
    rc_ir_step *s1 = RC_NEW_ARRAY(a, rc_ir_step, 2);
    s1[0] = (rc_ir_step){ .kind = RC_IR_RETRY, .retry = 0, .level = -1 };
    s1[1] = (rc_ir_step){ .kind = RC_IR_ESCALATE, .level = -1 };
    ir->blocks[1] = (rc_ir_block){ .errors = err_set(a, 4, 0x1u), .when = x_att, .steps = s1, .nsteps = 2,
                                   .terminal = 1 };
    rc_ir_step *s2 = RC_NEW_ARRAY(a, rc_ir_step, 3);
    s2[0] = (rc_ir_step){ .kind = RC_IR_ADJUST, .id = 0, .ms = 50, .level = -1 };
    s2[1] = (rc_ir_step){ .kind = RC_IR_RUN, .id = 0, .ms = 200, .level = -1 };
    s2[2] = (rc_ir_step){ .kind = RC_IR_ESCALATE, .level = RC_SEV_HIGH };
    ir->blocks[2] = (rc_ir_block){ .errors = err_set(a, 4, 0x4u), .when = -1, .steps = s2, .nsteps = 3,
                                   .terminal = 2 };
    rc_ir_step *s3 = RC_NEW_ARRAY(a, rc_ir_step, 1);
    s3[0] = (rc_ir_step){ .kind = RC_IR_ESCALATE, .level = -1 };
    ir->blocks[3] = (rc_ir_block){ .errors = err_set(a, 4, 0xFu), .when = -1, .steps = s3, .nsteps = 1,
                                   .terminal = 0 };
    ir->hash = rc_ir_hash(ir);
    return ir;
}

/* ---- the scenario ---------------------------------------------------------- */

typedef struct ev {
    char op;            /* f fail, a admit, o ok, h handler ok, H handler failed, c checkpoint tests */
    uint32_t t;
    unsigned status, kind;
    const char *msg;
    uint32_t ra;
    int delta;
    int fatal;
} ev;

static const ev events[] = {
    { 'f', 0, 429, 0, NULL, 0, 0, 0 },
    { 'f', 150, 429, 0, NULL, 0, 0, 0 },
    { 'f', 450, 429, 0, NULL, 5000, 0, 0 },
    { 'a', 500, 0, 0, NULL, 0, 0, 0 },
    { 'a', 1450, 0, 0, NULL, 0, 0, 0 },
    { 'a', 1460, 0, 0, NULL, 0, 0, 0 },
    { 'f', 1500, 429, 0, NULL, 0, 0, 0 },
    { 'f', 1600, 429, 0, NULL, 0, 0, 0 },
    { 'a', 2500, 0, 0, NULL, 0, 0, 0 },
    { 'o', 2550, 0, 0, NULL, 0, 0, 0 },
    { 'a', 2600, 0, 0, NULL, 0, 0, 0 },
    { 'f', 3000, 429, 0, NULL, 5000, 0, 0 },
    { 'o', 3100, 0, 0, NULL, 0, 0, 0 },
    { 'f', 4000, 0, 3, NULL, 0, 0, 0 },
    { 'c', 4000, 0, 0, NULL, 0, 0, 0 },
    { 'f', 4100, 0, 0, "read timeout", 0, 0, 0 },
    { 'f', 4300, 0, 0, "timeout", 0, 0, 0 },
    { 'f', 5000, 0, 0, "", 0, -10, 0 },
    { 'f', 5050, 0, 0, "", 0, -10, 0 },
    { 'H', 5100, 0, 0, NULL, 0, 0, 0 },
    { 'h', 5200, 0, 0, NULL, 0, 0, 0 },
    { 'f', 6000, 0, 0, "out of Memory", 0, 0, 0 },
    { 'f', 6010, 0, 0, NULL, 0, 0, 1 },
    { 'h', 6020, 0, 0, NULL, 0, 0, 0 },
    { 'f', 6100, 0, 7, NULL, 0, 0, 0 },
    { 'f', 7000, 0, 0, "x", 0, 0, 0 },
    { 'f', 7100, 0, 0, NULL, 0, -5, 0 },
    { 'a', 19000, 0, 0, NULL, 0, 0, 0 },
    { 'o', 19000, 0, 0, NULL, 0, 0, 0 },
    { 'f', 20000, 429, 0, NULL, 0, 0, 0 },
    { 'f', 30001, 429, 0, NULL, 0, 0, 0 },
};
#define NEVENTS ((int)(sizeof events / sizeof events[0]))

/* Every decision worked out by hand from spec/semantics.md. */
static const char expected[] =
    "d kind=1 id=0 ms=150 level=0 error=1 sev=0 class=0 attempt=1 limit=0\n"   /* 100 x1.5 */
    "d kind=1 id=0 ms=300 level=0 error=1 sev=0 class=0 attempt=2 limit=0\n"   /* 200 x1.5 */
    "d kind=4 id=0 ms=0 level=0 error=1 sev=0 class=0 attempt=3 limit=0\n"     /* breaker opens: fallback alt_a */
    "a reject\n"
    "a allow\n"                                                         /* half-open probe */
    "a reject\n"
    "d kind=4 id=1 ms=0 level=0 error=1 sev=0 class=0 attempt=4 limit=0\n"     /* reopened; alt_b */
    "d kind=5 id=0 ms=0 level=0 error=1 sev=0 class=0 attempt=5 limit=0\n"     /* degrade cached */
    "a allow\n"
    "o\n"                                                               /* closes */
    "a allow\n"
    "d kind=1 id=0 ms=5000 level=0 error=1 sev=0 class=0 attempt=1 limit=0\n"  /* honor retry_after over max */
    "o\n"
    "d kind=1 id=0 ms=100 level=0 error=0 sev=1 class=0 attempt=1 limit=0\n"   /* kind == 3, NULL message */
    "ck save=1 small=0 load=0 same=1\n"
    "ck crc=5 magic=3 short=2 short2=2 format=4 foreign=6 migrated=1 corrupt=7 unknown=7 unknown2=1 untouched=1\n"
    "ck migrated fails=1 active=0 prng=1\n"
    "d kind=1 id=0 ms=200 level=0 error=0 sev=1 class=0 attempt=2 limit=0\n"   /* restored state goes on */
    "d kind=6 id=1 ms=1000 level=1 error=0 sev=1 class=0 attempt=3 limit=0\n"  /* when fails: escalate medium */
    "d kind=2 id=0 ms=50 level=0 error=2 sev=2 class=1 attempt=1 limit=0\n"
    "d kind=3 id=0 ms=200 level=0 error=2 sev=2 class=1 attempt=2 limit=0\n"
    "d kind=6 id=2 ms=500 level=2 error=2 sev=2 class=1 attempt=2 limit=0\n"   /* handler failed: escalate high */
    "d kind=0 id=0 ms=0 level=0 error=2 sev=2 class=1 attempt=2 limit=0\n"     /* nothing pending */
    "d kind=2 id=0 ms=50 level=0 error=2 sev=2 class=1 attempt=1 limit=0\n"    /* ~i MEMORY */
    "d kind=3 id=0 ms=200 level=0 error=2 sev=2 class=1 attempt=2 limit=0\n"   /* fatal */
    "d kind=1 id=0 ms=0 level=0 error=2 sev=2 class=1 attempt=2 limit=0\n"     /* handler ok: retry now */
    "d kind=6 id=2 ms=500 level=2 error=2 sev=2 class=1 attempt=3 limit=0\n"   /* kind == 7 */
    "d kind=6 id=3 ms=100 level=3 error=3 sev=1 class=1 attempt=1 limit=0\n"   /* 2nd medium unresolved -> critical */
    "d kind=6 id=1 ms=1000 level=1 error=3 sev=1 class=1 attempt=1 limit=0\n"  /* delta -5 is not < -5 */
    "a allow\n"
    "o\n"
    "d kind=1 id=0 ms=150 level=0 error=1 sev=0 class=0 attempt=1 limit=0\n"
    "d kind=5 id=0 ms=0 level=0 error=1 sev=0 class=0 attempt=2 limit=0\n";    /* deadline -> terminal degrade */

/* ---- files and processes ------------------------------------------------------ */

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 1 << 16, n = 0;
    char *b = malloc(cap + 1);
    for (;;) {
        size_t r = fread(b + n, 1, cap - n, f);
        n += r;
        if (n < cap) break;
        cap *= 2;
        b = realloc(b, cap + 1);
    }
    fclose(f);
    b[n] = '\0';
    if (len) *len = n;
    return b;
}

static char *run_capture(const char *cmd)
{
    FILE *p = popen(cmd, "r");
    if (!p) return NULL;
    size_t cap = 1 << 16, n = 0;
    char *b = malloc(cap + 1);
    size_t r;
    while ((r = fread(b + n, 1, cap - n, p)) > 0) {
        n += r;
        if (n == cap) {
            cap *= 2;
            b = realloc(b, cap + 1);
        }
    }
    b[n] = '\0';
    int st = pclose(p);
    if (st != 0) {
        fprintf(stderr, "command failed (%d): %s\n%s", st, cmd, b);
        free(b);
        return NULL;
    }
    return b;
}

static bool emit_files(const rc_ir *ir, const char *dir)
{
    char hp[512], cp[512], hn[128];
    snprintf(hn, sizeof hn, "%s.h", ir->name);
    snprintf(hp, sizeof hp, "%s/%s.h", dir, ir->name);
    snprintf(cp, sizeof cp, "%s/%s.c", dir, ir->name);
    FILE *h = fopen(hp, "wb"), *c = fopen(cp, "wb");
    assert_non_null(h);
    assert_non_null(c);
    char why[256] = "";
    bool ok = rc_emit_c_why(ir, hn, h, c, why, sizeof why);
    if (!ok) fprintf(stderr, "emit failed: %s\n", why);
    fclose(h);
    fclose(c);
    return ok;
}

static void write_driver(const char *dir)
{
    char path[512];
    snprintf(path, sizeof path, "%s/main.c", dir);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fprintf(f, "#include <stdio.h>\n#include <string.h>\n#include \"tp.h\"\n\n"
               "struct ev { char op; uint32_t t; tp_fault f; };\nstatic const struct ev evs[] = {\n");
    for (int i = 0; i < NEVENTS; i++) {
        const ev *e = &events[i];
        fprintf(f, "    { '%c', %" PRIu32 "u, { %uu, %uu, ", e->op, e->t, e->status, e->kind);
        if (e->msg) fprintf(f, "\"%s\"", e->msg);
        else fprintf(f, "NULL");
        fprintf(f, ", %" PRIu32 "u, %d, %s } },\n", e->ra, e->delta, e->fatal ? "true" : "false");
    }
    fprintf(f, "};\n\n#define BREAKER_STATE_TAG 0x%08" PRIX32 "u\n#define PRNG_TAG 0x%08" PRIX32 "u\n\n",
            rc_emit_fnv1a("breaker.br.state"), rc_emit_fnv1a("prng"));
    fputs(
        "static void pd(const recov_decision *d)\n{\n"
        "    printf(\"d kind=%u id=%u ms=%lu level=%u error=%u sev=%u class=%u attempt=%u limit=%lu\\n\",\n"
        "           (unsigned)d->kind, (unsigned)d->id, (unsigned long)d->ms, (unsigned)d->level,\n"
        "           (unsigned)d->error, (unsigned)d->severity, (unsigned)d->error_class, (unsigned)d->attempt,\n"
        "           (unsigned long)d->limit_ms);\n}\n\n"
        "static void recrc(uint8_t *b, size_t n)\n{\n    recov_put32(b + n - 4, recov_crc32(0u, b, n - 4));\n}\n\n"
        "/* offset of the value of the record with this tag, 0 if none */\n"
        "static size_t find(const uint8_t *b, uint32_t tag)\n{\n"
        "    size_t i = 20, end = 20 + recov_get32(b + 16);\n"
        "    while (i < end) {\n        if (recov_get32(b + i) == tag) return i + 5;\n        i += 5u + b[i + 4];\n    }\n"
        "    return 0;\n}\n\n"
        "static tp_shared s1, s2, s3;\nstatic tp_incident i1, i2, i3;\n\n"
        "static void checkpoints(tp_shared **sp, tp_incident **ip)\n{\n"
        "    static uint8_t buf[tp_SHARED_CHECKPOINT_MAX + 8], b3[tp_SHARED_CHECKPOINT_MAX + 8], x1[tp_SHARED_CHECKPOINT_MAX], x2[tp_SHARED_CHECKPOINT_MAX];\n"
        "    static uint8_t ib[tp_INCIDENT_CHECKPOINT_MAX];\n"
        "    size_t n = tp_shared_save(*sp, buf, sizeof buf), small = tp_shared_save(*sp, b3, tp_SHARED_CHECKPOINT_MAX - 1);\n"
        "    size_t ni = tp_incident_save(*ip, ib, sizeof ib);\n"
        "    int ld, same;\n"
        "    tp_shared_init(&s2, 0u, 99u);\n    tp_incident_init(&i2);\n"
        "    ld = (int)tp_shared_load(&s2, buf, n) + 10 * (int)tp_incident_load(&i2, ib, ni);\n"
        "    same = tp_shared_save(&s2, x1, sizeof x1) == n && memcmp(x1, buf, n) == 0;\n"
        "    printf(\"ck save=%d small=%u load=%d same=%d\\n\", n == tp_SHARED_CHECKPOINT_MAX, (unsigned)small, ld, same);\n"
        "    {\n        int crc, magic, shrt, shrt2, format, foreign, migrated, corrupt, unknown, unknown2, untouched;\n"
        "        size_t o;\n"
        "        tp_shared_init(&s3, 5u, 1234u);\n        tp_incident_init(&i3);\n        tp_shared_save(&s3, x1, sizeof x1);\n"
        "        memcpy(b3, buf, n); b3[40] ^= 1u; crc = (int)tp_shared_load(&s3, b3, n);\n"
        "        memcpy(b3, buf, n); b3[0] = 'X'; magic = (int)tp_shared_load(&s3, b3, n);\n"
        "        shrt = (int)tp_shared_load(&s3, buf, 10u);\n        shrt2 = (int)tp_shared_load(&s3, buf, n - 1u);\n"
        "        memcpy(b3, buf, n); b3[4] = 1u; format = (int)tp_shared_load(&s3, b3, n);\n"
        "        memcpy(b3, buf, n); b3[8] ^= 1u; recrc(b3, n); foreign = (int)tp_shared_load(&s3, b3, n);\n"
        "        memcpy(b3, buf, n); o = find(b3, BREAKER_STATE_TAG); b3[o] = 7u; recrc(b3, n);\n"
        "        corrupt = o ? (int)tp_shared_load(&s3, b3, n) : -1;\n"
        "        memcpy(b3, buf, n); b3[20] ^= 1u; recrc(b3, n); unknown = (int)tp_shared_load(&s3, b3, n);\n"
        "        tp_shared_save(&s3, x2, sizeof x2);\n        untouched = memcmp(x1, x2, n) == 0;\n"
        "        memcpy(b3, buf, n); b3[20] ^= 1u; b3[12] ^= 1u; recrc(b3, n); unknown2 = (int)tp_shared_load(&s3, b3, n);\n"
        "        printf(\"ck crc=%d magic=%d short=%d short2=%d format=%d foreign=%d migrated=\", crc, magic, shrt, shrt2, format, foreign);\n"
        "        tp_shared_init(&s3, 5u, 1234u);\n"
        "        memcpy(b3, buf, n); b3[12] ^= 1u; recrc(b3, n); migrated = (int)tp_shared_load(&s3, b3, n);\n"
        "        printf(\"%d corrupt=%d unknown=%d unknown2=%d untouched=%d\\n\", migrated, corrupt, unknown, unknown2, untouched);\n"
        "        printf(\"ck migrated fails=%u active=%u prng=%d\\n\", (unsigned)s3.breaker_br_fails, (unsigned)i3.active,\n"
        "               s3.prng == (*sp)->prng);\n"
        "    }\n"
        "    *sp = &s2; /* go on with the restored state */\n    *ip = &i2;\n}\n\n"
        , f);
    fputs(
        "int main(void)\n{\n    tp_shared *s = &s1;\n    tp_incident *in = &i1;\n    int i;\n    tp_shared_init(s, 0u, 1u);\n    tp_incident_init(in);\n"
        "    for (i = 0; i < (int)(sizeof evs / sizeof evs[0]); i++) {\n"
        "        const struct ev *e = &evs[i];\n        recov_decision d;\n"
        "        switch (e->op) {\n"
        "        case 'f': d = tp_failed(s, in, &e->f, e->t); pd(&d); break;\n"
        "        case 'h': d = tp_handler_done(s, in, true, e->t); pd(&d); break;\n"
        "        case 'H': d = tp_handler_done(s, in, false, e->t); pd(&d); break;\n"
        "        case 'o': tp_succeeded(s, in, e->t); puts(\"o\"); break;\n"
        "        case 'a': puts(tp_admit(s, in, e->t) == RECOV_ALLOW ? \"a allow\" : \"a reject\"); break;\n"
        "        default: checkpoints(&s, &in); break;\n        }\n    }\n"
        "    printf(\"names %s %s %s %s %s|%s|%s|%s\\n\", tp_error_name(0u), tp_class_name(1u), tp_alt_name(1u),\n"
        "           tp_channel_name(3u), tp_error_step(0u, 1u), tp_error_hint(0u), tp_error_step(0u, 2u) ? \"x\" : \"-\",\n"
        "           tp_error_message(1u) ? \"x\" : \"-\");\n"
        "    printf(\"classify %u %u %u\\n\", tp_classify(&evs[0].f), tp_classify(&evs[21].f), tp_classify(&evs[25].f));\n"
        /* P_force: a forced state is saved and restored; no time ends it; bad arguments change nothing */
        "    {\n        static uint8_t fb[tp_SHARED_CHECKPOINT_MAX];\n        tp_incident fi;\n        size_t fn;\n"
        "        int r0, r1, r2, ld, a0, a1, a2;\n"
        "        tp_shared_init(&s3, 0u, 1u);\n        tp_incident_init(&fi);\n"
        "        r0 = (int)tp_force(&s3, 0u, RECOV_FORCE_OPEN, 0u);\n"
        "        r1 = (int)tp_force(&s3, tp_FORCE_TARGETS, RECOV_NORMAL, 0u);\n"
        "        r2 = (int)tp_force(&s3, 0u, 4u, 0u);\n"
        "        fn = tp_shared_save(&s3, fb, sizeof fb);\n"
        "        tp_shared_init(&s2, 0u, 1u);\n        ld = (int)tp_shared_load(&s2, fb, fn);\n"
        "        a0 = tp_admit(&s2, &fi, 86400000u) == RECOV_REJECT;\n"
        "        (void)tp_force(&s2, 0u, RECOV_NORMAL, 86400000u);\n"
        "        a1 = tp_admit(&s2, &fi, 86400000u) == RECOV_ALLOW;\n"
        "        (void)tp_force(&s2, 0u, RECOV_DISABLED, 86400000u);\n"
        "        a2 = tp_admit(&s2, &fi, 86400001u) == RECOV_ALLOW;\n"
        "        printf(\"force %d %d %d load=%d state=%u reject=%d normal=%d disabled=%d/%u\\n\", r0, r1, r2, ld,\n"
        "               (unsigned)s3.breaker_br_state, a0, a1, a2, (unsigned)s2.breaker_br_state);\n    }\n"
        "    return 0;\n}\n", f);
    fclose(f);
}

/* Runs the same events on the simulator; prints only d/a/o lines. */
static char *sim_run(rc_arena *a, const rc_ir *ir)
{
    rc_sim *s = rc_sim_new(a, ir);
    rc_sim_init(s, 0, 1);
    size_t cap = 1 << 16, n = 0;
    char *out = malloc(cap);
    out[0] = '\0';
    for (int i = 0; i < NEVENTS; i++) {
        const ev *e = &events[i];
        rc_sim_value v[6];
        memset(v, 0, sizeof v);
        v[0].i = e->status;
        v[1].i = e->kind;
        v[2].text = e->msg;
        v[2].len = e->msg ? strlen(e->msg) : 0;
        v[3].i = e->ra;
        v[4].i = e->delta;
        v[5].i = e->fatal;
        rc_sim_fault f = { v };
        char line[256];
        recov_decision d;
        line[0] = '\0';
        switch (e->op) {
        case 'f': d = rc_sim_failed(s, &f, e->t); rc_sim_format_decision(&d, line, sizeof line); break;
        case 'h': d = rc_sim_handler_done(s, true, e->t); rc_sim_format_decision(&d, line, sizeof line); break;
        case 'H': d = rc_sim_handler_done(s, false, e->t); rc_sim_format_decision(&d, line, sizeof line); break;
        case 'o': rc_sim_succeeded(s, e->t); snprintf(line, sizeof line, "o"); break;
        case 'a': snprintf(line, sizeof line, "%s", rc_sim_format_admit(rc_sim_admit(s, e->t))); break;
        default: continue;
        }
        n += (size_t)snprintf(out + n, cap - n, "%s\n", line);
    }
    return out;
}

/* Drops lines that start with "ck " or later summary lines. */
static char *only_decisions(const char *s)
{
    char *o = malloc(strlen(s) + 1), *p = o;
    while (*s) {
        const char *nl = strchr(s, '\n');
        size_t n = nl ? (size_t)(nl - s + 1) : strlen(s);
        if (!(strncmp(s, "ck ", 3) == 0 || strncmp(s, "names ", 6) == 0 || strncmp(s, "classify ", 9) == 0)) {
            memcpy(p, s, n);
            p += n;
        }
        s += n;
    }
    *p = '\0';
    return o;
}

static bool have_cc(const char *cc)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", cc);
    return system(cmd) == 0;
}

static void remove_dir(const char *dir)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
}


/* A DFA over 256 states takes the 16-bit tables and recov_dfa_scan16. */
static void test_emit_dfa16(void **st)
{
    (void)st;
    rc_arena a;
    rc_arena_init(&a);
    rc_ir *ir = build_ir(&a, "tp");
    rc_dfa_alt *alts = RC_NEW_ARRAY(&a, rc_dfa_alt, 2);
    alts[0] = (rc_dfa_alt){ "timeout", 7, false };
    alts[1] = (rc_dfa_alt){ "a[ab]{9}c", 9, true };
    rc_ir_textfield *tf = &ir->texts[0];
    tf->patterns[1].alts = &alts[1];
    tf->patterns[1].icase = false;
    rc_dfa_pattern dp[2] = { { &alts[0], 1, false }, { &alts[1], 1, false } };
    rc_dfa_error derr;
    assert_true(rc_dfa_build(&a, dp, 2, RC_DFA_MAX_STATES, &tf->dfa, &derr));
    assert_true(tf->dfa.nstates > 256);
    ir->hash = rc_ir_hash(ir);
    char dir[] = "/tmp/rc_emit_XXXXXX";
    assert_non_null(mkdtemp(dir));
    assert_true(emit_files(ir, dir));

    static const char *const texts[] = { "xxabababababbc", "abbbbbbbbbc", "aaaaaaaaaac", "timeout", "abc", "" };
    enum { NT = sizeof texts / sizeof texts[0] };
    char path[600];
    snprintf(path, sizeof path, "%s/main.c", dir);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs("#include <stdio.h>\n#include \"tp.h\"\nint main(void)\n{\n    tp_fault f = { 0u, 0u, NULL, 0u, 0, false };\n", f);
    for (int i = 0; i < NT; i++)
        fprintf(f, "    f.message = \"%s\";\n    printf(\"%%u\\n\", tp_classify(&f));\n", texts[i]);
    fputs("    return 0;\n}\n", f);
    fclose(f);

    rc_sim *sim = rc_sim_new(&a, ir);
    char want[256] = "";
    size_t n = 0;
    for (int i = 0; i < NT; i++) {
        rc_sim_value v[6];
        memset(v, 0, sizeof v);
        v[2].text = texts[i];
        v[2].len = strlen(texts[i]);
        rc_sim_fault sf = { v };
        n += (size_t)snprintf(want + n, sizeof want - n, "%d\n", rc_sim_classify(sim, &sf, 0));
    }
    /* "abbbbbbbbbc" and "aaaaaaaaaac" match pattern 1 -> broken (2) */
    assert_string_equal(want, "3\n2\n2\n0\n3\n3\n");
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "cd %s && cc -std=c99 -O2 -ffreestanding -Wall -Wextra -Wpedantic -Wconversion -Wshadow -Werror "
             "-I. -I%s/include -c tp.c -o tp.o 2>&1 && grep -q recov_dfa_scan16 tp.c && "
             "cc -std=c99 -w -I. -I%s/include main.c tp.o %s/src/*.c -o t 2>&1 && ./t",
             dir, RECOV_SOURCE_RUNTIME_DIR, RECOV_SOURCE_RUNTIME_DIR, RECOV_SOURCE_RUNTIME_DIR);
    char *out = run_capture(cmd);
    assert_non_null(out);
    assert_string_equal(out, want);
    free(out);
    rc_arena_free(&a);
    remove_dir(dir);
}

/* ---- examples/agent_call through the real front end ------------------------ */

typedef struct aev { char op; uint32_t t; unsigned status, kind; const char *msg; uint32_t ra; } aev;

static const aev agent_events[] = {
    { 'f', 0, 429, 0, NULL, 0 },          /* 1000 x2, 25% jitter: 1588 from seed 42 */
    { 'f', 2000, 429, 0, "slow down", 0 },
    { 'f', 6000, 503, 0, NULL, 0 },
    { 'f', 9000, 503, 0, NULL, 0 },       /* budget: min 3 per 10s spent -> fallback */
    { 'f', 9100, 503, 0, NULL, 0 },
    { 'o', 9200, 0, 0, NULL, 0 },
    { 'f', 20000, 429, 0, NULL, 90000 },  /* honor beats max */
    { 'f', 20100, 0, 3, NULL, 0 },
    { 'f', 20200, 0, 0, "request timed out", 0 },
    { 'f', 20300, 0, 3, NULL, 0 },        /* attempt 4: `when attempt < 3` fails -> on _ abort */
    { 'a', 20400, 0, 0, NULL, 0 },
    { 'f', 30000, 0, 0, "Out of MEMORY", 0 },
    { 'f', 30100, 0, 0, "Out of MEMORY", 0 },
    { 'H', 30200, 0, 0, NULL, 0 },
    { 'f', 31000, 0, 0, "conn reset", 0 },
    { 'f', 32000, 0, 0, "weird", 0 },
    { 'f', 33000, 0, 0, "weird", 0 },
    { 'f', 40000, 503, 0, NULL, 0 },
    { 'f', 340001, 503, 0, NULL, 0 },     /* past the 300 s deadline: degrade */
    { 'a', 340002, 0, 0, NULL, 0 },
    { 'o', 340003, 0, 0, NULL, 0 },
};
#define NAGENT ((int)(sizeof agent_events / sizeof agent_events[0]))

static char *agent_sim(rc_arena *a, const rc_ir *ir)
{
    rc_sim *s = rc_sim_new(a, ir);
    rc_sim_init(s, 0, 42);
    size_t cap = 1 << 16, n = 0;
    char *out = malloc(cap);
    out[0] = '\0';
    for (int i = 0; i < NAGENT; i++) {
        const aev *e = &agent_events[i];
        rc_sim_value v[4];
        memset(v, 0, sizeof v);
        v[0].i = e->status;
        v[1].i = e->kind;
        v[2].text = e->msg;
        v[2].len = e->msg ? strlen(e->msg) : 0;
        v[3].i = e->ra;
        rc_sim_fault f = { v };
        char line[256];
        recov_decision d;
        switch (e->op) {
        case 'f': d = rc_sim_failed(s, &f, e->t); rc_sim_format_decision(&d, line, sizeof line); break;
        case 'H': d = rc_sim_handler_done(s, false, e->t); rc_sim_format_decision(&d, line, sizeof line); break;
        case 'o': rc_sim_succeeded(s, e->t); snprintf(line, sizeof line, "o"); break;
        default: snprintf(line, sizeof line, "%s", rc_sim_format_admit(rc_sim_admit(s, e->t))); break;
        }
        n += (size_t)snprintf(out + n, cap - n, "%s\n", line);
    }
    return out;
}

static void test_emit_agent_call(void **st)
{
    (void)st;
    rc_unit u;
    FILE *diag = tmpfile();
    int rc = rc_unit_load(&u, RECOV_SOURCE_RUNTIME_DIR "/../tests/unit/data/contract_agent_call.recov", diag, NULL);
    fclose(diag);
    assert_int_equal(rc, 0);
    char dir[] = "/tmp/rc_emit_XXXXXX";
    assert_non_null(mkdtemp(dir));
    assert_true(emit_files(u.ir, dir));

    char path[600];
    snprintf(path, sizeof path, "%s/main.c", dir);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs("#include <stdio.h>\n#include \"agent_call.h\"\n\nstruct ev { char op; uint32_t t; agent_call_fault f; };\n"
          "static const struct ev evs[] = {\n", f);
    for (int i = 0; i < NAGENT; i++) {
        const aev *e = &agent_events[i];
        fprintf(f, "    { '%c', %" PRIu32 "u, { %uu, %uu, %s%s%s, %" PRIu32 "u } },\n", e->op, e->t, e->status,
                e->kind, e->msg ? "\"" : "", e->msg ? e->msg : "NULL", e->msg ? "\"" : "", e->ra);
    }
    fputs("};\n\nint main(void)\n{\n    agent_call_shared s;\n    agent_call_incident in;\n    int i;\n    agent_call_shared_init(&s, 0u, 42u);\n    agent_call_incident_init(&in);\n"
          "    for (i = 0; i < (int)(sizeof evs / sizeof evs[0]); i++) {\n"
          "        const struct ev *e = &evs[i];\n        recov_decision d;\n"
          "        if (e->op == 'o') { agent_call_succeeded(&s, &in, e->t); puts(\"o\"); continue; }\n"
          "        if (e->op == 'a') { puts(agent_call_admit(&s, &in, e->t) == RECOV_ALLOW ? \"a allow\" : \"a reject\"); continue; }\n"
          "        d = e->op == 'f' ? agent_call_failed(&s, &in, &e->f, e->t) : agent_call_handler_done(&s, &in, false, e->t);\n"
          "        printf(\"d kind=%u id=%u ms=%lu level=%u error=%u sev=%u class=%u attempt=%u limit=%lu\\n\",\n"
          "               (unsigned)d.kind, (unsigned)d.id, (unsigned long)d.ms, (unsigned)d.level,\n"
          "               (unsigned)d.error, (unsigned)d.severity, (unsigned)d.error_class, (unsigned)d.attempt,\n"
          "               (unsigned long)d.limit_ms);\n"
          "    }\n    return 0;\n}\n", f);
    fclose(f);

    rc_arena a;
    rc_arena_init(&a);
    char *simout = agent_sim(&a, u.ir);
    assert_true(strncmp(simout, "d kind=1 id=0 ms=1588 level=0 error=2 sev=0 class=0 attempt=1 limit=0\n", 70) == 0);
    static const char *const ccs[] = { "gcc", "clang" };
    static const char *const opts[] = { "-O0", "-O2" };
    int built = 0;
    for (int i = 0; i < 2; i++) {
        if (!have_cc(ccs[i])) continue;
        for (int o = 0; o < 2; o++) {
            char cmd[2048];
            snprintf(cmd, sizeof cmd,
                     "cd %s && %s -std=c99 %s -ffreestanding -Wall -Wextra -Wpedantic -Wconversion -Wshadow "
                     "-Wstrict-prototypes -Werror -I. -I%s/include -c agent_call.c -o p.o 2>&1 && "
                     "%s -std=c99 %s -w -I. -I%s/include main.c p.o %s/src/*.c -o t 2>&1 && ./t",
                     dir, ccs[i], opts[o], RECOV_SOURCE_RUNTIME_DIR, ccs[i], opts[o], RECOV_SOURCE_RUNTIME_DIR,
                     RECOV_SOURCE_RUNTIME_DIR);
            char *out = run_capture(cmd);
            assert_non_null(out);
            assert_string_equal(out, simout);
            free(out);
            built++;
        }
    }
    assert_true(built >= 2);
    free(simout);
    rc_arena_free(&a);
    rc_unit_free(&u);
    remove_dir(dir);
}

/* ---- tests ------------------------------------------------------------------ */

static void test_emit_compile_run(void **st)
{
    (void)st;
    rc_arena a;
    rc_arena_init(&a);
    rc_ir *ir = build_ir(&a, "tp");
    char dir[] = "/tmp/rc_emit_XXXXXX";
    assert_non_null(mkdtemp(dir));
    assert_true(emit_files(ir, dir));
    write_driver(dir);

    char *simout = sim_run(&a, ir);
    char *exp_dec = only_decisions(expected);
    assert_string_equal(simout, exp_dec);

    static const char *const ccs[] = { "gcc", "clang" };
    static const char *const opts[] = { "-O0", "-O2" };
    int built = 0;
    for (int i = 0; i < 2; i++) {
        if (!have_cc(ccs[i])) continue;
        for (int o = 0; o < 2; o++) {
            char cmd[2048];
            /* generated code + runtime: freestanding flags, all warnings fatal */
            snprintf(cmd, sizeof cmd,
                     "cd %s && %s -std=c99 %s -ffreestanding -Wall -Wextra -Wpedantic -Wconversion -Wshadow "
                     "-Wstrict-prototypes -Wsign-compare -Werror -I. -I%s/include -c tp.c -o tp.o 2>&1 && "
                     "for f in %s/src/*.c; do %s -std=c99 %s -ffreestanding -I%s/include -c $f -o rt_$(basename $f .c).o || exit 1; done && "
                     "%s -std=c99 %s -Wall -Werror -I. -I%s/include main.c tp.o rt_*.o -o t 2>&1 && ./t",
                     dir, ccs[i], opts[o], RECOV_SOURCE_RUNTIME_DIR, RECOV_SOURCE_RUNTIME_DIR, ccs[i], opts[o],
                     RECOV_SOURCE_RUNTIME_DIR, ccs[i], opts[o], RECOV_SOURCE_RUNTIME_DIR);
            char *out = run_capture(cmd);
            assert_non_null(out);
            char want[8192];
            snprintf(want, sizeof want, "%snames timeout_err logic alt_b page Call \"ops\"?|Check \\ health.|-|-\n"
                                        "classify 1 2 3\n"
                                        "force 0 1 1 load=0 state=3 reject=1 normal=1 disabled=1/4\n", expected);
            assert_string_equal(out, want);
            free(out);
            /* no libc: the only undefined symbols of the policy are recov_* */
            snprintf(cmd, sizeof cmd, "cd %s && nm -u tp.o | grep -v ' recov_' | grep -v '^$' || true", dir);
            out = run_capture(cmd);
            assert_non_null(out);
            assert_string_equal(out, "");
            free(out);
            built++;
        }
    }
    assert_true(built >= 2);
    free(simout);
    free(exp_dec);
    rc_arena_free(&a);
    remove_dir(dir);
}

/* Emitting twice gives the same bytes; the hash ignores locations but not meaning. */
static void test_emit_deterministic(void **st)
{
    (void)st;
    rc_arena a;
    rc_arena_init(&a);
    rc_ir *ir = build_ir(&a, "tp");
    char d1[] = "/tmp/rc_emit_XXXXXX", d2[] = "/tmp/rc_emit_XXXXXX";
    assert_non_null(mkdtemp(d1));
    assert_non_null(mkdtemp(d2));
    assert_true(emit_files(ir, d1));
    ir->errors[0].loc.line = 99; /* locations do not matter */
    ir->exprs[0].loc.col = 12;
    assert_int_equal(rc_ir_hash(ir), ir->hash);
    assert_true(emit_files(ir, d2));
    const char *names[] = { "tp.h", "tp.c" };
    for (int i = 0; i < 2; i++) {
        char p1[600], p2[600];
        size_t n1, n2;
        snprintf(p1, sizeof p1, "%s/%s", d1, names[i]);
        snprintf(p2, sizeof p2, "%s/%s", d2, names[i]);
        char *a1 = slurp(p1, &n1), *a2 = slurp(p2, &n2);
        assert_non_null(a1);
        assert_non_null(a2);
        assert_int_equal(n1, n2);
        assert_memory_equal(a1, a2, n1);
        assert_null(strstr(a1, d1)); /* no paths */
        free(a1);
        free(a2);
    }
    uint32_t h = ir->hash;
    ir->retries[0].base_ms = 101;
    assert_int_not_equal(rc_ir_hash(ir), h);
    ir->retries[0].base_ms = 100;
    assert_int_equal(rc_ir_hash(ir), h);
    ir->errors[1].severity = RC_SEV_HIGH;
    assert_int_not_equal(rc_ir_hash(ir), h);
    ir->errors[1].severity = RC_SEV_LOW;
    ir->version = 8;
    assert_int_not_equal(rc_ir_hash(ir), h);
    rc_arena_free(&a);
    remove_dir(d1);
    remove_dir(d2);
}

/* The header carries the documented constants. */
static void test_emit_header(void **st)
{
    (void)st;
    rc_arena a;
    rc_arena_init(&a);
    rc_ir *ir = build_ir(&a, "tp");
    char *buf = NULL;
    size_t len = 0;
    FILE *h = open_memstream(&buf, &len), *c = tmpfile();
    assert_true(rc_emit_c(ir, "tp.h", h, c));
    fclose(h);
    fclose(c);
    char line[64];
    snprintf(line, sizeof line, "#define tp_POLICY_HASH 0x%08" PRIX32 "u\n", ir->hash);
    assert_non_null(strstr(buf, line));
    assert_non_null(strstr(buf, "#define tp_POLICY_VERSION 7u\n"));
    char abi[128];
    snprintf(abi, sizeof abi, "#if RECOV_ABI_VERSION != %uu\n#error \"tp.h: generated for recov runtime ABI %u, ",
             (unsigned)RECOV_ABI_VERSION, (unsigned)RECOV_ABI_VERSION);
    assert_non_null(strstr(buf, abi));
    assert_non_null(strstr(buf, "    tp_ERR_RATE_LIMITED = 1,\n"));
    assert_non_null(strstr(buf, "#define tp_CHANNEL_COUNT 4u\n"));
    assert_non_null(strstr(buf, "    const char *message;\n"));
    assert_non_null(strstr(buf, "    int16_t delta;\n"));
    assert_non_null(strstr(buf, "    bool fatal;\n"));
    free(buf);
    rc_arena_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_emit_header),
        cmocka_unit_test(test_emit_deterministic),
        cmocka_unit_test(test_emit_compile_run),
        cmocka_unit_test(test_emit_agent_call),
        cmocka_unit_test(test_emit_dfa16),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
