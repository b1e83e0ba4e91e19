/* diff.c - differential test: random policies x random scenarios, simulator
 * (compiler/back/sim.c) against the generated C built by every compiler at -O0 and
 * -O2.  Generated symbols all carry the policy name, so a batch of hundreds of
 * policies (p<N>) plus one harness file per (policy, scenario) pair builds as
 * ONE program per compiler and level.
 *
 *   diff [--seed S] [--pairs N] [--scenarios K] [--batch B] [--cc CC]... [--repro DIR]
 *
 * --seed 0 (or "random") draws a fresh seed from the clock; the seed is always
 * printed.  Any difference in any decision fails (exit 1) after printing a
 * reproduction: the policy (.recov) and the scenario, cut after the first
 * differing event and with earlier events removed while the difference
 * persists, as an .rtest whose expectations are the simulator's decisions
 * (so `recovc test --via c` on it shows the difference).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "driver.h"
#include "emit_c.h"
#include "harness.h"
#include "rgen.h"
#include "sim.h"

#ifndef RUNTIME_DIR
#error "RUNTIME_DIR must name the runtime folder"
#endif

typedef struct pair {
    int policy;                 /* index: name p<policy> */
    int scen;
    char *text;                 /* policy source (shared by the pair's scenarios) */
    rg_info info;
    rg_scenario sc;
    char **lines;               /* simulator's lines, one per event */
} pair;

typedef struct cfg {
    const char *cc[8];
    int ncc;
    const char *repro;
    int verbose;
} cfg;

static void die(const char *what) { perror(what); exit(2); }

static void write_file(const char *path, const char *s, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(s, 1, n, f) != n || fclose(f)) die(path);
}

/* ---- the simulator side --------------------------------------------------- */

static void fault_of(const rc_ir *ir, const rg_event *ev, rc_sim_value *v)
{
    for (int i = 0; i < ir->nfields; i++) {
        v[i].i = ev->i[i];
        v[i].text = ev->text[i];
        v[i].len = ev->len[i];
    }
}

/* Run one event on the simulator; returns its line (malloc'd) and sets *run. */
static char *sim_event(rc_sim *s, rc_sim_incident **inc, const rg_event *ev, uint32_t t0, int *run)
{
    rc_sim_incident *in = inc[ev->inc];
    char buf[256];
    rc_sim_value v[RG_MAXF];
    rc_sim_fault f = { v };
    recov_decision d;
    uint32_t now = t0 + ev->t;
    *run = 0;
    switch (ev->kind) {
    case RG_EV_FAIL:
        fault_of(s->ir, ev, v);
        d = rc_sim_failed_i(s, in, &f, now);
        rc_sim_format_decision(&d, buf, sizeof buf);
        *run = d.kind == RECOV_RUN;
        break;
    case RG_EV_HANDLER:
        d = rc_sim_handler_done_i(s, in, ev->ok != 0, now);
        rc_sim_format_decision(&d, buf, sizeof buf);
        *run = d.kind == RECOV_RUN;
        break;
    case RG_EV_OK:
        rc_sim_succeeded_i(s, in, now);
        snprintf(buf, sizeof buf, "o");
        break;
    case RG_EV_CANCEL:
        rc_sim_cancelled_i(s, in, now);
        snprintf(buf, sizeof buf, "c");
        break;
    case RG_EV_PARAMS:
        snprintf(buf, sizeof buf, "p %u", rc_sim_set_params(s, ev->p));
        break;
    case RG_EV_FORCE:
        snprintf(buf, sizeof buf, "f %u", rc_sim_force(s, 0u, (unsigned)ev->ok, now));
        break;
    case RG_EV_ADMIT_IN:
        snprintf(buf, sizeof buf, "w %lu", (unsigned long)rc_sim_admit_in(s, in, now));
        break;
    default:
        snprintf(buf, sizeof buf, "%s", rc_sim_format_admit(rc_sim_admit_i(s, in, now)));
        break;
    }
    return strdup(buf);
}

