/* main.c - the recovc command line: subcommands, options, exit codes.
 *
 * Exit codes (the contract): 0 ok, 1 the policy (or scenario) has errors,
 * 2 usage or I/O error, 3 internal error.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "depfile.h"
#include "diag.h"
#include "driver.h"
#include "emit_c.h"
#include "diff.h"
#include "explain.h"
#include "fmt.h"
#include "graph.h"
#include "lsp.h"
#include "report.h"
#include "output.h"
#include "rtest.h"
#include "suggest.h"
#include "recov/recov.h"

#define EXIT_POLICY 1
#define EXIT_USAGE 2
#define EXIT_INTERNAL 3

static const char usage_text[] =
    "usage: recovc <command> [options] [files]\n"
    "\n"
    "commands (recovc help COMMAND, or recovc COMMAND --help, for each one's options):\n"
    "  compile P.recov -o DIR     check P.recov and write DIR/<policy>.h and DIR/<policy>.c\n"
    "  check   P.recov...         check policies and print diagnostics only\n"
    "  test    S.rtest...         run scenario files on the simulator (--via c: and on the generated C)\n"
    "  explain P.recov            sizes, tables, worst-case delays per block, hash\n"
    "  diff    OLD.recov NEW.recov  behaviour changes with witnesses (exit 0 same, 1 different)\n"
    "  graph   P.recov            classification, steps and breakers as a dot or mermaid graph\n"
    "  fmt     P.recov...         print in canonical layout (-i: in place; --check: only report)\n"
    "  lsp                        a Language Server Protocol server on standard input and output\n"
    "\n"
    "options for every command that reads policies:\n"
    "  -                          read the policy from standard input (--stdin-name NAME names it)\n"
    "  -I DIR, -D NAME[=VALUE]    include path and macro for imported C headers\n"
    "  --sysroot DIR, --target T  passed to clang when reading imported headers\n"
    "  -W<name>, -Wno-<name>      enable or disable a warning (see --help-warnings)\n"
    "  -Wall, -Wextra             enable every warning, also those off by default\n"
    "  -Werror, -Werror=<name>    make warnings (or one warning) errors; -Wno-error=<name> undoes one\n"
    "  --max-errors=N             stop after N errors (default 20, 0 = no limit)\n"
    "  --color[=WHEN]             colour diagnostics: auto (default: on a terminal whose TERM is not\n"
    "                             dumb, unless NO_COLOR is set), always (bare --color) or never\n"
    "\n"
    "  -h, --help                 this text\n"
    "  --help-warnings            list the warnings\n"
    "  --version                  print the version\n"
    "\n"
    "exit codes: 0 ok, 1 errors in a policy or scenario, 2 usage or I/O error, 3 internal error\n";

/* One subcommand: its name, its synopsis and its own options (the common
 * options of usage_text apply too), for `recovc help CMD` and `CMD --help`. */
typedef struct rc_cmd_help {
    const char *name;
    const char *text;
} rc_cmd_help;

