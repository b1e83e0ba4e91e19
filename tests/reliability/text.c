/* text.c - untrusted fault text (spec/patterns.md, "The text").
 *
 * Built per policy with -DP=<name> -DPH="<name>.h" -DPOLICY_PATH="<.recov>"
 * -DTEXTF=<text field> -DTEXT_INDEX=<its index>, and the generated C compiled
 * with the default RECOV_MAX_TEXT or with -DRECOV_MAX_TEXT=64 (LIMIT below is
 * the value the generated code was built with).  For texts of 1 MB and 2 MB,
 * invalid UTF-8, embedded NULs, every byte value, and random mixtures:
 *  1. P_classify and P_failed of the generated C equal the simulator's given
 *     the first LIMIT bytes (the text ends where reading stops; the
 *     simulator's own limit is 4096 >= LIMIT), and the simulator sees the
 *     text only up to its first NUL, as C does;
 *  2. at most LIMIT bytes are read: texts end at a PROT_NONE page right
 *     after byte LIMIT-1, with no NUL, so reading one byte more crashes;
 *  3. a 2 MB text takes no longer than a LIMIT-byte one (within a factor
 *     of 4; the best of 5 timings of 2000 calls each);
 *  4. anchors.recov only: explicit verdicts around the cut (a literal that
 *     ends at byte LIMIT is seen, one that ends at LIMIT+1 is not, `$`
 *     matches at the cut, `^` holds with 1 MB behind it).
 * Prints the counts; exits 1 on the first violation. */
#define _DEFAULT_SOURCE    /* MAP_ANONYMOUS */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "driver.h"
#include "sim.h"

#define CAT2(a, b) a##b
#define CAT(a, b) CAT2(a, b)
#define F(x) CAT(P, x)
#include PH

/* the generated C's limit; RC_GEN_MAX_TEXT is passed when it is not the default */
#ifdef RC_GEN_MAX_TEXT
#define LIMIT ((size_t)RC_GEN_MAX_TEXT)
#else
#define LIMIT ((size_t)RECOV_MAX_TEXT)
#endif

typedef CAT(P, _shared) st_t;
typedef CAT(P, _incident) inc_t;
typedef CAT(P, _fault) fault_t;

static rc_unit unit;
static rc_sim *sim;
static long checks;

static void die(const char *what, const char *text, size_t len)
{
    fprintf(stderr, "text(%s, limit %zu): %s; text of %zu bytes:", POLICY_PATH, LIMIT, what, len);
    for (size_t i = 0; i < len && i < 96; i++) fprintf(stderr, " %02x", (unsigned char)text[i]);
    fprintf(stderr, "%s\n", len > 96 ? " ..." : "");
    exit(1);
}

/* generated C vs simulator on text t (C string semantics: ends at the first
 * NUL; `len` is the buffer length, NULs included, given to the simulator) */
static int at_guard;     /* texts ending at an unreadable page have no NUL */

static unsigned check(const char *t, size_t len)
{
    if (!at_guard && t[len] != 0) die("test bug: text not NUL-terminated", t, len);
    fault_t f;
    memset(&f, 0, sizeof f);
    f.TEXTF = t;
    size_t c_len = 0;
    while (c_len < len && c_len < LIMIT && t[c_len]) c_len++;
    rc_sim_value v[16];
    memset(v, 0, sizeof v);
    /* the simulator gets the LIMIT-byte prefix, NULs and all, and must itself
     * stop at the first NUL */
    v[TEXT_INDEX].text = t;
    v[TEXT_INDEX].len = len < LIMIT ? len : LIMIT;
    rc_sim_fault sf = { v };
    unsigned cc = F(_classify)(&f);
    int cs = rc_sim_classify(sim, &sf, 0);
    if ((int)cc != cs) {
        char m[96];
        snprintf(m, sizeof m, "P_classify %u, simulator %d", cc, cs);
        die(m, t, len);
    }
    static st_t st;
    static inc_t inc;
    F(_shared_init)(&st, 1000u, 5u);
    F(_incident_init)(&inc);
    rc_sim_init(sim, 1000u, 5u);
    recov_decision dc = F(_failed)(&st, &inc, &f, 1000u);
    recov_decision ds = rc_sim_failed(sim, &sf, 1000u);
    char a[160], b[160];
    rc_sim_format_decision(&dc, a, sizeof a);
    rc_sim_format_decision(&ds, b, sizeof b);
    if (strcmp(a, b) != 0) die("P_failed differs from the simulator", t, len);
    checks++;
    (void)c_len;
    return cc;
}

