/* space.h - the fault space of one or two policies, cut into finitely many
 * atoms, and sets of faults as unions of cubes over those atoms.
 *
 * A variable is a fault field (matched by name between the two policies of
 * `recovc diff`), or, for a single policy, one of the pseudo-variables that
 * `when` conditions read: attempt, elapsed, and the classified error (which
 * also decides severity and class).  Each variable's domain is cut into atoms
 * on which every condition of the policies is constant:
 *   - integer and bool fields, attempt, elapsed: the maximal intervals between
 *     the constants the conditions compare with;
 *   - text fields: one boolean variable per pattern of the field's DFA (in
 *     each policy): matched or not.  Not every combination of pattern bits
 *     is possible (a text containing "timeout" contains "time"), so a cube
 *     is only known to be non-empty once a text with exactly its required
 *     and forbidden bits has been found: a breadth-first search over the
 *     product of the DFAs, projected on the required bits and pruned at
 *     forbidden ones, over texts of at most RECOV_MAX_TEXT bytes without NUL.
 *     It yields the shortest such text: the witness.
 *   - the error: one atom per error.
 * A cube picks a non-empty set of atoms per variable; a set of faults is a
 * union of disjoint-or-not cubes.  Every operation is exact; when a set would
 * need more than RC_SPACE_MAX_CUBES cubes, the result is marked `unknown`;
 * when a text search needs more than RC_SPACE_MAX_NODES nodes, the cube
 * counts as possibly non-empty.  The analyses only claim what is proven.
 *
 * Storage (space.c): a cube is sp->words 64-bit words.  A variable of at most
 * 64 atoms is a bit mask in a word of its own, the two atoms of a pattern
 * variable are a 2-bit field packed 32 to a word, and a variable of more
 * atoms is a reference to an immutable bit trie shared between cubes, so a
 * cube costs a few words however many constants the rules use.  Text
 * emptiness is cached per combination of pattern bits, and a cube is first
 * tried on a few candidate texts (the shortest text of each required
 * pattern, their concatenations) before the search.  In an indexed set
 * (rc_cidx) a cube is only compared with the cubes it can overlap.  None of
 * this changes an answer, a cube or the order of cubes.
 */
#ifndef RC_SPACE_H
#define RC_SPACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "ir.h"

#define RC_SPACE_MAX_CUBES 20000
#define RC_SPACE_MAX_NODES 200000
/* RC_SPACE_MAX_WORK: cube pairs one intersection or difference may visit. */
#define RC_SPACE_MAX_WORK 4000000LL
/* RC_SPACE_MAX_TOTAL: cube pairs all the operations on one space may visit;
 * past it every operation answers `unknown`, so the analyses of a policy of
 * any size stop (claiming nothing more) instead of running for hours. */
#ifndef RC_SPACE_MAX_TOTAL
#define RC_SPACE_MAX_TOTAL 20000000LL
#endif

typedef enum rc_svkind { RC_SV_INT, RC_SV_TEXT, RC_SV_PAT, RC_SV_ERROR } rc_svkind;

typedef struct rc_space_var {
    rc_svkind kind;
    const char *name;
    int64_t lo, hi;             /* INT: domain */
    int natoms;                 /* TEXT: 1 (its patterns are PAT variables) */
    int64_t *starts;            /* INT: atom k = [starts[k], starts[k+1]-1] */
    int def_atom;               /* the atom of the default value (0, "", or lo) */
    /* TEXT */
    const rc_dfa *dfa[2];       /* per policy, NULL when it has no patterns on the field */
    int pat0[2];                /* first PAT variable of policy k's patterns */
    /* PAT: pattern `pattern` of policy `ir` on TEXT variable `text` */
    int text, ir, pattern;
} rc_space_var;

typedef struct rc_space_impl rc_space_impl;   /* layout, tries, text caches (space.c) */

typedef struct rc_space {
    rc_arena *a;
    int nirs;
    const rc_ir *irs[2];
    int nvars;
    rc_space_var *vars;
    int *off;                   /* [nvars] the word of the variable in a cube */
    int words;                  /* 64-bit words per cube */
    int *field_var[2];          /* per policy: field index -> variable */
    int attempt_var, elapsed_var, error_var;   /* -1 when absent */
    uint64_t *scratch;          /* one cube */
    bool *inexact;              /* set when a text search was too large (the
                                   answer was then "maybe non-empty") */
    rc_space_impl *impl;
} rc_space;

typedef struct rc_cset {
    uint64_t *w;                /* n cubes of sp->words words (malloc) */
    int n, cap;
    bool unknown;
} rc_cset;

/* Build the space of irs[0..nirs) (nirs 1 or 2).  Pseudo-variables only when
 * nirs == 1.  Text fields use each policy's DFA; a policy whose DFA is not
 * built yet (dfa.nstates == 0, as during checking) gets one built here. */
void rc_space_init(rc_space *sp, rc_arena *a, const rc_ir *const *irs, int nirs);

