/* hand_agent_call.c - agent_call.recov by hand; see hand_agent_call.h.
 *
 * Recipes (the policy's `on` blocks):
 *   R_RATE            rate limit, full connection pool: retry x4, then
 *                     escalate (low: the third unresolved low in a row goes
 *                     out as medium)
 *   R_RETRY_FALLBACK  unavailable, reset: retry x4, then the
 *                     backup alternatives best-first, then cached answers
 *   R_RETRY_ESCALATE  timeout while attempt < 3: retry x4, then escalate
 *   R_REPAIR          memory: reduce batch, run free_caches (30 s), escalate high
 *   R_ESCALATE        every other error but a timeout: escalate
 *   anything else     abort
 * The breaker counts every failure and takes one off per success while
 * closed (never below 0); it opens at 5.
 * Whole incident limited to 300 s: past it, the recipe's last step runs.
 */
#define _GNU_SOURCE 1 /* strcasestr */
#include "hand_agent_call.h"

#include <stddef.h>
#include <string.h>

enum { R_RATE, R_RETRY_FALLBACK, R_RETRY_ESCALATE, R_REPAIR, R_ESCALATE, R_ABORT };

/* low 0 .. critical 3 */
static const uint8_t severity[20] = {1, 1, 0, 1, 2, 1, 2, 1, 1, 1, 2, 1, 2, 2, 2, 3, 1, 2, 2, 1};
/* transient, resource, logic, system, external: four errors each */
#define ECLASS(e) ((uint8_t)((e) / 4u))

/* the error each known failure kind is (kinds 3, 4 and 6..19), 0xFF none */
static const uint8_t by_kind[20] = {0xFF, 0xFF, 0xFF, H_TIMEOUT, H_RESET, 0xFF, H_MEMORY, H_POOL, H_DATABASE, H_AUTH,
                                    H_CPU, H_DISK, H_VALIDATION, H_CORRUPTION, H_BUSINESS, H_SERVICE,
                                    H_CONFIG, H_SECURITY, H_API, H_EXTERNAL};

static uint16_t inc(uint16_t v) { return v == 0xFFFFu ? v : (uint16_t)(v + 1u); }

/* backup i rates better than backup b: (ok+1)/(ok+failed+2) greater,
 * compared as (ok_i+1)(failed_b+1) > (ok_b+1)(failed_i+1), each product
 * minus one in 32 bits (spec/semantics.md, Rating) */
static bool better(const hand_state *s, unsigned i, unsigned b)
{
    uint32_t l = ((uint32_t)s->alt_ok[i] + 1u) * ((uint32_t)s->alt_failed[b] + 1u) - 1u;
    uint32_t r = ((uint32_t)s->alt_ok[b] + 1u) * ((uint32_t)s->alt_failed[i] + 1u) - 1u;
    return l > r;
}

/* The text rules on a lower-cased text: the policy matches in any case. */
static unsigned by_text(const char *m, char *(*find)(const char *, const char *))
{
    if (find(m, "timeout") != NULL || find(m, "timed out") != NULL)
        return H_TIMEOUT;
    if (find(m, "memory") != NULL)
        return H_MEMORY;
    if (find(m, "connect") != NULL)
        return H_RESET;
    return H_LOGIC;
}

static char *find_case(const char *m, const char *w) { return strcasestr(m, w); }
static char *find_exact(const char *m, const char *w) { return strstr(m, w); }

unsigned hand_classify(const hand_fault *f)
{
    const char *m = f->message != NULL ? f->message : "";
    char low[128];
    size_t i;
    if (f->status == 429u)
        return H_RATE;
    if (f->status == 503u)
        return H_UNAVAIL;
    if (f->status == 401u)
        return H_AUTH;
    if (f->status == 403u)
        return H_AUTHZ;
    if (f->kind < sizeof by_kind && by_kind[f->kind] != 0xFFu)
        return by_kind[f->kind];
    /* lower-case the text once, then four plain strstr; the rare text
     * longer than the buffer goes to strcasestr */
    for (i = 0; m[i] != '\0' && i < sizeof low - 1u; i++) {
        unsigned char c = (unsigned char)m[i];
        low[i] = (char)((unsigned)(c - 'A') < 26u ? c + 32u : c);
    }
    if (m[i] != '\0')
        return by_text(m, find_case);
    low[i] = '\0';
    return by_text(low, find_exact);
}

