/* workflow_runner.c - a step runner whose error handlers are a recov policy.
 *
 *   workflow_runner [--checkpoint FILE] [--dry-run] [--time-scale N] WORKFLOW
 *
 * --time-scale N (1..1000000) divides the policy's retry delays (the
 * policy's clock still counts them in full) and its handler timeouts, but a
 * handler always gets at least 2 s of real time; a step's own timeout= is
 * real time.
 * WORKFLOW is a small text file (see README.md):
 *
 *   set NAME=VALUE                  exported to every command
 *   step NAME [VAR=VALUE ...]: CMD  a shell command; VARs: retryable, essential,
 *                                   optional (0/1), timeout (ms, or Ns); others
 *                                   are exported as WF_VAR_<NAME>
 *   handler NAME: CMD               the command of the policy's handler NAME
 *   notify CHANNEL: CMD             run when the policy escalates to CHANNEL
 *
 * Steps run in order.  When one fails, the policy (workflow.recov) picks a
 * handler chain; the runner runs each handler with the error context in its
 * environment and the policy's timeout, then retries, skips, escalates or
 * aborts as decided.  The recovery state (the policy's P_shared_save and P_incident_save bytes, the
 * position in the workflow, the handlers executed and their output, the
 * metrics) is saved in the checkpoint after every step of the way, written
 * atomically; a runner killed at any point resumes from it.
 *
 * Exit status: 0 done, 1 aborted, 2 usage / workflow / checkpoint error,
 * 4 escalated.
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

/* The policy is selected at build time: WF_POLICY is its name (the C
 * prefix) and WF_HEADER its generated header. */
#ifndef WF_POLICY
#define WF_POLICY workflow
#define WF_HEADER "workflow.h"
#endif
#define WF_CAT2(a, b) a##_##b
#define WF_CAT(a, b) WF_CAT2(a, b)
#define WF(x) WF_CAT(WF_POLICY, x)
#define WF_STR2(x) #x
#define WF_STR(x) WF_STR2(x)

#include WF_HEADER

extern char **environ;

#define MAX_STEPS 64
#define MAX_HANDLERS 16
#define MAX_VARS 8
#define MAX_LINE 2048
#define OUT_TAIL 2048
#define MAX_OUTPUTS 32

typedef struct step {
    char name[64];
    char cmd[MAX_LINE];
    bool retryable, essential, optional;
    uint32_t timeout_ms;
    unsigned nvars;
    char var[MAX_VARS][2][128];
} step;

typedef struct workflow {
    unsigned nsteps;
    step steps[MAX_STEPS];
    const char *handler_cmd[WF(HANDLER_COUNT) + 1];
    const char *notify_cmd[WF(CHANNEL_COUNT) + 1];
    uint32_t hash;
} workflow;

typedef struct outcome {
    int exit_code;
    int signal;
    bool timed_out;
    uint32_t ms;
    char out[OUT_TAIL];
} outcome;

typedef struct handler_output {
    char name[32];
    char result[16];    /* ok, failed, timeout, crashed, missing, interrupted */
    uint32_t ms;
    char output[256];
} handler_output;

/* Everything the checkpoint holds besides the policy state. */
typedef struct progress {
    char status[16];        /* running, finished */
    unsigned step;          /* next step to run */
    char phase[16];         /* step, wait, handler */
    char phase_arg[32];     /* the handler running */
    char last_error[32];
    char skipped[MAX_STEPS + 1];   /* '1' per skipped step */
    /* metrics */
    unsigned long steps_ok, steps_failed, steps_skipped, retries;
    unsigned long handlers_run, handlers_ok, handlers_failed, handlers_timed_out;
    unsigned long escalations, resumes;
    unsigned nout;
    handler_output outs[MAX_OUTPUTS];
} progress;


/* The recovery state of one workflow run: the shared part (learned health,
 * migrates across policy versions) and the incident of the step under way. */
typedef struct wf_state {
    WF(shared) s;
    WF(incident) i;
} wf_state;

static uint32_t g_scale = 1;

/* ---- small helpers ------------------------------------------------------ */

static uint64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* The policy's clock: CLOCK_MONOTONIC plus the part of each retry wait that
 * --time-scale skipped (kept in the checkpoint, so it never goes back across
 * a restart).  Only the policy's retry delays are scaled; a step's own
 * timeout= is real time, and a handler's timeout is scaled but never below
 * HANDLER_MIN_REAL_MS of real time (handler_limit). */
static uint64_t g_skipped;
static uint32_t now_tick(void) { return (uint32_t)(mono_ms() + g_skipped); }

#define HANDLER_MIN_REAL_MS 2000u
/* A handler is a real process: its timeout, divided by --time-scale, is
 * never below 2 s of real time (or its own timeout, when that is shorter),
 * which a loaded machine needs to start a shell. */
static uint32_t handler_limit(uint32_t ms)
{
    if (!ms || g_scale == 1) return ms;
    uint32_t scaled = ms / g_scale, floor = ms < HANDLER_MIN_REAL_MS ? ms : HANDLER_MIN_REAL_MS;
    return scaled > floor ? scaled : floor;
}

/* The whole of s[0..n) is decimal digits (no sign, no blanks) with a value
 * in 0..hi: 0 and *out; else -1.  Checked before each digit: never wraps. */
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

/* CRC-32 (IEEE 802.3, as zlib's crc32) of p[0..n) */
static uint32_t crc32_ieee(const char *p, size_t n)
{
    uint32_t c = 0xffffffffu;
    for (size_t i = 0; i < n; i++) {
        c ^= (uint8_t)p[i];
        for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
    }
    return c ^ 0xffffffffu;
}

static void sleep_us(uint64_t us)
{
    struct timespec ts = {(time_t)(us / 1000000u), (long)(us % 1000000u) * 1000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {}
}

static uint32_t fnv1a(const char *p, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) h = (h ^ (uint8_t)p[i]) * 16777619u;
    return h;
}

