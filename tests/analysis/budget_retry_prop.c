/* budget_retry_prop.c - property test of -Wbudget-retry (spec/analysis.md,
 * "Budgets and retries").
 *
 * For random small policies (one block of retry and fallback steps, one or
 * two budgets, a deadline, sometimes a breaker), the analysis' findings are
 * compared with many random histories run on the simulator (compiler/back/sim.h):
 *   - soundness: a step reported as "never retries" never retries, and one
 *     reported as "gives at most K of its N retries" never gives more than K
 *     in an incident, whatever the history before the incident (P_init tick,
 *     successes filling the window) and whatever the times of the failures
 *     (at once, after the delay, just before or after a window roll, long
 *     after);
 *   - exactness where spec/analysis.md says the bound is reached (ratio 0%,
 *     one budget, no breaker, no fallback before the step): a step that is
 *     not reported gets all its retries in the history that draws the most
 *     retries out of the budget.
 * Every step of the block is on a line of its own, so the line of a warning
 * names the step. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze.h"
#include "arena.h"
#include "check.h"
#include "parse.h"
#include "sim.h"

#define NPOLICIES 400
#define NHISTORIES 300
#define MAXSTEPS 6

typedef struct rng { uint64_t s; } rng;

static uint32_t next(rng *r)
{
    r->s = r->s * 6364136223846793005ULL + 1442695040888963407ULL;
    return (uint32_t)(r->s >> 33);
}

static uint32_t pick(rng *r, uint32_t n) { return next(r) % n; }

typedef struct policy {
    char src[4096];
    int nsteps;
    int step_line[MAXSTEPS + 1];
    bool is_retry[MAXSTEPS];
    uint32_t attempts[MAXSTEPS];
    int nbudgets;
    uint32_t ratio[2], min[2], window[2];
    uint32_t deadline;
    bool breaker;
    /* what the analysis says per step: -1 nothing, else the most retries */
    long most[MAXSTEPS];
    int nwarn, ntimeline, nnotimeline;  /* -Wbudget-retry warnings, timelines shown, not shown */
} policy;

static int failures;

static void fail(const policy *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(const policy *p, const char *fmt, ...)
{
    failures++;
    if (failures > 10) return;
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "FAIL: ");
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\npolicy:\n%s\n", p->src);
}

static void gen(rng *r, policy *p)
{
    static const uint32_t windows[] = {100, 250, 1000, 5000};
    static const uint32_t deadlines[] = {50, 99, 100, 101, 250, 999, 1000, 1001, 3000};
    memset(p, 0, sizeof *p);
    p->nbudgets = 1 + (pick(r, 4) == 0);
    for (int i = 0; i < p->nbudgets; i++) {
        p->ratio[i] = pick(r, 3) == 0 ? (pick(r, 2) ? 10u : 50u) : 0u;
        p->min[i] = 1 + pick(r, 3);
        p->window[i] = windows[pick(r, 4)];
    }
    p->deadline = deadlines[pick(r, 9)];
    p->breaker = pick(r, 4) == 0;
    p->nsteps = 1 + (int)pick(r, MAXSTEPS);
    size_t at = 0, n = sizeof p->src;
    int line = 1;
#define EMIT(...) do { at += (size_t)snprintf(p->src + at, n - at, __VA_ARGS__); line++; } while (0)
    EMIT("policy p version 1;\n");
    EMIT("fault { status : u16; }\n");
    EMIT("class c retryable;\n");
    EMIT("error busy : c, low;\n");
    EMIT("classify { _ => busy; }\n");
    bool any_retry = false;
    for (int s = 0; s < p->nsteps; s++) {
        p->is_retry[s] = pick(r, 4) != 0 || (s == p->nsteps - 1 && !any_retry);
        any_retry |= p->is_retry[s];
        if (!p->is_retry[s]) continue;
        p->attempts[s] = 1 + pick(r, 4);
        EMIT("retry r%d { attempts %u; backoff constant base %ums;%s }\n", s, p->attempts[s], 1 + pick(r, 60),
             pick(r, 3) == 0 ? " jitter 50%;" : "");
    }
    for (int i = 0; i < p->nbudgets; i++)
        EMIT("budget g%d { ratio %u%% min %u per %ums; }\n", i, p->ratio[i], p->min[i], p->window[i]);
    if (p->breaker)
        EMIT("breaker k { open after %u consecutive failures; open for 300ms; }\n", 2 + pick(r, 6));
    EMIT("deadline %ums;\n", p->deadline);
    EMIT("on busy {\n");
    for (int s = 0; s < p->nsteps; s++) {
        p->step_line[s] = line;
        if (p->is_retry[s]) EMIT("    retry r%d;\n", s);
        else EMIT("    fallback a%d, b%d;\n", s, s);
    }
    p->step_line[p->nsteps] = line;
    EMIT("    abort;\n");
    EMIT("}\n");
#undef EMIT
}

