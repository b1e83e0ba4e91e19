/* modem.h - the cellular modem driver's error codes and event record.
 *
 * This header is the firmware's own: the driver fills a modem_event for every
 * failed AT command, and modem_policy.recov imports the enum and the struct
 * as they are (import "modem.h"; fault = struct modem_event;).
 */
#ifndef MODEM_H
#define MODEM_H

#include <stdbool.h>
#include <stdint.h>

/* +CME ERROR ranges (3GPP TS 27.007) */
#define MODEM_CME_SIM_FIRST   10   /* SIM not inserted .. SIM PUK2 required */
#define MODEM_CME_SIM_LAST    18
#define MODEM_CME_NET_FIRST   30   /* no network service .. network timeout */
#define MODEM_CME_NET_LAST    32
#define MODEM_CME_BUSY        (MODEM_CME_NET_LAST + 227)   /* 259: "operation not allowed now" */

/* What went wrong with one AT command. */
enum modem_err {
    MODEM_OK = 0,
    MODEM_ERR_TIMEOUT,        /* no final result code in time */
    MODEM_ERR_ERROR,          /* plain ERROR */
    MODEM_ERR_CME,            /* +CME ERROR: <cme> */
    MODEM_ERR_SIM_NOT_READY,  /* +CPIN: not READY */
    MODEM_ERR_NO_CARRIER,     /* the network dropped the data call */
    MODEM_ERR_BROWNOUT,       /* supply dipped below the radio's minimum */
    MODEM_ERR_OVERFLOW,       /* UART receive overrun */
    MODEM_ERR_GARBLED = -1    /* unparseable response */
};

/* One failed command, as the driver saw it. */
struct modem_event {
    enum modem_err code;
    int16_t cme;              /* +CME ERROR number, -1 when none */
    uint16_t vbat_mv;         /* supply voltage at the failure */
    bool registered;          /* +CREG said registered before the failure */
    const char *line;         /* the last response line (NUL-terminated) */
};

#endif
