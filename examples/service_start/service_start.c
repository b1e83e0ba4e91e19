/* service_start.c - a startup manager embedding the service_start policy.
 *
 * `start` launches the service (this program in `serve` mode) as a child
 * process.  The service reads a key=value config file (port, workers,
 * requires, startup_delay_ms), checks its dependency, binds 127.0.0.1:port and
 * reports READY or ERROR on a pipe.  The manager waits for READY within the
 * startup timeout, checks the port answers, and on any failure asks the policy
 * what to do.  Recovery actions are the policy's `run adaptive` handlers,
 * carried out for real: pick another free port, stop the process that holds
 * the port (found through /proc), chmod or rewrite the config, copy a
 * dependency from a wheelhouse, point the service at a virtual environment,
 * lower the workers; each reports with service_start_handler_done whether it
 * worked (worked: start again; did not: the policy names the next action).
 * Timeouts double the startup timeout.  What the actions learned (ok / failed
 * counts) is kept in a checkpoint file written with service_start_shared_save and
 * read back with service_start_shared_load, so the next run tries the best action
 * first.
 * Unresolved failures print the manual-intervention steps from the policy.
 *
 * usage: service_start start --config FILE [--checkpoint FILE] [--allow-kill]
 *            [--alt-ports N] [--wheelhouse DIR] [--venv DIR] [--timeout-ms MS]
 *            [--time-scale N] [--fail MESSAGE]...
 *        service_start serve FILE       (the service itself)
 *        service_start hold PORT        (holds a port, for tests)
 */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "service_start.h"

/* ------------------------------------------------------------ parsing */
/* The whole of s is decimal digits (no sign, no blanks) and the value is in
 * lo..hi: *out is set and 0 returned.  Anything else, including a value that
 * does not fit in 64 bits, is -1 and *out is left alone. */
static int parse_uint(const char *s, unsigned long long lo, unsigned long long hi, unsigned long long *out)
{
    unsigned long long v = 0;
    if (!s || !*s) return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9') return -1;
        unsigned d = (unsigned)(*s - '0');
        if (d > hi || v > (hi - d) / 10u) return -1; /* past hi (and so never wraps) */
        v = v * 10u + d;
    }
    if (v < lo) return -1;
    *out = v;
    return 0;
}

static int parse_unsigned(const char *s, unsigned lo, unsigned hi, unsigned *out)
{
    unsigned long long v;
    if (parse_uint(s, lo, hi, &v) != 0) return -1;
    *out = (unsigned)v;
    return 0;
}

/* ------------------------------------------------------------ config file */
#define PORT_MAX 65535u
#define WORKERS_MAX 1024u
#define DELAY_MAX_MS 600000u /* 10 minutes */
#define TIMEOUT_MAX_MS 600000u

typedef struct svc_config { unsigned port, workers, delay_ms; char requires[256]; } svc_config;

/* 0 ok, -1 unreadable (errno), -2 invalid (msg).  Every value is range
 * checked; a bad one names its line. */
static int read_config(const char *path, svc_config *c, char *msg, size_t cap)
{
    struct stat st;
    memset(c, 0, sizeof *c);
    c->workers = 1;
    if (stat(path, &st) != 0) return -1;
    if ((st.st_mode & S_IRUSR) == 0) return errno = EACCES, -1;
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    char line[512];
    int n = 0;
    while (fgets(line, sizeof line, f)) {
        n++;
        size_t len = strcspn(line, "\r\n");
        if (line[len] == 0 && !feof(f)) {
            snprintf(msg, cap, "invalid config: %s:%d: line longer than %zu bytes", path, n, sizeof line - 2);
            fclose(f);
            return -2;
        }
        line[len] = 0;
        if (!line[0] || line[0] == '#') continue;
        char *eq = strchr(line, '=');
        if (!eq) { snprintf(msg, cap, "invalid config: %s:%d: expected key=value", path, n); fclose(f); return -2; }
        *eq = 0;
        const char *v = eq + 1, *bad = NULL;
        if (!strcmp(line, "port")) { if (parse_unsigned(v, 1, PORT_MAX, &c->port) != 0) bad = "port must be 1..65535"; }
        else if (!strcmp(line, "workers")) { if (parse_unsigned(v, 1, WORKERS_MAX, &c->workers) != 0) bad = "workers must be 1..1024"; }
        else if (!strcmp(line, "startup_delay_ms")) { if (parse_unsigned(v, 0, DELAY_MAX_MS, &c->delay_ms) != 0) bad = "startup_delay_ms must be 0..600000"; }
        else if (!strcmp(line, "requires")) {
            if (!v[0] || strlen(v) >= sizeof c->requires || strchr(v, '/') || !strcmp(v, ".") || !strcmp(v, ".."))
                bad = "requires must be a file name of 1..255 bytes without '/'";
            else snprintf(c->requires, sizeof c->requires, "%s", v);
        }
        else { snprintf(msg, cap, "invalid config: %s:%d: unknown key '%.64s'", path, n, line); fclose(f); return -2; }
        if (bad) { snprintf(msg, cap, "invalid config: %s:%d: %s, not '%.64s'", path, n, bad, v); fclose(f); return -2; }
    }
    fclose(f);
    if (c->port == 0) { snprintf(msg, cap, "invalid config: %s: no valid port", path); return -2; }
    return 0;
}