static const rc_cmd_help cmd_help[] = {
    { "compile",
      "usage: recovc compile P.recov -o DIR [options]\n"
      "\n"
      "Checks P.recov and writes DIR/<policy>.h and DIR/<policy>.c (DIR is created\n"
      "when missing; both files are published together or not at all).\n"
      "\n"
      "  -o DIR                     output folder; -o - prints both files to standard output\n"
      "  -MD                        also write a make depfile (default DIR/<policy>.d)\n"
      "  -MMD                       the same, leaving system headers out\n"
      "  -MF FILE                   the depfile's name (with -MD or -MMD)\n"
      "  -MT TARGET                 the depfile's target (repeatable; default the two outputs)\n"
      "  -MP                        an empty rule per header, so deleting one does not break make\n"
      "  --line-directives          #line directives into the policy, for debuggers\n"
      "                             (share/doc/recov/spec/generated-api.md)\n"
      "  --stats                    as if the policy said `stats;`: counters and P_stats\n"
      "                             (share/doc/recov/spec/language.md)\n" },
    { "check",
      "usage: recovc check P.recov... [options]\n"
      "\n"
      "Checks policies and prints their diagnostics (exit 1 when one has errors).\n"
      "\n"
      "  --format text|json|sarif   output format (default text; sarif: SARIF 2.1.0)\n"
      "  --stdin-name NAME          the name of '-' in diagnostics and for finding imports\n" },
    { "test",
      "usage: recovc test S.rtest... [options]\n"
      "\n"
      "Runs scenario files on the simulator and checks every decision; the file format\n"
      "is share/doc/recov/spec/rtest.md in recov's install prefix.\n"
      "\n"
      "  --via sim|c                c: also build the generated C and compare it with the simulator\n"
      "  --cc CC                    C compiler for --via c (default $CC, else cc)\n"
      "  --exec WRAPPER             run the built program through WRAPPER, e.g.\n"
      "                             \"qemu-arm -L /usr/arm-linux-gnueabihf\" for a cross --cc\n"
      "                             (default $RECOV_TEST_EXEC, else directly)\n"
      "  --runtime DIR              recov runtime sources for --via c (default $RECOV_RUNTIME,\n"
      "                             else the installed share/recov/runtime)\n"
      "  --keep                     keep the --via c build directory\n"
      "  --stats                    as if each policy said `stats;`\n"
      "  -v, --verbose              print every event\n"
      "  --timeline FILE            also draw the scenarios on a time axis as SVG into FILE\n"
      "                             (one .rtest file; - is standard output, the report then\n"
      "                             goes to standard error)\n"
      "  --scenario NAME            with --timeline: draw only the scenario NAME\n" },
    { "explain",
      "usage: recovc explain P.recov [options]\n"
      "\n"
      "Prints the policy as the compiler sees it: fields, errors, strategies, breakers,\n"
      "each block's steps with its worst-case delays against its deadline, table sizes\n"
      "and the policy hash.\n"
      "\n"
      "  --cc CC                    also build the generated C and the runtime with CC (e.g.\n"
      "                             \"arm-none-eabi-gcc -mcpu=cortex-m4 -mthumb\"; -Os, freestanding) and\n"
      "                             print their code, tables, data and bss bytes and the worst-case\n"
      "                             stack of each entry point (gcc's -fcallgraph-info)\n"
      "  --runtime DIR              the runtime sources for --cc (default as for test --via c)\n"
      "  --timeline BLOCK FILE      instead, draw the worst case of block BLOCK (its number as\n"
      "                             explain prints it, or an error name: the first block that\n"
      "                             handles it) on a time axis as SVG into FILE (- is standard\n"
      "                             output)\n" },
    { "diff",
      "usage: recovc diff OLD.recov NEW.recov [options]\n"
      "\n"
      "Prints the behaviour changes between two versions of a policy, each with a\n"
      "witness fault; exit 0 when they behave the same, 1 when they differ.\n" },
    { "graph",
      "usage: recovc graph P.recov [options]\n"
      "\n"
      "Prints the classification, the blocks' steps and the breakers as a graph.\n"
      "\n"
      "  --format dot|mermaid       output format (default dot)\n" },
    { "fmt",
      "usage: recovc fmt P.recov... [options]\n"
      "\n"
      "Prints policies in canonical layout, comments kept (as clang-format does:\n"
      "to standard output unless -i or -o).\n"
      "\n"
      "  -i                         rewrite each file in place\n"
      "  -o FILE                    write the (one) formatted policy to FILE; -o - is standard output\n"
      "  --check                    change nothing; exit 1 and show the first difference when a\n"
      "                             file is not formatted\n"
      "  --stdin-name NAME          the name of '-' in messages\n" },
    { "lsp",
      "usage: recovc lsp [options]\n"
      "\n"
      "A Language Server Protocol server on standard input and output, for editors:\n"
      "diagnostics as you type, hover, go to definition, references, outline,\n"
      "completion, formatting, code actions from the compiler's fixes and the custom\n"
      "request recov/classify (share/doc/recov/docs/lsp.md in recov's install prefix).\n"
      "The options for reading policies (-W, -I, -D, --sysroot, --target,\n"
      "--max-errors) apply to every open document.  Exit status 0 after the client's\n"
      "shutdown and exit, 1 when the input ends first.\n" },
};
#define RC_NCMDS (sizeof cmd_help / sizeof cmd_help[0])

static const rc_cmd_help *find_cmd(const char *name)
{
    for (size_t i = 0; i < RC_NCMDS; i++)
        if (strcmp(cmd_help[i].name, name) == 0) return &cmd_help[i];
    return NULL;
}

/* Every option spelling, for "did you mean". */
static const char *const option_names[] = {
    "-o", "-I", "-D", "--sysroot", "--target", "-MD", "-MMD", "-MF", "-MT", "-MP", "--format",
    "--check", "-i", "--keep", "--verbose", "--via", "--cc", "--exec", "--runtime", "--max-errors",
    "--stdin-name", "--help", "--help-warnings", "--version", "-Wall", "-Wextra", "-Werror",
    "--timeline", "--scenario", "--stats", "--color", "--color=auto", "--color=always", "--color=never",
};

/* "recovc: error: " on standard error, in gcc's colours when color. */
static void error_head(bool color) { rc_diag_say_head(stderr, color, RC_DIAG_ERROR); }

/* The last --color=WHEN of argv (auto when none): usage errors found
 * before the option is reached are coloured as it says too. */
