/* ir.h - the checked state machine: flat tables with stable ids.
 *
 * check.c builds an rc_ir from the AST or reports errors; after that the IR is
 * all that the back ends (emit_c.c, sim.c) and the analyses read.  Every
 * index in here is valid (the checker guarantees it), every number is in
 * range for its C type, and every array is in the order that becomes the
 * generated enum order (declaration order), so ids are stable as long as a
 * policy only appends.
 *
 * Units: all durations in milliseconds (uint32), all factors in thousandths
 * (x1.5 -> 1500), percentages as 0..100.
 */
#ifndef RC_IR_H
#define RC_IR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "diag.h"
#include "dfa.h"
#include "dfa_plan.h"

typedef enum rc_type {
    RC_TY_U8, RC_TY_U16, RC_TY_U32, RC_TY_I8, RC_TY_I16, RC_TY_I32, RC_TY_BOOL, RC_TY_TEXT
} rc_type;

/* Spelling of a field type ("u8" ... "text") and the values it holds
 * (text: 0..0).  One table for the checker, the scenario reader and the
 * analyses. */
const char *rc_type_name(rc_type t);
void rc_type_range(rc_type t, int64_t *lo, int64_t *hi);
/* "low", "medium", "high", "critical" by severity level. */
extern const char *const rc_sev_names[4];

typedef enum rc_severity { RC_SEV_LOW, RC_SEV_MEDIUM, RC_SEV_HIGH, RC_SEV_CRITICAL, RC_SEV_COUNT } rc_severity;

typedef struct rc_ir_field {
    const char *name;
    rc_type type;
    int text_index;             /* index into ir->texts when the field is matched with `~`, else -1 */
    rc_loc loc;
    uint32_t text_cap;          /* text member of an imported struct declared char[N]: N; else 0 */
} rc_ir_field;

typedef struct rc_ir_class {
    const char *name;
    bool retryable;
    rc_loc loc;
} rc_ir_class;

typedef struct rc_ir_error {
    const char *name;
    int cls;                    /* index into classes */
    rc_severity severity;
    const char *message;        /* NULL when absent */
    const char *hint;           /* NULL when absent */
    const char **steps;         /* actionable steps, nsteps strings */
    int nsteps;
    rc_loc loc;
} rc_ir_error;

/* ---- conditions ------------------------------------------------------- */

/* What an integer comparison reads. */
typedef enum rc_opd {
    RC_OPD_FIELD,     /* fault field `field` (integer or bool; bool reads 0/1) */
    RC_OPD_ATTEMPT,   /* failures so far in this incident, 1 on the first */
    RC_OPD_ELAPSED,   /* ms since the incident began */
    RC_OPD_SEVERITY,  /* the classified error's severity, 0..3 */
    RC_OPD_CLASS,     /* the classified error's class index */
    RC_OPD_ERROR,     /* the classified error's index */
} rc_opd;

typedef enum rc_ir_xkind {
    RC_X_TRUE,        /* always true */
    RC_X_CMP,         /* opd <op> value  (signed 64-bit comparison) */
    RC_X_IN,          /* lo <= opd && opd <= hi */
    RC_X_MATCH,       /* pattern bit `pattern` of text field `field` matched */
    RC_X_AND, RC_X_OR, RC_X_NOT,
} rc_ir_xkind;

typedef enum rc_ir_cmp { RC_IR_EQ, RC_IR_NE, RC_IR_LT, RC_IR_LE, RC_IR_GT, RC_IR_GE } rc_ir_cmp;

/* Expression nodes live in ir->exprs; children are indices into it and
 * always smaller than the parent's own index (so a bottom-up pass over the
 * array evaluates any expression without recursion). */
typedef struct rc_ir_expr {
    rc_ir_xkind kind;
    rc_opd opd;
    int field;                  /* RC_OPD_FIELD, RC_X_MATCH: index into fields */
    rc_ir_cmp op;
    int64_t value, lo, hi;
    int pattern;                /* RC_X_MATCH: pattern index within the field's DFA (its bit) */
    int a, b;                   /* children (AND, OR: a, b; NOT: a) */
    rc_loc loc;
} rc_ir_expr;

/* A classify rule: first match wins; the last rule is always a catch-all
 * (cond is an RC_X_TRUE node) when the checker accepted the policy: either
 * `_`, or, in a classify proven exhaustive without `_`, the last rule, whose
 * condition the checker replaced by RC_X_TRUE (implicit_catchall). */
