/* emit_util.c - the small helpers every part of the C emitter uses (type
 * names, upper-casing, string literals, parameter reads, name lists, state
 * and checkpoint sizes).  They call nothing else of the emitter, so the
 * emit_*.c files depend on this one and not on each other; see emit_int.h. */
#include "emit_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

uint32_t rc_emit_fnv1a(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++) {
        h ^= (uint8_t)*s;
        h *= 16777619u;
    }
    return h;
}

const char *rc_em_utype(uint64_t max)
{
    return max <= 0xFFu ? "uint8_t" : max <= 0xFFFFu ? "uint16_t" : "uint32_t";
}

void rc_em_put_upper(rc_cout *o, const char *s)
{
    for (; *s; s++)
        rc_cout_char(o, *s >= 'a' && *s <= 'z' ? (char)(*s - 'a' + 'A') : *s);
}

/* A C string literal: octal escapes (always 3 digits, so a following digit
 * cannot extend them) for everything but plain printable ASCII; `?` escaped
 * against trigraphs. */
void rc_em_put_cstr(rc_cout *o, const char *s)
{
    rc_cout_char(o, '"');
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\' || ch == '?')
            rc_cout_put(o, "\\%c", ch);
        else if (ch < 0x20 || ch >= 0x7F)
            rc_cout_put(o, "\\%03o", ch);
        else
            rc_cout_char(o, (char)ch);
    }
    rc_cout_char(o, '"');
}

const char *rc_em_num(const em *e, rc_slot slot, int obj, int sub, uint64_t v, char *buf, size_t n)
{
    int p = rc_ir_param_at(e->ir, slot, obj, sub);
    if (p >= 0) snprintf(buf, n, "s->prm%d", p);
    else snprintf(buf, n, "%" PRIu64 "u", v);
    return buf;
}

const char **rc_em_name_list(const rc_ir_name *v, int n)
{
    const char **out = calloc((size_t)n + 1, sizeof *out);
    if (!out) exit(3);
    for (int i = 0; i < n; i++) out[i] = v[i].name;
    return out;
}

void rc_em_part_recs(const em *e, int part, int *k0, int *k1)
{
    *k0 = part == EM_SHARED ? 0 : e->nshared;
    *k1 = part == EM_SHARED ? e->nshared : e->nrecs;
}

int rc_em_part_size(const em *e, int part)
{
    int k0, k1, sz = e->any_adm ? 1 : 0;   /* epoch / adm */
    rc_em_part_recs(e, part, &k0, &k1);
    for (int i = k0; i < k1; i++)
        if (e->recs[i].decl[0]) sz += e->recs[i].size * e->recs[i].count;
    if (sz == 0) sz = 1;                   /* an empty part: one unused byte (C has no empty struct) */
    return (sz + 3) / 4 * 4;
}

int rc_em_ck_payload(const em *e, int part)
{
    int k0, k1, n = 0;
    rc_em_part_recs(e, part, &k0, &k1);
    for (int i = k0; i < k1; i++) n += 5 + e->recs[i].size;
    return n;
}