static void sim_replay(const rc_ir *ir, pair *p)
{
    rc_arena a;
    rc_arena_init(&a);
    rc_sim *s = rc_sim_new(&a, ir);
    rc_sim_init(s, p->sc.t0, p->sc.seed);
    rc_sim_incident *inc[RG_NINC];
    inc[0] = s->inc;
    for (int k = 1; k < RG_NINC; k++) {
        inc[k] = rc_sim_incident_new(&a, ir);
        rc_sim_incident_init(s, inc[k]);
    }
    p->lines = calloc((size_t)p->sc.nev + 1, sizeof *p->lines);
    int run;
    for (int e = 0; e < p->sc.nev; e++) p->lines[e] = sim_event(s, inc, &p->sc.ev[e], p->sc.t0, &run);
    if (s->sl.n) {   /* `stats;`: the counters after the last event, one more line (FNV-1a in layout order) */
        uint32_t h = 2166136261u;
        char buf[32];
        for (int i = 0; i < s->sl.n; i++) h = (h ^ s->stat[i]) * 16777619u;
        snprintf(buf, sizeof buf, "s %08lx", (unsigned long)h);
        p->lines[p->sc.nev] = strdup(buf);
    }
    rc_arena_free(&a);
}

static void free_lines(pair *p)
{
    if (!p->lines) return;
    for (int e = 0; e <= p->sc.nev; e++) free(p->lines[e]);
    free(p->lines);
    p->lines = NULL;
}

/* ---- the C side ------------------------------------------------------------ */

static void c_int(FILE *o, int type, int64_t v)
{
    if (type == 6) fputs(v ? "true" : "false", o);
    else if (v == INT32_MIN) fputs("(-2147483647 - 1)", o);
    else if (type <= 2) fprintf(o, "%" PRId64 "u", v);
    else fprintf(o, "%" PRId64, v);
}

