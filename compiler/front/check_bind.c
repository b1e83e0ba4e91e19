/* check_bind.c - records that a parameter gives a number of the IR
 * (check_int.h: rc_check_bind).  Used by check.c and check_expr.c; calls
 * neither. */
#include <string.h>

#include "check_int.h"

void rc_check_bind(rc_check_ctx *c, rc_slot slot, int obj, int sub, int param)
{
    rc_ir *ir = c->ir;
    if (ir->npbinds == c->cap_pbinds) {
        int ncap = c->cap_pbinds ? c->cap_pbinds * 2 : 16;
        rc_ir_pbind *n = RC_NEW_ARRAY(c->a, rc_ir_pbind, ncap);
        if (ir->npbinds) memcpy(n, ir->pbinds, sizeof *n * (size_t)ir->npbinds);
        ir->pbinds = n;
        c->cap_pbinds = ncap;
    }
    rc_ir_pbind *b = &ir->pbinds[ir->npbinds++];
    b->slot = slot;
    b->obj = obj;
    b->sub = sub;
    b->param = param;
    c->param_used[param] = true;
}
