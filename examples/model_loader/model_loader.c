/* model_loader.c - a model loader that embeds the model_loader policy (seed 003).
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
 *        model_loader pack FILE VERSION KB_PER_BATCH PAYLOAD
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
} config;

/* ---- time: the policy's clock runs time_scale times faster than the wall clock */
static struct timespec t0;
static uint32_t now_ms(const config *c)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    long long ms = (long long)(t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000;
    return (uint32_t)((unsigned long long)ms * c->time_scale);
}
static void sleep_ms(const config *c, uint32_t ms)
{
    unsigned long real = ms / c->time_scale;
    struct timespec ts = {(time_t)(real / 1000u), (long)(real % 1000u) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {}
}

/* ---- model files: "RMODEL <version> <fnv32 hex> <kb per batch item>\n" + payload */
static uint32_t fnv32(const unsigned char *p, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 16777619u;
    return h;
}

static int read_file(const char *path, char *buf, size_t cap, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    *len = fread(buf, 1, cap - 1, f);
    buf[*len] = 0;
    fclose(f);
    return 0;
}

typedef struct model_info { unsigned version, kb; uint32_t sum; size_t size; } model_info;

/* 0 ok; else fills msg and returns -1 */
static int check_model(const char *path, model_info *mi, char *msg, size_t cap)
{
    static char buf[1 << 16];
    size_t len;
    if (read_file(path, buf, sizeof buf, &len) != 0) {
        snprintf(msg, cap, "cannot read %s: %s", path, strerror(errno));
        return -1;
    }
    char *nl = memchr(buf, '\n', len);
    unsigned long v, kb, sum;
    if (!nl || sscanf(buf, "RMODEL %lu %lx %lu", &v, &sum, &kb) != 3) {
        snprintf(msg, cap, "integrity check failed: bad header in %s", path);
        return -1;
    }
    mi->version = (unsigned)v;
    mi->kb = (unsigned)kb;
    mi->sum = (uint32_t)sum;
    mi->size = len;
    size_t off = (size_t)(nl + 1 - buf);
    if (fnv32((const unsigned char *)buf + off, len - off) != mi->sum) {
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

/* copy mirror/NAME.model to models/NAME.model through a .part file */
static int download(const config *c, const char *name, char *msg, size_t cap, unsigned *err)
{
    static char buf[1 << 16];
    char src[4096], part[4096], dst[4096];
    size_t len;
    snprintf(src, sizeof src, "%s/%s.model", c->mirror ? c->mirror : "", name);
    if (!c->mirror || read_file(src, buf, sizeof buf, &len) != 0) {
        snprintf(msg, cap, "download failed: http 404 for %s", name);
        return -1;
    }
    if (c->quota_kb && dir_kb(c->models, NULL, 0) + (long)((len + 1023) / 1024) > (long)c->quota_kb) {
        *err = ENOSPC;
        snprintf(msg, cap, "no space left on device: %s needs %zu KB, quota %u KB", name, (len + 1023) / 1024, c->quota_kb);
        return -1;
    }
    snprintf(part, sizeof part, "%s/%s.model.part", c->models, name);
    snprintf(dst, sizeof dst, "%s/%s.model", c->models, name);
    FILE *f = fopen(part, "wb");
    if (!f || fwrite(buf, 1, len, f) != len) {
        *err = (unsigned)errno;
        snprintf(msg, cap, "download failed: cannot write %s: %s", part, strerror(errno));
        if (f) fclose(f);
        return -1;
    }
    fclose(f);
    if (rename(part, dst) != 0) {
        snprintf(msg, cap, "download failed: %s", strerror(errno));
        return -1;
    }
    printf("  downloaded %s (%zu bytes)\n", name, len);
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
    long used = c->cache ? dir_kb(c->cache, NULL, 0) : 0;
    long need = (long)mi.kb * (long)c->batch;
    if (need > (long)c->vram_kb - used) {
        snprintf(msg, cap, "CUDA out of memory: need %ld KB (batch %u), %ld KB free", need, c->batch, (long)c->vram_kb - used);
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
        struct pollfd p = {0, POLLIN, 0};
        int wait = (int)(timeout_ms / c->time_scale);
        char line[64];
        if (poll(&p, 1, wait) <= 0 || !fgets(line, sizeof line, stdin)) return 0;
        return strncmp(line, "done", 4) == 0;
    }
    default: return 0;
    }
}

static void apply_adjust(config *c, unsigned id)
{
    switch (id) {
    case model_loader_ADJ_REDUCE_BATCH: c->batch = c->batch > 1 ? c->batch / 2 : 1; break;
    case model_loader_ADJ_FIX_PARAMETERS: c->steps = c->steps < 1 ? 1 : c->steps > 150 ? 150 : c->steps; break;
    case model_loader_ADJ_INCREASE_TIMEOUT: c->timeout_ms *= 2; break;
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
    model_loader_shared_init(&st, now_ms(c), c->seed);
    model_loader_incident_init(&st_inc);
    const char *name = c->model;
    int pending = S_NONE, rc = 4;
    for (unsigned n = 1;; n++) {
        char msg[MSG_CAP];
        unsigned err = 0;
        printf("load %u: %s\n", n, name);
        if (load_model(c, name, msg, sizeof msg, &err) == 0) {
            outcome(pending, 1);
            model_loader_succeeded(&st, &st_inc, now_ms(c));
            printf("result loaded %s\n", name);
            rc = 0;
            break;
        }
        outcome(pending, 0);
        pending = S_NONE;
        model_loader_fault f = {(uint16_t)err, msg};
        recov_decision d = model_loader_failed(&st, &st_inc, &f, now_ms(c));
        printf("  failed: %s\n", msg);
        printf("  error %s (%s), attempt %u\n", model_loader_error_name(d.error),
               d.severity == 0 ? "low" : d.severity == 1 ? "medium" : d.severity == 2 ? "high" : "critical", d.attempt);
        while (d.kind == RECOV_RUN) {
            int s = handler_strategy(d.id);
            printf("  %s: run %s (timeout %lu ms)\n", strategy_name[s], model_loader_handler_name(d.id), (unsigned long)d.ms);
            int ok = run_handler(c, d.id, d.ms, d.error, name);
            printf("  handler %s %s\n", model_loader_handler_name(d.id), ok ? "ok" : "failed");
            if (!ok) outcome(s, 0); else pending = s;
            d = model_loader_handler_done(&st, &st_inc, ok != 0, now_ms(c));
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

static int pack(int argc, char **argv)
{
    if (argc != 6) return fprintf(stderr, "usage: model_loader pack FILE VERSION KB_PER_BATCH PAYLOAD\n"), 2;
    const char *payload = argv[5];
    FILE *f = fopen(argv[2], "wb");
    if (!f) return perror(argv[2]), 2;
    fprintf(f, "RMODEL %s %08lx %s\n%s", argv[3], (unsigned long)fnv32((const unsigned char *)payload, strlen(payload)), argv[4], payload);
    return fclose(f) == 0 ? 0 : 2;
}

static int messages(void)
{
    for (unsigned e = 0; e < model_loader_ERROR_COUNT; e++) {
        printf("%s\n", model_loader_error_name(e));
        print_guidance(e);
    }
    return 0;
}

static unsigned num(const char *s) { return (unsigned)strtoul(s, NULL, 0); }

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
    if (argc < 2 || strcmp(argv[1], "load") != 0) goto usage;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v) goto usage;
        i++;
        if (!strcmp(a, "--models")) c.models = v;
        else if (!strcmp(a, "--mirror")) c.mirror = v;
        else if (!strcmp(a, "--cache")) c.cache = v;
        else if (!strcmp(a, "--model")) c.model = v;
        else if (!strcmp(a, "--version")) c.want_version = num(v);
        else if (!strcmp(a, "--batch")) c.batch = num(v);
        else if (!strcmp(a, "--vram-kb")) c.vram_kb = num(v);
        else if (!strcmp(a, "--quota-kb")) c.quota_kb = num(v);
        else if (!strcmp(a, "--steps")) c.steps = num(v);
        else if (!strcmp(a, "--load-ms")) c.load_ms = num(v);
        else if (!strcmp(a, "--time-scale")) c.time_scale = num(v) ? num(v) : 1;
        else if (!strcmp(a, "--seed")) c.seed = num(v);
        else if (!strcmp(a, "--fail") && c.nfails < MAX_FAILS) c.fails[c.nfails++] = v;
        else goto usage;
    }
    if (!c.models || !c.model) goto usage;
    return do_load(&c);
usage:
    fprintf(stderr, "usage: model_loader load --models DIR --model NAME [--mirror DIR] [--cache DIR]\n"
                    "         [--version N] [--batch N] [--vram-kb N] [--quota-kb N] [--steps N] [--load-ms N]\n"
                    "         [--time-scale N] [--seed N] [--fail MESSAGE]...\n"
                    "       model_loader pack FILE VERSION KB_PER_BATCH PAYLOAD\n"
                    "       model_loader messages\n");
    return 2;
}
