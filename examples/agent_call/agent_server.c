/* agent_server.c - a small concurrent server whose calls to an AI agent
 * recover under the agent_server policy (agent_server.recov).
 *
 * One process, all on 127.0.0.1:
 *   - a loopback agent (primary, backup_agent, local_model, and the
 *     free_caches endpoint) whose answers follow a script keyed on each
 *     agent's call count: `ok`, `stall` (200 after --stall-ms), `timeout`
 *     (no answer: the call's deadline), `reset`, `oom`, or an HTTP status;
 *   - --workers N worker threads serving requests on a front socket;
 *   - a load generator: --clients threads sending --requests requests,
 *     each waiting --gap-ms (policy time) after each reply.
 * Each request is an incident (agent_server_incident on the worker's
 * stack); the agent's health is one agent_server_shared behind one mutex:
 * every policy call on it is made under the mutex, never an agent call.
 * A call the target's breaker refuses is reported to the policy as a
 * fault of kind KIND_NOT_ADMITTED (the policy sends it to the
 * alternatives); one a limit refuses waits for a free slot or the next
 * token (agent_server_admit_in) and asks again.
 *
 * Every event is one JSON object per line in --log (admit / refuse with the
 * reason, call_start / call_end with the target, each decision, the
 * terminal outcome, the load generator's reply); check_server_log.py checks
 * them.  usage: agent_server --help.
 */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "agent_server.h"

#define KIND_TIMEOUT 3u
#define KIND_REFUSED 4u
#define KIND_NOT_ADMITTED 20u

enum { AG_PRIMARY, AG_BACKUP, AG_LOCAL, AG_FREE, AG_COUNT };
static const char *const agent_name[AG_COUNT] = {"primary", "backup_agent", "local_model", "free_caches"};

/* ------------------------------------------------------------ options */
static unsigned parse_num(const char *s, unsigned lo, unsigned hi, bool *bad)
{
    unsigned long v = 0;
    if (!*s) *bad = true;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || v > 100000000ul) { *bad = true; return lo; }
        v = v * 10u + (unsigned)(*s - '0');
    }
    if (v < lo || v > hi) *bad = true;
    return (unsigned)v;
}

/* ------------------------------------------------------------ scripts */
/* An agent's script: entries ITEM or ITEM*K (K calls), comma-separated; the
 * last entry repeats.  Call n (from 0) of an agent takes the entry that
 * covers n, whatever thread makes it: behaviour keyed on call counts. */
#define SCRIPT_MAX 32
typedef struct entry { char item[12]; unsigned times; } entry;
typedef struct script { entry e[SCRIPT_MAX]; unsigned n; atomic_uint calls; } script;
static script scripts[AG_COUNT];