typedef struct rc_ir_rule {
    int cond;                   /* index into exprs */
    int error;
    rc_loc loc;
    bool implicit_catchall;     /* a written condition made a catch-all (not hashed: cond says it all) */
} rc_ir_rule;

/* One pattern of a text field: the alternatives of one `~` (one DFA bit). */
typedef struct rc_ir_pattern {
    int field;
    bool icase;
    const rc_dfa_alt *alts;
    int nalts;
    rc_loc loc;
} rc_ir_pattern;

/* The DFAs of one text field, built from all its patterns (bit i = pattern
 * i of that field, in order of first appearance).  See dfa.h and
 * dfa_plan.h: plan has one group (whose DFA is also `dfa`) unless one DFA
 * over all patterns would exceed the state budget; then `dfa` has no states
 * (nstates 0; npatterns and words are the field's) and each group of the
 * plan is scanned in turn.  The plan follows from the patterns and the
 * budget alone, so the hash does not cover it. */
typedef struct rc_ir_textfield {
    int field;                  /* index into fields */
    rc_ir_pattern *patterns;
    int npatterns;
    rc_dfa dfa;
    rc_dfa_plan plan;
} rc_ir_textfield;

/* ---- strategies ------------------------------------------------------- */

typedef enum rc_backoff { RC_BACKOFF_CONSTANT, RC_BACKOFF_LINEAR, RC_BACKOFF_EXPONENTIAL } rc_backoff;
typedef enum rc_jitter {
    RC_JITTER_NONE, RC_JITTER_PERCENT, RC_JITTER_FULL, RC_JITTER_EQUAL, RC_JITTER_DECORRELATED
} rc_jitter;

typedef struct rc_ir_retry {
    const char *name;
    uint16_t attempts;          /* >= 1 */
    rc_backoff backoff;
    uint32_t base_ms;
    uint32_t factor_milli;      /* exponential: >= 1000; others: 1000 */
    uint32_t max_ms;            /* cap; UINT32_MAX when none */
    rc_jitter jitter;
    uint8_t jitter_pct;         /* RC_JITTER_PERCENT: 1..100 */
    uint32_t *error_scale;      /* [nerrors] thousandths, 1000 = no scale */
    uint32_t sev_scale[RC_SEV_COUNT]; /* thousandths, 1000 = no scale */
    int honor_field;            /* -1 or an integer field: delay = max(delay, field) */
    uint32_t timeout_ms;        /* `timeout D`: how long each retried attempt may run (limit_ms); 0 = none */
    int timeout_flag;           /* `timeout D flag F`: 1 + the bool field the host sets on an overrun; 0 none */
    rc_loc loc;
} rc_ir_retry;

/* CONSECUTIVE and NET keep a failure count (`fails`): a success sets it to 0
 * (CONSECUTIVE) or takes 1 off, never below 0 (NET). RATE keeps a window of
 * the last N calls, TIME one of `buckets` buckets of window_ms / buckets ms
 * (spec/semantics.md, *Record*). */
typedef enum rc_breaker_mode { RC_BREAKER_CONSECUTIVE, RC_BREAKER_RATE, RC_BREAKER_NET, RC_BREAKER_TIME } rc_breaker_mode;

/* The longest count window (`open at P% of last N calls`) and the longest
 * kept in one 32-bit word; above it the window is a ring of N bits. */
#define RC_IR_WINDOW_MAX 1000
#define RC_IR_WINDOW_WORD 32

/* The modes that keep the `fails` count. */
static inline bool rc_ir_breaker_counts_fails(rc_breaker_mode m)
{
    return m == RC_BREAKER_CONSECUTIVE || m == RC_BREAKER_NET;
}

