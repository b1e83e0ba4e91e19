/* bench_decision.c - decision cost: generated agent_call versus the
 * hand-written hand_agent_call.c on one mixed stream of faults.
 *
 *   bench_decision compare N [STREAM]  run both in lock step, compare every
 *                              decision (and every admit); exit 1 at the first difference
 *   bench_decision gen N [STREAM]      only the generated policy (timing / callgrind)
 *   bench_decision hand N [STREAM]     only the hand-written one
 *
 * STREAM `mixed` (the default) is described below; `short` is the shape of a
 * healthy server's traffic: 75% of admitted calls succeed and the faults
 * carry short messages (0 to 45 bytes) of seed 004's kinds, most of them
 * classified by status or kind before any text is read.
 *
 * The host loop: admit; when allowed the call succeeds (40%) or fails with a
 * fault drawn from a pool of realistic agent errors; the decision is acted on
 * (RETRY waits its delay, RUN reports the handler's result, 50% ok; anything
 * else ends the incident and the host waits a little).  N = number of faults.
 * Prints: mode, faults, decisions (failed + admit + succeeded + handler_done
 * calls), wall ns per decision, and a checksum of all decisions.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "agent_call.h"
#include "hand_agent_call.h"

typedef struct pool_fault {
    uint16_t status;
    uint8_t kind;
    const char *message;
    uint32_t retry_after_ms;
    unsigned weight;
} pool_fault;

static const pool_fault pool[] = {
    {429, 0, "Too Many Requests: rate limit exceeded for model gpt-x, retry later", 2000, 12},
    {429, 0, "rate limited", 0, 4},
    {503, 0, "Service Unavailable", 0, 10},
    {502, 0, "Bad Gateway: upstream connect error or disconnect/reset before headers. reset reason: connection termination", 0, 6},
    {0, 3, NULL, 0, 8},
    {0, 1, "read tcp 10.0.0.4:51234->10.0.0.9:443: read: connection reset by peer", 0, 8},
    {0, 2, "connect reset while handshaking with agent", 0, 3},
    {500, 0, "Internal Server Error: request timed out waiting for model worker", 0, 6},
    {0, 0, "agent request timeout after 30000 ms", 0, 5},
    {500, 0, "CUDA error: out of Memory while allocating tensor of shape [4096, 4096]", 0, 5},
    {507, 0, "worker killed: MEMORY limit reached (OOMKilled)", 0, 3},
    {504, 0, "Gateway Timeout", 0, 5},
    {400, 0, "invalid request: missing field 'prompt' in body", 0, 6},
    {200, 0, "malformed JSON in agent reply at byte 1532: unexpected token '}'", 0, 6},
    {500, 0, "worker crashed: segmentation fault in tokenizer (core dumped); the supervisor restarted it", 0, 4},
    {401, 0, "Unauthorized", 0, 2},
    {403, 0, "Forbidden: token lacks the agent scope", 0, 1},
    {0, 0, "", 0, 2},
    {0, 4, "connect failed: Connection refused", 0, 3},
    {0, 0, "Read Timeout", 0, 2},
    {0, 7, NULL, 0, 2},
    {0, 8, "database is locked", 0, 1},
    {0, 10, NULL, 0, 1},
    {0, 17, NULL, 0, 1},
    {0, 5, "protocol error: reply is not HTTP", 0, 1},
    {500, 0, "Traceback (most recent call last): File \"/srv/agent/handler.py\", line 214, in handle "
             "result = self.model.generate(prompt, max_tokens=limit) File \"/srv/agent/model.py\", line 88, "
             "in generate raise RuntimeError('generation failed: tokenizer state invalid')", 0, 4},
};
#define NPOOL (sizeof pool / sizeof pool[0])

/* the `short` stream: messages of 0 to 45 bytes */
static const pool_fault pool_short[] = {
    {429, 0, "rate limited", 1000, 10},
    {503, 0, "Service Unavailable", 0, 10},
    {0, 3, NULL, 0, 10},
    {0, 1, "connection reset by peer", 0, 8},
    {0, 4, "Connection refused", 0, 6},
    {0, 0, "Read Timeout", 0, 6},
    {504, 0, "upstream request timeout", 0, 6},
    {500, 0, "Out of Memory", 0, 4},
    {502, 0, "bad gateway", 0, 6},
    {400, 0, "invalid request: missing field 'prompt'", 0, 6},
    {500, 0, "", 0, 6},
    {0, 0, NULL, 0, 4},
    {401, 0, "Unauthorized", 0, 2},
    {403, 0, "Forbidden", 0, 1},
    {0, 8, "database is locked", 0, 2},
    {0, 9, NULL, 0, 1},
    {0, 12, "config key agent.url missing", 0, 1},
    {0, 15, NULL, 0, 1},
    {500, 0, "connect: no route to host 10.0.0.9:443 (eh)", 0, 3},
    {200, 0, "reply is not JSON", 0, 4},
};
#define NPOOL_SHORT (sizeof pool_short / sizeof pool_short[0])

static uint64_t drv = 0x9E3779B97F4A7C15u;
static uint32_t rnd(void)
{
    drv ^= drv << 13;
    drv ^= drv >> 7;
    drv ^= drv << 17;
    return (uint32_t)(drv >> 32);
}

static const pool_fault *pick(const pool_fault *pl, unsigned npl, unsigned total)
{
    unsigned r = rnd() % total, i;
    for (i = 0; i < npl; i++) {
        if (r < pl[i].weight)
            return &pl[i];
        r -= pl[i].weight;
    }
    return &pl[0];
}