static bool valid_item(const char *b)
{
    static const char *const words[] = {"ok", "stall", "timeout", "reset", "oom"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (!strcmp(b, words[i])) return true;
    bool bad = false;
    parse_num(b, 100, 599, &bad);
    return !bad && strlen(b) == 3;
}

static int parse_script(script *s, const char *text)
{
    s->n = 0;
    for (const char *p = text; *p;) {
        size_t k = strcspn(p, ","), m = strcspn(p, "*,");
        if (s->n == SCRIPT_MAX || m == 0 || m >= sizeof s->e[0].item) goto bad;
        entry *e = &s->e[s->n++];
        memcpy(e->item, p, m);
        e->item[m] = 0;
        e->times = 1;
        if (m < k) {
            char num[12];
            bool badn = false;
            if (k - m - 1 >= sizeof num) goto bad;
            memcpy(num, p + m + 1, k - m - 1);
            num[k - m - 1] = 0;
            e->times = parse_num(num, 1, 1000000, &badn);
            if (badn) goto bad;
        }
        if (!valid_item(e->item)) goto bad;
        p += k;
        if (*p == ',' && !*++p) goto bad;
    }
    if (s->n) return 0;
bad:
    fprintf(stderr, "agent_server: bad script '%s': at most %d entries ITEM or ITEM*K, ITEM ok, stall, timeout, reset, oom or a status 100..599\n",
            text, SCRIPT_MAX);
    return -1;
}

static const char *script_item(script *s)
{
    unsigned n = atomic_fetch_add(&s->calls, 1u);
    for (unsigned i = 0; i + 1 < s->n; i++) {
        if (n < s->e[i].times) return s->e[i].item;
        n -= s->e[i].times;
    }
    return s->e[s->n - 1].item;
}

/* --script FILE: lines "AGENT SCRIPT" (AGENT primary, backup_agent,
 * local_model or free_caches); blank lines and # comments are skipped */
static int read_script_file(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) return fprintf(stderr, "agent_server: %s: %s\n", path, strerror(errno)), -1;
    char line[512];
    int rc = 0;
    while (rc == 0 && fgets(line, sizeof line, f)) {
        char name[32], text[480];
        if (line[strspn(line, " \t")] == '#' || sscanf(line, "%31s %479s", name, text) < 1) continue;
        int a = -1;
        for (int i = 0; i < AG_COUNT; i++)
            if (!strcmp(name, agent_name[i])) a = i;
        if (a < 0 || sscanf(line, "%31s %479s", name, text) != 2) {
            fprintf(stderr, "agent_server: %s: '%s' is not 'AGENT SCRIPT'\n", path, name);
            rc = -1;
        } else
            rc = parse_script(&scripts[a], text);
    }
    fclose(f);
    return rc;
}

/* ------------------------------------------------------------ time and log */
static struct timespec t0;
static unsigned time_scale = 100, stall_ms = 200, call_timeout_ms = 5000;

static uint64_t real_us(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)((t.tv_sec - t0.tv_sec) * 1000000LL + (t.tv_nsec - t0.tv_nsec) / 1000);
}
/* The policy's clock: real time x --time-scale (a 1 s retry delay is
 * 10 ms of real waiting at 100).  Read only under the agent's mutex, so the
 * shared part sees it never go back. */
