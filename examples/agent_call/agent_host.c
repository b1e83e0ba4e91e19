/* agent_host.c - calls agents over real HTTP on 127.0.0.1 and recovers with
 * the agent_call policy.
 *
 * The program starts its own agent server (a child process listening on a
 * loopback port) whose answers are scripted per agent: `ok`, an HTTP status
 * (`429`, `503`, `400`, ...; any number of digits, so the server can lie),
 * `429/S` (429 with Retry-After: S, sent as written), `oom` (500 "CUDA
 * error: out of memory"), `timeout` (never answers), `reset` (closes the
 * connection with a TCP reset) or `drip` (a 200 reply, one byte every
 * 400 ms).  Each agent's script is consumed one call at a time; its last
 * entry repeats.
 *
 * What the server says is not trusted: the status line must be HTTP/1.x
 * with a 3-digit status in 100..599 (else a protocol error), Retry-After
 * must be a whole number of seconds in 0..2147483 (else it is ignored and
 * the host says so; it is parsed in 64 bits and never wraps), and
 * --call-timeout-ms is a deadline for the whole call (connect, send, every
 * recv), not for each recv.
 *
 * It then runs --tasks tasks against the primary agent.  Before each task it
 * asks the breaker (P_admit); every failed call goes to the policy and its
 * decision is carried out: wait and call again, call a backup agent, reduce the
 * batch, ask the server to free its caches (POST /free_caches), serve a
 * degraded answer, or escalate on the level's channel with its SLA.
 *
 * usage: agent_host [--primary S] [--backup S] [--local S] [--free-caches S]
 *                   [--tasks N] [--gap-ms MS[,MS...]] [--time-scale N] [--call-timeout-ms MS] [--seed N]
 *                   [--clock real|virtual]
 * (S is a comma-separated script; gap i is the wait after task i, the last repeats; delays and gaps are policy milliseconds,
 * divided by --time-scale when the program waits; --call-timeout-ms is real and never scaled.  The policy's clock is
 * real time plus the part of each wait the scale skipped; with --clock virtual it moves only by the waits and the
 * call timeouts that expired, so tests decide the same however loaded the machine is.)
 */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "agent_call.h"

#define KIND_RESET 2u
#define KIND_TIMEOUT 3u
#define KIND_REFUSED 4u

enum { AG_PRIMARY, AG_BACKUP, AG_LOCAL, AG_FREE, AG_COUNT };
static const char *const agent_path[AG_COUNT] = {"primary", "backup_agent", "local_model", "free_caches"};

/* ---------------------------------------------------------------- numbers */
/* The whole of s[0..n) is decimal digits (no sign, no blanks) with a value
 * in 0..hi: *out is set and 0 returned.  Anything else, including a value
 * past hi (checked before each digit, so nothing wraps), is -1. */
static int parse_digits(const char *s, size_t n, uint64_t hi, uint64_t *out)
{
    uint64_t v = 0;
    if (n == 0) return -1;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return -1;
        unsigned d = (unsigned)(s[i] - '0');
        if (d > hi || v > (hi - d) / 10u) return -1;
        v = v * 10u + d;
    }
    *out = v;
    return 0;
}

/* ---------------------------------------------------------------- server */
#define ITEM_MAX 32
typedef struct script { char items[64][ITEM_MAX]; unsigned n, next; } script;

/* one script entry: ok oom timeout reset drip garbage noend STATUS
 * STATUS/RETRY-AFTER (STATUS 1..9 digits, sent as is; RETRY-AFTER any text
 * without blanks; garbage: not HTTP; noend: headers that never end) */
static int valid_item(const char *b)
{
    if (!strcmp(b, "ok") || !strcmp(b, "oom") || !strcmp(b, "timeout") || !strcmp(b, "reset") || !strcmp(b, "drip") ||
        !strcmp(b, "garbage") || !strcmp(b, "noend"))
        return 1;
    size_t k = strcspn(b, "/");
    uint64_t st;
    if (k > 9 || parse_digits(b, k, 999999999u, &st) != 0) return 0;
    return b[k] == 0 || (b[k + 1] && !strpbrk(b + k + 1, " \t\r\n"));
}

