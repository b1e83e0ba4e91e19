/* emit_ckpt.c - checkpoints (spec/checkpoint.md): the record tables, P_save
 * and P_load.  Part of the C back end (emit_int.h). */
#include "emit_int.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* ---- checkpoints (spec/checkpoint.md) --------------------------------------- */

/* P__ck_get / P__ck_set: record k of a part whose bytes start at b, byte
 * by byte (no struct access by a computed type, no memcpy). */
static void emit_get_set(rc_cout *o, const char *P)
{
    rc_cout_line(o, "static uint32_t %s__ck_get(const uint8_t *b, unsigned k)", P);
    rc_cout_open(o, "{");
    rc_cout_line(o, "const uint8_t *p = &b[%s__ck_off[k]];", P);
    rc_cout_line(o, "uint32_t v4 = 0u;");
    rc_cout_line(o, "uint16_t v2 = 0u;");
    rc_cout_line(o, "unsigned i;");
    static const char *const w[2] = { "4", "2" };
    for (int j = 0; j < 2; j++) {
        rc_cout_open(o, "if (%s__ck_len[k] == %su) {", P, w[j]);
        rc_cout_open(o, "for (i = 0u; i < %su; i++) {", w[j]);
        rc_cout_line(o, "((uint8_t *)&v%s)[i] = p[i];", w[j]);
        rc_cout_close(o, "}");
        rc_cout_line(o, "return v%s;", w[j]);
        rc_cout_close(o, "}");
    }
    rc_cout_line(o, "return *p;");
    rc_cout_close(o, "}");
    rc_cout_blank(o);

    rc_cout_line(o, "static void %s__ck_set(uint8_t *b, unsigned k, uint32_t v)", P);
    rc_cout_open(o, "{");
    rc_cout_line(o, "uint8_t *p = &b[%s__ck_off[k]];", P);
    rc_cout_line(o, "const uint16_t v2 = (uint16_t)v;");
    rc_cout_line(o, "unsigned i;");
    rc_cout_open(o, "if (%s__ck_len[k] == 4u) {", P);
    rc_cout_open(o, "for (i = 0u; i < 4u; i++) {");
    rc_cout_line(o, "p[i] = ((const uint8_t *)&v)[i];");
    rc_cout_close(o, "}");
    rc_cout_reopen(o, "} else if (%s__ck_len[k] == 2u) {", P);
    rc_cout_open(o, "for (i = 0u; i < 2u; i++) {");
    rc_cout_line(o, "p[i] = ((const uint8_t *)&v2)[i];");
    rc_cout_close(o, "}");
    rc_cout_reopen(o, "} else {");
    rc_cout_line(o, "*p = (uint8_t)v;");
    rc_cout_close(o, "}");
    rc_cout_close(o, "}");
    rc_cout_blank(o);
}

/* `if (cond) { return value; }` */
static void return_if(rc_cout *o, const char *cond, const char *value)
{
    rc_cout_open(o, "if (%s) {", cond);
    rc_cout_line(o, "return %s;", value);
    rc_cout_close(o, "}");
}

/* P__save: records [k0, k1) of the part at b, as checkpoint part `part`
 * (spec/checkpoint.md); the caller has checked cap. */
