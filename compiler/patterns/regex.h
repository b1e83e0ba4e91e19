/* regex.h - pattern syntax -> byte-level Thompson NFA (used by dfa.c).
 *
 * One rc_nfa holds every alternative of every pattern of a field.  Each
 * alternative is parsed (regex) or spelled out (literal) and compiled into
 * states that end in the MATCH state of its pattern; its entry state is
 * appended to `roots`.  Byte edges carry a 256-bit byte set, so dfa.c can
 * compute byte equivalence classes over all sets of the field.
 *
 * Anchors are special epsilon edges: BOL may be crossed only at text position
 * 0, EOL only at the end of the text.  The syntax is documented in dfa.h and
 * spec/patterns.md.  All memory comes from the scratch arena given at init.
 */
#ifndef RC_REGEX_H
#define RC_REGEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "dfa.h"

/* RC_REGEX_MAX_NFA: most NFA states one alternative may expand to; a larger
 * counted repetition is reported as "repetition too large". */
#define RC_REGEX_MAX_NFA 20000
/* RC_REGEX_MAX_DEPTH: deepest group nesting the (recursive) parser accepts. */
#define RC_REGEX_MAX_DEPTH 200

typedef enum rc_nfa_kind {
    RC_NFA_SET,     /* consume one byte in sets[arg], go to out */
    RC_NFA_SPLIT,   /* epsilon to out and out2 */
    RC_NFA_BOL,     /* epsilon to out, only at text position 0 */
    RC_NFA_EOL,     /* epsilon to out, only at the end of the text */
    RC_NFA_MATCH    /* pattern arg matched */
} rc_nfa_kind;

typedef struct rc_byteset {
    uint32_t w[8];
} rc_byteset;

typedef struct rc_nfa_state {
    int32_t kind;           /* rc_nfa_kind */
    int32_t out, out2;      /* successor states (-1 when none) */
    int32_t arg;            /* SET: index into sets; MATCH: pattern */
} rc_nfa_state;

typedef struct rc_nfa {
    rc_arena *scratch;      /* the arrays grow in it (RC_GROW) */
    rc_nfa_state *st;
    int32_t n;
    size_t cap;
    rc_byteset *sets;
    int32_t nsets;
    size_t setcap;
    int32_t *roots;         /* entry state of every alternative, in order */
    int32_t nroots;
    size_t rootcap;
} rc_nfa;

static inline bool rc_byteset_has(const rc_byteset *s, unsigned c)
{
    return (s->w[c >> 5] >> (c & 31u)) & 1u;
}

void rc_regex_nfa_init(rc_nfa *n, rc_arena *scratch);

/* A new MATCH state for pattern p (one per pattern; alternatives share it). */
int32_t rc_regex_match_state(rc_nfa *n, int p);

/* Add one alternative ending in match_state.  Regexes may fail (err gets
 * offset and message; pattern/alt are left to the caller); literals fail only
 * when empty. */
bool rc_regex_add_regex(rc_nfa *n, const char *re, size_t len, bool icase,
                        int32_t match_state, rc_dfa_error *err);
bool rc_regex_add_literal(rc_nfa *n, const char *s, size_t len, bool icase,
                          int32_t match_state, rc_dfa_error *err);

/* Syntax check of one regex (what rc_dfa_check_regex does). */
bool rc_regex_check(const char *re, size_t len, rc_dfa_error *err);

#endif
