/* parse.h - the front end: source text -> syntax tree (ast.h).
 *
 * The scanner is dsl/recov.l (reentrant flex), the grammar dsl/recov.y (pure
 * bison); this header is the only interface the rest of the compiler uses.
 * Syntax errors are reported through rc_diag_error and counted in d->errors;
 * the parser recovers at declaration, statement and rule level, so one
 * mistake does not hide the next.  dsl/README.md describes the organisation,
 * spec/grammar.md the accepted language.
 */
#ifndef RC_PARSE_H
#define RC_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "ast.h"
#include "diag.h"

/* RC_MAX_POLICY_TERMS: the most comparisons and matches (`==`, `in`, `~`,
 * a bare bool field...) in all the conditions of one policy (the policy
 * term limit, spec/language.md "Names and limits"): past it parsing stops
 * with an error there.  100,000 terms take about 1 s and 270 MB to check;
 * 560,000 (10 MB) took 6 s and 1.2 GB. */
#define RC_MAX_POLICY_TERMS 100000

/* Parse exactly `len` bytes of `src` (NUL bytes included; src need not be
 * NUL-terminated).  Always returns a policy node, possibly partial when there
 * were errors (check d->errors).  A missing `policy NAME version N;` header
 * leaves policy->name.name NULL. */
rc_ast_policy *rc_parse(rc_arena *a, rc_diag *d, const char *src, size_t len);

/* One token, as the scanner returns it (for tests and tools). */
typedef struct rc_token {
    int kind;           /* RC_TOK_* from recov.tab.h, or a character (';', '{'...); 0: end of file */
    rc_loc loc;
    int64_t num;        /* INT, DURATION (ms), PERCENT, DECIMAL/XFACTOR (thousandths) */
    const char *text;   /* IDENT/keyword spelling, decoded STRING, raw REGEX body; else NULL */
    size_t len;         /* bytes in text */
} rc_token;

/* Scan the whole source without parsing.  Stores an arena array in *out and
 * returns the number of tokens in it; the last one is the end of file
 * (kind 0).  Lexical errors are reported through d. */
size_t rc_lex(rc_arena *a, rc_diag *d, const char *src, size_t len, rc_token **out);

/* Readable spelling of a token kind, as used in messages: "'policy'", "';'",
 * "identifier", "end of file". */
const char *rc_token_spelling(int kind);

#endif
