/* emit_int.h - what the files of the C back end share (not an API).
 *
 * rc_emit_c_why (emit_c.c) plans the state and the names, then writes P.h
 * (emit_header.c) and P.c: constant tables (emit_tables.c), the decisions
 * (emit_machine.c, with conditions from emit_cond.c) and checkpoints
 * (emit_ckpt.c).  Everything they share is in the `em` context: no file
 * keeps mutable static data.
 */
#ifndef RC_EMIT_INT_H
#define RC_EMIT_INT_H

#include "cout.h"
#include "emit_c.h"
#include "recov/recov.h"

/* Checkpoint header: magic, format, 3 reserved, name hash, policy hash,
 * payload length; then records; then the CRC (spec/checkpoint.md). */
#define EM_CK_HEADER 20u
#define EM_CK_FORMAT 2u

/* The name budget of state members (spec/generated-api.md): at most
 * EM_NAME_MAX characters.  A member is named after what it holds:
 * breaker_NAME_state, budget_NAME_calls, on_ERROR_pos (a block's step),
 * unresolved_LEVEL; NAME is cut to fit, and a cut or repeated name gets the
 * item's number appended. */
#define EM_NAME_MAX 40

/* One saved state item = one state member (array elements count singly). */
typedef struct em_rec {
    char key[320];      /* stable key string; the tag is its FNV-1a */
    char lval[EM_NAME_MAX + 16]; /* member as written after `s->` ([i][j] of a per-target window: up to 13 more) */
    char decl[EM_NAME_MAX + 16]; /* struct declarator, "" for array elements after the first */
    char note[120];     /* what it holds, for the comment in P.h */
    int size;           /* 1, 2, 4 bytes */
    int count;          /* array length for decl */
    uint32_t max;       /* largest valid value (validation in P_load) */
    int init;           /* 0: zero, 1: the seed, 2: now, 3: the value `min2` (a parameter's default) */
    uint32_t min;       /* smallest valid value (parameters; others 0) */
    uint32_t def;       /* init 3: the value */
} em_rec;

/* The two parts of the state (spec/semantics.md "State"). */
enum { EM_SHARED = 0, EM_INCIDENT = 1 };

typedef struct em {
    const rc_ir *ir;
    const char *P;
    FILE *h, *c;
    rc_cout oh, oc;     /* the header and the source, written through rc_cout */
    em_rec *recs;       /* shared records [0, nshared), then the incident's */
    int nrecs, caprecs;
    int nshared;
    bool any_adm;       /* admissions are tracked: P_shared.epoch, P_incident.adm */
    bool any_slow;      /* a breaker has `slow above`: P_incident.adm_at (not saved) */
    bool run_block;     /* more than one block: P_incident.run_block carries P__run's block */
    const char *err_t, *alt_t, *hnd_t; /* types of P_incident.error, last_alt, last_handler */
    const char **sub_t; /* [nblocks] type of P_incident.blkN_sub */
    int *woff;          /* [ntexts] first mask word of each text field (-1: low) */
    bool *fo;           /* [ntexts] its scan may stop at the lowest pattern (rc_ir_scan_form) */
    bool *low;          /* [ntexts] a first-match-only field that the prefilter alone scans:
                         * its scan returns the lowest pattern found, it has no mask words
                         * (spec/patterns.md, "Lowest pattern alone") */
    const char ***scan; /* [ntexts][groups of its plan] scanner suffix emit_dfa chose: "8c", "16c" or "16" */
    int words;          /* total mask words */
    char **brk;         /* [nbreakers] member prefix "breaker_NAME" */
    char **bud;         /* [nbudgets] member prefix "budget_NAME" */
    char **blk;         /* [nblocks] member prefix and function name "on_ERROR" */
    const char *unres_name[RC_SEV_COUNT]; /* "unresolved_low" ... */
    bool *blk_prev;     /* [nblocks] block keeps `prev` (decorrelated retry) */
    bool *blk_run;      /* [nblocks] block has a RUN step */
    signed char *foldv[2]; /* [nexprs] per context: -1 varies, 0 false, 1 true */
    bool any_run, any_esc, any_unres, any_fallback;
    bool any_runlist;   /* a `run H1, H2...` step: handlers learn their outcomes */
    bool any_pa;        /* a `per alternative` breaker: P_incident.tgt, instances indexed by `bt` */
    bool blk_now;       /* the blocks take `now` (admission waits, instances), not `el` */
    bool unres[RC_SEV_COUNT];
    rc_stat_layout sl;  /* `stats;`: the counters' layout (sl.n 0: no counters, no code) */
    const char *src;    /* the policy file's base name in comments and #line */
    char src_buf[80];   /* "<P>.recov" when the IR does not know the file */
    char self[600];     /* "<P>.c", the name #line gives the generated file */
    const char *cls_t;  /* type of the class table */
    uint32_t cls_max;
    char why[400];
} em;

