/* bench_concurrency.c - decisions of the agent_server policy with K
 * concurrent incidents on one shared part behind one mutex.
 *
 *   bench_concurrency K N   K threads (1..256), each with its own incident,
 *                           share one agent_server_shared and its mutex;
 *                           together they make N outcomes (N / K each)
 *
 * Each thread's loop is the server's (examples/agent_call/agent_server.c)
 * without the network: lock, admit, unlock (a limit's refusal: admit
 * again; a breaker's: reported as not_admitted); the call succeeds (80%) or
 * fails with a fault from a small pool; lock, succeeded or failed (and
 * handler_done for a RUN), unlock; a terminal decision starts a new
 * incident.  The policy's clock is one counter advanced under the mutex
 * by each event, so the stream of events is the same kind for every K.
 * Every policy call happens inside bc_locked_* (lock, call, unlock): the
 * callgrind run of run.sh collects only there, so its instructions per
 * decision include the mutex.
 * Prints: incidents K decisions D ns/decision X refused R (admissions
 * refused) checksum C.
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "agent_server.h"

typedef struct pool_fault { uint16_t status; uint8_t kind; const char *message; } pool_fault;
static const pool_fault pool[] = {
    {429, 0, "Too Many Requests"},
    {503, 0, "Service Unavailable"},
    {0, 3, NULL},
    {0, 0, "read tcp 10.0.0.4:51234->10.0.0.9:443: read: connection reset by peer"},
    {500, 0, "CUDA error: out of Memory while allocating tensor"},
    {504, 0, "Gateway Timeout"},
    {400, 0, "invalid request: missing field 'prompt' in body"},
    {0, 20, "breaker_open"},
};
#define NPOOL (sizeof pool / sizeof pool[0])

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static agent_server_shared shared;
static uint32_t clock_ms = 1000u; /* advanced under mu */
static unsigned long per_thread;

/* the locked calls: everything the callgrind run counts */
__attribute__((noinline)) static recov_admit bc_locked_admit(agent_server_incident *in, uint32_t step)
{
    pthread_mutex_lock(&mu);
    clock_ms += step;
    recov_admit a = agent_server_admit(&shared, in, clock_ms);
    pthread_mutex_unlock(&mu);
    return a;
}
__attribute__((noinline)) static void bc_locked_succeeded(agent_server_incident *in, uint32_t step)
{
    pthread_mutex_lock(&mu);
    clock_ms += step;
    agent_server_succeeded(&shared, in, clock_ms);
    pthread_mutex_unlock(&mu);
}
__attribute__((noinline)) static recov_decision bc_locked_failed(agent_server_incident *in, const agent_server_fault *f, uint32_t step)
{
    pthread_mutex_lock(&mu);
    clock_ms += step;
    recov_decision d = agent_server_failed(&shared, in, f, clock_ms);
    pthread_mutex_unlock(&mu);
    return d;
}
__attribute__((noinline)) static recov_decision bc_locked_handler_done(agent_server_incident *in, bool ok, uint32_t step)
{
    pthread_mutex_lock(&mu);
    clock_ms += step;
    recov_decision d = agent_server_handler_done(&shared, in, ok, clock_ms);
    pthread_mutex_unlock(&mu);
    return d;
}

typedef struct worker { pthread_t t; uint64_t rnd; unsigned long decisions, refused; uint32_t sum; } worker;

static uint32_t rnd(worker *w)
{
    w->rnd ^= w->rnd << 13;
    w->rnd ^= w->rnd >> 7;
    w->rnd ^= w->rnd << 17;
    return (uint32_t)(w->rnd >> 32);
}

static void *run(void *arg)
{
    worker *w = arg;
    agent_server_incident in;
    agent_server_incident_init(&in);
    for (unsigned long k = 0; k < per_thread; k++) {
        w->decisions++;
        recov_admit a = bc_locked_admit(&in, 1u + rnd(w) % 50u);
        if (a == RECOV_FULL || a == RECOV_RATE_LIMITED) { /* a limit: ask again (the server waits) */
            w->refused++;
            continue;
        }
        if (a != RECOV_ALLOW) { /* the target's breaker: to the policy, as the server does */
            const pool_fault *p = &pool[NPOOL - 1];
            agent_server_fault f = {p->status, p->kind, p->message, 0};
            recov_decision d = bc_locked_failed(&in, &f, 0u);
            w->decisions++;
            w->refused++;
            w->sum = w->sum * 31u + d.kind;
            if (d.kind != RECOV_FALLBACK) agent_server_incident_init(&in);
            continue;
        }
        if (rnd(w) % 100u < 80u) {
            bc_locked_succeeded(&in, 50u + rnd(w) % 500u);
            w->decisions++;
            agent_server_incident_init(&in);
            continue;
        }
        const pool_fault *p = &pool[rnd(w) % (NPOOL - 1)];
        agent_server_fault f = {p->status, p->kind, p->message, 0};
        recov_decision d = bc_locked_failed(&in, &f, 50u + rnd(w) % 500u);
        w->decisions++;
        while (d.kind == RECOV_RUN) {
            d = bc_locked_handler_done(&in, rnd(w) % 2u == 0u, 100u + rnd(w) % 1000u);
            w->decisions++;
        }
        w->sum = w->sum * 31u + d.kind * 7u + d.id + d.error * 13u;
        if (d.kind != RECOV_RETRY && d.kind != RECOV_ADJUST && d.kind != RECOV_FALLBACK) agent_server_incident_init(&in);
    }
    return NULL;
}

int main(int argc, char **argv)
{
    unsigned long k = argc > 1 ? strtoul(argv[1], NULL, 10) : 1ul, n = argc > 2 ? strtoul(argv[2], NULL, 10) : 1000000ul;
    if (argc > 3 || k < 1 || k > 256 || n < k) {
        fprintf(stderr, "usage: bench_concurrency K N   (K 1..256 concurrent incidents, N >= K outcomes)\n");
        return 2;
    }
    static worker w[256];
    per_thread = n / k;
    agent_server_shared_init(&shared, clock_ms, 12345u);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (unsigned long i = 0; i < k; i++) {
        w[i].rnd = 0x9E3779B97F4A7C15u ^ (i * 0x100000001B3u);
        if (pthread_create(&w[i].t, NULL, run, &w[i]) != 0) return fprintf(stderr, "pthread_create failed\n"), 2;
    }
    unsigned long dec = 0, refused = 0;
    uint32_t sum = 0;
    for (unsigned long i = 0; i < k; i++) {
        pthread_join(w[i].t, NULL);
        dec += w[i].decisions;
        refused += w[i].refused;
        sum ^= w[i].sum;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double ns = (double)(t1.tv_sec - t0.tv_sec) * 1e9 + (double)(t1.tv_nsec - t0.tv_nsec);
    printf("incidents %lu decisions %lu ns/decision %.1f refused %lu checksum %08x\n", k, dec, ns / (double)dec, refused, (unsigned)sum);
    return 0;
}
