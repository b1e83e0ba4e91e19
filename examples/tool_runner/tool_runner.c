/* tool_runner.c - run a command under the tool_runner recovery policy.
 *
 *   tool_runner [options] -- CMD ARGS...
 *
 * Each attempt runs the command with posix_spawnp in its own process group,
 * captures its stdout and the tail of its stderr, and enforces a wall-clock
 * limit (--timeout).  A failed attempt is described to the generated policy
 * (tool_runner.recov) as a fault; the host then does what the decision says:
 * wait and run again, halve a parameter, switch to an alternative tool,
 * degrade to partial results, escalate to a person, or abort.  At the end it
 * prints the recovery record as JSON on stdout.  Progress goes to stderr.
 *
 * Exit status: 0 the command succeeded (possibly after recovery), 1 aborted,
 * 2 usage error, 3 degraded to partial results, 4 escalated to a person.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tool_runner.h"

extern char **environ;

#define MAX_ALTS 2
#define MAX_HISTORY 16
#define ERR_TAIL 4096
#define OUT_TAIL 16384
#define MAX_ARGS 256
#define ARG_LEN 4096

typedef struct tail_buf {
    char *data;
    size_t cap;   /* bytes kept, plus the NUL */
    size_t len;
} tail_buf;

typedef struct run_result {
    int exit_code;       /* 0..255, or -1 when killed by a signal */
    int signal;          /* 0 none */
    bool timed_out;
    bool spawn_error;    /* posix_spawn failed (other than ENOENT / EACCES) */
    int spawn_errno;
    char out[OUT_TAIL];
    char err[ERR_TAIL];
} run_result;

typedef struct history {
    unsigned attempt;
    char tool[64];
    const char *error;
    char message[256];
    int exit_code;
    int signal;
    char action[48];
    char detail[128];
    uint32_t delay_ms;
    char timestamp[40];
} history;

typedef struct options {
    const char *tool;
    const char *target;
    long scope, rate;          /* -1: not given */
    uint32_t timeout_ms;       /* 0: none */
    uint32_t time_scale;
    tool_runner_params limits; /* the policy's parameters: defaults, then the options */
    unsigned nalts;
    char alt_name[MAX_ALTS][64];
    const char *alt_cmd[MAX_ALTS];
    char **argv;               /* the primary command */
    int argc;
} options;

/* ---- time ------------------------------------------------------------- */

static uint64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void sleep_us(uint64_t us)
{
    struct timespec ts = {(time_t)(us / 1000000u), (long)(us % 1000000u) * 1000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {}
}

static void iso_now(char *buf, size_t cap)
{
    struct timespec ts;
    struct tm tm;
    char base[32];
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf, cap, "%s.%03dZ", base, (int)(ts.tv_nsec / 1000000L) % 1000);
}

/* ---- output helpers ---------------------------------------------------- */

static void json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        switch (*p) {
        case '"': fputs("\\\"", f); break;
        case '\\': fputs("\\\\", f); break;
        case '\n': fputs("\\n", f); break;
        case '\r': fputs("\\r", f); break;
        case '\t': fputs("\\t", f); break;
        default:
            if (*p < 0x20)
                fprintf(f, "\\u%04x", *p);
            else
                fputc(*p, f);
        }
    }
    fputc('"', f);
}

static void tail_append(tail_buf *t, const char *p, size_t n)
{
    size_t keep = t->cap - 1;
    if (n >= keep) {
        memcpy(t->data, p + (n - keep), keep);
        t->len = keep;
    } else {
        if (t->len + n > keep) {
            size_t drop = t->len + n - keep;
            memmove(t->data, t->data + drop, t->len - drop);
            t->len -= drop;
        }
        memcpy(t->data + t->len, p, n);
        t->len += n;
    }
    t->data[t->len] = '\0';
}

/* The last non-empty line of s, trimmed, into out. */
static void last_line(const char *s, char *out, size_t cap)
{
    const char *end = s + strlen(s);
    while (end > s && (end[-1] == '\n' || end[-1] == '\r' || end[-1] == ' ')) end--;
    const char *start = end;
    while (start > s && start[-1] != '\n') start--;
    size_t n = (size_t)(end - start);
    if (n >= cap) n = cap - 1;
    memcpy(out, start, n);
    out[n] = '\0';
}