static bool argv_color(int argc, char **argv)
{
    bool color = rc_diag_color_auto(2);
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--color") == 0 || strcmp(a, "--color=always") == 0) color = true;
        else if (strcmp(a, "--color=never") == 0) color = false;
        else if (strcmp(a, "--color=auto") == 0) color = rc_diag_color_auto(2);
    }
    return color;
}

static int usage_error_c(bool color, const char *fmt, const char *arg)
{
    error_head(color);
    fprintf(stderr, fmt, arg);
    fputs("\nrun 'recovc --help' for usage\n", stderr);
    return EXIT_USAGE;
}
/* every caller has its options as `o` */
#define usage_error(...) usage_error_c(o->color, __VA_ARGS__)

static int unknown_option(bool color, const char *a)
{
    char word[RC_SUGGEST_MAX + 1];
    snprintf(word, sizeof word, "%.*s", (int)strcspn(a, "="), a);
    const char *s = rc_suggest(word, option_names, sizeof option_names / sizeof option_names[0]);
    error_head(color);
    fprintf(stderr, "unknown option '%s'", a);
    if (s) fprintf(stderr, "; did you mean '%s'?", s);
    fputs("\nrun 'recovc --help' for usage\n", stderr);
    return EXIT_USAGE;
}

typedef struct opts {
    const char *cmd;
    const char **files;
    int nfiles;
    const char *out;
    const char *wopts[64];
    int nwopts;
    int max_errors;
    bool max_errors_set;
    bool via_c;
    const char *cc;
    const char *exec;
    const char *runtime;
    bool keep;
    bool verbose;
    bool help;                  /* CMD --help */
    const char **incs, **defs;  /* -I DIR, -D NAME[=VALUE] (C header import) */
    int nincs, ndefs;
    const char *sysroot, *target;
    bool md;                    /* -MD or -MMD: write a make depfile */
    bool mmd;                   /* -MMD: without system headers */
    bool mp;                    /* -MP: phony rules for the headers */
    const char **mts;           /* -MT TARGET... */
    int nmts;
    bool line_directives;       /* compile --line-directives: #line into the policy */
    bool stats;                 /* compile, test --stats: as if the policy said `stats;` */
    const char *format;         /* --format text|json|sarif|dot|mermaid */
    bool fmt_check;             /* fmt --check */
    bool in_place;              /* fmt -i */
    const char *mf;             /* -MF FILE */
    const char *stdin_name;     /* --stdin-name NAME */
    const char *timeline;       /* test, explain: --timeline [BLOCK] FILE */
    const char *tl_block;       /* explain --timeline BLOCK */
    const char *scenario;       /* test --scenario NAME */
    bool color;                 /* --color=always, or auto on a terminal */
} opts;

