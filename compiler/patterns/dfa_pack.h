/* dfa_pack.h - the compact table forms of a DFA (recov_dfa8c and
 * recov_dfa16c in runtime/include/recov/recov.h), built from the full tables
 * of dfa.h.
 *
 * Two renumberings make the runtime's loop short (spec/patterns.md):
 *   - classes: those on which the start state stays the start state come
 *     first, [0, k0); the 8-bit scanner skips such bytes in a loop of
 *     compares (the 16-bit one has no such loop and ignores k0).  NUL is
 *     never in one of them when it has a class of its own in the map (its
 *     class is split off when it would be), so that loop needs no
 *     end-of-text test of its own;
 *   - states: a state's number is where its row starts in the comb (its
 *     "id"), so a step needs no base table.  The start state is 0, the
 *     states that accept nothing come next, and from `accfrom` on the
 *     states with an acc or acc_end row, so "accepts?" is a compare and the
 *     acc tables hold only those ids.
 * Rows are stored as their differences from one default row, packed into
 * one comb (row displacement, as in yacc's and flex's tables): state s's
 * exception on class k is at s + k, marked by chk[s + k] == k.  Ids are
 * distinct, so the slot s + k that holds class k belongs to s and to no
 * other state: a step is one probe.  The packed tables give the same scan
 * result as the full ones for every text (tests/unit/test_dfa.c). */
#ifndef RC_DFA_PACK_H
#define RC_DFA_PACK_H

#include <stdbool.h>
#include <stdint.h>

#include "dfa.h"

#define RC_DFAPACK_MAXID   65535
#define RC_DFAPACK_MAXCOMB (RC_DFAPACK_MAXID + 1 + 256)

/* The pattern lists the runtime reads (recov.h: an acc value v is 0 or
 * 1 + where a list starts in pats; a list holds pattern numbers, increasing,
 * the last one with RC_DFAPACK_LAST set).  RC_DFAPACK_MAXLIST: the most
 * entries a 16-bit acc value can reach (the 8-bit form: 255). */
#define RC_DFAPACK_LAST    0x8000u
#define RC_DFAPACK_MAXLIST 65535

/* The lists of d's mask rows: row_at[r] (when row_at is not NULL) = the acc
 * value of row r (0 for row 0, which is empty).  pats is written only when
 * it is not NULL and the lists fit in cap entries.  Returns the length of
 * the lists, or -1 when a pattern number needs more than 15 bits. */
int rc_dfapack_lists(const rc_dfa *d, uint16_t *pats, int cap, uint32_t *row_at);

typedef struct rc_dfapack {
    bool wide;              /* 16-bit ids and a 256-byte map (recov_dfa16c); else recov_dfa8c */
    int lo, hi;             /* 8-bit form: bytes outside [lo, hi] have class cdef (wide: 0, 255) */
    int cdef;
    int nclasses;           /* after NUL's class is split off (at most 255) */
    int nstates;            /* states of the DFA */
    int nids;               /* largest id + 1 */
    int k0;                 /* classes [0, k0) keep the start state (read by the 8-bit form only) */
    int accfrom;            /* ids >= accfrom have rows in acc / acc_end (16-bit form: the start state) */
    int stopfrom;           /* 16-bit form: ids >= stopfrom are the stop states NUL leads to */
    int nexc;               /* exceptions (slots in use) */
    int ncomb;              /* length of chk and nxt: nids - 1 + nclasses */
    bool same_end;          /* acc_end equals acc: one table serves both */
    uint8_t map[256];       /* [hi - lo + 1] byte - lo -> class */
    uint16_t def[256];      /* [nclasses] the default row (ids) */
    uint8_t chk[RC_DFAPACK_MAXCOMB];   /* [ncomb] class of the exception in the slot; 255 = none */
    uint16_t nxt[RC_DFAPACK_MAXCOMB];  /* [ncomb] its next state (id); 0 in free slots */
    uint16_t acc[RC_DFAPACK_MAXID + 1];     /* [nids - accfrom] list added on entering the id */
    uint16_t acc_end[RC_DFAPACK_MAXID + 1]; /* [nids - accfrom] list added when the text ends there */
    int npats;              /* length of pats */
    uint16_t pats[RC_DFAPACK_MAXLIST];      /* the pattern lists (rc_dfapack_lists) */
    uint16_t id[RC_DFAPACK_MAXID + 1];      /* [nstates] DFA state -> id */
} rc_dfapack;

/* Bytes the packed form takes in tables (without the pattern lists, the
 * same in every form, and the struct). */
long rc_dfapack_bytes(const rc_dfapack *p);

/* Bytes of the full tables of d (recov_dfa16, without masks). */
long rc_dfapack_full_bytes(const rc_dfa *d);

/* Pack d in the given width.  Returns false (p unspecified) when an index
 * does not fit (8-bit form: 256 ids, 255 classes, 255 list entries; 16-bit
 * form: 65536 ids, 255 classes, RC_DFAPACK_MAXLIST list entries). */
bool rc_dfapack_build_as(const rc_dfa *d, bool wide, rc_dfapack *p);

/* The form recovc emits: the 8-bit form when it fits and its tables are
 * small (at most RC_DFAPACK_SMALL bytes), else the 16-bit form when it fits
 * and is smaller than the full tables, else the 8-bit form when smaller than
 * the full tables.  False: emit the full tables. */
#define RC_DFAPACK_SMALL 1024
bool rc_dfapack_build(const rc_dfa *d, rc_dfapack *p);

#endif
