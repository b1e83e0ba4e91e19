/* fault fields of tests/e2e/policies/ops.recov, in order (checked against the
 * policy by fuzz_policy at start-up) */
#define FIELDS X_INT(code, int16_t) X_BOOL(fatal) X_TEXT(detail)