typedef struct rc_ir_breaker {
    const char *name;
    rc_breaker_mode mode;
    uint16_t threshold;         /* CONSECUTIVE, NET: the count of failures that opens it */
    uint8_t rate_pct;           /* RATE: open when failures*1000 >= (rate_pct*10 + rate_tenth)*window_count */
    uint8_t rate_tenth;         /* RATE: the rate's decimal (12.5%: 12 and 5); 0 with a parameter */
    uint16_t window;            /* RATE: last N outcomes, 1..RC_IR_WINDOW_MAX: one u32 word up to
                                   32, a ring of N bits above (rc_ir_window_ring) */
    uint16_t min_calls;         /* RATE, TIME: no decision before this many outcomes in the window */
    uint32_t window_ms;         /* TIME: the window's length, buckets * its resolution */
    uint8_t buckets;            /* TIME: 1..64 */
    uint32_t slow_ms;           /* TIME: `slow above T`, 0 none: a call longer than this is slow */
    uint8_t slow_pct;           /* TIME: `open at P% slow`, 0 none */
    uint8_t slow_tenth;         /* its decimal */
    uint32_t open_ms;           /* open for */
    uint16_t probes;            /* calls admitted while half-open */
    uint16_t close_after;       /* successes while half-open that close it (close_below_pct 0) */
    uint8_t close_below_pct;    /* 0: close after close_after successes; else the probes are a window:
                                   once all have reported, close when failures*1000 < (pct*10 + tenth)*probes */
    uint8_t close_below_tenth;  /* its decimal */
    uint32_t half_open_ms;      /* probes unreported this long: another is admitted; 0 = open_ms */
    uint32_t open_factor_milli; /* 0: one open period; else each reopen before closing multiplies it */
    uint32_t open_max_ms;       /* cap of the grown open period (open_factor_milli != 0) */
    bool *counts;               /* [nerrors]: errors that count as failures */
    bool per_alt;               /* `per alternative`: one instance per target, 1 + nalts */
    bool retry_wait;            /* `retries wait;`: a RETRY toward its OPEN instance waits until it admits */
    rc_loc wait_loc;            /* that statement (diagnostics) */
    rc_loc loc;
} rc_ir_breaker;

/* A rate breaker whose window is a ring of bits (N > 32) rather than one word. */
static inline bool rc_ir_window_ring(const rc_ir_breaker *b)
{
    return b->mode == RC_BREAKER_RATE && b->window > RC_IR_WINDOW_WORD;
}

/* The ring's 32-bit words: ceil(N / 32). */
static inline int rc_ir_window_words(const rc_ir_breaker *b)
{
    return (b->window + 31) / 32;
}

typedef struct rc_ir_budget {
    const char *name;
    uint8_t ratio_pct;          /* retries allowed per 100 calls */
    uint16_t min_retries;       /* always allowed per window */
    uint32_t window_ms;
    rc_loc loc;
} rc_ir_budget;

/* escalation table, indexed by severity level */
typedef struct rc_ir_escalation {
    int channel[RC_SEV_COUNT];          /* index into channels, -1 when the level has no entry */
    uint32_t sla_ms[RC_SEV_COUNT];      /* 0 when no `within` */
    uint16_t unresolved_after[RC_SEV_COUNT]; /* 0 when no rule for the level */
    rc_severity unresolved_to[RC_SEV_COUNT];
} rc_ir_escalation;

/* ---- on blocks -------------------------------------------------------- */

typedef enum rc_ir_stepkind {
    RC_IR_RETRY, RC_IR_FALLBACK, RC_IR_ADJUST, RC_IR_RUN,
    RC_IR_DEGRADE, RC_IR_ESCALATE, RC_IR_ABORT,
} rc_ir_stepkind;

/* A RUN step's continuation (language.md, *Continuation*). */
typedef enum rc_ir_next {
    RC_NEXT_RETRY,              /* no `then`: ok -> RETRY(0), failed -> go on */
    RC_NEXT_ALWAYS,             /* `then next`: go on whatever the outcome */
    RC_NEXT_IF_OK,              /* `then next if ok`: ok -> go on, failed -> the terminal step */
} rc_ir_next;

typedef struct rc_ir_step {
    rc_ir_stepkind kind;
    int retry;                  /* RETRY: index into retries */
    int *alts;                  /* FALLBACK: indices into alternatives; RUN with a list: indices
                                   into handlers (nalts 0 for a single `run H`); <= 16, no duplicates */
    int nalts;
    bool adaptive;              /* FALLBACK, RUN list */
    int id;                     /* ADJUST: adjustment, RUN: handler (the first of a list), DEGRADE: mode */
    uint32_t ms;                /* ADJUST: delay (0 default), RUN: timeout (0 = none) */
    int level;                  /* ESCALATE: -1 = the error's severity, else rc_severity */
    rc_ir_next next;            /* RUN: what P_handler_done does after it (`then next [if ok]`) */
    int when;                   /* single RUN: 1 + index into exprs of its handler condition, 0 none
                                   (1-based so that a zeroed step has none) */
    int *whens;                 /* RUN list: [nalts] handler conditions as `when`, NULL when none has one */
    rc_loc loc;
} rc_ir_step;

