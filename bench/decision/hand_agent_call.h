/* hand_agent_call.h - examples/agent_call/agent_call.recov written by hand,
 * the way a careful firmware engineer would: a struct of counters, if/else,
 * strstr, a switch.  The baseline of the decision benchmark; bench_decision.c
 * runs it side by side with the generated code and compares every decision.
 * It returns the same recov_decision type so the comparison is field by field.
 */
#ifndef HAND_AGENT_CALL_H
#define HAND_AGENT_CALL_H

#include <stdbool.h>
#include <stdint.h>

#include "recov/recov.h"

/* the policy's 20 error types, in its order (5 classes of 4) */
enum {
    H_TIMEOUT, H_RESET, H_RATE, H_UNAVAIL,
    H_MEMORY, H_CPU, H_DISK, H_POOL,
    H_VALIDATION, H_LOGIC, H_CORRUPTION, H_BUSINESS,
    H_SERVICE, H_DATABASE, H_CONFIG, H_SECURITY,
    H_API, H_AUTH, H_AUTHZ, H_EXTERNAL
};

typedef struct hand_fault {
    uint16_t status;
    uint8_t kind;
    const char *message;
    uint32_t retry_after_ms;
} hand_fault;

typedef struct hand_state {
    uint32_t rng;
    /* breaker */
    uint8_t brk;              /* 0 closed, 1 open, 2 half-open */
    uint16_t brk_fails, brk_probes, brk_ok;
    uint32_t brk_opened;
    /* retry budget: 20% of calls, at least 3, per 10 s window */
    uint32_t win_start;
    uint16_t win_calls, win_retries;
    /* fallback learning */
    uint16_t alt_ok[2], alt_failed[2];
    uint16_t unresolved_low;
    /* the incident */
    bool active;
    uint32_t start;
    uint16_t attempt, error, last_alt;
    uint8_t pending;          /* handler pending: 0 none, else recipe + 1 */
    uint8_t step[5];          /* position in each recipe (they interleave when the error changes) */
    uint16_t sub[5];          /* retries done / alternatives tried (bits) */
} hand_state;

void           hand_init(hand_state *s, uint32_t now, uint32_t seed);
recov_admit    hand_admit(hand_state *s, uint32_t now);
recov_decision hand_failed(hand_state *s, const hand_fault *f, uint32_t now);
recov_decision hand_handler_done(hand_state *s, bool ok, uint32_t now);
void           hand_succeeded(hand_state *s, uint32_t now);
unsigned       hand_classify(const hand_fault *f);

#endif
