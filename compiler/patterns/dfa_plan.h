/* dfa_plan.h - the patterns of one text field -> one DFA, or several when
 * one would exceed the state budget (spec/patterns.md, "Plans").
 *
 * A plan cuts the ordered pattern list into consecutive groups and builds
 * one DFA per group.  Group g holds patterns [first, first + count) of the
 * field; its DFA numbers them from word * 32 (word = first / 32), so bit j
 * of the group's mask word k is bit j of the field's mask word word + k:
 * patterns of the DFA below `first` are empty (they match nothing).  The
 * field's mask is the OR of the group masks, so the set of patterns found,
 * and with it first-match priority between classify rules, is exactly what
 * one DFA over all patterns would give.  Scanning group g clears its words
 * before setting bits, so a group whose first word is the last word of the
 * group before it keeps that word's bits around the scan (`shares`).
 *
 * Groups are chosen greedily from the first pattern: each is the longest
 * run of patterns (to within an eighth) whose DFA stays within the budget
 * and whose pattern lists fit the runtime's 16-bit acc values.  Subset
 * construction never needs fewer states for more patterns, so the search
 * over run lengths is a doubling and bisecting one.  Only a pattern whose
 * DFA alone exceeds the budget makes the plan fail.
 */
#ifndef RC_DFA_PLAN_H
#define RC_DFA_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "dfa.h"

typedef struct rc_dfa_group {
    int first;              /* first pattern of the field in the group */
    int count;              /* patterns in the group, >= 1 (0 only for a field of no patterns) */
    int word;               /* the field's mask word of the DFA's bit 0: first / 32 */
    bool shares;            /* word is also the previous group's last word */
    rc_dfa dfa;             /* over patterns [word * 32, first + count) */
} rc_dfa_group;

typedef struct rc_dfa_plan {
    int budget;             /* most DFA states (before minimisation) of one group */
    int npatterns;
    int words;              /* (npatterns + 31) / 32: the field's mask */
    int ngroups;            /* >= 1 */
    rc_dfa_group *groups;
    int builds;             /* DFA constructions tried (for explain) */
} rc_dfa_plan;

/* Build the plan.  False on a syntax error (err as rc_dfa_build, pattern
 * numbered in the field) or when pattern err->pattern alone needs more than
 * `budget` states (err->message then says so; err->offset = 0).  All memory
 * of the result comes from the arena `a`. */
bool rc_dfa_plan_build(rc_arena *a, const rc_dfa_pattern *pats, int npats, int budget,
                       rc_dfa_plan *out, rc_dfa_error *err);

/* The field's mask (p->words words, cleared first): every group's scan
 * (rc_dfa_scan) ORed in at its word. */
void rc_dfa_plan_scan(const rc_dfa_plan *p, const char *text, size_t len, size_t limit, uint32_t *mask);

/* True when the failure in err is "needs too many states" (not syntax). */
bool rc_dfa_plan_too_big(const rc_dfa_error *err);

#endif