static int parse_args(int argc, char **argv, opts *o)
{
    o->files = calloc((size_t)argc, sizeof *o->files);
    o->incs = calloc((size_t)argc, sizeof *o->incs);
    o->defs = calloc((size_t)argc, sizeof *o->defs);
    o->mts = calloc((size_t)argc, sizeof *o->mts);
    if (!o->files || !o->incs || !o->defs || !o->mts) return EXIT_INTERNAL;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-o") == 0) {
            if (++i == argc) return usage_error("%s needs a value", a);
            o->out = argv[i];
        } else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            o->help = true;
        } else if (strcmp(a, "-Wextra") == 0) {
            if (o->nwopts == 64) return usage_error("too many -W options%s", "");
            o->wopts[o->nwopts++] = "all";
        } else if (strncmp(a, "-W", 2) == 0 && a[2]) {
            if (o->nwopts == 64) return usage_error("too many -W options%s", "");
            o->wopts[o->nwopts++] = a + 2;
        } else if (strncmp(a, "--max-errors=", 13) == 0) {
            char *end;
            long n = strtol(a + 13, &end, 10);
            if (!a[13] || *end || n < 0 || n > 1000000) return usage_error("bad value in '%s'", a);
            o->max_errors = (int)n;
            o->max_errors_set = true;
        } else if (strcmp(a, "--via") == 0) {
            if (++i == argc) return usage_error("%s needs sim or c", a);
            if (strcmp(argv[i], "c") == 0) o->via_c = true;
            else if (strcmp(argv[i], "sim") == 0) o->via_c = false;
            else return usage_error("--via takes sim or c, not '%s'", argv[i]);
        } else if (strcmp(a, "--cc") == 0) {
            if (++i == argc) return usage_error("%s needs a compiler", a);
            o->cc = argv[i];
        } else if (strcmp(a, "--exec") == 0) {
            if (++i == argc) return usage_error("%s needs a command", a);
            o->exec = argv[i];
        } else if (strcmp(a, "--runtime") == 0) {
            if (++i == argc) return usage_error("%s needs a directory", a);
            o->runtime = argv[i];
        } else if (strcmp(a, "--stdin-name") == 0 || strncmp(a, "--stdin-name=", 13) == 0) {
            if (a[12] == '=') o->stdin_name = a + 13;
            else if (++i == argc) return usage_error("%s needs a name", a);
            else o->stdin_name = argv[i];
        } else if (strncmp(a, "-I", 2) == 0 || strncmp(a, "-D", 2) == 0) {
            const char *v = a[2] ? a + 2 : (i + 1 < argc ? argv[++i] : NULL);
            if (!v) return usage_error("%s needs a value", a);
            if (a[1] == 'I') o->incs[o->nincs++] = v;
            else o->defs[o->ndefs++] = v;
        } else if (strcmp(a, "--sysroot") == 0 || strcmp(a, "--target") == 0 || strcmp(a, "-MF") == 0
                   || strcmp(a, "-MT") == 0) {
            if (++i == argc) return usage_error("%s needs a value", a);
            if (a[2] == 's') o->sysroot = argv[i];
            else if (a[2] == 't') o->target = argv[i];
            else if (a[2] == 'T') o->mts[o->nmts++] = argv[i];
            else o->mf = argv[i];
        } else if (strncmp(a, "--sysroot=", 10) == 0) {
            o->sysroot = a + 10;
        } else if (strncmp(a, "--target=", 9) == 0) {
            o->target = a + 9;
        } else if (strcmp(a, "-MD") == 0) {
            o->md = true;
        } else if (strcmp(a, "-MMD") == 0) {
            o->md = o->mmd = true;
        } else if (strcmp(a, "-MP") == 0) {
            o->mp = true;
        } else if (strcmp(a, "--line-directives") == 0) {
            o->line_directives = true;
        } else if (strcmp(a, "--stats") == 0) {
            o->stats = true;
        } else if (strcmp(a, "--format") == 0 || strncmp(a, "--format=", 9) == 0) {
            if (a[8] == '=') o->format = a + 9;
            else if (++i == argc) return usage_error("%s needs a value", a);
            else o->format = argv[i];
        } else if (strcmp(a, "--check") == 0) {
            o->fmt_check = true;
        } else if (strcmp(a, "-i") == 0) {
            o->in_place = true;
        } else if (strcmp(a, "--keep") == 0) {
            o->keep = true;
        } else if (strcmp(a, "--timeline") == 0) {
            if (o->cmd && strcmp(o->cmd, "explain") == 0) {
                if (i + 2 >= argc) return usage_error("%s needs a block and a file: --timeline BLOCK FILE", a);
                o->tl_block = argv[++i];
            } else if (i + 1 >= argc) {
                return usage_error("%s needs a file (- for standard output)", a);
            }
            o->timeline = argv[++i];
            if (!o->cmd || (strcmp(o->cmd, "test") != 0 && strcmp(o->cmd, "explain") != 0))
                return usage_error("--timeline is an option of test and explain, not of %s", o->cmd ? o->cmd : "?");
        } else if (strcmp(a, "--scenario") == 0) {
            if (++i == argc) return usage_error("%s needs a scenario name", a);
            o->scenario = argv[i];
        } else if (strcmp(a, "--color") == 0 || strncmp(a, "--color=", 8) == 0) {
            /* as gcc's -fdiagnostics-color: bare --color is always */
            const char *w = a[7] == '=' ? a + 8 : "always";
            if (strcmp(w, "always") == 0) o->color = true;
            else if (strcmp(w, "never") == 0) o->color = false;
            else if (strcmp(w, "auto") == 0) o->color = rc_diag_color_auto(2);
            else return usage_error("--color takes auto, always or never, not '%s'", w);
        } else if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0) {
            o->verbose = true;
        } else if (a[0] == '-' && a[1]) {
            return unknown_option(o->color, a);
        } else {
            o->files[o->nfiles++] = a;
        }
    }
    return 0;
}

/* The front end's options from the command line's. */
static void unit_opts(const opts *o, rc_unit_opts *uo)
{
    memset(uo, 0, sizeof *uo);
    uo->wopts = o->wopts;
    uo->nwopts = o->nwopts;
    uo->max_errors = o->max_errors_set ? (o->max_errors ? o->max_errors : -1) : 0;
    uo->include_dirs = o->incs;
    uo->nincludes = o->nincs;
    uo->defines = o->defs;
    uo->ndefines = o->ndefs;
    uo->sysroot = o->sysroot;
    uo->target = o->target;
    uo->stdin_name = o->stdin_name;
    uo->color = o->color;
    uo->stats = o->stats;
}

static int load(rc_unit *u, const char *path, const opts *o)
{
    rc_unit_opts uo;
    unit_opts(o, &uo);
    return rc_unit_load(u, path, stderr, &uo);
}

