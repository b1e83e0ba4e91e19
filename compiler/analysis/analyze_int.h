/* analyze_int.h - private to the analysis files (analyze*.c). */
#ifndef RC_ANALYZE_INT_H
#define RC_ANALYZE_INT_H

#include "diag.h"
#include "ir.h"
#include "space.h"

typedef struct rc_an {
    const rc_ir *ir;
    rc_diag *d;
    rc_space sp;
    bool exact;                 /* false once a set became unknown */
    rc_cset classified;         /* (fault, error) pairs classify produces, any attempt/elapsed */
    rc_cset *taken;             /* [nblocks] situations in which block b is selected */
} rc_an;

/* analyze_cls.c */
void rc_an_classify(rc_an *an);
void rc_an_blocks(rc_an *an);
/* analyze_time.c */
void rc_an_time(rc_an *an);
void rc_an_escalation(rc_an *an);
void rc_an_breaker_retry(rc_an *an);
void rc_an_open_wait(rc_an *an);
void rc_an_budget_retry(rc_an *an);
/* analyze_limit.c */
void rc_an_limit_retry(rc_an *an);
/* Does block b take error e: b names e and, when the analysis is exact,
 * some fault classified as e reaches b (its taken set fixed to e is not
 * empty)?  Inexact: b names e. */
bool rc_an_block_takes(rc_an *an, int b, int e);

/* analyze_witness.c: a witness fault classified as error e (rtest `fail` fields); false when the
 * analysis does not know one. */
bool rc_an_fault_for(rc_an *an, const rc_cset *s, char *buf, size_t n);

#endif
