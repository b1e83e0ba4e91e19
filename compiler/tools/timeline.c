/* timeline.c - see timeline.h. */
#include "timeline.h"

#include <stdlib.h>
#include <string.h>

#include "delay.h"

/* Geometry (pixels).  Text is 11px monospace: CHAR_W per character is a
 * safe upper bound for placing labels. */
enum {
    SVG_W = 1000, X0 = 160, X1 = 970,
    TITLE_H = 44, LANE_H = 50, BRK_H = 28, AXIS_H = 34, SCENE_GAP = 16, LEGEND_H = 80,
    BAR_Y = 6, BAR_H = 14, ROW0 = 36, ROW_H = 12, CHAR_W = 7,
};

typedef struct tl_ev {
    const rc_sim_event *in;
    recov_decision d;
    recov_admit admit;
    uint64_t t;                 /* ms after t0 */
    uint64_t wait;              /* the bar after a decision: retry delay, adjust delay, run timeout */
    uint32_t lo, hi;            /* retry bounds when given */
    bool new_incident;
    int incident;               /* index into the scene's incidents */
    int block;                  /* rc_sim.last_block after the event */
    uint32_t deadline;          /* that block's deadline, 0 none */
} tl_ev;

typedef struct tl_scene {
    const rc_tl_scene *in;
    tl_ev *ev;
    uint8_t *state;             /* [nev * nbreakers] breaker state after each event */
    uint64_t *opened;           /* [nev * nbreakers] opened_at (ms after t0) */
    uint32_t *open_ms;          /* [nev * nbreakers] open period in force */
    uint64_t tend;              /* the axis' end, ms after t0 */
} tl_scene;

/* ---- text --------------------------------------------------------------- */

static void esc(FILE *out, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '&') fputs("&amp;", out);
        else if (c == '<') fputs("&lt;", out);
        else if (c == '>') fputs("&gt;", out);
        else if (c == '"') fputs("&quot;", out);
        else if (c < 0x20 || c >= 0x7f) fprintf(out, "\\x%02x", c);
        else fputc(c, out);
    }
}

static void text(FILE *out, long x, long y, const char *cls, const char *s)
{
    fprintf(out, "<text x=\"%ld\" y=\"%ld\" class=\"%s\">", x, y, cls);
    esc(out, s);
    fputs("</text>\n", out);
}

static const char *nm(const rc_ir_name *v, int n, int i)
{
    return i >= 0 && i < n ? v[i].name : "?";
}

static char *dur(char *buf, size_t n, uint64_t ms)
{
    if (ms == 0) snprintf(buf, n, "0");
    else rc_delay_text(buf, n, ms);
    return buf;
}

/* ---- running the scene -------------------------------------------------- */