static void hex_encode(const uint8_t *p, size_t n, char *out)
{
    static const char d[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = d[p[i] >> 4];
        out[2 * i + 1] = d[p[i] & 15u];
    }
    out[2 * n] = '\0';
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

/* Returns the number of bytes decoded, or -1. */
static long hex_decode(const char *s, uint8_t *out, size_t cap)
{
    size_t n = 0;
    while (s[0] && s[0] != '\n') {
        int a = hexval(s[0]), b = a < 0 ? -1 : hexval(s[1]);
        if (a < 0 || b < 0 || n == cap) return -1;
        out[n++] = (uint8_t)(a * 16 + b);
        s += 2;
    }
    return (long)n;
}

static const char *level_name(unsigned l)
{
    static const char *const n[] = {"low", "medium", "high", "critical"};
    return n[l & 3u];
}

static void tail_append(char *buf, size_t cap, size_t *len, const char *p, size_t n)
{
    size_t keep = cap - 1;
    if (n >= keep) {
        memcpy(buf, p + (n - keep), keep);
        *len = keep;
    } else {
        if (*len + n > keep) {
            size_t drop = *len + n - keep;
            memmove(buf, buf + drop, *len - drop);
            *len -= drop;
        }
        memcpy(buf + *len, p, n);
        *len += n;
    }
    buf[*len] = '\0';
}

/* One line for logs: newlines become '|', trailing space dropped. */
static void one_line(const char *s, char *out, size_t cap)
{
    size_t n = 0;
    for (; *s && n + 1 < cap; s++) out[n++] = (*s == '\n' || *s == '\r') ? '|' : *s;
    while (n && (out[n - 1] == '|' || out[n - 1] == ' ')) n--;
    out[n] = '\0';
}

/* ---- running a shell command -------------------------------------------- */

static void run_shell(const char *cmd, uint32_t timeout_ms, outcome *o)
{
    int p[2];
    memset(o, 0, sizeof *o);
    uint64_t t0 = mono_ms();
    if (pipe(p) != 0) {
        o->exit_code = 126;
        snprintf(o->out, sizeof o->out, "workflow_runner: pipe: %s", strerror(errno));
        return;
    }
    fcntl(p[0], F_SETFD, FD_CLOEXEC);
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t at;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, p[1], 1);
    posix_spawn_file_actions_adddup2(&fa, p[1], 2);
    posix_spawn_file_actions_addclose(&fa, p[1]);
    posix_spawnattr_init(&at);
    posix_spawnattr_setpgroup(&at, 0);
    posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP);
    char *argv[] = {(char *)"/bin/sh", (char *)"-c", (char *)cmd, NULL};
    pid_t pid;
    int rc = posix_spawn(&pid, "/bin/sh", &fa, &at, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&at);
    close(p[1]);
    if (rc != 0) {
        close(p[0]);
        o->exit_code = 126;
        snprintf(o->out, sizeof o->out, "workflow_runner: cannot start /bin/sh: %s", strerror(rc));
        return;
    }
    size_t len = 0;
    struct pollfd pf = {p[0], POLLIN, 0};
    uint64_t deadline = timeout_ms ? t0 + timeout_ms : 0;
    int status = 0;
    bool reaped = false;
    char buf[4096];
    for (;;) {
        int wait_ms = -1;
        if (deadline) {
            uint64_t now = mono_ms();
            if (now >= deadline) { o->timed_out = true; break; }
            wait_ms = (int)(deadline - now);
        }
        if (pf.fd < 0) {
            if (waitpid(pid, &status, WNOHANG) == pid) { reaped = true; break; }
            sleep_us(2000);
            continue;
        }
        if (poll(&pf, 1, wait_ms) < 0 && errno == EINTR) continue;
        if (pf.revents & (POLLIN | POLLHUP | POLLERR)) {
            ssize_t k = read(pf.fd, buf, sizeof buf);
            if (k > 0) tail_append(o->out, sizeof o->out, &len, buf, (size_t)k);
            else if (k == 0 || errno != EINTR) { close(pf.fd); pf.fd = -1; }
        }
    }
    if (pf.fd >= 0) close(pf.fd);
    if (!reaped) {
        kill(-pid, SIGTERM);
        int i = 0;
        for (; i < 40 && waitpid(pid, &status, WNOHANG) != pid; i++) sleep_us(5000);
        kill(-pid, SIGKILL);
        if (i == 40) waitpid(pid, &status, 0);
    }
    if (o->timed_out) o->exit_code = 124;
    else if (WIFEXITED(status)) o->exit_code = WEXITSTATUS(status);
    else if (WIFSIGNALED(status)) { o->exit_code = 128 + WTERMSIG(status); o->signal = WTERMSIG(status); }
    o->ms = (uint32_t)(mono_ms() - t0);
}

/* ---- the workflow file --------------------------------------------------- */

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t') s++;
    char *e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r')) e--;
    *e = '\0';
    return s;
}

static int find_name(const char *(*name)(unsigned), const char *s)
{
    for (unsigned i = 0; name(i); i++)
        if (strcmp(name(i), s) == 0) return (int)i;
    return -1;
}

static void list_names(const char *(*name)(unsigned))
{
    for (unsigned i = 0; name(i); i++) fprintf(stderr, "%s%s", i ? ", " : "", name(i));
    fputc('\n', stderr);
}

/* MS, MSms or Ns: 0..86400000 ms in all (a day; 0: no timeout); digits only */
static bool parse_duration(const char *v, uint32_t *ms)
{
    size_t n = strspn(v, "0123456789");
    uint64_t x;
    bool secs = strcmp(v + n, "s") == 0;
    if ((v[n] && !secs && strcmp(v + n, "ms") != 0) || parse_digits(v, n, secs ? 86400u : 86400000u, &x) != 0)
        return false;
    *ms = (uint32_t)(secs ? x * 1000u : x);
    return true;
}

/* 1..max characters of [A-Za-z0-9_] (and '.', '-' when dots) */
static bool good_name(const char *s, size_t max, bool dots)
{
    size_t n = strlen(s);
    if (n == 0 || n > max) return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '_' ||
              (dots && (*s == '.' || *s == '-'))))
            return false;
    return true;
}

static bool parse_flag(const char *v, bool *out)
{
    if (strcmp(v, "0") != 0 && strcmp(v, "1") != 0) return false;
    *out = v[0] == '1';
    return true;
}

/* Reads and checks the whole workflow file: every line one of the four
 * forms, every value in range; anything else names its line. */