static uint32_t policy_now(void) { return (uint32_t)(real_us() * time_scale / 1000u); }
static void sleep_policy_ms(uint32_t ms)
{
    uint64_t us = (uint64_t)ms * 1000u / time_scale;
    struct timespec ts = {(time_t)(us / 1000000u), (long)(us % 1000000u) * 1000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {}
}

static FILE *log_file;
static pthread_mutex_t log_mu = PTHREAD_MUTEX_INITIALIZER;
static unsigned long log_seq;
/* one JSON object per line: {"seq":N,<fields>}; seq is the order of the lines */
static void jlog(const char *fmt, ...)
{
    if (!log_file) return;
    va_list ap;
    va_start(ap, fmt);
    pthread_mutex_lock(&log_mu);
    fprintf(log_file, "{\"seq\":%lu,", ++log_seq);
    vfprintf(log_file, fmt, ap);
    fputs("}\n", log_file);
    pthread_mutex_unlock(&log_mu);
    va_end(ap);
}

/* ------------------------------------------------------------ the agent */
static int agent_fd, front_fd;
static uint16_t agent_port, front_port;
static atomic_int agent_conns; /* connection threads still running */
static atomic_bool stopping;

static void send_all(int c, const char *p, size_t n)
{
    while (n) {
        ssize_t w = send(c, p, n, MSG_NOSIGNAL);
        if (w <= 0) return;
        p += w, n -= (size_t)w;
    }
}

static void *agent_conn(void *arg)
{
    int c = (int)(intptr_t)arg;
    char req[512], resp[256];
    ssize_t n = recv(c, req, sizeof req - 1, 0);
    if (n > 0) {
        req[n] = 0;
        int a = AG_PRIMARY;
        for (int i = 1; i < AG_COUNT; i++) {
            char needle[32];
            snprintf(needle, sizeof needle, " /%s ", agent_name[i]);
            if (strstr(req, needle)) a = i;
        }
        const char *b = script_item(&scripts[a]);
        if (!strcmp(b, "timeout")) {
            while (recv(c, req, sizeof req, 0) > 0) {} /* until the caller gives up */
        } else if (!strcmp(b, "reset")) {
            struct linger l = {1, 0};
            setsockopt(c, SOL_SOCKET, SO_LINGER, &l, sizeof l);
        } else {
            if (!strcmp(b, "stall")) {
                struct timespec ts = {(time_t)(stall_ms / 1000u), (long)(stall_ms % 1000u) * 1000000L};
                while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {}
            }
            if (!strcmp(b, "ok") || !strcmp(b, "stall"))
                snprintf(resp, sizeof resp, "HTTP/1.0 200 OK\r\n\r\nanswer from %s", agent_name[a]);
            else if (!strcmp(b, "oom"))
                snprintf(resp, sizeof resp, "HTTP/1.0 500 Internal Server Error\r\n\r\nCUDA error: out of memory");
            else
                snprintf(resp, sizeof resp, "HTTP/1.0 %s Error\r\n\r\n%s", b,
                         !strcmp(b, "429") ? "Too Many Requests" : !strcmp(b, "503") ? "Service Unavailable" : "agent error");
            send_all(c, resp, strlen(resp));
        }
    }
    close(c);
    atomic_fetch_sub(&agent_conns, 1);
    return NULL;
}

static void *agent_main(void *unused)
{
    (void)unused;
    for (;;) {
        int c = accept(agent_fd, NULL, NULL);
        if (c < 0) {
            if (atomic_load(&stopping)) return NULL;
            continue;
        }
        pthread_t t;
        atomic_fetch_add(&agent_conns, 1);
        if (pthread_create(&t, NULL, agent_conn, (void *)(intptr_t)c) != 0) {
            close(c);
            atomic_fetch_sub(&agent_conns, 1);
        } else {
            pthread_detach(t);
        }
    }
}

static int listen_loopback(uint16_t *port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t sl = sizeof sa;
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(fd, 128) != 0 ||
        getsockname(fd, (struct sockaddr *)&sa, &sl) != 0) {
        perror("agent_server: listen");
        exit(2);
    }
    *port = ntohs(sa.sin_port);
    return fd;
}

static int connect_loopback(uint16_t port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    sa.sin_port = htons(port);
    if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        close(fd);
        fd = -1;
    }
    return fd;
}

/* ------------------------------------------------------------ calling it */
typedef struct reply { unsigned status; uint8_t kind; char body[128]; } reply;

/* One HTTP/1.0 call to agent a within call_timeout_ms (real time). */
static void call_agent(int a, reply *r)
{
    memset(r, 0, sizeof *r);
    int fd = connect_loopback(agent_port);
    if (fd < 0) {
        r->kind = KIND_REFUSED;
        snprintf(r->body, sizeof r->body, "connect failed: %s", strerror(errno));
        return;
    }
    char buf[1024];
    int n = snprintf(buf, sizeof buf, "%s /%s HTTP/1.0\r\n\r\n", a == AG_FREE ? "POST" : "GET", agent_name[a]);
    send_all(fd, buf, (size_t)n);
    size_t len = 0;
    uint64_t deadline = real_us() + call_timeout_ms * 1000ull;
    bool timed_out = false;
    for (;;) {
        uint64_t now = real_us();
        struct pollfd pf = {fd, POLLIN, 0};
        if (now >= deadline || poll(&pf, 1, (int)((deadline - now) / 1000u) + 1) == 0) { timed_out = true; break; }
        ssize_t k = recv(fd, buf + len, sizeof buf - 1 - len, 0);
        if (k <= 0 || (len += (size_t)k) == sizeof buf - 1) break;
    }
    close(fd);
    buf[len] = 0;
    unsigned st = 0;
    const char *body = strstr(buf, "\r\n\r\n");
    if (timed_out) {
        r->kind = KIND_TIMEOUT;
        snprintf(r->body, sizeof r->body, "call timed out after %u ms", call_timeout_ms);
    } else if (len == 0) {
        r->kind = 2; /* reset: found by its text */
        snprintf(r->body, sizeof r->body, "connection reset by peer");
    } else if (sscanf(buf, "HTTP/1.%*1[01] %3u", &st) == 1 && st >= 100 && st <= 599 && body) {
        r->status = st;
        snprintf(r->body, sizeof r->body, "%s", body + 4);
    } else {
        r->kind = 5;
        snprintf(r->body, sizeof r->body, "protocol error: not HTTP");
    }
}

