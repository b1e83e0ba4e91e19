/* dfa_rt.c - see dfa_rt.h. */
#include "dfa_rt.h"

#include <stddef.h>

void rc_rt_convert(const rc_dfa *d, rc_rt_tables *rt)
{
    size_t nt = (size_t)d->nstates * (size_t)d->nclasses;
    rt->has16 = nt <= 65536 && d->nstates <= 8192 && d->nmasks <= RC_DFAPACK_MAXID + 1 &&
                rc_dfapack_lists(d, NULL, 0, NULL) <= RC_DFAPACK_MAXLIST;
    if (rt->has16) {
        for (size_t i = 0; i < nt; i++) rt->t16[i] = (uint16_t)d->trans[i];
        rc_dfapack_lists(d, rt->pats, RC_DFAPACK_MAXLIST, rt->row_at);
        for (int s = 0; s < d->nstates; s++) {
            rt->a16[s] = (uint16_t)rt->row_at[d->acc[s]];
            rt->e16[s] = (uint16_t)rt->row_at[d->acc_end[s]];
        }
        rt->d16 = (recov_dfa16){ d->classmap, rt->t16, rt->a16, rt->e16, rt->pats,
                                 (uint16_t)d->nclasses, (uint16_t)d->words };
    }
    rt->has8c = rc_dfapack_build_as(d, false, &rt->pk8);
    if (rt->has8c) {
        const rc_dfapack *z = &rt->pk8;
        for (int k = 0; k < z->nclasses; k++) rt->c8def[k] = (uint8_t)z->def[k];
        for (int x = 0; x < z->ncomb; x++) rt->c8nxt[x] = (uint8_t)z->nxt[x];
        for (int r = 0; r < z->nids - z->accfrom; r++) {
            rt->c8acc[r] = (uint8_t)z->acc[r];
            rt->c8end[r] = (uint8_t)z->acc_end[r];
        }
        rt->d8c = (recov_dfa8c){ z->map, rt->c8def, z->chk, rt->c8nxt, rt->c8acc, rt->c8end, z->pats,
                                 (uint8_t)z->lo, (uint8_t)z->hi, (uint8_t)z->cdef, (uint8_t)d->words,
                                 (uint8_t)z->k0, (uint8_t)z->accfrom };
    }
    rt->has16c = rc_dfapack_build_as(d, true, &rt->pk16);
    if (rt->has16c) {
        const rc_dfapack *z = &rt->pk16;
        rt->d16c = (recov_dfa16c){ z->map, z->def, z->chk, z->nxt, z->acc, z->acc_end, z->pats,
                                   (uint16_t)d->words, (uint16_t)z->accfrom, (uint16_t)z->stopfrom };
    }
}