static void emit_save(em *e)
{
    rc_cout *o = &e->oc;
    const char *P = e->P;
    rc_cout_line(o, "static void %s__save(const uint8_t *b, unsigned k0, unsigned k1, unsigned part, uint32_t plen, uint8_t *buf)", P);
    rc_cout_open(o, "{");
    rc_cout_line(o, "size_t used = %uu;", EM_CK_HEADER);
    rc_cout_line(o, "unsigned k;");
    rc_cout_line(o, "buf[0] = 0x52u; /* RCVK */");
    rc_cout_line(o, "buf[1] = 0x43u;");
    rc_cout_line(o, "buf[2] = 0x56u;");
    rc_cout_line(o, "buf[3] = 0x4Bu;");
    rc_cout_line(o, "buf[4] = %uu;", EM_CK_FORMAT);
    rc_cout_line(o, "buf[5] = (uint8_t)part;");
    rc_cout_line(o, "buf[6] = 0u;");
    rc_cout_line(o, "buf[7] = 0u;");
    rc_cout_line(o, "recov_put32(&buf[8], 0x%08" PRIX32 "u); /* FNV-1a of \"%s\" */", rc_emit_fnv1a(P), P);
    rc_cout_line(o, "recov_put32(&buf[12], %s_POLICY_HASH);", P);
    rc_cout_line(o, "recov_put32(&buf[16], plen);");
    rc_cout_open(o, "for (k = k0; k < k1; k++) {");
    rc_cout_line(o, "uint8_t *p = &buf[used];");
    rc_cout_line(o, "uint32_t v = %s__ck_get(b, k);", P);
    rc_cout_line(o, "recov_put32(p, %s__ck_tag[k]);", P);
    rc_cout_line(o, "p[4] = %s__ck_len[k];", P);
    rc_cout_open(o, "if (p[4] == 4u) {");
    rc_cout_line(o, "recov_put32(&p[5], v);");
    rc_cout_reopen(o, "} else if (p[4] == 2u) {");
    rc_cout_line(o, "recov_put16(&p[5], (uint16_t)v);");
    rc_cout_reopen(o, "} else {");
    rc_cout_line(o, "p[5] = (uint8_t)v;");
    rc_cout_close(o, "}");
    rc_cout_line(o, "used += 5u + (size_t)p[4];");
    rc_cout_close(o, "}");
    rc_cout_line(o, "recov_put32(&buf[used], recov_crc32(0u, buf, used));");
    rc_cout_close(o, "}");
    rc_cout_blank(o);
    static const char *const part_name[2] = { "shared", "incident" };
    static const char *const arg[2] = { "s", "inc" };
    static const char *const max[2] = { "SHARED", "INCIDENT" };
    for (int part = EM_SHARED; part <= EM_INCIDENT; part++) {
        int k0, k1;
        char cond[160];
        rc_em_part_recs(e, part, &k0, &k1);
        rc_cout_line(o, "size_t %s_%s_save(const %s_%s *%s, uint8_t *buf, size_t cap)", P, part_name[part], P,
                     part_name[part], arg[part]);
        rc_cout_open(o, "{");
        snprintf(cond, sizeof cond, "(buf == NULL) || (cap < %s_%s_CHECKPOINT_MAX)", P, max[part]);
        return_if(o, cond, "0u");
        rc_cout_line(o, "%s__save((const uint8_t *)%s, %du, %du, %du, %du, buf);", P, arg[part], k0, k1, part + 1,
                     rc_em_ck_payload(e, part));
        rc_cout_line(o, "return %s_%s_CHECKPOINT_MAX;", P, max[part]);
        rc_cout_close(o, "}");
        rc_cout_blank(o);
    }
}

