/* fw.c - a bare-metal entry point that asks the policy about a CRC error */
#include "sensor_policy.h"

static sensor_policy_shared st;
static sensor_policy_incident inc;
volatile uint32_t fw_result;

void fw_main(void);
void fw_main(void)
{
    struct sensor_fault f = { SENSOR_CRC, 1u };
    sensor_policy_shared_init(&st, 0u, 1u);
    sensor_policy_incident_init(&inc);
    recov_decision d = sensor_policy_failed(&st, &inc, &f, 0u);
    fw_result = d.kind == RECOV_RETRY ? d.ms : 0u;
    for (;;) { }
}
