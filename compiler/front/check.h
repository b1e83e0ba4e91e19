/* check.h - semantic analysis: AST -> checked IR.
 *
 * Resolves every name, checks types and ranges, builds the DFAs of text
 * fields, and reports errors and warnings through rc_diag.  Returns the IR
 * when the policy has no errors (warnings allowed), NULL otherwise.
 */
#ifndef RC_CHECK_H
#define RC_CHECK_H

#include "arena.h"
#include "ast.h"
#include "diag.h"
#include "ir.h"

rc_ir *rc_check(rc_arena *a, rc_diag *d, const rc_ast_policy *p);

/* The same, for a policy whose `import`s have been read (cimport.h): the
 * imported constants, enums and fault struct take part.  imp may be NULL
 * when the policy imports nothing. */
struct rc_cimport;
rc_ir *rc_check_with(rc_arena *a, rc_diag *d, const rc_ast_policy *p, const struct rc_cimport *imp);

#endif