static void write_harness(FILE *o, const rc_ir *ir, const pair *p)
{
    const char *P = ir->name;
    fprintf(o, "#include <stdio.h>\n#include \"%s.h\"\n", P);
    const int S = p->scen;
    int nt = 0;
    for (int e = 0; e < p->sc.nev; e++) {
        const rg_event *ev = &p->sc.ev[e];
        if (ev->kind != RG_EV_FAIL) continue;
        for (int i = 0; i < ir->nfields; i++) {
            if (ir->fields[i].type != RC_TY_TEXT || !ev->text[i]) continue;
            fprintf(o, "static const char t%d_%d_%d[] = {", S, e, i);
            for (size_t k = 0; k < ev->len[i]; k++) fprintf(o, "%s(char)%u,", k % 20 ? "" : "\n", (unsigned char)ev->text[i][k]);
            fputs(" 0 };\n", o);
            nt++;
        }
    }
    fprintf(o, "static const %s_fault F%d[] = {\n", P, S);
    for (int e = 0; e < p->sc.nev; e++) {
        const rg_event *ev = &p->sc.ev[e];
        fputs("  {", o);
        for (int i = 0; i < ir->nfields; i++) {
            fprintf(o, "%s.%s = ", i ? ", " : " ", ir->fields[i].name);
            if (ir->fields[i].type == RC_TY_TEXT) {
                if (ev->kind == RG_EV_FAIL && ev->text[i]) fprintf(o, "t%d_%d_%d", S, e, i);
                else fputs("0", o);   /* NULL reads as "" */
            } else {
                c_int(o, p->info.f[i].type, ev->kind == RG_EV_FAIL ? ev->i[i] : 0);
            }
        }
        fputs(" },\n", o);
    }
    if (p->sc.nev == 0) fputs("  { 0 }\n", o);
    fprintf(o, "};\nstatic const struct { unsigned char kind, ok, inc; uint32_t t; } E%d[] = {\n", S);
    for (int e = 0; e < p->sc.nev; e++)
        fprintf(o, "  { %d, %d, %d, %" PRIu32 "u },\n", p->sc.ev[e].kind, p->sc.ev[e].ok, p->sc.ev[e].inc, p->sc.ev[e].t);
    if (p->sc.nev == 0) fputs("  { 0, 0, 0, 0u }\n", o);
    if (ir->nparams) {   /* the values of each PARAMS event (zero for the others) */
        fprintf(o, "};\nstatic const %s_params Q%d[] = {\n", P, S);
        for (int e = 0; e < p->sc.nev; e++) {
            fputs("  {", o);
            for (int k = 0; k < ir->nparams; k++)
                fprintf(o, "%s %" PRId64 "u", k ? "," : "", p->sc.ev[e].kind == RG_EV_PARAMS ? p->sc.ev[e].p[k] : 0);
            fputs(" },\n", o);
        }
        if (p->sc.nev == 0) fputs("  { 0 }\n", o);
    }
    fprintf(o, "};\nvoid rcd_%s_%d(void);\nvoid rcd_%s_%d(void)\n{\n", P, p->scen, P, p->scen);
    fprintf(o, "    %s_shared s;\n    %s_incident in[%d];\n    unsigned j;\n    %s_shared_init(&s, %" PRIu32 "u, %" PRIu32 "u);\n",
            P, P, RG_NINC, P, p->sc.t0, p->sc.seed);
    fprintf(o, "    for (j = 0; j < %du; j++) %s_incident_init(&in[j]);\n", RG_NINC, P);
    fprintf(o, "    for (j = 0; j < %du; j++) {\n        uint32_t now = (uint32_t)(%" PRIu32 "u + E%d[j].t);\n"
               "        recov_decision d;\n        switch (E%d[j].kind) {\n", p->sc.nev, p->sc.t0, S, S);
    fprintf(o, "        case %d: d = %s_failed(&s, &in[E%d[j].inc], &F%d[j], now); break;\n", RG_EV_FAIL, P, S, S);
    fprintf(o, "        case %d: d = %s_handler_done(&s, &in[E%d[j].inc], E%d[j].ok != 0, now); break;\n", RG_EV_HANDLER, P, S, S);
    fprintf(o, "        case %d: %s_succeeded(&s, &in[E%d[j].inc], now); puts(\"o\"); continue;\n", RG_EV_OK, P, S);
    fprintf(o, "        case %d: %s_cancelled(&s, &in[E%d[j].inc], now); puts(\"c\"); continue;\n", RG_EV_CANCEL, P, S);
    if (ir->nparams)
        fprintf(o, "        case %d: printf(\"p %%u\\n\", %s_set_params(&s, &Q%d[j])); continue;\n", RG_EV_PARAMS, P, S);
    if (ir->nbreakers)
        fprintf(o, "        case %d: printf(\"f %%u\\n\", %s_force(&s, 0u, E%d[j].ok, now)); continue;\n", RG_EV_FORCE, P, S);
    if (rc_ir_any_per_alt(ir) || ir->rate_n || ir->concurrent)
        fprintf(o, "        case %d: printf(\"w %%lu\\n\", (unsigned long)%s_admit_in(&s, &in[E%d[j].inc], now)); continue;\n",
                RG_EV_ADMIT_IN, P, S);
    fprintf(o, "        default: switch (%s_admit(&s, &in[E%d[j].inc], now)) {\n", P, S);
    static const recov_admit adm[] = { RECOV_ALLOW, RECOV_REJECT, RECOV_RATE_LIMITED, RECOV_FULL };
    for (size_t k = 0; k < sizeof adm / sizeof adm[0]; k++)
        fprintf(o, "            case %d: puts(\"%s\"); break;\n", (int)adm[k], rc_sim_format_admit(adm[k]));
    fprintf(o, "            }\n            continue;\n        }\n");
    fprintf(o, "        printf(\"%s\\n\", (unsigned)d.kind, (unsigned)d.id, (unsigned long)d.ms, (unsigned)d.level,\n"
               "               (unsigned)d.error, (unsigned)d.severity, (unsigned)d.error_class, (unsigned)d.attempt,\n"
               "               (unsigned long)d.limit_ms);\n"
               "    }\n", RC_SIM_DECISION_FMT);
    rc_stat_layout sl;
    rc_ir_stat_layout(ir, &sl);
    if (sl.n) {   /* the counters, hashed in the simulator's layout order */
        fprintf(o, "    {\n        %s_counters c;\n        uint32_t h = 2166136261u;\n        %s_stats(&s, &c);\n", P, P);
        for (int i = 0; i < sl.n; i++) {
            char m[120];
            rc_harness_stat_member(ir, i, m, sizeof m);
            fprintf(o, "        h = (h ^ c.%s) * 16777619u;\n", m);
        }
        fputs("        printf(\"s %08lx\\n\", (unsigned long)h);\n    }\n", o);
    }
    fputs("}\n", o);
}

static int run_cmd(char *const *argv, const char *out_path)
{
    pid_t pid = fork();
    if (pid < 0) die("fork");
    if (pid == 0) {
        if (out_path && !freopen(out_path, "w", stdout)) _exit(127);
        execvp(argv[0], argv);
        _exit(127);
    }
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR) die("waitpid");
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* Loads the policy of pair p from dir (already written). */
static int load(rc_unit *u, const char *dir, const pair *p, FILE *diag)
{
    char path[600];
    /* random deadlines often cut the retries short: that is what is being
     * compared, so -Wdeadline-never stays a warning here */
    static const char *const wno[] = {"no-error=deadline-never"};
    rc_unit_opts uo = {.wopts = wno, .nwopts = 1};
    snprintf(path, sizeof path, "%s/p%d.recov", dir, p->policy);
    return rc_unit_load(u, path, diag, &uo);
}

