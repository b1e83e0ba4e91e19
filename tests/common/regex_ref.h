/* regex_ref.h - a regex tree and a backtracking reference matcher, shared by
 * tests/unit/test_dfa.c and tests/fuzz/fuzz_dfa.c to check the DFA builder.
 *
 * A tree of sets (over the bytes 'a'..'c' plus '\n' for `.`), anchors,
 * concatenation, two-way alternation and bounded or unbounded repetition is
 * rendered to recov pattern syntax (rc_ref_render) and matched directly on
 * the tree (rc_ref_search: is there a match starting anywhere?), by sets of
 * end positions, so texts must be at most RC_REF_MAX_TEXT bytes. */
#ifndef RC_TEST_REGEX_REF_H
#define RC_TEST_REGEX_REF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { R_SET, R_CAT, R_ALT, R_REP, R_BOL, R_EOL };

/* longest text rc_ref_search accepts (end positions are bits of a uint32_t) */
#define RC_REF_MAX_TEXT 30
/* size of the buffer rc_ref_render writes into */
#define RC_REF_RENDER_MAX 1024

typedef struct rnode {
    int kind;
    bool in[256];               /* R_SET: positive set (before negation) */
    bool neg;
    int min, max;               /* R_REP, max -1 unbounded */
    int nk;
    struct rnode *k[3];
} rnode;

/* Appends the pattern text of n at buf + *at (aborts past RC_REF_RENDER_MAX). */
void rc_ref_render(const rnode *n, char *buf, size_t *at);
/* Does n match t[0..len) starting at some position (case-insensitively when
 * icase)?  len <= RC_REF_MAX_TEXT. */
bool rc_ref_search(const rnode *n, const char *t, int len, bool icase);

#endif
