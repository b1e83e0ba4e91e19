/* radio.h - a small firmware-style header for the import goldens */
#ifndef RADIO_H
#define RADIO_H
#include <stdint.h>

#define RADIO_CME_BASE 300
#define RADIO_CME_LAST (RADIO_CME_BASE + 99)
#define RADIO_NEG_LIMIT (-40)
#define RADIO_MASK 0xF0u
#define RADIO_NAME "radio"          /* not an integer: skipped */
#define RADIO_SCALE 1.5             /* not an integer: skipped */
#define RADIO_ADD(a, b) ((a) + (b)) /* function-like: skipped */

enum radio_err {
    RADIO_OK = 0,
    RADIO_ERR_TIMEOUT = -1,
    RADIO_ERR_BUSY = -2,
    RADIO_ERR_CME = RADIO_CME_BASE,
    RADIO_ERR_SIM = RADIO_ERR_CME + 10,
    RADIO_ERR_LOST
};

typedef enum { LINK_UP, LINK_DOWN, LINK_SEARCHING } radio_link;

struct radio_event {
    enum radio_err code;
    uint16_t cme;
    radio_link link;
    int8_t rssi;
    _Bool brownout;
    const char *line;
    char tag[8];
};

struct radio_packed {
    uint8_t kind;
    unsigned retries : 3;
};
#endif
