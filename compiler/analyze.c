/* analyze.c - see analyze.h.  (The analyses of issue "Policy analysis" land
 * here; for now the checker's own warnings are all there is.) */
#include "analyze.h"

void rc_analyze(const rc_ir *ir, const rc_ast_policy *ast, rc_diag *d)
{
    (void)ir;
    (void)ast;
    (void)d;
}
