/* model_loader.c - a model loader that embeds the model_loader policy.
 *
 * It loads NAME.model from a models folder, downloading it from a mirror
 * folder when it is missing, and checks it for real: header, version,
 * checksum, file permissions, disk quota, GPU memory (a budget that files in a
 * cache folder occupy) and parameter ranges.  Every failure is reported to the
 * generated policy, and its decisions are carried out on the files: re-download
 * (repair), chmod (fix permissions), deleting stale files (free storage) or
 * cache files (clear GPU cache), halving the batch, clamping parameters,
 * switching to an alternative model, asking the user on stdin, degrading.
 *
 * Failures a workstation cannot produce on demand (network loss, pipeline
 * errors, missing Python modules...) can be injected with --fail MESSAGE: each
 * load attempt first consumes the next injected message and fails with it.
 *
 * usage: model_loader load --models DIR --model NAME [options]
 *        model_loader pack FILE VERSION KB_PER_BATCH (PAYLOAD | --payload-file PATH)
 *        model_loader messages
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "model_loader.h"

#define MAX_FAILS 16
#define MSG_CAP 8400 /* room for two paths */

typedef struct config {
    const char *models, *mirror, *cache, *model;
    unsigned want_version, batch, vram_kb, quota_kb, steps, timeout_ms, load_ms;
    int optimize;
    unsigned time_scale;
    uint32_t seed;
    const char *fails[MAX_FAILS];
    unsigned nfails, next_fail;
    model_loader_params limits;   /* the policy's parameters: defaults, then the options */
} config;

/* ---- time.  The policy's clock is real time plus the part of each wait
 * that --time-scale skipped: the policy's delays and the simulated load time
 * (--load-ms) advance it by their whole length and take 1/N of it in real
 * time, so the deadline sees the durations the policy reasons about however
 * loaded the machine is.  Waiting for the user is real time, never scaled. */
static struct timespec t0;
static uint64_t skipped_ms;
static uint64_t real_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)((long long)(t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000);
}
static uint32_t now_ms(void) { return (uint32_t)(real_ms() + skipped_ms); }
static void sleep_ms(const config *c, uint32_t ms)
{
    uint32_t real = ms / c->time_scale;
    struct timespec ts = {(time_t)(real / 1000u), (long)(real % 1000u) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {}
    skipped_ms += ms - real;
}

/* ---- numbers from outside: the whole of s is decimal digits (no sign, no
 * blanks) with a value in lo..hi; checked before each step, so never wraps */
static int parse_uint(const char *s, unsigned long long lo, unsigned long long hi, unsigned long long *out)
{
    unsigned long long v = 0;
    if (!s || !*s) return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9') return -1;
        unsigned d = (unsigned)(*s - '0');
        if (d > hi || v > (hi - d) / 10u) return -1;
        v = v * 10u + d;
    }
    if (v < lo) return -1;
    *out = v;
    return 0;
}

/* ---- model files: "RMODEL <version> <fnv32, 8 hex digits> <kb per batch item>\n" + payload.
 * The checksum covers the whole payload, however long; the header is at
 * most HEADER_MAX bytes and each of its numbers is range checked. */
#define HEADER_MAX 64
#define VERSION_MAX 1000000u
#define KB_MAX 1048576u /* 1 GiB per batch item */
static uint32_t fnv32(uint32_t h, const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 16777619u;
    return h;
}
#define FNV32_INIT 2166136261u

typedef struct model_info { unsigned version, kb; uint32_t sum; size_t size; } model_info;

/* "RMODEL V SUM KB" (no newline): 0 ok, -1 bad */
static int parse_header(const char *h, model_info *mi)
{
    char v[16], sum[16], kb[16];
    const char *p = h;
    char *fields[3] = {v, sum, kb};
    if (strncmp(p, "RMODEL ", 7) != 0) return -1;
    p += 7;
    for (int i = 0; i < 3; i++) {
        size_t n = strcspn(p, " ");
        if (n == 0 || n >= sizeof v || (i < 2 && p[n] != ' ') || (i == 2 && p[n] != 0)) return -1;
        memcpy(fields[i], p, n);
        fields[i][n] = 0;
        p += n + (i < 2);
    }
    unsigned long long ver, k;
    if (parse_uint(v, 0, VERSION_MAX, &ver) != 0 || parse_uint(kb, 0, KB_MAX, &k) != 0 || strlen(sum) != 8) return -1;
    uint32_t x = 0;
    for (int i = 0; i < 8; i++) {
        char c = sum[i];
        unsigned d = c >= '0' && c <= '9' ? (unsigned)(c - '0') : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10) : 16u;
        if (d == 16u) return -1;
        x = x << 4 | d;
    }
    mi->version = (unsigned)ver;
    mi->kb = (unsigned)k;
    mi->sum = x;
    return 0;
}