static void emit_load(em *e)
{
    rc_cout *o = &e->oc;
    const char *P = e->P;
    char cond[200];
    rc_cout_line(o, "/* Validate everything first (pass 0), then apply (pass 1): a rejected");
    rc_cout_line(o, " * checkpoint leaves the part untouched. */");
    rc_cout_line(o, "static recov_load %s__load(uint8_t *b, unsigned k0, unsigned k1, unsigned part, const uint8_t *buf, size_t len)", P);
    rc_cout_open(o, "{");
    static const char *const decl[] = { "uint32_t plen;", "uint32_t i;", "uint32_t v;", "unsigned pass;",
                                        "unsigned k;", "unsigned n = 0u;", "unsigned idx;", "bool same;" };
    for (size_t i = 0; i < sizeof decl / sizeof decl[0]; i++) rc_cout_line(o, "%s", decl[i]);
    snprintf(cond, sizeof cond, "(buf == NULL) || (len < %uu)", EM_CK_HEADER + 4u);
    return_if(o, cond, "RECOV_LOAD_SHORT");
    return_if(o, "(buf[0] != 0x52u) || (buf[1] != 0x43u) || (buf[2] != 0x56u) || (buf[3] != 0x4Bu)",
              "RECOV_LOAD_MAGIC");
    snprintf(cond, sizeof cond, "(buf[4] != %uu) || (buf[5] != part) || (buf[6] != 0u) || (buf[7] != 0u)",
             EM_CK_FORMAT);
    return_if(o, cond, "RECOV_LOAD_FORMAT");
    rc_cout_line(o, "plen = recov_get32(&buf[16]);");
    snprintf(cond, sizeof cond, "plen > (len - %uu)", EM_CK_HEADER + 4u);
    return_if(o, cond, "RECOV_LOAD_SHORT");
    snprintf(cond, sizeof cond, "recov_crc32(0u, buf, %uu + (size_t)plen) != recov_get32(&buf[%uu + (size_t)plen])",
             EM_CK_HEADER, EM_CK_HEADER);
    return_if(o, cond, "RECOV_LOAD_CRC");
    snprintf(cond, sizeof cond, "recov_get32(&buf[8]) != 0x%08" PRIX32 "u", rc_emit_fnv1a(P));
    return_if(o, cond, "RECOV_LOAD_FOREIGN");
    rc_cout_line(o, "same = recov_get32(&buf[12]) == %s_POLICY_HASH;", P);
    snprintf(cond, sizeof cond, "(!same) && (part == %du)", EM_INCIDENT + 1);
    return_if(o, cond, "RECOV_LOAD_STALE");
    rc_cout_open(o, "for (pass = 0u; pass < 2u; pass++) {");
    rc_cout_line(o, "idx = k0;");
    rc_cout_open(o, "for (i = 0u; i < plen; i += 5u + n) {");
    rc_cout_line(o, "const uint8_t *p = &buf[%uu + (size_t)i];", EM_CK_HEADER);
    return_if(o, "(plen - i) < 5u", "RECOV_LOAD_CORRUPT");
    rc_cout_line(o, "n = p[4];");
    return_if(o, "((n != 1u) && (n != 2u) && (n != 4u)) || ((plen - i - 5u) < n)", "RECOV_LOAD_CORRUPT");
    rc_cout_line(o, "v = (n == 4u) ? recov_get32(&p[5]) : ((n == 2u) ? (uint32_t)recov_get16(&p[5]) : (uint32_t)p[5]);");
    rc_cout_open(o, "for (k = k0; (k < k1) && (%s__ck_tag[k] != recov_get32(p)); k++) {", P);
    rc_cout_close(o, "}");
    rc_cout_open(o, "if (same) {");
    rc_cout_open(o, "if (k != idx) {");
    rc_cout_line(o, "return RECOV_LOAD_CORRUPT; /* the identical policy writes exactly the save's records */");
    rc_cout_close(o, "}");
    rc_cout_line(o, "idx++;");
    rc_cout_close(o, "}");
    rc_cout_open(o, "if (k == k1) {");
    rc_cout_line(o, "continue; /* another version's record */");
    rc_cout_close(o, "}");
    if (e->ir->nparams)
        snprintf(cond, sizeof cond, "(n != %s__ck_len[k]) || (v > %s__ck_max[k]) || (v < %s__ck_min[k]) || "
                 "((k == 0u) && (v == 0u))", P, P, P);
    else
        snprintf(cond, sizeof cond, "(n != %s__ck_len[k]) || (v > %s__ck_max[k]) || ((k == 0u) && (v == 0u))", P, P);
    return_if(o, cond, "RECOV_LOAD_CORRUPT");
    rc_cout_open(o, "if (pass != 0u) {");
    rc_cout_line(o, "%s__ck_set(b, k, v);", P);
    rc_cout_close(o, "}");
    rc_cout_close(o, "}");
    return_if(o, "same && (idx != k1)", "RECOV_LOAD_CORRUPT");
    rc_cout_close(o, "}");
    rc_cout_line(o, "return same ? RECOV_LOAD_OK : RECOV_LOAD_MIGRATED;");
    rc_cout_close(o, "}");
    rc_cout_blank(o);

    int k0, k1;
    rc_em_part_recs(e, EM_SHARED, &k0, &k1);
    rc_cout_line(o, "recov_load %s_shared_load(%s_shared *s, const uint8_t *buf, size_t len)", P, P);
    rc_cout_open(o, "{");
    rc_cout_line(o, "recov_load r = %s__load((uint8_t *)s, %du, %du, %du, buf, len);", P, k0, k1, EM_SHARED + 1);
    if (e->any_adm) {
        rc_cout_open(o, "if ((r == RECOV_LOAD_OK) || (r == RECOV_LOAD_MIGRATED)) {");
        rc_cout_line(o, "s->epoch = (s->epoch >= 127u) ? 1u : (uint8_t)(s->epoch + 1u); /* admissions lapse */");
        if (e->ir->concurrent) rc_cout_line(o, "s->inflight = 0u; /* and with them the calls in flight */");
        rc_cout_close(o, "}");
    }
    rc_cout_line(o, "return r;");
    rc_cout_close(o, "}");
    rc_cout_blank(o);
    rc_em_part_recs(e, EM_INCIDENT, &k0, &k1);
    rc_cout_line(o, "recov_load %s_incident_load(%s_incident *inc, const uint8_t *buf, size_t len)", P, P);
    rc_cout_open(o, "{");
    rc_cout_line(o, "recov_load r = %s__load((uint8_t *)inc, %du, %du, %du, buf, len);", P, k0, k1, EM_INCIDENT + 1);
    if (e->any_adm) {
        rc_cout_open(o, "if (r == RECOV_LOAD_OK) {");
        rc_cout_line(o, "inc->adm = 0u; /* a loaded incident holds no admission */");
        rc_cout_close(o, "}");
    }
    rc_cout_line(o, "return r;");
    rc_cout_close(o, "}");
    rc_cout_blank(o);
}