static int same(const recov_decision *a, const recov_decision *b)
{
    return a->kind == b->kind && a->severity == b->severity && a->error_class == b->error_class &&
           a->level == b->level && a->error == b->error && a->id == b->id &&
           a->attempt == b->attempt && a->ms == b->ms && a->limit_ms == b->limit_ms;
}

static void show(const char *who, const recov_decision *d)
{
    fprintf(stderr, "  %s: kind %u sev %u class %u level %u error %u id %u attempt %u ms %u\n", who,
            d->kind, d->severity, d->error_class, d->level, d->error, d->id, d->attempt, (unsigned)d->ms);
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "compare";
    unsigned long n = argc > 2 ? strtoul(argv[2], NULL, 10) : 1000000ul;
    const char *stream = argc > 3 ? argv[3] : "mixed";
    int is_short = strcmp(stream, "short") == 0;
    const pool_fault *pl = is_short ? pool_short : pool;
    unsigned npl = is_short ? (unsigned)NPOOL_SHORT : (unsigned)NPOOL;
    unsigned ok_pct = is_short ? 75u : 40u;
    int use_gen = strcmp(mode, "hand") != 0, use_hand = strcmp(mode, "gen") != 0;
    agent_call_shared gs;
    agent_call_incident gs_inc;
    hand_state hs;
    unsigned long faults = 0, calls = 0;
    uint32_t now = 1000u, sum = 0;
    unsigned total = 0, i, rejects = 0, restarts = 0;
    struct timespec t0, t1;
    double ns;
    if ((strcmp(mode, "compare") && strcmp(mode, "gen") && strcmp(mode, "hand")) ||
        (!is_short && strcmp(stream, "mixed"))) {
        fprintf(stderr, "usage: %s compare|gen|hand [N [mixed|short]]\n", argv[0]);
        return 2;
    }
    for (i = 0; i < npl; i++)
        total += pl[i].weight;
    agent_call_shared_init(&gs, now, 12345u);
    agent_call_incident_init(&gs_inc);
    hand_init(&hs, now, 12345u);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    while (faults < n) {
        recov_decision g = {0, 0, 0, 0, 0, 0, 0, 0, 0}, h = g;
        int ga = 0, ha = 0;
        const pool_fault *p;
        if (use_gen)
            ga = (int)agent_call_admit(&gs, &gs_inc, now);
        if (use_hand)
            ha = (int)hand_admit(&hs, now);
        calls++;
        if (use_gen && use_hand && ga != ha) {
            fprintf(stderr, "admit differs at fault %lu: gen %d hand %d\n", faults, ga, ha);
            return 1;
        }
        if ((use_gen ? ga : ha) == RECOV_REJECT) {
            /* A half-open breaker whose probes all ended in errors it does not
             * count (logic, memory) rejects for ever (spec/semantics.md,
             * P_admit): after 50 rejections in a row the host restarts. */
            if (++rejects >= 50u) {
                rejects = 0;
                restarts++;
                if (use_gen) {
                    agent_call_shared_init(&gs, now, 12345u + restarts);
                    agent_call_incident_init(&gs_inc);
                }
                if (use_hand)
                    hand_init(&hs, now, 12345u + restarts);
            }
            now += 1000u + rnd() % 4000u;
            continue;
        }
        rejects = 0;
        if (rnd() % 100u < ok_pct) {
            if (use_gen)
                agent_call_succeeded(&gs, &gs_inc, now);
            if (use_hand)
                hand_succeeded(&hs, now);
            calls++;
            now += 50u + rnd() % 500u;
            continue;
        }
        p = pick(pl, npl, total);
        faults++;
        {
            agent_call_fault gf;
            hand_fault hf;
            gf.status = hf.status = p->status;
            gf.kind = hf.kind = p->kind;
            gf.message = hf.message = p->message;
            gf.retry_after_ms = hf.retry_after_ms = p->retry_after_ms;
            if (use_gen)
                g = agent_call_failed(&gs, &gs_inc, &gf, now);
            if (use_hand)
                h = hand_failed(&hs, &hf, now);
            calls++;
        }
        for (;;) {
            if (use_gen && use_hand && !same(&g, &h)) {
                fprintf(stderr, "decision differs at fault %lu (now %u):\n", faults, (unsigned)now);
                show("gen ", &g);
                show("hand", &h);
                return 1;
            }
            if (!use_gen)
                g = h;
            sum = sum * 31u + g.kind * 7u + g.id + g.ms + g.error * 13u + g.attempt + g.level;
            if (g.kind == RECOV_RUN) {
                int ok = rnd() % 2u == 0u;
                now += 100u + rnd() % 1000u;
                if (use_gen)
                    g = agent_call_handler_done(&gs, &gs_inc, ok != 0, now);
                if (use_hand)
                    h = hand_handler_done(&hs, ok != 0, now);
                calls++;
                continue;
            }
            if (g.kind == RECOV_RETRY || g.kind == RECOV_ADJUST)
                now += g.ms;
            else
                now += 10u + rnd() % 200u;
            break;
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    ns = (double)(t1.tv_sec - t0.tv_sec) * 1e9 + (double)(t1.tv_nsec - t0.tv_nsec);
    printf("%s%s faults %lu decisions %lu restarts %u ns/decision %.1f checksum %08x\n", mode, is_short ? " short" : "", faults,
           calls, restarts, ns / (double)calls, (unsigned)sum);
    return 0;
}