/* written to PATH.tmp and renamed over PATH: never a torn config */
static int write_config(const char *path, const svc_config *c)
{
    char tmp[4200];
    if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp", path) >= sizeof tmp) return -1;
    FILE *f = fopen(tmp, "w");
    if (!f) return -1;
    fprintf(f, "port=%u\nworkers=%u\n", c->port, c->workers);
    if (c->delay_ms) fprintf(f, "startup_delay_ms=%u\n", c->delay_ms);
    if (c->requires[0]) fprintf(f, "requires=%s\n", c->requires);
    if (fclose(f) != 0) return remove(tmp), -1;
    return rename(tmp, path);
}

/* a listening socket on 127.0.0.1:port (1..65535), or -1 (errno) */
static int listen_on(unsigned port)
{
    if (port == 0 || port > PORT_MAX) return errno = EINVAL, -1; /* never (uint16_t)65536 = "any port" */
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return -1;
    int one = 1; /* a restart must not trip over its own TIME_WAIT; a live listener still conflicts */
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    sa.sin_port = htons((uint16_t)port);
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(fd, 8) != 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

/* ------------------------------------------------------------ the service */
static int serve(const char *path)
{
    svc_config c;
    char msg[1024] = "";
    int r = read_config(path, &c, msg, sizeof msg);
    if (r == -1) return printf("ERROR %d cannot read config %s: %s\n", errno, path, strerror(errno)), 1;
    if (r == -2) return printf("ERROR 0 %s\n", msg), 1;
    if (c.requires[0]) {
        const char *deps = getenv("SERVICE_DEPS");
        char p[1024];
        if (deps && (!deps[0] || strlen(deps) > 1000)) return printf("ERROR 0 invalid environment: SERVICE_DEPS must be a path of 1..1000 bytes\n"), 1;
        snprintf(p, sizeof p, "%s/%s", deps ? deps : "deps", c.requires);
        if (access(p, F_OK) != 0) return printf("ERROR 0 missing dependency: %s not installed\n", c.requires), 1;
    }
    if (c.workers > 4) {
        fflush(stdout);
        _exit(70); /* the service dies: too many workers for this machine */
    }
    if (c.delay_ms) {
        struct timespec ts = {(time_t)(c.delay_ms / 1000u), (long)(c.delay_ms % 1000u) * 1000000L};
        nanosleep(&ts, NULL);
    }
    int fd = listen_on(c.port);
    if (fd < 0) return printf("ERROR %d bind 127.0.0.1:%u: %s\n", errno, c.port, strerror(errno)), 1;
    printf("READY %u\n", c.port);
    fflush(stdout);
    for (;;) {
        int k = accept(fd, NULL, NULL);
        if (k < 0) continue;
        if (write(k, "OK\n", 3) < 0) {}
        close(k);
    }
}

static int hold(unsigned port)
{
    int fd = listen_on(port);
    if (fd < 0) return perror("hold"), 1;
    printf("holding %u\n", port);
    fflush(stdout);
    for (;;) pause();
}

/* ------------------------------------------------------------ the manager */
typedef struct mgr {
    const char *config, *checkpoint, *wheelhouse, *venv;
    int allow_kill;
    unsigned alt_ports, timeout_ms, time_scale;
    const char *fails[16];
    unsigned nfails, next_fail;
    char deps_env[1024];
} mgr;

/* The policy's clock: real time since start, plus the part of each policy
 * wait that --time-scale skipped.  Only the policy's own waits (retry delays)
 * are scaled; waits on real processes (the startup timeout, a stopped
 * process releasing its port) are real time, so a loaded machine decides the
 * same as an idle one. */
static struct timespec t0;
static uint64_t skipped_ms;
static uint64_t real_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)((long long)(t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000);
}
static uint32_t now_ms(void) { return (uint32_t)(real_ms() + skipped_ms); }
static void sleep_real(unsigned long ms)
{
    struct timespec ts = {(time_t)(ms / 1000u), (long)(ms % 1000u) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {}
}
/* a wait the policy decided: ms / time_scale of real time, all of ms on the policy's clock */
static void policy_wait(const mgr *m, uint32_t ms)
{
    uint32_t real = ms / m->time_scale;
    sleep_real(real);
    skipped_ms += ms - real;
}

static int port_answers(unsigned port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0 || port == 0 || port > PORT_MAX) return fd >= 0 ? close(fd), 0 : 0;
    struct timeval tv = {5, 0}; /* our own service answers at once; 5 s is for a loaded machine */
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    sa.sin_port = htons((uint16_t)port);
    char buf[8] = "";
    int ok = connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0 && read(fd, buf, 3) == 3 && memcmp(buf, "OK\n", 3) == 0;
    close(fd);
    return ok;
}

