/* cimport_guard.c - reads the imported headers once in a child process with
 * limits, before recovc's own libclang parse (spec/headers.md, "Limits").
 *
 * libclang reads every file of a user header directory as "volatile": to
 * the end of the file, whatever its size says.  A header that includes
 * /dev/zero, /dev/urandom or a FIFO therefore never ends: recovc check used
 * to pass 20 s and 2 GB.  The child parses the same translation unit under
 * RLIMIT_AS (1 GiB; not under AddressSanitizer, whose shadow is terabytes of
 * address space) and RLIMIT_CPU (10 s); a thread of the child looks at the
 * files it has open every 10 ms and stops it at the first device, FIFO,
 * socket or 64 MiB file, and when the parse used less than 1 ms of CPU in
 * 5 s (blocked opening a FIFO that nobody writes).  The child reports
 * through a pipe: success, or the file that stopped it (found with fstat
 * and readlink, which a signal handler may call, for the CPU limit).  Only
 * a child that reported success lets the parent parse. */
#define _XOPEN_SOURCE 700
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cimport_int.h"

#if defined(__SANITIZE_ADDRESS__)
#define RC_GUARD_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RC_GUARD_ASAN 1
#endif
#endif

/* The limits of the child (spec/headers.md). */
#define RC_GUARD_AS ((rlim_t)1 << 30)
#define RC_GUARD_CPU_S 10
#define RC_GUARD_IDLE_S 5
/* A regular file at least this large is named as the cause. */
#define RC_GUARD_BIG ((off_t)64 << 20)

/* The child's report: a kind letter, then the file's path. */
typedef struct guard_msg {
    char kind;          /* 'c' char device, 'b' block device, 'p' FIFO, 's' socket, 'r' big file, '?' */
    char why;           /* 'o' seen open, 'm' memory, 't' CPU time, 'w' no progress */
    char path[1024];
} guard_msg;

static int g_pipe = -1;      /* the child's write end; only ever set in the child */
#define RC_GUARD_FDS 4096
static unsigned char g_inherited[RC_GUARD_FDS];   /* open before the parse: not clang's */

static char kind_of(const struct stat *st)
{
    if (S_ISCHR(st->st_mode)) return 'c';
    if (S_ISBLK(st->st_mode)) return 'b';
    if (S_ISFIFO(st->st_mode)) return 'p';
    if (S_ISSOCK(st->st_mode)) return 's';
    if (S_ISREG(st->st_mode) && st->st_size >= RC_GUARD_BIG) return 'r';
    return 0;
}

/* Async-signal-safe: finds an open file that is not a regular one (or a
 * big one), sends it, ends the child. */
static void report_and_exit(char why)
{
    guard_msg m;
    memset(&m, 0, sizeof m);
    m.kind = '?';
    m.why = why;
    for (int fd = RC_GUARD_FDS - 1; fd >= 3; fd--) {   /* the last one opened first */
        struct stat st;
        if (g_inherited[fd] || fstat(fd, &st) != 0) continue;
        char k = kind_of(&st);
        if (!k) continue;
        char link[32] = "/proc/self/fd/";
        size_t n = strlen(link);
        char digits[12];
        int nd = 0;
        for (int v = fd; v > 0 && nd < 11; v /= 10) digits[nd++] = (char)('0' + v % 10);
        while (nd > 0 && n < sizeof link - 1) link[n++] = digits[--nd];
        link[n] = 0;
        ssize_t r = readlink(link, m.path, sizeof m.path - 1);
        if (r <= 0) continue;
        m.path[r] = 0;
        m.kind = k;
        break;
    }
    ssize_t w = write(g_pipe, &m, sizeof m);
    (void)w;
    _exit(4);
}

static void on_cpu(int sig) { (void)sig; report_and_exit('t'); }

/* A thread of the child: every 10 ms, any file clang opened that is not a
 * regular one (or is a huge one) ends the child at once, named. */
static long long clock_ms(clockid_t id)
{
    struct timespec ts;
    if (clock_gettime(id, &ts) != 0) return 0;
    return (long long)ts.tv_sec * 1000LL + ts.tv_nsec / 1000000L;
}

/* The CPU time of the process less this thread's own, in microseconds. */
static long long others_us(void)
{
    struct timespec p, t;
    if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &p) != 0 || clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t) != 0) return 0;
    return ((long long)p.tv_sec - t.tv_sec) * 1000000LL + (p.tv_nsec - t.tv_nsec) / 1000L;
}

