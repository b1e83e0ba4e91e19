#include <stdio.h>
#include "sensor_policy.h"
int main(void)
{
    sensor_policy_state s;
    sensor_policy_init(&s, 0, 1);
    struct sensor_fault f = { SENSOR_CRC, 1 };
    recov_decision d = sensor_policy_failed(&s, &f, 0);
    printf("%s %u %u\n", d.kind == RECOV_RETRY ? "retry" : "other", (unsigned)d.ms, (unsigned)d.error);
    return d.kind == RECOV_RETRY && d.ms == 10 && d.error == sensor_policy_ERR_CRC ? 0 : 1;
}
