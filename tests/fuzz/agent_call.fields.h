/* fault fields of examples/agent_call/agent_call.recov, in order (checked
 * against the policy by fuzz_policy at start-up) */
#define FIELDS X_INT(status, uint16_t) X_INT(kind, uint8_t) X_TEXT(message) X_INT(retry_after_ms, uint32_t)
