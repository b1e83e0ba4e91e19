/* analyze.h - whole-policy analyses over the checked IR: exact
 * classification coverage, time and count bounds, dead configuration.
 * Runs after rc_check succeeded; reports through rc_diag (warnings, and
 * errors for impossible deadlines). */
#ifndef RC_ANALYZE_H
#define RC_ANALYZE_H

#include "diag.h"
#include "ir.h"

void rc_analyze(const rc_ir *ir, rc_diag *d);

#endif
