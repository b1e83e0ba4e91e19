/* fault fields of tests/e2e/policies/jitter.recov, in order (checked against
 * the policy by fuzz_policy at start-up) */
#define FIELDS X_INT(code, uint8_t)
