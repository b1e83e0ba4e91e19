/* rgen.h - random valid policies and random scenarios for differential tests.
 *
 * rg_policy writes the text of a random policy using every construct of
 * spec/language.md (fault field types, consts, classes, errors with texts,
 * classify conditions of every form, retry strategies with every backoff,
 * jitter, scale and honor, breakers of both modes, budgets, escalation with
 * unresolved rules, global and per-block deadlines, on blocks with every
 * selector kind, `when` on every operand, and every step kind).
 * rg_scenario draws events whose field values come mostly from the values the
 * policy's conditions test, so that rules and patterns are actually hit.
 * Everything is a deterministic function of the 64-bit state passed in.
 */
#ifndef RG_H
#define RG_H

#include <stddef.h>
#include <stdint.h>

typedef struct rg_buf { char *p; size_t n, cap; } rg_buf;
void rg_printf(rg_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void rg_free(rg_buf *b);

uint64_t rg_next(uint64_t *s);
uint32_t rg_below(uint64_t *s, uint32_t n);   /* uniform in [0, n) ; n >= 1 */

enum { RG_MAXF = 6, RG_MAXPOOL = 24, RG_MAXP = 8 };

/* What the scenario generator needs to know about a policy. */
typedef struct rg_field {
    char name[8];
    int type;                       /* 0 u8 1 u16 2 u32 3 i8 4 i16 5 i32 6 bool 7 text */
    int64_t pool[RG_MAXPOOL];       /* integers the conditions test */
    int npool;
    const char *tpool[RG_MAXPOOL];  /* texts that match the patterns */
    int ntpool;
} rg_field;

typedef struct rg_info {
    rg_field f[RG_MAXF];
    int nf;
    uint32_t tscale;                /* typical duration of the policy in ms */
    int np;                         /* `param`s, declaration order */
    char pname[RG_MAXP][8];
    int pdur[RG_MAXP];              /* 1: a duration, 0: u16 */
    int64_t plo[RG_MAXP], phi[RG_MAXP];
    int nbr;                        /* breakers (P_force exists only with one) */
    int admit_in;                   /* P_admit_in exists: a limit or a `per alternative` breaker */
} rg_info;

void rg_policy(uint64_t *s, const char *name, rg_buf *out, rg_info *info);

/* RG_EV_FORCE: P_force on the dependency (target 0), mode in `ok` (RECOV_NORMAL..RECOV_DISABLED). */
enum { RG_EV_FAIL = 0, RG_EV_HANDLER = 1, RG_EV_OK = 2, RG_EV_ADMIT = 3, RG_EV_CANCEL = 4, RG_EV_PARAMS = 5,
       RG_EV_ADMIT_IN = 6, RG_EV_FORCE = 7 };

/* Incidents per scenario, interleaved on one shared part (0 is the default one). */
#define RG_NINC 3

typedef struct rg_event {
    int kind, ok;
    int inc;                        /* incident 0..RG_NINC-1 */
    uint32_t t;                     /* since the scenario's start */
    int64_t i[RG_MAXF];
    char *text[RG_MAXF];            /* malloc'd, NUL-terminated (may hold no other NUL) */
    size_t len[RG_MAXF];
    int64_t p[RG_MAXP];             /* PARAMS: every parameter's value (some outside their range) */
} rg_event;

typedef struct rg_scenario {
    uint32_t t0, seed;
    rg_event *ev;
    int nev;
} rg_scenario;

/* Events are drawn one by one; `prev_run` tells the generator whether the last
 * decision was RUN (so that `handler` events mostly follow RUN decisions). */
void rg_scenario_begin(uint64_t *s, const rg_info *info, rg_scenario *sc, int nev);
void rg_event_draw(uint64_t *s, const rg_info *info, rg_event *prev, rg_event *ev, int prev_run);
void rg_scenario_free(rg_scenario *sc);

#endif