/* ------------------------------------------------------------ requests */
typedef struct dependency {
    pthread_mutex_t mu;        /* every call on `shared` is made holding it */
    agent_server_shared shared;
    pthread_cond_t freed;      /* signalled when an outcome frees a `limit concurrent` slot */
    unsigned inflight, peak;   /* admitted calls without an outcome yet (under mu) */
    unsigned refused[4];       /* by recov_admit reason (under mu) */
    uint32_t first_open, last_open; /* policy time of the first and last breaker refusal (under mu) */
} dependency;
static dependency agent = {PTHREAD_MUTEX_INITIALIZER, {0}, PTHREAD_COND_INITIALIZER, 0, 0, {0}, 0, 0};

static const char *const admit_name[] = {"allow", "breaker_open", "rate_limited", "full"};
static const char *const kind_name[] = {"none", "retry", "adjust", "run", "fallback", "degrade", "escalate", "abort"};

static const char *admit_reason(recov_admit a) { return (unsigned)a < 4u ? admit_name[a] : "refused"; }

/* logs decision d of request id (under the agent's mutex, so the log's order
 * is the shared part's) */
static void log_decision(unsigned id, const recov_decision *d, uint32_t now)
{
    const char *what = "";
    if (d->kind == RECOV_FALLBACK) what = agent_server_alt_name(d->id);
    else if (d->kind == RECOV_DEGRADE) what = agent_server_mode_name(d->id);
    else if (d->kind == RECOV_ESCALATE) what = agent_server_channel_name(d->id);
    else if (d->kind == RECOV_RUN) what = agent_server_handler_name(d->id);
    else if (d->kind == RECOV_ADJUST) what = agent_server_adjust_name(d->id);
    jlog("\"ev\":\"decision\",\"req\":%u,\"now\":%lu,\"kind\":\"%s\",\"error\":\"%s\",\"attempt\":%u,\"ms\":%lu,\"id\":\"%s\"", id,
         (unsigned long)now, (unsigned)d->kind < 8u ? kind_name[d->kind] : "?", agent_server_error_name(d->error), d->attempt,
         (unsigned long)d->ms, what ? what : "");
}

typedef enum outcome { OUT_PRIMARY, OUT_ALTERNATIVE, OUT_DEGRADED, OUT_ESCALATED, OUT_ABORTED } outcome;
static const char *const outcome_name[] = {"primary", "alternative", "degraded", "escalated", "aborted"};