static void run_scene(rc_arena *a, const rc_ir *ir, const rc_tl_scene *in, tl_scene *sc)
{
    int nb = ir->nbreakers, n = in->nev;
    sc->in = in;
    sc->ev = RC_NEW_ARRAY(a, tl_ev, n > 0 ? n : 1);
    size_t cells = (size_t)(n > 0 ? n : 1) * (size_t)(nb > 0 ? nb : 1);
    sc->state = RC_NEW_ARRAY(a, uint8_t, cells);
    sc->opened = RC_NEW_ARRAY(a, uint64_t, cells);
    sc->open_ms = RC_NEW_ARRAY(a, uint32_t, cells);
    rc_sim *s = rc_sim_new(a, ir);
    rc_sim_init(s, in->t0, in->seed);
    int ninc = in->nincidents > 1 ? in->nincidents : 1;
    rc_sim_incident **inc = RC_NEW_ARRAY(a, rc_sim_incident *, ninc);
    inc[0] = s->inc;
    for (int k = 1; k < ninc; k++) {
        inc[k] = rc_sim_incident_new(a, ir);
        rc_sim_incident_init(s, inc[k]);
    }
    uint64_t tend = 1;
    for (int i = 0; i < n; i++) {
        tl_ev *e = &sc->ev[i];
        e->in = &in->ev[i];
        e->t = in->ev[i].t;
        e->incident = in->incident && in->incident[i] > 0 && in->incident[i] < ninc ? in->incident[i] : 0;
        rc_sim_incident *ci = inc[e->incident];
        bool was_active = ci->active;
        rc_sim_apply(s, ci, in->t0, &in->ev[i], &e->d, &e->admit);
        e->block = s->last_block;
        bool decided = e->in->kind == RC_SIM_EV_FAIL || e->in->kind == RC_SIM_EV_HANDLER;
        e->new_incident = e->in->kind == RC_SIM_EV_FAIL && !was_active && e->block >= 0;
        e->deadline = e->block >= 0 ? s->ir->blocks[e->block].deadline_ms : 0;
        if (decided && e->d.kind == RECOV_RETRY) {
            e->wait = e->d.ms;
            if (in->wait_hi && in->wait_hi[i]) {
                e->lo = in->wait_lo[i];
                e->hi = in->wait_hi[i];
                e->wait = e->hi;
            }
        } else if (decided && (e->d.kind == RECOV_ADJUST || e->d.kind == RECOV_RUN)) {
            e->wait = e->d.ms;
        }
        if (e->t + e->wait > tend) tend = e->t + e->wait;
        if (e->new_incident && e->deadline && e->t + e->deadline > tend) tend = e->t + e->deadline;
        for (int k = 0; k < nb; k++) {
            size_t c = (size_t)i * (size_t)nb + (size_t)k;
            sc->state[c] = s->breakers[k].state;
            sc->opened[c] = (uint32_t)(s->breakers[k].opened_at - in->t0);
            sc->open_ms[c] = s->ir->breakers[k].open_ms;
            if (sc->state[c] == RC_SIM_OPEN && sc->opened[c] + sc->open_ms[c] > tend)
                tend = sc->opened[c] + sc->open_ms[c];
        }
    }
    if (n > 0 && sc->ev[n - 1].t > tend) tend = sc->ev[n - 1].t;
    sc->tend = tend + tend / 20 + 1;
}

/* ---- drawing ------------------------------------------------------------ */

#define MAX_ROWS 48

/* The label rows of a lane: where the last label of each ends. */
typedef struct tl_rows {
    long end[MAX_ROWS];
    int n;
} tl_rows;

static long xat(const tl_scene *sc, uint64_t t)
{
    if (t > sc->tend) t = sc->tend;
    return X0 + (long)(t * (uint64_t)(X1 - X0) / sc->tend);
}

/* A label in the first row of the lane that is free at x (a new row when
 * none is; past MAX_ROWS the last row is shared), tied to its mark at mx by
 * a dotted leader. */
static void label(FILE *out, tl_rows *r, long mx, long x, const char *cls, const char *s)
{
    long w = (long)strlen(s) * CHAR_W;
    if (x + w > SVG_W - 4) x = SVG_W - 4 - w;
    if (x < X0) x = X0;
    int row = 0;
    while (row < r->n && r->end[row] + 8 > x) row++;
    if (row == MAX_ROWS) row = MAX_ROWS - 1;
    if (row == r->n) r->n++;
    r->end[row] = x + w;
    long y = ROW0 + row * ROW_H;
    if (row > 0) fprintf(out, "<path d=\"M%ld %dV%ld\" class=\"leader\"/>\n", mx, BAR_Y + BAR_H + 2, y - 9);
    text(out, x, y, cls, s);
}

/* A lane drawn in its own coordinates (y = 0 at its top), placed later. */
typedef struct tl_lane {
    char *buf;
    size_t len;
    FILE *f;
    tl_rows rows;
} tl_lane;

static FILE *lane_open(tl_lane *l)
{
    memset(l, 0, sizeof *l);
    l->f = open_memstream(&l->buf, &l->len);
    if (!l->f) {
        fputs("recovc: internal error: out of memory\n", stderr);
        exit(3);
    }
    return l->f;
}

static long lane_height(const tl_lane *l)
{
    long h = ROW0 + (long)(l->rows.n > 0 ? l->rows.n - 1 : 0) * ROW_H + 8;
    return h < LANE_H ? LANE_H : h;
}

/* Closes the lane and writes it at y of out; returns its height. */
static long lane_place(FILE *out, tl_lane *l, long y)
{
    fclose(l->f);
    fprintf(out, "<g transform=\"translate(0 %ld)\">\n", y);
    fwrite(l->buf, 1, l->len, out);
    fputs("</g>\n", out);
    free(l->buf);
    return lane_height(l);
}