void rc_em_checkpoint(em *e)
{
    rc_cout *o = &e->oc;
    const char *P = e->P;
    int n = e->nrecs;
    char nm[96];
    uint32_t *v = calloc((size_t)n + 1, sizeof *v);
    if (!v) exit(3);

    const char **lab = calloc((size_t)n + 1, sizeof *lab);
    if (!lab) exit(3);
    rc_cout_line(o, "/* Checkpoint records, in save order: the shared part's [0, %d), the incident's [%d, %d).",
                 e->nshared, e->nshared, n);
    rc_cout_line(o, " * The tag is the FNV-1a of the key, then the length, the largest valid value");
    rc_cout_line(o, " * and the member of each. */");
    for (int i = 0; i < n; i++) {
        v[i] = rc_emit_fnv1a(e->recs[i].key);
        lab[i] = e->recs[i].key;
    }
    snprintf(nm, sizeof nm, "%s__ck_tag", P);
    rc_em_rows(o, "uint32_t", nm, v, n, true, lab);
    for (int i = 0; i < n; i++) {
        v[i] = (uint32_t)e->recs[i].size;
        lab[i] = e->recs[i].lval;
    }
    snprintf(nm, sizeof nm, "%s__ck_len", P);
    rc_em_rows(o, "uint8_t", nm, v, n, false, lab);
    uint32_t mx = 0;
    for (int i = 0; i < n; i++) { v[i] = e->recs[i].max; if (v[i] > mx) mx = v[i]; }
    snprintf(nm, sizeof nm, "%s__ck_max", P);
    rc_em_rows(o, rc_em_utype(mx), nm, v, n, false, lab);
    if (e->ir->nparams) {   /* parameters have a lower bound too */
        mx = 0;
        for (int i = 0; i < n; i++) { v[i] = e->recs[i].min; if (v[i] > mx) mx = v[i]; }
        snprintf(nm, sizeof nm, "%s__ck_min", P);
        rc_em_rows(o, rc_em_utype(mx), nm, v, n, false, lab);
    }
    free(lab);
    int big = rc_em_part_size(e, EM_SHARED) > rc_em_part_size(e, EM_INCIDENT) ? rc_em_part_size(e, EM_SHARED)
                                                                              : rc_em_part_size(e, EM_INCIDENT);
    rc_cout_open(o, "static const %s %s__ck_off[%d] = {", rc_em_utype((uint64_t)big), P, n);
    for (int i = 0; i < n; i++) {
        /* array elements by their designator (`alt_ok[1]`); element 0 as the array */
        char base[sizeof e->recs[i].lval];
        const char *br = strchr(e->recs[i].lval, '[');
        snprintf(base, sizeof base, "%.*s", br ? (int)(br - e->recs[i].lval) : (int)strlen(e->recs[i].lval),
                 e->recs[i].lval);
        rc_cout_line(o, "offsetof(%s_%s, %s),", P, i < e->nshared ? "shared" : "incident",
                     br && atoi(br + 1) > 0 ? e->recs[i].lval : base);
    }
    rc_cout_close(o, "};");
    rc_cout_blank(o);
    free(v);

    emit_get_set(o, P);
    emit_save(e);
    emit_load(e);
}