typedef struct rc_ir_block {
    bool *errors;               /* [nerrors]: errors this block handles */
    int when;                   /* index into exprs, -1 when none */
    uint32_t deadline_ms;       /* resolved by the checker: own deadline if given and not 0, else
                                   the policy's; 0 = none.  A block's deadline is read from here only */
    rc_ir_step *steps;
    int nsteps;                 /* >= 1 */
    int terminal;               /* index of the last DEGRADE/ESCALATE/ABORT step, -1 if none */
    rc_loc loc;
} rc_ir_block;

/* ---- parameters --------------------------------------------------------- */

/* `param NAME : TYPE in LO..HI = DEFAULT;`  Values in the IR's units (ms,
 * percent, thousandths). */
typedef enum rc_ptype { RC_PT_U8, RC_PT_U16, RC_PT_U32, RC_PT_DURATION, RC_PT_PERCENT, RC_PT_FACTOR } rc_ptype;

typedef struct rc_ir_param {
    const char *name;
    rc_ptype type;
    int64_t lo, hi, def;
    rc_loc loc;
} rc_ir_param;

/* The numbers of the IR that a parameter gives.  The IR's own member holds
 * the parameter's DEFAULT, so a reader that ignores bindings sees the policy
 * with default values; rc_ir_instantiate writes other values in. */
typedef enum rc_slot {
    RC_SLOT_ATTEMPTS,       /* retries[obj].attempts */
    RC_SLOT_BASE,           /* retries[obj].base_ms */
    RC_SLOT_FACTOR,         /* retries[obj].factor_milli */
    RC_SLOT_MAX,            /* retries[obj].max_ms */
    RC_SLOT_THRESHOLD,      /* breakers[obj].threshold */
    RC_SLOT_RATE,           /* breakers[obj].rate_pct */
    RC_SLOT_MIN_CALLS,      /* breakers[obj].min_calls */
    RC_SLOT_OPEN_MS,        /* breakers[obj].open_ms */
    RC_SLOT_PROBES,         /* breakers[obj].probes */
    RC_SLOT_CLOSE_AFTER,    /* breakers[obj].close_after */
    RC_SLOT_RATIO,          /* budgets[obj].ratio_pct */
    RC_SLOT_MIN_RETRIES,    /* budgets[obj].min_retries */
    RC_SLOT_WINDOW,         /* budgets[obj].window_ms */
    RC_SLOT_DEADLINE,       /* deadline_ms (obj -1) or blocks[obj].deadline_ms */
    RC_SLOT_STEP_MS,        /* blocks[obj].steps[sub].ms */
    RC_SLOT_EXPR,           /* exprs[obj].value (a `when` comparison) */
    RC_SLOT_LIMIT,          /* retries[obj].timeout_ms (`timeout D` of a strategy) */
} rc_slot;

typedef struct rc_ir_pbind {
    rc_slot slot;
    int obj, sub;
    int param;              /* index into params */
} rc_ir_pbind;

/* A named constant: the policy's `const` declarations in order, then the
 * integer constants of imported C headers (spec/headers.md).  Names only
 * matter before code generation (conditions already hold the values), so the
 * table is not hashed; scenario files read it for fault values. */
typedef struct rc_ir_const {
    const char *name;
    int64_t value;              /* resolved; a duration in ms */
    bool duration;              /* declared as a duration literal (250ms, 5s...) */
    bool imported;              /* from an imported C header */
    rc_loc loc;
} rc_ir_const;

/* A host-visible name: alternatives, modes, channels, handlers, adjustments. */
typedef struct rc_ir_name {
    const char *name;
    rc_loc loc;                 /* first use */
} rc_ir_name;

