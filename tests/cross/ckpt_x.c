/* ckpt_x.c - checkpoints across machines (tests/cross/run.sh).
 *
 *     ckpt_x write FILE K    run the whole event sequence, printing every
 *                            decision; after event K-1, save the state to FILE
 *     ckpt_x read FILE K     load FILE into a fresh state and run events
 *                            K..N-1, printing every decision
 *
 * Built once per machine (x86_64 natively, armhf and s390x under qemu-user)
 * with -DPOLICY_AGENT_CALL or -DPOLICY_WORKFLOW.  run.sh checks that every
 * machine prints the same decisions, writes the same checkpoint bytes, and
 * that a checkpoint written on one machine and read on another continues
 * exactly as the run that never stopped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(POLICY_AGENT_CALL)
#include "agent_call.h"
#define P(x) agent_call_##x
typedef struct st_t { agent_call_shared s; agent_call_incident i; } st_t;
typedef agent_call_fault fault_t;
#define CKMAX (agent_call_SHARED_CHECKPOINT_MAX + agent_call_INCIDENT_CHECKPOINT_MAX)
#define SHMAX agent_call_SHARED_CHECKPOINT_MAX
static const fault_t F[] = {
    {429u, 0u, "Too Many Requests", 0u},
    {503u, 0u, "Service Unavailable", 0u},
    {0u, 3u, "read timed out", 0u},
    {500u, 0u, "CUDA out of memory", 0u},
    {0u, 2u, "connection reset by peer", 0u},
    {401u, 0u, "missing token", 0u},
    {429u, 0u, "slow down", 90000u},
    {400u, 0u, "bad arguments", 0u},
};
#elif defined(POLICY_WORKFLOW)
#include "workflow.h"
#define P(x) workflow_##x
typedef struct st_t { workflow_shared s; workflow_incident i; } st_t;
typedef workflow_fault fault_t;
#define CKMAX (workflow_SHARED_CHECKPOINT_MAX + workflow_INCIDENT_CHECKPOINT_MAX)
#define SHMAX workflow_SHARED_CHECKPOINT_MAX
static const fault_t F[] = {
    {1u, 0u, false, true, false, false, "connection refused"},
    {124u, 0u, true, false, true, false, "timed out"},
    {2u, 0u, false, false, false, true, "No such file or directory"},
    {137u, 9u, false, false, true, false, "Killed"},
    {1u, 0u, false, true, true, false, "temporary failure in name resolution"},
    {3u, 0u, false, false, false, false, "invalid config"},
};
#else
#error "define POLICY_AGENT_CALL or POLICY_WORKFLOW"
#endif

#define NF (sizeof F / sizeof F[0])
#define NEV 400u

/* event i: what happens at tick t(i); a small LCG drives it so that every
 * machine sees the same sequence */
static unsigned ev_kind(unsigned i, unsigned *arg)
{
    unsigned x = (i * 1103515245u + 12345u) >> 8;
    *arg = (x >> 4) % (unsigned)NF;
    return x % 7u; /* 0-2 fail, 3 admit, 4 ok, 5 handler ok, 6 handler failed */
}

static void show(const recov_decision *d)
{
    printf("d %u %u %lu %u %u %u %u %u\n", (unsigned)d->kind, (unsigned)d->id, (unsigned long)d->ms,
           (unsigned)d->level, (unsigned)d->error, (unsigned)d->severity, (unsigned)d->error_class,
           (unsigned)d->attempt);
}

static void step(st_t *s, unsigned i)
{
    unsigned arg;
    unsigned k = ev_kind(i, &arg);
    uint32_t now = 4294900000u + i * 733u;  /* crosses the tick wrap */
    recov_decision d;
    switch (k) {
    case 3u:
        printf("a %u\n", P(admit)(&s->s, &s->i, now) == RECOV_ALLOW ? 1u : 0u);
        return;
    case 4u:
        P(succeeded)(&s->s, &s->i, now);
        puts("o");
        return;
    case 5u:
    case 6u:
        d = P(handler_done)(&s->s, &s->i, k == 5u, now);
        break;
    default:
        d = P(failed)(&s->s, &s->i, &F[arg], now);
        break;
    }
    show(&d);
}

int main(int argc, char **argv)
{
    static st_t s;
    static uint8_t buf[CKMAX];
    if (argc != 4 || (strcmp(argv[1], "write") != 0 && strcmp(argv[1], "read") != 0)) {
        fprintf(stderr, "usage: ckpt_x write|read FILE K\n");
        return 2;
    }
    unsigned k = (unsigned)strtoul(argv[3], NULL, 10), i = 0;
    P(shared_init)(&s.s, 4294900000u, 7u);
    P(incident_init)(&s.i);
    if (strcmp(argv[1], "read") == 0) {
        FILE *f = fopen(argv[2], "rb");
        size_t n = f ? fread(buf, 1, sizeof buf, f) : 0;
        if (f) fclose(f);
        /* the file: the shared part's checkpoint, then the incident's */
        recov_load r = n < SHMAX ? RECOV_LOAD_SHORT : P(shared_load)(&s.s, buf, SHMAX);
        if (r == RECOV_LOAD_OK) r = P(incident_load)(&s.i, buf + SHMAX, n - SHMAX);
        if (r != RECOV_LOAD_OK) {
            fprintf(stderr, "ckpt_x: load of %s failed (%d)\n", argv[2], (int)r);
            return 1;
        }
        i = k;
    }
    for (; i < NEV; i++) {
        step(&s, i);
        if (i + 1u == k && strcmp(argv[1], "write") == 0) {
            size_t n = P(shared_save)(&s.s, buf, sizeof buf);
            n = n ? n + P(incident_save)(&s.i, buf + n, sizeof buf - n) : 0;
            FILE *f = fopen(argv[2], "wb");
            if (!f || n == 0 || fwrite(buf, 1, n, f) != n || fclose(f) != 0) {
                fprintf(stderr, "ckpt_x: cannot save to %s\n", argv[2]);
                return 1;
            }
        }
    }
    return 0;
}
