/* service_start.c - a startup manager embedding the service_start policy (seed 001).
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
 * counts) is kept in a checkpoint file written with service_start_save and
 * read back with service_start_load, so the next run tries the best action
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
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "service_start.h"

/* ------------------------------------------------------------ config file */
typedef struct svc_config { unsigned port, workers, delay_ms; char requires[256]; } svc_config;

/* 0 ok, -1 unreadable (errno), -2 invalid (msg) */
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
        line[strcspn(line, "\r\n")] = 0;
        if (!line[0] || line[0] == '#') continue;
        char *eq = strchr(line, '=');
        if (!eq) { snprintf(msg, cap, "invalid config: %s:%d: expected key=value", path, n); fclose(f); return -2; }
        *eq = 0;
        const char *v = eq + 1;
        if (!strcmp(line, "port")) c->port = (unsigned)strtoul(v, NULL, 10);
        else if (!strcmp(line, "workers")) c->workers = (unsigned)strtoul(v, NULL, 10);
        else if (!strcmp(line, "startup_delay_ms")) c->delay_ms = (unsigned)strtoul(v, NULL, 10);
        else if (!strcmp(line, "requires")) snprintf(c->requires, sizeof c->requires, "%s", v);
        else { snprintf(msg, cap, "invalid config: %s:%d: unknown key '%s'", path, n, line); fclose(f); return -2; }
    }
    fclose(f);
    if (c->port == 0 || c->port > 65535) { snprintf(msg, cap, "invalid config: %s: no valid port", path); return -2; }
    return 0;
}

static int write_config(const char *path, const svc_config *c)
{
    FILE *f = fopen(path, "w");
    if (!f) return -1;
    fprintf(f, "port=%u\nworkers=%u\n", c->port, c->workers);
    if (c->delay_ms) fprintf(f, "startup_delay_ms=%u\n", c->delay_ms);
    if (c->requires[0]) fprintf(f, "requires=%s\n", c->requires);
    return fclose(f);
}