/* Builds and runs the pairs [0, n) (policies already loaded in units) with
 * every compiler and level; marks differing pairs in bad[] with the index of
 * the first differing event.  Returns the number of pairs that differ, or -1
 * when a build fails (the compiler's output has been shown). */
static int run_batch(const cfg *c, const char *dir, pair *ps, int n, rc_unit *units, int *bad)
{
    char path[512];
    /* harness files and main */
    snprintf(path, sizeof path, "%s/main.c", dir);
    FILE *m = fopen(path, "w");
    if (!m) die(path);
    fputs("#include <stdio.h>\n", m);
    /* one translation unit per policy: its generated C and the harnesses of
     * all its scenarios (static names carry the scenario number), so a batch
     * is a few dozen compilations, not one per pair */
    char **srcs = calloc((size_t)(n + 16), sizeof *srcs);
    int ns = 0;
    FILE *h = NULL;
    for (int k = 0; k < n; k++) {
        const rc_ir *ir = units[ps[k].policy].ir;
        fprintf(m, "void rcd_%s_%d(void);\n", ir->name, ps[k].scen);
        if (k == 0 || ps[k].policy != ps[k - 1].policy) {
            if (h && fclose(h)) die(path);
            snprintf(path, sizeof path, "%s/u_p%d.c", dir, ps[k].policy);
            h = fopen(path, "w");
            if (!h) die(path);
            srcs[ns++] = strdup(path);
            fprintf(h, "#include \"p%d.c\"\n", ps[k].policy);
        }
        write_harness(h, ir, &ps[k]);
    }
    if (h && fclose(h)) die(path);
    fputs("int main(void)\n{\n", m);
    for (int k = 0; k < n; k++)
        fprintf(m, "    puts(\"# %d\"); rcd_%s_%d();\n", k, units[ps[k].policy].ir->name, ps[k].scen);
    fputs("    return 0;\n}\n", m);
    if (fclose(m)) die("main.c");

    snprintf(path, sizeof path, "%s/main.c", dir);
    srcs[ns++] = strdup(path);
    srcs[ns++] = strdup(RUNTIME_DIR "/src/recov.c");
    srcs[ns++] = strdup(RUNTIME_DIR "/src/recov_dfa.c");

    int ndiff = 0;
    for (int k = 0; k < n; k++) bad[k] = -1;
    static const char *const OPT[] = { "-O0", "-O2" };
    for (int ci = 0; ci < c->ncc; ci++)
        for (int oi = 0; oi < 2; oi++) {
            char exe[512], outp[512];
            snprintf(exe, sizeof exe, "%s/prog", dir);
            snprintf(outp, sizeof outp, "%s/out.txt", dir);
            const char *argv[4096];
            int na = 0;
            argv[na++] = c->cc[ci];
            argv[na++] = "-std=c99";
            argv[na++] = OPT[oi];
            argv[na++] = "-w";   /* warnings of generated code are checked by e2e.generated */
            argv[na++] = "-I" RUNTIME_DIR "/include";
            char inc[600];
            snprintf(inc, sizeof inc, "-I%s", dir);
            argv[na++] = inc;
            argv[na++] = "-o";
            argv[na++] = exe;
            for (int i = 0; i < ns && na < 4090; i++) argv[na++] = srcs[i];
            argv[na] = NULL;
            int rc = run_cmd((char *const *)argv, NULL);
            if (rc != 0) {
                fprintf(stderr, "diff: %s %s failed (exit %d) building a batch in %s\n", c->cc[ci], OPT[oi], rc, dir);
                for (int i = 0; i < ns; i++) free(srcs[i]);
                free(srcs);
                return -1;
            }
            char *pa[] = { exe, NULL };
            rc = run_cmd(pa, outp);
            if (rc != 0) {
                fprintf(stderr, "diff: the %s %s program exited %d\n", c->cc[ci], OPT[oi], rc);
                for (int i = 0; i < ns; i++) free(srcs[i]);
                free(srcs);
                return -1;
            }
            FILE *o = fopen(outp, "r");
            if (!o) die(outp);
            char line[512];
            int k = -1, e = 0;
            int *seen = calloc((size_t)n, sizeof *seen);
            while (fgets(line, sizeof line, o)) {
                line[strcspn(line, "\n")] = 0;
                if (line[0] == '#') { k = atoi(line + 2); e = 0; seen[k] = 1; continue; }
                if (k < 0 || k >= n) continue;
                int nl = ps[k].sc.nev + (ps[k].lines[ps[k].sc.nev] != NULL);   /* + the stats line */
                if (e < nl && strcmp(line, ps[k].lines[e]) && bad[k] < 0) {
                    bad[k] = e;
                    ndiff++;
                    fprintf(stderr, "diff: pair %d (policy p%d scenario %d), %s %s, event %d:\n  sim: %s\n  C:   %s\n",
                            k, ps[k].policy, ps[k].scen, c->cc[ci], OPT[oi], e, ps[k].lines[e], line);
                }
                e++;
            }
            fclose(o);
            for (int j = 0; j < n; j++)
                if (!seen[j] && bad[j] < 0) { bad[j] = 0; ndiff++; fprintf(stderr, "diff: pair %d produced no output\n", j); }
            free(seen);
        }
    for (int i = 0; i < ns; i++) free(srcs[i]);
    free(srcs);
    return ndiff;
}

