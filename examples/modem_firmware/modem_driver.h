/* modem_driver.h - a bare-metal style cellular modem driver that lets the
 * generated policy (modem_policy.recov) decide what to do after a failed AT
 * command.  No heap, no libc beyond what freestanding C has. */
#ifndef MODEM_DRIVER_H
#define MODEM_DRIVER_H

#include "modem.h"
#include "modem_policy.h"

/* The board's UART, as the driver needs it (a fake one in tests). */
typedef struct modem_uart {
    void *ctx;
    void (*write)(void *ctx, const char *s);
    /* one response line into buf (NUL-terminated); false on timeout */
    bool (*read_line)(void *ctx, char *buf, unsigned cap, uint32_t timeout_ms);
} modem_uart;

typedef enum modem_mode { MODEM_MODE_DATA, MODEM_MODE_SMS_ONLY } modem_mode;

/* What the caller does next after a failed command. */
typedef enum modem_next { MODEM_NEXT_DONE, MODEM_NEXT_RETRY, MODEM_NEXT_GIVE_UP } modem_next;

typedef struct modem {
    const modem_uart *uart;
    modem_mode mode;
    bool registered;            /* last +CREG state */
    bool fault_flag;            /* raised for the supervisor (escalation) */
    uint8_t fault_severity;     /* recov severity of the raised fault */
    uint8_t last_error;         /* modem_policy_ERR_* of the last failure */
    uint32_t wait_ms;           /* MODEM_NEXT_RETRY: wait this long first */
    char line[64];              /* last response line */
    modem_policy_shared policy;     /* the radio link's health */
    modem_policy_incident incident; /* the command under way */
} modem;

void modem_init(modem *m, const modem_uart *uart, uint32_t now, uint32_t seed);
/* May the driver talk to the radio now?  false while the breaker is open. */
bool modem_ready(modem *m, uint32_t now);
/* Sends one AT command and reads up to its final result code.  vbat_mv is
 * the supply voltage the ADC measured during the command. */
modem_next modem_command(modem *m, const char *cmd, uint16_t vbat_mv, uint32_t now);

#endif
