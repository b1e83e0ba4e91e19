/* check_bind.c - records that a parameter gives a number of the IR
 * (check_int.h: rc_check_bind).  Used by check.c and check_expr.c; calls
 * neither. */
#include "check_int.h"

void rc_check_bind(rc_check_ctx *c, rc_slot slot, int obj, int sub, int param)
{
    rc_ir *ir = c->ir;
    RC_GROW(c->a, ir->pbinds, ir->npbinds, &c->cap_pbinds);
    rc_ir_pbind *b = &ir->pbinds[ir->npbinds++];
    b->slot = slot;
    b->obj = obj;
    b->sub = sub;
    b->param = param;
    c->param_used[param] = true;
}
