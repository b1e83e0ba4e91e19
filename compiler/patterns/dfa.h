/* dfa.h - string patterns of one fault field -> one minimal DFA.
 *
 * Input: an ordered list of patterns; pattern i is a set of alternatives
 * (`"lit" | /re/ | ...`) matched case-sensitively or, with icase, ASCII
 * case-insensitively.  Pattern i "matches" a text when any alternative occurs
 * anywhere in it (unanchored search; a regex may anchor with ^ and $).
 *
 * Output: a DFA that reads the text once, byte by byte, and yields the set of
 * patterns that match, as a bitmask (bit i = pattern i; first-match priority
 * between classify rules is then a matter of testing bits in rule order).
 *
 * Scanning (the reference algorithm; runtime/src/recov_dfa.c does the same):
 *     s = 0 (the start state); mask = masks[acc[s]]
 *     for each byte c of the text (at most `limit` bytes):
 *         s = trans[s * nclasses + classmap[c]]
 *         mask |= masks[acc[s]]
 *     mask |= masks[acc_end[s]]          -- patterns that needed `$`
 * masks is a table of nmasks rows of `words` uint32 words; row 0 is all zero.
 *
 * Regex subset: literal bytes, `.` (any byte but '\n'), classes `[a-z]`,
 * `[^...]`, escapes `\. \\ \/ \n \t \r \d \w \s \D \W \S \xHH` (also inside
 * classes), grouping `( )`, `(?: )`, alternation `|`, postfix `* + ?` and
 * `{n}`, `{n,}`, `{n,m}` (m <= 255), anchors `^` (start of text) and `$` (end
 * of text).  String literals are byte sequences with no special characters.
 */
#ifndef RC_DFA_H
#define RC_DFA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"

typedef struct rc_dfa_alt {
    const char *text;       /* pattern bytes (regex source, or literal bytes) */
    size_t len;
    bool is_regex;
} rc_dfa_alt;

typedef struct rc_dfa_pattern {
    const rc_dfa_alt *alts;
    int nalts;
    bool icase;
} rc_dfa_pattern;

typedef struct rc_dfa {
    int nstates;            /* >= 1; state 0 is the start */
    int nclasses;           /* byte equivalence classes, 1..256 */
    int npatterns;
    int words;              /* (npatterns + 31) / 32 */
    int nmasks;             /* rows in masks, row 0 all zero */
    uint8_t classmap[256];  /* byte -> class */
    uint32_t *trans;        /* [nstates * nclasses] -> state */
    uint32_t *acc;          /* [nstates] -> mask row: patterns matched on reaching the state */
    uint32_t *acc_end;      /* [nstates] -> mask row: patterns matched if the text ends here */
    uint32_t *masks;        /* [nmasks * words] */
} rc_dfa;

typedef struct rc_dfa_error {
    int pattern;            /* index of the offending pattern, -1 when global */
    int alt;                /* alternative within it */
    size_t offset;          /* byte offset in the alternative's text */
    char message[160];      /* e.g. "unbalanced ')'", "nothing to repeat before '*'" */
    bool work;              /* pattern -1: the work limit was hit, not the state limit */
} rc_dfa_error;

/* RC_DFA_MAX_STATES: default bound on DFA states (before minimisation);
 * building stops with an error past it, so a pattern set that would explode
 * (like (a|b)*a(a|b){20}) is reported instead of eating the machine. */
#define RC_DFA_MAX_STATES 20000
/* RC_DFA_MAX_WORK: steps (NFA threads stored, followed and sorted, and
 * state x class visits while minimising) one build may take; past it the
 * build stops with err->work set, so a few thousand states of thousands of
 * live threads each cannot take minutes and gigabytes. */
#ifndef RC_DFA_MAX_WORK    /* tests/unit/test_dfa_work.c builds with a small one */
#define RC_DFA_MAX_WORK 400000000LL
#endif
/* RC_DFA_MAX_PATTERN: the longest literal or regex source (bytes) the
 * checker accepts in a `~` alternative (spec/patterns.md, Limits). */
#define RC_DFA_MAX_PATTERN 1024

/* Check one regex alone (syntax only).  Returns true when valid; otherwise
 * fills err (pattern = -1, alt = 0, offset = position of the error). */
bool rc_dfa_check_regex(const char *re, size_t len, rc_dfa_error *err);

/* Build the minimal DFA.  Returns true on success; on failure fills err and
 * leaves out unspecified.  All memory comes from the arena. */
bool rc_dfa_build(rc_arena *a, const rc_dfa_pattern *pats, int npats,
                  int max_states, rc_dfa *out, rc_dfa_error *err);

/* Reference scan (the algorithm above); mask has d->words words, cleared first.
 * Reads at most `limit` bytes of text (len bytes available). */
void rc_dfa_scan(const rc_dfa *d, const char *text, size_t len, size_t limit, uint32_t *mask);

#endif
