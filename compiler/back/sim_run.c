/* sim_run.c - event sequences on the simulator; see sim.h.  The one place
 * that turns a scenario held as data into P_* calls, for the scenario
 * runner and the analyses alike. */
#include <string.h>

#include "sim.h"

bool rc_sim_expect_met(const rc_sim_expect *x, const recov_decision *d)
{
    if (x->kind < 0) return true;
    if (d->kind != x->kind) return false;
    switch (x->kind) {
    case RECOV_RETRY:
        if (d->ms < x->lo || d->ms > x->hi) return false;
        if (x->has_limit && d->limit_ms != x->limit) return false;
        break;
    case RECOV_ADJUST:
    case RECOV_RUN:
        if (d->id != x->id || (x->has_ms && d->ms != x->lo)) return false;
        break;
    case RECOV_FALLBACK:
    case RECOV_DEGRADE:
        if (d->id != x->id) return false;
        break;
    case RECOV_ESCALATE:
        if (d->id != x->id || d->level != x->level || (x->has_ms && d->ms != x->lo)) return false;
        break;
    default:
        break;
    }
    return x->error < 0 || d->error == x->error;
}

bool rc_sim_apply(rc_sim *s, rc_sim_incident *i, uint32_t t0, const rc_sim_event *e,
                  recov_decision *d, recov_admit *admit)
{
    uint32_t now = (uint32_t)(t0 + e->t);   /* ticks wrap */
    if (!i) i = s->inc;
    memset(d, 0, sizeof *d);
    switch (e->kind) {
    case RC_SIM_EV_FAIL: {
        rc_sim_fault flt = { e->values };
        *d = rc_sim_failed_i(s, i, &flt, now);
        return rc_sim_expect_met(&e->expect, d);
    }
    case RC_SIM_EV_HANDLER:
        *d = rc_sim_handler_done_i(s, i, e->ok, now);
        return rc_sim_expect_met(&e->expect, d);
    case RC_SIM_EV_OK:
        rc_sim_succeeded_i(s, i, now);
        return true;
    case RC_SIM_EV_CANCEL:
        rc_sim_cancelled_i(s, i, now);
        return true;
    case RC_SIM_EV_RELOAD:
        rc_sim_reload(s);
        return true;
    case RC_SIM_EV_ADMIT:
        *admit = rc_sim_admit_i(s, i, now);
        return *admit == e->expect.admit;
    case RC_SIM_EV_PARAMS: {
        unsigned r = rc_sim_set_params(s, e->params);
        d->id = (uint16_t)r;
        return r == (e->reject < 0 ? 0u : (unsigned)e->reject + 1u);
    }
    case RC_SIM_EV_ADMIT_IN:   /* P_admit_in: its result in d->ms */
        d->ms = rc_sim_admit_in(s, i, now);
        return d->ms == e->expect.lo;
    case RC_SIM_EV_FORCE: {
        unsigned r = rc_sim_force(s, e->force_target, e->force_mode, now);
        d->id = (uint16_t)r;
        return r == 0u;
    }
    case RC_SIM_EV_STATS:
        for (int k = 0; k < e->nstat; k++)
            if (s->stat[e->stat_idx[k]] != e->stat_want[k]) return false;
        return true;
    }
    return false;
}

int rc_sim_replay(rc_sim *s, uint32_t t0, uint32_t seed, const rc_sim_event *ev, int n)
{
    int failed = 0;
    rc_sim_init(s, t0, seed);
    for (int i = 0; i < n; i++) {
        recov_decision d;
        recov_admit a = RECOV_ALLOW;
        if (!rc_sim_apply(s, NULL, t0, &ev[i], &d, &a)) failed++;
    }
    return failed;
}