static void marker(FILE *out, const char *shape, long x, long y)
{
    if (strcmp(shape, "fail") == 0)
        fprintf(out, "<path d=\"M%ld %ldl8 8m0 -8l-8 8\" class=\"mk\"/>\n", x - 4, y - 4);
    else if (strcmp(shape, "ok") == 0)
        fprintf(out, "<circle cx=\"%ld\" cy=\"%ld\" r=\"4.5\" class=\"mk\"/>\n", x, y);
    else if (strcmp(shape, "refused") == 0)
        fprintf(out, "<rect x=\"%ld\" y=\"%ld\" width=\"9\" height=\"9\" class=\"solid\"/>\n", x - 4, y - 4);
    else if (strcmp(shape, "admit") == 0)
        fprintf(out, "<path d=\"M%ld %ldl4 -8l4 8z\" class=\"mk\"/>\n", x - 4, y + 4);
    else if (strcmp(shape, "handler") == 0)
        fprintf(out, "<path d=\"M%ld %ldl5 -5l5 5l-5 5z\" class=\"mk\"/>\n", x - 5, y);
    else if (strcmp(shape, "fallback") == 0)
        fprintf(out, "<path d=\"M%ld %ldl9 5l-9 5z\" class=\"solid\"/>\n", x - 1, y - 5);
    else if (strcmp(shape, "degrade") == 0)
        fprintf(out, "<path d=\"M%ld %ldl10 0l-5 9z\" class=\"solid\"/>\n", x - 5, y - 4);
    else if (strcmp(shape, "escalate") == 0)
        fprintf(out, "<path d=\"M%ld %ldl5 -10l5 10z\" class=\"solid\"/>\n", x - 5, y + 5);
    else if (strcmp(shape, "abort") == 0)
        fprintf(out, "<path d=\"M%ld %ldl10 10m0 -10l-10 10\" class=\"mk thick\"/>\n", x - 5, y - 5);
    else
        fprintf(out, "<path d=\"M%ld %ldl0 12\" class=\"mk\"/>\n", x, y - 6);
}

static void bar(FILE *out, const tl_scene *sc, uint64_t t, uint64_t len, long y, const char *fill)
{
    long x = xat(sc, t), w = xat(sc, t + len) - x;
    if (w < 2) w = 2;
    fprintf(out, "<rect x=\"%ld\" y=\"%ld\" width=\"%ld\" height=\"%d\" fill=\"url(#%s)\" class=\"box\"/>\n", x,
            y + BAR_Y, w, BAR_H, fill);
}

static void host_event(FILE *out, const rc_ir *ir, const tl_scene *sc, const tl_ev *e, long y, tl_rows *r)
{
    long x = xat(sc, e->t), my = y + BAR_Y + BAR_H / 2;
    char buf[256];
    switch (e->in->kind) {
    case RC_SIM_EV_FAIL:
        marker(out, "fail", x, my);
        snprintf(buf, sizeof buf, "fail #%u %s", (unsigned)e->d.attempt,
                 e->d.error < ir->nerrors ? ir->errors[e->d.error].name : "?");
        label(out, r, x, x - 4, "lb", buf);
        break;
    case RC_SIM_EV_HANDLER:
        marker(out, "handler", x, my);
        label(out, r, x, x - 5, "lb", e->in->ok ? "handler ok" : "handler failed");
        break;
    case RC_SIM_EV_OK:
        marker(out, "ok", x, my);
        label(out, r, x, x - 4, "lb", "ok");
        break;
    case RC_SIM_EV_ADMIT:
        marker(out, e->admit == RECOV_ALLOW ? "admit" : "refused", x, my);
        label(out, r, x, x - 4, e->admit == RECOV_ALLOW ? "lb" : "lb strong",
              e->admit == RECOV_ALLOW ? "admitted" : "admission refused");
        break;
    case RC_SIM_EV_PARAMS:
        marker(out, "params", x, my);
        label(out, r, x, x, "lb", e->d.id ? "params refused" : "params");
        break;
    case RC_SIM_EV_CANCEL:
        marker(out, "cancel", x, my);
        label(out, r, x, x, "lb", "cancelled");
        break;
    case RC_SIM_EV_FORCE:
        marker(out, "params", x, my);
        label(out, r, x, x, "lb strong", e->in->force_mode == RECOV_FORCE_OPEN ? "forced open"
              : e->in->force_mode == RECOV_DISABLED ? "disabled" : e->in->force_mode == RECOV_FORCE_CLOSED
              ? "forced closed" : "normal");
        break;
    case RC_SIM_EV_STATS:   /* reads counters: nothing happens to draw */
    case RC_SIM_EV_RELOAD:  /* the state carries on */
    case RC_SIM_EV_ADMIT_IN:
        break;
    }
}