/* Compiles and analyses the policy; fills p->most from the warnings. */
static const rc_ir *load(rc_arena *a, policy *p)
{
    char *out = NULL;
    size_t olen = 0;
    FILE *f = open_memstream(&out, &olen);
    rc_diag d;
    rc_diag_init(&d, "p.recov", p->src, strlen(p->src), f);
    rc_ast_policy *ast = rc_parse(a, &d, p->src, strlen(p->src));
    const rc_ir *ir = ast ? rc_check(a, &d, ast) : NULL;
    if (ir) rc_analyze(ir, &d);
    fclose(f);
    if (!ir) {
        failures++;
        fprintf(stderr, "FAIL: the policy does not check:\n%s\n%s\n", p->src, out ? out : "");
    }
    for (int s = 0; s < MAXSTEPS; s++) p->most[s] = -1;
    for (char *l = out; l && *l;) {
        char *e = strchr(l, '\n');
        if (e) *e = '\0';
        int line = 0, col = 0, k = 0;
        if (strstr(l, " spent: '") || strstr(l, "failures: not shown)")) p->ntimeline++;
        if (strstr(l, "(no timeline: ")) p->nnotimeline++;
        if (strstr(l, "[-Wbudget-retry]")) p->nwarn++;
        if (strstr(l, "[-Wbudget-retry]") && sscanf(l, "p.recov:%d:%d:", &line, &col) == 2) {
            for (int s = 0; s < p->nsteps; s++) {
                if (p->step_line[s] != line) continue;
                if (strstr(l, "never retries")) p->most[s] = 0;
                else if ((l = strstr(l, "gives at most ")) && sscanf(l, "gives at most %d", &k) == 1) p->most[s] = k;
            }
        }
        l = e ? e + 1 : NULL;
    }
    free(out);
    return ir;
}

/* One incident on sim: failures until the block ends it (or 200 events);
 * got[s] receives the retries step s gave in it. */
static void incident(rng *r, const policy *p, rc_sim *sim, uint32_t *now, long *got, const rc_sim_fault *flt)
{
    uint32_t w = p->window[pick(r, (uint32_t)p->nbudgets)];
    uint32_t last = 0;
    for (int i = 0; i < 200; i++) {
        if (i > 0) {
            switch (pick(r, 9)) {
            case 0: break;                                  /* at once */
            case 1: *now += last; break;                    /* after the delay */
            case 2: *now += 1; break;
            case 3: *now += w - 1; break;
            case 4: *now += w; break;
            case 5: *now += w + 1; break;
            case 6: *now += pick(r, 2 * w + 1); break;
            case 7: *now += pick(r, p->deadline + 2); break;
            default: *now += last + pick(r, 20); break;
            }
        }
        if (pick(r, 8) == 0) (void)rc_sim_admit(sim, *now);
        recov_decision d = rc_sim_failed(sim, flt, *now);
        if (d.kind == RECOV_RETRY) {
            int pos = sim->inc->blocks[0].pos;
            if (pos < p->nsteps && p->is_retry[pos]) got[pos] = sim->inc->blocks[0].sub;
            last = (uint32_t)d.ms;
        } else {
            last = 0;
        }
        if (!sim->inc->active) return;
    }
}

static void histories(rng *r, const policy *p, const rc_ir *ir)
{
    rc_arena a;
    rc_arena_init(&a);
    rc_sim *sim = rc_sim_new(&a, ir);
    rc_sim_value v[1] = {{0, NULL, 0}};
    rc_sim_fault flt = {v};
    for (int h = 0; h < NHISTORIES; h++) {
        uint32_t now = next(r);
        rc_sim_init(sim, now, next(r) | 1u);
        for (int round = 0; round < 3; round++) {
            /* what came before: successes (which raise a ratio's allowance),
             * now and then spread over a window */
            uint32_t nsucc = pick(r, 3) == 0 ? pick(r, 400) : pick(r, 4);
            for (uint32_t i = 0; i < nsucc; i++) {
                if (pick(r, 16) == 0) now += pick(r, p->window[0] + 1);
                rc_sim_succeeded(sim, now);
            }
            now += pick(r, 2 * p->window[0] + 1);
            long got[MAXSTEPS] = {0};
            incident(r, p, sim, &now, got, &flt);
            for (int s = 0; s < p->nsteps; s++)
                if (p->most[s] >= 0 && got[s] > p->most[s])
                    fail(p, "step %d gave %ld retries in an incident; the analysis says at most %ld", s, got[s],
                         p->most[s]);
            rc_sim_succeeded(sim, now);
        }
    }
    rc_arena_free(&a);
}