static recov_decision decide(const hand_state *s, unsigned kind, unsigned id, uint32_t ms)
{
    recov_decision d;
    d.kind = (uint8_t)kind;
    d.severity = severity[s->error];
    d.error_class = ECLASS(s->error);
    d.level = 0;
    d.error = s->error;
    d.id = (uint16_t)id;
    d.attempt = s->attempt;
    d.ms = ms;
    d.limit_ms = 0u; /* agent_call has no attempt timeouts */
    return d;
}

static void end_incident(hand_state *s)
{
    s->active = false;
    s->pending = 0;
    s->last_alt = 0;
}

void hand_init(hand_state *s, uint32_t now, uint32_t seed)
{
    memset(s, 0, sizeof *s);
    s->rng = seed != 0u ? seed : 0x2545F491u;
    s->win_start = now;
}

static void open_breaker(hand_state *s, uint32_t now)
{
    s->brk = 1;
    s->brk_opened = now;
    s->brk_fails = s->brk_probes = s->brk_ok = 0;
}

recov_admit hand_admit(hand_state *s, uint32_t now)
{
    if (s->brk == 1 && now - s->brk_opened >= 60000u) {
        s->brk = 2;
        s->brk_probes = s->brk_ok = 0;
    }
    if (s->brk == 1 || (s->brk == 2 && s->brk_probes >= 3u))
        return RECOV_REJECT;
    if (s->brk == 2)
        s->brk_probes = inc(s->brk_probes);
    return RECOV_ALLOW;
}

static void count_call(hand_state *s, uint32_t now)
{
    if (now - s->win_start >= 10000u) {
        s->win_start = now;
        s->win_calls = s->win_retries = 0;
    }
    s->win_calls = inc(s->win_calls);
}

static uint32_t backoff(hand_state *s, const hand_fault *f, unsigned n)
{
    uint32_t d = 1000u << (n - 1u), p, lo, hi, r;
    if (s->error == H_RATE)
        d *= 2u;
    else if (s->error == H_TIMEOUT)
        d = d * 3u / 2u;
    if (severity[s->error] == 2u)
        d = d * 3u / 2u;
    else if (severity[s->error] == 3u)
        d *= 2u;
    /* +-25% jitter, xorshift32 */
    p = d / 4u;
    lo = d - p;
    hi = d + p;
    r = s->rng;
    r ^= r << 13;
    r ^= r >> 17;
    r ^= r << 5;
    s->rng = r;
    d = lo + r % (hi - lo + 1u);
    if (d > 60000u)
        d = 60000u;
    if (f != NULL && f->retry_after_ms > d)
        d = f->retry_after_ms;
    return d;
}

static bool may_retry(hand_state *s, unsigned r)
{
    uint32_t limit = s->win_calls * 20u / 100u;
    if (limit < 3u)
        limit = 3u;
    return s->sub[r] < 4u && s->brk != 1 && s->win_retries < limit;
}

static recov_decision escalate(hand_state *s, unsigned level)
{
    static const uint32_t sla[4] = {0u, 24u * 3600000u, 2u * 3600000u, 15u * 60000u};
    recov_decision d;
    if (level == 0u) {
        s->unresolved_low = inc(s->unresolved_low);
        if (s->unresolved_low >= 3u) {
            s->unresolved_low = 0;
            level = 1;
        }
    }
    end_incident(s);
    d = decide(s, RECOV_ESCALATE, level, sla[level]);
    d.level = (uint8_t)level;
    return d;
}