static void decision(FILE *out, const rc_ir *ir, const tl_scene *sc, const tl_ev *e, long y, tl_rows *r)
{
    if (e->in->kind != RC_SIM_EV_FAIL && e->in->kind != RC_SIM_EV_HANDLER) return;
    const recov_decision *d = &e->d;
    long x = xat(sc, e->t), my = y + BAR_Y + BAR_H / 2;
    char buf[256], a[32], b[32];
    switch ((recov_kind)d->kind) {
    case RECOV_RETRY:
        bar(out, sc, e->t, e->wait, y, "p-retry");
        if (e->hi && e->lo != e->hi)
            snprintf(buf, sizeof buf, "retry %s..%s", dur(a, sizeof a, e->lo), dur(b, sizeof b, e->hi));
        else
            snprintf(buf, sizeof buf, "retry %s", dur(a, sizeof a, e->wait));
        break;
    case RECOV_ADJUST:
        bar(out, sc, e->t, e->wait, y, "p-adjust");
        snprintf(buf, sizeof buf, "adjust %s%s%s", nm(ir->adjusts, ir->nadjusts, d->id), d->ms ? " " : "",
                 d->ms ? dur(a, sizeof a, d->ms) : "");
        break;
    case RECOV_RUN:
        bar(out, sc, e->t, e->wait, y, "p-run");
        snprintf(buf, sizeof buf, "run %s%s%s", nm(ir->handlers, ir->nhandlers, d->id),
                 d->ms ? ", timeout " : "", d->ms ? dur(a, sizeof a, d->ms) : "");
        break;
    case RECOV_FALLBACK:
        marker(out, "fallback", x, my);
        snprintf(buf, sizeof buf, "fallback %s", nm(ir->alts, ir->nalts, d->id));
        break;
    case RECOV_DEGRADE:
        marker(out, "degrade", x, my);
        snprintf(buf, sizeof buf, "degrade %s", nm(ir->modes, ir->nmodes, d->id));
        break;
    case RECOV_ESCALATE: {
        marker(out, "escalate", x, my);
        const char *lv = rc_sim_severity_name(d->level);
        if (d->ms) {
            uint64_t end = e->t + d->ms;
            long xe = xat(sc, end);
            fprintf(out, "<path d=\"M%ld %ldH%ld\" class=\"sla\"/>\n", x + 6, my, xe);
            if (end > sc->tend)
                fprintf(out, "<path d=\"M%ld %ldl6 4l-6 4\" class=\"mk\"/>\n", xe - 6, my - 4);
            else
                fprintf(out, "<path d=\"M%ld %ldv10\" class=\"mk\"/>\n", xe, my - 5);
        }
        snprintf(buf, sizeof buf, "escalate %s %s%s%s", nm(ir->channels, ir->nchannels, d->id), lv ? lv : "?",
                 d->ms ? ", SLA " : "", d->ms ? dur(a, sizeof a, d->ms) : "");
        break;
    }
    case RECOV_ABORT:
        marker(out, "abort", x, my);
        snprintf(buf, sizeof buf, "abort");
        break;
    default:
        snprintf(buf, sizeof buf, "none");
        break;
    }
    label(out, r, x, x, "lb", buf);
}

static const char *const state_name[] = { "closed", "open", "half-open", "forced open", "disabled" };
static const char *const state_fill[] = { "p-closed", "p-open", "p-half", "p-open", "p-closed" };

static void band(FILE *out, const tl_scene *sc, uint64_t from, uint64_t to, int st, long y)
{
    long x = xat(sc, from), w = xat(sc, to) - x;
    if (w <= 0) return;
    fprintf(out, "<rect x=\"%ld\" y=\"%ld\" width=\"%ld\" height=\"%d\" fill=\"url(#%s)\" class=\"box\"/>\n", x,
            y + 5, w, BRK_H - 10, state_fill[st]);
    long tw = (long)strlen(state_name[st]) * CHAR_W;
    if (w >= tw + 6) text(out, x + 3, y + BRK_H / 2 + 4, "lb halo", state_name[st]);
}

