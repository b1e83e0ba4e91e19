/* emit_util.c - the small helpers every part of the C emitter uses (type
 * names, upper-casing, string literals, parameter reads, name lists, state
 * and checkpoint sizes).  They call nothing else of the emitter, so the
 * emit_*.c files depend on this one and not on each other; see emit_int.h. */
#include "emit_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    if (part == EM_SHARED && e->ir->concurrent) sz += 2;   /* inflight */
    if (part == EM_INCIDENT && e->run_block) sz++;
    if (part == EM_INCIDENT && e->any_slow) sz += 4;   /* adm_at */
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

void rc_em_put_const(rc_cout *o, const char *P, const char *pfx, const char *name)
{
    rc_cout_put(o, "%s_%s_", P, pfx);
    rc_em_put_upper(o, name);
}

const char *rc_em_sev_const(int level)
{
    static const char *const n[RC_SEV_COUNT] = {
        "RECOV_SEV_LOW", "RECOV_SEV_MEDIUM", "RECOV_SEV_HIGH", "RECOV_SEV_CRITICAL" };
    return level >= 0 && level < RC_SEV_COUNT ? n[level] : "RECOV_SEV_LOW";
}


/* Appends s to buf[0..n) at *len when it fits with room for a tail of
 * `keep` bytes; false (nothing appended) otherwise. */
static bool append(char *buf, size_t n, size_t *len, const char *s, size_t keep)
{
    size_t k = strlen(s);
    if (*len + k + keep >= n) return false;
    memcpy(buf + *len, s, k + 1);
    *len += k;
    return true;
}

/* "a, b, c", or "a, b and 7 more" when the names do not fit in n bytes. */
static void name_list_text(const char *const *names, int count, char *buf, size_t n)
{
    size_t len = 0;
    buf[0] = '\0';
    for (int i = 0; i < count; i++) {
        char more[40];
        snprintf(more, sizeof more, " and %d more", count - i);
        if ((i && !append(buf, n, &len, ", ", sizeof more)) || !append(buf, n, &len, names[i], sizeof more)) {
            if (len >= 2 && buf[len - 2] == ',') buf[len -= 2] = '\0';
            (void)append(buf, n, &len, more, 0);
            return;
        }
    }
}

void rc_em_error_list(const em *e, const bool *set, char *buf, size_t n)
{
    const rc_ir *ir = e->ir;
    int k = 0;
    const char **names = calloc((size_t)ir->nerrors + 1, sizeof *names);
    if (!names) exit(3);
    for (int i = 0; i < ir->nerrors; i++)
        if (set[i]) names[k++] = ir->errors[i].name;
    if (k == ir->nerrors && k > 1) snprintf(buf, n, "every error");
    else name_list_text(names, k, buf, n);
    free(names);
}

void rc_em_block_what(const em *e, int b, char *buf, size_t n)
{
    const rc_ir_block *bl = &e->ir->blocks[b];
    char errs[160];
    rc_em_error_list(e, bl->errors, errs, sizeof errs);
    snprintf(buf, n, "on %s%s", errs, bl->when >= 0 ? " when ..." : "");
}

void rc_em_step_what(const em *e, const rc_ir_step *st, char *buf, size_t n)
{
    const rc_ir *ir = e->ir;
    static const char *const lvl[RC_SEV_COUNT] = { "low", "medium", "high", "critical" };
    const char **names;
    char list[120];
    switch (st->kind) {
    case RC_IR_RETRY: snprintf(buf, n, "retry %s", ir->retries[st->retry].name); return;
    case RC_IR_ADJUST: snprintf(buf, n, "adjust %s", ir->adjusts[st->id].name); return;
    case RC_IR_DEGRADE: snprintf(buf, n, "degrade %s", ir->modes[st->id].name); return;
    case RC_IR_ABORT: snprintf(buf, n, "abort"); return;
    case RC_IR_ESCALATE:
        if (st->level >= 0 && st->level < RC_SEV_COUNT) snprintf(buf, n, "escalate %s", lvl[st->level]);
        else snprintf(buf, n, "escalate");
        return;
    case RC_IR_RUN:
        if (st->nalts == 0) {
            snprintf(buf, n, "run %s", ir->handlers[st->id].name);
            return;
        }
        /* fall through - `run H1, H2...` names its list as fallback does */
    case RC_IR_FALLBACK:
        names = calloc((size_t)st->nalts + 1, sizeof *names);
        if (!names) exit(3);
        for (int i = 0; i < st->nalts; i++)
            names[i] = st->kind == RC_IR_RUN ? ir->handlers[st->alts[i]].name : ir->alts[st->alts[i]].name;
        name_list_text(names, st->nalts, list, sizeof list);
        free(names);
        snprintf(buf, n, "%s %s%s", st->kind == RC_IR_RUN ? "run" : "fallback",
                 st->adaptive ? "adaptive " : "", list);
        return;
    }
    snprintf(buf, n, "?");
}

void rc_em_src_comment(em *e, rc_loc loc, const char *what)
{
    rc_cout_comment(&e->oc, "%s:%d %s", e->src, loc.line, what);
}

void rc_em_origin(em *e, rc_loc loc)
{
    rc_cout_origin(&e->oc, e->src, loc.line);
}

void rc_em_origin_end(em *e)
{
    rc_cout_origin(&e->oc, NULL, 0);
}

void rc_em_grown_period(em *e, int i, bool declare)
{
    rc_cout *o = &e->oc;
    const rc_ir_breaker *b = &e->ir->breakers[i];
    char nop[32];
    rc_em_num(e, RC_SLOT_OPEN_MS, i, 0, b->open_ms, nop, sizeof nop);
    rc_cout_line(o, "%sp = recov_backoff(RECOV_BACKOFF_EXPONENTIAL, %s, %" PRIu32 "u, s->%s_opens);",
                 declare ? "uint32_t " : "", nop, b->open_factor_milli, e->brk[i]);
    rc_cout_open(o, "if (p > %" PRIu32 "u) {", b->open_max_ms);
    rc_cout_line(o, "p = %" PRIu32 "u;", b->open_max_ms);
    rc_cout_close(o, "}");
}

/* A table with one labelled row per value (emit_int.h). */
void rc_em_rows(rc_cout *o, const char *type, const char *name, const uint32_t *v, int n, bool hex,
                const char *const *labels)
{
    rc_cout_open(o, "static const %s %s[%d] = {", type, name, n);
    for (int i = 0; i < n; i++) {
        if (hex) rc_cout_line(o, "0x%08" PRIX32 "u, /* %s */", v[i], labels[i]);
        else rc_cout_line(o, "%" PRIu32 "u, /* %s */", v[i], labels[i]);
    }
    rc_cout_close(o, "};");
}
