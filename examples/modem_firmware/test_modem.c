/* test_modem.c - drives the modem driver on the host through a fake UART
 * that plays back scripted modem responses, and checks what the generated
 * policy made the driver do. */
#include <stdio.h>
#include <string.h>

#include "modem_driver.h"

typedef struct fake_uart {
    const char *const *script;  /* response lines; NULL entry = timeout */
    int n, pos;
    char sent[256];
} fake_uart;

static void fake_write(void *ctx, const char *s)
{
    fake_uart *u = ctx;
    size_t l = strlen(u->sent);
    snprintf(u->sent + l, sizeof u->sent - l, "%s", s);
}

static bool fake_read(void *ctx, char *buf, unsigned cap, uint32_t timeout_ms)
{
    fake_uart *u = ctx;
    (void)timeout_ms;
    if (u->pos >= u->n || !u->script[u->pos]) { u->pos++; return false; }
    snprintf(buf, cap, "%s", u->script[u->pos++]);
    return true;
}

static int failures;
#define EXPECT(cond) do { if (!(cond)) { printf("%s:%d: FAILED: %s\n", __FILE__, __LINE__, #cond); failures++; } } while (0)

static void play(modem *m, fake_uart *u, const char *const *script, int n)
{
    u->script = script;
    u->n = n;
    u->pos = 0;
    u->sent[0] = '\0';
    (void)m;
}

int main(void)
{
    fake_uart fu = { 0 };
    modem_uart uart = { &fu, fake_write, fake_read };
    modem m;

    /* 1: OK on the first try */
    modem_init(&m, &uart, 0, 1);
    static const char *const ok[] = { "OK" };
    play(&m, &fu, ok, 1);
    EXPECT(modem_command(&m, "AT", 3700, 0) == MODEM_NEXT_DONE);
    EXPECT(strcmp(fu.sent, "AT\r\n") == 0);

    /* 2: timeouts while registered: at_timeout, retried 200 ms +-10%, 400, 800, then SMS only */
    modem_init(&m, &uart, 0, 1);
    static const char *const tmo[] = { NULL };
    uint32_t want[] = { 200, 400, 800 };
    for (int i = 0; i < 3; i++) {
        play(&m, &fu, tmo, 1);
        EXPECT(modem_command(&m, "AT+CSQ", 3700, (uint32_t)i * 2000) == MODEM_NEXT_RETRY);
        EXPECT(m.last_error == modem_policy_ERR_AT_TIMEOUT);
        EXPECT(m.wait_ms >= want[i] * 9 / 10 && m.wait_ms <= want[i] * 11 / 10);
    }
    play(&m, &fu, tmo, 1);
    EXPECT(modem_command(&m, "AT+CSQ", 3700, 8000) == MODEM_NEXT_GIVE_UP);
    EXPECT(m.mode == MODEM_MODE_SMS_ONLY);
    EXPECT(!m.fault_flag);
    /* four link failures in a row: the radio breaker is open for 30 s */
    EXPECT(!modem_ready(&m, 9000));
    EXPECT(!modem_ready(&m, 37999));
    EXPECT(modem_ready(&m, 38000));

    /* 3: SIM not ready: escalated at once (high) through the fault flag */
    modem_init(&m, &uart, 0, 1);
    static const char *const sim[] = { "+CPIN: SIM PIN" };
    play(&m, &fu, sim, 1);
    EXPECT(modem_command(&m, "AT+CPIN?", 3700, 0) == MODEM_NEXT_GIVE_UP);
    EXPECT(m.fault_flag && m.fault_severity == RECOV_SEV_HIGH);
    EXPECT(m.last_error == modem_policy_ERR_SIM_NOT_READY);

    /* 4: +CME ERROR 30 (no network service): reattach twice after 5 s, then SMS only */
    modem_init(&m, &uart, 0, 1);
    static const char *const net[] = { "+CME ERROR: 30" };
    for (int i = 0; i < 2; i++) {
        play(&m, &fu, net, 1);
        EXPECT(modem_command(&m, "AT+COPS?", 3700, (uint32_t)i * 6000) == MODEM_NEXT_RETRY);
        EXPECT(m.wait_ms == 5000 && m.last_error == modem_policy_ERR_NETWORK_LOST);
    }
    play(&m, &fu, net, 1);
    EXPECT(modem_command(&m, "AT+COPS?", 3700, 12000) == MODEM_NEXT_GIVE_UP);
    EXPECT(m.mode == MODEM_MODE_SMS_ONLY);

    /* 5: brown-out: the command answered OK but the supply sagged -> critical fault */
    modem_init(&m, &uart, 0, 1);
    play(&m, &fu, ok, 1);
    EXPECT(modem_command(&m, "AT+CGATT=1", 3100, 0) == MODEM_NEXT_GIVE_UP);
    EXPECT(m.fault_flag && m.fault_severity == RECOV_SEV_CRITICAL);
    EXPECT(m.last_error == modem_policy_ERR_BROWNOUT);

    /* 6: busy (+CME ERROR 259) is retried, then success ends the incident */
    modem_init(&m, &uart, 0, 1);
    static const char *const busy[] = { "+CME ERROR: 259" };
    play(&m, &fu, busy, 1);
    EXPECT(modem_command(&m, "AT+CMGS", 3700, 0) == MODEM_NEXT_RETRY);
    EXPECT(m.last_error == modem_policy_ERR_MODEM_BUSY);
    play(&m, &fu, ok, 1);
    EXPECT(modem_command(&m, "AT+CMGS", 3700, 300) == MODEM_NEXT_DONE);

    if (failures) { printf("%d check(s) failed\n", failures); return 1; }
    puts("modem: all checks passed");
    return 0;
}