/* Serves request id: the incident lives on this stack. */
static outcome serve_request(unsigned id)
{
    agent_server_incident inc;
    agent_server_incident_init(&inc);
    int target = AG_PRIMARY;
    for (;;) {
        recov_decision d;
        reply r;
        pthread_mutex_lock(&agent.mu);
        uint32_t now = policy_now();
        recov_admit a = agent_server_admit(&agent.shared, &inc, now);
        /* a limit refuses: wait for a free slot (an outcome signals it) or
         * for the next token (P_admit_in), then ask again */
        while (a == RECOV_FULL || a == RECOV_RATE_LIMITED) {
            agent.refused[a]++;
            jlog("\"ev\":\"refuse\",\"req\":%u,\"now\":%lu,\"target\":\"%s\",\"reason\":\"%s\"", id, (unsigned long)now,
                 agent_name[target], admit_reason(a));
            if (a == RECOV_FULL) {
                pthread_cond_wait(&agent.freed, &agent.mu);
            } else {
                uint32_t in = agent_server_admit_in(&agent.shared, &inc, now);
                pthread_mutex_unlock(&agent.mu);
                sleep_policy_ms(in == RECOV_ADMIT_IN_UNKNOWN || in == 0 ? 1u : in);
                pthread_mutex_lock(&agent.mu);
            }
            now = policy_now();
            a = agent_server_admit(&agent.shared, &inc, now);
        }
        if (a == RECOV_ALLOW) {
            if (++agent.inflight > agent.peak) agent.peak = agent.inflight;
            jlog("\"ev\":\"admit\",\"req\":%u,\"now\":%lu,\"target\":\"%s\"", id, (unsigned long)now, agent_name[target]);
            jlog("\"ev\":\"call_start\",\"req\":%u,\"target\":\"%s\"", id, agent_name[target]);
        } else {
            if (a == RECOV_REJECT) {
                if (!agent.refused[RECOV_REJECT]) agent.first_open = now;
                agent.last_open = now;
            }
            agent.refused[(unsigned)a & 3u]++;
            jlog("\"ev\":\"refuse\",\"req\":%u,\"now\":%lu,\"target\":\"%s\",\"reason\":\"%s\"", id, (unsigned long)now,
                 agent_name[target], admit_reason(a));
            agent_server_fault f = {0, KIND_NOT_ADMITTED, admit_reason(a), 0};
            d = agent_server_failed(&agent.shared, &inc, &f, now);
            log_decision(id, &d, now);
        }
        pthread_mutex_unlock(&agent.mu);
        if (a == RECOV_ALLOW) {
            call_agent(target, &r); /* no lock held while calling */
            pthread_mutex_lock(&agent.mu);
            now = policy_now();
            agent.inflight--;
            pthread_cond_broadcast(&agent.freed); /* the outcome below frees a slot */
            jlog("\"ev\":\"call_end\",\"req\":%u,\"target\":\"%s\",\"status\":%u,\"kind\":%u", id, agent_name[target], r.status,
                 (unsigned)r.kind);
            if (r.status == 200) {
                agent_server_succeeded(&agent.shared, &inc, now);
                jlog("\"ev\":\"success\",\"req\":%u,\"now\":%lu,\"target\":\"%s\"", id, (unsigned long)now, agent_name[target]);
                pthread_mutex_unlock(&agent.mu);
                return target == AG_PRIMARY ? OUT_PRIMARY : OUT_ALTERNATIVE;
            }
            agent_server_fault f = {(uint16_t)r.status, r.kind, r.body, 0};
            d = agent_server_failed(&agent.shared, &inc, &f, now);
            log_decision(id, &d, now);
            pthread_mutex_unlock(&agent.mu);
        }
        while (d.kind == RECOV_RUN) {
            reply h;
            call_agent(AG_FREE, &h);
            pthread_mutex_lock(&agent.mu);
            now = policy_now();
            d = agent_server_handler_done(&agent.shared, &inc, h.status == 200, now);
            log_decision(id, &d, now);
            pthread_mutex_unlock(&agent.mu);
        }
        switch (d.kind) {
        case RECOV_RETRY:
        case RECOV_ADJUST: sleep_policy_ms(d.ms); break;
        case RECOV_FALLBACK: target = d.id == agent_server_ALT_BACKUP_AGENT ? AG_BACKUP : AG_LOCAL; break;
        case RECOV_DEGRADE: return OUT_DEGRADED;
        case RECOV_ESCALATE: return OUT_ESCALATED;
        default: return OUT_ABORTED;
        }
    }
}