static int load_workflow(const char *path, workflow *w, char *text, size_t cap)
{
    FILE *f = fopen(path, "r");
    if (!f) { fprintf(stderr, "workflow_runner: %s: %s\n", path, strerror(errno)); return -1; }
    size_t n = fread(text, 1, cap - 1, f);
    bool more = fgetc(f) != EOF, err = ferror(f) != 0;
    fclose(f);
    if (err || more) { fprintf(stderr, "%s: %s\n", path, err ? "read error" : "larger than 64 KB"); return -1; }
    if (memchr(text, 0, n)) { fprintf(stderr, "%s: a NUL byte in the file\n", path); return -1; }
    text[n] = '\0';
    w->hash = fnv1a(text, n);
    unsigned lineno = 0;
    const char *why = NULL;
    for (char *line = text, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next) *next++ = '\0';
        lineno++;
        char *s = trim(line);
        if (!*s || *s == '#') continue;
        char *colon = strchr(s, ':');
        if (strncmp(s, "set ", 4) == 0) {
            char *eq = strchr(s + 4, '=');
            if (!eq) goto bad;
            *eq = '\0';
            char *name = trim(s + 4);
            if (!good_name(name, 100, false)) { why = "set: NAME must be 1..100 of A-Z a-z 0-9 _"; goto range; }
            setenv(name, eq + 1, 1);
        } else if (strncmp(s, "step ", 5) == 0 && colon) {
            if (w->nsteps == MAX_STEPS) { why = "more than 64 steps"; goto range; }
            step *st = &w->steps[w->nsteps++];
            *colon = '\0';
            const char *cmd = trim(colon + 1);
            if (!*cmd || strlen(cmd) >= sizeof st->cmd) { why = "step: the command must be 1..2047 bytes"; goto range; }
            snprintf(st->cmd, sizeof st->cmd, "%s", cmd);
            char *save = NULL;
            char *tok = strtok_r(s + 5, " \t", &save);
            if (!tok) goto bad;
            if (!good_name(tok, sizeof st->name - 1, true)) { why = "step: NAME must be 1..63 of A-Z a-z 0-9 _ . -"; goto range; }
            snprintf(st->name, sizeof st->name, "%s", tok);
            while ((tok = strtok_r(NULL, " \t", &save))) {
                char *eq = strchr(tok, '=');
                if (!eq) goto bad;
                *eq++ = '\0';
                if (strcmp(tok, "retryable") == 0) { if (!parse_flag(eq, &st->retryable)) { why = "retryable must be 0 or 1"; goto range; } }
                else if (strcmp(tok, "essential") == 0) { if (!parse_flag(eq, &st->essential)) { why = "essential must be 0 or 1"; goto range; } }
                else if (strcmp(tok, "optional") == 0) { if (!parse_flag(eq, &st->optional)) { why = "optional must be 0 or 1"; goto range; } }
                else if (strcmp(tok, "timeout") == 0) {
                    if (!parse_duration(eq, &st->timeout_ms)) { why = "timeout must be 0..86400000 ms (N, Nms or Ns)"; goto range; }
                } else {
                    if (st->nvars == MAX_VARS) { why = "a step has at most 8 variables"; goto range; }
                    if (!good_name(tok, sizeof st->var[0][0] - 1, false) || strlen(eq) >= sizeof st->var[0][1]) {
                        why = "a variable is NAME=VALUE, NAME 1..127 of A-Z a-z 0-9 _, VALUE at most 127 bytes";
                        goto range;
                    }
                    snprintf(st->var[st->nvars][0], sizeof st->var[0][0], "%s", tok);
                    snprintf(st->var[st->nvars][1], sizeof st->var[0][1], "%s", eq);
                    st->nvars++;
                }
            }
        } else if ((strncmp(s, "handler ", 8) == 0 || strncmp(s, "notify ", 7) == 0) && colon) {
            bool handler = s[0] == 'h';
            *colon = '\0';
            char *name = trim(s + (handler ? 8 : 7));
            int id = find_name(handler ? WF(handler_name) : WF(channel_name), name);
            if (id < 0) {
                fprintf(stderr, "%s:%u: the policy has no %s '%s'; it has: ", path, lineno,
                        handler ? "handler" : "escalation channel", name);
                list_names(handler ? WF(handler_name) : WF(channel_name));
                return -1;
            }
            if (handler) w->handler_cmd[id] = trim(colon + 1);
            else w->notify_cmd[id] = trim(colon + 1);
        } else {
            goto bad;
        }
        continue;
    range:
        fprintf(stderr, "%s:%u: %s\n", path, lineno, why);
        return -1;
    bad:
        fprintf(stderr, "%s:%u: cannot read this line (set NAME=VALUE | step NAME [VAR=VALUE...]: CMD | "
                        "handler NAME: CMD | notify CHANNEL: CMD)\n", path, lineno);
        return -1;
    }
    if (w->nsteps == 0) { fprintf(stderr, "%s: no steps\n", path); return -1; }
    return 0;
}

/* ---- the checkpoint ------------------------------------------------------ */
/*
 * A text file, every line in this order (format 3):
 *
 *   recov-workflow-checkpoint 3
 *   workflow HASH8                 FNV-1a of the workflow file
 *   policy NAME VERSION HASH8      the writer's policy
 *   clock MS                       policy time skipped by --time-scale so far
 *   status running|finished
 *   step N                         the step to run (0-based)
 *   phase step - | wait - | handler NAME
 *   last_error NAME | -
 *   skipped -  | 0/1 per step before N, ending in 1
 *   metrics N N N N N N N N N N    (ok failed skipped retries run ok failed timed_out escalations resumes)
 *   handler NAME RESULT MS HEX|-   0..32 lines, the handlers executed
 *   state HEX                      the policy's P_shared_save image (24 + L bytes)
 *   incident HEX                   the step's P_incident_save image (24 + L bytes)
 *   crc HEX8                       CRC-32 of every byte before this line
 *
 * The CRC covers every byte of the file but its own line, which must be
 * exactly "crc " + 8 lower-case hex digits + "\n" at the very end, so any
 * change of any one byte (or any burst of up to 32 bits) is detected; then
 * every value is range checked against the workflow and the policy.
 */
#define CKPT_FILE_MAX 65536

/* The handler and escalation metrics are the policy's own counters
 * (`stats;`, WF(stats)), counted since its shared part was created: it
 * carries over from run to run in the checkpoint.  Only timeouts, which
 * the policy cannot see, are counted here (handlers_timed_out). */
static void policy_metrics(progress *p, const wf_state *st)
{
    WF(counters) c;
    WF(stats)(&st->s, &c);
    p->handlers_run = p->handlers_ok = p->escalations = 0;
    for (unsigned h = 0; h < WF(HANDLER_COUNT); h++) {
        p->handlers_run += c.handler_tries[h];
        p->handlers_ok += c.handler_successes[h];
    }
    for (unsigned e = 0; e < WF(ERROR_COUNT); e++) p->escalations += c.escalations[e];
    p->handlers_failed = p->handlers_run - p->handlers_ok;
}