/* Reads one line from fd into line (without the newline) until deadline
 * (real ms); 1 a line, 0 the deadline passed, -1 the pipe closed first. */
static int read_line_until(int fd, uint64_t deadline, char *line, size_t cap)
{
    size_t n = 0;
    line[0] = 0;
    for (;;) {
        uint64_t now = real_ms();
        if (now >= deadline) return 0;
        struct pollfd pf = {fd, POLLIN, 0};
        uint64_t left = deadline - now;
        int r = poll(&pf, 1, left > 60000u ? 60000 : (int)left);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) return -1;
        if (r == 0) continue; /* the loop re-checks the deadline */
        ssize_t k = read(fd, line + n, cap - 1 - n);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) return line[n] = 0, -1;
        n += (size_t)k;
        line[n] = 0;
        char *nl = memchr(line, '\n', n);
        if (nl) return *nl = 0, 1;
        if (n == cap - 1) return 1; /* a longer line is cut: the parse below refuses it */
    }
}

/* The service's report: "READY PORT" (1..65535) or "ERROR ERRNO TEXT"
 * (errno 0..4095).  1 ready (*port), 0 error (*err, text), -1 neither. */
static int parse_report(const char *line, unsigned *port, unsigned *err, char *text, size_t cap)
{
    if (!strncmp(line, "READY ", 6)) return parse_unsigned(line + 6, 1, PORT_MAX, port) == 0 ? 1 : -1;
    if (strncmp(line, "ERROR ", 6) != 0) return -1;
    const char *num = line + 6, *sp = strchr(num, ' ');
    char digits[8];
    if (!sp || (size_t)(sp - num) >= sizeof digits || !sp[1]) return -1;
    memcpy(digits, num, (size_t)(sp - num));
    digits[sp - num] = 0;
    if (parse_unsigned(digits, 0, 4095, err) != 0) return -1;
    snprintf(text, cap, "%s", sp + 1);
    return 0;
}

/* one start attempt: 0 running (pid in *pid), else msg / errno_code.  The
 * service gets the whole startup timeout of real time to report: it is a
 * real process, and --time-scale does not shorten it. */
