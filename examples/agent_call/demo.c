/* demo.c - a host program embedding the agent_call policy.
 *
 * It plays a scripted afternoon of calls to a flaky agent: the agent rate
 * limits, times out, runs out of memory and finally goes down for a while.
 * For each failure the host asks the generated policy what to do, prints the
 * decision, and acts on it (waits, switches to a backup, runs a handler,
 * degrades, escalates).  Time is simulated: the program never sleeps.
 *
 * usage: agent_call_demo [seed]
 */
#include <stdio.h>

#include "agent_call.h"

/* What the agent does on each call, in order; the script repeats its last entry. */
typedef struct call {
    uint16_t status;
    uint8_t kind;
    const char *message;
    uint32_t retry_after_ms;
} call;

static const call script[] = {
    {429, 0, "Too Many Requests", 0},
    {429, 0, "Too Many Requests", 2500},
    {200, 0, NULL, 0},
    {0, 0, "Read Timeout", 0},
    {200, 0, NULL, 0},
    {500, 0, "CUDA error: out of Memory", 0},
    {200, 0, NULL, 0},
    {0, 0, "Connection refused", 0},
    {200, 0, NULL, 0},
    {400, 0, "invalid tool arguments", 0},
    {503, 0, "Service Unavailable", 0},
};
#define NSCRIPT (sizeof script / sizeof script[0])

static void print_decision(uint32_t now, const recov_decision *d)
{
    printf("t=%7lu  %-22s attempt %u  -> ", (unsigned long)now, agent_call_error_name(d->error), d->attempt);
    switch (d->kind) {
    case RECOV_RETRY: printf("retry in %lu ms\n", (unsigned long)d->ms); break;
    case RECOV_ADJUST: printf("adjust %s, retry in %lu ms\n", agent_call_adjust_name(d->id), (unsigned long)d->ms); break;
    case RECOV_RUN: printf("run handler %s (timeout %lu ms)\n", agent_call_handler_name(d->id), (unsigned long)d->ms); break;
    case RECOV_FALLBACK: printf("fall back to %s\n", agent_call_alt_name(d->id)); break;
    case RECOV_DEGRADE: printf("degrade to %s\n", agent_call_mode_name(d->id)); break;
    case RECOV_ESCALATE: printf("escalate to %s (SLA %lu ms)\n", agent_call_channel_name(d->id), (unsigned long)d->ms); break;
    case RECOV_ABORT: printf("abort\n"); break;
    default: printf("(no decision)\n"); break;
    }
}

/* the seed: decimal digits only, 0..4294967295; -1 for anything else */
static int parse_seed(const char *s, uint32_t *seed)
{
    unsigned long long v = 0;
    if (!*s) return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9') return -1;
        v = v * 10u + (unsigned)(*s - '0');
        if (v > 4294967295u) return -1;
    }
    *seed = (uint32_t)v;
    return 0;
}

int main(int argc, char **argv)
{
    uint32_t seed = 42u;
    if (argc > 2 || (argc == 2 && parse_seed(argv[1], &seed) != 0)) {
        fprintf(stderr, "usage: agent_call_demo [seed]   (seed: 0..4294967295)\n");
        return 2;
    }
    agent_call_shared st;
    agent_call_incident st_inc;
    uint32_t now = 0;
    agent_call_shared_init(&st, now, seed);
    agent_call_incident_init(&st_inc);
    printf("agent_call policy 0x%08lx, shared part %u bytes, incident %u bytes\n", (unsigned long)agent_call_POLICY_HASH,
           (unsigned)sizeof st, (unsigned)sizeof st_inc);
    size_t next = 0;
    for (int call_no = 0; call_no < 24; call_no++) {
        if (agent_call_admit(&st, &st_inc, now) == RECOV_REJECT) {
            printf("t=%7lu  breaker open: call rejected, serving cached answer\n", (unsigned long)now);
            now += 10000u;
            continue;
        }
        const call *c = &script[next < NSCRIPT ? next : NSCRIPT - 1];
        next++;
        if (c->status == 200) {
            agent_call_succeeded(&st, &st_inc, now);
            printf("t=%7lu  call ok\n", (unsigned long)now);
            now += 1000u;
            continue;
        }
        agent_call_fault f = {c->status, c->kind, c->message, c->retry_after_ms};
        recov_decision d = agent_call_failed(&st, &st_inc, &f, now);
        for (;;) {
            print_decision(now, &d);
            if (d.kind != RECOV_RUN) break;
            /* the handler frees caches; pretend it failed so the policy escalates */
            now += 500u;
            d = agent_call_handler_done(&st, &st_inc, false, now);
        }
        now += d.kind == RECOV_RETRY || d.kind == RECOV_ADJUST ? d.ms : 1000u;
    }
    return 0;
}