/* 0 ok, -1 bad (message printed) */
static int parse_script(script *s, const char *text)
{
    s->n = s->next = 0;
    const char *p = text;
    while (*p) {
        size_t k = strcspn(p, ",");
        if (s->n == 64) return fprintf(stderr, "agent_host: a script has at most 64 entries\n"), -1;
        if (k == 0 || k >= ITEM_MAX) return fprintf(stderr, "agent_host: script entry '%.*s': 1..%d characters\n", (int)k, p, ITEM_MAX - 1), -1;
        memcpy(s->items[s->n], p, k);
        s->items[s->n][k] = 0;
        if (!valid_item(s->items[s->n]))
            return fprintf(stderr, "agent_host: script entry '%s': not ok, oom, timeout, reset, drip, garbage, noend, STATUS or STATUS/RETRY-AFTER\n", s->items[s->n]), -1;
        s->n++;
        p += k;
        if (*p == ',' && !*++p) return fprintf(stderr, "agent_host: script ends with ','\n"), -1;
    }
    return s->n ? 0 : (fprintf(stderr, "agent_host: empty script\n"), -1);
}

/* the drip: one byte every 400 ms until the reply is sent or the client
 * hangs up (seen at once through poll, so the server is free again) */
static void drip(int c, const char *resp)
{
    for (const char *p = resp; *p; p++) {
        if (send(c, p, 1, 0) != 1) return;
        struct pollfd pf = {c, POLLIN, 0};
        if (poll(&pf, 1, 400) > 0) {
            char sink[64];
            if (recv(c, sink, sizeof sink, MSG_DONTWAIT) <= 0) return; /* closed */
        }
    }
}

static void serve_one(int c, script *scripts)
{
    char req[1024];
    ssize_t n = recv(c, req, sizeof req - 1, 0);
    if (n <= 0) return;
    req[n] = 0;
    int a = AG_PRIMARY;
    for (int i = 0; i < AG_COUNT; i++) {
        char needle[64];
        snprintf(needle, sizeof needle, " /%s ", agent_path[i]);
        if (strstr(req, needle)) a = i;
    }
    script *s = &scripts[a];
    const char *b = s->n ? s->items[s->next < s->n ? s->next : s->n - 1] : "ok";
    if (s->next < s->n) s->next++;
    char resp[512];
    if (strcmp(b, "timeout") == 0) {
        char sink[256];
        while (recv(c, sink, sizeof sink, 0) > 0) {} /* hold it open until the client gives up */
        return;
    }
    if (strcmp(b, "reset") == 0) {
        struct linger l = {1, 0};
        setsockopt(c, SOL_SOCKET, SO_LINGER, &l, sizeof l);
        return; /* close() now sends RST */
    }
    if (strcmp(b, "ok") == 0 || strcmp(b, "drip") == 0)
        snprintf(resp, sizeof resp, "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nanswer from %s", agent_path[a]);
    else if (strcmp(b, "oom") == 0)
        snprintf(resp, sizeof resp, "HTTP/1.0 500 Internal Server Error\r\n\r\nCUDA error: out of memory");
    else if (strcmp(b, "garbage") == 0)
        snprintf(resp, sizeof resp, "SSH-2.0-OpenSSH_9.2\r\n\r\n");
    else if (strcmp(b, "noend") == 0)
        snprintf(resp, sizeof resp, "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n");
    else {
        /* the status as the script wrote it (valid_item: 1..9 digits) */
        size_t k = strcspn(b, "/");
        uint64_t status = 0;
        if (parse_digits(b, k, 999999999u, &status) != 0) return;
        if (b[k] == '/')
            snprintf(resp, sizeof resp, "HTTP/1.0 %.*s Error\r\nRetry-After: %s\r\n\r\nToo Many Requests", (int)k, b, b + k + 1);
        else
            snprintf(resp, sizeof resp, "HTTP/1.0 %.*s Error\r\n\r\n%s", (int)k, b,
                     status == 429 ? "Too Many Requests" : status == 503 ? "Service Unavailable" : status == 401 ? "missing or expired token" : status == 403 ? "token lacks the agent scope" : "invalid tool arguments");
    }
    if (strcmp(b, "drip") == 0) {
        drip(c, resp);
        return;
    }
    size_t len = strlen(resp), off = 0;
    while (off < len) {
        ssize_t w = send(c, resp + off, len - off, 0);
        if (w <= 0) break;
        off += (size_t)w;
    }
}

/* fork the agent server; returns its pid and sets *port */
static pid_t start_server(script *scripts, uint16_t *port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t sl = sizeof sa;
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(fd, 16) != 0 ||
        getsockname(fd, (struct sockaddr *)&sa, &sl) != 0) {
        perror("agent server");
        exit(2);
    }
    *port = ntohs(sa.sin_port);
    pid_t pid = fork();
    if (pid < 0) { perror("fork"); exit(2); }
    if (pid == 0) {
        for (;;) {
            int c = accept(fd, NULL, NULL);
            if (c < 0) continue;
            serve_one(c, scripts);
            close(c);
        }
    }
    close(fd);
    return pid;
}

