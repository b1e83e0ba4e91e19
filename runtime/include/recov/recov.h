/* recov.h - the recov runtime: what generated policies link against.
 *
 * Freestanding C99: includes only <stdint.h>, <stddef.h>, <stdbool.h>; no
 * allocation, no floating point, no libc calls, no recursion, no global
 * mutable state.  Every function is a pure function of its arguments (the
 * PRNG state is passed in).  The arithmetic here is the reference for the
 * compiler's simulator, which links this same code.
 */
#ifndef RECOV_H
#define RECOV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "recov/recov_config.h"

/* RECOV_ABI_VERSION: bumped whenever a type or function below changes in a
 * way generated code can observe; generated headers #error on a mismatch. */
#define RECOV_ABI_VERSION 6u

/* RECOV_VERSION_STRING: the release this runtime belongs to. */
#define RECOV_VERSION_STRING "0.1.0"

/* ---- decisions -------------------------------------------------------- */

/* Results of P_admit.  Anything but RECOV_ALLOW refuses the call, so hosts
 * that test `!= RECOV_ALLOW` need not know the reasons. */
typedef enum recov_admit {
    RECOV_ALLOW = 0,          /* make the call */
    RECOV_REJECT = 1,         /* a breaker (of the incident's target) is open or has no probe left */
    RECOV_RATE_LIMITED = 2,   /* `limit rate`: no token */
    RECOV_FULL = 3            /* `limit concurrent`: as many calls in flight as allowed */
} recov_admit;

/* Modes of P_force (manual control of a target's breakers, spec/semantics.md
 * "P_force"). */
#define RECOV_NORMAL 0u           /* the policy's breakers decide (a forced one closes) */
#define RECOV_FORCE_OPEN 1u       /* refuse every call until the next P_force */
#define RECOV_FORCE_CLOSED 2u     /* close now, then the policy decides */
#define RECOV_DISABLED 3u         /* refuse nothing, record nothing until the next P_force */

/* What P_admit_in returns when no time can be told: `limit concurrent` is
 * full, and only an outcome of another call frees a slot. */
#define RECOV_ADMIT_IN_UNKNOWN 0xFFFFFFFFu

typedef enum recov_kind {
    RECOV_NONE = 0,      /* never returned by a well-used policy (e.g. handler_done without RUN) */
    RECOV_RETRY = 1,     /* ms = delay before the next attempt */
    RECOV_ADJUST = 2,    /* id = adjustment; ms = delay before the next attempt */
    RECOV_RUN = 3,       /* id = handler; ms = timeout (0 = none); then call P_handler_done */
    RECOV_FALLBACK = 4,  /* id = alternative to use for the next attempt */
    RECOV_DEGRADE = 5,   /* id = mode; ends the incident */
    RECOV_ESCALATE = 6,  /* id = channel, level = severity escalated at, ms = SLA (0 = none); ends the incident */
    RECOV_ABORT = 7      /* ends the incident */
} recov_kind;

/* Severity levels, in order. */
#define RECOV_SEV_LOW      0u
#define RECOV_SEV_MEDIUM   1u
#define RECOV_SEV_HIGH     2u
#define RECOV_SEV_CRITICAL 3u

typedef struct recov_decision {
    uint8_t  kind;        /* recov_kind */
    uint8_t  severity;    /* the classified error's severity */
    uint8_t  error_class; /* the classified error's class id */
    uint8_t  level;       /* RECOV_ESCALATE: the level escalated at */
    uint16_t error;       /* the classified error id */
    uint16_t id;          /* alternative / mode / channel / handler / adjustment id */
    uint16_t attempt;     /* failures so far in this incident (1 on the first) */
    uint32_t ms;          /* delay, timeout or SLA, by kind */
    uint32_t limit_ms;    /* RECOV_RETRY: how long the next attempt may run (the strategy's
                             `timeout`), 0 = no limit; 0 for every other kind (ABI 6) */
} recov_decision;

/* Results of P_load.  Anything but OK and MIGRATED leaves the state untouched. */
typedef enum recov_load {
    RECOV_LOAD_OK = 0,        /* restored completely */
    RECOV_LOAD_MIGRATED = 1,  /* older version of the same policy: matching records restored */
    RECOV_LOAD_SHORT = 2,     /* buffer shorter than the header or the stated length */
    RECOV_LOAD_MAGIC = 3,     /* not a recov checkpoint */
    RECOV_LOAD_FORMAT = 4,    /* unknown checkpoint format version */
    RECOV_LOAD_CRC = 5,       /* checksum mismatch: corrupt */
    RECOV_LOAD_FOREIGN = 6,   /* written by a different policy */
    RECOV_LOAD_CORRUPT = 7,   /* checksum fine but a record is malformed or out of range */
    RECOV_LOAD_STALE = 8      /* an incident checkpoint of another version of the policy */
} recov_load;

/* ---- contract checks --------------------------------------------------- */