static int start_once(mgr *m, const char *self, pid_t *pid, unsigned *port, char *msg, size_t cap, unsigned *err)
{
    *err = 0;
    if (m->next_fail < m->nfails) return snprintf(msg, cap, "%s", m->fails[m->next_fail++]), -1;
    int p[2];
    if (pipe(p) != 0) return snprintf(msg, cap, "pipe: %s", strerror(errno)), -1;
    uint64_t deadline = real_ms() + m->timeout_ms;
    pid_t c = fork();
    if (c < 0) {
        close(p[0]);
        close(p[1]);
        return snprintf(msg, cap, "fork: %s", strerror(errno)), -1;
    }
    if (c == 0) {
        dup2(p[1], 1);
        close(p[0]);
        close(p[1]);
        if (m->deps_env[0]) setenv("SERVICE_DEPS", m->deps_env, 1);
        execl(self, self, "serve", m->config, (char *)NULL);
        _exit(127);
    }
    close(p[1]);
    char line[1100];
    int r = read_line_until(p[0], deadline, line, sizeof line);
    close(p[0]);
    if (r == 0) {
        kill(c, SIGKILL);
        waitpid(c, NULL, 0);
        *err = ETIMEDOUT;
        return snprintf(msg, cap, "service not ready: startup timed out after %u ms", m->timeout_ms), -1;
    }
    unsigned ready_port = 0, code = 0;
    char text[1100];
    int kind = r > 0 ? parse_report(line, &ready_port, &code, text, sizeof text) : -1;
    if (kind == 1 && port_answers(ready_port)) {
        *pid = c;
        *port = ready_port;
        return 0;
    }
    if (kind != 0 && r > 0) kill(c, SIGKILL); /* READY but the port does not answer, or a malformed report */
    int status = 0;
    waitpid(c, &status, 0);
    if (kind == 0) {
        *err = code;
        return snprintf(msg, cap, "%s", text), -1;
    }
    if (kind == 1) return snprintf(msg, cap, "service process reported port %u, which does not answer", ready_port), -1;
    if (r > 0) return snprintf(msg, cap, "service process exited after a malformed report"), -1;
    return snprintf(msg, cap, "service process exited with status %d", WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status)), -1;
}

/* pid of the process with a listening socket on 127.0.0.1:port, via /proc; 0 none */
static pid_t port_owner(unsigned port)
{
    FILE *f = fopen("/proc/net/tcp", "r");
    if (!f) return 0;
    char line[512];
    unsigned long inode = 0;
    while (fgets(line, sizeof line, f)) {
        unsigned lport, st;
        unsigned long ino;
        if (sscanf(line, " %*u: %*x:%x %*x:%*x %x %*x:%*x %*x:%*x %*x %*u %*u %lu", &lport, &st, &ino) == 3 && lport == port && st == 0x0A) {
            inode = ino;
            break;
        }
    }
    fclose(f);
    if (!inode) return 0;
    char want[64];
    snprintf(want, sizeof want, "socket:[%lu]", inode);
    DIR *d = opendir("/proc");
    struct dirent *e;
    pid_t found = 0;
    while (d && !found && (e = readdir(d)) != NULL) {
        unsigned pid;
        if (parse_unsigned(e->d_name, 1, 0x7fffffffu, &pid) != 0) continue;
        char fdd[300];
        snprintf(fdd, sizeof fdd, "/proc/%s/fd", e->d_name);
        DIR *fds = opendir(fdd);
        struct dirent *x;
        while (fds && (x = readdir(fds)) != NULL) {
            char lp[600], target[128];
            snprintf(lp, sizeof lp, "%s/%s", fdd, x->d_name);
            ssize_t k = readlink(lp, target, sizeof target - 1);
            if (k > 0) {
                target[k] = 0;
                if (!strcmp(target, want)) { found = (pid_t)pid; break; }
            }
        }
        if (fds) closedir(fds);
    }
    if (d) closedir(d);
    return found;
}

static int port_free(unsigned port)
{
    int fd = listen_on(port);
    if (fd < 0) return 0;
    close(fd);
    return 1;
}

/* run handler `h` within `ms` (0: 1 s where waiting is needed); prints what it did,
 * returns whether it worked */