/* 0 ok; else fills msg and returns -1.  Reads the whole file. */
static int check_model(const char *path, model_info *mi, char *msg, size_t cap)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(msg, cap, "cannot read %s: %s", path, strerror(errno));
        return -1;
    }
    char head[HEADER_MAX + 1];
    size_t n = 0;
    int c = 0;
    while (n < HEADER_MAX && (c = fgetc(f)) != EOF && c != '\n') head[n++] = (char)c;
    head[n] = 0;
    if (c != '\n' || memchr(head, 0, n) || parse_header(head, mi) != 0) {
        fclose(f);
        snprintf(msg, cap, "integrity check failed: bad header in %s", path);
        return -1;
    }
    static unsigned char buf[1 << 16];
    uint32_t h = FNV32_INIT;
    size_t size = n + 1, k;
    while ((k = fread(buf, 1, sizeof buf, f)) > 0) {
        h = fnv32(h, buf, k);
        size += k;
    }
    int err = ferror(f);
    fclose(f);
    if (err) {
        snprintf(msg, cap, "cannot read %s: read error", path);
        return -1;
    }
    mi->size = size;
    if (h != mi->sum) {
        snprintf(msg, cap, "checksum mismatch in %s: model corrupted", path);
        return -1;
    }
    return 0;
}

static long dir_kb(const char *dir, const char *suffix, int remove_them)
{
    DIR *d = opendir(dir);
    if (!d) return 0;
    long total = 0;
    struct dirent *e;
    char p[4096];
    while ((e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name), sl = suffix ? strlen(suffix) : 0;
        if (e->d_name[0] == '.' || (suffix && (n < sl || strcmp(e->d_name + n - sl, suffix) != 0))) continue;
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        struct stat st;
        if (stat(p, &st) != 0 || !S_ISREG(st.st_mode)) continue;
        total += (long)((st.st_size + 1023) / 1024);
        if (remove_them) unlink(p);
    }
    closedir(d);
    return total;
}

/* copy mirror/NAME.model to models/NAME.model through a .part file, whole */
static int download(const config *c, const char *name, char *msg, size_t cap, unsigned *err)
{
    static unsigned char buf[1 << 16];
    char src[4096], part[4096], dst[4096];
    struct stat st;
    snprintf(src, sizeof src, "%s/%s.model", c->mirror ? c->mirror : "", name);
    FILE *in = c->mirror ? fopen(src, "rb") : NULL;
    if (!in || fstat(fileno(in), &st) != 0 || !S_ISREG(st.st_mode)) {
        if (in) fclose(in);
        snprintf(msg, cap, "download failed: http 404 for %s", name);
        return -1;
    }
    unsigned long long len = (unsigned long long)st.st_size, kb = (len + 1023u) / 1024u;
    if (c->quota_kb && (unsigned long long)dir_kb(c->models, NULL, 0) + kb > c->quota_kb) {
        fclose(in);
        *err = ENOSPC;
        snprintf(msg, cap, "no space left on device: %s needs %llu KB, quota %u KB", name, kb, c->quota_kb);
        return -1;
    }
    snprintf(part, sizeof part, "%s/%s.model.part", c->models, name);
    snprintf(dst, sizeof dst, "%s/%s.model", c->models, name);
    FILE *f = fopen(part, "wb");
    unsigned long long copied = 0;
    size_t k;
    int ok = f != NULL;
    while (ok && (k = fread(buf, 1, sizeof buf, in)) > 0) {
        ok = fwrite(buf, 1, k, f) == k;
        copied += k;
    }
    ok = ok && !ferror(in);
    int e = errno;
    fclose(in);
    if (f) ok = fclose(f) == 0 && ok;
    if (!ok) {
        *err = (unsigned)(e & 0xffff);
        snprintf(msg, cap, "download failed: cannot write %s: %s", part, strerror(e));
        return -1;
    }
    if (rename(part, dst) != 0) {
        snprintf(msg, cap, "download failed: %s", strerror(errno));
        return -1;
    }
    printf("  downloaded %s (%llu bytes)\n", name, copied);
    return 0;
}

