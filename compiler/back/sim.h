/* sim.h - the reference semantics: runs a checked IR, decision by decision.
 *
 * This is spec/semantics.md executed literally over compiler/ir/ir.h.  The
 * generated C (emit_c.c) implements the same text independently; `recovc test
 * --via c` compares the two decision by decision, so every counter, every PRNG
 * draw and every saturation here follows the spec's order exactly.  All
 * arithmetic goes through the runtime's recov_* helpers (the same code the
 * generated C links), and text patterns through rc_dfa_scan.
 *
 * The simulator allocates everything in rc_sim_new (from the caller's arena);
 * the entry points never allocate, and nothing recurses.
 */
#ifndef RC_SIM_H
#define RC_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "ir.h"
#include "recov/recov.h"

/* One fault field's value: integer and bool fields use `i` (bool: 0/1),
 * text fields use `text`/`len` (NULL reads as "").  A text ends at its first
 * NUL byte, as it does for the generated C, which reads C strings. */
typedef struct rc_sim_value {
    int64_t i;
    const char *text;
    size_t len;
} rc_sim_value;

/* A fault: one value per field of ir->fields, same order. */
typedef struct rc_sim_fault {
    const rc_sim_value *v;      /* [ir->nfields] */
} rc_sim_fault;

/* Breaker states, as in the spec. */
enum { RC_SIM_CLOSED = 0, RC_SIM_OPEN = 1, RC_SIM_HALF_OPEN = 2, RC_SIM_FORCED_OPEN = 3, RC_SIM_DISABLED = 4 };

/* OPEN or FORCED_OPEN: the states that refuse every call (the odd ones). */
static inline bool rc_sim_open_like(uint8_t st) { return (st & 1u) != 0u; }

typedef struct rc_sim_breaker {
    uint8_t state;
    uint16_t fails;
    uint32_t window;            /* a count window of at most 32 calls */
    uint16_t n;                 /* calls in a count window */
    /* a count window of N > 32 calls: a ring of N bits, the position the
     * next outcome goes to, the failures among the n bits */
    uint32_t ring[(RC_IR_WINDOW_MAX + 31) / 32];
    uint16_t rhead, nf;
    uint32_t opened_at;         /* OPEN: when it opened; HALF_OPEN: when it last admitted a probe */
    uint16_t admitted, successes;
    uint16_t hfails;            /* `close below`: probes that failed */
    uint16_t opens;             /* `open for D then xF`: openings since it last closed */
    /* a time window (RC_BREAKER_TIME): the newest bucket's start and index,
     * and each bucket's counts (only the first `buckets` are used) */
    uint32_t bstart;
    uint8_t head;
    uint16_t bcalls[64], bfails[64], bslow[64];
} rc_sim_breaker;

typedef struct rc_sim_budget {
    uint32_t wstart;
    uint16_t calls, retries;
} rc_sim_budget;

typedef struct rc_sim_alt {
    uint16_t ok, failed;
} rc_sim_alt;

typedef struct rc_sim_block {
    uint8_t pos;
    uint16_t sub;
    uint32_t prev;
} rc_sim_block;

/* One incident: what belongs to one request (spec/semantics.md "State"). */
typedef struct rc_sim_incident {
    uint8_t active;
    uint32_t start;
    uint16_t attempt;
    uint16_t error;
    uint8_t pending;
    uint16_t last_alt;
    uint16_t last_handler;      /* handler + 1 of a pending list-form RUN, else 0 */
    uint8_t adm;                /* epoch of the shared part whose admission it holds (0 none), | 0x80 it took a probe */
    uint16_t stat_handler;      /* `stats;`: handler + 1 of the pending RUN, else 0 */
    uint16_t tgt;               /* current target: 0 the primary, alternative + 1 (per alternative breakers) */
    uint32_t adm_at;            /* `slow above`: the tick of its last ALLOW */
    rc_sim_block *blocks;       /* [nblocks] */
} rc_sim_incident;

/* The shared part (what belongs to the dependency) plus one built-in
 * incident `inc` that the single-incident entry points use.  Open so that
 * tests can look at it.  Field names are the spec's. */