/* ---- reproductions --------------------------------------------------------- */

static void rtest_value(FILE *o, const rg_event *ev, int i, const rc_ir *ir)
{
    if (ir->fields[i].type == RC_TY_TEXT) {
        if (!ev->text[i]) return;
        fprintf(o, " %s=\"", ir->fields[i].name);
        for (size_t k = 0; k < ev->len[i]; k++) {
            unsigned char ch = (unsigned char)ev->text[i][k];
            if (ch == '"' || ch == '\\') fprintf(o, "\\%c", ch);
            else if (ch >= 32 && ch < 127 && ch != '#') fputc(ch, o);
            else fprintf(o, "\\x%02x", ch);
        }
        fputc('"', o);
    } else {
        fprintf(o, " %s=%" PRId64, ir->fields[i].name, ev->i[i]);
    }
}

static void write_rtest(FILE *o, const rc_ir *ir, const pair *p, const char *policy_file)
{
    fprintf(o, "# differential-test reproduction: expectations are the simulator's decisions\n");
    fprintf(o, "policy %s\n\nscenario \"diff\"\n  seed %" PRIu32 "\n  start at %" PRIu32 "\n", policy_file, p->sc.seed, p->sc.t0);
    rc_arena a;
    rc_arena_init(&a);
    rc_sim *s = rc_sim_new(&a, ir);
    rc_sim_init(s, p->sc.t0, p->sc.seed);
    rc_sim_incident *inc[RG_NINC];
    inc[0] = s->inc;
    for (int k = 1; k < RG_NINC; k++) {
        inc[k] = rc_sim_incident_new(&a, ir);
        rc_sim_incident_init(s, inc[k]);
    }
    for (int e = 0; e < p->sc.nev; e++) {
        const rg_event *ev = &p->sc.ev[e];
        uint32_t now = p->sc.t0 + ev->t;
        char desc[512];
        recov_decision d;
        rc_sim_incident *in = inc[ev->inc];
        if (ev->kind != RG_EV_PARAMS) fprintf(o, "  at %" PRIu32 " ", ev->t);
        if (ev->kind != RG_EV_PARAMS && ev->inc) fprintf(o, "I%d: ", ev->inc);
        switch (ev->kind) {
        case RG_EV_FAIL: {
            rc_sim_value v[RG_MAXF];
            rc_sim_fault f = { v };
            fault_of(ir, ev, v);
            fputs("fail", o);
            for (int i = 0; i < ir->nfields; i++) rtest_value(o, ev, i, ir);
            d = rc_sim_failed_i(s, in, &f, now);
            break;
        }
        case RG_EV_HANDLER:
            fprintf(o, "handler %s", ev->ok ? "ok" : "failed");
            d = rc_sim_handler_done_i(s, in, ev->ok != 0, now);
            break;
        case RG_EV_OK:
            rc_sim_succeeded_i(s, in, now);
            fputs("ok\n", o);
            continue;
        case RG_EV_CANCEL:
            rc_sim_cancelled_i(s, in, now);
            fputs("cancel\n", o);
            continue;
        case RG_EV_FORCE: {
            static const char *const modes[] = { "normal", "open", "closed", "disabled" };
            (void)rc_sim_force(s, 0u, (unsigned)ev->ok, now);
            fprintf(o, "force %s\n", modes[ev->ok & 3]);
            continue;
        }
        case RG_EV_PARAMS: {
            /* a `params` line: no time of its own, it runs just before the next event */
            fputs("  params", o);
            for (int k = 0; k < ir->nparams; k++)
                fprintf(o, " %s=%" PRId64 "%s", ir->params[k].name, ev->p[k],
                        ir->params[k].type == RC_PT_DURATION ? "ms" : "");
            unsigned r = rc_sim_set_params(s, ev->p);
            if (r) fprintf(o, " -> rejected %s", ir->params[r - 1].name);
            fputs("\n", o);
            continue;
        }
        case RG_EV_ADMIT_IN: {
            uint32_t w = rc_sim_admit_in(s, in, now);
            if (w == RECOV_ADMIT_IN_UNKNOWN) fputs("admit_in -> unknown\n", o);
            else fprintf(o, "admit_in -> %lu\n", (unsigned long)w);
            continue;
        }
        default:
            fprintf(o, "admit -> %s\n", rc_sim_format_admit(rc_sim_admit_i(s, in, now)) + 2);
            continue;
        }
        rc_sim_describe(ir, &d, desc, sizeof desc);
        char *paren = strstr(desc, " (attempt");
        if (paren) *paren = 0;
        fprintf(o, " -> %s\n", desc);
    }
    /* `stats;`: every counter as the simulator has it after the last event */
    uint32_t tlast = p->sc.nev ? p->sc.ev[p->sc.nev - 1].t : 0;
    for (int i = 0; i < s->sl.n; i++) {
        char key[200];
        rc_ir_stat_key(ir, i, key, sizeof key);
        if (i % RC_SIM_MAX_STATS == 0) fprintf(o, "  at %" PRIu32 " stats", tlast);
        fprintf(o, " %s=%lu", key, (unsigned long)s->stat[i]);
        if (i % RC_SIM_MAX_STATS == RC_SIM_MAX_STATS - 1 || i == s->sl.n - 1) fputs("\n", o);
    }
    rc_arena_free(&a);
}