static void breakers(FILE *out, const rc_ir *ir, const tl_scene *sc, long y)
{
    int nb = ir->nbreakers, n = sc->in->nev;
    for (int k = 0; k < nb; k++, y += BRK_H) {
        char buf[160];
        snprintf(buf, sizeof buf, "breaker %s", ir->breakers[k].name);
        text(out, 8, y + BRK_H / 2 + 4, "lane", buf);
        uint64_t from = 0;
        int st = RC_SIM_CLOSED;
        for (int i = 0; i < n; i++) {
            size_t c = (size_t)i * (size_t)nb + (size_t)k;
            if (sc->state[c] == st) continue;
            band(out, sc, from, sc->ev[i].t, st, y);
            from = sc->ev[i].t;
            st = sc->state[c];
        }
        band(out, sc, from, sc->tend, st, y);
        /* where each open period runs out (the breaker turns half-open at the next admission) */
        uint64_t last = UINT64_MAX;
        for (int i = 0; i < n; i++) {
            size_t c = (size_t)i * (size_t)nb + (size_t)k;
            if (sc->state[c] != RC_SIM_OPEN || sc->opened[c] == last) continue;
            last = sc->opened[c];
            uint64_t t = sc->opened[c] + sc->open_ms[c];
            if (t < sc->tend)
                fprintf(out, "<path d=\"M%ld %ldv%d\" class=\"period\"/>\n", xat(sc, t), y + 2, BRK_H - 4);
        }
    }
}

static void axis(FILE *out, const tl_scene *sc, long y)
{
    static const uint32_t steps[] = {
        1, 2, 5, 10, 20, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000, 15000, 30000, 60000, 120000,
        300000, 600000, 900000, 1800000, 3600000, 7200000, 14400000, 21600000, 43200000, 86400000,
        172800000, 604800000, 1209600000,
    };
    uint64_t step = steps[sizeof steps / sizeof steps[0] - 1];
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
        if (sc->tend / steps[i] <= 10) { step = steps[i]; break; }
    fprintf(out, "<path d=\"M%d %ldH%d\" class=\"mk\"/>\n", X0, y, X1);
    for (uint64_t t = 0; t <= sc->tend; t += step) {
        char buf[32];
        long x = xat(sc, t);
        fprintf(out, "<path d=\"M%ld %ldv5\" class=\"mk\"/>\n", x, y);
        fprintf(out, "<text x=\"%ld\" y=\"%ld\" class=\"tick\">%s</text>\n", x, y + 16, dur(buf, sizeof buf, t));
    }
    text(out, 8, y + 16, "lane", "time (ms after start)");
}