static recov_decision run_recipe(hand_state *s, unsigned r, const hand_fault *f, uint32_t elapsed)
{
    bool late = elapsed > 300000u;
    switch (r) {
    case R_RETRY_FALLBACK:
        if (s->step[r] == 0u && !late) {
            if (may_retry(s, r)) {
                s->sub[r]++;
                s->win_retries = inc(s->win_retries);
                return decide(s, RECOV_RETRY, 0, backoff(s, f, s->sub[r]));
            }
            s->step[r] = 1;
            s->sub[r] = 0;
        }
        if (s->step[r] <= 1u && !late) {
            unsigned i, best = 2;
            for (i = 0; i < 2u; i++)
                if (!(s->sub[r] & (1u << i)) && (best == 2u || better(s, i, best)))
                    best = i;
            if (best < 2u) {
                s->step[r] = 1;
                s->sub[r] |= (uint16_t)(1u << best);
                s->last_alt = (uint16_t)(best + 1u);
                return decide(s, RECOV_FALLBACK, best, 0);
            }
        }
        s->step[r] = 2;
        s->sub[r] = 0;
        end_incident(s);
        return decide(s, RECOV_DEGRADE, 0, 0);
    case R_RATE:
    case R_RETRY_ESCALATE:
        if (s->step[r] == 0u && !late) {
            if (may_retry(s, r)) {
                s->sub[r]++;
                s->win_retries = inc(s->win_retries);
                return decide(s, RECOV_RETRY, 0, backoff(s, f, s->sub[r]));
            }
            s->sub[r] = 0;
        }
        s->step[r] = 1;
        return escalate(s, severity[s->error]);
    case R_REPAIR:
        if (s->step[r] == 0u && !late) {
            s->step[r] = 1;
            s->sub[r] = 0;
            return decide(s, RECOV_ADJUST, 0, 0);
        }
        if (s->step[r] <= 1u && !late) {
            s->step[r] = 2;
            s->sub[r] = 0;
            s->pending = R_REPAIR + 1;
            return decide(s, RECOV_RUN, 0, 30000u);
        }
        s->step[r] = 2;
        return escalate(s, 2);
    case R_ESCALATE:
        return escalate(s, severity[s->error]);
    default:
        end_incident(s);
        return decide(s, RECOV_ABORT, 0, 0);
    }
}

recov_decision hand_failed(hand_state *s, const hand_fault *f, uint32_t now)
{
    unsigned e = hand_classify(f), r;
    if (!s->active) {
        s->active = true;
        s->start = now;
        s->attempt = 0;
        memset(s->step, 0, sizeof s->step);
        memset(s->sub, 0, sizeof s->sub);
    }
    s->pending = 0;
    s->attempt = inc(s->attempt);
    s->error = (uint16_t)e;
    if (s->last_alt != 0u)
        s->alt_failed[s->last_alt - 1u] = inc(s->alt_failed[s->last_alt - 1u]);
    s->last_alt = 0;
    if (s->brk == 0) { /* every failure counts for the breaker */
        s->brk_fails = inc(s->brk_fails);
        if (s->brk_fails >= 5u)
            open_breaker(s, now);
    } else if (s->brk == 2) {
        open_breaker(s, now);
    }
    count_call(s, now);
    switch (e) {
    case H_RATE: case H_POOL: r = R_RATE; break;
    case H_UNAVAIL: case H_RESET: r = R_RETRY_FALLBACK; break;
    case H_TIMEOUT: r = s->attempt < 3u ? R_RETRY_ESCALATE : R_ABORT; break;
    case H_MEMORY: r = R_REPAIR; break;
    default: r = R_ESCALATE; break;
    }
    return run_recipe(s, r, f, now - s->start);
}

recov_decision hand_handler_done(hand_state *s, bool ok, uint32_t now)
{
    unsigned r;
    if (s->pending == 0u)
        return decide(s, RECOV_NONE, 0, 0);
    r = s->pending - 1u;
    s->pending = 0;
    if (ok)
        return decide(s, RECOV_RETRY, 0, 0);
    return run_recipe(s, r, NULL, now - s->start);
}

void hand_succeeded(hand_state *s, uint32_t now)
{
    if (s->last_alt != 0u)
        s->alt_ok[s->last_alt - 1u] = inc(s->alt_ok[s->last_alt - 1u]);
    if (s->brk == 0) {
        if (s->brk_fails > 0u)
            s->brk_fails--; /* a success takes one failure off */
    } else if (s->brk == 2) {
        s->brk_ok = inc(s->brk_ok);
        if (s->brk_ok >= 3u) {
            s->brk = 0;
            s->brk_fails = s->brk_probes = s->brk_ok = 0;
        }
    }
    count_call(s, now);
    s->unresolved_low = 0;
    end_incident(s);
}