/* one load attempt of model `name`; 0 ok, else msg/err describe the failure */
static int load_model(config *c, const char *name, char *msg, size_t cap, unsigned *err)
{
    *err = 0;
    if (c->load_ms) sleep_ms(c, c->load_ms); /* a big model takes this long to read */
    if (c->next_fail < c->nfails) {
        snprintf(msg, cap, "%s", c->fails[c->next_fail++]);
        return -1;
    }
    if (c->steps < 1 || c->steps > 150) {
        snprintf(msg, cap, "invalid parameter steps=%u: out of range 1..150", c->steps);
        return -1;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.model", c->models, name);
    struct stat st;
    if (stat(path, &st) != 0) {
        if (download(c, name, msg, cap, err) != 0) return -1;
        if (stat(path, &st) != 0) return snprintf(msg, cap, "download failed: %s vanished", path), -1;
    }
    if ((st.st_mode & S_IRUSR) == 0) {
        *err = EACCES;
        snprintf(msg, cap, "permission denied: %s is not readable by its owner", path);
        return -1;
    }
    model_info mi;
    if (check_model(path, &mi, msg, cap) != 0) return -1;
    if (mi.version != c->want_version) {
        snprintf(msg, cap, "version mismatch: %s has version %u, need %u", name, mi.version, c->want_version);
        return -1;
    }
    long long used = c->cache ? dir_kb(c->cache, NULL, 0) : 0;
    long long need = (long long)mi.kb * (long long)c->batch; /* <= 2^20 * 2^16: no overflow */
    if (need > (long long)c->vram_kb - used) {
        snprintf(msg, cap, "CUDA out of memory: need %lld KB (batch %u), %lld KB free", need, c->batch, (long long)c->vram_kb - used);
        return -1;
    }
    printf("  loaded %s version %u (%zu bytes, batch %u, steps %u)\n", name, mi.version, mi.size, c->batch, c->steps);
    return 0;
}

/* ---- strategies and their success metrics */
enum { S_RETRY, S_FALLBACK, S_REPAIR, S_ADJUST, S_OPTIMIZE, S_USER, S_DEGRADE, S_COUNT, S_NONE = S_COUNT };
static const char *const strategy_name[S_COUNT] = {
    "immediate_retry", "intelligent_fallback", "automatic_repair", "parameter_adjustment",
    "resource_optimization", "user_intervention", "graceful_degradation"};
static unsigned tries[S_COUNT], wins[S_COUNT];
static void outcome(int s, int ok)
{
    if (s == S_NONE) return;
    tries[s]++;
    if (ok) wins[s]++;
}
static int handler_strategy(unsigned id)
{
    switch (id) {
    case model_loader_HANDLER_USER_INTERVENTION: return S_USER;
    case model_loader_HANDLER_REPAIR_MODEL:
    case model_loader_HANDLER_FIX_PERMISSIONS: return S_REPAIR;
    default: return S_OPTIMIZE;
    }
}

static void print_guidance(unsigned e)
{
    const char *m = model_loader_error_message(e), *h = model_loader_error_hint(e);
    printf("  message: %s\n", m ? m : model_loader_error_name(e));
    if (h) printf("  hint: %s\n", h);
    for (unsigned i = 0; model_loader_error_step(e, i); i++) printf("  step %u: %s\n", i + 1, model_loader_error_step(e, i));
}

/* ---- run handlers */
/* One line from standard input (without its newline) within ms of real
 * time, read a byte at a time so that nothing past the line is consumed;
 * 1 a line, 0 nothing in time, end of file, or a line longer than cap-1. */
static int read_user_line(uint32_t ms, char *line, size_t cap)
{
    uint64_t until = real_ms() + ms;
    size_t n = 0;
    for (;;) {
        uint64_t now = real_ms();
        if (now >= until) return 0;
        struct pollfd p = {0, POLLIN, 0};
        int r = poll(&p, 1, until - now > 60000u ? 60000 : (int)(until - now));
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) return 0;
        if (r == 0) continue;
        char ch;
        ssize_t k = read(0, &ch, 1);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) return 0;
        if (ch == '\n') return line[n] = 0, 1;
        if (n + 1 >= cap) return 0;
        line[n++] = ch;
    }
}

