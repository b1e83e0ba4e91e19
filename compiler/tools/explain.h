/* explain.h - `recovc explain`: what a policy compiles to, in words and numbers. */
#ifndef RC_EXPLAIN_H
#define RC_EXPLAIN_H

#include <stdint.h>
#include <stdio.h>

#include "ir.h"

void rc_explain(const rc_ir *ir, FILE *out);

#endif