/* ---- running one attempt ----------------------------------------------- */

static void kill_group(pid_t pid, int *status)
{
    kill(-pid, SIGTERM);
    for (int i = 0; i < 40; i++) {                  /* 200 ms grace */
        if (waitpid(pid, status, WNOHANG) == pid) {
            kill(-pid, SIGKILL);                    /* stragglers of the group */
            return;
        }
        sleep_us(5000);
    }
    kill(-pid, SIGKILL);
    waitpid(pid, status, 0);
}

static void run_once(char *const argv[], uint32_t timeout_ms, run_result *r)
{
    int outp[2], errp[2];
    memset(r, 0, sizeof *r);
    if (pipe(outp) != 0 || pipe(errp) != 0) {
        r->spawn_error = true;
        r->spawn_errno = errno;
        snprintf(r->err, sizeof r->err, "tool_runner: pipe: %s\n", strerror(errno));
        return;
    }
    fcntl(outp[0], F_SETFD, FD_CLOEXEC);
    fcntl(errp[0], F_SETFD, FD_CLOEXEC);
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t at;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, outp[1], 1);
    posix_spawn_file_actions_adddup2(&fa, errp[1], 2);
    posix_spawn_file_actions_addclose(&fa, outp[1]);
    posix_spawn_file_actions_addclose(&fa, errp[1]);
    posix_spawnattr_init(&at);
    posix_spawnattr_setpgroup(&at, 0);
    posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP);
    pid_t pid;
    int rc = posix_spawnp(&pid, argv[0], &fa, &at, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&at);
    close(outp[1]);
    close(errp[1]);
    if (rc != 0) {
        close(outp[0]);
        close(errp[0]);
        r->spawn_errno = rc;
        if (rc == ENOENT) {
            r->exit_code = 127;
            snprintf(r->err, sizeof r->err, "tool_runner: %s: command not found\n", argv[0]);
        } else if (rc == EACCES || rc == EPERM) {
            r->exit_code = 126;
            snprintf(r->err, sizeof r->err, "tool_runner: %s: %s\n", argv[0], strerror(rc));
        } else {
            r->spawn_error = true;
            snprintf(r->err, sizeof r->err, "tool_runner: cannot start %s: %s\n", argv[0], strerror(rc));
        }
        return;
    }

    tail_buf out = {r->out, sizeof r->out, 0}, err = {r->err, sizeof r->err, 0};
    struct pollfd pf[2] = {{outp[0], POLLIN, 0}, {errp[0], POLLIN, 0}};
    uint64_t deadline = timeout_ms ? mono_ms() + timeout_ms : 0;
    int status = 0;
    bool reaped = false;
    char buf[4096];
    for (;;) {
        int wait_ms = -1;
        if (deadline) {
            uint64_t now = mono_ms();
            if (now >= deadline) {
                r->timed_out = true;
                break;
            }
            wait_ms = (int)(deadline - now);
        }
        if (pf[0].fd < 0 && pf[1].fd < 0) {
            /* both pipes closed: wait for the process itself */
            if (waitpid(pid, &status, WNOHANG) == pid) {
                reaped = true;
                break;
            }
            sleep_us(2000);
            continue;
        }
        int n = poll(pf, 2, wait_ms);
        if (n < 0 && errno == EINTR) continue;
        for (int i = 0; i < 2; i++) {
            if (pf[i].fd < 0 || !(pf[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            ssize_t k = read(pf[i].fd, buf, sizeof buf);
            if (k > 0)
                tail_append(i == 0 ? &out : &err, buf, (size_t)k);
            else if (k == 0 || errno != EINTR) {
                close(pf[i].fd);
                pf[i].fd = -1;
            }
        }
    }
    if (pf[0].fd >= 0) close(pf[0].fd);
    if (pf[1].fd >= 0) close(pf[1].fd);
    if (!reaped) kill_group(pid, &status);
    if (r->timed_out) {
        r->exit_code = 124;
        r->signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
        char msg[96];
        snprintf(msg, sizeof msg, "tool_runner: timed out after %lu ms\n", (unsigned long)timeout_ms);
        tail_append(&err, msg, strlen(msg));
    } else if (WIFEXITED(status)) {
        r->exit_code = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
        r->exit_code = -1;
        r->signal = WTERMSIG(status);
    }
}

/* ---- commands and parameters ------------------------------------------- */

/* Copy s into out, replacing {scope} {rate} {target} {attempt}. */
static void substitute(const char *s, const options *o, unsigned attempt, char *out, size_t cap)
{
    size_t n = 0;
    while (*s && n + 1 < cap) {
        char val[64];
        const char *rep = NULL;
        size_t skip = 0;
        if (strncmp(s, "{scope}", 7) == 0) { snprintf(val, sizeof val, "%ld", o->scope); rep = val; skip = 7; }
        else if (strncmp(s, "{rate}", 6) == 0) { snprintf(val, sizeof val, "%ld", o->rate); rep = val; skip = 6; }
        else if (strncmp(s, "{target}", 8) == 0) { rep = o->target; skip = 8; }
        else if (strncmp(s, "{attempt}", 9) == 0) { snprintf(val, sizeof val, "%u", attempt); rep = val; skip = 9; }
        if (rep) {
            for (; *rep && n + 1 < cap; rep++) out[n++] = *rep;
            s += skip;
        } else {
            out[n++] = *s++;
        }
    }
    out[n] = '\0';
}

static void set_env_num(const char *name, long v)
{
    char val[32];
    snprintf(val, sizeof val, "%ld", v);
    setenv(name, val, 1);
}

static void json_params(FILE *f, const options *o)
{
    fputs("{\"target\": ", f);
    json_str(f, o->target);
    fputs(", \"scope\": ", f);
    if (o->scope >= 0) fprintf(f, "%ld", o->scope); else fputs("null", f);
    fputs(", \"rate\": ", f);
    if (o->rate >= 0) fprintf(f, "%ld", o->rate); else fputs("null", f);
    fprintf(f, ", \"timeout_ms\": %lu}", (unsigned long)o->timeout_ms);
}

static const char *action_name(const recov_decision *d)
{
    switch (d->kind) {
    case RECOV_RETRY: return "retry_with_backoff";
    case RECOV_ADJUST: return d->id == tool_runner_ADJ_REDUCE_SCOPE ? "retry_with_reduced_scope" : "adjust_parameters";
    case RECOV_FALLBACK: return "switch_to_alternative_tool";
    case RECOV_DEGRADE: return "graceful_degradation";
    case RECOV_ESCALATE: return "escalate_to_human";
    default: return "abort_operation";
    }
}

static long halve(long v) { return v > 1 ? v / 2 : v; }

static void usage(FILE *f)
{
    fputs("usage: tool_runner [options] -- CMD ARGS...\n"
          "  --tool NAME          tool name for the record (default: basename of CMD)\n"
          "  --target T           the target (also {target} and $TOOL_RUNNER_TARGET)\n"
          "  --scope N            scope parameter, halved on reduce_scope ({scope}, $TOOL_RUNNER_SCOPE)\n"
          "  --rate N             rate parameter, halved on reduce_rate ({rate}, $TOOL_RUNNER_RATE)\n"
          "  --timeout MS         wall-clock limit per attempt in ms (suffix s for seconds); 0 none\n"
          "  --alt NAME=COMMAND   alternative tool, run with /bin/sh -c (at most 2, tried in order)\n"
          "  --time-scale N       divide every policy delay by N (tests, demos); --timeout stays real time\n"
          "  --max-attempts N     attempts before giving up (2..10, default 3)\n"
          "  --base-delay MS      first retry delay (100ms..30s, default 5s), doubling\n"
          "  --max-delay MS       cap of a retry delay (30s..10m, default 60s)\n"
          "exit: 0 ok, 1 aborted, 2 usage, 3 degraded, 4 escalated\n", f);
}

/* A number of the whole string s: decimal digits only (no sign, no blanks),
 * optionally followed by "ms", or by "s" when seconds are allowed (then
 * multiplied by 1000); the result must be in lo..hi.  Checked before every
 * multiplication, so nothing wraps. */
static bool parse_number(const char *s, bool seconds, unsigned long lo, unsigned long hi, unsigned long *v)
{
    unsigned long n = 0;
    const char *p = s;
    for (; *p >= '0' && *p <= '9'; p++) {
        unsigned long d = (unsigned long)(*p - '0');
        if (d > hi || n > (hi - d) / 10u) return false;
        n = n * 10u + d;
    }
    if (p == s) return false;
    if (seconds && strcmp(p, "s") == 0) {
        if (n > hi / 1000u) return false;
        n *= 1000u;
    } else if (*p && !(seconds && strcmp(p, "ms") == 0)) {
        return false;
    }
    if (n < lo) return false;
    *v = n;
    return true;
}

static int parse_args(int argc, char **argv, options *o)
{
    memset(o, 0, sizeof *o);
    o->target = "unknown";
    o->scope = o->rate = -1;
    o->time_scale = 1;
    tool_runner_params_default(&o->limits);
    int i = 1;
    for (; i < argc; i += 2) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        unsigned long n;
        if (strcmp(a, "--") == 0) { i++; break; }
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) { usage(stdout); exit(0); }
        if (!v) { fprintf(stderr, "tool_runner: %s needs a value\n", a); return -1; }
        if (strcmp(a, "--tool") == 0) o->tool = v;
        else if (strcmp(a, "--target") == 0) o->target = v;
        else if (strcmp(a, "--scope") == 0 || strcmp(a, "--rate") == 0) {
            if (!parse_number(v, false, 1, 1000000000ul, &n)) { fprintf(stderr, "tool_runner: bad %s '%s' (1..1000000000)\n", a, v); return -1; }
            if (a[2] == 's') o->scope = (long)n; else o->rate = (long)n;
        } else if (strcmp(a, "--timeout") == 0) {
            if (!parse_number(v, true, 0, 86400000ul, &n)) { fprintf(stderr, "tool_runner: bad --timeout '%s' (0..86400000 ms, or N s)\n", v); return -1; }
            o->timeout_ms = (uint32_t)n;
        } else if (strcmp(a, "--time-scale") == 0) {
            if (!parse_number(v, false, 1, 1000000ul, &n)) { fprintf(stderr, "tool_runner: bad --time-scale '%s' (1..1000000)\n", v); return -1; }
            o->time_scale = (uint32_t)n;
        } else if (strcmp(a, "--max-attempts") == 0 || strcmp(a, "--base-delay") == 0 ||
                   strcmp(a, "--max-delay") == 0) {
            /* the ranges are the policy's: tool_runner_set_params checks them in main */
            if (!parse_number(v, a[2] != 'm' || a[6] == 'd', 0, 0xFFFFFFFFul, &n)) { fprintf(stderr, "tool_runner: bad %s '%s'\n", a, v); return -1; }
            if (a[2] == 'b') o->limits.base_delay = (uint32_t)n;
            else if (a[6] == 'd') o->limits.max_delay = (uint32_t)n;
            else o->limits.max_attempts = n > 0xFFFFul ? 0xFFFFu : (uint16_t)n;
        } else if (strcmp(a, "--alt") == 0) {
            const char *eq = strchr(v, '=');
            if (!eq || eq == v || !eq[1] || (size_t)(eq - v) >= sizeof o->alt_name[0]) { fprintf(stderr, "tool_runner: --alt wants NAME=COMMAND\n"); return -1; }
            if (o->nalts == MAX_ALTS) { fprintf(stderr, "tool_runner: at most %d --alt\n", MAX_ALTS); return -1; }
            memcpy(o->alt_name[o->nalts], v, (size_t)(eq - v));
            o->alt_name[o->nalts][eq - v] = '\0';
            o->alt_cmd[o->nalts++] = eq + 1;
        } else { fprintf(stderr, "tool_runner: unknown option %s\n", a); return -1; }
    }
    if (i >= argc) { fprintf(stderr, "tool_runner: no command (put it after --)\n"); return -1; }
    if (argc - i >= MAX_ARGS) { fprintf(stderr, "tool_runner: too many arguments\n"); return -1; }
    o->argv = argv + i;
    o->argc = argc - i;
    if (!o->tool) {
        const char *b = strrchr(o->argv[0], '/');
        o->tool = b ? b + 1 : o->argv[0];
    }
    return 0;
}