typedef struct rc_sim {
    const rc_ir *ir;            /* the policy with the parameter values in force (a copy when it has `param`s) */
    rc_ir *inst;                /* that copy, NULL without parameters */
    /* shared */
    int64_t *params;            /* [nparams] values in force */
    uint32_t prng;
    uint8_t epoch;              /* 1..127, never 0; bumped by a load (not in the simulator) */
    rc_sim_breaker *breakers;   /* [nbreakers * (1 + nalts)]: instance t of breaker k at k + nbreakers * t;
                                   only `per alternative` breakers use t > 0 (rc_sim_breaker_at) */
    rc_sim_budget *budgets;     /* [nbudgets] */
    rc_sim_alt *alts;           /* [nalts] */
    rc_sim_alt *handlers;       /* [nhandlers] learned outcomes of `run H1, H2...` steps */
    uint16_t unresolved[RC_SEV_COUNT];
    uint16_t aged_n;            /* `adaptive ageing N incidents`: incidents since the last halving */
    uint32_t aged_at;           /* `adaptive ageing D`: tick the period counts from */
    rc_stat_layout sl;          /* `stats;`: where each group of counters starts (sl.n 0: none) */
    uint32_t *stat;             /* [sl.n] the counters (semantics.md "Statistics") */
    uint16_t tokens;            /* `limit rate`: whole tokens in the bucket */
    uint32_t credit;            /* `limit rate`: towards the next token, in ms x N (below D) */
    uint32_t rat;               /* `limit rate`: tick of the last refill */
    uint16_t inflight;          /* `limit concurrent`: incidents holding an admission (not saved) */
    /* the built-in incident of rc_sim_admit, rc_sim_failed... */
    rc_sim_incident *inc;
    /* scratch for evaluation (not state): expression values and text masks */
    int64_t *xval;              /* [nexprs] */
    uint32_t **masks;           /* [ntexts] -> [dfa.words] */
    /* observation, not state (the generated C has no such member): the
     * block the last P_failed / P_handler_done decision came from, -1 for
     * none; the timelines (tools/timeline.c) draw its deadline */
    int last_block;
} rc_sim;

rc_sim *rc_sim_new(rc_arena *a, const rc_ir *ir);
/* Instance t (0 the primary, alternative + 1) of breaker k; a breaker
 * without `per alternative` has only instance 0, whatever t. */
rc_sim_breaker *rc_sim_breaker_at(const rc_sim *s, int k, unsigned t);
/* A new incident of the same policy, fresh (P_incident_init). */
rc_sim_incident *rc_sim_incident_new(rc_arena *a, const rc_ir *ir);

/* P_shared_init, and P_incident_init of the built-in incident. */
void rc_sim_init(rc_sim *s, uint32_t now, uint32_t seed);
/* P_incident_init. */
void rc_sim_incident_init(const rc_sim *s, rc_sim_incident *i);

/* The entry points, on the shared part s and incident i (of the same IR). */
recov_admit rc_sim_admit_i(rc_sim *s, rc_sim_incident *i, uint32_t now);
recov_decision rc_sim_failed_i(rc_sim *s, rc_sim_incident *i, const rc_sim_fault *f, uint32_t now);
recov_decision rc_sim_handler_done_i(rc_sim *s, rc_sim_incident *i, bool ok, uint32_t now);
void rc_sim_succeeded_i(rc_sim *s, rc_sim_incident *i, uint32_t now);
void rc_sim_cancelled_i(rc_sim *s, rc_sim_incident *i, uint32_t now);
/* The shared part saved and loaded again (rtest `reload`): the simulator
 * keeps its state, so only what a load does beyond restoring happens: the
 * epoch moves on and admissions made before lapse. */
void rc_sim_reload(rc_sim *s);
/* P_admit_in: ms until P_admit could admit i's call (0: now), or
 * RECOV_ADMIT_IN_UNKNOWN while `limit concurrent` is full; no state change. */
uint32_t rc_sim_admit_in(const rc_sim *s, const rc_sim_incident *i, uint32_t now);

/* P_set_params: 0 and the values in force, or 1 + the index of the first
 * value outside its declared range and nothing changes. */
unsigned rc_sim_set_params(rc_sim *s, const int64_t *vals);

/* P_force: manual control of target's breaker instances (semantics.md
 * "P_force"): 0, or 1 and nothing changes for a target or mode out of range. */
unsigned rc_sim_force(rc_sim *s, unsigned target, unsigned mode, uint32_t now);
/* P_FORCE_TARGETS: 1, or 1 + the alternatives with a `per alternative` breaker. */
unsigned rc_sim_force_targets(const rc_ir *ir);

/* P_target_state for breaker k: its state (RC_SIM_*) and, when OPEN, the
 * ms until P_admit lets a probe through (0 when that time has come). */
int rc_sim_target_state(const rc_sim *s, int k, uint32_t now, uint32_t *ms_left);

/* The same on the built-in incident s->inc. */
recov_admit rc_sim_admit(rc_sim *s, uint32_t now);
recov_decision rc_sim_failed(rc_sim *s, const rc_sim_fault *f, uint32_t now);
recov_decision rc_sim_handler_done(rc_sim *s, bool ok, uint32_t now);
void rc_sim_succeeded(rc_sim *s, uint32_t now);
void rc_sim_cancelled(rc_sim *s, uint32_t now);

/* The error a fault classifies as (step 1 of P_failed), without any state
 * change.  Operands other than fault fields read the incident as it stands
 * (attempt and elapsed of the active incident, else 0; severity, class and
 * error read 0), though the checker does not let classify rules use them. */
int rc_sim_classify(const rc_sim *s, const rc_sim_fault *f, uint32_t now);