/* RECOV_ASSERT(cond): every generated entry point (P_admit, P_failed,
 * P_handler_done, P_succeeded, P_cancelled) checks with it that its shared
 * part, incident and fault pointers are not NULL and, where the shared part
 * has a field P_shared_init never leaves 0 (the PRNG, the admission epoch),
 * that P_shared_init was called (a zeroed shared part is caught; garbage
 * cannot be).  Passing NULL or an uninitialised state is undefined
 * behaviour (spec/generated-api.md).  Like nanopb's PB_ASSERT, it is empty
 * unless the build defines it, e.g. `-D'RECOV_ASSERT(c)=assert(c)'` with
 * `-include assert.h`, or a hook of the firmware's own; empty, it costs no
 * code. */
#ifndef RECOV_ASSERT
#define RECOV_ASSERT(cond) ((void)0)
#endif

/* ---- time: uint32 millisecond ticks that wrap -------------------------- */

/* Milliseconds from `since` to `now`, correct across one wrap of the tick
 * (intervals up to 2^31 - 1 ms, about 24.8 days).  A clock that went back
 * (`now` behind `since` by 1 .. 2^31 ms, so that now - since mod 2^32 is
 * 2^31 or more) reads as 0: no time passed (spec/semantics.md, "Clock").
 * The generated code uses the macro (inline, arguments without side
 * effects); the function is the same for the simulator and hosts. */
#define RECOV_ELAPSED(now, since) \
    ((((uint32_t)((uint32_t)(now) - (uint32_t)(since))) > 2147483647u) ? 0u \
     : ((uint32_t)((uint32_t)(now) - (uint32_t)(since))))
uint32_t recov_elapsed(uint32_t now, uint32_t since);

/* ---- arithmetic (saturating, integer only) ----------------------------- */

/* floor(v * milli / 1000), saturating at UINT32_MAX; milli <= 1000000. */
uint32_t recov_mul_milli(uint32_t v, uint32_t milli);

/* Backoff kinds, as in the IR. */
#define RECOV_BACKOFF_CONSTANT    0u
#define RECOV_BACKOFF_LINEAR      1u
#define RECOV_BACKOFF_EXPONENTIAL 2u

/* Delay of retry n (n >= 1) before scales and jitter:
 *   constant     base
 *   linear       base * n                      (saturating)
 *   exponential  base, then n-1 times recov_mul_milli(d, factor_milli)
 */
uint32_t recov_backoff(uint32_t kind, uint32_t base, uint32_t factor_milli, uint32_t n);

/* xorshift32 (13, 17, 5).  *state must not be 0. */
uint32_t recov_prng_next(uint32_t *state);

/* Uniform in [lo, hi] inclusive (lo when hi <= lo).  Always consumes exactly
 * one PRNG value: r = recov_prng_next(state); result lo + r % (hi - lo + 1)
 * (r itself when the span is the whole 32-bit range). */
uint32_t recov_uniform(uint32_t *state, uint32_t lo, uint32_t hi);

/* Jitter kinds, as in the IR. */
#define RECOV_JITTER_NONE         0u
#define RECOV_JITTER_PERCENT      1u
#define RECOV_JITTER_FULL         2u
#define RECOV_JITTER_EQUAL        3u
#define RECOV_JITTER_DECORRELATED 4u

/* The longest delay any decision carries: 2^31 - 1 ms (24.8 days), the
 * longest interval recov_elapsed measures exactly.  Every delay saturates
 * here, whatever the backoff, scales, jitter or honored field give. */
#define RECOV_DELAY_MAX 2147483647u

/* The mode argument of recov_jitter: the kind and, for PERCENT, the
 * percentage (one argument, so that the call passes at most two arguments
 * on the stack of a 32-bit ARM core). */
#define RECOV_JITTER_MODE(kind, pct) ((uint32_t)(kind) | ((uint32_t)(pct) << 8))

/* Jitter and cap of delay d (after backoff and scales).  mode is
 * RECOV_JITTER_MODE(kind, pct); cap is the strategy's `max`
 * (RECOV_DELAY_MAX or more when it has none); with
 * c = min(d, cap, RECOV_DELAY_MAX) and C = min(cap, RECOV_DELAY_MAX):
 *   NONE          c; consumes nothing
 *   PERCENT       min(C, uniform [d - p, d + p]), p = floor(d * pct / 100)
 *                 (saturating): the cap after the draw
 *   FULL          uniform [0, c - 1] (0 when c = 0): the cap before the draw
 *   EQUAL         uniform [floor(c / 2), c - 1] (0 when c = 0)
 *   DECORRELATED  h = min(C, max(base, 3 * prev)) (saturating);
 *                 uniform [min(base, h), h]; d is not used
 * Every kind but NONE draws exactly once: the result is that of
 * recov_uniform(state, lo, hi) on the bounds above (lo <= hi always). */
uint32_t recov_jitter(uint32_t *state, uint32_t mode, uint32_t d, uint32_t base,
                      uint32_t prev, uint32_t cap);

/* CRC-32 (IEEE 802.3, reflected, poly 0xEDB88320).  Start with crc = 0;
 * chain calls by passing the previous result. */
