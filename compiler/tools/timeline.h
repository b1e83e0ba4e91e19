/* timeline.h - a scenario or a block's worst case drawn on a time axis, as
 * plain SVG text (`recovc test --timeline`, `recovc explain --timeline`).
 *
 * Each scene is run on the simulator through its event API (sim_run.c:
 * rc_sim_init, then rc_sim_apply per event) and drawn from what it decided
 * and the state it reached after each event: the host's calls (failures
 * with their attempt and error, successes, admissions allowed and refused,
 * handler results), the decisions (retry delays as bars, fallbacks,
 * adjustments, handler runs with their timeout, degrade, escalations with
 * channel, level and SLA, abort), one band per breaker (closed, open,
 * half-open) and the deadline of each incident's block.  A scene with
 * several incidents (an .rtest scenario's `A: fail ...` lines) runs each on
 * its own P_incident against the one shared part and gets a pair of lanes
 * per incident; the breaker bands stay shared.  Every mark has a
 * text label and every band a pattern, so the picture reads without colour.
 * The output depends on nothing but the input: integer coordinates, no
 * dates, no version. */
#ifndef RC_TIMELINE_H
#define RC_TIMELINE_H

#include <stdint.h>
#include <stdio.h>

#include "ir.h"
#include "sim.h"

typedef struct rc_tl_scene {
    const char *title;          /* first line of the scene's heading */
    const char *subtitle;       /* second line, or NULL */
    uint32_t t0, seed;          /* P_init(t0, seed) */
    const rc_sim_event *ev;     /* the events, times relative to t0 */
    int nev;
    const uint32_t *wait_lo;    /* NULL, or per event: the bounds of the delay of a retry decided */
    const uint32_t *wait_hi;    /*   there, drawn as a bar wait_hi long and labelled lo..hi */
    const int *incident;        /* NULL, or per event: the incident it belongs to (0 .. nincidents-1) */
    const char *const *incident_names;  /* [nincidents]: "" for the default incident */
    int nincidents;             /* 0 or 1: one incident; more: a pair of lanes (calls, decisions) each */
} rc_tl_scene;

/* Draws the n scenes one under the other into out. */
void rc_timeline_svg(const rc_ir *ir, const rc_tl_scene *sc, int n, FILE *out);

#endif
