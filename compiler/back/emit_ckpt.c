/* emit_ckpt.c - checkpoints (spec/checkpoint.md): the record tables, P_save
 * and P_load.  Part of the C back end (emit_int.h). */
#include "emit_int.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* ---- checkpoints (spec/checkpoint.md) --------------------------------------- */

void rc_em_checkpoint(em *e)
{
    FILE *c = e->c;
    const char *P = e->P;
    int n = e->nrecs;
    char nm[96];
    uint32_t *v = calloc((size_t)n + 1, sizeof *v);
    if (!v) exit(3);

    fprintf(c, "/* Checkpoint records, in P_save order:\n");
    for (int i = 0; i < n; i++)
        fprintf(c, " *   0x%08" PRIX32 " %s\n", rc_emit_fnv1a(e->recs[i].key), e->recs[i].key);
    fprintf(c, " */\n");
    for (int i = 0; i < n; i++) v[i] = rc_emit_fnv1a(e->recs[i].key);
    snprintf(nm, sizeof nm, "%s__ck_tag", P);
    rc_em_u32_array(c, "uint32_t", nm, v, n, true);
    for (int i = 0; i < n; i++) v[i] = (uint32_t)e->recs[i].size;
    snprintf(nm, sizeof nm, "%s__ck_len", P);
    rc_em_u32_array(c, "uint8_t", nm, v, n, false);
    uint32_t mx = 0;
    for (int i = 0; i < n; i++) { v[i] = e->recs[i].max; if (v[i] > mx) mx = v[i]; }
    snprintf(nm, sizeof nm, "%s__ck_max", P);
    rc_em_u32_array(c, rc_em_utype(mx), nm, v, n, false);
    fprintf(c, "static const %s %s__ck_off[%d] = {\n", rc_em_utype((uint64_t)rc_em_state_size(e)), P, n);
    for (int i = 0; i < n; i++) {
        /* array elements by their designator (`alt_ok[1]`); element 0 as the array */
        char base[48];
        const char *br = strchr(e->recs[i].lval, '[');
        snprintf(base, sizeof base, "%.*s", br ? (int)(br - e->recs[i].lval) : (int)strlen(e->recs[i].lval),
                 e->recs[i].lval);
        fprintf(c, "    offsetof(%s_state, %s),\n", P, br && atoi(br + 1) > 0 ? e->recs[i].lval : base);
    }
    fprintf(c, "};\n\n");
    free(v);

    fprintf(c, "static uint32_t %s__ck_get(const %s_state *s, unsigned k)\n{\n"
               "    const uint8_t *p = &((const uint8_t *)s)[%s__ck_off[k]];\n"
               "    uint32_t v4 = 0u;\n    uint16_t v2 = 0u;\n    unsigned i;\n"
               "    if (%s__ck_len[k] == 4u) {\n"
               "        for (i = 0u; i < 4u; i++) {\n            ((uint8_t *)&v4)[i] = p[i];\n        }\n"
               "        return v4;\n    }\n"
               "    if (%s__ck_len[k] == 2u) {\n"
               "        for (i = 0u; i < 2u; i++) {\n            ((uint8_t *)&v2)[i] = p[i];\n        }\n"
               "        return v2;\n    }\n"
               "    return *p;\n}\n\n", P, P, P, P, P);
    fprintf(c, "static void %s__ck_set(%s_state *s, unsigned k, uint32_t v)\n{\n"
               "    uint8_t *p = &((uint8_t *)s)[%s__ck_off[k]];\n"
               "    const uint16_t v2 = (uint16_t)v;\n    unsigned i;\n"
               "    if (%s__ck_len[k] == 4u) {\n"
               "        for (i = 0u; i < 4u; i++) {\n            p[i] = ((const uint8_t *)&v)[i];\n        }\n"
               "    } else if (%s__ck_len[k] == 2u) {\n"
               "        for (i = 0u; i < 2u; i++) {\n            p[i] = ((const uint8_t *)&v2)[i];\n        }\n"
               "    } else {\n        *p = (uint8_t)v;\n    }\n}\n\n", P, P, P, P, P);

    uint32_t payload = (uint32_t)rc_em_ck_payload(e);
    /* records before the first incident record are persistent; with another
     * policy hash only those may be restored */
    int npersist = 0;
    while (npersist < n && strncmp(e->recs[npersist].key, "incident.", 9) != 0) npersist++;
    fprintf(c, "size_t %s_save(const %s_state *s, uint8_t *buf, size_t cap)\n{\n"
               "    size_t used = %uu;\n    unsigned k;\n"
               "    if ((buf == NULL) || (cap < %s_CHECKPOINT_MAX)) {\n        return 0u;\n    }\n"
               "    buf[0] = 0x52u; /* RCVK */\n    buf[1] = 0x43u;\n    buf[2] = 0x56u;\n    buf[3] = 0x4Bu;\n"
               "    buf[4] = %uu;\n    buf[5] = 0u;\n    buf[6] = 0u;\n    buf[7] = 0u;\n"
               "    recov_put32(&buf[8], 0x%08" PRIX32 "u); /* FNV-1a of \"%s\" */\n"
               "    recov_put32(&buf[12], %s_POLICY_HASH);\n    recov_put32(&buf[16], %" PRIu32 "u);\n"
               "    for (k = 0u; k < %du; k++) {\n        uint8_t *p = &buf[used];\n"
               "        uint32_t v = %s__ck_get(s, k);\n"
               "        recov_put32(p, %s__ck_tag[k]);\n        p[4] = %s__ck_len[k];\n"
               "        if (p[4] == 4u) {\n            recov_put32(&p[5], v);\n"
               "        } else if (p[4] == 2u) {\n            recov_put16(&p[5], (uint16_t)v);\n"
               "        } else {\n            p[5] = (uint8_t)v;\n        }\n        used += 5u + (size_t)p[4];\n    }\n"
               "    recov_put32(&buf[used], recov_crc32(0u, buf, used));\n"
               "    return %s_CHECKPOINT_MAX;\n}\n\n",
            P, P, EM_CK_HEADER, P, EM_CK_FORMAT, rc_emit_fnv1a(P), P, P, payload, n, P, P, P, P);

    fprintf(c, "/* Validate everything first (pass 0), then apply (pass 1): a rejected\n"
               " * checkpoint leaves *s untouched. */\n"
               "recov_load %s_load(%s_state *s, const uint8_t *buf, size_t len)\n{\n"
               "    uint32_t plen;\n    uint32_t i;\n    uint32_t v;\n    unsigned pass;\n    unsigned k;\n"
               "    unsigned n = 0u;\n    unsigned idx;\n    bool same;\n"
               "    if ((buf == NULL) || (len < %uu)) {\n        return RECOV_LOAD_SHORT;\n    }\n"
               "    if ((buf[0] != 0x52u) || (buf[1] != 0x43u) || (buf[2] != 0x56u) || (buf[3] != 0x4Bu)) {\n        return RECOV_LOAD_MAGIC;\n    }\n"
               "    if ((buf[4] != %uu) || (buf[5] != 0u) || (buf[6] != 0u) || (buf[7] != 0u)) {\n        return RECOV_LOAD_FORMAT;\n    }\n"
               "    plen = recov_get32(&buf[16]);\n"
               "    if (plen > (len - %uu)) {\n        return RECOV_LOAD_SHORT;\n    }\n"
               "    if (recov_crc32(0u, buf, %uu + (size_t)plen) != recov_get32(&buf[%uu + (size_t)plen])) {\n        return RECOV_LOAD_CRC;\n    }\n"
               "    if (recov_get32(&buf[8]) != 0x%08" PRIX32 "u) {\n        return RECOV_LOAD_FOREIGN;\n    }\n"
               "    same = recov_get32(&buf[12]) == %s_POLICY_HASH;\n"
               "    for (pass = 0u; pass < 2u; pass++) {\n"
               "        idx = 0u;\n"
               "        for (i = 0u; i < plen; i += 5u + n) {\n"
               "            const uint8_t *p = &buf[%uu + (size_t)i];\n"
               "            if ((plen - i) < 5u) {\n                return RECOV_LOAD_CORRUPT;\n            }\n"
               "            n = p[4];\n"
               "            if (((n != 1u) && (n != 2u) && (n != 4u)) || ((plen - i - 5u) < n)) {\n                return RECOV_LOAD_CORRUPT;\n            }\n"
               "            v = (n == 4u) ? recov_get32(&p[5]) : ((n == 2u) ? (uint32_t)recov_get16(&p[5]) : (uint32_t)p[5]);\n"
               "            for (k = 0u; (k < %du) && (%s__ck_tag[k] != recov_get32(p)); k++) {\n            }\n"
               "            if (same) {\n"
               "                if (k != idx) {\n"
               "                    return RECOV_LOAD_CORRUPT; /* the identical policy writes exactly P_save's records */\n"
               "                }\n"
               "                idx++;\n"
               "            }\n"
               "            if ((k == %du) || ((!same) && (k >= %du))) {\n"
               "                continue; /* another version's record, or its incident */\n"
               "            }\n"
               "            if ((n != %s__ck_len[k]) || (v > %s__ck_max[k]) || ((k == 0u) && (v == 0u))) {\n                return RECOV_LOAD_CORRUPT;\n            }\n"
               "            if (pass != 0u) {\n                %s__ck_set(s, k, v);\n            }\n"
               "        }\n"
               "        if (same && (idx != %du)) {\n            return RECOV_LOAD_CORRUPT;\n        }\n"
               "    }\n"
               "    return same ? RECOV_LOAD_OK : RECOV_LOAD_MIGRATED;\n}\n\n",
            P, P, EM_CK_HEADER + 4u, EM_CK_FORMAT, EM_CK_HEADER + 4u, EM_CK_HEADER, EM_CK_HEADER,
            rc_emit_fnv1a(P), P, EM_CK_HEADER, n, P, n, npersist, P, P, P, n);
}
