/* dfa_plan.h - the patterns of one text field -> one DFA, or several when
 * one would exceed the state budget (spec/patterns.md, "Plans").
 *
 * A plan puts every pattern of the field into exactly one group and builds
 * one DFA per group.  Group g's DFA numbers its patterns 0 .. count - 1;
 * pattern j of it is pattern pats[j] of the field (increasing).  The field's
 * mask is the OR of the groups' masks with each bit moved to its field
 * pattern, so the set of patterns found, and with it first-match priority
 * between classify rules, is exactly what one DFA over all patterns would
 * give.  (The generated code clears the field's mask words once, then runs
 * every group's scanner with no clearing of its own and pattern lists that
 * hold field pattern numbers.)
 *
 * Patterns are first sorted into two kinds, kept in field order within each:
 * "plain" (literals, and regexes without an unbounded repetition) and
 * "heavy" (regexes with `*`, `+` or `{n,}`): an unbounded repetition in the
 * middle of a pattern multiplies the states of every literal it overlaps,
 * so the heavy ones are grouped among themselves.  Each kind is then cut
 * greedily into consecutive runs: each is the longest run (to within an
 * eighth) whose DFA stays within the budget and whose pattern lists fit the
 * runtime's 16-bit acc values.  Subset construction never needs fewer
 * states for more patterns, so the search over run lengths is a doubling
 * and bisecting one.  Only a pattern whose DFA alone exceeds the budget
 * makes the plan fail.
 */
#ifndef RC_DFA_PLAN_H
#define RC_DFA_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "dfa.h"

typedef struct rc_dfa_group {
    int count;              /* patterns in the group, >= 1 (0 only for a field of no patterns) */
    int *pats;              /* [count] the field's pattern of each DFA pattern, increasing */
    bool heavy;             /* a group of regexes with unbounded repetitions */
    rc_dfa dfa;             /* over those patterns, numbered 0 .. count - 1 */
} rc_dfa_group;

typedef struct rc_dfa_plan {
    int budget;             /* most DFA states (before minimisation) of one group */
    int npatterns;
    int words;              /* (npatterns + 31) / 32: the field's mask */
    int ngroups;            /* >= 1 */
    rc_dfa_group *groups;
    int builds;             /* DFA constructions tried (for explain) */
    /* The literal prefilter (prefilter.h) when the compiler chose it
     * (rc_pre_plan_build): then groups (0 or more) scan only its residual
     * patterns, their pats being field patterns; NULL otherwise. */
    struct rc_pre *pre;
} rc_dfa_plan;

/* One DFA over every pattern of the field (no prefilter, one group): the
 * plan of every field before plans existed. */
static inline bool rc_dfa_plan_single(const rc_dfa_plan *p)
{
    return p->ngroups <= 1 && p->pre == NULL;
}

/* Build the plan.  False on a syntax error (err as rc_dfa_build, pattern
 * numbered in the field) or when pattern err->pattern alone needs more than
 * `budget` states (err->message then says so; err->offset = 0).  All memory
 * of the result comes from the arena `a`. */
bool rc_dfa_plan_build(rc_arena *a, const rc_dfa_pattern *pats, int npats, int budget,
                       rc_dfa_plan *out, rc_dfa_error *err);

/* The field's mask (p->words words, cleared first): every group's scan
 * (rc_dfa_scan) ORed in, each bit at its field pattern. */
void rc_dfa_plan_scan(const rc_dfa_plan *p, const char *text, size_t len, size_t limit, uint32_t *mask);

/* True when the failure in err is "needs too many states" (not syntax). */
bool rc_dfa_plan_too_big(const rc_dfa_error *err);

#endif
