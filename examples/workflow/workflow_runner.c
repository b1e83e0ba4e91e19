/* workflow_runner.c - a step runner whose error handlers are a recov policy.
 *
 *   workflow_runner [--checkpoint FILE] [--dry-run] [--time-scale N] WORKFLOW
 *
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
 * aborts as decided.  The recovery state (the policy's P_save bytes, the
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

static uint32_t now_tick(void) { return (uint32_t)(mono_ms() * g_scale); }

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

static bool parse_duration(const char *v, uint32_t *ms)
{
    char *end;
    unsigned long n = strtoul(v, &end, 10);
    if (end == v || n > 86400000ul) return false;
    if (strcmp(end, "s") == 0) n *= 1000u;
    else if (*end && strcmp(end, "ms") != 0) return false;
    *ms = (uint32_t)n;
    return true;
}

static int load_workflow(const char *path, workflow *w, char *text, size_t cap)
{
    FILE *f = fopen(path, "r");
    if (!f) { fprintf(stderr, "workflow_runner: %s: %s\n", path, strerror(errno)); return -1; }
    size_t n = fread(text, 1, cap - 1, f);
    fclose(f);
    text[n] = '\0';
    w->hash = fnv1a(text, n);
    unsigned lineno = 0;
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
            setenv(trim(s + 4), eq + 1, 1);
        } else if (strncmp(s, "step ", 5) == 0 && colon) {
            if (w->nsteps == MAX_STEPS) goto bad;
            step *st = &w->steps[w->nsteps++];
            *colon = '\0';
            snprintf(st->cmd, sizeof st->cmd, "%s", trim(colon + 1));
            char *save = NULL;
            char *tok = strtok_r(s + 5, " \t", &save);
            if (!tok) goto bad;
            snprintf(st->name, sizeof st->name, "%s", tok);
            while ((tok = strtok_r(NULL, " \t", &save))) {
                char *eq = strchr(tok, '=');
                if (!eq) goto bad;
                *eq++ = '\0';
                if (strcmp(tok, "retryable") == 0) st->retryable = strcmp(eq, "0") != 0;
                else if (strcmp(tok, "essential") == 0) st->essential = strcmp(eq, "0") != 0;
                else if (strcmp(tok, "optional") == 0) st->optional = strcmp(eq, "0") != 0;
                else if (strcmp(tok, "timeout") == 0) { if (!parse_duration(eq, &st->timeout_ms)) goto bad; }
                else if (st->nvars < MAX_VARS) {
                    snprintf(st->var[st->nvars][0], sizeof st->var[0][0], "%s", tok);
                    snprintf(st->var[st->nvars][1], sizeof st->var[0][1], "%s", eq);
                    st->nvars++;
                } else goto bad;
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
    bad:
        fprintf(stderr, "%s:%u: cannot read this line (set NAME=VALUE | step NAME [VAR=VALUE...]: CMD | "
                        "handler NAME: CMD | notify CHANNEL: CMD)\n", path, lineno);
        return -1;
    }
    if (w->nsteps == 0) { fprintf(stderr, "%s: no steps\n", path); return -1; }
    return 0;
}

/* ---- the checkpoint ------------------------------------------------------ */

