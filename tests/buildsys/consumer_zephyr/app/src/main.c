/* main.c - a Zephyr-style application thread asking the policy */
#include "sensor_policy.h"

static sensor_policy_shared st;
static sensor_policy_incident inc;
volatile uint32_t app_result;

int main(void);
int main(void)
{
    struct sensor_fault f = { SENSOR_TIMEOUT, 2u };
    sensor_policy_shared_init(&st, 0u, 1u);
    sensor_policy_incident_init(&inc);
    recov_decision d = sensor_policy_failed(&st, &inc, &f, 0u);
    app_result = d.kind == RECOV_RETRY ? d.ms : 0u;
    for (;;) { }
}