static bool check_wopts(const opts *o)
{
    rc_diag d;
    rc_diag_init(&d, "recovc", NULL, 0, stderr);
    const char *names[RC_W_COUNT];
    for (int w = 0; w < RC_W_COUNT; w++) names[w] = rc_warning_name((rc_warning)w);
    for (int i = 0; i < o->nwopts; i++) {
        if (!rc_diag_option(&d, o->wopts[i])) {
            /* the warning name after any no- / error= / no-error= prefix */
            const char *wn = o->wopts[i];
            if (strncmp(wn, "no-error=", 9) == 0) wn += 9;
            else if (strncmp(wn, "error=", 6) == 0) wn += 6;
            else if (strncmp(wn, "no-", 3) == 0) wn += 3;
            const char *sug = rc_suggest(wn, names, (size_t)RC_W_COUNT);
            error_head(o->color);
            fprintf(stderr, "unknown warning option '-W%s'", o->wopts[i]);
            if (sug) fprintf(stderr, "; did you mean '-W%.*s%s'?", (int)(wn - o->wopts[i]), o->wopts[i], sug);
            fputs(" (see recovc --help-warnings)\nrun 'recovc --help' for usage\n", stderr);
            return false;
        }
    }
    return true;
}

static int cmd_check_formatted(const opts *o, bool sarif);

static int cmd_check(const opts *o)
{
    if (o->nfiles == 0) return usage_error("check needs a policy file%s", "");
    if (o->format && strcmp(o->format, "text") != 0) {
        if (strcmp(o->format, "json") && strcmp(o->format, "sarif"))
            return usage_error("check --format takes text, json or sarif, not '%s'", o->format);
        return cmd_check_formatted(o, strcmp(o->format, "sarif") == 0);
    }
    int worst = 0;
    for (int i = 0; i < o->nfiles; i++) {
        rc_unit u;
        int rc = load(&u, o->files[i], o);
        rc_unit_free(&u);
        if (rc > worst) worst = rc;
    }
    return worst;
}

/* mkdir -p: creates dir and its missing parents (mode 0777 less the umask). */
static bool make_dirs(const char *dir)
{
    size_t n = strlen(dir);
    char *p = malloc(n + 1);
    if (!p) return false;
    memcpy(p, dir, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (p[i] != '/' && p[i] != '\0') continue;
        char c = p[i];
        p[i] = '\0';
        if (mkdir(p, 0777) != 0 && errno != EEXIST) { int e = errno; free(p); errno = e; return false; }
        p[i] = c;
    }
    free(p);
    return true;
}

static char *join(const char *dir, const char *name, const char *ext)
{
    size_t n = strlen(dir) + strlen(name) + strlen(ext) + 2;
    char *p = malloc(n);
    if (p) snprintf(p, n, "%s/%s%s", dir, name, ext);
    return p;
}

