/* fault fields of tests/e2e/policies/flow.recov, in order (checked against the
 * policy by fuzz_policy at start-up) */
#define FIELDS X_INT(status, uint16_t) X_BOOL(timed_out)
