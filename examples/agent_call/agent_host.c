/* agent_host.c - calls agents over real HTTP on 127.0.0.1 and recovers with
 * the agent_call policy (seed 004).
 *
 * The program starts its own agent server (a child process listening on a
 * loopback port) whose answers are scripted per agent: `ok`, an HTTP status
 * (`429`, `503`, `400`, ...), `429/S` (429 with Retry-After: S seconds),
 * `oom` (500 "CUDA error: out of memory"), `timeout` (never answers) or
 * `reset` (closes the connection with a TCP reset).  Each agent's script is
 * consumed one call at a time; its last entry repeats.
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
 * divided by --time-scale when the program waits; --call-timeout-ms is real.  With --clock virtual the policy's
 * clock moves only by the waits and call timeouts, so tests decide the same however loaded the machine is.)
 */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

/* ---------------------------------------------------------------- server */
typedef struct script { char items[64][16]; unsigned n, next; } script;

static void parse_script(script *s, const char *text)
{
    s->n = s->next = 0;
    const char *p = text;
    while (*p && s->n < 64) {
        size_t k = strcspn(p, ",");
        size_t m = k < 15 ? k : 15;
        memcpy(s->items[s->n], p, m);
        s->items[s->n][m] = 0;
        s->n++;
        p += k;
        if (*p == ',') p++;
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
    s->next++;
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
    if (strcmp(b, "ok") == 0)
        snprintf(resp, sizeof resp, "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nanswer from %s", agent_path[a]);
    else if (strcmp(b, "oom") == 0)
        snprintf(resp, sizeof resp, "HTTP/1.0 500 Internal Server Error\r\n\r\nCUDA error: out of memory");
    else {
        unsigned status = (unsigned)atoi(b);
        const char *slash = strchr(b, '/');
        if (slash)
            snprintf(resp, sizeof resp, "HTTP/1.0 %u Error\r\nRetry-After: %s\r\n\r\nToo Many Requests", status, slash + 1);
        else
            snprintf(resp, sizeof resp, "HTTP/1.0 %u Error\r\n\r\n%s", status,
                     status == 429 ? "Too Many Requests" : status == 503 ? "Service Unavailable" : status == 401 ? "missing or expired token" : status == 403 ? "token lacks the agent scope" : "invalid tool arguments");
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
/* --clock virtual: the policy's clock advances only by the waits the host
 * makes (and by call timeouts), never by how long the machine took, so the
 * decisions of a test do not depend on load.  The waits still happen, scaled
 * by --time-scale. */
static bool virtual_clock;
static uint32_t virtual_now;
static uint32_t now_ms(const config *c)
{
    if (virtual_clock) return virtual_now;
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    long long ms = (long long)(t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000;
    return (uint32_t)((unsigned long long)ms * c->time_scale);
}
static void sleep_ms(const config *c, uint32_t ms)
{
    if (virtual_clock) virtual_now += ms;
    unsigned long real = ms / c->time_scale;
    struct timespec ts = {(time_t)(real / 1000u), (long)(real % 1000u) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {}
}

typedef struct reply { unsigned status; uint8_t kind; uint32_t retry_after_ms; char body[256]; } reply;

/* one HTTP call to agent a; fills r (status 0 when the transport failed) */
static void call_agent(const config *c, int a, reply *r)
{
    memset(r, 0, sizeof *r);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    sa.sin_port = htons(c->port);
    struct timeval tv = {(time_t)(c->call_timeout_ms / 1000u), (suseconds_t)(c->call_timeout_ms % 1000u) * 1000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        r->kind = KIND_REFUSED;
        snprintf(r->body, sizeof r->body, "connect failed: %s", strerror(errno));
        close(fd);
        return;
    }
    char req[128], buf[2048];
    int n = snprintf(req, sizeof req, "%s /%s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n", a == AG_FREE ? "POST" : "GET", agent_path[a]);
    if (send(fd, req, (size_t)n, 0) < 0) {}
    size_t len = 0;
    for (;;) {
        ssize_t k = recv(fd, buf + len, sizeof buf - 1 - len, 0);
        if (k > 0) { len += (size_t)k; continue; }
        if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            r->kind = KIND_TIMEOUT;
            snprintf(r->body, sizeof r->body, "read timed out after %u ms", c->call_timeout_ms);
        } else if (k < 0) {
            r->kind = KIND_RESET;
            snprintf(r->body, sizeof r->body, "connection reset by peer (%s)", strerror(errno));
        } else if (len == 0) {
            r->kind = KIND_RESET;
            snprintf(r->body, sizeof r->body, "connection reset: closed without a reply");
        }
        break;
    }
    close(fd);
    if (r->kind) return;
    buf[len] = 0;
    unsigned st = 0;
    if (sscanf(buf, "HTTP/1.%*c %u", &st) != 1) {
        snprintf(r->body, sizeof r->body, "malformed reply");
        return;
    }
    r->status = st;
    const char *ra = strstr(buf, "Retry-After: ");
    if (ra) r->retry_after_ms = (uint32_t)strtoul(ra + 13, NULL, 10) * 1000u;
    const char *body = strstr(buf, "\r\n\r\n");
    snprintf(r->body, sizeof r->body, "%s", body ? body + 4 : "");
}

static const char *const level_name[4] = {"low", "medium", "high", "critical"};
/* what each escalation level does (seed: log / ticket / on-call / incident) */
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
    printf("task %u at %lu ms\n", task, (unsigned long)now_ms(c));
    agent_call_incident inc;    /* one incident per task (request) */
    agent_call_incident_init(&inc);
    if (agent_call_admit(st, &inc, now_ms(c)) != RECOV_ALLOW) {
        printf("  breaker open: call rejected\n");
        degraded_answer("cached_answers");
        return 1;
    }
    int a = AG_PRIMARY;
    for (;;) {
        reply r;
        call_agent(c, a, &r);
        if (virtual_clock && r.kind == KIND_TIMEOUT) virtual_now += c->call_timeout_ms * c->time_scale;
        if (r.status == 200) {
            agent_call_succeeded(st, &inc, now_ms(c));
            printf("  %s: 200 %s\n", agent_path[a], r.body);
            return 0;
        }
        agent_call_fault f = {(uint16_t)r.status, r.kind, r.body, r.retry_after_ms};
        recov_decision d = agent_call_failed(st, &inc, &f, now_ms(c));
        printf("  %s: %u %s -> %s (%s), attempt %u\n", agent_path[a], r.status, r.body, agent_call_error_name(d.error),
               level_name[d.severity & 3u], d.attempt);
        while (d.kind == RECOV_RUN) {
            reply h;
            call_agent(c, AG_FREE, &h);
            printf("  run %s (timeout %lu ms): %s\n", agent_call_handler_name(d.id), (unsigned long)d.ms,
                   h.status == 200 ? "ok" : "failed");
            d = agent_call_handler_done(st, &inc, h.status == 200, now_ms(c));
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

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    static script scripts[AG_COUNT];
    parse_script(&scripts[AG_PRIMARY], "ok");
    parse_script(&scripts[AG_BACKUP], "ok");
    parse_script(&scripts[AG_LOCAL], "ok");
    parse_script(&scripts[AG_FREE], "ok");
    config c = {1, 1000, 1, 1, {1000}, 42, 0};
    for (int i = 1; i < argc; i += 2) {
        const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v) goto usage;
        if (!strcmp(o, "--primary")) parse_script(&scripts[AG_PRIMARY], v);
        else if (!strcmp(o, "--backup")) parse_script(&scripts[AG_BACKUP], v);
        else if (!strcmp(o, "--local")) parse_script(&scripts[AG_LOCAL], v);
        else if (!strcmp(o, "--free-caches")) parse_script(&scripts[AG_FREE], v);
        else if (!strcmp(o, "--tasks")) c.tasks = (unsigned)strtoul(v, NULL, 0);
        else if (!strcmp(o, "--gap-ms")) {
            char *e;
            for (c.ngaps = 0; c.ngaps < 16 && *v; v = *e ? e + 1 : e) c.gaps[c.ngaps++] = (uint32_t)strtoul(v, &e, 0);
            if (c.ngaps == 0) goto usage;
        }
        else if (!strcmp(o, "--time-scale")) c.time_scale = (unsigned)strtoul(v, NULL, 0) ? (unsigned)strtoul(v, NULL, 0) : 1u;
        else if (!strcmp(o, "--call-timeout-ms")) c.call_timeout_ms = (unsigned)strtoul(v, NULL, 0);
        else if (!strcmp(o, "--seed")) c.seed = (uint32_t)strtoul(v, NULL, 0);
        else if (!strcmp(o, "--clock") && (!strcmp(v, "virtual") || !strcmp(v, "real"))) virtual_clock = v[0] == 'v';
        else goto usage;
    }
    signal(SIGPIPE, SIG_IGN);
    pid_t server = start_server(scripts, &c.port);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    agent_call_shared st;
    agent_call_shared_init(&st, now_ms(&c), c.seed);
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
                    "                  [--gap-ms MS] [--time-scale N] [--call-timeout-ms MS] [--seed N] [--clock real|virtual]\n");
    return 2;
}
