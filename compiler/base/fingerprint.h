/* fingerprint.h - stable identities of diagnostics (SARIF partialFingerprints).
 *
 * A result's fingerprint is a 64-bit FNV-1a hash of its rule id, its message
 * and the text of its source line, each normalised so that moving the line
 * (edits above it, re-indentation) keeps the fingerprint: the source line
 * without leading and trailing blanks and with each run of blanks as one
 * space, the message with every "line N" as "line".  spec/cli.md.
 */
#ifndef RC_FINGERPRINT_H
#define RC_FINGERPRINT_H

#include <stddef.h>
#include <stdint.h>

/* The hash of line `line` (from 1) of src, normalised; 0 when src is NULL
 * or has no such line. */
uint64_t rc_fp_line(const char *src, size_t len, int line);
/* The fingerprint of a result: rule id, message and rc_fp_line's hash. */
uint64_t rc_fp_result(const char *rule, const char *message, uint64_t line_hash);

#endif