/* ---------------------------------------------------------------- client */
typedef struct config { unsigned time_scale, call_timeout_ms, tasks, ngaps; uint32_t gaps[16], seed; uint16_t port; } config;

static struct timespec t0;
static uint64_t real_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)((long long)(t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000);
}
/* The policy's clock.  --clock real: real time plus the part of each wait
 * that --time-scale skipped.  --clock virtual: it advances only by the
 * waits the host makes (in full) and by call timeouts that expired (their
 * real length), never by how long the machine took, so the decisions of a
 * test do not depend on load.  The waits still happen, scaled. */
static bool virtual_clock;
static uint64_t virtual_now, skipped_ms;
static uint32_t now_ms(void) { return (uint32_t)(virtual_clock ? virtual_now : real_ms() + skipped_ms); }
static void sleep_ms(const config *c, uint32_t ms)
{
    uint32_t real = ms / c->time_scale;
    virtual_now += ms;
    skipped_ms += ms - real;
    struct timespec ts = {(time_t)(real / 1000u), (long)(real % 1000u) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {}
}

#define KIND_PROTOCOL 5u
#define RETRY_AFTER_MAX_S 2147483u /* x 1000 = 2,147,483,000 ms, within the 2^31-1 ms the policy takes */

typedef struct reply {
    unsigned status;          /* 100..599, or 0 when the call got none (kind says why) */
    uint8_t kind;
    uint32_t retry_after_ms;  /* 0 when absent or ignored */
    char retry_after_note[96];/* why a Retry-After was ignored, or what was taken */
    char body[256];
} reply;

/* The status line "HTTP/1.x NNN ...": 0 and *status (100..599) when it is
 * one, else -1 and why in msg.  Any other number of digits or a value
 * outside 100..599 is a protocol error, never cast to 16 bits. */
static int parse_status_line(const char *line, size_t len, unsigned *status, char *msg, size_t cap)
{
    if (len < 9 || memcmp(line, "HTTP/1.", 7) != 0 || (line[7] != '0' && line[7] != '1') || line[8] != ' ')
        return snprintf(msg, cap, "protocol error: not an HTTP/1.x status line"), -1;
    const char *d = line + 9;
    size_t n = 0;
    while (9 + n < len && d[n] >= '0' && d[n] <= '9') n++;
    uint64_t v = 0;
    if (n != 3 || (9 + n < len && d[n] != ' ') || parse_digits(d, n, 999u, &v) != 0 || v < 100 || v > 599)
        return snprintf(msg, cap, "protocol error: HTTP status '%.*s' (must be 100 to 599)", (int)(n > 12 ? 12 : n ? n : 1), n ? d : "?"), -1;
    *status = (unsigned)v;
    return 0;
}

/* A Retry-After value (RFC 9110 delay-seconds: 1*DIGIT; blanks around it
 * are dropped): 0 and *ms when it is a whole number of seconds in
 * 0..RETRY_AFTER_MAX_S; -1 otherwise (negative, a date, garbage, or larger:
 * the header is ignored, the policy's own backoff applies).  64-bit
 * arithmetic with a check before each digit: nothing wraps. */
static int parse_retry_after(const char *v, size_t len, uint32_t *ms)
{
    while (len && (*v == ' ' || *v == '\t')) v++, len--;
    while (len && (v[len - 1] == ' ' || v[len - 1] == '\t')) len--;
    uint64_t s;
    if (parse_digits(v, len, RETRY_AFTER_MAX_S, &s) != 0) return -1;
    *ms = (uint32_t)(s * 1000u);
    return 0;
}

/* The value of header `name` (case-insensitive) within the header block
 * h[0..len) (the lines after the status line): 1 found (*v, *vlen), 0 not */
static int find_header(const char *h, size_t len, const char *name, const char **v, size_t *vlen)
{
    size_t nl = strlen(name);
    for (size_t i = 0; i < len;) {
        const char *line = h + i, *eol = memchr(line, '\n', len - i);
        size_t ll = eol ? (size_t)(eol - line) : len - i;
        i += ll + 1;
        if (ll && line[ll - 1] == '\r') ll--;
        if (ll > nl && line[nl] == ':' && strncasecmp(line, name, nl) == 0) {
            const char *b = line + nl + 1, *e = line + ll; /* the value without blanks around it */
            while (b < e && (*b == ' ' || *b == '\t')) b++;
            while (e > b && (e[-1] == ' ' || e[-1] == '\t')) e--;
            *v = b;
            *vlen = (size_t)(e - b);
            return 1;
        }
    }
    return 0;
}

/* Turns a complete reply buf[0..len) into r: status, Retry-After, body. */
static void parse_reply(const char *buf, size_t len, reply *r)
{
    const char *end = NULL;
    for (size_t i = 0; i + 4 <= len; i++)
        if (memcmp(buf + i, "\r\n\r\n", 4) == 0) { end = buf + i; break; }
    if (!end) {
        r->kind = KIND_PROTOCOL;
        snprintf(r->body, sizeof r->body, "protocol error: the reply ends inside its headers");
        return;
    }
    size_t hlen = (size_t)(end - buf);
    if (memchr(buf, 0, hlen)) {
        r->kind = KIND_PROTOCOL;
        snprintf(r->body, sizeof r->body, "protocol error: a NUL byte in the headers");
        return;
    }
    const char *eol = memchr(buf, '\r', hlen + 1);
    size_t sl = (size_t)(eol - buf);
    if (parse_status_line(buf, sl, &r->status, r->body, sizeof r->body) != 0) {
        r->status = 0;
        r->kind = KIND_PROTOCOL;
        return;
    }
    const char *v;
    size_t vl;
    if (sl + 2 <= hlen && find_header(buf + sl + 2, hlen - sl - 2, "Retry-After", &v, &vl)) {
        if (parse_retry_after(v, vl, &r->retry_after_ms) == 0)
            snprintf(r->retry_after_note, sizeof r->retry_after_note, "Retry-After: %lu s", (unsigned long)(r->retry_after_ms / 1000u));
        else
            snprintf(r->retry_after_note, sizeof r->retry_after_note, "Retry-After '%.*s' ignored: not a number of seconds from 0 to %u",
                     (int)(vl > 40 ? 40 : vl), v, RETRY_AFTER_MAX_S);
    }
    size_t blen = len - hlen - 4;
    snprintf(r->body, sizeof r->body, "%.*s", (int)(blen < sizeof r->body ? blen : sizeof r->body - 1), end + 4);
}

/* Waits until fd is ready for `events` or the call's deadline passes:
 * 1 ready, 0 the deadline passed, -1 an error (errno). */
static int wait_fd(int fd, short events, uint64_t deadline)
{
    for (;;) {
        uint64_t now = real_ms();
        if (now >= deadline) return 0;
        struct pollfd pf = {fd, events, 0};
        int r = poll(&pf, 1, (int)(deadline - now > 60000u ? 60000u : deadline - now));
        if (r > 0) return 1;
        if (r < 0 && errno != EINTR) return -1;
    }
}

/* One HTTP call to agent a; fills r (status 0 when the transport failed or
 * the reply was not HTTP).  --call-timeout-ms bounds the whole call. */
static void call_agent(const config *c, int a, reply *r)
{
    memset(r, 0, sizeof *r);
    uint64_t deadline = real_ms() + c->call_timeout_ms;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0 || fcntl(fd, F_SETFL, O_NONBLOCK) != 0) {
        r->kind = KIND_REFUSED;
        snprintf(r->body, sizeof r->body, "socket: %s", strerror(errno));
        if (fd >= 0) close(fd);
        return;
    }
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    sa.sin_port = htons(c->port);
    char req[128], buf[4096];
    int n = snprintf(req, sizeof req, "%s /%s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n", a == AG_FREE ? "POST" : "GET", agent_path[a]);
    size_t len = 0, sent = 0;
    int w = 1, err = 0;
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        if (errno != EINPROGRESS) err = errno;
        else if ((w = wait_fd(fd, POLLOUT, deadline)) > 0) {
            socklen_t el = sizeof err;
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el);
        }
    }
    if (w > 0 && err) {
        r->kind = KIND_REFUSED;
        snprintf(r->body, sizeof r->body, "connect failed: %s", strerror(err));
        close(fd);
        return;
    }
    while (w > 0 && sent < (size_t)n) {
        ssize_t k = send(fd, req + sent, (size_t)n - sent, 0);
        if (k > 0) sent += (size_t)k;
        else if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) w = wait_fd(fd, POLLOUT, deadline);
        else { w = -1; err = errno; }
    }
    while (w > 0 && len < sizeof buf - 1) {
        ssize_t k = recv(fd, buf + len, sizeof buf - 1 - len, 0);
        if (k > 0) len += (size_t)k;
        else if (k == 0) break;
        else if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) w = wait_fd(fd, POLLIN, deadline);
        else { w = -1; err = errno; }
    }
    close(fd);
    if (w == 0) {
        r->kind = KIND_TIMEOUT;
        snprintf(r->body, sizeof r->body, "call timed out after %u ms", c->call_timeout_ms);
    } else if (w < 0) {
        r->kind = KIND_RESET;
        snprintf(r->body, sizeof r->body, "connection reset by peer (%s)", strerror(err ? err : errno));
    } else if (len == 0) {
        r->kind = KIND_RESET;
        snprintf(r->body, sizeof r->body, "connection reset: closed without a reply");
    } else {
        parse_reply(buf, len, r); /* a reply longer than the buffer is cut: its headers are in it or it is refused */
    }
}

