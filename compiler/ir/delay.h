/* delay.h - the delay arithmetic of retry strategies: per-retry delay
 * bounds over every jitter draw, and their totals.  The IR's own
 * arithmetic, shared by explain, diff and the time analyses. */
#ifndef RC_DELAY_H
#define RC_DELAY_H

#include <stddef.h>
#include <stdint.h>

#include "ir.h"

/* Bounds of the total delay of a retry step's retries for one error:
 * best and worst case over every jitter draw (the `honor` floor can only
 * raise the delays and is not included). */
typedef struct rc_delay_bounds {
    uint64_t min_total, max_total;
    uint32_t max_single;
    int retries;
    /* the time the incident spends in attempts and handlers at most, on
     * top of the delays: each retried attempt of a strategy with `timeout
     * T` counts T (the host stops it there), and each handler of a `run
     * ... then next` step its timeout (the block goes on after it).  A
     * strategy without `timeout` and a `run` without `then` count 0, as
     * before (their time is the host's). */
    uint64_t max_work;
} rc_delay_bounds;

/* The delay of retry n (n >= 1) of strategy `retry` for error `error`
 * before jitter: the backoff, then the error's scale, then its severity's,
 * as the runtime computes them (spec/semantics.md, "Retry delay"). */
uint32_t rc_delay_scaled(const rc_ir *ir, int retry, int error, uint32_t n);

/* Per-retry delay bounds (los[i], his[i] for retry i+1) of every retry of
 * the strategy; both arrays need `attempts` slots.  Returns attempts. */
int rc_delay_retry(const rc_ir *ir, int retry, int error, uint32_t *los, uint32_t *his);

/* The totals of rc_delay_retry: min_total and max_total sum the retries'
 * bounds, max_single is the largest upper bound, retries = attempts. */
rc_delay_bounds rc_delay_retry_bounds(const rc_ir *ir, int retry, int error);

/* The same over every retry step of block b, each run to its end, for
 * error e (retries: their sum; max_single: the largest). */
rc_delay_bounds rc_delay_block_bounds(const rc_ir *ir, const rc_ir_block *b, int error);

/* A duration as the policy would write it: in its largest exact unit
 * (`15m`, `24h`, `5s`, `1500ms`; 0 is `0ms`).  Writes at most n bytes,
 * NUL included; returns buf. */
char *rc_delay_text(char *buf, size_t n, uint64_t ms);

#endif
