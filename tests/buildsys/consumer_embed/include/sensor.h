/* sensor.h - the consumer's own error codes */
#ifndef SENSOR_H
#define SENSOR_H
#include <stdint.h>
enum sensor_err { SENSOR_OK, SENSOR_TIMEOUT, SENSOR_CRC, SENSOR_RANGE };
#define SENSOR_MAX_BUS 7
struct sensor_fault { enum sensor_err err; uint8_t bus; };
#endif