static int save_checkpoint(const char *path, const workflow *w, progress *p, const wf_state *st)
{
    policy_metrics(p, st);
    if (!path) return 0;
    uint8_t bytes[WF(SHARED_CHECKPOINT_MAX)];
    static char hex[2 * WF(SHARED_CHECKPOINT_MAX) + 1];
    uint8_t ibytes[WF(INCIDENT_CHECKPOINT_MAX)];
    static char ihex[2 * WF(INCIDENT_CHECKPOINT_MAX) + 1];
    static char houts[2 * sizeof p->outs[0].output + 1];
    static char body[CKPT_FILE_MAX];
    size_t nb = WF(shared_save)(&st->s, bytes, sizeof bytes), len = 0;
    size_t ni = WF(incident_save)(&st->i, ibytes, sizeof ibytes);
    if (nb == 0 || ni == 0) { fprintf(stderr, "workflow_runner: cannot save the policy state\n"); return -1; }
    hex_encode(bytes, nb, hex);
    hex_encode(ibytes, ni, ihex);
#define PUT(...) (len += (size_t)snprintf(body + len, len < sizeof body ? sizeof body - len : 0, __VA_ARGS__))
    PUT("recov-workflow-checkpoint 3\nworkflow %08lx\n", (unsigned long)w->hash);
    PUT("policy %s %lu %08lx\n", WF_STR(WF_POLICY), (unsigned long)WF(POLICY_VERSION), (unsigned long)WF(POLICY_HASH));
    PUT("clock %llu\n", (unsigned long long)g_skipped);
    PUT("status %s\nstep %u\nphase %s %s\n", p->status, p->step, p->phase, p->phase_arg[0] ? p->phase_arg : "-");
    PUT("last_error %s\nskipped %s\n", p->last_error[0] ? p->last_error : "-", p->skipped[0] ? p->skipped : "-");
    PUT("metrics %lu %lu %lu %lu %lu %lu %lu %lu %lu %lu\n", p->steps_ok, p->steps_failed, p->steps_skipped,
        p->retries, p->handlers_run, p->handlers_ok, p->handlers_failed, p->handlers_timed_out, p->escalations,
        p->resumes);
    for (unsigned i = 0; i < p->nout; i++) {
        const handler_output *h = &p->outs[i];
        hex_encode((const uint8_t *)h->output, strlen(h->output), houts);
        PUT("handler %s %s %lu %s\n", h->name, h->result, (unsigned long)h->ms, houts[0] ? houts : "-");
    }
    PUT("state %s\n", hex);
    PUT("incident %s\n", ihex);
    if (len + 14 > sizeof body) { fprintf(stderr, "workflow_runner: checkpoint too large\n"); return -1; }
    PUT("crc %08lx\n", (unsigned long)crc32_ieee(body, len));
#undef PUT
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f) { fprintf(stderr, "workflow_runner: %s: %s\n", tmp, strerror(errno)); return -1; }
    bool ok = fwrite(body, 1, len, f) == len;
    ok = fflush(f) == 0 && fsync(fileno(f)) == 0 && ok;
    ok = fclose(f) == 0 && ok;
    if (!ok || rename(tmp, path) != 0) {
        fprintf(stderr, "workflow_runner: cannot write %s: %s\n", path, strerror(errno));
        remove(tmp);
        return -1;
    }
    /* make the rename itself durable */
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash) *(slash == dir ? slash + 1 : slash) = '\0'; else snprintf(dir, sizeof dir, ".");
    int dfd = open(dir, O_RDONLY);
    if (dfd >= 0) { fsync(dfd); close(dfd); }
    return 0;
}

static const char *load_result_text(recov_load r)
{
    switch (r) {
    case RECOV_LOAD_OK: return "restored";
    case RECOV_LOAD_MIGRATED: return "migrated";
    case RECOV_LOAD_SHORT: return "truncated (RECOV_LOAD_SHORT)";
    case RECOV_LOAD_MAGIC: return "not a recov checkpoint (RECOV_LOAD_MAGIC)";
    case RECOV_LOAD_FORMAT: return "unknown checkpoint format (RECOV_LOAD_FORMAT)";
    case RECOV_LOAD_CRC: return "checksum mismatch, the file is corrupt (RECOV_LOAD_CRC)";
    case RECOV_LOAD_FOREIGN: return "written by a different policy (RECOV_LOAD_FOREIGN)";
    case RECOV_LOAD_CORRUPT: return "malformed records (RECOV_LOAD_CORRUPT)";
    case RECOV_LOAD_STALE: return "an incident of another version of the policy (RECOV_LOAD_STALE)";
    }
    return "unknown result";
}

/* The checkpoint parser: one line at a time, each checked exactly.  A
 * failure sets `why` (a static text or the reason buffer). */
typedef struct ckpt_reader {
    char *next;                 /* the rest of the body */
    unsigned lineno;
    const char *why;
    char reason[160];
} ckpt_reader;

/* the next line if it starts with "KEY " (the rest in *rest), else NULL */
static char *ck_line(ckpt_reader *r, const char *key)
{
    if (r->why) return NULL;
    char *line = r->next, *nl = strchr(line, '\n');
    size_t kl = strlen(key);
    r->lineno++;
    if (!nl) { r->why = "a line without its end"; return NULL; }
    *nl = '\0';
    r->next = nl + 1;
    if (strncmp(line, key, kl) != 0 || line[kl] != ' ') {
        snprintf(r->reason, sizeof r->reason, "line %u is not '%s ...'", r->lineno, key);
        r->why = r->reason;
        return NULL;
    }
    return line + kl + 1;
}

static void ck_bad(ckpt_reader *r, const char *what)
{
    if (r->why) return;
    snprintf(r->reason, sizeof r->reason, "line %u: %s", r->lineno, what);
    r->why = r->reason;
}

/* the space-separated fields of s, exactly n of them, into f[] */
static bool ck_fields(char *s, char **f, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        f[i] = s;
        char *sp = strchr(s, ' ');
        if ((i + 1 < n) != (sp != NULL) || f[i][0] == '\0' || f[i][0] == ' ') return false;
        if (sp) { *sp = '\0'; s = sp + 1; }
    }
    return true;
}

static bool ck_hex8(const char *s, unsigned long *v)
{
    if (strlen(s) != 8) return false;
    unsigned long x = 0;
    for (int i = 0; i < 8; i++) {
        int d = hexval(s[i]);
        if (d < 0) return false;
        x = x << 4 | (unsigned long)d;
    }
    *v = x;
    return true;
}

static bool ck_num(const char *s, uint64_t hi, uint64_t *v) { return parse_digits(s, strlen(s), hi, v) == 0; }