static const char *const level_name[4] = {"low", "medium", "high", "critical"};
/* what each escalation level does (the original: log / ticket / on-call / incident) */
static const char *const level_action[4] = {
    "logged, retry recommended, no human intervention",
    "team notified and ticket created",
    "on-call engineer alerted, high-priority ticket created",
    "incident created, emergency team paged, war room started"};

static void degraded_answer(const char *mode)
{
    printf("  degraded (%s): Service temporarily unavailable. Please try again later. "
           "Estimated recovery: 5-10 minutes. Alternatives: use manual process; try again later; check system status.\n", mode);
}

static int run_task(const config *c, agent_call_shared *st, unsigned task)
{
    printf("task %u at %lu ms\n", task, (unsigned long)now_ms());
    agent_call_incident inc;    /* one incident per task (request) */
    agent_call_incident_init(&inc);
    if (agent_call_admit(st, &inc, now_ms()) != RECOV_ALLOW) {
        printf("  breaker open: call rejected\n");
        degraded_answer("cached_answers");
        return 1;
    }
    int a = AG_PRIMARY;
    for (;;) {
        reply r;
        call_agent(c, a, &r);
        if (r.kind == KIND_TIMEOUT) virtual_now += c->call_timeout_ms; /* real time that passed, not scaled */
        if (r.status == 200) {
            agent_call_succeeded(st, &inc, now_ms());
            printf("  %s: 200 %s\n", agent_path[a], r.body);
            return 0;
        }
        agent_call_fault f = {(uint16_t)r.status, r.kind, r.body, r.retry_after_ms};
        recov_decision d = agent_call_failed(st, &inc, &f, now_ms());
        printf("  %s: %u %s -> %s (%s), attempt %u\n", agent_path[a], r.status, r.body, agent_call_error_name(d.error),
               level_name[d.severity & 3u], d.attempt);
        if (r.retry_after_note[0]) printf("  %s\n", r.retry_after_note);
        while (d.kind == RECOV_RUN) {
            reply h;
            call_agent(c, AG_FREE, &h);
            printf("  run %s (timeout %lu ms): %s\n", agent_call_handler_name(d.id), (unsigned long)d.ms,
                   h.status == 200 ? "ok" : "failed");
            d = agent_call_handler_done(st, &inc, h.status == 200, now_ms());
        }
        switch (d.kind) {
        case RECOV_RETRY:
            printf("  retry in %lu ms\n", (unsigned long)d.ms);
            sleep_ms(c, d.ms);
            break;
        case RECOV_ADJUST:
            printf("  adjust %s, retry in %lu ms\n", agent_call_adjust_name(d.id), (unsigned long)d.ms);
            sleep_ms(c, d.ms);
            break;
        case RECOV_FALLBACK:
            a = d.id == agent_call_ALT_BACKUP_AGENT ? AG_BACKUP : AG_LOCAL;
            printf("  fall back to %s\n", agent_call_alt_name(d.id));
            break;
        case RECOV_DEGRADE:
            degraded_answer(agent_call_mode_name(d.id));
            return 1;
        case RECOV_ESCALATE:
            printf("  escalate %s to %s (SLA %lu ms): %s\n", level_name[d.level & 3u], agent_call_channel_name(d.id),
                   (unsigned long)d.ms, level_action[d.level & 3u]);
            return 2;
        default:
            printf("  abort\n");
            return 3;
        }
    }
}

