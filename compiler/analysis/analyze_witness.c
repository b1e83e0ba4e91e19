/* analyze_witness.c - example faults for the analyses' notes
 * (analyze_int.h: rc_an_fault_for).  Used by analyze_time.c; calls no other
 * analysis file. */
#include "analyze_int.h"

bool rc_an_fault_for(rc_an *an, const rc_cset *s, char *buf, size_t n)
{
    if (s->unknown || s->n == 0) return false;
    const uint64_t *c = rc_space_best_cube(&an->sp, s);
    if (!c) return false;
    rc_space_witness(&an->sp, 0, c, buf, n, NULL);
    return true;
}
