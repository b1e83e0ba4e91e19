/* dfa_rt.h - an rc_dfa (compiler/patterns/dfa.h) as the runtime's three scanner
 * tables (recov_dfa16, recov_dfa8c, recov_dfa16c in recov/recov.h), built
 * in memory the way recovc emits them, so tests can run the runtime's
 * scanners against the reference scan.  Shared by tests/unit/test_dfa.c and
 * tests/fuzz/fuzz_dfa.c. */
#ifndef RC_TEST_DFA_RT_H
#define RC_TEST_DFA_RT_H

#include <stdbool.h>
#include <stdint.h>

#include "dfa.h"
#include "dfa_pack.h"
#include "recov/recov.h"

typedef struct rc_rt_tables {
    bool has16, has8c, has16c;  /* which forms apply (full: when it fits the arrays below) */
    recov_dfa16 d16;
    recov_dfa8c d8c;
    recov_dfa16c d16c;
    rc_dfapack pk8, pk16;       /* the packed forms d8c and d16c read */
    uint16_t t16[65536], a16[8192], e16[8192];
    uint16_t pats[RC_DFAPACK_MAXLIST];
    uint32_t row_at[RC_DFAPACK_MAXID + 1];
    uint8_t c8def[256], c8nxt[RC_DFAPACK_MAXCOMB], c8acc[256], c8end[256];
} rc_rt_tables;

/* Fill rt from d (rt is large: give it static storage). */
void rc_rt_convert(const rc_dfa *d, rc_rt_tables *rt);

#endif