/* 1 loaded, 0 no checkpoint, -1 rejected (message printed; the file is left as it was). */
static int load_checkpoint(const char *path, const workflow *w, progress *p, wf_state *st)
{
    FILE *f = fopen(path, "rb");
    if (!f) return errno == ENOENT ? 0 : (fprintf(stderr, "workflow_runner: %s: %s\n", path, strerror(errno)), -1);
    static char body[CKPT_FILE_MAX + 1];
    static uint8_t bytes[4096], ibytes[4096];
    size_t n = fread(body, 1, CKPT_FILE_MAX, f);
    bool more = fgetc(f) != EOF, ioerr = ferror(f) != 0;
    fclose(f);
    ckpt_reader rd = {body, 0, NULL, ""};
    char pname[64] = "";
    unsigned long ver = 0, hash = 0, whash = 0, crc = 0;
    long nbytes = -1, nibytes = -1;
    body[n] = '\0';
    memset(p, 0, sizeof *p);
    /* 1. the CRC line at the very end, over every byte before it */
    if (ioerr) { rd.why = "read error"; goto bad; }
    if (more) { rd.why = "larger than any checkpoint"; goto bad; }
    if (memchr(body, 0, n)) { rd.why = "a NUL byte"; goto bad; }
    if (n < 13 || (n > 13 && body[n - 14] != '\n') || strncmp(body + n - 13, "crc ", 4) != 0 || body[n - 1] != '\n') {
        rd.why = "no checksum line at its end";
        goto bad;
    }
    body[n - 1] = '\0';
    if (!ck_hex8(body + n - 9, &crc)) { rd.why = "no checksum line at its end"; goto bad; }
    if (crc32_ieee(body, n - 13) != crc) { rd.why = "checksum mismatch"; goto bad; }
    body[n - 13] = '\0';
    /* 2. every line, in order, every value in range */
    char *v, *fl[10];
    uint64_t x;
    if ((v = ck_line(&rd, "recov-workflow-checkpoint")) && strcmp(v, "3") != 0) ck_bad(&rd, "format is not 3");
    if ((v = ck_line(&rd, "workflow")) && !ck_hex8(v, &whash)) ck_bad(&rd, "not a workflow hash");
    if ((v = ck_line(&rd, "policy"))) {
        uint64_t vv;
        if (!ck_fields(v, fl, 3) || !good_name(fl[0], sizeof pname - 1, false) || !ck_num(fl[1], 0xffffffffu, &vv) ||
            !ck_hex8(fl[2], &hash))
            ck_bad(&rd, "not 'policy NAME VERSION HASH'");
        else { snprintf(pname, sizeof pname, "%s", fl[0]); ver = (unsigned long)vv; }
    }
    if ((v = ck_line(&rd, "clock"))) {
        if (!ck_num(v, (uint64_t)1 << 53, &x)) ck_bad(&rd, "clock out of range");
        else g_skipped = x;
    }
    if ((v = ck_line(&rd, "status"))) {
        if (strcmp(v, "running") != 0 && strcmp(v, "finished") != 0) ck_bad(&rd, "status is not running or finished");
        else snprintf(p->status, sizeof p->status, "%s", v);
    }
    bool running = strcmp(p->status, "running") == 0;
    if ((v = ck_line(&rd, "step"))) {
        /* running: a step of this workflow; finished: at most one past the last */
        if (!ck_num(v, running ? w->nsteps - 1u : w->nsteps, &x)) {
            snprintf(rd.reason, sizeof rd.reason, "line %u: step '%.20s' is not 0..%u (the workflow has %u steps)", rd.lineno, v,
                     running ? w->nsteps - 1u : w->nsteps, w->nsteps);
            rd.why = rd.reason;
        } else p->step = (unsigned)x;
    }
    if ((v = ck_line(&rd, "phase"))) {
        if (!ck_fields(v, fl, 2)) ck_bad(&rd, "not 'phase WHAT ARG'");
        else if ((strcmp(fl[0], "step") == 0 || strcmp(fl[0], "wait") == 0) && strcmp(fl[1], "-") == 0) {
            snprintf(p->phase, sizeof p->phase, "%s", fl[0]);
            if (!running && strcmp(fl[0], "step") != 0) ck_bad(&rd, "a finished run is in phase step");
        } else if (strcmp(fl[0], "handler") == 0 && running && find_name(WF(handler_name), fl[1]) >= 0) {
            snprintf(p->phase, sizeof p->phase, "handler");
            snprintf(p->phase_arg, sizeof p->phase_arg, "%s", fl[1]);
        } else ck_bad(&rd, "phase is not 'step -', 'wait -' or 'handler NAME' of a policy handler");
    }
    if ((v = ck_line(&rd, "last_error"))) {
        if (strcmp(v, "-") != 0 && find_name(WF(error_name), v) < 0) ck_bad(&rd, "last_error is not an error of the policy");
        else if (strcmp(v, "-") != 0) snprintf(p->last_error, sizeof p->last_error, "%s", v);
    }
    unsigned nskips = 0;
    if ((v = ck_line(&rd, "skipped")) && strcmp(v, "-") != 0) {
        size_t k = strlen(v);
        if (k > p->step || strspn(v, "01") != k || v[k - 1] != '1') ck_bad(&rd, "skipped is not 0/1 per step before the current one");
        else {
            snprintf(p->skipped, sizeof p->skipped, "%s", v);
            for (size_t i = 0; i < k; i++) nskips += v[i] == '1';
        }
    }
    if ((v = ck_line(&rd, "metrics"))) {
        unsigned long *m[10] = {&p->steps_ok, &p->steps_failed, &p->steps_skipped, &p->retries, &p->handlers_run,
                                &p->handlers_ok, &p->handlers_failed, &p->handlers_timed_out, &p->escalations, &p->resumes};
        bool ok = ck_fields(v, fl, 10);
        for (int i = 0; ok && i < 10; i++) {
            ok = ck_num(fl[i], 0xffffffffu, &x);
            *m[i] = (unsigned long)x;
        }
        if (!ok) ck_bad(&rd, "not 10 numbers of 0..4294967295");
        else if (p->handlers_ok + p->handlers_failed != p->handlers_run || p->handlers_timed_out > p->handlers_failed ||
                 p->steps_skipped != nskips)
            ck_bad(&rd, "the metrics do not add up");
    }
    while (!rd.why && strncmp(rd.next, "handler ", 8) == 0) {
        static const char *const results[] = {"ok", "failed", "timeout", "crashed", "missing", "interrupted"};
        v = ck_line(&rd, "handler");
        if (p->nout == MAX_OUTPUTS) { ck_bad(&rd, "more than 32 handler lines"); break; }
        handler_output *h = &p->outs[p->nout];
        bool ok = ck_fields(v, fl, 4) && find_name(WF(handler_name), fl[0]) >= 0 && ck_num(fl[2], 0xffffffffu, &x);
        unsigned ri = 0;
        while (ok && ri < 6 && strcmp(fl[1], results[ri]) != 0) ri++;
        long k = 0;
        if (ok && ri < 6 && strcmp(fl[3], "-") != 0)
            k = strlen(fl[3]) % 2 ? -1 : hex_decode(fl[3], (uint8_t *)h->output, sizeof h->output - 1);
        if (!ok || ri == 6 || k < 0 || memchr(h->output, 0, (size_t)k)) { ck_bad(&rd, "not 'handler NAME RESULT MS HEX'"); break; }
        snprintf(h->name, sizeof h->name, "%s", fl[0]);
        snprintf(h->result, sizeof h->result, "%s", fl[1]);
        h->ms = (uint32_t)x;
        h->output[k] = '\0';
        p->nout++;
    }
    if ((v = ck_line(&rd, "state"))) {
        size_t k = strlen(v);
        nbytes = k % 2 ? -1 : hex_decode(v, bytes, sizeof bytes);
        uint32_t plen = nbytes >= 24 ? (uint32_t)bytes[16] | (uint32_t)bytes[17] << 8 | (uint32_t)bytes[18] << 16 | (uint32_t)bytes[19] << 24 : 0;
        if (nbytes < 24 || (uint64_t)plen + 24u != (uint64_t)nbytes) ck_bad(&rd, "not one policy state image");
    }
    if ((v = ck_line(&rd, "incident"))) {
        size_t k = strlen(v);
        nibytes = k % 2 ? -1 : hex_decode(v, ibytes, sizeof ibytes);
        uint32_t plen = nibytes >= 24 ? (uint32_t)ibytes[16] | (uint32_t)ibytes[17] << 8 | (uint32_t)ibytes[18] << 16 | (uint32_t)ibytes[19] << 24 : 0;
        if (nibytes < 24 || (uint64_t)plen + 24u != (uint64_t)nibytes) ck_bad(&rd, "not one incident image");
    }
    if (!rd.why && *rd.next) { rd.lineno++; ck_bad(&rd, "lines after the incident"); }
    if (rd.why) goto bad;
    if (whash != w->hash) {
        fprintf(stderr, "workflow_runner: checkpoint %s belongs to another workflow file (%08lx, this one is %08lx); "
                        "remove it to start over\n", path, whash, (unsigned long)w->hash);
        return -1;
    }
    /* the shared part first (it migrates); then the incident, which only the
     * identical policy restores: after a migration it is STALE and starts over */
    wf_state nst = *st;   /* both parts or neither: a refused file changes nothing */
    recov_load r = WF(shared_load)(&nst.s, bytes, (size_t)nbytes);
    if (r == RECOV_LOAD_OK || r == RECOV_LOAD_MIGRATED) {
        recov_load ri = WF(incident_load)(&nst.i, ibytes, (size_t)nibytes);
        if (ri == RECOV_LOAD_STALE && r == RECOV_LOAD_MIGRATED) WF(incident_init)(&nst.i);
        else if (ri != RECOV_LOAD_OK) r = ri;
    }
    if (r == RECOV_LOAD_OK || r == RECOV_LOAD_MIGRATED) *st = nst;
    if (r == RECOV_LOAD_OK) {
        fprintf(stderr, "workflow_runner: checkpoint %s: recovery state restored (policy %s version %lu)\n", path, pname, ver);
        return 1;
    }
    if (r == RECOV_LOAD_MIGRATED) {
        fprintf(stderr, "workflow_runner: checkpoint %s was written by policy %s version %lu (hash %08lx); "
                        "migrated to version %lu (hash %08lx) by stable ids: breakers, budgets, learned alternatives "
                        "and escalation counters kept; the incident in progress starts over\n",
                path, pname, ver, hash, (unsigned long)WF(POLICY_VERSION), (unsigned long)WF(POLICY_HASH));
        return 1;
    }
    fprintf(stderr, "workflow_runner: checkpoint %s rejected: %s; it says policy %s version %lu (hash %08lx), "
                    "this runner has %s version %lu (hash %08lx); remove it to start over\n",
            path, load_result_text(r), pname[0] ? pname : "?", ver, hash, WF_STR(WF_POLICY),
            (unsigned long)WF(POLICY_VERSION), (unsigned long)WF(POLICY_HASH));
    return -1;
bad:
    fprintf(stderr, "workflow_runner: checkpoint %s rejected: not a workflow checkpoint or damaged (%s); remove it to start over\n",
            path, rd.why);
    return -1;
}