/* Replays failures at ticks ts[0..n) from P_init at 0; got[s] receives the
 * retries step s gave.  Returns the block's position after the last one,
 * nsteps + 1 once the incident has ended. */
static int replay(const rc_ir *ir, const policy *p, const uint32_t *ts, int n, long *got)
{
    rc_arena a;
    rc_arena_init(&a);
    rc_sim *sim = rc_sim_new(&a, ir);
    rc_sim_value v[1] = {{0, NULL, 0}};
    rc_sim_fault flt = {v};
    rc_sim_init(sim, 0, 1);
    for (int s = 0; s < MAXSTEPS; s++) got[s] = 0;
    int pos = 0;
    for (int i = 0; i < n; i++) {
        recov_decision d = rc_sim_failed(sim, &flt, ts[i]);
        pos = sim->inc->blocks[0].pos;
        if (d.kind == RECOV_RETRY && pos < p->nsteps) got[pos] = sim->inc->blocks[0].sub;
        if (!sim->inc->active) pos = p->nsteps + 1;
    }
    rc_arena_free(&a);
    return pos;
}

/* spec/analysis.md: with one budget of ratio 0% and no breaker the bound is
 * reached: each retry step gives as many retries as the analysis allows it
 * (all of them when it is not reported) in the history that draws the most
 * retries out of the budget towards it: the window opens W - (D - (k - 1)W)
 * before the incident and rolls k times, the last at the deadline's last
 * tick; in each window failures come (at its first tick) as long as they do
 * not leave the step behind, the last one does. */
static void exact(const policy *p, const rc_ir *ir)
{
    if (p->nbudgets != 1 || p->ratio[0] != 0 || p->breaker) return;
    uint64_t w = p->window[0], dl = p->deadline, nroll = 1 + (dl - 1) / w;
    uint64_t start = nroll * w - dl;
    for (int s = 0; s < p->nsteps; s++) {
        if (!p->is_retry[s]) continue;
        uint32_t ts[256];
        int n = 0;
        long got[MAXSTEPS];
        for (uint64_t j = 0; j <= nroll && n < 256; j++) {
            uint32_t t = (uint32_t)(j == 0 ? start : j * w);
            while (n < 256) {
                ts[n] = t;
                int pos = replay(ir, p, ts, n + 1, got);
                if (pos > s && j < nroll) break;    /* wait for the next window */
                n++;
                if (pos > s) break;
            }
        }
        replay(ir, p, ts, n, got);
        long want = p->most[s] >= 0 ? p->most[s] : (long)p->attempts[s];
        if (got[s] != want)
            fail(p, "step %d: the history with the most retries gives %ld of them; the analysis says %ld", s,
                 got[s], want);
    }
}

int main(void)
{
    rng r = {0x5eed};
    int warned = 0, partial = 0, quiet = 0, timelines = 0, nwarn = 0;
    for (int i = 0; i < NPOLICIES; i++) {
        policy p;
        gen(&r, &p);
        rc_arena a;
        rc_arena_init(&a);
        const rc_ir *ir = load(&a, &p);
        if (ir) {
            for (int s = 0; s < p.nsteps; s++) {
                if (!p.is_retry[s]) continue;
                if (p.most[s] == 0) warned++;
                else if (p.most[s] > 0) partial++;
                else quiet++;
            }
            /* every warning comes with its timeline, at least when only one
             * budget and no breaker decide */
            if (p.ntimeline + p.nnotimeline != p.nwarn || (p.nbudgets == 1 && !p.breaker && p.ntimeline != p.nwarn))
                fail(&p, "%d -Wbudget-retry warnings, %d timelines, %d without", p.nwarn, p.ntimeline,
                     p.nnotimeline);
            nwarn += p.nwarn;
            timelines += p.ntimeline;
            histories(&r, &p, ir);
            exact(&p, ir);
        }
        rc_arena_free(&a);
    }
    printf("%d policies: %d retry steps never retry, %d give only some retries, %d are not reported; "
           "%d of the %d warnings with a timeline; %d failures\n",
           NPOLICIES, warned, partial, quiet, timelines, nwarn, failures);
    if (warned == 0 || partial == 0 || quiet == 0) {
        fprintf(stderr, "FAIL: the random policies do not exercise every finding\n");
        return 1;
    }
    return failures ? 1 : 0;
}
