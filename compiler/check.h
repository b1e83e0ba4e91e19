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

#endif