typedef struct rc_ir {
    const char *name;           /* policy name = C prefix */
    const char *source;         /* base name of the policy file ("agent_call.recov"), for the
                                   generated code's comments and #line; NULL if unknown; not hashed */
    uint32_t version;
    uint32_t hash;              /* rc_ir_hash() */

    rc_ir_field *fields;     int nfields;
    rc_ir_const *consts;     int nconsts;    /* policy constants, then imported ones */
    rc_ir_class *classes;    int nclasses;
    rc_ir_error *errors;     int nerrors;
    rc_ir_expr *exprs;       int nexprs;
    rc_ir_rule *rules;       int nrules;
    rc_ir_textfield *texts;  int ntexts;     /* one per text field used with `~` */
    rc_ir_retry *retries;    int nretries;
    rc_ir_breaker *breakers; int nbreakers;
    rc_ir_budget *budgets;   int nbudgets;
    bool has_escalation;
    rc_ir_escalation escalation;
    uint32_t deadline_ms;    /* policy-wide, 0 = none */
    /* `adaptive ageing`: halve every learned count after this many incidents
     * (0 = no incident ageing) / every this many ms (0 = no time ageing) */
    uint16_t age_incidents;
    uint32_t age_ms;
    /* admission limits: `limit rate N per D burst M;` (rate_n 0: none) and
     * `limit concurrent N;` (0: none) */
    uint16_t rate_n, rate_burst;
    uint32_t rate_ms;
    uint32_t rate_fill_ms;      /* min(ceil(burst * rate_ms / rate_n), 2^31 - 1): an empty bucket is full again */
    uint16_t concurrent;
    rc_loc rate_loc, conc_loc;
    rc_ir_block *blocks;     int nblocks;
    bool stats;              /* `stats;` or --stats: the counters of semantics.md "Statistics" */

    rc_ir_name *alts;        int nalts;      /* P_ALT_*     fallback alternatives */
    rc_ir_name *modes;       int nmodes;     /* P_MODE_*    degrade modes */
    rc_ir_name *channels;    int nchannels;  /* P_CHAN_*    escalation channels */
    rc_ir_name *handlers;    int nhandlers;  /* P_HANDLER_* run handlers */
    rc_ir_name *adjusts;     int nadjusts;   /* P_ADJ_*     adjustments */

    rc_ir_param *params;     int nparams;    /* P_PARAM_*   declaration order */
    rc_ir_pbind *pbinds;     int npbinds;

    /* C headers (spec/headers.md): with `fault = struct NAME;` P_fault is
     * that struct, and the generated header includes the imports. */
    const char *fault_struct;               /* NAME, or NULL for a `fault { }` block */
    const char *const *imports;  int nimports;  /* import paths as written */
} rc_ir;

/* ---- statistics (`stats;`, semantics.md "Statistics") -------------------- */

/* The counters are one array: per error (declaration order) its 7 kinds
 * below, then per breaker opens, half_opens, rejections, then per
 * alternative and per handler tries, successes, then per limit (rate,
 * concurrent) refusals.  The checkpoint records
 * follow this order; the generated P_counters is by kind (failures[e]), so
 * P_stats copies with a stride (which a compiler cannot turn into memcpy). */
enum {
    RC_STAT_FAILURES, RC_STAT_RETRIES, RC_STAT_FALLBACKS, RC_STAT_DEGRADES,
    RC_STAT_ESCALATIONS, RC_STAT_ABORTS, RC_STAT_RECOVERED, RC_STAT_ERR_KINDS
};
enum { RC_STAT_OPENS, RC_STAT_HALF_OPENS, RC_STAT_REJECTIONS, RC_STAT_BRK_KINDS };
enum { RC_STAT_TRIES, RC_STAT_SUCCESSES, RC_STAT_USE_KINDS };

enum { RC_STAT_REFUSALS, RC_STAT_LIM_KINDS };

typedef struct rc_stat_layout {
    int err, brk, alt, hnd, lim; /* first index of each group */
    int n;                      /* counters in all; 0 without `stats;` */
} rc_stat_layout;

void rc_ir_stat_layout(const rc_ir *ir, rc_stat_layout *l);
static inline int rc_stat_err(const rc_stat_layout *l, int e, int k) { return l->err + e * RC_STAT_ERR_KINDS + k; }
static inline int rc_stat_brk(const rc_stat_layout *l, int b, int k) { return l->brk + b * RC_STAT_BRK_KINDS + k; }
static inline int rc_stat_alt(const rc_stat_layout *l, int a, int k) { return l->alt + a * RC_STAT_USE_KINDS + k; }
static inline int rc_stat_hnd(const rc_stat_layout *l, int h, int k) { return l->hnd + h * RC_STAT_USE_KINDS + k; }
static inline int rc_stat_lim(const rc_stat_layout *l, int m, int k) { return l->lim + m * RC_STAT_LIM_KINDS + k; }
/* The admission limits as P_LIM_* ids: `limit rate` first, then `limit
 * concurrent`, each only when declared (-1 when not). */