static int run_handler(config *c, unsigned id, uint32_t timeout_ms, unsigned e, const char *name)
{
    char path[4096], msg[512];
    unsigned err;
    switch (id) {
    case model_loader_HANDLER_REPAIR_MODEL: {
        snprintf(path, sizeof path, "%s/%s.model", c->models, name);
        unlink(path);
        model_info mi;
        if (download(c, name, msg, sizeof msg, &err) != 0) return printf("  repair: %s\n", msg), 0;
        if (check_model(path, &mi, msg, sizeof msg) != 0) return printf("  repair: %s\n", msg), 0;
        return 1;
    }
    case model_loader_HANDLER_FIX_PERMISSIONS:
        snprintf(path, sizeof path, "%s/%s.model", c->models, name);
        return chmod(path, 0644) == 0;
    case model_loader_HANDLER_FREE_STORAGE: {
        long freed = dir_kb(c->models, ".part", 1) + dir_kb(c->models, ".old", 1);
        printf("  freed %ld KB of stale files\n", freed);
        return freed > 0;
    }
    case model_loader_HANDLER_CLEAR_GPU_CACHE: {
        long freed = c->cache ? dir_kb(c->cache, NULL, 1) : 0;
        printf("  cleared %ld KB of GPU cache\n", freed);
        return freed > 0;
    }
    case model_loader_HANDLER_USER_INTERVENTION: {
        print_guidance(e);
        printf("  type 'done' when fixed (waiting up to %lu ms): \n", (unsigned long)timeout_ms);
        fflush(stdout);
        /* the user is a real person: the handler's timeout is real time, not scaled */
        char line[64];
        if (!read_user_line(timeout_ms, line, sizeof line)) return 0;
        line[strcspn(line, "\r")] = 0;
        return strcmp(line, "done") == 0;
    }
    default: return 0;
    }
}

static void apply_adjust(config *c, unsigned id)
{
    switch (id) {
    case model_loader_ADJ_REDUCE_BATCH: c->batch = c->batch > 1 ? c->batch / 2 : 1; break;
    case model_loader_ADJ_FIX_PARAMETERS: c->steps = c->steps < 1 ? 1 : c->steps > 150 ? 150 : c->steps; break;
    case model_loader_ADJ_INCREASE_TIMEOUT: c->timeout_ms = c->timeout_ms > 0x7fffffffu ? 0xffffffffu : c->timeout_ms * 2u; break;
    case model_loader_ADJ_DISABLE_OPTIMIZATIONS: c->optimize = 0; break;
    default: break;
    }
    printf("  now batch %u, steps %u, timeout %u ms, optimize %d\n", c->batch, c->steps, c->timeout_ms, c->optimize);
}