static int run_handler(mgr *m, unsigned h, uint32_t ms)
{
    svc_config c;
    char msg[1024];
    int r = read_config(m->config, &c, msg, sizeof msg);
    switch (h) {
    case service_start_HANDLER_ALTERNATIVE_PORT:
    case service_start_HANDLER_SAFE_PORT_RANGE: {
        if (r != 0) { printf("  action: cannot read the config: %s\n", r == -2 ? msg : strerror(errno)); return 0; }
        unsigned base = h == service_start_HANDLER_SAFE_PORT_RANGE ? 8000u : c.port;
        /* ports end at 65535: the range is cut there, never wrapped to 65536 (= port 0, "any port") */
        unsigned lo = base + 1, hi = base + m->alt_ports > PORT_MAX ? PORT_MAX : base + m->alt_ports;
        if (lo > PORT_MAX) {
            printf("  action: no free port: %u is the last port\n", base);
            return 0;
        }
        for (unsigned p = lo; p <= hi; p++)
            if (port_free(p)) {
                c.port = p;
                if (write_config(m->config, &c) != 0) {
                    printf("  action: port %u is free, but the config cannot be written: %s\n", p, strerror(errno));
                    return 0;
                }
                printf("  action: port %u is free, config now uses it\n", p);
                return 1;
            }
        printf("  action: no free port in %u..%u\n", lo, hi);
        return 0;
    }
    case service_start_HANDLER_KILL_PORT_OWNER: {
        pid_t o = r == 0 ? port_owner(c.port) : 0;
        if (!o) { printf("  action: no process found on port %u\n", c.port); return 0; }
        kill(o, SIGTERM);
        /* the handler's timeout, in real time: a dying process is a real process */
        uint64_t limit = ms ? ms : 1000u, until = real_ms() + limit;
        while (!port_free(c.port) && real_ms() < until) sleep_real(5);
        if (!port_free(c.port)) { printf("  action: port %u still held after %lu ms\n", c.port, (unsigned long)limit); return 0; }
        printf("  action: stopped the process holding port %u\n", c.port);
        return 1;
    }
    case service_start_HANDLER_FIX_PERMISSIONS: {
        int ok = chmod(m->config, 0644) == 0;
        printf("  action: chmod 0644 %s: %s\n", m->config, ok ? "done" : strerror(errno));
        return ok;
    }
    case service_start_HANDLER_REPAIR_CONFIG: {
        /* keep what can be read of the port, rewrite everything else with defaults */
        FILE *f = fopen(m->config, "r");
        svc_config d = {0, 1, 0, ""};
        char line[512];
        while (f && fgets(line, sizeof line, f)) {
            line[strcspn(line, "\r\n")] = 0;
            if (!strncmp(line, "port=", 5) && parse_unsigned(line + 5, 1, PORT_MAX, &d.port) != 0) d.port = 0;
        }
        if (f) fclose(f);
        if (d.port == 0) d.port = 8080;
        write_config(m->config, &d);
        printf("  action: config rewritten with defaults (port %u)\n", d.port);
        return 1;
    }
    case service_start_HANDLER_INSTALL_DEPENDENCIES: {
        char src[1400], dst[1400], buf[4096];
        snprintf(src, sizeof src, "%s/%s", m->wheelhouse ? m->wheelhouse : "", c.requires);
        mkdir("deps", 0755);
        snprintf(dst, sizeof dst, "%s/%s", m->deps_env[0] ? m->deps_env : "deps", c.requires);
        FILE *in = m->wheelhouse ? fopen(src, "rb") : NULL, *out = in ? fopen(dst, "wb") : NULL;
        int ok = in && out;
        size_t n;
        while (in && out && (n = fread(buf, 1, sizeof buf, in)) > 0) fwrite(buf, 1, n, out);
        printf("  action: install %s: %s\n", c.requires, ok ? "installed" : "not in the wheelhouse");
        if (in) fclose(in);
        if (out) fclose(out);
        return ok;
    }
    case service_start_HANDLER_ACTIVATE_VENV:
        if (m->venv && access(m->venv, F_OK) == 0) {
            snprintf(m->deps_env, sizeof m->deps_env, "%s", m->venv);
            printf("  action: activated virtual environment %s\n", m->venv);
            return 1;
        }
        printf("  action: no virtual environment to activate\n");
        return 0;
    case service_start_HANDLER_CREATE_VENV: {
        int ok = m->venv && mkdir(m->venv, 0755) == 0;
        printf("  action: create virtual environment %s: %s\n", m->venv ? m->venv : "(none)", ok ? "created" : "failed");
        return ok;
    }
    case service_start_HANDLER_RESTART_DIFFERENT_PARAMS:
        c.workers = 1;
        if (r == 0) write_config(m->config, &c);
        printf("  action: restart with workers=1\n");
        return r == 0;
    default: /* the firewall checks: nothing to do here, fail at once */
        printf("  action: %s: cannot be automated here, see the steps below\n", service_start_handler_name(h));
        return 0;
    }
}