/* ---- emit_c.c: small helpers -------------------------------------------- */

/* The smallest unsigned C type holding max. */
const char *rc_em_utype(uint64_t max);
/* s upper-cased (ASCII). */
void rc_em_put_upper(rc_cout *o, const char *s);
/* The header's constant for a name: P_PFX_NAME (pfx "ERR", "MODE"...). */
void rc_em_put_const(rc_cout *o, const char *P, const char *pfx, const char *name);
/* RECOV_SEV_LOW ... for a severity level. */
const char *rc_em_sev_const(int level);
/* s as a C string literal. */
void rc_em_put_cstr(rc_cout *o, const char *s);
/* The names of v[0..n) (free the array, not the names). */
const char **rc_em_name_list(const rc_ir_name *v, int n);
/* The C text of a number that a parameter may give: "s->prmN" when one is
 * bound to (slot, obj, sub), else the literal "<v>u". */
const char *rc_em_num(const em *e, rc_slot slot, int obj, int sub, uint64_t v, char *buf, size_t n);
/* Breaker i's open period after its `opens`-th opening, for a breaker with
 * `open for D then xF max M`: writes `[uint32_t ]p = ...;` and its cap. */
void rc_em_grown_period(em *e, int i, bool declare);
/* The P_params functions (P_params_default, P_set_params, P_get_params). */
void rc_em_params(em *e);
/* sizeof(P_shared) / sizeof(P_incident), and a part's checkpoint payload length. */
int rc_em_part_size(const em *e, int part);
int rc_em_ck_payload(const em *e, int part);
/* The records of a part: [*k0, *k1). */
void rc_em_part_recs(const em *e, int part, int *k0, int *k1);

/* "e1, e2, e3" (the names of the errors in set, shortened to "e1, e2 and
 * 5 more" past n bytes); "every error" when the set is full. */
void rc_em_error_list(const em *e, const bool *set, char *buf, size_t n);
/* What block b handles: "on e1, e2" or "on every error", and " when ..."
 * when a `when` condition narrows it. */
void rc_em_block_what(const em *e, int b, char *buf, size_t n);
/* What step st does: "retry agent_backoff", "fallback a, b", "abort". */
void rc_em_step_what(const em *e, const rc_ir_step *st, char *buf, size_t n);
/* A comment naming the policy line: / * agent_call.recov:61 what * / */
void rc_em_src_comment(em *e, rc_loc loc, const char *what);
/* The lines written next come from policy line loc.line (#line with
 * --line-directives); rc_em_origin_end: they are P.c's own again. */
void rc_em_origin(em *e, rc_loc loc);
void rc_em_origin_end(em *e);

/* ---- emit_header.c --------------------------------------------------------- */

void rc_em_header(em *e, const char *header_name);

/* ---- emit_tables.c --------------------------------------------------------- */

/* `static const type name[n] = { ... };`, 12 values a line. */
void rc_em_u32_array(rc_cout *o, const char *type, const char *name, const uint32_t *v, int n, bool hex);
/* The same, one value a row with a comment naming what it is for. */
void rc_em_rows(rc_cout *o, const char *type, const char *name, const uint32_t *v, int n, bool hex,
                const char *const *labels);
/* The scanner tables of text field t whose plan is DFAs (a prefilter field
 * is emit_pre.c's rc_em_pre); sets e->scan[t]. */