static int cmd_compile(const opts *o)
{
    if (o->nfiles != 1) return usage_error("compile takes exactly one policy file%s", "");
    if (!o->out) return usage_error("compile needs -o DIR (or -o - for standard output)%s", "");
    if (o->mf && !o->md) return usage_error("-MF names a depfile: it needs -MD or -MMD%s", "");
    if ((o->nmts || o->mp) && !o->md) return usage_error("-MT and -MP shape a depfile: they need -MD or -MMD%s", "");
    if (strcmp(o->out, "-") != 0) {
        struct stat st;
        if (stat(o->out, &st) != 0 && !make_dirs(o->out)) {
            rc_diag_say(stderr, o->color, RC_DIAG_ERROR, "cannot create output directory '%s': %s", o->out, strerror(errno));
            return EXIT_USAGE;
        }
        if (stat(o->out, &st) != 0) {
            rc_diag_say(stderr, o->color, RC_DIAG_ERROR, "output directory '%s': %s", o->out, strerror(errno));
            return EXIT_USAGE;
        }
        if (!S_ISDIR(st.st_mode)) {
            rc_diag_say(stderr, o->color, RC_DIAG_ERROR, "output directory '%s' is not a directory", o->out);
            return EXIT_USAGE;
        }
    }
    rc_unit u;
    int rc = load(&u, o->files[0], o);
    if (rc) { rc_unit_free(&u); return rc; }
    const char *name = u.ir->name;
    size_t hn = strlen(name) + 3;
    char *hname = malloc(hn);
    if (!hname) { rc_unit_free(&u); return EXIT_INTERNAL; }
    snprintf(hname, hn, "%s.h", name);
    if (strcmp(o->out, "-") == 0) {
        /* both files to stdout, for golden tests and inspection */
        char *hb = NULL, *cb = NULL;
        size_t hl = 0, cl = 0;
        FILE *hf = open_memstream(&hb, &hl), *cf = open_memstream(&cb, &cl);
        rc_emit_opts eo = { hname, o->line_directives };
        bool ok = hf && cf && rc_emit_c_opts(u.ir, &eo, hf, cf, NULL, 0);
        if (hf) fclose(hf);
        if (cf) fclose(cf);
        if (ok) {
            printf("/* ---- %s ---- */\n", hname);
            fwrite(hb, 1, hl, stdout);
            printf("/* ---- %s.c ---- */\n", name);
            fwrite(cb, 1, cl, stdout);
        }
        free(hb);
        free(cb);
        free(hname);
        rc_unit_free(&u);
        return ok ? 0 : EXIT_INTERNAL;
    }
    char *hpath = join(o->out, name, ".h"), *cpath = join(o->out, name, ".c");
    char why[400] = "";
    rc_output ho, co;
    int result = 0;
    if (!hpath || !cpath) result = EXIT_INTERNAL;
    else if (!rc_output_open(&ho, hpath, o->color)) result = EXIT_USAGE;
    else if (!rc_output_open(&co, cpath, o->color)) { rc_output_abort(&ho); result = EXIT_USAGE; }
    else if (!rc_emit_c_opts(u.ir, &(rc_emit_opts){ hname, o->line_directives }, ho.f, co.f, why, sizeof why)) {
        /* the checker accepted the policy, so only output can fail here */
        rc_output_abort(&ho);
        rc_output_abort(&co);
        bool io = strcmp(why, "write error") == 0;
        if (io) rc_diag_say(stderr, o->color, RC_DIAG_ERROR, "writing '%s' and '%s': %s", hpath, cpath, why);
        else fprintf(stderr, "recovc: internal error: writing '%s' and '%s': %s\n", hpath, cpath, why);
        result = io ? EXIT_USAGE : EXIT_INTERNAL;
    } else {
        /* both files written first, then published together (the header
         * last: a build that sees the new header sees the new .c) */
        rc_output *const pair[2] = { &co, &ho };
        if (!rc_output_commit_all(pair, 2)) result = EXIT_USAGE;
    }
    if (result == 0) {
        /* build systems: outputs newer than every input, and -MD's depfile */
        const char *outs[2] = { cpath, hpath };
        rc_depfile_freshen(outs, 2, o->files[0], u.deps, u.ndeps);
        if (o->md) {
            char *dpath = o->mf ? NULL : join(o->out, name, ".d");
            /* -MMD: the headers clang found as system headers are left out */
            const char **deps = calloc((size_t)u.ndeps + 1, sizeof *deps);
            int nd = 0;
            for (int i = 0; deps && i < u.ndeps; i++)
                if (!(o->mmd && u.deps_system && u.deps_system[i])) deps[nd++] = u.deps[i];
            if ((!o->mf && !dpath) || !deps) result = EXIT_INTERNAL;
            else if (!rc_depfile_write(o->mf ? o->mf : dpath, o->nmts ? o->mts : outs, o->nmts ? o->nmts : 2,
                                       o->files[0], deps, nd, o->mp, o->color))
                result = EXIT_USAGE;
            free(deps);
            free(dpath);
        }
    }
    free(hpath);
    free(cpath);
    free(hname);
    rc_unit_free(&u);
    return result;
}

static int cmd_test(const opts *o)
{
    if (o->nfiles == 0) return usage_error("test needs one or more .rtest files%s", "");
    rc_rtest_opts ro;
    memset(&ro, 0, sizeof ro);
    ro.via_c = o->via_c;
    ro.cc = o->cc;
    ro.exec = o->exec;
    ro.runtime_dir = o->runtime;
    ro.keep = o->keep;
    ro.verbose = o->verbose;
    ro.timeline = o->timeline;
    ro.scenario = o->scenario;
    unit_opts(o, &ro.unit);
    if (o->scenario && !o->timeline) return usage_error("--scenario chooses what --timeline draws: it needs --timeline FILE%s", "");
    if (o->timeline && o->nfiles != 1) return usage_error("test --timeline draws one scenario file, not %s", "several");
    /* the picture on standard output keeps the report off it */
    FILE *report = o->timeline && strcmp(o->timeline, "-") == 0 ? stderr : stdout;
    int worst = 0;
    for (int i = 0; i < o->nfiles; i++) {
        int rc = rc_rtest_run_file(o->files[i], &ro, report, stderr);
        if (rc > worst) worst = rc;
    }
    return worst;
}

/* check --format json|sarif: the diagnostics are collected as records
 * (diag.h) and written by report.c. */