/* ---- main --------------------------------------------------------------- */

int main(int argc, char **argv)
{
    static options o;
    static run_result r;
    static history hist[MAX_HISTORY];
    static char argbuf[MAX_ARGS][ARG_LEN];
    char *cmd[MAX_ARGS + 1];
    if (parse_args(argc, argv, &o) != 0) {
        usage(stderr);
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);

    tool_runner_shared st;
    tool_runner_incident st_inc;
    /* the policy's clock: real time, plus the part of each policy delay that
     * --time-scale skipped (only the policy's delays are scaled; --timeout is
     * real time) */
    uint64_t t0 = mono_ms(), skipped = 0;
#define NOW() ((uint32_t)(mono_ms() - t0 + skipped))
    tool_runner_shared_init(&st, NOW(), (uint32_t)getpid());
    tool_runner_incident_init(&st_inc);
    unsigned bad = tool_runner_set_params(&st, &o.limits);
    if (bad != 0u) {
        const char *pn = tool_runner_param_name(bad - 1u);
        fprintf(stderr, "tool_runner: --%s is outside the range the policy allows (tool_runner.recov: param %s)\n",
                strcmp(pn, "max_attempts") == 0 ? "max-attempts" : strcmp(pn, "base_delay") == 0 ? "base-delay"
                                                                                                   : "max-delay", pn);
        usage(stderr);
        return 2;
    }

    int current = -1;          /* -1 primary, else the alternative in use */
    unsigned attempt = 0, nhist = 0;
    recov_decision d = {0};
    bool success = false;
    const char *last_error = NULL;
    char last_message[256] = "";
    for (;;) {
        attempt++;
        const char *tool = current < 0 ? o.tool : o.alt_name[current];
        /* build the command line with the current parameters */
        int n = 0;
        if (current < 0) {
            for (; n < o.argc; n++) {
                substitute(o.argv[n], &o, attempt, argbuf[n], ARG_LEN);
                cmd[n] = argbuf[n];
            }
        } else {
            substitute(o.alt_cmd[current], &o, attempt, argbuf[2], ARG_LEN);
            strcpy(argbuf[0], "/bin/sh");
            strcpy(argbuf[1], "-c");
            cmd[0] = argbuf[0]; cmd[1] = argbuf[1]; cmd[2] = argbuf[2];
            n = 3;
        }
        cmd[n] = NULL;
        set_env_num("TOOL_RUNNER_ATTEMPT", (long)attempt);
        set_env_num("TOOL_RUNNER_SCOPE", o.scope);
        set_env_num("TOOL_RUNNER_RATE", o.rate);
        setenv("TOOL_RUNNER_TARGET", o.target, 1);
        setenv("TOOL_RUNNER_TOOL", tool, 1);

        fprintf(stderr, "tool_runner: attempt %u: %s\n", attempt, tool);
        run_once(cmd, o.timeout_ms, &r);
        if (r.exit_code == 0 && r.signal == 0 && !r.timed_out && !r.spawn_error) {
            tool_runner_succeeded(&st, &st_inc, NOW());
            success = true;
            break;
        }

        tool_runner_fault f = {
            .exit_code = (uint16_t)(r.exit_code < 0 ? 0 : r.exit_code),
            .signal = (uint8_t)r.signal,
            .timed_out = r.timed_out,
            .spawn_error = r.spawn_error,
            .alts = (uint8_t)o.nalts,
            .stderr_tail = r.err,
        };
        d = tool_runner_failed(&st, &st_inc, &f, NOW());

        history *h = &hist[nhist < MAX_HISTORY ? nhist : MAX_HISTORY - 1];
        if (nhist < MAX_HISTORY) nhist++;
        memset(h, 0, sizeof *h);
        h->attempt = attempt;
        snprintf(h->tool, sizeof h->tool, "%s", tool);
        h->error = tool_runner_error_name(d.error);
        last_line(r.err, h->message, sizeof h->message);
        if (!h->message[0]) {
            if (r.signal) snprintf(h->message, sizeof h->message, "killed by signal %d", r.signal);
            else snprintf(h->message, sizeof h->message, "exit status %d", r.exit_code);
        }
        h->exit_code = r.exit_code;
        h->signal = r.signal;
        snprintf(h->action, sizeof h->action, "%s", action_name(&d));
        iso_now(h->timestamp, sizeof h->timestamp);
        last_error = h->error;
        snprintf(last_message, sizeof last_message, "%s", h->message);

        bool again = true;
        switch (d.kind) {
        case RECOV_RETRY:
            h->delay_ms = d.ms;
            break;
        case RECOV_ADJUST:
            h->delay_ms = d.ms;
            if (d.id == tool_runner_ADJ_REDUCE_SCOPE) {
                if (o.scope >= 0) {
                    snprintf(h->detail, sizeof h->detail, "scope %ld -> %ld", o.scope, halve(o.scope));
                    o.scope = halve(o.scope);
                } else snprintf(h->detail, sizeof h->detail, "no --scope to reduce");
            } else {
                if (o.rate >= 0) {
                    snprintf(h->detail, sizeof h->detail, "rate %ld -> %ld", o.rate, halve(o.rate));
                    o.rate = halve(o.rate);
                } else snprintf(h->detail, sizeof h->detail, "no --rate to reduce");
            }
            break;
        case RECOV_FALLBACK:
            if (d.id < o.nalts) {
                current = (int)d.id;
                snprintf(h->detail, sizeof h->detail, "%s -> %s", tool, o.alt_name[current]);
            } else {             /* the policy only falls back to configured slots */
                snprintf(h->action, sizeof h->action, "abort_operation");
                again = false;
            }
            break;
        case RECOV_DEGRADE:
            snprintf(h->detail, sizeof h->detail, "%s", tool_runner_mode_name(d.id));
            again = false;
            break;
        case RECOV_ESCALATE:
            snprintf(h->detail, sizeof h->detail, "%s (%s)", tool_runner_channel_name(d.id),
                     d.level == RECOV_SEV_LOW ? "low" : d.level == RECOV_SEV_MEDIUM ? "medium"
                     : d.level == RECOV_SEV_HIGH ? "high" : "critical");
            again = false;
            break;
        default:
            again = false;
            break;
        }
        fprintf(stderr, "tool_runner: attempt %u failed: %s (%s) -> %s%s%s", attempt, h->error, h->message,
                h->action, h->detail[0] ? ": " : "", h->detail);
        if (d.kind == RECOV_RETRY || d.kind == RECOV_ADJUST)
            fprintf(stderr, ", waiting %lu ms", (unsigned long)d.ms);
        fputc('\n', stderr);
        if (!again) break;
        if (d.kind == RECOV_RETRY || d.kind == RECOV_ADJUST) {
            sleep_us((uint64_t)d.ms * 1000u / o.time_scale);
            skipped += d.ms - d.ms / o.time_scale;
        }
    }

    /* ---- the record ----------------------------------------------------- */
    const char *final_action = success ? "success" : action_name(&d);
    if (!success && d.kind == RECOV_FALLBACK) final_action = "abort_operation";
    FILE *f = stdout;
    fprintf(f, "{\n  \"success\": %s,\n  \"tool\": ", success ? "true" : "false");
    json_str(f, current < 0 ? o.tool : o.alt_name[current]);
    fputs(",\n  \"target\": ", f);
    json_str(f, o.target);
    fputs(",\n  \"parameters\": ", f);
    json_params(f, &o);
    fprintf(f, ",\n  \"return_code\": %d,\n  \"stdout\": ", r.exit_code);
    json_str(f, r.out);
    fputs(",\n  \"stderr\": ", f);
    json_str(f, r.err);
    if (!success) {
        fputs(",\n  \"error\": ", f);
        json_str(f, last_message);
        fputs(",\n  \"error_type\": ", f);
        json_str(f, last_error);
    }
    if (!success && d.kind == RECOV_DEGRADE) {
        fputs(",\n  \"degraded\": {\"mode\": ", f);
        json_str(f, tool_runner_mode_name(d.id));
        fputs(", \"failed_tools\": [", f);
        json_str(f, current < 0 ? o.tool : o.alt_name[current]);
        fputs("], \"partial_stdout\": ", f);
        json_str(f, r.out);
        fputs("}", f);
    }
    if (!success && d.kind == RECOV_ESCALATE) {
        char ts[40];
        iso_now(ts, sizeof ts);
        static const char *const levels[] = {"low", "medium", "high", "critical"};
        fputs(",\n  \"human_escalation\": {\n    \"channel\": ", f);
        json_str(f, tool_runner_channel_name(d.id));
        fprintf(f, ",\n    \"priority\": \"%s\",\n    \"sla_ms\": %lu,\n    \"tool_name\": ",
                levels[d.level & 3u], (unsigned long)d.ms);
        json_str(f, current < 0 ? o.tool : o.alt_name[current]);
        fputs(",\n    \"target\": ", f);
        json_str(f, o.target);
        fputs(",\n    \"parameters\": ", f);
        json_params(f, &o);
        fputs(",\n    \"command\": [", f);
        for (int i = 0; cmd[i]; i++) {
            if (i) fputs(", ", f);
            json_str(f, cmd[i]);
        }
        fputs("],\n    \"error_type\": ", f);
        json_str(f, last_error);
        fputs(",\n    \"error_message\": ", f);
        json_str(f, last_message);
        fprintf(f, ",\n    \"attempt_count\": %u,\n    \"timestamp\": ", attempt);
        json_str(f, ts);
        fputs(",\n    \"explanation\": ", f);
        json_str(f, tool_runner_error_message(d.error));
        fputs(",\n    \"hint\": ", f);
        json_str(f, tool_runner_error_hint(d.error));
        fputs(",\n    \"steps\": [", f);
        for (unsigned i = 0; tool_runner_error_step(d.error, i); i++) {
            if (i) fputs(", ", f);
            json_str(f, tool_runner_error_step(d.error, i));
        }
        fputs("]\n  }", f);
    }
    fprintf(f, ",\n  \"recovery_info\": {\n    \"attempts_made\": %u,\n    \"recovery_applied\": %s,\n"
               "    \"recovery_history\": [",
            attempt, nhist ? "true" : "false");
    for (unsigned i = 0; i < nhist; i++) {
        const history *h = &hist[i];
        fprintf(f, "%s\n      {\"attempt\": %u, \"tool\": ", i ? "," : "", h->attempt);
        json_str(f, h->tool);
        fputs(", \"error\": ", f);
        json_str(f, h->error);
        fputs(", \"message\": ", f);
        json_str(f, h->message);
        fprintf(f, ", \"exit_code\": %d, \"signal\": %d, \"recovery_action\": ", h->exit_code, h->signal);
        json_str(f, h->action);
        fprintf(f, ", \"delay_ms\": %lu, \"detail\": ", (unsigned long)h->delay_ms);
        json_str(f, h->detail);
        fputs(", \"timestamp\": ", f);
        json_str(f, h->timestamp);
        fputs("}", f);
    }
    fprintf(f, "%s],\n    \"final_action\": ", nhist ? "\n    " : "");
    json_str(f, final_action);
    fputs("\n  }\n}\n", f);
    if (success) return 0;
    switch (d.kind) {
    case RECOV_DEGRADE: return 3;
    case RECOV_ESCALATE: return 4;
    default: return 1;
    }
}