/* ---- context for commands ------------------------------------------------ */

static void set_num(const char *k, unsigned long v)
{
    char b[32];
    snprintf(b, sizeof b, "%lu", v);
    setenv(k, b, 1);
}

static void step_env(const step *s, unsigned idx)
{
    setenv("WF_STEP", s->name, 1);
    set_num("WF_STEP_INDEX", idx);
    for (unsigned i = 0; i < s->nvars; i++) {
        char k[160];
        snprintf(k, sizeof k, "WF_VAR_%s", s->var[i][0]);
        setenv(k, s->var[i][1], 1);
    }
}

static void error_env(const outcome *o, const recov_decision *d)
{
    set_num("WF_EXIT_CODE", (unsigned long)o->exit_code);
    set_num("WF_SIGNAL", (unsigned long)o->signal);
    set_num("WF_ATTEMPT", d->attempt);
    setenv("WF_ERROR", WF(error_name)(d->error), 1);
    setenv("WF_SEVERITY", level_name(d->severity), 1);
    setenv("WF_OUTPUT", o->out, 1);
}

static void record_output(progress *p, const char *name, const char *result, uint32_t ms, const char *out)
{
    if (p->nout == MAX_OUTPUTS) {
        memmove(&p->outs[0], &p->outs[1], sizeof p->outs[0] * (MAX_OUTPUTS - 1));
        p->nout--;
    }
    handler_output *h = &p->outs[p->nout++];
    snprintf(h->name, sizeof h->name, "%s", name);
    snprintf(h->result, sizeof h->result, "%s", result);
    h->ms = ms;
    size_t n = strlen(out);
    const char *tail = n >= sizeof h->output ? out + n - (sizeof h->output - 1) : out;
    snprintf(h->output, sizeof h->output, "%s", tail);
    setenv("WF_HANDLER_OUTPUT", h->output, 1);
    setenv("WF_HANDLER", name, 1);
}

/* ---- dry run -------------------------------------------------------------- */

static void print_chain(const workflow *w, const step *s, const char *what, WF(fault) f)
{
    wf_state st;
    WF(shared_init)(&st.s, 0, 1);
    WF(incident_init)(&st.i);
    uint32_t t = 0;
    recov_decision d = WF(failed)(&st.s, &st.i, &f, t);
    printf("    %s (%s):", what, WF(error_name)(d.error));
    for (int n = 0; n < 16; n++) {
        switch (d.kind) {
        case RECOV_RETRY:
            if (d.limit_ms) printf(" retry after %lu ms for at most %lu ms;", (unsigned long)d.ms, (unsigned long)d.limit_ms);
            else printf(" retry after %lu ms;", (unsigned long)d.ms);
            break;
        case RECOV_RUN: {
            const char *c = w->handler_cmd[d.id];
            printf(" run %s [%s] (timeout %lu ms), if it fails:", WF(handler_name)(d.id), c ? c : "no command",
                   (unsigned long)d.ms);
            d = WF(handler_done)(&st.s, &st.i, false, ++t);
            continue;
        }
        case RECOV_DEGRADE: printf(" %s.\n", WF(mode_name)(d.id)); return;
        case RECOV_ESCALATE: {
            const char *c = w->notify_cmd[d.id];
            printf(" escalate to %s (%s, SLA %lu ms) [%s].\n", WF(channel_name)(d.id), level_name(d.level),
                   (unsigned long)d.ms, c ? c : "no notify command");
            return;
        }
        default: printf(" abort.\n"); return;
        }
        t += d.ms + 1u;
        d = WF(failed)(&st.s, &st.i, &f, t);
    }
    printf(" ...\n");
    (void)s;
}