static inline int rc_ir_nlimits(const rc_ir *ir) { return (ir->rate_n ? 1 : 0) + (ir->concurrent ? 1 : 0); }
static inline int rc_ir_lim_rate(const rc_ir *ir) { return ir->rate_n ? 0 : -1; }
static inline int rc_ir_lim_conc(const rc_ir *ir) { return ir->concurrent ? (ir->rate_n ? 1 : 0) : -1; }
/* "rate" or "concurrent": limit id m's kind */
const char *rc_ir_limit_name(const rc_ir *ir, int m);
/* Counter i's key without the checkpoint's "stats." ("error.timeout.retries");
 * false when i is out of range. */
bool rc_ir_stat_key(const rc_ir *ir, int i, char *buf, size_t n);
/* The index of a key, -1 when there is none. */
int rc_ir_stat_find(const rc_ir *ir, const char *key);
/* The names of the counter kinds: "failures" ... "recovered", "opens" ...,
 * "tries", "successes". */
extern const char *const rc_stat_err_names[RC_STAT_ERR_KINDS];
extern const char *const rc_stat_brk_names[RC_STAT_BRK_KINDS];
extern const char *const rc_stat_use_names[RC_STAT_USE_KINDS];
/* Some breaker is `per alternative` (the incident keeps its target). */
static inline bool rc_ir_any_per_alt(const rc_ir *ir)
{
    for (int i = 0; i < ir->nbreakers; i++)
        if (ir->breakers[i].per_alt) return true;
    return false;
}
/* The generated C has P_admit_in (generated-api.md): the policy has a limit
 * or a per-alternative breaker. */
static inline bool rc_ir_has_admit_in(const rc_ir *ir)
{
    return ir->rate_n || ir->concurrent || rc_ir_any_per_alt(ir);
}

/* Spelling of a parameter type ("u8" ... "factor"). */
const char *rc_ptype_name(rc_ptype t);
/* The parameter bound to a slot, or -1. */
int rc_ir_param_at(const rc_ir *ir, rc_slot slot, int obj, int sub);
/* A copy of ir whose bound numbers hold vals[nparams] (NULL: the defaults);
 * tables that no binding touches are shared with ir.  rc_ir_apply rewrites
 * an instantiated copy in place with other values. */
rc_ir *rc_ir_instantiate(rc_arena *a, const rc_ir *ir, const int64_t *vals);
void rc_ir_apply(rc_ir *inst, const int64_t *vals);
/* A value as the policy writes it ("3", "30s", "50%", "1.5"). */
void rc_ir_param_format(const rc_ir_param *p, int64_t v, char *buf, size_t n);

/* How the scan of text field t may stop (spec/patterns.md, "First match
 * only", "Lowest pattern alone"):
 *   RC_SCAN_EVERY   it finds every pattern;
 *   RC_SCAN_FIRST   its mask is first-match only: every node testing one of
 *                   its patterns is the whole condition of one classify rule
 *                   and referenced nowhere else, and its patterns first
 *                   appear in rule order, 0, 1, 2 ...;
 *   RC_SCAN_LOWEST  first-match only and the literal prefilter scans every
 *                   one of its patterns (no residual DFA): the scan returns
 *                   the lowest matching pattern alone, no mask.
 * When EVERY, *why and *reason (each if not NULL) say where and what: the
 * first such test, or the rule out of order. */
typedef enum rc_ir_scan { RC_SCAN_EVERY, RC_SCAN_FIRST, RC_SCAN_LOWEST } rc_ir_scan;
rc_ir_scan rc_ir_scan_form(const rc_ir *ir, int t, rc_loc *why, const char **reason);

/* Condition `root` as text (`attempt >= 2 && error == disk`), at most n
 * bytes with the NUL, cut with "..." when longer; for diff and explain. */
void rc_ir_expr_text(const rc_ir *ir, int root, char *buf, size_t n);

/* FNV-1a over a canonical serialisation of the IR's meaning (names, numbers,
 * tables; never locations or comments).  Stable across runs and machines. */
uint32_t rc_ir_hash(const rc_ir *ir);

/* Text dump of the IR for golden tests and `recovc explain --ir`. */
void rc_ir_dump(const rc_ir *ir, FILE *out);

#endif