/* a text of exactly n bytes (no NUL) ending at an unreadable page */
static char *guard_base;
static size_t guard_size;

static char *guarded(const char *src, size_t n)
{
    long pg = sysconf(_SC_PAGESIZE);
    size_t need = ((n + (size_t)pg - 1) / (size_t)pg + 1) * (size_t)pg;
    if (guard_base) munmap(guard_base, guard_size);
    guard_base = mmap(NULL, need, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (guard_base == MAP_FAILED) { perror("mmap"); exit(2); }
    guard_size = need;
    if (mprotect(guard_base + need - (size_t)pg, (size_t)pg, PROT_NONE) != 0) { perror("mprotect"); exit(2); }
    char *t = guard_base + need - (size_t)pg - n;
    memcpy(t, src, n);
    return t;
}

static uint32_t rs = 2463534242u;
static uint32_t rnd(void)
{
    rs ^= rs << 13;
    rs ^= rs >> 17;
    rs ^= rs << 5;
    return rs;
}

/* CPU time of this process, not the wall clock: a loaded machine stretches
 * the clock (other processes run in between), not the work measured */
static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double best_time(const char *t)
{
    double best = 1e9;
    fault_t f;
    memset(&f, 0, sizeof f);
    f.TEXTF = t;
    volatile unsigned sink = 0;
    for (int k = 0; k < 5; k++) {
        double t0 = now_s();
        for (int i = 0; i < 2000; i++) sink += F(_classify)(&f);
        double dt = now_s() - t0;
        if (dt < best) best = dt;
    }
    (void)sink;
    return best;
}

#ifdef ANCHORS
static void expect(const char *t, size_t len, unsigned want, const char *what)
{
    unsigned got = check(t, len);
    if (got != want) {
        char m[160];
        snprintf(m, sizeof m, "%s: classified as %s, expected %s", what,
                 F(_error_name)(got), F(_error_name)(want));
        die(m, t, len);
    }
}
#endif

int main(void)
{
    if (rc_unit_load(&unit, POLICY_PATH, stderr, NULL) != 0 || !unit.ir) return 2;
    if (unit.ir->nfields > 16 || TEXT_INDEX >= unit.ir->nfields) return 2;
    sim = rc_sim_new(&unit.arena, unit.ir);
    const size_t MB = 1u << 20;
    char *big = malloc(2 * MB + 1);
    if (!big) return 2;
    static const char *const pieces[] = { "timeout", "timed out", "memory", "MEMORY", "connect reset",
        "connection reset", "start", "end", "END", "needle", "\xff\xfe", "\xc0\xaf", "\xed\xa0\x80",
        "\xf4\x90\x80\x80", "\x80", "\n", " ", "x", "start end", "nee", "dle" };
    const size_t np = sizeof pieces / sizeof *pieces;

    /* 1 MB and 2 MB texts with the interesting pieces at the start, just
     * inside and just outside the limit, and at the very end */
    size_t offs[] = { 0, LIMIT / 2, LIMIT - 10, LIMIT - 7, LIMIT - 6, LIMIT - 3, LIMIT, LIMIT + 1, MB - 12 };
    for (size_t sz = MB; sz <= 2 * MB; sz += MB)
        for (size_t p = 0; p < np; p++)
            for (size_t o = 0; o < sizeof offs / sizeof *offs; o++) {
                memset(big, 'a', sz);
                size_t l = strlen(pieces[p]);
                memcpy(big + offs[o], pieces[p], l);
                big[sz] = 0;
                check(big, sz);
            }
    /* every byte value: alone, repeated, around a piece, all 255 at once */
    char buf[1024];
    for (int b = 1; b < 256; b++) {
        buf[0] = (char)b;
        buf[1] = 0;
        check(buf, 1);
        memset(buf, b, 300);
        buf[300] = 0;
        check(buf, 300);
        for (size_t p = 0; p < np; p++) {
            size_t l = strlen(pieces[p]);
            buf[0] = (char)b;
            memcpy(buf + 1, pieces[p], l);
            buf[1 + l] = (char)b;
            buf[2 + l] = 0;
            check(buf, l + 2);
        }
    }
    for (int b = 0; b < 255; b++) buf[b] = (char)(b + 1);
    buf[255] = 0;
    check(buf, 255);
    /* embedded NULs: what follows the first NUL is not part of the text */
    for (size_t p = 0; p < np; p++)
        for (size_t p2 = 0; p2 < np; p2++) {
            size_t l = strlen(pieces[p]), l2 = strlen(pieces[p2]);
            memcpy(buf, pieces[p], l);
            buf[l] = 0;
            memcpy(buf + l + 1, pieces[p2], l2);
            buf[l + 1 + l2] = 0;
            check(buf, l + 1 + l2);
        }
    /* random mixtures of pieces and bytes */
    for (int i = 0; i < 20000; i++) {
        size_t n = 0, want = rnd() % 200;
        while (n < want) {
            if (rnd() % 3) {
                const char *s = pieces[rnd() % np];
                size_t l = strlen(s);
                memcpy(buf + n, s, l);
                n += l;
            } else {
                buf[n++] = (char)(rnd() % 8 == 0 ? 0 : rnd());
            }
        }
        buf[n] = 0;
        check(buf, n);
    }
    /* 2. at most LIMIT bytes read: texts ending at an unreadable page */
    long guarded_checks = 0;
    at_guard = 1;
    for (size_t p = 0; p < np; p++) {
        memset(big, 'a', LIMIT);
        size_t l = strlen(pieces[p]);
        memcpy(big + LIMIT - l, pieces[p], l);
        check(guarded(big, LIMIT), LIMIT);
        memcpy(big, pieces[p], l);
        check(guarded(big, LIMIT), LIMIT);
        guarded_checks += 2;
    }
    at_guard = 0;
    /* 3. constant work: a 2 MB text costs what a LIMIT-byte one does */
    memset(big, 'a', 2 * MB);
    big[2 * MB] = 0;
    double t_big = best_time(big);
    char *small = guarded(big, LIMIT);
    double t_small = best_time(small);
    printf("time per classification: %.2f us for %zu bytes, %.2f us for 2 MB (limit %zu)\n",
           t_small / 2000 * 1e6, LIMIT, t_big / 2000 * 1e6, LIMIT);
    if (t_big > 4 * t_small + 0.002) {
        fprintf(stderr, "text: a 2 MB text takes %.4f s, a %zu-byte one %.4f s: work is not bounded by the limit\n",
                t_big, LIMIT, t_small);
        return 1;
    }
#ifdef ANCHORS
    /* 4. explicit verdicts at the cut */
    {
        unsigned E_END = CAT(P, _ERR_E_END), E_NEEDLE = CAT(P, _ERR_E_NEEDLE), E_OTHER = CAT(P, _ERR_E_OTHER);
        unsigned E_START = CAT(P, _ERR_E_START), E_BOTH = CAT(P, _ERR_E_BOTH);
        memset(big, 'a', 2 * MB);
        big[2 * MB] = 0;
        memcpy(big + LIMIT - 6, "needle", 6);   /* big[2 MB] is 0 */
        expect(big, 2 * MB, E_NEEDLE, "\"needle\" ending at the limit");
        memset(big, 'a', 2 * MB);
        memcpy(big + LIMIT - 5, "needle", 6);
        expect(big, 2 * MB, E_OTHER, "\"needle\" ending one byte past the limit");
        memset(big, 'a', 2 * MB);
        memcpy(big + LIMIT - 3, "eNd", 3);
        expect(big, 2 * MB, E_END, "`end$` at the cut");
        memcpy(big + LIMIT - 3, "end", 3);
        memcpy(big, "start", 5);
        expect(big, 2 * MB, E_BOTH, "`^start.*end$` across the cut");
        memset(big + LIMIT - 3, 'a', 3);
        expect(big, 2 * MB, E_START, "`^start` with 2 MB behind it");
        memset(big, 'a', 2 * MB);
        memcpy(big + LIMIT, "end", 3);
        expect(big, 2 * MB, E_OTHER, "\"end\" just past the cut");
        buf[0] = 'e'; buf[1] = 'n'; buf[2] = 'd'; buf[3] = 0; buf[4] = 'x'; buf[5] = 0;
        expect(buf, 5, E_END, "`end$` before an embedded NUL");
    }
#endif
    printf("%ld classifications compared with the simulator (%ld at an unreadable page "
           "after byte %zu), texts up to 2 MB: all identical\n", checks, guarded_checks, LIMIT);
    free(big);
    rc_unit_free(&unit);
    return 0;
}
