/* pre_plan.c - the compiler's choice between the DFA plan and the literal
 * prefilter (prefilter.h: rc_pre_plan_build; spec/patterns.md, "Plans"). */
#include "dfa_plan.h"
#include "prefilter.h"

#include <string.h>

static long plan_bytes(const rc_dfa_plan *p)
{
    long b = 0;
    for (int g = 0; g < p->ngroups; g++) b += rc_pre_dfa_bytes(&p->groups[g].dfa);
    return b;
}

bool rc_pre_plan_build(rc_arena *a, const rc_dfa_pattern *pats, int npats, int budget,
                       rc_dfa_plan *out, rc_dfa_error *err)
{
    if (npats < RC_PRE_MIN_PATTERNS) return rc_dfa_plan_build(a, pats, npats, budget, out, err);
    if (budget <= 0) budget = RC_DFA_MAX_STATES;
    long total = 0;
    for (int i = 0; i < npats; i++) {
        total++;
        for (int j = 0; j < pats[i].nalts; j++) total += (long)pats[i].alts[j].len;
    }
    rc_dfa_plan dp;
    bool have_dp = false;
    memset(&dp, 0, sizeof dp);
    /* a set that may fit one DFA: that DFA first (a far larger one cannot) */
    if (total <= 4L * budget) {
        if (!rc_dfa_plan_build(a, pats, npats, budget, &dp, err)) return false;
        have_dp = true;
    }
    rc_pre *pre = RC_NEW(a, rc_pre);
    if (!rc_pre_build(a, pats, npats, budget, pre, err)) {
        if (have_dp) { *out = dp; memset(err, 0, sizeof *err); err->pattern = -1; return true; }
        return false;
    }
    rc_dfa_plan rp;
    memset(&rp, 0, sizeof rp);
    if (pre->nresidual > 0) {
        rc_dfa_pattern *sub = RC_NEW_ARRAY(a, rc_dfa_pattern, pre->nresidual);
        for (int i = 0; i < pre->nresidual; i++) sub[i] = pats[pre->residual[i]];
        if (!rc_dfa_plan_build(a, sub, pre->nresidual, budget, &rp, err)) {
            if (err->pattern >= 0) err->pattern = pre->residual[err->pattern];
            return false;
        }
        for (int g = 0; g < rp.ngroups; g++)
            for (int j = 0; j < rp.groups[g].count; j++)
                rp.groups[g].pats[j] = pre->residual[rp.groups[g].pats[j]];
    }
    long pb = rc_pre_bytes(pre) + plan_bytes(&rp);
    if (have_dp && dp.ngroups == 1 && plan_bytes(&dp) <= pb) {
        *out = dp;
        return true;
    }
    *out = rp;
    out->budget = budget;
    out->npatterns = npats;
    out->words = (npats + 31) / 32;
    out->builds += have_dp ? dp.builds : 0;
    out->pre = pre;
    return true;
}