static void dry_run(const workflow *w)
{
    printf("dry run: %u steps, policy %s version %lu (hash %08lx); nothing is executed\n", w->nsteps,
           WF_STR(WF_POLICY), (unsigned long)WF(POLICY_VERSION), (unsigned long)WF(POLICY_HASH));
    for (unsigned i = 0; i < w->nsteps; i++) {
        const step *s = &w->steps[i];
        printf("step %u %s%s%s%s: %s\n", i + 1, s->name, s->retryable ? " retryable" : "",
               s->essential ? " essential" : "", s->optional ? " optional" : "", s->cmd);
        if (s->timeout_ms) printf("    timeout %lu ms\n", (unsigned long)s->timeout_ms);
        WF(fault) f = {0};
        f.retryable = s->retryable;
        f.essential = s->essential;
        f.optional = s->optional;
        f.exit_code = 1;
        print_chain(w, s, "if it fails", f);
        f.exit_code = 124;
        f.timed_out = true;
        print_chain(w, s, "if it times out", f);
    }
    for (unsigned h = 0; h < WF(HANDLER_COUNT); h++)
        if (!w->handler_cmd[h]) printf("note: handler %s has no command in this workflow; it would fail\n", WF(handler_name)(h));
}

/* ---- main ---------------------------------------------------------------- */

static void usage(FILE *f)
{
    fputs("usage: workflow_runner [--checkpoint FILE] [--dry-run] [--time-scale N] WORKFLOW\n"
          "       workflow_runner --check WORKFLOW CHECKPOINT...   (checks checkpoints, runs nothing)\n"
          "exit: 0 done, 1 aborted, 2 usage/workflow/checkpoint error, 4 escalated\n", f);
}

static void print_metrics(const progress *p, const char *result)
{
    unsigned long rate = p->handlers_run ? p->handlers_ok * 100u / p->handlers_run : 0;
    printf("{\n  \"result\": \"%s\",\n  \"last_error\": \"%s\",\n", result, p->last_error);
    printf("  \"metrics\": {\"steps_succeeded\": %lu, \"step_failures\": %lu, \"steps_skipped\": %lu, \"retries\": %lu, "
           "\"handlers_run\": %lu, \"handlers_succeeded\": %lu, \"handlers_failed\": %lu, \"handlers_timed_out\": %lu, "
           "\"handler_success_pct\": %lu, \"escalations\": %lu, \"resumes\": %lu},\n",
           p->steps_ok, p->steps_failed, p->steps_skipped, p->retries, p->handlers_run, p->handlers_ok,
           p->handlers_failed, p->handlers_timed_out, rate, p->escalations, p->resumes);
    printf("  \"handlers_executed\": [");
    for (unsigned i = 0; i < p->nout; i++) {
        char o[256];
        one_line(p->outs[i].output, o, sizeof o);
        printf("%s\n    {\"handler\": \"%s\", \"result\": \"%s\", \"ms\": %lu, \"output\": \"", i ? "," : "",
               p->outs[i].name, p->outs[i].result, (unsigned long)p->outs[i].ms);
        for (const char *c = o; *c; c++) {
            if (*c == '"' || *c == '\\') putchar('\\');
            putchar((unsigned char)*c < 0x20 ? ' ' : *c);
        }
        printf("\"}");
    }
    printf("%s]\n}\n", p->nout ? "\n  " : "");
}

/* --check WORKFLOW CHECKPOINT...: each checkpoint read exactly as a resume
 * would read it, and nothing run: "FILE: ok ..." on stdout, or the reason it
 * is refused on stderr.  Exit 0 when all are sound, 2 otherwise. */
static int check_checkpoints(int argc, char **argv)
{
    static workflow w;
    static char text[1 << 16];
    static progress p;
    if (argc < 4) { usage(stderr); return 2; }
    if (load_workflow(argv[2], &w, text, sizeof text) != 0) return 2;
    int rc = 0;
    for (int i = 3; i < argc; i++) {
        wf_state st;
        WF(shared_init)(&st.s, 0, 1);
        WF(incident_init)(&st.i);
        g_skipped = 0;
        int r = load_checkpoint(argv[i], &w, &p, &st);
        if (r == 1)
            printf("%s: ok (%s, step %u, phase %s%s%s)\n", argv[i], p.status, p.step + 1, p.phase,
                   p.phase_arg[0] ? " " : "", p.phase_arg);
        else if (r == 0)
            fprintf(stderr, "workflow_runner: checkpoint %s: no such file\n", argv[i]);
        if (r != 1) rc = 2;
    }
    return rc;
}