static int save_checkpoint(const char *path, const workflow *w, const progress *p, const wf_state *st)
{
    if (!path) return 0;
    uint8_t bytes[WF(SHARED_CHECKPOINT_MAX)];
    static char hex[2 * WF(SHARED_CHECKPOINT_MAX) + 1];
    uint8_t ibytes[WF(INCIDENT_CHECKPOINT_MAX)];
    static char ihex[2 * WF(INCIDENT_CHECKPOINT_MAX) + 1];
    static char houts[2 * sizeof p->outs[0].output + 1];
    WF(shared_save)(&st->s, bytes, sizeof bytes);
    hex_encode(bytes, sizeof bytes, hex);
    WF(incident_save)(&st->i, ibytes, sizeof ibytes);
    hex_encode(ibytes, sizeof ibytes, ihex);
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f) { fprintf(stderr, "workflow_runner: %s: %s\n", tmp, strerror(errno)); return -1; }
    fprintf(f, "recov-workflow-checkpoint 1\n");
    fprintf(f, "workflow %08lx\n", (unsigned long)w->hash);
    fprintf(f, "policy %s %lu %08lx\n", WF_STR(WF_POLICY), (unsigned long)WF(POLICY_VERSION), (unsigned long)WF(POLICY_HASH));
    fprintf(f, "status %s\nstep %u\nphase %s %s\n", p->status, p->step, p->phase, p->phase_arg[0] ? p->phase_arg : "-");
    fprintf(f, "last_error %s\nskipped %s\n", p->last_error[0] ? p->last_error : "-", p->skipped[0] ? p->skipped : "-");
    fprintf(f, "metrics %lu %lu %lu %lu %lu %lu %lu %lu %lu %lu\n", p->steps_ok, p->steps_failed, p->steps_skipped,
            p->retries, p->handlers_run, p->handlers_ok, p->handlers_failed, p->handlers_timed_out, p->escalations,
            p->resumes);
    for (unsigned i = 0; i < p->nout; i++) {
        const handler_output *h = &p->outs[i];
        hex_encode((const uint8_t *)h->output, strlen(h->output), houts);
        fprintf(f, "handler %s %s %lu %s\n", h->name, h->result, (unsigned long)h->ms, houts[0] ? houts : "-");
    }
    fprintf(f, "state %s\n", hex);
    fprintf(f, "incident %s\n", ihex);
    bool ok = fflush(f) == 0 && fsync(fileno(f)) == 0;
    ok = fclose(f) == 0 && ok;
    if (!ok || rename(tmp, path) != 0) {
        fprintf(stderr, "workflow_runner: cannot write %s: %s\n", path, strerror(errno));
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

/* 1 loaded, 0 no checkpoint, -1 rejected (message printed). */
static int load_checkpoint(const char *path, const workflow *w, progress *p, wf_state *st)
{
    FILE *f = fopen(path, "r");
    if (!f) return errno == ENOENT ? 0 : (fprintf(stderr, "workflow_runner: %s: %s\n", path, strerror(errno)), -1);
    static char line[8192];
    static uint8_t bytes[4096], ibytes[4096];
    long nibytes = -1;
    char pname[64] = "", arg[64];
    unsigned long ver = 0, hash = 0, whash = 0;
    long nbytes = -1;
    bool header = false;
    memset(p, 0, sizeof *p);
    while (fgets(line, sizeof line, f)) {
        if (strcmp(line, "recov-workflow-checkpoint 1\n") == 0) header = true;
        else if (sscanf(line, "workflow %lx", &whash) == 1) {}
        else if (sscanf(line, "policy %63s %lu %lx", pname, &ver, &hash) == 3) {}
        else if (sscanf(line, "status %15s", p->status) == 1) {}
        else if (sscanf(line, "step %u", &p->step) == 1) {}
        else if (sscanf(line, "phase %15s %31s", p->phase, p->phase_arg) == 2) { if (!strcmp(p->phase_arg, "-")) p->phase_arg[0] = 0; }
        else if (sscanf(line, "last_error %31s", p->last_error) == 1) { if (!strcmp(p->last_error, "-")) p->last_error[0] = 0; }
        else if (sscanf(line, "skipped %64s", p->skipped) == 1) { if (!strcmp(p->skipped, "-")) p->skipped[0] = 0; }
        else if (sscanf(line, "metrics %lu %lu %lu %lu %lu %lu %lu %lu %lu %lu", &p->steps_ok, &p->steps_failed,
                        &p->steps_skipped, &p->retries, &p->handlers_run, &p->handlers_ok, &p->handlers_failed,
                        &p->handlers_timed_out, &p->escalations, &p->resumes) == 10) {}
        else if (strncmp(line, "handler ", 8) == 0 && p->nout < MAX_OUTPUTS) {
            handler_output *h = &p->outs[p->nout];
            unsigned long ms;
            if (sscanf(line, "handler %31s %15s %lu %63s", h->name, h->result, &ms, arg) < 4) goto bad;
            h->ms = (uint32_t)ms;
            const char *hx = strrchr(line, ' ') + 1;
            long k = strcmp(arg, "-") == 0 ? 0 : hex_decode(hx, (uint8_t *)h->output, sizeof h->output - 1);
            if (k < 0) goto bad;
            h->output[k] = '\0';
            p->nout++;
        } else if (strncmp(line, "state ", 6) == 0) {
            nbytes = hex_decode(line + 6, bytes, sizeof bytes);
        } else if (strncmp(line, "incident ", 9) == 0) {
            nibytes = hex_decode(line + 9, ibytes, sizeof ibytes);
        } else goto bad;
    }
    fclose(f);
    f = NULL;
    if (!header || nbytes < 0 || nibytes < 0 || !p->status[0] || !p->phase[0]) goto bad;
    if (whash != w->hash) {
        fprintf(stderr, "workflow_runner: checkpoint %s belongs to another workflow file (%08lx, this one is %08lx); "
                        "remove it to start over\n", path, whash, (unsigned long)w->hash);
        return -1;
    }
    /* the shared part first (it migrates); then the incident, which only the
     * identical policy restores: after a migration it is STALE and starts over */
    recov_load r = WF(shared_load)(&st->s, bytes, (size_t)nbytes);
    if (r == RECOV_LOAD_OK || r == RECOV_LOAD_MIGRATED) {
        recov_load ri = WF(incident_load)(&st->i, ibytes, (size_t)nibytes);
        if (ri == RECOV_LOAD_STALE && r == RECOV_LOAD_MIGRATED) WF(incident_init)(&st->i);
        else if (ri != RECOV_LOAD_OK) r = ri;
    }
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
    if (f) fclose(f);
    fprintf(stderr, "workflow_runner: checkpoint %s rejected: not a workflow checkpoint or damaged; remove it to start over\n", path);
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
        case RECOV_RETRY: printf(" retry after %lu ms;", (unsigned long)d.ms); break;
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

int main(int argc, char **argv)
{
    const char *ckpt = NULL, *wpath = NULL;
    bool dry = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--checkpoint") == 0 && i + 1 < argc) ckpt = argv[++i];
        else if (strcmp(argv[i], "--dry-run") == 0) dry = true;
        else if (strcmp(argv[i], "--time-scale") == 0 && i + 1 < argc) {
            char *end;
            unsigned long n = strtoul(argv[++i], &end, 10);
            if (*end || n == 0 || n > 1000000ul) { usage(stderr); return 2; }
            g_scale = (uint32_t)n;
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
    while (p.step < w.nsteps) {
        const step *s = &w.steps[p.step];
        step_env(s, p.step + 1);
        recov_decision d;
        if (resume_handler) {
            /* killed while a handler ran: that handler failed */
            resume_handler = false;
            fprintf(stderr, "workflow_runner: handler %s was interrupted: counted as failed\n", p.phase_arg);
            record_output(&p, p.phase_arg, "interrupted", 0, "");
            p.handlers_run++;
            p.handlers_failed++;
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
            run_shell(s->cmd, s->timeout_ms, &o);
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
            uint32_t limit = d.ms ? (d.ms / g_scale ? d.ms / g_scale : 1u) : 0u;
            snprintf(p.phase, sizeof p.phase, "handler");
            snprintf(p.phase_arg, sizeof p.phase_arg, "%s", hname);
            if (save_checkpoint(ckpt, &w, &p, &st) != 0) return 2;
            p.handlers_run++;
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
            if (ok) p.handlers_ok++;
            else if (ho.timed_out) { p.handlers_failed++; p.handlers_timed_out++; }
            else p.handlers_failed++;
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
            fprintf(stderr, "workflow_runner:   decision: retry in %lu ms (attempt %u)\n", (unsigned long)d.ms, d.attempt);
            snprintf(p.phase, sizeof p.phase, "wait");
            p.phase_arg[0] = '\0';
            if (save_checkpoint(ckpt, &w, &p, &st) != 0) return 2;
            sleep_us((uint64_t)d.ms * 1000u / g_scale);
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
            p.escalations++;
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
    print_metrics(&p, result);
    return exit_code;
}