/* a worker: one request per connection on the front socket ("REQ <id>\n"
 * in, "<id> <outcome>\n" out) until the front socket is shut down */
static void *worker_main(void *unused)
{
    (void)unused;
    for (;;) {
        int c = accept(front_fd, NULL, NULL);
        if (c < 0) {
            if (atomic_load(&stopping)) return NULL;
            continue;
        }
        char line[64];
        ssize_t n = recv(c, line, sizeof line - 1, 0);
        unsigned id;
        if (n > 0 && (line[n] = 0, sscanf(line, "REQ %u", &id) == 1)) {
            char out[64];
            int k = snprintf(out, sizeof out, "%u %s\n", id, outcome_name[serve_request(id)]);
            send_all(c, out, (size_t)k);
        }
        close(c);
    }
}

/* ------------------------------------------------------------ load */
static unsigned requests = 40, gap_ms;
static atomic_uint next_request = 1;
static atomic_uint outcomes[5];

static void *client_main(void *unused)
{
    (void)unused;
    for (unsigned id; (id = atomic_fetch_add(&next_request, 1u)) <= requests;) {
        int fd = connect_loopback(front_port);
        char buf[64] = "", out[64];
        if (fd >= 0) {
            int k = snprintf(out, sizeof out, "REQ %u\n", id);
            send_all(fd, out, (size_t)k);
            size_t len = 0;
            ssize_t r;
            while (len < sizeof buf - 1 && (r = recv(fd, buf + len, sizeof buf - 1 - len, 0)) > 0) len += (size_t)r;
            buf[len] = 0;
            close(fd);
        }
        unsigned rid = 0;
        char what[16] = "none";
        sscanf(buf, "%u %15s", &rid, what);
        for (unsigned o = 0; o < 5; o++)
            if (rid == id && !strcmp(what, outcome_name[o])) atomic_fetch_add(&outcomes[o], 1u);
        jlog("\"ev\":\"reply\",\"req\":%u,\"outcome\":\"%s\"", id, rid == id ? what : "none");
        sleep_policy_ms(gap_ms);
    }
    return NULL;
}

static void usage(void)
{
    fprintf(stderr,
            "usage: agent_server [--workers N] [--clients N] [--requests N] [--gap-ms MS] [--log FILE] [--seed N]\n"
            "                    [--script FILE] [--primary S] [--backup S] [--local S] [--free-caches S]\n"
            "                    [--time-scale N] [--stall-ms MS] [--call-timeout-ms MS]\n"
            "  S: ITEM or ITEM*K, comma-separated, the last repeats; ITEM ok, stall, timeout, reset, oom, 100..599\n"
            "  --workers 1..64 (8), --clients 1..256 (2 x workers), --requests 1..100000 (40), --gap-ms 0..600000 (0: policy ms a\n"
            "  client waits after each reply), --time-scale 1..1000 (100:\n"
            "  the policy's clock runs 100 times real time), --stall-ms 0..60000 (200), --call-timeout-ms 1..600000 (5000)\n");
}