static const char *load_text(recov_load r)
{
    switch (r) {
    case RECOV_LOAD_OK: return "loaded";
    case RECOV_LOAD_MIGRATED: return "migrated";
    case RECOV_LOAD_SHORT: return "truncated";
    case RECOV_LOAD_MAGIC: return "not a recov checkpoint";
    case RECOV_LOAD_FORMAT: return "unknown checkpoint format";
    case RECOV_LOAD_CRC: return "checksum mismatch";
    case RECOV_LOAD_FOREIGN: return "written by another policy";
    case RECOV_LOAD_CORRUPT: return "malformed records";
    case RECOV_LOAD_STALE: return "an incident of another policy version";
    }
    return "unknown";
}

/* The checkpoint file is exactly one service_start_shared_save image: its CRC
 * covers bytes 0..20+L, and the file must end right after the CRC (P_load
 * would ignore trailing bytes; here they make the file damaged).  A rejected
 * file is reported and the learning starts over. */
static void load_checkpoint(mgr *m, service_start_shared *st)
{
    static uint8_t buf[4096];
    FILE *f = m->checkpoint ? fopen(m->checkpoint, "rb") : NULL;
    if (!f) return;
    size_t n = fread(buf, 1, sizeof buf, f);
    int more = fgetc(f) != EOF, ioerr = ferror(f);
    fclose(f);
    const char *why = NULL;
    if (ioerr) why = "read error";
    else if (more) why = "larger than any checkpoint";
    else if (n >= 20) {
        uint32_t len = (uint32_t)buf[16] | (uint32_t)buf[17] << 8 | (uint32_t)buf[18] << 16 | (uint32_t)buf[19] << 24;
        if (len <= sizeof buf - 24 && n > 24u + len) why = "bytes after the checkpoint";
    }
    recov_load r = why ? RECOV_LOAD_CORRUPT : service_start_shared_load(st, buf, n);
    if (r == RECOV_LOAD_OK || r == RECOV_LOAD_MIGRATED) printf("checkpoint %s: %s\n", m->checkpoint, load_text(r));
    else printf("checkpoint %s: rejected (%s), learning starts over\n", m->checkpoint, why ? why : load_text(r));
}

/* written to FILE.tmp, then renamed over FILE: never a torn checkpoint */
static void save_checkpoint(const mgr *m, const service_start_shared *st)
{
    uint8_t buf[service_start_SHARED_CHECKPOINT_MAX];
    char tmp[4200];
    size_t n = service_start_shared_save(st, buf, sizeof buf);
    if (!m->checkpoint || !n || (size_t)snprintf(tmp, sizeof tmp, "%s.tmp", m->checkpoint) >= sizeof tmp) return;
    FILE *f = fopen(tmp, "wb");
    int ok = f && fwrite(buf, 1, n, f) == n;
    if (f) ok = fclose(f) == 0 && ok;
    if (!ok || rename(tmp, m->checkpoint) != 0) {
        fprintf(stderr, "service_start: cannot write %s: %s\n", m->checkpoint, strerror(errno));
        remove(tmp);
    }
}

