/* rtest_timeline.c - `recovc test --timeline`: a scenario file's scenarios
 * handed to the timeline drawing (timeline.h) as simulator events. */
#include <string.h>

#include "output.h"
#include "diag.h"
#include "rtest.h"
#include "timeline.h"

int rc_rtest_timeline(rc_arena *a, const rc_rtest_file *f, const rc_rtest_opts *opts, FILE *err)
{
    rc_tl_scene *sc = RC_NEW_ARRAY(a, rc_tl_scene, f->nscenarios > 0 ? f->nscenarios : 1);
    int n = 0;
    for (int si = 0; si < f->nscenarios; si++) {
        const rc_rtest_scenario *s = &f->scenarios[si];
        if (opts->scenario && strcmp(s->name, opts->scenario) != 0) continue;
        rc_sim_event *ev = RC_NEW_ARRAY(a, rc_sim_event, s->nevents > 0 ? s->nevents : 1);
        int *inc = RC_NEW_ARRAY(a, int, s->nevents > 0 ? s->nevents : 1);
        for (int i = 0; i < s->nevents; i++) {
            const rc_rtest_event *e = &s->events[i];
            ev[i] = (rc_sim_event){ e->kind, e->t, e->ok, e->values, e->expect, e->params, e->reject,
                                    e->stat_idx, e->stat_want, e->nstat, e->force_target, e->force_mode };
            inc[i] = e->incident;
        }
        sc[n++] = (rc_tl_scene){
            .title = rc_arena_printf(a, "scenario \"%s\" (%s:%d)", s->name, f->path, s->line),
            .subtitle = rc_arena_printf(a, "policy %s (%s), start at %lu, seed %lu", f->ir->name, f->policy_path,
                                        (unsigned long)s->t0, (unsigned long)s->seed),
            .t0 = s->t0, .seed = s->seed, .ev = ev, .nev = s->nevents,
            .incident = inc, .incident_names = s->incidents, .nincidents = s->nincidents,
        };
    }
    if (n == 0 && !opts->scenario) {
        rc_diag_say(err, opts->unit.color, RC_DIAG_ERROR, "%s has no scenario to draw", f->path);
        return 2;
    }
    if (n == 0) {
        char *list = rc_arena_strdup(a, f->nscenarios ? "" : " none");
        for (int si = 0; si < f->nscenarios; si++)
            list = rc_arena_printf(a, "%s%s \"%s\"", list, si ? "," : "", f->scenarios[si].name);
        rc_diag_say(err, opts->unit.color, RC_DIAG_ERROR, "%s has no scenario named \"%s\"; its scenarios:%s", f->path,
                    opts->scenario, list);
        return 2;
    }
    if (strcmp(opts->timeline, "-") == 0) {
        rc_timeline_svg(f->ir, sc, n, stdout);
        return 0;
    }
    rc_output o;
    if (!rc_output_open(&o, opts->timeline, opts->unit.color)) return 2;
    rc_timeline_svg(f->ir, sc, n, o.f);
    return rc_output_commit(&o) ? 0 : 2;
}
