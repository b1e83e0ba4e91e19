/* graph.c - see graph.h.  Node ids: r<i> rules, e<i> errors, b<i>_<j> steps
 * of block i, k<i>_<state> breaker states, l<i> limits (only with `stats;`). */
#include "graph.h"

#include <string.h>

#include "diff.h"

/* Labels: quotes and backslashes are replaced, so that every label is a
 * valid DOT and Mermaid string. */
static void label(FILE *out, const char *s)
{
    for (; *s; s++) fputc(*s == '"' || *s == '\\' ? '\'' : *s, out);
}

static void node(FILE *out, bool mm, const char *id, int a, int b, const char *text, const char *shape)
{
    char name[64];
    if (b >= 0) snprintf(name, sizeof name, "%s%d_%d", id, a, b);
    else snprintf(name, sizeof name, "%s%d", id, a);
    if (mm) { fprintf(out, "  %s[\"", name); label(out, text); fputs("\"]\n", out); }
    else { fprintf(out, "  %s [shape=%s, label=\"", name, shape); label(out, text); fputs("\"];\n", out); }
}

static void edge(FILE *out, bool mm, const char *from, const char *to, const char *text)
{
    if (mm) fprintf(out, "  %s -->%s%s%s %s\n", from, text ? "|" : "", text ? text : "", text ? "|" : "", to);
    else fprintf(out, "  %s -> %s%s%s%s;\n", from, to, text ? " [label=\"" : "", text ? text : "", text ? "\"]" : "");
}

void rc_graph(const rc_ir *ir, bool mm, FILE *out)
{
    char buf[320], a[64], b[64];
    if (mm) fputs("flowchart LR\n", out);
    else fprintf(out, "digraph \"%s\" {\n  rankdir=LR;\n", ir->name);
    for (int r = 0; r < ir->nrules; r++) {
        snprintf(buf, sizeof buf, "rule %d (line %d)%s", r + 1, ir->rules[r].loc.line,
                 ir->exprs[ir->rules[r].cond].kind == RC_X_TRUE ? " _" : "");
        node(out, mm, "r", r, -1, buf, "box");
        if (r) { snprintf(a, sizeof a, "r%d", r - 1); snprintf(b, sizeof b, "r%d", r); edge(out, mm, a, b, "no match"); }
    }
    for (int e = 0; e < ir->nerrors; e++) node(out, mm, "e", e, -1, ir->errors[e].name, "ellipse");
    for (int r = 0; r < ir->nrules; r++) {
        snprintf(a, sizeof a, "r%d", r);
        snprintf(b, sizeof b, "e%d", ir->rules[r].error);
        edge(out, mm, a, b, "match");
    }
    for (int bi = 0; bi < ir->nblocks; bi++) {
        const rc_ir_block *bl = &ir->blocks[bi];
        for (int s = 0; s < bl->nsteps; s++) {
            rc_diff_step(ir, &bl->steps[s], buf, sizeof buf);
            node(out, mm, "b", bi, s, buf, s == bl->terminal ? "doubleoctagon" : "box");
            if (s) {
                snprintf(a, sizeof a, "b%d_%d", bi, s - 1);
                snprintf(b, sizeof b, "b%d_%d", bi, s);
                edge(out, mm, a, b, "exhausted");
            }
        }
        for (int e = 0; e < ir->nerrors; e++) {
            if (!bl->errors[e]) continue;
            int first = -1;
            for (int k = 0; k < ir->nblocks && first < 0; k++) if (ir->blocks[k].errors[e]) first = k;
            if (first != bi && bl->when < 0) continue;
            snprintf(a, sizeof a, "e%d", e);
            snprintf(b, sizeof b, "b%d_0", bi);
            edge(out, mm, a, b, bl->when >= 0 ? "when" : NULL);
        }
    }
    for (int k = 0; k < ir->nbreakers; k++) {
        static const char *const st[] = {"closed", "open", "half_open"};
        for (int s = 0; s < 3; s++) {
            snprintf(buf, sizeof buf, "%s: %s", ir->breakers[k].name, st[s]);
            node(out, mm, "k", k, s, buf, "circle");
        }
        /* with `stats;` the edges name the counter they add to (P_counters) */
        snprintf(a, sizeof a, "k%d_0", k); snprintf(b, sizeof b, "k%d_1", k);
        edge(out, mm, a, b, ir->stats ? "trips, counts breaker_opens" : "trips");
        snprintf(a, sizeof a, "k%d_1", k); snprintf(b, sizeof b, "k%d_2", k);
        edge(out, mm, a, b, ir->stats ? "open_for, counts breaker_half_opens" : "open_for");
        if (ir->stats) { snprintf(a, sizeof a, "k%d_1", k); edge(out, mm, a, a, "rejects, counts breaker_rejections"); }
        snprintf(a, sizeof a, "k%d_2", k); snprintf(b, sizeof b, "k%d_0", k);
        edge(out, mm, a, b, ir->breakers[k].close_below_pct ? "close_below" : "close_after");
        snprintf(a, sizeof a, "k%d_2", k); snprintf(b, sizeof b, "k%d_1", k);
        edge(out, mm, a, b, ir->breakers[k].close_below_pct ? "probes_failed" : "failure");
        /* liveness: probes unreported for the half-open timeout are given up */
        snprintf(a, sizeof a, "k%d_2", k); edge(out, mm, a, a, "probe_timeout");
    }
    /* `stats;`: each limit and what its refusals count (P_counters.limit_refusals) */
    for (int m = 0; ir->stats && m < rc_ir_nlimits(ir); m++) {
        snprintf(buf, sizeof buf, "limit %s", rc_ir_limit_name(ir, m));
        node(out, mm, "l", m, -1, buf, "hexagon");
        snprintf(a, sizeof a, "l%d", m);
        edge(out, mm, a, a, m == rc_ir_lim_rate(ir) ? "rate_limited, counts limit_refusals" : "full, counts limit_refusals");
    }
    if (!mm) fputs("}\n", out);
}