static int do_load(config *c)
{
    static char names[model_loader_ALT_COUNT][256];
    model_loader_shared st;
    model_loader_incident st_inc;
    model_loader_shared_init(&st, now_ms(), c->seed);
    model_loader_incident_init(&st_inc);
    unsigned bad = model_loader_set_params(&st, &c->limits);
    if (bad != 0u) {
        fprintf(stderr, "model_loader: %s is outside the range model_loader.recov allows\n",
                model_loader_param_name(bad - 1u));
        return 2;
    }
    const char *name = c->model;
    int pending = S_NONE, rc = 4;
    for (unsigned n = 1;; n++) {
        char msg[MSG_CAP];
        unsigned err = 0;
        printf("load %u: %s\n", n, name);
        if (load_model(c, name, msg, sizeof msg, &err) == 0) {
            outcome(pending, 1);
            model_loader_succeeded(&st, &st_inc, now_ms());
            printf("result loaded %s\n", name);
            rc = 0;
            break;
        }
        outcome(pending, 0);
        pending = S_NONE;
        model_loader_fault f = {(uint16_t)err, msg};
        recov_decision d = model_loader_failed(&st, &st_inc, &f, now_ms());
        printf("  failed: %s\n", msg);
        printf("  error %s (%s), attempt %u\n", model_loader_error_name(d.error),
               d.severity == 0 ? "low" : d.severity == 1 ? "medium" : d.severity == 2 ? "high" : "critical", d.attempt);
        while (d.kind == RECOV_RUN) {
            int s = handler_strategy(d.id);
            printf("  %s: run %s (timeout %lu ms)\n", strategy_name[s], model_loader_handler_name(d.id), (unsigned long)d.ms);
            int ok = run_handler(c, d.id, d.ms, d.error, name);
            printf("  handler %s %s\n", model_loader_handler_name(d.id), ok ? "ok" : "failed");
            if (!ok) outcome(s, 0); else pending = s;
            d = model_loader_handler_done(&st, &st_inc, ok != 0, now_ms());
        }
        if (d.kind == RECOV_RETRY) {
            if (pending == S_NONE) pending = S_RETRY;
            printf("  %s: retry in %lu ms\n", strategy_name[pending], (unsigned long)d.ms);
            sleep_ms(c, d.ms);
        } else if (d.kind == RECOV_ADJUST) {
            pending = S_ADJUST;
            printf("  parameter_adjustment: %s, retry in %lu ms\n", model_loader_adjust_name(d.id), (unsigned long)d.ms);
            apply_adjust(c, d.id);
            sleep_ms(c, d.ms);
        } else if (d.kind == RECOV_FALLBACK) {
            pending = S_FALLBACK;
            snprintf(names[d.id], sizeof names[d.id], "%s-%s", c->model,
                     d.id == model_loader_ALT_COMPATIBLE_MODEL ? "compat" : "lite");
            name = names[d.id];
            printf("  intelligent_fallback: %s -> %s\n", model_loader_alt_name(d.id), name);
        } else if (d.kind == RECOV_DEGRADE) {
            outcome(S_DEGRADE, 1);
            printf("  graceful_degradation: %s\n", model_loader_mode_name(d.id));
            printf("result degraded %s\n", model_loader_mode_name(d.id));
            rc = 3;
            break;
        } else if (d.kind == RECOV_ESCALATE) {
            printf("  recovery failed after %u attempts: escalate to %s (SLA %lu ms)\n", d.attempt,
                   model_loader_channel_name(d.id), (unsigned long)d.ms);
            print_guidance(d.error);
            printf("result escalated %s\n", model_loader_channel_name(d.id));
            break;
        } else {
            printf("  recovery failed after %u attempts: abort\n", d.attempt);
            print_guidance(d.error);
            printf("result aborted\n");
            break;
        }
    }
    for (int s = 0; s < S_COUNT; s++)
        if (tries[s])
            printf("metric %s attempts=%u successes=%u rate=%u%%\n", strategy_name[s], tries[s], wins[s], wins[s] * 100u / tries[s]);
    return rc;
}

/* pack FILE VERSION KB_PER_BATCH PAYLOAD, or --payload-file PATH instead of
 * PAYLOAD: writes a model whose checksum covers the whole payload */
static int pack(int argc, char **argv)
{
    unsigned long long ver, kb;
    if (argc != 6 && !(argc == 7 && !strcmp(argv[5], "--payload-file")))
        return fprintf(stderr, "usage: model_loader pack FILE VERSION KB_PER_BATCH (PAYLOAD | --payload-file PATH)\n"), 2;
    if (parse_uint(argv[3], 0, VERSION_MAX, &ver) != 0)
        return fprintf(stderr, "model_loader: pack: VERSION '%s' is not a number in 0..%u\n", argv[3], VERSION_MAX), 2;
    if (parse_uint(argv[4], 0, KB_MAX, &kb) != 0)
        return fprintf(stderr, "model_loader: pack: KB_PER_BATCH '%s' is not a number in 0..%u\n", argv[4], KB_MAX), 2;
    static unsigned char buf[1 << 16];
    uint32_t h = FNV32_INIT;
    FILE *in = NULL;
    size_t k;
    if (argc == 7) {
        /* two passes over the payload file: the checksum, then the copy */
        if (!(in = fopen(argv[6], "rb"))) return perror(argv[6]), 2;
        while ((k = fread(buf, 1, sizeof buf, in)) > 0) h = fnv32(h, buf, k);
        if (ferror(in)) return fclose(in), fprintf(stderr, "model_loader: %s: read error\n", argv[6]), 2;
        rewind(in);
    } else {
        h = fnv32(h, (const unsigned char *)argv[5], strlen(argv[5]));
    }
    FILE *f = fopen(argv[2], "wb");
    if (!f) return in ? fclose(in) : 0, perror(argv[2]), 2;
    int ok = fprintf(f, "RMODEL %llu %08lx %llu\n", ver, (unsigned long)h, kb) > 0;
    if (in) {
        while (ok && (k = fread(buf, 1, sizeof buf, in)) > 0) ok = fwrite(buf, 1, k, f) == k;
        ok = ok && !ferror(in);
        fclose(in);
    } else {
        ok = ok && fputs(argv[5], f) >= 0;
    }
    ok = fclose(f) == 0 && ok;
    if (!ok) return fprintf(stderr, "model_loader: cannot write %s\n", argv[2]), 2;
    return 0;
}