/* Draws the scene at y = 0 of out; returns its height. */
static long draw_scene(FILE *out, const rc_ir *ir, const tl_scene *sc)
{
    const rc_tl_scene *in = sc->in;
    text(out, 8, 16, "title", in->title);
    if (in->subtitle) text(out, 8, 32, "lb", in->subtitle);
    int ninc = in->nincidents > 1 ? in->nincidents : 1;
    long lanes = TITLE_H, y = lanes;
    long top[128];              /* where each incident's lanes start (rtest: at most 65 incidents) */
    for (int k = 0; k < ninc; k++) {
        if (k < 128) top[k] = y;
        bool any = ninc == 1;
        for (int i = 0; i < in->nev && !any; i++) any = sc->ev[i].incident == k;
        if (!any) continue;     /* an incident with no event of its own (the default one, mostly) */
        const char *who = ninc > 1 ? in->incident_names[k] : "";
        tl_lane host, dec;
        FILE *hf = lane_open(&host), *df = lane_open(&dec);
        for (int i = 0; i < in->nev; i++) {
            if (sc->ev[i].incident != k) continue;
            host_event(hf, ir, sc, &sc->ev[i], 0, &host.rows);
            decision(df, ir, sc, &sc->ev[i], 0, &dec.rows);
        }
        char name[2][80];
        snprintf(name[0], sizeof name[0], *who ? "%.60s calls" : "host calls", who);
        snprintf(name[1], sizeof name[1], *who ? "%.60s decided" : "decisions", who);
        fprintf(out, "<path d=\"M8 %ldH%d\" class=\"grid\"/>\n", y, X1);
        text(out, 8, y + BAR_Y + BAR_H - 2, "lane", name[0]);
        y += lane_place(out, &host, y);
        fprintf(out, "<path d=\"M8 %ldH%d\" class=\"grid\"/>\n", y, X1);
        text(out, 8, y + BAR_Y + BAR_H - 2, "lane", name[1]);
        y += lane_place(out, &dec, y);
    }
    for (int k = 0; k <= ir->nbreakers; k++)
        fprintf(out, "<path d=\"M8 %ldH%d\" class=\"grid\"/>\n", y + (long)k * BRK_H, X1);
    breakers(out, ir, sc, y);
    long bottom = y + (long)ir->nbreakers * BRK_H;
    /* each incident's deadline, from its first failure */
    for (int i = 0; i < in->nev; i++) {
        const tl_ev *e = &sc->ev[i];
        if (!e->new_incident || !e->deadline) continue;
        char buf[160], d[32], s[32];
        long x = xat(sc, e->t + e->deadline);
        long ytop = e->incident < 128 && e->incident < ninc ? top[e->incident] : lanes;
        fprintf(out, "<path d=\"M%ld %ldV%ld\" class=\"deadline\"/>\n", x, ytop - 6, bottom);
        const char *who = ninc > 1 ? in->incident_names[e->incident] : "";
        if (e->t) snprintf(buf, sizeof buf, "%.60s%sdeadline %s after %s", who, *who ? ": " : "",
                           dur(d, sizeof d, e->deadline), dur(s, sizeof s, e->t));
        else snprintf(buf, sizeof buf, "%.60s%sdeadline %s", who, *who ? ": " : "", dur(d, sizeof d, e->deadline));
        long w = (long)strlen(buf) * CHAR_W;
        text(out, x - w - 3 < X0 ? x + 3 : x - w - 3, ytop - 4, "lb strong", buf);
    }
    axis(out, sc, bottom + 6);
    return bottom + 6 + AXIS_H + SCENE_GAP;
}

static void legend(FILE *out, long y)
{
    static const struct { const char *fill, *what; } bands[] = {
        { "p-retry", "retry delay" }, { "p-run", "run timeout" }, { "p-adjust", "adjust delay" },
        { "p-closed", "breaker closed" }, { "p-open", "breaker open" }, { "p-half", "breaker half-open" },
    };
    static const struct { const char *shape, *what; } marks[] = {
        { "fail", "failure" }, { "ok", "success" }, { "admit", "admitted" }, { "refused", "refused" },
        { "handler", "handler" }, { "fallback", "fallback" }, { "degrade", "degrade" },
        { "escalate", "escalate" }, { "abort", "abort" },
    };
    text(out, 8, y + 14, "lane", "legend");
    long x = X0;
    for (size_t i = 0; i < sizeof bands / sizeof bands[0]; i++) {
        fprintf(out, "<rect x=\"%ld\" y=\"%ld\" width=\"22\" height=\"12\" fill=\"url(#%s)\" class=\"box\"/>\n", x,
                y + 4, bands[i].fill);
        text(out, x + 27, y + 14, "lb", bands[i].what);
        x += 27 + (long)strlen(bands[i].what) * CHAR_W + 12;
    }
    x = X0;
    for (size_t i = 0; i < sizeof marks / sizeof marks[0]; i++) {
        marker(out, marks[i].shape, x + 5, y + 30);
        text(out, x + 14, y + 34, "lb", marks[i].what);
        x += 14 + (long)strlen(marks[i].what) * CHAR_W + 10;
    }
    x = X0;
    fprintf(out, "<path d=\"M%ld %ldv14\" class=\"deadline\"/>\n", x + 4, y + 43);
    text(out, x + 12, y + 54, "lb", "deadline of the incident's block");
    x += 12 + 32 * CHAR_W + 12;
    fprintf(out, "<path d=\"M%ld %ldH%ld\" class=\"sla\"/>\n", x, y + 50, x + 20);
    text(out, x + 25, y + 54, "lb", "escalation SLA");
    x += 25 + 14 * CHAR_W + 12;
    fprintf(out, "<path d=\"M%ld %ldv14\" class=\"period\"/>\n", x + 4, y + 43);
    text(out, x + 12, y + 54, "lb", "open period over (half-open at the next admission)");
}