/* SIGTERM / SIGINT: the agent server goes with the host */
static volatile sig_atomic_t server_pid;
static void stop(int sig)
{
    if (server_pid > 0) kill((pid_t)server_pid, SIGTERM);
    _exit(128 + sig);
}

/* an option's number: digits only, in lo..hi, else a message (-1) */
static int opt_num(const char *opt, const char *v, unsigned lo, unsigned hi, unsigned *out)
{
    uint64_t x;
    if (parse_digits(v, strlen(v), hi, &x) != 0 || x < lo) {
        fprintf(stderr, "agent_host: %s: '%s' is not a number in %u..%u\n", opt, v, lo, hi);
        return -1;
    }
    *out = (unsigned)x;
    return 0;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    static script scripts[AG_COUNT];
    for (int i = 0; i < AG_COUNT; i++) parse_script(&scripts[i], "ok");
    config c = {1, 1000, 1, 1, {1000}, 42, 0};
    for (int i = 1; i < argc; i += 2) {
        const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v) goto usage;
        if (!strcmp(o, "--primary")) { if (parse_script(&scripts[AG_PRIMARY], v)) return 2; }
        else if (!strcmp(o, "--backup")) { if (parse_script(&scripts[AG_BACKUP], v)) return 2; }
        else if (!strcmp(o, "--local")) { if (parse_script(&scripts[AG_LOCAL], v)) return 2; }
        else if (!strcmp(o, "--free-caches")) { if (parse_script(&scripts[AG_FREE], v)) return 2; }
        else if (!strcmp(o, "--tasks")) { if (opt_num(o, v, 1, 10000, &c.tasks)) return 2; }
        else if (!strcmp(o, "--gap-ms")) {
            /* MS[,MS...]: at most 16, each 0..2147483647 */
            for (c.ngaps = 0;;) {
                size_t k = strcspn(v, ",");
                uint64_t g;
                if (c.ngaps == 16 || parse_digits(v, k, 2147483647u, &g) != 0) {
                    fprintf(stderr, "agent_host: --gap-ms: '%s' is not 1..16 numbers in 0..2147483647 separated by ','\n", argv[i + 1]);
                    return 2;
                }
                c.gaps[c.ngaps++] = (uint32_t)g;
                if (!v[k]) break;
                v += k + 1;
            }
        }
        else if (!strcmp(o, "--time-scale")) { if (opt_num(o, v, 1, 1000000, &c.time_scale)) return 2; }
        else if (!strcmp(o, "--call-timeout-ms")) { if (opt_num(o, v, 1, 600000, &c.call_timeout_ms)) return 2; }
        else if (!strcmp(o, "--seed")) {
            unsigned seed;
            if (opt_num(o, v, 0, 4294967295u, &seed)) return 2;
            c.seed = (uint32_t)seed;
        }
        else if (!strcmp(o, "--clock") && (!strcmp(v, "virtual") || !strcmp(v, "real"))) virtual_clock = v[0] == 'v';
        else goto usage;
    }
    signal(SIGPIPE, SIG_IGN);
    pid_t server = start_server(scripts, &c.port);
    server_pid = (sig_atomic_t)server;
    signal(SIGTERM, stop);
    signal(SIGINT, stop);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    agent_call_shared st;
    agent_call_shared_init(&st, now_ms(), c.seed);
    unsigned ok = 0;
    for (unsigned t = 1; t <= c.tasks; t++) {
        if (run_task(&c, &st, t) == 0) ok++;
        if (t < c.tasks) sleep_ms(&c, c.gaps[t - 1 < c.ngaps ? t - 1 : c.ngaps - 1]);
    }
    printf("done: %u of %u tasks answered by an agent\n", ok, c.tasks);
    kill(server, SIGTERM);
    waitpid(server, NULL, 0);
    return ok == c.tasks ? 0 : 1;
usage:
    fprintf(stderr, "usage: agent_host [--primary S] [--backup S] [--local S] [--free-caches S] [--tasks N]\n"
                    "                  [--gap-ms MS[,MS...]] [--time-scale N] [--call-timeout-ms MS] [--seed N] [--clock real|virtual]\n"
                    "  S: comma-separated ok, oom, timeout, reset, drip, garbage, noend, STATUS, STATUS/RETRY-AFTER\n"
                    "  --tasks 1..10000, --gap-ms 0..2147483647 (at most 16), --time-scale 1..1000000,\n"
                    "  --call-timeout-ms 1..600000 (the whole call, real time), --seed 0..4294967295\n");
    return 2;
}