static int messages(void)
{
    for (unsigned e = 0; e < model_loader_ERROR_COUNT; e++) {
        printf("%s\n", model_loader_error_name(e));
        print_guidance(e);
    }
    return 0;
}

/* an option's number: digits only, in lo..hi, else a message and exit 2 */
static int opt_num(const char *opt, const char *v, unsigned lo, unsigned hi, unsigned *out)
{
    unsigned long long x;
    if (parse_uint(v, lo, hi, &x) != 0) {
        fprintf(stderr, "model_loader: %s: '%s' is not a number in %u..%u\n", opt, v, lo, hi);
        return -1;
    }
    *out = (unsigned)x;
    return 0;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (argc >= 2 && strcmp(argv[1], "pack") == 0) return pack(argc, argv);
    if (argc >= 2 && strcmp(argv[1], "messages") == 0) return messages();
    config c = {0};
    c.want_version = 1;
    c.batch = 8;
    c.vram_kb = 1024;
    c.steps = 50;
    c.timeout_ms = 30000;
    c.time_scale = 1;
    c.seed = 1;
    model_loader_params_default(&c.limits);
    if (argc < 2 || strcmp(argv[1], "load") != 0) goto usage;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v) goto usage;
        i++;
        if (!strcmp(a, "--models")) c.models = v;
        else if (!strcmp(a, "--mirror")) c.mirror = v;
        else if (!strcmp(a, "--cache")) c.cache = v;
        else if (!strcmp(a, "--model")) c.model = v;
        else if (!strcmp(a, "--version")) { if (opt_num(a, v, 0, VERSION_MAX, &c.want_version)) return 2; }
        else if (!strcmp(a, "--batch")) { if (opt_num(a, v, 1, 65536, &c.batch)) return 2; }
        else if (!strcmp(a, "--vram-kb")) { if (opt_num(a, v, 0, 1073741824u, &c.vram_kb)) return 2; }
        else if (!strcmp(a, "--quota-kb")) { if (opt_num(a, v, 0, 1073741824u, &c.quota_kb)) return 2; }
        else if (!strcmp(a, "--steps")) { if (opt_num(a, v, 0, 1000000, &c.steps)) return 2; }
        else if (!strcmp(a, "--load-ms")) { if (opt_num(a, v, 0, 86400000u, &c.load_ms)) return 2; }
        else if (!strcmp(a, "--time-scale")) { if (opt_num(a, v, 1, 1000000, &c.time_scale)) return 2; }
        else if (!strcmp(a, "--seed")) {
            unsigned seed;
            if (opt_num(a, v, 0, 4294967295u, &seed)) return 2;
            c.seed = (uint32_t)seed;
        }
        else if (!strcmp(a, "--fail")) {
            if (c.nfails == MAX_FAILS) return fprintf(stderr, "model_loader: at most %d --fail\n", MAX_FAILS), 2;
            c.fails[c.nfails++] = v;
        }
        /* the policy's parameters: their ranges are the policy's, checked by model_loader_set_params */
        else if (!strcmp(a, "--max-attempts")) {
            unsigned x;
            if (opt_num(a, v, 0, 65535u, &x)) return 2;
            c.limits.max_attempts = (uint16_t)x;
        }
        else if (!strcmp(a, "--recovery-timeout") || !strcmp(a, "--user-timeout")) {
            unsigned x;
            if (opt_num(a, v, 0, 4294967295u, &x)) return 2;
            if (a[2] == 'r') c.limits.recovery_timeout = (uint32_t)x;
            else c.limits.user_timeout = (uint32_t)x;
        }
        else goto usage;
    }
    if (!c.models || !c.model) goto usage;
    return do_load(&c);
usage:
    fprintf(stderr, "usage: model_loader load --models DIR --model NAME [--mirror DIR] [--cache DIR]\n"
                    "         [--version N] [--batch N] [--vram-kb N] [--quota-kb N] [--steps N] [--load-ms N]\n"
                    "         [--time-scale N] [--seed N] [--fail MESSAGE]...\n"
                    "         [--max-attempts N (5..20)] [--recovery-timeout MS] [--user-timeout MS (30s..30m)]\n"
                    "       model_loader pack FILE VERSION KB_PER_BATCH (PAYLOAD | --payload-file PATH)\n"
                    "       model_loader messages\n");
    return 2;
}