void rc_cset_free(rc_cset *s);
void rc_cset_universe(const rc_space *sp, rc_cset *out);
void rc_cset_copy(const rc_space *sp, const rc_cset *s, rc_cset *out);
/* Exact emptiness: a cube counts only when a text satisfying its pattern
 * constraints exists.  When that cannot be decided (search too large) the
 * set counts as non-empty and *sp->inexact is set. */
bool rc_cset_empty(const rc_space *sp, const rc_cset *s);
/* out = a & b, out = a | b, out = a - b (out may not alias a or b). */
void rc_cset_and(const rc_space *sp, const rc_cset *a, const rc_cset *b, rc_cset *out);
void rc_cset_or(const rc_space *sp, const rc_cset *a, const rc_cset *b, rc_cset *out);
void rc_cset_sub(const rc_space *sp, const rc_cset *a, const rc_cset *b, rc_cset *out);
/* In place: a := a - b.  a := a | b. */
void rc_cset_sub_in(const rc_space *sp, rc_cset *a, const rc_cset *b);
void rc_cset_or_in(const rc_space *sp, rc_cset *a, const rc_cset *b);
/* Restrict variable v of every cube to the one atom `atom`. */
void rc_cset_fix(const rc_space *sp, rc_cset *s, int v, int atom);
/* Restrict variable v of every cube to the atoms a < nkeep with keep[a];
 * cubes left with no atom of v are dropped. */
void rc_cset_restrict(const rc_space *sp, rc_cset *s, int v, const bool *keep, int nkeep);
/* Does some cube of s hold the point atoms[0..nvars)? */
bool rc_cset_has_point(const rc_space *sp, const rc_cset *s, const int *atoms);
/* out[a] |= some cube of s holding atom a of variable v is not proven empty
 * (what rc_cset_empty of s restricted to a would deny); out has natoms. */
void rc_cset_atoms_used(const rc_space *sp, const rc_cset *s, int v, bool *out);

/* An indexed set: the same cubes in the same order as the rc_cset it was
 * made from and as rc_cset_and / rc_cset_sub_in would leave it, but a cube of
 * the other operand is only compared with the cubes whose bounds on one
 * variable overlap it, so a long classify costs about its number of rules
 * times the cubes each rule really cuts. */
typedef struct rc_cidx rc_cidx;
rc_cidx *rc_cidx_new(const rc_space *sp, const rc_cset *s);
void rc_cidx_free(rc_cidx *u);
int rc_cidx_count(const rc_cidx *u);
bool rc_cidx_unknown(const rc_cidx *u);
/* out = a & u, as rc_cset_and(sp, a, u, out). */
void rc_cidx_and(const rc_space *sp, const rc_cset *a, rc_cidx *u, rc_cset *out);
/* u := u - b, as rc_cset_sub_in(sp, u, b). */
void rc_cidx_sub_in(const rc_space *sp, rc_cidx *u, const rc_cset *b);
/* A plain copy of u (cube order kept). */
void rc_cidx_get(const rc_space *sp, const rc_cidx *u, rc_cset *out);

/* The fault sets of every expression of policy k that `roots` marks
 * (and their children): returns [nexprs] sets, unneeded ones empty.
 * Free with rc_space_free_exprs. */
rc_cset *rc_space_exprs(const rc_space *sp, int k, const bool *roots);
void rc_space_free_exprs(const rc_space *sp, int k, rc_cset *sets);

/* A fault of cube `c` of s (which must be non-empty), as the fields of an
 * .rtest `fail` event for policy k: `status=503 message="x"` (fields at their
 * default value are left out; "(any fault)" when none remains).  The chosen
 * atoms prefer defaults.  When atoms is non-NULL it receives the atom chosen
 * per variable. */
void rc_space_witness(const rc_space *sp, int k, const uint64_t *cube, char *buf, size_t n, int *atoms);
/* The fault rc_space_witness describes, as values of the fields of policy k
 * (the form a simulator event takes): ints[f] for integer and bool fields
 * (0 for text fields), texts[f]/lens[f] for text fields (a copy in arena a;
 * "" as NULL/0).  Each array has irs[k]->nfields slots. */
void rc_space_witness_values(const rc_space *sp, int k, const uint64_t *cube, rc_arena *a, int64_t *ints,
                             const char **texts, size_t *lens);
/* The same with every field of policy k written out, defaults included. */
void rc_space_witness_all(const rc_space *sp, int k, const uint64_t *cube, char *buf, size_t n);
/* The cube of s proven non-empty holding the most default atoms (witnesses
 * from it need the fewest fields); NULL when no cube is proven non-empty. */
const uint64_t *rc_space_best_cube(const rc_space *sp, const rc_cset *s);
/* The value an INT variable's atom is represented by in witnesses. */
int64_t rc_space_int_value(const rc_space_var *v, int atom);
/* The atom of variable v holding integer x (INT variables). */
int rc_space_int_atom(const rc_space_var *v, int64_t x);
/* Does the cube hold atom a of variable v? */
bool rc_space_cube_has(const rc_space *sp, const uint64_t *cube, int v, int a);

#endif