static void *watch(void *arg)
{
    (void)arg;
    long long since = clock_ms(CLOCK_MONOTONIC), cpu = others_us();
    for (;;) {
        /* the parse used less than 1 ms of CPU in RC_GUARD_IDLE_S: blocked */
        long long now = clock_ms(CLOCK_MONOTONIC);
        if (now - since >= RC_GUARD_IDLE_S * 1000LL) {
            long long c = others_us();
            if (c - cpu < 1000) report_and_exit('w');
            since = now;
            cpu = c;
        }
        DIR *dir = opendir("/proc/self/fd");
        if (!dir) return NULL;
        struct dirent *e;
        bool found = false;
        while ((e = readdir(dir)) != NULL && !found) {
            char *end;
            long fd = strtol(e->d_name, &end, 10);
            struct stat st;
            if (*end || end == e->d_name || fd < 3 || fd >= RC_GUARD_FDS || g_inherited[fd] || fd == dirfd(dir))
                continue;
            found = fstat((int)fd, &st) == 0 && kind_of(&st);
        }
        closedir(dir);
        if (found) report_and_exit('o');
        struct timespec ts = { 0, 10 * 1000 * 1000 };
        nanosleep(&ts, NULL);
    }
}

static void child(const char *const *args, int nargs, const char *text)
{
    int null = open("/dev/null", O_WRONLY);   /* libclang's "out of memory" line */
    if (null >= 0) { dup2(null, 2); close(null); }
    for (int fd = 0; fd < RC_GUARD_FDS; fd++) {
        struct stat st;
        g_inherited[fd] = fstat(fd, &st) == 0;
    }
#ifndef RC_GUARD_ASAN
    struct rlimit as = { RC_GUARD_AS, RC_GUARD_AS };
    setrlimit(RLIMIT_AS, &as);
#endif
    struct rlimit cpu = { RC_GUARD_CPU_S, RC_GUARD_CPU_S + 5 };
    setrlimit(RLIMIT_CPU, &cpu);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_cpu;
    sigaction(SIGXCPU, &sa, NULL);
    pthread_t th;
    pthread_create(&th, NULL, watch, NULL);
    /* the main file is in memory; an out-of-memory abort inside libclang is
     * caught by its crash recovery and comes back as an error code */
    struct CXUnsavedFile uf = { "__recov_imports__.c", text, (unsigned long)strlen(text) };
    CXIndex idx = clang_createIndex(0, 0);
    CXTranslationUnit tu = NULL;
    enum CXErrorCode ec = clang_parseTranslationUnit2(idx, uf.Filename, args, nargs, &uf, 1,
                                                      CXTranslationUnit_SkipFunctionBodies, &tu);
    if (ec == CXError_Crashed) report_and_exit('m');
    /* success is this message, not the exit status (valgrind or a leak
     * checker may change that of a child that never frees libclang) */
    guard_msg m;
    memset(&m, 0, sizeof m);
    m.kind = 'k';
    ssize_t w = write(g_pipe, &m, sizeof m);
    (void)w;
    _exit(0);
}

static const char *kind_text(char k)
{
    switch (k) {
    case 'c': return "a character device";
    case 'b': return "a block device";
    case 'p': return "a FIFO";
    case 's': return "a socket";
    case 'r': return "a file of 64 MiB or more";
    default: return "a file";
    }
}

bool rc_cimp_guard(rc_cimp_ctx *c, const char *const *args, int nargs, const char *text)
{
    int fds[2];
    if (pipe(fds) != 0) return true;    /* no guard possible: parse as before */
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) { close(fds[0]); close(fds[1]); return true; }
    if (pid == 0) {
        close(fds[0]);
        g_pipe = fds[1];
        child(args, nargs, text);
    }
    close(fds[1]);
    guard_msg m;
    memset(&m, 0, sizeof m);
    size_t got = 0;
    while (got < sizeof m) {
        ssize_t r = read(fds[0], (char *)&m + got, sizeof m - got);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) break;
        got += (size_t)r;
    }
    close(fds[0]);
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {}
    if (got == sizeof m && m.kind == 'k') return true;
    const rc_ast_decl *d = c->out->imports[0];
    const char *limit = m.why == 't' ? "the header limit of 10 s of CPU"
                        : m.why == 'w' ? "no progress for 5 s: blocked, on a FIFO that nobody writes?"
                        : "the header limit of 1 GiB of memory";
    if (got == sizeof m && m.kind != '?') {
        m.path[sizeof m.path - 1] = 0;
        rc_diag_error(c->d, d->loc, "the imported headers include '%s', %s, which clang reads without end; "
                      "a header must be a regular file of less than 64 MiB", m.path, kind_text(m.kind));
    } else if (got == sizeof m) {
        rc_diag_error(c->d, d->loc, "reading the imported headers stopped: %s", limit);
    } else {
        rc_diag_error(c->d, d->loc, "reading the imported headers stopped (%s %d) before the header limit "
                      "(1 GiB of memory, 10 s of CPU)", WIFSIGNALED(st) ? "signal" : "exit",
                      WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
    }
    rc_diag_note(c->d, d->loc, "a header that includes a device (/dev/zero), a FIFO or a huge file is refused "
                 "before recovc reads it; see spec/headers.md, Limits");
    return false;
}