static int cmd_check_formatted(const opts *o, bool sarif)
{
    rc_report rep;
    rc_report_init(&rep);
    int worst = 0;
    for (int i = 0; i < o->nfiles; i++) {
        rc_diag_records recs;
        memset(&recs, 0, sizeof recs);
        rc_unit u;
        rc_unit_opts uo;
        unit_opts(o, &uo);
        uo.records = &recs;
        int rc = rc_unit_load(&u, o->files[i], NULL, &uo);
        rc_report_add(&rep, o->files[i], &recs, rc);
        rc_unit_free(&u);
        if (rc > worst) worst = rc;
    }
    if (sarif) rc_report_sarif(&rep, stdout, RECOV_VERSION_STRING);
    else rc_report_json(&rep, stdout);
    rc_report_free(&rep);
    return worst;
}

static int cmd_diff(const opts *o)
{
    if (o->nfiles != 2) return usage_error("diff takes two policy files: OLD NEW%s", "");
    rc_unit a, b;
    int ra = load(&a, o->files[0], o);
    int rb = load(&b, o->files[1], o);
    int rc = ra > rb ? ra : rb;
    if (rc == 1) rc = EXIT_USAGE;   /* a policy with errors cannot be compared */
    if (!ra && !rb) rc = rc_diff(a.ir, b.ir, stdout);
    rc_unit_free(&a);
    rc_unit_free(&b);
    return rc;
}

static int cmd_graph(const opts *o)
{
    if (o->nfiles != 1) return usage_error("graph takes exactly one policy file%s", "");
    bool mm = false;
    if (o->format && strcmp(o->format, "mermaid") == 0) mm = true;
    else if (o->format && strcmp(o->format, "dot") != 0)
        return usage_error("graph --format takes dot or mermaid, not '%s'", o->format);
    rc_unit u;
    int rc = load(&u, o->files[0], o);
    if (rc == 0) rc_graph(u.ir, mm, stdout);
    rc_unit_free(&u);
    return rc;
}

/* fmt follows clang-format: to standard output unless -i (in place) or
 * -o FILE; --check changes nothing. */
static int cmd_fmt(const opts *o)
{
    if (o->nfiles == 0) return usage_error("fmt needs one or more policy files%s", "");
    bool to_file = o->out && strcmp(o->out, "-") != 0;
    if (o->in_place && to_file) return usage_error("fmt: -i and -o exclude each other%s", "");
    if (to_file && o->nfiles != 1) return usage_error("fmt -o FILE takes exactly one policy file%s", "");
    if ((o->in_place || to_file) && o->fmt_check) return usage_error("fmt --check writes nothing: drop -i / -o%s", "");
    int worst = 0;
    for (int i = 0; i < o->nfiles; i++) {
        const char *f = o->files[i];
        bool in = strcmp(f, "-") == 0;
        if (in && o->in_place) return usage_error("fmt -i cannot rewrite standard input%s", "");
        const char *name = in ? (o->stdin_name ? o->stdin_name : "<stdin>") : f;
        const char *dest = o->in_place ? f : to_file ? o->out : NULL;
        int rc = rc_fmt_file(f, name, o->fmt_check, dest, stdout, stderr, o->color);
        if (rc > worst) worst = rc;
    }
    return worst;
}

static int cmd_explain(const opts *o)
{
    if (o->nfiles != 1) return usage_error("explain takes exactly one policy file%s", "");
    rc_unit u;
    int rc = load(&u, o->files[0], o);
    if (rc == 0 && o->timeline) {
        int b = rc_explain_block(u.ir, o->tl_block);
        if (b < 0) {
            rc_diag_say(stderr, o->color, RC_DIAG_ERROR, "no block '%s' in %s: give a block number from 0 to %d (as "
                        "`recovc explain` lists them) or the name of an error an `on` block handles", o->tl_block,
                        o->files[0], u.ir->nblocks - 1);
            rc = EXIT_USAGE;
        } else {
            rc = rc_explain_timeline(u.ir, b, o->timeline, stderr, o->color);
        }
    } else if (rc == 0) {
        rc_explain(u.ir, stdout);
        if (o->cc) {
            /* the policy's folder first, as for its imports */
            const char **incs = calloc((size_t)o->nincs + 1, sizeof *incs);
            const char *slash = strrchr(o->files[0], '/');
            char *pdir = slash ? strndup(o->files[0], slash == o->files[0] ? 1 : (size_t)(slash - o->files[0]))
                               : strdup(".");
            if (!incs || !pdir) {
                rc = EXIT_INTERNAL;
            } else {
                incs[0] = pdir;
                for (int i = 0; i < o->nincs; i++) incs[i + 1] = o->incs[i];
                fflush(stdout);
                rc_explain_cc eo = { o->cc, o->runtime, incs, o->nincs + 1, o->keep, o->color };
                rc = rc_explain_size(u.ir, &eo, stdout, stderr);
            }
            free(incs);
            free(pdir);
        }
    }
    rc_unit_free(&u);
    return rc;
}