static int start(mgr *m, const char *self)
{
    service_start_shared st;
    service_start_incident st_inc;
    service_start_shared_init(&st, now_ms(), 1);
    service_start_incident_init(&st_inc);
    load_checkpoint(m, &st);
    int rc = 1;
    for (unsigned n = 1;; n++) {
        pid_t pid;
        unsigned port, err;
        char msg[1200];
        if (start_once(m, self, &pid, &port, msg, sizeof msg, &err) == 0) {
            service_start_succeeded(&st, &st_inc, now_ms());
            printf("start %u: running on 127.0.0.1:%u\n", n, port);
            kill(pid, SIGTERM);
            waitpid(pid, NULL, 0);
            rc = 0;
            break;
        }
        service_start_fault f = {(uint16_t)err, m->allow_kill != 0, msg};
        recov_decision d = service_start_failed(&st, &st_inc, &f, now_ms());
        printf("start %u: failed: %s -> %s\n", n, msg, service_start_error_name(d.error));
        int fixed = 0;
        while (d.kind == RECOV_RUN) { /* actions, best first, until one works */
            printf("  recover: %s\n", service_start_handler_name(d.id));
            fixed = run_handler(m, d.id, d.ms);
            d = service_start_handler_done(&st, &st_inc, fixed != 0, now_ms());
        }
        if (fixed && d.kind == RECOV_RETRY) {
            /* the action fixed it: start again at once */
        } else if (d.kind == RECOV_RETRY) {
            printf("  recover: retry in %lu ms\n", (unsigned long)d.ms);
            policy_wait(m, d.ms);
        } else if (d.kind == RECOV_ADJUST) {
            m->timeout_ms = m->timeout_ms > TIMEOUT_MAX_MS / 2 ? TIMEOUT_MAX_MS : m->timeout_ms * 2;
            printf("  recover: %s, startup timeout now %u ms\n", service_start_adjust_name(d.id), m->timeout_ms);
        } else {
            printf("  unresolved: manual intervention needed (%s)\n", service_start_error_message(d.error));
            for (unsigned i = 0; service_start_error_step(d.error, i); i++)
                printf("  suggestion %u: %s\n", i + 1, service_start_error_step(d.error, i));
            break;
        }
    }
    save_checkpoint(m, &st);
    return rc;
}

static int bad_number(const char *opt, const char *v, const char *range)
{
    fprintf(stderr, "service_start: %s: '%s' is not a number in %s\n", opt, v, range);
    return 2;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    signal(SIGPIPE, SIG_IGN);
    if (argc == 3 && !strcmp(argv[1], "serve")) return serve(argv[2]);
    if (argc == 3 && !strcmp(argv[1], "hold")) {
        unsigned port;
        if (parse_unsigned(argv[2], 1, PORT_MAX, &port) != 0) return fprintf(stderr, "service_start: hold: bad port '%s' (1..65535)\n", argv[2]), 2;
        return hold(port);
    }
    clock_gettime(CLOCK_MONOTONIC, &t0);
    mgr m;
    memset(&m, 0, sizeof m);
    m.alt_ports = 10;
    m.timeout_ms = 2000;
    m.time_scale = 1;
    if (argc < 2 || strcmp(argv[1], "start") != 0) goto usage;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--allow-kill")) { m.allow_kill = 1; continue; }
        if (i + 1 >= argc) goto usage;
        const char *v = argv[++i];
        if (!v[0] || strlen(v) > 1000) return fprintf(stderr, "service_start: %s: 1..1000 bytes, not %zu\n", a, strlen(v)), 2;
        if (!strcmp(a, "--config")) m.config = v;
        else if (!strcmp(a, "--checkpoint")) m.checkpoint = v;
        else if (!strcmp(a, "--wheelhouse")) m.wheelhouse = v;
        else if (!strcmp(a, "--venv")) m.venv = v;
        else if (!strcmp(a, "--alt-ports")) { if (parse_unsigned(v, 1, 1000, &m.alt_ports) != 0) return bad_number(a, v, "1..1000"); }
        else if (!strcmp(a, "--timeout-ms")) { if (parse_unsigned(v, 1, TIMEOUT_MAX_MS, &m.timeout_ms) != 0) return bad_number(a, v, "1..600000"); }
        else if (!strcmp(a, "--time-scale")) { if (parse_unsigned(v, 1, 1000000, &m.time_scale) != 0) return bad_number(a, v, "1..1000000"); }
        else if (!strcmp(a, "--fail")) {
            if (m.nfails == 16) return fprintf(stderr, "service_start: at most 16 --fail\n"), 2;
            m.fails[m.nfails++] = v;
        }
        else goto usage;
    }
    if (!m.config) goto usage;
    char self[4096];
    ssize_t k = readlink("/proc/self/exe", self, sizeof self - 1);
    if (k <= 0) return perror("/proc/self/exe"), 2;
    self[k] = 0;
    return start(&m, self);
usage:
    fprintf(stderr, "usage: service_start start --config FILE [--checkpoint FILE] [--allow-kill] [--alt-ports N]\n"
                    "           [--wheelhouse DIR] [--venv DIR] [--timeout-ms MS] [--time-scale N] [--fail MESSAGE]...\n"
                    "       service_start serve FILE\n"
                    "       service_start hold PORT\n");
    return 2;
}