static const char svg_defs[] =
    "<defs>\n"
    "<pattern id=\"p-retry\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
    "patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#dbe8f5\"/>"
    "<path d=\"M0 0V6\" stroke=\"#1f4e79\" stroke-width=\"1.5\"/></pattern>\n"
    "<pattern id=\"p-run\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\">"
    "<rect width=\"6\" height=\"6\" fill=\"#e3f1dc\"/><path d=\"M0 3H6\" stroke=\"#2e6b1f\"/></pattern>\n"
    "<pattern id=\"p-adjust\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\">"
    "<rect width=\"6\" height=\"6\" fill=\"#efe6f7\"/><path d=\"M3 0V6\" stroke=\"#5b2a86\"/></pattern>\n"
    "<pattern id=\"p-closed\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\">"
    "<rect width=\"6\" height=\"6\" fill=\"#ffffff\"/></pattern>\n"
    "<pattern id=\"p-open\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
    "patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#f6d4d4\"/>"
    "<path d=\"M0 0V6M0 3H6\" stroke=\"#8b1a1a\" stroke-width=\"1.5\"/></pattern>\n"
    "<pattern id=\"p-half\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\">"
    "<rect width=\"6\" height=\"6\" fill=\"#fcecc8\"/><circle cx=\"3\" cy=\"3\" r=\"1.3\" fill=\"#7a4f00\"/></pattern>\n"
    "</defs>\n"
    "<style>\n"
    "text { font-family: monospace; font-size: 11px; fill: #000; }\n"
    ".title { font-size: 13px; font-weight: bold; }\n"
    ".lane { font-weight: bold; }\n"
    ".strong { font-weight: bold; }\n"
    ".tick { text-anchor: middle; }\n"
    ".halo { paint-order: stroke; stroke: #fff; stroke-width: 3px; }\n"
    ".mk { fill: none; stroke: #000; stroke-width: 1.5; }\n"
    ".thick { stroke-width: 2.5; }\n"
    ".solid { fill: #000; stroke: none; }\n"
    ".box { stroke: #000; stroke-width: 0.8; }\n"
    ".grid { stroke: #bbb; stroke-width: 0.6; }\n"
    ".sla { stroke: #000; stroke-width: 1.2; stroke-dasharray: 2 3; }\n"
    ".deadline { stroke: #000; stroke-width: 1.6; stroke-dasharray: 7 3; }\n"
    ".period { stroke: #000; stroke-width: 1.2; stroke-dasharray: 1 2; }\n"
    ".leader { stroke: #888; stroke-width: 0.6; stroke-dasharray: 1 2; }\n"
    "</style>\n";

void rc_timeline_svg(const rc_ir *ir, const rc_tl_scene *in, int n, FILE *out)
{
    rc_arena a;
    rc_arena_init(&a);
    /* every scene is drawn first, in its own coordinates, to learn its height */
    tl_lane *drawn = RC_NEW_ARRAY(&a, tl_lane, n > 0 ? n : 1);
    long *hs = RC_NEW_ARRAY(&a, long, n > 0 ? n : 1);
    long h = 8 + LEGEND_H;
    for (int i = 0; i < n; i++) {
        tl_scene sc;
        run_scene(&a, ir, &in[i], &sc);
        hs[i] = draw_scene(lane_open(&drawn[i]), ir, &sc);
        h += hs[i];
    }
    fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%ld\" viewBox=\"0 0 %d %ld\">\n",
            SVG_W, h, SVG_W, h);
    fputs("<title>", out);
    esc(out, n > 0 ? in[0].title : ir->name);
    fputs("</title>\n", out);
    fputs(svg_defs, out);
    fprintf(out, "<rect width=\"%d\" height=\"%ld\" fill=\"#fff\"/>\n", SVG_W, h);
    long y = 8;
    for (int i = 0; i < n; i++) {
        lane_place(out, &drawn[i], y);
        y += hs[i];
    }
    legend(out, y);
    fputs("</svg>\n", out);
    rc_arena_free(&a);
}