/* Cut the scenario after event `upto`, then drop earlier events one by one
 * while the pair still differs. */
static void minimise(const cfg *c, const char *dir, pair *p, rc_unit *units, int upto)
{
    free_lines(p);   /* one per event of the full scenario; not needed past here */
    if (upto >= p->sc.nev) upto = p->sc.nev - 1;   /* the counters differ: after the last event */
    for (int e = upto + 1; e < p->sc.nev; e++)
        for (int i = 0; i < RG_MAXF; i++) { free(p->sc.ev[e].text[i]); p->sc.ev[e].text[i] = NULL; }
    p->sc.nev = upto + 1;
    const rc_ir *ir = units[p->policy].ir;
    for (int e = p->sc.nev - 2; e >= 0; e--) {
        pair q = *p;
        q.sc.ev = malloc((size_t)p->sc.nev * sizeof *q.sc.ev);
        int n = 0;
        for (int j = 0; j < p->sc.nev; j++)
            if (j != e) q.sc.ev[n++] = p->sc.ev[j];
        q.sc.nev = n;
        q.lines = NULL;
        sim_replay(ir, &q);
        int bad;
        int r = run_batch(c, dir, &q, 1, units, &bad);
        free_lines(&q);
        if (r > 0) {   /* still differs without event e */
            for (int i = 0; i < RG_MAXF; i++) free(p->sc.ev[e].text[i]);
            free(p->sc.ev);
            p->sc.ev = q.sc.ev;
            p->sc.nev = n;
        } else {
            free(q.sc.ev);
        }
    }
}

static void report(const cfg *c, const char *dir, pair *p, rc_unit *units, int first_bad)
{
    minimise(c, dir, p, units, first_bad);
    const rc_ir *ir = units[p->policy].ir;
    mkdir(c->repro, 0777);
    char path[600];
    snprintf(path, sizeof path, "%s/%s.recov", c->repro, ir->name);
    write_file(path, p->text, strlen(p->text));
    printf("==== reproduction: %s\n%s", path, p->text);
    snprintf(path, sizeof path, "%s/%s.rtest", c->repro, ir->name);
    FILE *o = fopen(path, "w");
    if (!o) die(path);
    char pf[64];
    snprintf(pf, sizeof pf, "%s.recov", ir->name);
    write_rtest(o, ir, p, pf);
    fclose(o);
    printf("==== reproduction: %s (run: recovc test -Wno-error=deadline-never --via c %s)\n", path, path);
    write_rtest(stdout, ir, p, pf);
}

/* ---- main ------------------------------------------------------------------ */