/* The canonical one-line forms compared between the simulator and the
 * generated C (no newline):
 *   d kind=K id=I ms=M level=L error=E sev=S class=C attempt=A limit=T
 *   a allow | a reject | a rate_limited | a full
 *   o                                   (P_succeeded)
 *   c                                   (P_cancelled)
 *   r                                   (P_shared_save, P_shared_load: reload)
 * Both rtest.c and the generated harness print exactly these. */
#define RC_SIM_DECISION_FMT "d kind=%u id=%u ms=%lu level=%u error=%u sev=%u class=%u attempt=%u limit=%lu"
void rc_sim_format_decision(const recov_decision *d, char *buf, size_t n);
const char *rc_sim_format_admit(recov_admit a);

/* A readable form naming the IR's ids, as used in failure messages:
 * "retry 3100 as rate_limit_exceeded (attempt 1)", "run free_caches 30000 as
 * memory_exhausted (attempt 2)", "escalate ticket medium 86400000 as ...". */
void rc_sim_describe(const rc_ir *ir, const recov_decision *d, char *buf, size_t n);

/* Lower-case name of a severity level ("low".."critical"), NULL out of range. */
const char *rc_sim_severity_name(int sev);

/* ---- event sequences (sim_run.c) -------------------------------------------
 * A scenario as data: what `recovc test` reads from .rtest files, and what
 * the analyses build to replay a timeline they print.  Event times are ms
 * after the sequence's start tick t0 (ticks wrap, as the host's do). */

typedef enum rc_sim_evkind {
    RC_SIM_EV_FAIL, RC_SIM_EV_HANDLER, RC_SIM_EV_OK, RC_SIM_EV_ADMIT, RC_SIM_EV_PARAMS,
    RC_SIM_EV_CANCEL, RC_SIM_EV_STATS, RC_SIM_EV_RELOAD, RC_SIM_EV_ADMIT_IN, RC_SIM_EV_FORCE
} rc_sim_evkind;

/* The most counters one STATS event names (its line fits rc_rtest_event.got). */
#define RC_SIM_MAX_STATS 8

/* What an event must yield.  kind is a recov_kind, or -1 for no
 * expectation; an ADMIT event compares `admit` (a recov_admit) instead
 * (kind 0). */
typedef struct rc_sim_expect {
    int kind;
    uint32_t lo, hi;            /* RETRY delay range; ADJUST/RUN ms; ESCALATE sla; ADMIT_IN ms */
    bool has_ms;                /* ADJUST, RUN, ESCALATE: ms given */
    bool has_limit;             /* RETRY: `limit L` given */
    uint32_t limit;             /* RETRY: the limit_ms it must carry */
    int id;                     /* alternative / mode / channel / handler / adjustment */
    int level;                  /* ESCALATE */
    int error;                  /* the decision's error, -1 for any */
    recov_admit admit;
    const char *text;           /* the expectation as written, for messages (NULL: none) */
} rc_sim_expect;

/* Does decision d meet the expectation (kind -1: always)? */
bool rc_sim_expect_met(const rc_sim_expect *x, const recov_decision *d);

typedef struct rc_sim_event {
    rc_sim_evkind kind;
    uint32_t t;                 /* ms after the start */
    bool ok;                    /* HANDLER: ok or failed */
    const rc_sim_value *values; /* FAIL: [ir->nfields] */
    rc_sim_expect expect;
    const int64_t *params;      /* PARAMS: [ir->nparams] values for P_set_params */
    int reject;                 /* PARAMS: the parameter it must refuse, -1: it must accept */
    const int *stat_idx;        /* STATS: [nstat] counters (ir.h rc_ir_stat_key) */
    const uint32_t *stat_want;  /* STATS: [nstat] the values they must have */
    int nstat;
    unsigned force_target;      /* FORCE: P_force's target and mode */
    unsigned force_mode;
} rc_sim_event;

/* Applies one event at tick t0 + e->t to the shared part s and incident i
 * (NULL: the built-in incident s->inc): FAIL -> P_failed, HANDLER ->
 * P_handler_done, OK -> P_succeeded, ADMIT -> P_admit, CANCEL ->
 * P_cancelled, PARAMS -> P_set_params, RELOAD -> a save and load of the
 * shared part, FORCE -> P_force.  *d receives the decision (FAIL,
 * HANDLER; PARAMS, FORCE: d->id is the call's result; STATS: nothing changes and
 * the counters are read from s->stat; else zeroed), *admit the
 * admission (ADMIT).  Returns whether the event meets its expectation (OK,
 * CANCEL: always). */
bool rc_sim_apply(rc_sim *s, rc_sim_incident *i, uint32_t t0, const rc_sim_event *e,
                  recov_decision *d, recov_admit *admit);

/* P_shared_init(t0, seed) and a fresh built-in incident, then the n events
 * in order on that incident: the number of events that do not meet their
 * expectation. */
int rc_sim_replay(rc_sim *s, uint32_t t0, uint32_t seed, const rc_sim_event *ev, int n);

#endif
