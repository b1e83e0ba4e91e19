/* fault fields of tests/e2e/policies/server.recov, in order (checked against
 * the policy by fuzz_policy at start-up), and what else the harness drives:
 * its parameters (P_set_params, in declaration order, checked too), its
 * counters (`stats;`: P_stats against the simulator's) and P_admit_in (a
 * `limit` or a `per alternative` breaker) and P_force (the dependency and
 * each alternative's instances, all four modes), over four interleaved
 * incidents. */
#define FIELDS X_INT(status, uint16_t) X_TEXT(message)
#define PARAMS X_PARAM(tries, uint16_t) X_PARAM(cool, uint32_t) X_PARAM(trip, uint16_t)
#define HAS_STATS 1
#define HAS_ADMIT_IN 1
#define HAS_FORCE 1
#define NINC 4
