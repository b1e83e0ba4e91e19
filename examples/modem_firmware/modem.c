/* modem.c - see modem_driver.h.  Freestanding: no libc calls. */
#include "modem_driver.h"

#define MODEM_AT_TIMEOUT_MS 1000u

static bool starts_with(const char *s, const char *p)
{
    while (*p) if (*s++ != *p++) return false;
    return true;
}

static int16_t parse_cme(const char *s)
{
    int v = 0, n = 0;
    while (*s == ' ') s++;
    for (; *s >= '0' && *s <= '9' && n < 5; s++, n++) v = v * 10 + (*s - '0');
    return n ? (int16_t)v : (int16_t)-1;
}

void modem_init(modem *m, const modem_uart *uart, uint32_t now, uint32_t seed)
{
    m->uart = uart;
    m->mode = MODEM_MODE_DATA;
    m->registered = true;
    m->fault_flag = false;
    m->fault_severity = 0;
    m->last_error = 0;
    m->wait_ms = 0;
    m->line[0] = '\0';
    modem_policy_shared_init(&m->policy, now, seed);
    modem_policy_incident_init(&m->incident);
}

bool modem_ready(modem *m, uint32_t now)
{
    return modem_policy_admit(&m->policy, &m->incident, now) == RECOV_ALLOW;
}

/* Reads lines up to a final result code; fills ev on failure. */
static bool transact(modem *m, const char *cmd, struct modem_event *ev)
{
    m->uart->write(m->uart->ctx, cmd);
    m->uart->write(m->uart->ctx, "\r\n");
    for (int lines = 0; lines < 8; lines++) {
        if (!m->uart->read_line(m->uart->ctx, m->line, sizeof m->line, MODEM_AT_TIMEOUT_MS)) {
            ev->code = MODEM_ERR_TIMEOUT;
            return false;
        }
        if (starts_with(m->line, "OK")) return true;
        if (starts_with(m->line, "+CREG: 0,1") || starts_with(m->line, "+CREG: 0,5")) m->registered = true;
        else if (starts_with(m->line, "+CREG: ")) m->registered = false;
        else if (starts_with(m->line, "+CME ERROR:")) {
            ev->code = MODEM_ERR_CME;
            ev->cme = parse_cme(m->line + 11);
            return false;
        } else if (starts_with(m->line, "+CPIN: ") && !starts_with(m->line, "+CPIN: READY")) {
            ev->code = MODEM_ERR_SIM_NOT_READY;
            return false;
        } else if (starts_with(m->line, "NO CARRIER")) {
            ev->code = MODEM_ERR_NO_CARRIER;
            return false;
        } else if (starts_with(m->line, "ERROR")) {
            ev->code = MODEM_ERR_ERROR;
            return false;
        }
    }
    ev->code = MODEM_ERR_GARBLED;
    return false;
}

modem_next modem_command(modem *m, const char *cmd, uint16_t vbat_mv, uint32_t now)
{
    struct modem_event ev = { MODEM_OK, -1, vbat_mv, true, "" };
    m->wait_ms = 0;
    if (transact(m, cmd, &ev) && vbat_mv > 3300u) {
        modem_policy_succeeded(&m->policy, &m->incident, now);
        return MODEM_NEXT_DONE;
    }
    if (ev.code == MODEM_OK) ev.code = MODEM_ERR_BROWNOUT;   /* answered, but the supply sagged */
    ev.registered = m->registered;
    ev.line = m->line;
    recov_decision d = modem_policy_failed(&m->policy, &m->incident, &ev, now);
    m->last_error = (uint8_t)d.error;
    switch (d.kind) {
    case RECOV_RETRY:
        m->wait_ms = d.ms;
        return MODEM_NEXT_RETRY;
    case RECOV_DEGRADE:
        m->mode = MODEM_MODE_SMS_ONLY;
        return MODEM_NEXT_GIVE_UP;
    case RECOV_ESCALATE:
        m->fault_flag = true;
        m->fault_severity = d.level;
        return MODEM_NEXT_GIVE_UP;
    default:
        return MODEM_NEXT_GIVE_UP;
    }
}