uint32_t recov_crc32(uint32_t crc, const uint8_t *p, size_t n);

/* ---- string classification: DFA scanners ------------------------------- */

/* A DFA emitted by recovc (see compiler/patterns/dfa.h for the construction).  The
 * scan reads the NUL-terminated text (NULL reads as "") up to `limit` bytes,
 * clears `mask` (`words` uint32 words) and sets bit i when pattern i matched.
 *
 * What a state adds is a pattern list: an acc value v is 0 (nothing) or
 * 1 + the index in `pats` of a list of pattern numbers, increasing, whose
 * last entry has RECOV_DFA_LAST set.  Most accepting states add one pattern,
 * so a list costs 2 bytes where a mask row would cost 4 * words.
 *
 * The full tables (recovc emits them only when no compact form below
 * applies): 16-bit states and acc values. */
#define RECOV_DFA_LAST 0x8000u

typedef struct recov_dfa16 {
    const uint8_t  *classmap;   /* [256] byte -> class */
    const uint16_t *trans;      /* [nstates * nclasses] */
    const uint16_t *acc;        /* [nstates] list added on entering the state */
    const uint16_t *acc_end;    /* [nstates] list added when the text ends there */
    const uint16_t *pats;       /* the pattern lists */
    uint16_t nclasses;
    uint16_t words;
} recov_dfa16;

/* The compact forms recovc emits when they are smaller (spec/patterns.md).
 * A state is a number ("id") that is also where its row starts in the comb:
 * the next state from s on class k is nxt[s + k] when chk[s + k] == k, else
 * def[k] (the exceptions of each row against one default row, packed into
 * one comb; chk is 255 where no state owns the slot; ids are distinct, so a
 * slot holding class k belongs to exactly one state).  Only ids
 * s >= accfrom accept anything: their lists are acc[s - accfrom] and
 * acc_end[s - accfrom].  Same result as the full table it was made from.
 *
 * recov_dfa8c: 8-bit ids and acc values; bytes outside [lo, hi] have class
 * cdef, the others map[byte - lo].  The start state is 0 and stays in itself
 * on every class below k0 (never NUL's class): the scan skips such bytes in a
 * loop of compares, the fewest instructions per byte (firmware). */
typedef struct recov_dfa8c {
    const uint8_t  *map;        /* [hi - lo + 1] byte - lo -> class */
    const uint8_t  *def;        /* [nclasses] default row */
    const uint8_t  *chk;        /* [max id + nclasses] class of the exception in each slot */
    const uint8_t  *nxt;        /* [max id + nclasses] next state of that exception */
    const uint8_t  *acc;        /* [max id + 1 - accfrom] list added on entering s */
    const uint8_t  *acc_end;    /* [max id + 1 - accfrom] list added at end of text in s */
    const uint16_t *pats;       /* the pattern lists */
    uint8_t lo;
    uint8_t hi;
    uint8_t cdef;
    uint8_t words;
    uint8_t k0;                 /* classes [0, k0) keep state 0 in state 0 */
    uint8_t accfrom;            /* first id with acc values (max id + 1: none) */
} recov_dfa8c;

/* recov_dfa16c: 16-bit ids and acc values, every byte in map.  Ids below
 * accfrom accept nothing; the start state is accfrom itself; NUL has a class
 * of its own that leads every state to a stop state, an id >= stopfrom whose
 * acc list holds what the end of the text adds.  The scan is one loop of one
 * probe and one rarely true compare (s > accfrom: accepting or stop) per
 * byte, with no inner loop to leave and re-enter: the fastest form on cores
 * that predict branches. */
typedef struct recov_dfa16c {
    const uint8_t  *map;        /* [256] byte -> class */
    const uint16_t *def;        /* [nclasses] default row */
    const uint8_t  *chk;        /* [stopfrom - 1 + nclasses] */
    const uint16_t *nxt;        /* [stopfrom - 1 + nclasses] */
    const uint16_t *acc;        /* [max id + 1 - accfrom] */
    const uint16_t *acc_end;    /* [max id + 1 - accfrom] */
    const uint16_t *pats;       /* the pattern lists */
    uint16_t words;
    uint16_t accfrom;           /* the start state; ids > accfrom have acc lists */
    uint16_t stopfrom;          /* ids >= stopfrom end the scan */
} recov_dfa16c;

void recov_dfa_scan8c(const recov_dfa8c *d, const char *text, size_t limit, uint32_t *mask);
void recov_dfa_scan16(const recov_dfa16 *d, const char *text, size_t limit, uint32_t *mask);
void recov_dfa_scan16c(const recov_dfa16c *d, const char *text, size_t limit, uint32_t *mask);

/* ---- checkpoints ------------------------------------------------------- */

/* Little-endian field access used by generated P_save / P_load. */
void     recov_put32(uint8_t *p, uint32_t v);
uint32_t recov_get32(const uint8_t *p);
void     recov_put16(uint8_t *p, uint16_t v);
uint16_t recov_get16(const uint8_t *p);

#endif