static int listen_on(unsigned port)
{
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

static struct timespec t0;
static uint32_t now_ms(const mgr *m)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    long long ms = (long long)(t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000;
    return (uint32_t)((unsigned long long)ms * m->time_scale);
}
static void sleep_real(unsigned long ms)
{
    struct timespec ts = {(time_t)(ms / 1000u), (long)(ms % 1000u) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {}
}

static int port_answers(unsigned port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
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

/* one start attempt: 0 running (pid in *pid), else msg / errno_code */
static int start_once(mgr *m, const char *self, pid_t *pid, unsigned *port, char *msg, size_t cap, unsigned *err)
{
    *err = 0;
    if (m->next_fail < m->nfails) return snprintf(msg, cap, "%s", m->fails[m->next_fail++]), -1;
    int p[2];
    if (pipe(p) != 0) return snprintf(msg, cap, "pipe: %s", strerror(errno)), -1;
    pid_t c = fork();
    if (c == 0) {
        dup2(p[1], 1);
        close(p[0]);
        close(p[1]);
        if (m->deps_env[0]) setenv("SERVICE_DEPS", m->deps_env, 1);
        execl(self, self, "serve", m->config, (char *)NULL);
        _exit(127);
    }
    close(p[1]);
    struct pollfd pf = {p[0], POLLIN, 0};
    char line[1024] = "";
    int r = poll(&pf, 1, (int)(m->timeout_ms / m->time_scale));
    ssize_t n = r > 0 ? read(p[0], line, sizeof line - 1) : -1;
    close(p[0]);
    if (r == 0) {
        kill(c, SIGKILL);
        waitpid(c, NULL, 0);
        *err = ETIMEDOUT;
        return snprintf(msg, cap, "service not ready: startup timed out after %u ms", m->timeout_ms), -1;
    }
    line[n > 0 ? n : 0] = 0;
    line[strcspn(line, "\n")] = 0;
    unsigned ready_port;
    int code;
    if (sscanf(line, "READY %u", &ready_port) == 1 && port_answers(ready_port)) {
        *pid = c;
        *port = ready_port;
        return 0;
    }
    int status = 0;
    waitpid(c, &status, 0);
    char text[1024];
    if (sscanf(line, "ERROR %d %1000[^\n]", &code, text) == 2) {
        *err = (unsigned)code;
        return snprintf(msg, cap, "%s", text), -1;
    }
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
        if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
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
                if (!strcmp(target, want)) { found = (pid_t)atoi(e->d_name); break; }
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
        unsigned base = h == service_start_HANDLER_SAFE_PORT_RANGE ? 8000u : c.port;
        for (unsigned p = base + 1; r == 0 && p <= base + m->alt_ports; p++)
            if (port_free(p)) {
                c.port = p;
                write_config(m->config, &c);
                printf("  action: port %u is free, config now uses it\n", p);
                return 1;
            }
        printf("  action: no free port in %u..%u\n", base + 1, base + m->alt_ports);
        return 0;
    }
    case service_start_HANDLER_KILL_PORT_OWNER: {
        pid_t o = r == 0 ? port_owner(c.port) : 0;
        if (!o) { printf("  action: no process found on port %u\n", c.port); return 0; }
        kill(o, SIGTERM);
        uint32_t limit = ms ? ms : 1000u;
        for (uint32_t w = 0; w < limit && !port_free(c.port); w += 5) sleep_real(5);
        if (!port_free(c.port)) { printf("  action: port %u still held after %lu ms\n", c.port, (unsigned long)ms); return 0; }
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
        while (f && fgets(line, sizeof line, f)) sscanf(line, "port=%u", &d.port);
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

static void load_checkpoint(mgr *m, service_start_shared *st)
{
    uint8_t buf[service_start_SHARED_CHECKPOINT_MAX + 16];
    FILE *f = m->checkpoint ? fopen(m->checkpoint, "rb") : NULL;
    if (!f) return;
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    recov_load r = service_start_shared_load(st, buf, n);
    printf("checkpoint %s: %s\n", m->checkpoint, r == RECOV_LOAD_OK ? "loaded" : r == RECOV_LOAD_MIGRATED ? "migrated" : "rejected");
}

static void save_checkpoint(const mgr *m, const service_start_shared *st)
{
    uint8_t buf[service_start_SHARED_CHECKPOINT_MAX];
    size_t n = service_start_shared_save(st, buf, sizeof buf);
    FILE *f = m->checkpoint && n ? fopen(m->checkpoint, "wb") : NULL;
    if (f) {
        fwrite(buf, 1, n, f);
        fclose(f);
    }
}

static int start(mgr *m, const char *self)
{
    service_start_shared st;
    service_start_incident st_inc;
    service_start_shared_init(&st, now_ms(m), 1);
    service_start_incident_init(&st_inc);
    load_checkpoint(m, &st);
    int rc = 1;
    for (unsigned n = 1;; n++) {
        pid_t pid;
        unsigned port, err;
        char msg[1200];
        if (start_once(m, self, &pid, &port, msg, sizeof msg, &err) == 0) {
            service_start_succeeded(&st, &st_inc, now_ms(m));
            printf("start %u: running on 127.0.0.1:%u\n", n, port);
            kill(pid, SIGTERM);
            waitpid(pid, NULL, 0);
            rc = 0;
            break;
        }
        service_start_fault f = {(uint16_t)err, m->allow_kill != 0, msg};
        recov_decision d = service_start_failed(&st, &st_inc, &f, now_ms(m));
        printf("start %u: failed: %s -> %s\n", n, msg, service_start_error_name(d.error));
        int fixed = 0;
        while (d.kind == RECOV_RUN) { /* actions, best first, until one works */
            printf("  recover: %s\n", service_start_handler_name(d.id));
            fixed = run_handler(m, d.id, d.ms);
            d = service_start_handler_done(&st, &st_inc, fixed != 0, now_ms(m));
        }
        if (fixed && d.kind == RECOV_RETRY) {
            /* the action fixed it: start again at once */
        } else if (d.kind == RECOV_RETRY) {
            printf("  recover: retry in %lu ms\n", (unsigned long)d.ms);
            sleep_real(d.ms / m->time_scale);
        } else if (d.kind == RECOV_ADJUST) {
            m->timeout_ms *= 2;
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

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    signal(SIGPIPE, SIG_IGN);
    if (argc == 3 && !strcmp(argv[1], "serve")) return serve(argv[2]);
    if (argc == 3 && !strcmp(argv[1], "hold")) return hold((unsigned)strtoul(argv[2], NULL, 10));
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
        if (!strcmp(a, "--config")) m.config = v;
        else if (!strcmp(a, "--checkpoint")) m.checkpoint = v;
        else if (!strcmp(a, "--wheelhouse")) m.wheelhouse = v;
        else if (!strcmp(a, "--venv")) m.venv = v;
        else if (!strcmp(a, "--alt-ports")) m.alt_ports = (unsigned)strtoul(v, NULL, 10);
        else if (!strcmp(a, "--timeout-ms")) m.timeout_ms = (unsigned)strtoul(v, NULL, 10);
        else if (!strcmp(a, "--time-scale")) m.time_scale = strtoul(v, NULL, 10) ? (unsigned)strtoul(v, NULL, 10) : 1u;
        else if (!strcmp(a, "--fail") && m.nfails < 16) m.fails[m.nfails++] = v;
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