static int cmd_lsp(const opts *o)
{
    if (o->nfiles) return usage_error("lsp takes no files (documents come from the editor): '%s'", o->files[0]);
    rc_unit_opts uo;
    unit_opts(o, &uo);
    /* a closed editor must end the server, not kill it */
    signal(SIGPIPE, SIG_IGN);
    return rc_lsp_serve(stdin, stdout, &uo);
}

static int unknown_command(bool color, const char *cmd)
{
    const char *names[RC_NCMDS];
    for (size_t i = 0; i < RC_NCMDS; i++) names[i] = cmd_help[i].name;
    const char *s = rc_suggest(cmd, names, RC_NCMDS);
    error_head(color);
    fprintf(stderr, "unknown command '%s'", cmd);
    if (s) fprintf(stderr, "; did you mean '%s'?", s);
    fputs("\nrun 'recovc --help' for usage\n", stderr);
    return EXIT_USAGE;
}

/* Everything printed on standard output must have reached it: a full disk
 * or /dev/full is an I/O error (exit 2), never a silent truncation. */
static int finish(int rc, bool color)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        rc_diag_say(stderr, color, RC_DIAG_ERROR, "cannot write to standard output: %s",
                    errno ? strerror(errno) : "write error");
        return rc > EXIT_USAGE ? rc : EXIT_USAGE;
    }
    return rc;
}

static void on_crash(int sig)
{
    static const char msg[] = "recovc: internal error: crashed (this is a bug in recovc; please report it)\n";
    ssize_t w = write(2, msg, sizeof msg - 1);
    (void)w;
    (void)sig;
    _exit(EXIT_INTERNAL);
}

int main(int argc, char **argv)
{
    signal(SIGSEGV, on_crash);
    signal(SIGBUS, on_crash);
    signal(SIGFPE, on_crash);
    signal(SIGILL, on_crash);
    signal(SIGABRT, on_crash);
    if (argc < 2) {
        fputs(usage_text, stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "help") == 0 && argc > 2) {
        const rc_cmd_help *h = find_cmd(argv[2]);
        if (!h) return unknown_command(argv_color(argc, argv), argv[2]);
        fputs(h->text, stdout);
        return finish(0, argv_color(argc, argv));
    }
    if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "help") == 0) {
        fputs(usage_text, stdout);
        return finish(0, argv_color(argc, argv));
    }
    if (strcmp(cmd, "--version") == 0) {
        printf("recovc %s (runtime ABI %u)\n", RECOV_VERSION_STRING, (unsigned)RECOV_ABI_VERSION);
        return finish(0, argv_color(argc, argv));
    }
    if (strcmp(cmd, "--help-warnings") == 0) {
        for (int w = 0; w < RC_W_COUNT; w++)
            printf("  -W%-24s %s%s\n", rc_warning_name((rc_warning)w), rc_warning_desc((rc_warning)w),
                   rc_warning_default((rc_warning)w) ? "" : " (off by default)");
        return finish(0, argv_color(argc, argv));
    }
    if (!find_cmd(cmd)) return unknown_command(argv_color(argc, argv), cmd);
    opts o;
    memset(&o, 0, sizeof o);
    o.cmd = cmd;
    o.color = argv_color(argc, argv);
    int rc = parse_args(argc, argv, &o);
    if (!rc && o.help) {
        fputs(find_cmd(cmd)->text, stdout);
        rc = finish(0, o.color);
        o.cmd = NULL;
    } else if (rc || !check_wopts(&o)) {
        free(o.files);
        free(o.incs);
        free(o.defs);
        free(o.mts);
        return rc ? rc : EXIT_USAGE;
    }
    if (!o.cmd) {
        free(o.files);
        free(o.incs);
        free(o.defs);
        free(o.mts);
        return rc;
    }
    if (strcmp(cmd, "compile") == 0) rc = cmd_compile(&o);
    else if (strcmp(cmd, "check") == 0) rc = cmd_check(&o);
    else if (strcmp(cmd, "test") == 0) rc = cmd_test(&o);
    else if (strcmp(cmd, "explain") == 0) rc = cmd_explain(&o);
    else if (strcmp(cmd, "diff") == 0) rc = cmd_diff(&o);
    else if (strcmp(cmd, "graph") == 0) rc = cmd_graph(&o);
    else if (strcmp(cmd, "fmt") == 0) rc = cmd_fmt(&o);
    else if (strcmp(cmd, "lsp") == 0) rc = cmd_lsp(&o);
    free(o.files);
    free(o.incs);
    free(o.defs);
    free(o.mts);
    return finish(rc, o.color);
}