int main(int argc, char **argv)
{
    const char *ckpt = NULL, *wpath = NULL;
    bool dry = false;
    if (argc >= 2 && strcmp(argv[1], "--check") == 0) return check_checkpoints(argc, argv);
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--checkpoint") == 0 && i + 1 < argc) ckpt = argv[++i];
        else if (strcmp(argv[i], "--dry-run") == 0) dry = true;
        else if (strcmp(argv[i], "--time-scale") == 0 && i + 1 < argc) {
            uint64_t n;
            if (parse_digits(argv[i + 1], strlen(argv[i + 1]), 1000000u, &n) != 0 || n == 0) {
                fprintf(stderr, "workflow_runner: --time-scale: '%s' is not a number in 1..1000000\n", argv[i + 1]);
                usage(stderr);
                return 2;
            }
            g_scale = (uint32_t)n;
            i++;
        } else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) { usage(stdout); return 0; }
        else if (argv[i][0] == '-' || wpath) { usage(stderr); return 2; }
        else wpath = argv[i];
    }
    if (!wpath) { usage(stderr); return 2; }
    signal(SIGPIPE, SIG_IGN);

    static workflow w;
    static char text[1 << 16];
    if (load_workflow(wpath, &w, text, sizeof text) != 0) return 2;
    if (dry) { dry_run(&w); return 0; }

    static progress p;
    wf_state st;
    WF(shared_init)(&st.s, now_tick(), (uint32_t)getpid());
    WF(incident_init)(&st.i);
    int lr = ckpt ? load_checkpoint(ckpt, &w, &p, &st) : 0;
    if (lr < 0) return 2;
    bool resume_handler = false;
    if (lr == 0 || strcmp(p.status, "running") != 0) {
        /* a new run; the policy's persistent state (if any) carries over */
        memset(&p, 0, sizeof p);
        snprintf(p.status, sizeof p.status, "running");
        snprintf(p.phase, sizeof p.phase, "step");
    } else {
        p.resumes++;
        fprintf(stderr, "workflow_runner: resuming at step %u (%s), phase %s%s%s\n", p.step + 1,
                p.step < w.nsteps ? w.steps[p.step].name : "?", p.phase, p.phase_arg[0] ? " " : "", p.phase_arg);
        resume_handler = strcmp(p.phase, "handler") == 0;
        if (p.nout) setenv("WF_HANDLER_OUTPUT", p.outs[p.nout - 1].output, 1);
    }
    /* the policy clock is CLOCK_MONOTONIC (since boot): it goes on across restarts */
    static outcome o;
    const char *result = "done";
    int exit_code = 0;
    /* the policy's limit for the next attempt (the RETRY's limit_ms, scaled
     * like a handler's timeout), 0 none: a retried step runs at most this
     * long, or its own timeout= when that is shorter.  Not in the
     * checkpoint: an attempt resumed after a restart has its own timeout. */
    uint32_t attempt_limit = 0;
    while (p.step < w.nsteps) {
        const step *s = &w.steps[p.step];
        step_env(s, p.step + 1);
        recov_decision d;
        if (resume_handler) {
            /* killed while a handler ran: that handler failed */
            resume_handler = false;
            fprintf(stderr, "workflow_runner: handler %s was interrupted: counted as failed\n", p.phase_arg);
            record_output(&p, p.phase_arg, "interrupted", 0, "");
            d = WF(handler_done)(&st.s, &st.i, false, now_tick());
            if (d.kind == RECOV_NONE) {           /* the incident was not restored (migrated) */
                snprintf(p.phase, sizeof p.phase, "step");
                continue;
            }
        } else {
            snprintf(p.phase, sizeof p.phase, "step");
            p.phase_arg[0] = '\0';
            if (save_checkpoint(ckpt, &w, &p, &st) != 0) return 2;
            fprintf(stderr, "workflow_runner: step %u %s: running\n", p.step + 1, s->name);
            uint32_t lim = s->timeout_ms;
            if (attempt_limit && (lim == 0 || attempt_limit < lim)) lim = attempt_limit;
            attempt_limit = 0;
            run_shell(s->cmd, lim, &o);
            if (o.exit_code == 0) {
                WF(succeeded)(&st.s, &st.i, now_tick());
                p.steps_ok++;
                fprintf(stderr, "workflow_runner: step %u %s: ok\n", p.step + 1, s->name);
                p.step++;
                continue;
            }
            p.steps_failed++;
            WF(fault) f = {0};
            f.exit_code = (uint8_t)o.exit_code;
            f.signal = (uint8_t)o.signal;
            f.timed_out = o.timed_out;
            f.retryable = s->retryable;
            f.essential = s->essential;
            f.optional = s->optional;
            f.output = o.out;
            d = WF(failed)(&st.s, &st.i, &f, now_tick());
            char line[160];
            one_line(o.out, line, sizeof line);
            fprintf(stderr, "workflow_runner: step %u %s: failed (exit %d%s), attempt %u, %s: %s\n", p.step + 1,
                    s->name, o.exit_code, o.timed_out ? ", timed out" : "", d.attempt, WF(error_name)(d.error), line);
            snprintf(p.last_error, sizeof p.last_error, "%s", WF(error_name)(d.error));
            error_env(&o, &d);
        }
        /* the handler chain */
        while (d.kind == RECOV_RUN) {
            const char *hname = WF(handler_name)(d.id);
            const char *cmd = w.handler_cmd[d.id];
            uint32_t limit = handler_limit(d.ms);
            snprintf(p.phase, sizeof p.phase, "handler");
            snprintf(p.phase_arg, sizeof p.phase_arg, "%s", hname);
            if (save_checkpoint(ckpt, &w, &p, &st) != 0) return 2;
            const char *res;
            static outcome ho;
            if (!cmd) {
                memset(&ho, 0, sizeof ho);
                snprintf(ho.out, sizeof ho.out, "no command for handler %s in %s", hname, wpath);
                res = "missing";
            } else {
                setenv("WF_HANDLER", hname, 1);
                set_num("WF_HANDLER_TIMEOUT_MS", limit);
                run_shell(cmd, limit, &ho);
                res = ho.timed_out ? "timeout" : ho.signal ? "crashed" : ho.exit_code ? "failed" : "ok";
            }
            bool ok = strcmp(res, "ok") == 0;
            if (!ok && ho.timed_out) p.handlers_timed_out++;
            char line[160];
            one_line(ho.out, line, sizeof line);
            fprintf(stderr, "workflow_runner:   handler %s: %s in %lu ms (limit %lu ms): %s\n", hname, res,
                    (unsigned long)ho.ms, (unsigned long)limit, line);
            record_output(&p, hname, res, ho.ms, ho.out);
            d = WF(handler_done)(&st.s, &st.i, ok, now_tick());
        }
        switch (d.kind) {
        case RECOV_RETRY:
        case RECOV_ADJUST:
        case RECOV_FALLBACK:
            p.retries++;
            attempt_limit = handler_limit(d.limit_ms);
            if (attempt_limit)
                fprintf(stderr, "workflow_runner:   decision: retry in %lu ms (attempt %u), for at most %lu ms\n",
                        (unsigned long)d.ms, d.attempt, (unsigned long)attempt_limit);
            else
                fprintf(stderr, "workflow_runner:   decision: retry in %lu ms (attempt %u)\n", (unsigned long)d.ms,
                        d.attempt);
            snprintf(p.phase, sizeof p.phase, "wait");
            p.phase_arg[0] = '\0';
            /* the whole delay passes on the policy's clock, 1/scale of it in real time */
            g_skipped += d.ms - d.ms / g_scale;
            if (save_checkpoint(ckpt, &w, &p, &st) != 0) return 2;
            sleep_us((uint64_t)(d.ms / g_scale) * 1000u);
            continue;
        case RECOV_DEGRADE:
            fprintf(stderr, "workflow_runner:   decision: %s: step %s skipped, the workflow goes on\n",
                    WF(mode_name)(d.id), s->name);
            p.steps_skipped++;
            {
                size_t n = strlen(p.skipped);
                while (n < p.step) p.skipped[n++] = '0';
                p.skipped[p.step] = '1';
                p.skipped[n > p.step ? n : p.step + 1] = '\0';
            }
            p.step++;
            continue;
        case RECOV_ESCALATE: {
            const char *ch = WF(channel_name)(d.id);
            fprintf(stderr, "workflow_runner:   decision: escalate to %s (%s, SLA %lu ms)\n", ch, level_name(d.level),
                    (unsigned long)d.ms);
            setenv("WF_CHANNEL", ch, 1);
            setenv("WF_LEVEL", level_name(d.level), 1);
            set_num("WF_SLA_MS", d.ms);
            set_num("WF_ATTEMPT", d.attempt);
            if (w.notify_cmd[d.id]) {
                static outcome no;
                run_shell(w.notify_cmd[d.id], 10000u, &no);
                if (no.exit_code != 0)
                    fprintf(stderr, "workflow_runner:   notify %s failed (exit %d)\n", ch, no.exit_code);
            }
            result = "escalated";
            exit_code = 4;
            break;
        }
        default:
            fprintf(stderr, "workflow_runner:   decision: abort\n");
            result = "aborted";
            exit_code = 1;
            break;
        }
        break;
    }
    snprintf(p.status, sizeof p.status, "finished");
    snprintf(p.phase, sizeof p.phase, "step");
    p.phase_arg[0] = '\0';
    if (save_checkpoint(ckpt, &w, &p, &st) != 0) return 2;
    fprintf(stderr, "workflow_runner: %s\n", result);
    policy_metrics(&p, &st);
    print_metrics(&p, result);
    return exit_code;
}
