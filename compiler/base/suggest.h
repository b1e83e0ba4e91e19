/* suggest.h - "did you mean" for misspelt names.
 *
 * rc_suggest returns the candidate closest to word by edit distance
 * (insertions, deletions, substitutions and swaps of two neighbours each
 * count 1, ASCII case ignored), provided the distance is at most a third of
 * the word's length (at least 1, at most 3); NULL when none is that close or
 * when two candidates tie for closest.  Words longer than RC_SUGGEST_MAX
 * bytes are not compared.
 */
#ifndef RC_SUGGEST_H
#define RC_SUGGEST_H

#include <stdbool.h>
#include <stddef.h>

/* RC_SUGGEST_MAX: the longest word or candidate compared (the distance table
 * is a fixed-size array on the stack of (RC_SUGGEST_MAX + 1)^2 bytes). */
#define RC_SUGGEST_MAX 63

const char *rc_suggest(const char *word, const char *const *cands, size_t ncands);

/* The edit distance rc_suggest uses (case folded or not); UINT_MAX when a
 * word is longer than RC_SUGGEST_MAX. */
unsigned rc_edit_distance(const char *a, const char *b, bool fold_case);

#endif
