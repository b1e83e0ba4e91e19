/* drive.c - the generated agent_call policy on the seed-reference stream.
 *
 *     drive STREAM_FILE
 *
 * Reads the faults written by stream.py (`status kind retry_after message`
 * per line), then for every fault calls agent_call_failed (classification,
 * block selection, retry delay with jitter and scales, breaker, budget,
 * escalation: more than the seed's classify + delay), and after every fourth
 * fault agent_call_succeeded, so incidents end and start again.  Prints
 * `c ns/fault X checksum Y` (best of 5 runs over the whole stream).
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "agent_call.h"

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: drive STREAM_FILE\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "r");
    if (!f) {
        perror(argv[1]);
        return 2;
    }
    size_t n = 0, cap = 1024;
    agent_call_fault *fs = malloc(cap * sizeof *fs);
    char line[1024];
    while (fs && fgets(line, sizeof line, f)) {
        unsigned status, kind;
        unsigned long ra;
        int off = 0;
        if (sscanf(line, "%u %u %lu %n", &status, &kind, &ra, &off) != 3) continue;
        line[strcspn(line, "\n")] = 0;
        if (n == cap) {
            cap *= 2;
            agent_call_fault *g = realloc(fs, cap * sizeof *fs);
            if (!g) break;
            fs = g;
        }
        char *msg = strdup(line + off);
        if (!msg) break;
        fs[n].status = (uint16_t)status;
        fs[n].kind = (uint8_t)kind;
        fs[n].retry_after_ms = (uint32_t)ra;
        fs[n].message = msg;
        n++;
    }
    fclose(f);
    if (!fs || n == 0) {
        fprintf(stderr, "drive: no faults read\n");
        return 2;
    }
    double best = 0;
    uint32_t sum = 0;
    for (int run = 0; run < 5; run++) {
        agent_call_shared s;
        agent_call_incident s_inc;
        uint32_t t = 0;
        sum = 0;
        agent_call_shared_init(&s, 0u, 42u);
        agent_call_incident_init(&s_inc);
        double t0 = now_ns();
        for (size_t i = 0; i < n; i++) {
            recov_decision d = agent_call_failed(&s, &s_inc, &fs[i], t);
            sum = sum * 31u + d.kind * 7u + d.ms;
            t += 250u;
            if ((i & 3u) == 3u) agent_call_succeeded(&s, &s_inc, t);
        }
        double dt = now_ns() - t0;
        if (run == 0 || dt < best) best = dt;
    }
    printf("c ns/fault %.1f checksum %08lx\n", best / (double)n, (unsigned long)sum);
    for (size_t i = 0; i < n; i++) free((void *)fs[i].message);
    free(fs);
    return 0;
}