void rc_em_dfa(em *e, int t);
/* The tables of one DFA of field t named b (map: its pattern numbers ->
 * the field's, NULL: the same); returns the scanner suffix. */
const char *rc_em_one_dfa(em *e, int t, const rc_dfa *d, const char *b, const int *map);

/* ---- emit_pre.c ------------------------------------------------------------ */

/* A field whose plan is the literal prefilter (prefilter.h): its tables,
 * its residual DFAs and confirmation DFAs, and the scanner
 * `static void P__t<t>pre(const char *text, size_t limit, uint32_t *mask)`,
 * which sets the keyed patterns' bits (clears nothing); e->scan[t][g] holds
 * the residual groups' scanner suffixes, then the confirmations'. */
void rc_em_pre(em *e, int t);
/* The severity, class, scale, escalation, alternative and breaker tables. */
void rc_em_tables(em *e);
/* The P_*_name / P_error_* string functions. */
void rc_em_name_funcs(em *e);
/* The byte table of an error set that rc_em_put_errset reads, if it needs one. */
void rc_em_errset_table(em *e, const bool *set, const char *table);
/* Retry strategy r is used by some step. */
/* `attempts 0` written as a number: the strategy never retries. */
bool rc_em_retry_never(const rc_ir *ir, int r);
bool rc_em_blocks_need_now(const rc_ir *ir);   /* emit_machine.c: the blocks take `now` */
bool rc_em_retry_used(const rc_ir *ir, int r);

/* ---- emit_delay.c ------------------------------------------------------------ */

/* The tables retry strategy r's delay reads: its first delay by error
 * when the backoff and scales fold into one table, else its scales. */
void rc_em_delay_tables(em *e, int r, const char *const *err_labels, const char *const *sev_labels);
/* P__delayN of retry strategy r. */
void rc_em_delay(em *e, int r);

/* ---- emit_cond.c ------------------------------------------------------------ */

/* Contexts of a condition: classify rules see only the fault. */
enum { CTX_CLASSIFY, CTX_WHEN };

/* Fill e->foldv[ctx]: each expression's constant value, -1 if it varies. */
void rc_em_fold_all(em *e, int ctx);
/* Expression i's constant value (-1 when it depends on the input). */
int rc_em_fold(const em *e, int i, int ctx);
/* Expression root (not constant itself) as C, constant parts dropped. */
void rc_em_put_expr(const em *e, rc_cout *o, int root, int ctx);
/* Members of set[0..n). */
int rc_em_set_count(const bool *set, int n);
/* "error e is in set" as C, reading table when the set needs one. */
void rc_em_put_errset(const em *e, rc_cout *o, const bool *set, const char *table);

/* ---- emit_machine.c ---------------------------------------------------------- */

/* Helpers, classify, delays, budgets, breakers, escalation, blocks, block
 * selection and the entry points P_init ... P_succeeded. */
void rc_em_machine(em *e);

/* ---- emit_stats.c ------------------------------------------------------------ */

/* `stats;` (semantics.md "Statistics"); each writes nothing without it.
 * The header's enum P_breaker, P_counters and P_target; their prototypes;
 * the counting helper P__stat (before the machine); and P_stats,
 * P_target_state, P_breaker_name. */
void rc_em_stats_types(em *e);
void rc_em_stats_protos(em *e);
void rc_em_stats_helpers(em *e);
void rc_em_stats_funcs(em *e);
/* "P__stat(s, <error e's counter k>);" for e given as C text ("e",
 * "inc->error"); nothing without `stats;`.  Each decision is counted where
 * it is made (semantics.md "Statistics"), not at the entry points' exit,
 * where keeping the decision across a call would cost Cortex-M stack. */
void rc_em_stat_err(em *e, const char *err, int k);
/* A FALLBACK (alt) or RUN naming entry idx (C text) or, when idx is NULL,
 * the constant id: its tries counter; a RUN also sets inc->stat_handler. */
void rc_em_stat_use(em *e, bool alt, const char *idx, int id);

/* ---- emit_ckpt.c ------------------------------------------------------------- */

/* The checkpoint tables, P_save and P_load. */
void rc_em_checkpoint(em *e);

#endif
