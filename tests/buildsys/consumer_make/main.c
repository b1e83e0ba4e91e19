#include <stdio.h>
#include "sensor_policy.h"
int main(void)
{
    sensor_policy_shared s;
    sensor_policy_incident s_inc;
    sensor_policy_shared_init(&s, 0, 1);
    sensor_policy_incident_init(&s_inc);
    struct sensor_fault f = { SENSOR_CRC, 1 };
    recov_decision d = sensor_policy_failed(&s, &s_inc, &f, 0);
    printf("%s %u %u\n", d.kind == RECOV_RETRY ? "retry" : "other", (unsigned)d.ms, (unsigned)d.error);
    return d.kind == RECOV_RETRY && d.ms == 10 && d.error == sensor_policy_ERR_CRC ? 0 : 1;
}
