/* dfa_pack.h - the compact table form of a DFA (recov_dfa8c in
 * runtime/include/recov/recov.h), built from the full tables of dfa.h.
 *
 * Two renumberings make the runtime's loop short (spec/patterns.md):
 *   - classes: those on which the start state stays the start state come
 *     first, [0, k0); the scanner skips such bytes in a two-compare loop.
 *     The class of NUL is never below k0 when NUL lies in [lo, hi], so that
 *     loop needs no end-of-text test of its own;
 *   - states: the start state stays 0, then the states that accept nothing,
 *     then from `accfrom` on the states with an acc or acc_end row, so the
 *     acc tables hold only those and "accepts?" is a compare, not a load.
 * Rows are then stored as their differences from one default row, and the
 * differences of all rows are packed into one comb (row displacement, as in
 * yacc's and flex's tables): state s's exception on class k is at
 * base[s] + k, marked by chk[base[s] + k] == s, so a step is one probe.
 * The packed tables give the same scan result as the full ones for every
 * text (tests/unit/test_dfa.c). */
#ifndef RC_DFA_PACK_H
#define RC_DFA_PACK_H

#include <stdbool.h>
#include <stdint.h>

#include "dfa.h"

typedef struct rc_dfapack {
    int lo, hi;             /* bytes outside [lo, hi] have class cdef */
    int cdef;
    int nclasses, nstates;
    int k0;                 /* classes [0, k0) keep the start state */
    int accfrom;            /* states >= accfrom have rows in acc / acc_end */
    int nexc;               /* exceptions */
    int ncomb;              /* length of chk and nxt */
    bool same_end;          /* acc_end equals acc: one table serves both */
    uint8_t map[256];       /* [hi - lo + 1] byte - lo -> class */
    uint8_t def[256];       /* [nclasses] the default row */
    uint8_t base[255];      /* [nstates] where the row's exceptions start in the comb */
    uint8_t chk[510];       /* [ncomb] state owning the slot; 255 = none */
    uint8_t nxt[510];       /* [ncomb] next state of that exception */
    uint8_t acc[256];       /* [nstates - accfrom] mask row on entering the state */
    uint8_t acc_end[256];   /* [nstates - accfrom] mask row when the text ends there */
} rc_dfapack;

/* Bytes the packed form takes in tables (without masks and the struct). */
long rc_dfapack_bytes(const rc_dfapack *p);

/* Pack d.  Returns false (p unspecified) when an index does not fit 8 bits
 * or the packed form would not be smaller than the full 8-bit tables. */
bool rc_dfapack_build(const rc_dfa *d, rc_dfapack *p);

#endif