int main(int argc, char **argv)
{
    uint64_t seed = 1;
    int npairs = 5000, nscen = 2, batch = 400, inject = 0;
    cfg c = { .repro = "diff-repro" };
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--seed") && v) { seed = strcmp(v, "random") ? strtoull(v, NULL, 0) : 0; i++; }
        else if (!strcmp(a, "--pairs") && v) { npairs = atoi(v); i++; }
        else if (!strcmp(a, "--scenarios") && v) { nscen = atoi(v); i++; }
        else if (!strcmp(a, "--batch") && v) { batch = atoi(v); i++; }
        else if (!strcmp(a, "--cc") && v && c.ncc < 8) { c.cc[c.ncc++] = v; i++; }
        else if (!strcmp(a, "--repro") && v) { c.repro = v; i++; }
        else if (!strcmp(a, "-v")) c.verbose = 1;
        else if (!strcmp(a, "--inject")) inject = 1;   /* self-check: corrupt one expected line */
        else { fprintf(stderr, "usage: diff [--seed S|random] [--pairs N] [--scenarios K] [--batch B] [--cc CC]... [--repro DIR]\n"); return 2; }
    }
    if (seed == 0) seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
    if (c.ncc == 0) { c.cc[c.ncc++] = "gcc"; c.cc[c.ncc++] = "clang"; }
    if (nscen < 1) nscen = 1;
    int per_batch = (batch / nscen) > 0 ? batch / nscen : 1;
    printf("diff: seed %" PRIu64 ", %d pairs (%d scenarios per policy), compilers:", seed, npairs, nscen);
    for (int i = 0; i < c.ncc; i++) printf(" %s", c.cc[i]);
    printf(", -O0 and -O2\n");
    fflush(stdout);

    char tmpl[] = "/tmp/recov-diff-XXXXXX";
    const char *td = getenv("TMPDIR");
    char dir[512];
    snprintf(dir, sizeof dir, "%s/recov-diff-XXXXXX", td && *td ? td : "/tmp");
    if (!mkdtemp(dir)) { (void)tmpl; die("mkdtemp"); }

    int npol = (npairs + nscen - 1) / nscen, done = 0, failed = 0, invalid = 0, regenerated = 0, shifted = 0;
    long events = 0, param_events = 0, admit_in_events = 0;
    int with_params = 0, with_stats = 0;
    for (int b0 = 0; b0 < npol && !failed; b0 += per_batch) {
        int nb = npol - b0 < per_batch ? npol - b0 : per_batch;
        rc_unit *units = calloc((size_t)(b0 + nb), sizeof *units);
        pair *ps = calloc((size_t)nb * (size_t)nscen, sizeof *ps);
        int np = 0;
        for (int k = b0; k < b0 + nb; k++) {
            uint64_t rs = (uint64_t)seed * UINT64_C(0x100000001B3) + (uint64_t)k * UINT64_C(0x9E3779B97F4A7C15);
            rg_buf txt = { 0 };
            rg_info info;
            char name[32];
            snprintf(name, sizeof name, "p%d", k);
            char *dbuf = NULL;
            size_t dlen = 0;
            int rc = 1;
            for (int tries = 0; tries < 50; tries++) {
                rg_free(&txt);
                rg_policy(&rs, name, &txt, &info);
                char path[600];
                snprintf(path, sizeof path, "%s/p%d.recov", dir, k);
                write_file(path, txt.p, txt.n);
                free(dbuf);
                dbuf = NULL;
                FILE *dg = open_memstream(&dbuf, &dlen);
                pair tmp = { .policy = k };
                rc = load(&units[k], dir, &tmp, dg);
                fclose(dg);
                /* the deadline analysis rightly rejects blocks whose retries cannot fit:
                 * draw another policy */
                if (rc == 0 || !strstr(dbuf, "can never finish within its deadline")) break;
                rc_unit_free(&units[k]);
                regenerated++;
            }
            if (rc != 0) {
                invalid++;
                printf("diff: the generator made an invalid policy (seed %" PRIu64 ", #%d):\n%s%s\n", seed, k, txt.p, dbuf);
                free(dbuf);
                rg_free(&txt);
                failed = 1;
                continue;
            }
            free(dbuf);
            const rc_ir *ir = units[k].ir;
            if (ir->nparams) with_params++;
            if (ir->stats) with_stats++;
            char hp[600], cp[600], hn[64];
            snprintf(hp, sizeof hp, "%s/p%d.h", dir, k);
            snprintf(cp, sizeof cp, "%s/p%d.c", dir, k);
            snprintf(hn, sizeof hn, "p%d.h", k);
            FILE *fh = fopen(hp, "w"), *fc = fopen(cp, "w");
            if (!fh || !fc) die(hp);
            char why[256] = "";
            if (!rc_emit_c_why(ir, hn, fh, fc, why, sizeof why)) {
                printf("diff: rc_emit_c refused policy #%d: %s\n%s\n", k, why, txt.p);
                failed = 1;
            }
            fclose(fh);
            fclose(fc);
            for (int sidx = 0; sidx < nscen; sidx++) {
                pair *p = &ps[np++];
                p->policy = k;
                p->scen = sidx;
                p->text = sidx == 0 ? txt.p : ps[np - 1 - sidx].text;
                p->info = info;
                int nev = 1 + (int)rg_below(&rs, 40);
                rg_scenario_begin(&rs, &info, &p->sc, nev);
                /* draw events against a live simulator (handler events follow RUN) */
                rc_arena a;
                rc_arena_init(&a);
                rc_sim *s = rc_sim_new(&a, ir);
                rc_sim_init(s, p->sc.t0, p->sc.seed);
                rc_sim_incident *inc[RG_NINC];
                inc[0] = s->inc;
                for (int k2 = 1; k2 < RG_NINC; k2++) {
                    inc[k2] = rc_sim_incident_new(&a, ir);
                    rc_sim_incident_init(s, inc[k2]);
                }
                int run = 0;
                for (int e = 0; e < nev; e++) {
                    rg_event_draw(&rs, &info, e ? &p->sc.ev[e - 1] : NULL, &p->sc.ev[e], run);
                    p->sc.nev = e + 1;
                    free(sim_event(s, inc, &p->sc.ev[e], p->sc.t0, &run));
                }
                rc_arena_free(&a);
                sim_replay(ir, p);
                events += p->sc.nev;
                for (int e = 0; e < p->sc.nev; e++) param_events += p->sc.ev[e].kind == RG_EV_PARAMS;
                for (int e = 0; e < p->sc.nev; e++) admit_in_events += p->sc.ev[e].kind == RG_EV_ADMIT_IN;
                /* time: the same timeline shifted so that the tick wraps inside it
                 * must give the same decisions */
                if (p->sc.nev > 0) {
                    pair sh = *p;
                    sh.lines = NULL;
                    sh.sc.t0 = 0xFFFFFFFFu - rg_below(&rs, p->sc.ev[p->sc.nev - 1].t + 1);
                    sim_replay(ir, &sh);
                    for (int e = 0; e < p->sc.nev; e++)
                        if (strcmp(sh.lines[e], p->lines[e])) {
                            printf("diff: policy p%d scenario %d: shifting the timeline from %" PRIu32 " to %" PRIu32
                                   " (across the wrap) changes event %d: %s -> %s\n%s\n", k, sidx, p->sc.t0, sh.sc.t0, e,
                                   p->lines[e], sh.lines[e], p->text);
                            failed = 1;
                            break;
                        }
                    shifted++;
                    free_lines(&sh);
                }
            }
        }
        if (!failed) {
            if (inject && np > 0 && ps[0].sc.nev > 0) { free(ps[0].lines[0]); ps[0].lines[0] = strdup("injected"); }
            int *bad = calloc((size_t)np, sizeof *bad);
            int r = run_batch(&c, dir, ps, np, units, bad);
            if (r < 0) failed = 1;
            for (int k = 0; r > 0 && k < np; k++)
                if (bad[k] >= 0) { report(&c, dir, &ps[k], units, bad[k]); failed = 1; break; }
            free(bad);
            done += np;
        }
        for (int k = 0; k < np; k++) {
            free_lines(&ps[k]);
            rg_scenario_free(&ps[k].sc);
            if (ps[k].scen == 0) free(ps[k].text);
        }
        free(ps);
        for (int k = b0; k < b0 + nb; k++) rc_unit_free(&units[k]);
        free(units);
        if (c.verbose) { printf("diff: %d pairs compared\n", done); fflush(stdout); }
    }
    /* clean up the batch directory */
    char cmd[700];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "diff: could not remove %s\n", dir);
    printf("diff: %d timelines replayed on the simulator shifted across the tick wrap\n", shifted);
    printf("diff: %d generated policies were rejected by the deadline analysis and redrawn\n", regenerated);
    printf("diff: %d policies with parameters, %ld P_set_params events\n", with_params, param_events);
    printf("diff: %ld P_admit_in events\n", admit_in_events);
    printf("diff: %d policies with stats; (counters compared after each scenario)\n", with_stats);
    printf("diff: seed %" PRIu64 ": %d pairs, %ld events, %d builds per batch: %s\n", seed, done, events,
           2 * c.ncc, failed ? (invalid ? "GENERATOR ERROR" : "DIFFERENCES FOUND") : "no difference");
    return failed ? 1 : 0;
}