int main(int argc, char **argv)
{
    unsigned workers = 8, clients = 0, seed = 42;
    const char *log_path = NULL;
    for (int i = 0; i < AG_COUNT; i++) parse_script(&scripts[i], "ok");
    for (int i = 1; i < argc; i += 2) {
        const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        bool bad = false;
        if (!v) return usage(), 2;
        if (!strcmp(o, "--workers")) workers = parse_num(v, 1, 64, &bad);
        else if (!strcmp(o, "--clients")) clients = parse_num(v, 1, 256, &bad);
        else if (!strcmp(o, "--requests")) requests = parse_num(v, 1, 100000, &bad);
        else if (!strcmp(o, "--gap-ms")) gap_ms = parse_num(v, 0, 600000, &bad);
        else if (!strcmp(o, "--seed")) seed = parse_num(v, 0, 100000000, &bad);
        else if (!strcmp(o, "--time-scale")) time_scale = parse_num(v, 1, 1000, &bad);
        else if (!strcmp(o, "--stall-ms")) stall_ms = parse_num(v, 0, 60000, &bad);
        else if (!strcmp(o, "--call-timeout-ms")) call_timeout_ms = parse_num(v, 1, 600000, &bad);
        else if (!strcmp(o, "--log")) log_path = v;
        else if (!strcmp(o, "--script")) bad = read_script_file(v) != 0;
        else if (!strcmp(o, "--primary")) bad = parse_script(&scripts[AG_PRIMARY], v) != 0;
        else if (!strcmp(o, "--backup")) bad = parse_script(&scripts[AG_BACKUP], v) != 0;
        else if (!strcmp(o, "--local")) bad = parse_script(&scripts[AG_LOCAL], v) != 0;
        else if (!strcmp(o, "--free-caches")) bad = parse_script(&scripts[AG_FREE], v) != 0;
        else return usage(), 2;
        if (bad) return fprintf(stderr, "agent_server: %s '%s': out of range or malformed\n", o, v), usage(), 2;
    }
    if (!clients) clients = 2 * workers;
    if (log_path && !(log_file = fopen(log_path, "w"))) return fprintf(stderr, "agent_server: %s: %s\n", log_path, strerror(errno)), 2;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    agent_server_shared_init(&agent.shared, policy_now(), seed);
    jlog("\"ev\":\"start\",\"workers\":%u,\"clients\":%u,\"requests\":%u,\"time_scale\":%u", workers, clients, requests, time_scale);
    agent_fd = listen_loopback(&agent_port);
    front_fd = listen_loopback(&front_port);
    pthread_t ag, wk[64], cl[256];
    pthread_create(&ag, NULL, agent_main, NULL);
    for (unsigned i = 0; i < workers; i++) pthread_create(&wk[i], NULL, worker_main, NULL);
    for (unsigned i = 0; i < clients; i++) pthread_create(&cl[i], NULL, client_main, NULL);
    for (unsigned i = 0; i < clients; i++) pthread_join(cl[i], NULL);
    atomic_store(&stopping, true);
    shutdown(front_fd, SHUT_RDWR); /* wakes the workers' and the agent's accept */
    shutdown(agent_fd, SHUT_RDWR);
    for (unsigned i = 0; i < workers; i++) pthread_join(wk[i], NULL);
    pthread_join(ag, NULL);
    while (atomic_load(&agent_conns) > 0) sleep_policy_ms(time_scale); /* 1 ms: the last connection threads finish */
    close(front_fd);
    close(agent_fd);
    unsigned total = 0;
    for (unsigned o = 0; o < 5; o++) total += atomic_load(&outcomes[o]);
    printf("%u requests, %u workers: %u answered by the primary, %u by an alternative, %u degraded, %u escalated, %u aborted\n",
           requests, workers, atomic_load(&outcomes[OUT_PRIMARY]), atomic_load(&outcomes[OUT_ALTERNATIVE]),
           atomic_load(&outcomes[OUT_DEGRADED]), atomic_load(&outcomes[OUT_ESCALATED]), atomic_load(&outcomes[OUT_ABORTED]));
    printf("refused admissions: %u breaker open", agent.refused[RECOV_REJECT]);
    if (agent.refused[RECOV_REJECT])
        printf(" (from %lu.%lu s to %lu.%lu s)", (unsigned long)agent.first_open / 1000u, (unsigned long)agent.first_open % 1000u / 100u,
               (unsigned long)agent.last_open / 1000u, (unsigned long)agent.last_open % 1000u / 100u);
    printf(", %u rate limited, %u full; at most %u calls in flight\n", agent.refused[RECOV_RATE_LIMITED], agent.refused[RECOV_FULL],
           agent.peak);
    if (log_file) fclose(log_file);
    return total == requests ? 0 : 1;
}
