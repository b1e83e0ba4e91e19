/* emit_c.c - checked IR -> P.h, P.c; see emit_c.h.
 *
 * The generated code is spec/semantics.md written out for one policy: each
 * breaker, budget and block becomes straight-line code with its constants
 * inlined, so a feature the policy does not use costs nothing (no breaker
 * code without breakers, no DFA without patterns, no `prev` without
 * decorrelated jitter).  Section names in comments ("P_failed 5") are the
 * spec's.  Rules the output follows (spec/generated-api.md):
 *   - C99, includes only its own header (which includes recov/recov.h);
 *   - no libc: no memset/memcpy, and no struct copies or zeroing loops that a
 *     compiler could turn into one (every member is assigned explicitly);
 *   - every comparison is folded or written in its operand's type so that
 *     -Wconversion -Wsign-compare -Wtype-limits stay quiet;
 *   - deterministic: the same IR gives the same bytes.
 */
#include "emit_c.h"
#include "dfa_pack.h"
#include "recov/recov.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* Checkpoint header: magic, format, 3 reserved, name hash, policy hash,
 * payload length; then records; then the CRC (spec/checkpoint.md). */
#define EM_CK_HEADER 20u
#define EM_CK_FORMAT 1u

/* One saved state item = one state member (array elements count singly). */
typedef struct em_rec {
    char key[320];      /* stable key string; the tag is its FNV-1a */
    char lval[48];      /* member as written after `s->` */
    char decl[48];      /* struct declarator, "" for array elements after the first */
    int size;           /* 1, 2, 4 bytes */
    int count;          /* array length for decl */
    uint32_t max;       /* largest valid value (validation in P_load) */
    int init;           /* 0: zero, 1: the seed, 2: now */
} em_rec;

typedef struct em {
    const rc_ir *ir;
    const char *P;
    FILE *h, *c;
    em_rec *recs;
    int nrecs, caprecs;
    int *woff;          /* [ntexts] first mask word of each text field */
    const char **scan;  /* [ntexts] scanner suffix emit_dfa chose: "8c", "16c" or "16" */
    int words;          /* total mask words */
    bool *blk_prev;     /* [nblocks] block keeps `prev` (decorrelated retry) */
    bool *blk_run;      /* [nblocks] block has a RUN step */
    signed char *foldv[2]; /* [nexprs] per context: -1 varies, 0 false, 1 true */
    bool any_run, any_esc, any_unres, any_fallback;
    bool any_runlist;   /* a `run H1, H2...` step: handlers learn their outcomes */
    bool unres[RC_SEV_COUNT];
    const char *cls_t;  /* type of the class table */
    uint32_t cls_max;
    char why[400];
} em;

/* ---- small helpers -------------------------------------------------------- */

uint32_t rc_emit_fnv1a(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++) {
        h ^= (uint8_t)*s;
        h *= 16777619u;
    }
    return h;
}

static const char *utype(uint64_t max)
{
    return max <= 0xFFu ? "uint8_t" : max <= 0xFFFFu ? "uint16_t" : "uint32_t";
}

static void put_upper(FILE *f, const char *s)
{
    for (; *s; s++)
        fputc(*s >= 'a' && *s <= 'z' ? *s - 'a' + 'A' : *s, f);
}

/* A C string literal: octal escapes (always 3 digits, so a following digit
 * cannot extend them) for everything but plain printable ASCII; `?` escaped
 * against trigraphs. */
static void put_cstr(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\' || ch == '?')
            fprintf(f, "\\%c", ch);
        else if (ch < 0x20 || ch >= 0x7F)
            fprintf(f, "\\%03o", ch);
        else
            fputc(ch, f);
    }
    fputc('"', f);
}

static const char *sev_name(int s)
{
    static const char *const n[RC_SEV_COUNT] = { "low", "medium", "high", "critical" };
    return s >= 0 && s < RC_SEV_COUNT ? n[s] : "?";
}

/* Appends a record; fmt builds the key. */
static em_rec *add_rec(em *e, int size, uint32_t max, const char *lval, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static em_rec *add_rec(em *e, int size, uint32_t max, const char *lval, const char *fmt, ...)
{
    if (e->nrecs == e->caprecs) {
        e->caprecs = e->caprecs ? e->caprecs * 2 : 32;
        e->recs = realloc(e->recs, sizeof *e->recs * (size_t)e->caprecs);
        if (!e->recs) {
            fputs("recovc: internal error: out of memory\n", stderr);
            exit(3);
        }
    }
    em_rec *r = &e->recs[e->nrecs++];
    memset(r, 0, sizeof *r);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->key, sizeof r->key, fmt, ap);
    va_end(ap);
    snprintf(r->lval, sizeof r->lval, "%s", lval);
    snprintf(r->decl, sizeof r->decl, "%s", lval);
    r->size = size;
    r->count = 1;
    r->max = max;
    return r;
}

/* ---- analysis: which state exists ---------------------------------------- */

static bool uses_decorrelated(const rc_ir *ir, const rc_ir_block *b)
{
    for (int i = 0; i < b->nsteps; i++)
        if (b->steps[i].kind == RC_IR_RETRY && ir->retries[b->steps[i].retry].jitter == RC_JITTER_DECORRELATED)
            return true;
    return false;
}

/* The state, member by member, in checkpoint order (persistent first). */
static void plan_state(em *e)
{
    const rc_ir *ir = e->ir;
    char lv[48];
    em_rec *r;

    r = add_rec(e, 4, 0xFFFFFFFFu, "prng", "prng");
    r->init = 1;
    for (int i = 0; i < ir->nbreakers; i++) {
        const rc_ir_breaker *b = &ir->breakers[i];
        snprintf(lv, sizeof lv, "brk%d_state", i);
        add_rec(e, 1, 2u, lv, "breaker.%s.state", b->name);
        if (rc_ir_breaker_counts_fails(b->mode)) {
            snprintf(lv, sizeof lv, "brk%d_fails", i);
            add_rec(e, 2, 0xFFFFu, lv, "breaker.%s.fails", b->name);
        } else {
            uint32_t mask = b->window >= 32 ? 0xFFFFFFFFu : (1u << b->window) - 1u;
            snprintf(lv, sizeof lv, "brk%d_window", i);
            add_rec(e, 4, mask, lv, "breaker.%s.window", b->name);
            snprintf(lv, sizeof lv, "brk%d_n", i);
            add_rec(e, 1, b->window, lv, "breaker.%s.n", b->name);
        }
        snprintf(lv, sizeof lv, "brk%d_opened_at", i);
        add_rec(e, 4, 0xFFFFFFFFu, lv, "breaker.%s.opened_at", b->name);
        snprintf(lv, sizeof lv, "brk%d_admitted", i);
        add_rec(e, 2, 0xFFFFu, lv, "breaker.%s.admitted", b->name);
        snprintf(lv, sizeof lv, "brk%d_successes", i);
        add_rec(e, 2, 0xFFFFu, lv, "breaker.%s.successes", b->name);
    }
    for (int i = 0; i < ir->nbudgets; i++) {
        snprintf(lv, sizeof lv, "bud%d_wstart", i);
        r = add_rec(e, 4, 0xFFFFFFFFu, lv, "budget.%s.wstart", ir->budgets[i].name);
        r->init = 2;
        snprintf(lv, sizeof lv, "bud%d_calls", i);
        add_rec(e, 2, 0xFFFFu, lv, "budget.%s.calls", ir->budgets[i].name);
        snprintf(lv, sizeof lv, "bud%d_retries", i);
        add_rec(e, 2, 0xFFFFu, lv, "budget.%s.retries", ir->budgets[i].name);
    }
    if (e->any_fallback) {
        for (int k = 0; k < 2; k++) {
            for (int i = 0; i < ir->nalts; i++) {
                snprintf(lv, sizeof lv, "alt_%s[%d]", k ? "failed" : "ok", i);
                r = add_rec(e, 2, 0xFFFFu, lv, "alt.%s.%s", ir->alts[i].name, k ? "failed" : "ok");
                if (i == 0)
                    snprintf(r->decl, sizeof r->decl, "alt_%s[%d]", k ? "failed" : "ok", ir->nalts);
                else
                    r->decl[0] = '\0';
            }
        }
    }
    if (e->any_runlist) {
        for (int k = 0; k < 2; k++) {
            for (int i = 0; i < ir->nhandlers; i++) {
                snprintf(lv, sizeof lv, "hnd_%s[%d]", k ? "failed" : "ok", i);
                r = add_rec(e, 2, 0xFFFFu, lv, "handler.%s.%s", ir->handlers[i].name, k ? "failed" : "ok");
                if (i == 0)
                    snprintf(r->decl, sizeof r->decl, "hnd_%s[%d]", k ? "failed" : "ok", ir->nhandlers);
                else
                    r->decl[0] = '\0';
            }
        }
    }
    for (int l = 0; l < RC_SEV_COUNT; l++) {
        if (!e->unres[l]) continue;
        snprintf(lv, sizeof lv, "unres%d", l);
        add_rec(e, 2, 0xFFFFu, lv, "unresolved.%s", sev_name(l));
    }
    /* the incident: keyed with the policy hash, so only the identical policy restores it */
    uint32_t h = ir->hash;
    add_rec(e, 1, 1u, "active", "incident.%08" PRIx32 ".active", h);
    add_rec(e, 4, 0xFFFFFFFFu, "start", "incident.%08" PRIx32 ".start", h);
    add_rec(e, 2, 0xFFFFu, "attempt", "incident.%08" PRIx32 ".attempt", h);
    add_rec(e, 2, (uint32_t)(ir->nerrors > 0 ? ir->nerrors - 1 : 0), "error",
            "incident.%08" PRIx32 ".error", h);
    if (e->any_run)
        add_rec(e, 1, (uint32_t)ir->nblocks, "pending", "incident.%08" PRIx32 ".pending", h);
    if (e->any_fallback)
        add_rec(e, 2, (uint32_t)ir->nalts, "last_alt", "incident.%08" PRIx32 ".last_alt", h);
    if (e->any_runlist)
        add_rec(e, 2, (uint32_t)ir->nhandlers, "last_handler", "incident.%08" PRIx32 ".last_handler", h);
    for (int b = 0; b < ir->nblocks; b++) {
        snprintf(lv, sizeof lv, "blk%d_pos", b);
        add_rec(e, 1, (uint32_t)ir->blocks[b].nsteps, lv, "block.%08" PRIx32 ".%d.pos", h, b);
        snprintf(lv, sizeof lv, "blk%d_sub", b);
        add_rec(e, 2, 0xFFFFu, lv, "block.%08" PRIx32 ".%d.sub", h, b);
        if (e->blk_prev[b]) {
            snprintf(lv, sizeof lv, "blk%d_prev", b);
            add_rec(e, 4, 0xFFFFFFFFu, lv, "block.%08" PRIx32 ".%d.prev", h, b);
        }
    }
    for (int i = 0; i < e->nrecs; i++) {
        const char *br = e->recs[i].decl[0] ? strchr(e->recs[i].decl, '[') : NULL;
        if (br) e->recs[i].count = atoi(br + 1);
    }
}

static bool analyse(em *e)
{
    const rc_ir *ir = e->ir;
    e->blk_prev = calloc((size_t)(ir->nblocks + 1), sizeof(bool));
    e->blk_run = calloc((size_t)(ir->nblocks + 1), sizeof(bool));
    e->woff = calloc((size_t)(ir->ntexts + 1), sizeof(int));
    e->scan = calloc((size_t)(ir->ntexts + 1), sizeof *e->scan);
    if (!e->blk_prev || !e->blk_run || !e->woff || !e->scan) {
        snprintf(e->why, sizeof e->why, "out of memory");
        return false;
    }
    for (int t = 0; t < ir->ntexts; t++) {
        e->woff[t] = e->words;
        e->words += ir->texts[t].dfa.words;
    }
    e->any_fallback = ir->nalts > 0;
    for (int b = 0; b < ir->nblocks; b++) {
        e->blk_prev[b] = uses_decorrelated(ir, &ir->blocks[b]);
        for (int i = 0; i < ir->blocks[b].nsteps; i++) {
            const rc_ir_step *st = &ir->blocks[b].steps[i];
            if (st->kind == RC_IR_RUN) e->blk_run[b] = e->any_run = true;
            if (st->kind == RC_IR_RUN && st->nalts > 0) e->any_runlist = true;
            if (st->kind == RC_IR_ESCALATE) e->any_esc = true;
        }
    }
    if (ir->has_escalation)
        for (int l = 0; l < RC_SEV_COUNT; l++)
            if (ir->escalation.unresolved_after[l]) e->unres[l] = e->any_unres = true;
    e->cls_max = (uint32_t)(ir->nclasses > 0 ? ir->nclasses - 1 : 0);
    e->cls_t = utype(e->cls_max);
    return true;
}

/* ASCII case-insensitive equality: the enum constants are upper-cased. */
static bool same_upper(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        char x = *a >= 'a' && *a <= 'z' ? (char)(*a - 'a' + 'A') : *a;
        char y = *b >= 'a' && *b <= 'z' ? (char)(*b - 'a' + 'A') : *b;
        if (x != y) return false;
    }
    return *a == *b;
}

/* Generated names must stay distinct after upper-casing, and an enum
 * constant must not meet a P_<KIND>_COUNT macro (class, alt, mode and
 * handler share their macro's word: P_CLASS_COUNT, P_ALT_COUNT...). */
static bool check_names(em *e)
{
    const rc_ir *ir = e->ir;
    const char **errs = calloc((size_t)ir->nerrors + (size_t)ir->nclasses + 2, sizeof *errs);
    if (!errs) exit(3);
    const char **cls = errs + ir->nerrors + 1;
    for (int i = 0; i < ir->nerrors; i++) errs[i] = ir->errors[i].name;
    for (int i = 0; i < ir->nclasses; i++) cls[i] = ir->classes[i].name;
    struct { const char *what; const char **s; const rc_ir_name *v; int n; bool count; } k[] = {
        { "error", errs, NULL, ir->nerrors, false },      { "class", cls, NULL, ir->nclasses, true },
        { "alternative", NULL, ir->alts, ir->nalts, true }, { "mode", NULL, ir->modes, ir->nmodes, true },
        { "channel", NULL, ir->channels, ir->nchannels, false },
        { "handler", NULL, ir->handlers, ir->nhandlers, true },
        { "adjustment", NULL, ir->adjusts, ir->nadjusts, false },
    };
    bool ok = true;
    for (size_t g = 0; g < sizeof k / sizeof k[0] && ok; g++)
        for (int i = 0; i < k[g].n && ok; i++) {
            const char *a = k[g].s ? k[g].s[i] : k[g].v[i].name;
            if (k[g].count && same_upper(a, "count")) {
                snprintf(e->why, sizeof e->why, "%s '%.80s' would meet the macro %.80s_..._COUNT; rename it",
                         k[g].what, a, ir->name);
                ok = false;
            }
            for (int j = i + 1; j < k[g].n && ok; j++) {
                const char *b = k[g].s ? k[g].s[j] : k[g].v[j].name;
                if (same_upper(a, b)) {
                    snprintf(e->why, sizeof e->why, "%s names '%.80s' and '%.80s' give the same C constant",
                             k[g].what, a, b);
                    ok = false;
                }
            }
        }
    free(errs);
    if (!ok) return false;
    /* checkpoint tags must be distinct */
    for (int i = 0; i < e->nrecs; i++)
        for (int j = i + 1; j < e->nrecs; j++)
            if (rc_emit_fnv1a(e->recs[i].key) == rc_emit_fnv1a(e->recs[j].key)) {
                snprintf(e->why, sizeof e->why, "checkpoint keys '%.80s' and '%.80s' collide",
                         e->recs[i].key, e->recs[j].key);
                return false;
            }
    return true;
}

/* ---- the header ----------------------------------------------------------- */

static const char *field_ctype(rc_type t)
{
    switch (t) {
    case RC_TY_U8:   return "uint8_t";
    case RC_TY_U16:  return "uint16_t";
    case RC_TY_U32:  return "uint32_t";
    case RC_TY_I8:   return "int8_t";
    case RC_TY_I16:  return "int16_t";
    case RC_TY_I32:  return "int32_t";
    case RC_TY_BOOL: return "bool";
    case RC_TY_TEXT: return "const char *";
    }
    return "uint32_t";
}

static void emit_enum(em *e, const char *tag, const char *pfx, const char *count,
                      const char *const *names, int n)
{
    FILE *h = e->h;
    if (n > 0) {
        fprintf(h, "enum %s_%s {\n", e->P, tag);
        for (int i = 0; i < n; i++) {
            fprintf(h, "    %s_%s_", e->P, pfx);
            put_upper(h, names[i]);
            fprintf(h, " = %d%s\n", i, i + 1 < n ? "," : "");
        }
        fprintf(h, "};\n");
    }
    fprintf(h, "#define %s_%s_COUNT %du\n\n", e->P, count, n);
}

static const char **name_list(const rc_ir_name *v, int n)
{
    const char **out = calloc((size_t)n + 1, sizeof *out);
    if (!out) exit(3);
    for (int i = 0; i < n; i++) out[i] = v[i].name;
    return out;
}

static int state_size(const em *e)
{
    int sz = 0;
    for (int i = 0; i < e->nrecs; i++)
        if (e->recs[i].decl[0]) sz += e->recs[i].size * e->recs[i].count;
    return (sz + 3) / 4 * 4;
}

static int ck_payload(const em *e)
{
    int n = 0;
    for (int i = 0; i < e->nrecs; i++) n += 5 + e->recs[i].size;
    return n;
}

static void emit_header(em *e, const char *header_name)
{
    const rc_ir *ir = e->ir;
    FILE *h = e->h;
    const char *P = e->P;

    fprintf(h, "/* %s - generated by recovc from policy %s version %" PRIu32 ".  Do not edit.\n",
            header_name, P, ir->version);
    fprintf(h, " * API: spec/generated-api.md; checkpoints: spec/checkpoint.md. */\n");
    fprintf(h, "#ifndef RECOV_GEN_");
    put_upper(h, P);
    fprintf(h, "_H\n#define RECOV_GEN_");
    put_upper(h, P);
    fprintf(h, "_H\n\n#include \"recov/recov.h\"\n\n");
    fprintf(h, "#if RECOV_ABI_VERSION != %uu\n#error \"%s: generated for recov runtime ABI %u, "
               "runtime has a different ABI\"\n#endif\n\n",
            (unsigned)RECOV_ABI_VERSION, header_name, (unsigned)RECOV_ABI_VERSION);
    fprintf(h, "#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n");
    fprintf(h, "#define %s_POLICY_HASH 0x%08" PRIX32 "u\n", P, ir->hash);
    fprintf(h, "#define %s_POLICY_VERSION %" PRIu32 "u\n", P, ir->version);
    fprintf(h, "#define %s_STATE_SIZE %du\n", P, state_size(e));
    fprintf(h, "#define %s_CHECKPOINT_MAX %du\n\n", P, (int)EM_CK_HEADER + ck_payload(e) + 4);

    if (ir->fault_struct) {
        /* `fault = struct NAME;`: the host's own struct (spec/headers.md) */
        fprintf(h, "/* the fault is the host's struct %s, from the imported header%s */\n", ir->fault_struct,
                ir->nimports == 1 ? "" : "s");
        for (int i = 0; i < ir->nimports; i++) fprintf(h, "#include \"%s\"\n", ir->imports[i]);
        fprintf(h, "typedef struct %s %s_fault;\n\n", ir->fault_struct, P);
    } else {
    fprintf(h, "typedef struct %s_fault {\n", P);
    for (int i = 0; i < ir->nfields; i++) {
        const char *t = field_ctype(ir->fields[i].type);
        fprintf(h, "    %s%s%s;\n", t, t[strlen(t) - 1] == '*' ? "" : " ", ir->fields[i].name);
    }
    if (ir->nfields == 0) fprintf(h, "    uint8_t recov_unused_;\n");
    fprintf(h, "} %s_fault;\n\n", P);
    }

    const char **n = calloc((size_t)ir->nerrors + 1, sizeof *n);
    if (!n) exit(3);
    for (int i = 0; i < ir->nerrors; i++) n[i] = ir->errors[i].name;
    emit_enum(e, "error", "ERR", "ERROR", n, ir->nerrors);
    free(n);
    n = calloc((size_t)ir->nclasses + 1, sizeof *n);
    if (!n) exit(3);
    for (int i = 0; i < ir->nclasses; i++) n[i] = ir->classes[i].name;
    emit_enum(e, "class", "CLASS", "CLASS", n, ir->nclasses);
    free(n);
    struct { const char *tag, *pfx, *count; const rc_ir_name *v; int cnt; } k[] = {
        { "alt", "ALT", "ALT", ir->alts, ir->nalts },
        { "mode", "MODE", "MODE", ir->modes, ir->nmodes },
        { "channel", "CHAN", "CHANNEL", ir->channels, ir->nchannels },
        { "handler", "HANDLER", "HANDLER", ir->handlers, ir->nhandlers },
        { "adjust", "ADJ", "ADJUST", ir->adjusts, ir->nadjusts },
    };
    for (size_t g = 0; g < sizeof k / sizeof k[0]; g++) {
        n = name_list(k[g].v, k[g].cnt);
        emit_enum(e, k[g].tag, k[g].pfx, k[g].count, n, k[g].cnt);
        free(n);
    }

    /* members by size (u32, u16, u8) so the struct has no inner padding */
    fprintf(h, "/* The whole state (%d bytes); treat as opaque, save with %s_save. */\n",
            state_size(e), P);
    fprintf(h, "struct %s_state {\n", P);
    static const char *const ty[5] = { "", "uint8_t", "uint16_t", "", "uint32_t" };
    for (int sz = 4; sz >= 1; sz /= 2)
        for (int i = 0; i < e->nrecs; i++)
            if (e->recs[i].size == sz && e->recs[i].decl[0])
                fprintf(h, "    %s %s;\n", ty[sz], e->recs[i].decl);
    fprintf(h, "};\ntypedef struct %s_state %s_state;\n\n", P, P);

    fprintf(h, "void           %s_init(%s_state *s, uint32_t now, uint32_t seed);\n", P, P);
    fprintf(h, "recov_admit    %s_admit(%s_state *s, uint32_t now);\n", P, P);
    fprintf(h, "recov_decision %s_failed(%s_state *s, const %s_fault *f, uint32_t now);\n", P, P, P);
    fprintf(h, "recov_decision %s_handler_done(%s_state *s, bool ok, uint32_t now);\n", P, P);
    fprintf(h, "void           %s_succeeded(%s_state *s, uint32_t now);\n", P, P);
    fprintf(h, "unsigned       %s_classify(const %s_fault *f);\n", P, P);
    fprintf(h, "size_t         %s_save(const %s_state *s, uint8_t *buf, size_t cap);\n", P, P);
    fprintf(h, "recov_load     %s_load(%s_state *s, const uint8_t *buf, size_t len);\n", P, P);
    fprintf(h, "const char    *%s_error_name(unsigned id);\n", P);
    fprintf(h, "const char    *%s_error_message(unsigned id);\n", P);
    fprintf(h, "const char    *%s_error_hint(unsigned id);\n", P);
    fprintf(h, "const char    *%s_error_step(unsigned id, unsigned i);\n", P);
    static const char *const nm[] = { "class", "alt", "mode", "channel", "handler", "adjust" };
    for (size_t i = 0; i < sizeof nm / sizeof nm[0]; i++)
        fprintf(h, "const char    *%s_%s_name(unsigned id);\n", P, nm[i]);
    fprintf(h, "\n#ifdef __cplusplus\n}\n#endif\n\n#endif\n");
}

/* ---- tables ----------------------------------------------------------------- */

static void emit_u32_array(FILE *c, const char *type, const char *name, const uint32_t *v, int n, bool hex)
{
    fprintf(c, "static const %s %s[%d] = {", type, name, n);
    for (int i = 0; i < n; i++) {
        if (i % 12 == 0) fprintf(c, "\n   ");
        if (hex) fprintf(c, " 0x%08" PRIX32 "u,", v[i]);
        else fprintf(c, " %" PRIu32 "u,", v[i]);
    }
    fprintf(c, "\n};\n");
}

/* Pattern lists (recov.h): hex, so the RECOV_DFA_LAST bit shows. */
static void emit_pats(FILE *c, const char *P, int t, const uint16_t *v, int n)
{
    fprintf(c, "static const uint16_t %s__t%d_pats[%d] = {", P, t, n);
    for (int i = 0; i < n; i++) {
        if (i % 12 == 0) fprintf(c, "\n   ");
        fprintf(c, " 0x%04Xu,", (unsigned)v[i]);
    }
    fprintf(c, "\n};\n");
}

static uint32_t max_of(const uint32_t *v, int n)
{
    uint32_t m = 0;
    for (int i = 0; i < n; i++) if (v[i] > m) m = v[i];
    return m;
}

/* The compact table forms (dfa_pack.h, recov_dfa8c / recov_dfa16c in recov/recov.h). */
static void emit_small_array(FILE *c, const char *P, int t, const char *sfx, const char *type,
                             const uint8_t *v8, const uint16_t *v16, int n)
{
    static uint32_t w[RC_DFAPACK_MAXCOMB];
    char nm[128];
    for (int i = 0; i < n; i++) w[i] = v8 ? v8[i] : v16[i];
    snprintf(nm, sizeof nm, "%s__t%d_%s", P, t, sfx);
    emit_u32_array(c, type, nm, w, n, false);
}

static void emit_dfa_packed(em *e, int t, const rc_dfapack *z)
{
    FILE *c = e->c;
    const rc_dfa *d = &e->ir->texts[t].dfa;
    const char *P = e->P;
    const char *st = z->wide ? "uint16_t" : "uint8_t";
    int nacc = z->nids - z->accfrom;
    emit_small_array(c, P, t, "map", "uint8_t", z->map, NULL, z->hi - z->lo + 1);
    emit_small_array(c, P, t, "def", st, NULL, z->def, z->nclasses);
    emit_small_array(c, P, t, "chk", "uint8_t", z->chk, NULL, z->ncomb);
    emit_small_array(c, P, t, "nxt", st, NULL, z->nxt, z->ncomb);
    if (nacc > 0) {
        emit_small_array(c, P, t, "acc", st, NULL, z->acc, nacc);
        /* acc_end is often acc itself: then one table serves both */
        if (!z->same_end) emit_small_array(c, P, t, "end", st, NULL, z->acc_end, nacc);
    }
    emit_pats(c, P, t, z->pats, z->npats);
    fprintf(c, "static const recov_dfa%s %s__t%d = {\n    %s__t%d_map, %s__t%d_def, "
               "%s__t%d_chk, %s__t%d_nxt,\n", z->wide ? "16c" : "8c", P, t, P, t, P, t, P, t, P, t);
    if (nacc > 0) fprintf(c, "    %s__t%d_acc, %s__t%d_%s, ", P, t, P, t, z->same_end ? "acc" : "end");
    else fprintf(c, "    NULL, NULL, ");
    if (z->wide)
        fprintf(c, "%s__t%d_pats, %du, %du, %du\n};\n\n", P, t, d->words, z->accfrom, z->stopfrom);
    else
        fprintf(c, "%s__t%d_pats, %du, %du, %du, %du, %du, %du\n};\n\n",
                P, t, z->lo, z->hi, z->cdef, d->words, z->k0, z->accfrom);
}

static void emit_dfa(em *e, int t)
{
    FILE *c = e->c;
    const rc_dfa *d = &e->ir->texts[t].dfa;
    char nm[128];
    uint32_t cm[256];
    fprintf(c, "/* text field %s: %d patterns, %d states, %d byte classes */\n",
            e->ir->fields[e->ir->texts[t].field].name, d->npatterns, d->nstates, d->nclasses);
    static rc_dfapack z;
    if (rc_dfapack_build(d, &z)) {
        e->scan[t] = z.wide ? "16c" : "8c";
        emit_dfa_packed(e, t, &z);
        return;
    }
    e->scan[t] = "16";      /* the full tables are 16-bit only */
    for (int i = 0; i < 256; i++) cm[i] = d->classmap[i];
    snprintf(nm, sizeof nm, "%s__t%d_map", e->P, t);
    emit_u32_array(c, "uint8_t", nm, cm, 256, false);
    snprintf(nm, sizeof nm, "%s__t%d_trans", e->P, t);
    emit_u32_array(c, "uint16_t", nm, d->trans, d->nstates * d->nclasses, false);
    /* acc values: mask rows -> pattern lists (build_dfas checked that they fit) */
    static uint32_t row_at[RC_DFAPACK_MAXID + 1], v[RC_DFAPACK_MAXLIST];
    static uint16_t pats[RC_DFAPACK_MAXLIST];
    int npats = rc_dfapack_lists(d, pats, RC_DFAPACK_MAXLIST, row_at);
    for (int s = 0; s < d->nstates; s++) v[s] = row_at[d->acc[s]];
    snprintf(nm, sizeof nm, "%s__t%d_acc", e->P, t);
    emit_u32_array(c, "uint16_t", nm, v, d->nstates, false);
    for (int s = 0; s < d->nstates; s++) v[s] = row_at[d->acc_end[s]];
    snprintf(nm, sizeof nm, "%s__t%d_end", e->P, t);
    emit_u32_array(c, "uint16_t", nm, v, d->nstates, false);
    emit_pats(c, e->P, t, pats, npats);
    fprintf(c, "static const recov_dfa16 %s__t%d = {\n    %s__t%d_map, %s__t%d_trans, %s__t%d_acc, "
               "%s__t%d_end, %s__t%d_pats, %du, %du\n};\n\n",
            e->P, t, e->P, t, e->P, t, e->P, t, e->P, t, e->P, t, d->nclasses, d->words);
}

static void emit_strings(em *e, const char *fn, const char *tab, const char *const *v, int n)
{
    FILE *c = e->c;
    bool any = false;
    for (int i = 0; i < n; i++) if (v[i]) any = true;
    if (!any) {
        fprintf(c, "const char *%s_%s(unsigned id)\n{\n    (void)id;\n    return NULL;\n}\n\n", e->P, fn);
        return;
    }
    fprintf(c, "static const char *const %s__%s[%d] = {\n", e->P, tab, n);
    for (int i = 0; i < n; i++) {
        fprintf(c, "    ");
        if (v[i]) put_cstr(c, v[i]);
        else fprintf(c, "NULL");
        fprintf(c, ",\n");
    }
    fprintf(c, "};\nconst char *%s_%s(unsigned id)\n{\n    return (id < %du) ? %s__%s[id] : NULL;\n}\n\n",
            e->P, fn, n, e->P, tab);
}

static void emit_name_funcs(em *e)
{
    const rc_ir *ir = e->ir;
    FILE *c = e->c;
    const char **v = calloc((size_t)ir->nerrors + 1, sizeof *v);
    if (!v) exit(3);
    for (int i = 0; i < ir->nerrors; i++) v[i] = ir->errors[i].name;
    emit_strings(e, "error_name", "err_names", v, ir->nerrors);
    for (int i = 0; i < ir->nerrors; i++) v[i] = ir->errors[i].message;
    emit_strings(e, "error_message", "err_msgs", v, ir->nerrors);
    for (int i = 0; i < ir->nerrors; i++) v[i] = ir->errors[i].hint;
    emit_strings(e, "error_hint", "err_hints", v, ir->nerrors);
    free(v);

    int total = 0;
    for (int i = 0; i < ir->nerrors; i++) total += ir->errors[i].nsteps;
    if (total == 0) {
        fprintf(c, "const char *%s_error_step(unsigned id, unsigned i)\n{\n    (void)id;\n    (void)i;\n"
                   "    return NULL;\n}\n\n", e->P);
    } else {
        uint32_t *off = calloc((size_t)ir->nerrors + 1, sizeof *off);
        if (!off) exit(3);
        fprintf(c, "static const char *const %s__steps[%d] = {\n", e->P, total);
        for (int i = 0, k = 0; i < ir->nerrors; i++) {
            off[i] = (uint32_t)k;
            for (int j = 0; j < ir->errors[i].nsteps; j++, k++) {
                fprintf(c, "    ");
                put_cstr(c, ir->errors[i].steps[j]);
                fprintf(c, ",\n");
            }
        }
        off[ir->nerrors] = (uint32_t)total;
        fprintf(c, "};\n");
        char nm[96];
        snprintf(nm, sizeof nm, "%s__step_off", e->P);
        emit_u32_array(c, utype((uint64_t)total), nm, off, ir->nerrors + 1, false);
        fprintf(c, "const char *%s_error_step(unsigned id, unsigned i)\n{\n"
                   "    if ((id >= %du) || (i >= (unsigned)(%s__step_off[id + 1u] - %s__step_off[id]))) {\n        return NULL;\n    }\n    return %s__steps[%s__step_off[id] + i];\n}\n\n",
                e->P, ir->nerrors, e->P, e->P, e->P, e->P);
        free(off);
    }
    struct { const char *fn, *tab; const rc_ir_name *nv; int n; } k[] = {
        { "alt_name", "alt_names", ir->alts, ir->nalts },
        { "mode_name", "mode_names", ir->modes, ir->nmodes },
        { "channel_name", "chan_names", ir->channels, ir->nchannels },
        { "handler_name", "handler_names", ir->handlers, ir->nhandlers },
        { "adjust_name", "adj_names", ir->adjusts, ir->nadjusts },
    };
    const char **cn = calloc((size_t)ir->nclasses + 1, sizeof *cn);
    if (!cn) exit(3);
    for (int i = 0; i < ir->nclasses; i++) cn[i] = ir->classes[i].name;
    emit_strings(e, "class_name", "class_names", cn, ir->nclasses);
    free(cn);
    for (size_t g = 0; g < sizeof k / sizeof k[0]; g++) {
        const char **nv = name_list(k[g].nv, k[g].n);
        emit_strings(e, k[g].fn, k[g].tab, nv, k[g].n);
        free(nv);
    }
}

/* ---- conditions --------------------------------------------------------- */

enum { CTX_CLASSIFY, CTX_WHEN };

/* Operand: C text and the range of its C type (comparisons are folded
 * against that range, which is both exact and what -Wtype-limits wants). */
static bool operand(const em *e, const rc_ir_expr *x, int ctx, char *buf, size_t n,
                    int64_t *lo, int64_t *hi, bool *sgn)
{
    const rc_ir *ir = e->ir;
    *sgn = false;
    if (x->opd != RC_OPD_FIELD && ctx == CTX_CLASSIFY) {
        /* classify rules see only the fault (the checker allows no more); the
         * incident's operands read 0 there, as in the simulator when idle */
        *lo = *hi = 0;
        snprintf(buf, n, "0u");
        return true;
    }
    switch (x->opd) {
    case RC_OPD_FIELD: {
        const rc_ir_field *fd = &ir->fields[x->field];
        switch (fd->type) {
        case RC_TY_U8:   *lo = 0; *hi = UINT8_MAX; break;
        case RC_TY_U16:  *lo = 0; *hi = UINT16_MAX; break;
        case RC_TY_U32:  *lo = 0; *hi = UINT32_MAX; break;
        case RC_TY_I8:   *lo = INT8_MIN; *hi = INT8_MAX; *sgn = true; break;
        case RC_TY_I16:  *lo = INT16_MIN; *hi = INT16_MAX; *sgn = true; break;
        case RC_TY_I32:  *lo = INT32_MIN; *hi = INT32_MAX; *sgn = true; break;
        case RC_TY_BOOL: *lo = 0; *hi = 1; break;
        case RC_TY_TEXT: *lo = *hi = 0; snprintf(buf, n, "0u"); return true;
        }
        if (fd->type == RC_TY_BOOL)
            snprintf(buf, n, "(f->%s ? 1u : 0u)", fd->name);
        else
            snprintf(buf, n, "(%s)f->%s", *sgn ? "int32_t" : "uint32_t", fd->name);
        return true;
    }
    case RC_OPD_ATTEMPT:  *lo = 0; *hi = UINT16_MAX; snprintf(buf, n, "(uint32_t)s->attempt"); return true;
    case RC_OPD_ELAPSED:  *lo = 0; *hi = UINT32_MAX; snprintf(buf, n, "el"); return true;
    case RC_OPD_SEVERITY: *lo = 0; *hi = UINT8_MAX; snprintf(buf, n, "(uint32_t)%s__sev[e]", e->P); return true;
    case RC_OPD_CLASS:
        *lo = 0;
        *hi = strcmp(e->cls_t, "uint8_t") == 0 ? UINT8_MAX : strcmp(e->cls_t, "uint16_t") == 0 ? UINT16_MAX : UINT32_MAX;
        snprintf(buf, n, "(uint32_t)%s__cls[e]", e->P);
        return true;
    case RC_OPD_ERROR:    *lo = 0; *hi = UINT32_MAX; snprintf(buf, n, "e"); return true;
    }
    return false;
}

/* -1 unknown, 0 always false, 1 always true: `x op v` over x in [lo, hi]. */
static int fold_cmp(rc_ir_cmp op, int64_t v, int64_t lo, int64_t hi)
{
    switch (op) {
    case RC_IR_EQ: if (v < lo || v > hi) return 0; if (lo == hi) return 1; return -1;
    case RC_IR_NE: if (v < lo || v > hi) return 1; if (lo == hi) return 0; return -1;
    case RC_IR_LT: if (v <= lo) return 0; if (v > hi) return 1; return -1;
    case RC_IR_LE: if (v < lo) return 0; if (v >= hi) return 1; return -1;
    case RC_IR_GT: if (v >= hi) return 0; if (v < lo) return 1; return -1;
    case RC_IR_GE: if (v > hi) return 0; if (v <= lo) return 1; return -1;
    }
    return -1;
}

static void put_lit(FILE *f, int64_t v, bool sgn)
{
    if (!sgn) fprintf(f, "%" PRId64 "u", v);
    else if (v == INT32_MIN) fprintf(f, "(-2147483647 - 1)");
    else if (v < 0) fprintf(f, "(%" PRId64 ")", v);
    else fprintf(f, "%" PRId64, v);
}

/* Constant value of expression i (-1 when it depends on the input), from
 * the table fold_all fills. */
static int fold(const em *e, int i, int ctx) { return e->foldv[ctx][i]; }

/* One bottom-up pass over the expressions (children have smaller indices),
 * so folding is linear however deep conditions nest. */
static void fold_all(em *e, int ctx)
{
    const rc_ir *ir = e->ir;
    signed char *v = e->foldv[ctx];
    for (int i = 0; i < ir->nexprs; i++) {
        const rc_ir_expr *x = &ir->exprs[i];
        char buf[160];
        int64_t lo, hi;
        bool sgn;
        int a, b, r = -1;
        switch (x->kind) {
        case RC_X_TRUE: r = 1; break;
        case RC_X_CMP:
            operand(e, x, ctx, buf, sizeof buf, &lo, &hi, &sgn);
            r = fold_cmp(x->op, x->value, lo, hi);
            break;
        case RC_X_IN:
            operand(e, x, ctx, buf, sizeof buf, &lo, &hi, &sgn);
            a = fold_cmp(RC_IR_GE, x->lo, lo, hi);
            b = fold_cmp(RC_IR_LE, x->hi, lo, hi);
            if (x->lo > x->hi || a == 0 || b == 0) r = 0;
            else if (a == 1 && b == 1) r = 1;
            break;
        case RC_X_MATCH: break;
        case RC_X_AND:
            a = v[x->a];
            b = v[x->b];
            if (a == 0 || b == 0) r = 0;
            else if (a == 1 && b == 1) r = 1;
            break;
        case RC_X_OR:
            a = v[x->a];
            b = v[x->b];
            if (a == 1 || b == 1) r = 1;
            else if (a == 0 && b == 0) r = 0;
            break;
        case RC_X_NOT:
            a = v[x->a];
            r = a < 0 ? -1 : !a;
            break;
        }
        v[i] = (signed char)r;
    }
}

static void put_cmp(FILE *f, const char *opd, rc_ir_cmp op, int64_t v, bool sgn)
{
    static const char *const ops[] = { "==", "!=", "<", "<=", ">", ">=" };
    fprintf(f, "%s %s ", opd, ops[op]);
    put_lit(f, v, sgn);
}

/* Writes one leaf (comparison, range, pattern bit). */
static void put_leaf(const em *e, FILE *f, const rc_ir_expr *x, int ctx)
{
    char opd[160];
    int64_t lo, hi;
    bool sgn;
    switch (x->kind) {
    case RC_X_TRUE: fprintf(f, "1"); return;
    case RC_X_CMP:
        operand(e, x, ctx, opd, sizeof opd, &lo, &hi, &sgn);
        put_cmp(f, opd, x->op, x->value, sgn);
        return;
    case RC_X_IN: {
        operand(e, x, ctx, opd, sizeof opd, &lo, &hi, &sgn);
        int a = fold_cmp(RC_IR_GE, x->lo, lo, hi), b = fold_cmp(RC_IR_LE, x->hi, lo, hi);
        if (a < 0 && b < 0) {
            fprintf(f, "((");
            put_cmp(f, opd, RC_IR_GE, x->lo, sgn);
            fprintf(f, ") && (");
            put_cmp(f, opd, RC_IR_LE, x->hi, sgn);
            fprintf(f, "))");
        } else if (a < 0) {
            put_cmp(f, opd, RC_IR_GE, x->lo, sgn);
        } else {
            put_cmp(f, opd, RC_IR_LE, x->hi, sgn);
        }
        return;
    }
    case RC_X_MATCH: {
        int t = e->ir->fields[x->field].text_index;
        fprintf(f, "(m[%d] & 0x%08" PRIX32 "u) != 0u", e->woff[t] + x->pattern / 32,
                (uint32_t)1u << (x->pattern % 32));
        return;
    }
    default: return;
    }
}

/* Writes expression i (not constant itself); constant children are dropped.
 * An explicit stack of "visit node" / "print text" items instead of
 * recursion: conditions may nest tens of thousands deep. */
typedef struct put_item { int node; const char *text; } put_item;

static void put_expr(const em *e, FILE *f, int root, int ctx)
{
    size_t cap = 64, n = 0;
    put_item *st = malloc(cap * sizeof *st);
    if (!st) return;
    st[n++] = (put_item){root, NULL};
    while (n) {
        put_item it = st[--n];
        if (it.text) { fputs(it.text, f); continue; }
        if (n + 4 > cap) {
            cap *= 2;
            put_item *ns = realloc(st, cap * sizeof *st);
            if (!ns) break;
            st = ns;
        }
        const rc_ir_expr *x = &e->ir->exprs[it.node];
        switch (x->kind) {
        case RC_X_AND:
        case RC_X_OR: {
            int a = fold(e, x->a, ctx), b = fold(e, x->b, ctx);
            /* AND with a true side / OR with a false side is the other side */
            if (a >= 0) { st[n++] = (put_item){x->b, NULL}; break; }
            if (b >= 0) { st[n++] = (put_item){x->a, NULL}; break; }
            fputs("(", f);
            st[n++] = (put_item){0, ")"};
            st[n++] = (put_item){x->b, NULL};
            st[n++] = (put_item){0, x->kind == RC_X_AND ? ") && (" : ") || ("};
            st[n++] = (put_item){x->a, NULL};
            break;
        }
        case RC_X_NOT:
            fputs("!(", f);
            st[n++] = (put_item){0, ")"};
            st[n++] = (put_item){x->a, NULL};
            break;
        default:
            put_leaf(e, f, x, ctx);
            break;
        }
    }
    free(st);
}

/* A condition "error e is in set": NULL text when always (all set). */
static int set_count(const bool *set, int n)
{
    int k = 0;
    for (int i = 0; i < n; i++) k += set[i] ? 1 : 0;
    return k;
}

static void put_errset(const em *e, FILE *f, const bool *set, const char *table)
{
    int n = e->ir->nerrors, k = set_count(set, n);
    if (k == 1) {
        for (int i = 0; i < n; i++) if (set[i]) fprintf(f, "e == %du", i);
    } else if (n <= 32) {
        uint32_t m = 0;
        for (int i = 0; i < n; i++) if (set[i]) m |= (uint32_t)1u << i;
        /* e < 32; the cast and the mask make the shift's range provable (MISRA 12.2) */
        fprintf(f, "(((uint32_t)0x%08" PRIX32 "u >> (e & 31u)) & 1u) != 0u", m);
    } else {
        fprintf(f, "%s[e] != 0u", table);
    }
}

static void emit_errset_table(em *e, const bool *set, const char *table)
{
    int n = e->ir->nerrors, k = set_count(set, n);
    if (n <= 32 || k <= 1 || k == n) return;
    fprintf(e->c, "static const uint8_t %s[%d] = {", table, n);
    for (int i = 0; i < n; i++) fprintf(e->c, "%s%du,", i % 32 ? " " : "\n    ", set[i] ? 1 : 0);
    fprintf(e->c, "\n};\n");
}

/* ---- the state machine ---------------------------------------------------- */

static bool retry_used(const rc_ir *ir, int r)
{
    for (int b = 0; b < ir->nblocks; b++)
        for (int i = 0; i < ir->blocks[b].nsteps; i++)
            if (ir->blocks[b].steps[i].kind == RC_IR_RETRY && ir->blocks[b].steps[i].retry == r) return true;
    return false;
}

static void emit_tables(em *e)
{
    const rc_ir *ir = e->ir;
    FILE *c = e->c;
    const char *P = e->P;
    char nm[128];
    uint32_t *v = calloc((size_t)ir->nerrors + 1, sizeof *v);
    if (!v) exit(3);
    for (int i = 0; i < ir->nerrors; i++) v[i] = (uint32_t)ir->errors[i].severity;
    snprintf(nm, sizeof nm, "%s__sev", P);
    emit_u32_array(c, "uint8_t", nm, v, ir->nerrors, false);
    for (int i = 0; i < ir->nerrors; i++) v[i] = (uint32_t)ir->errors[i].cls;
    snprintf(nm, sizeof nm, "%s__cls", P);
    emit_u32_array(c, e->cls_t, nm, v, ir->nerrors, false);
    free(v);
    for (int r = 0; r < ir->nretries; r++) {
        const rc_ir_retry *rt = &ir->retries[r];
        bool scaled = false;
        if (!retry_used(ir, r)) continue;
        for (int i = 0; i < ir->nerrors; i++) if (rt->error_scale[i] != 1000u) scaled = true;
        if (scaled) {
            snprintf(nm, sizeof nm, "%s__r%d_escale", P, r);
            emit_u32_array(c, utype(max_of(rt->error_scale, ir->nerrors)), nm, rt->error_scale,
                           ir->nerrors, false);
        }
        scaled = false;
        for (int i = 0; i < RC_SEV_COUNT; i++) if (rt->sev_scale[i] != 1000u) scaled = true;
        if (scaled) {
            snprintf(nm, sizeof nm, "%s__r%d_sscale", P, r);
            emit_u32_array(c, utype(max_of(rt->sev_scale, RC_SEV_COUNT)), nm, rt->sev_scale,
                           RC_SEV_COUNT, false);
        }
    }
    if (e->any_esc && ir->has_escalation) {
        uint32_t ch[RC_SEV_COUNT], sla[RC_SEV_COUNT];
        for (int l = 0; l < RC_SEV_COUNT; l++) {
            /* a level without an entry reports channel 0 (as the simulator) */
            ch[l] = ir->escalation.channel[l] >= 0 ? (uint32_t)ir->escalation.channel[l] : 0u;
            sla[l] = ir->escalation.sla_ms[l];
        }
        snprintf(nm, sizeof nm, "%s__esc_chan", P);
        emit_u32_array(c, utype(max_of(ch, RC_SEV_COUNT)), nm, ch, RC_SEV_COUNT, false);
        snprintf(nm, sizeof nm, "%s__esc_sla", P);
        emit_u32_array(c, utype(max_of(sla, RC_SEV_COUNT)), nm, sla, RC_SEV_COUNT, false);
    }
    for (int b = 0; b < ir->nblocks; b++) {
        for (int i = 0; i < ir->blocks[b].nsteps; i++) {
            const rc_ir_step *st = &ir->blocks[b].steps[i];
            if (st->kind != RC_IR_FALLBACK && !(st->kind == RC_IR_RUN && st->nalts > 0)) continue;
            uint32_t al[16];
            int nids = st->kind == RC_IR_FALLBACK ? ir->nalts : ir->nhandlers;
            for (int k = 0; k < st->nalts && k < 16; k++) al[k] = (uint32_t)st->alts[k];
            snprintf(nm, sizeof nm, "%s__b%d_s%d", P, b, i);
            emit_u32_array(c, utype((uint64_t)(nids > 0 ? nids - 1 : 0)), nm, al, st->nalts, false);
        }
    }
    for (int i = 0; i < ir->nbreakers; i++) {
        snprintf(nm, sizeof nm, "%s__k%d_cnt", P, i);
        emit_errset_table(e, ir->breakers[i].counts, nm);
    }
    fprintf(c, "\n");
}

static void emit_helpers(em *e)
{
    FILE *c = e->c;
    const char *P = e->P;
    fprintf(c, "static uint16_t %s__inc16(uint16_t v)\n{\n    return (v == 0xFFFFu) ? v : (uint16_t)(v + 1u);\n}\n\n", P);
    fprintf(c, "/* A decision carrying the current error and attempt. */\n");
    fprintf(c, "static recov_decision %s__dec(const %s_state *s, unsigned kind, unsigned id, uint32_t ms)\n{\n"
               "    recov_decision d;\n    d.kind = (uint8_t)kind;\n    d.severity = %s__sev[s->error];\n"
               "    d.error_class = (uint8_t)%s__cls[s->error];\n    d.level = 0u;\n    d.error = s->error;\n"
               "    d.id = (uint16_t)id;\n    d.attempt = s->attempt;\n    d.ms = ms;\n    return d;\n}\n\n",
            P, P, P, P);
    fprintf(c, "/* \"The incident ends\". */\nstatic void %s__end(%s_state *s)\n{\n    s->active = 0u;\n", P, P);
    if (e->any_run) fprintf(c, "    s->pending = 0u;\n");
    if (e->any_fallback) fprintf(c, "    s->last_alt = 0u;\n");
    if (e->any_runlist) fprintf(c, "    s->last_handler = 0u;\n");
    fprintf(c, "}\n\n");
}

/* The explicit stacks of the expression walks below (no recursion): room
 * for two more entries. */
static int *grow_stack(int *st, size_t *cap, size_t sp)
{
    if (sp + 2 <= *cap) return st;
    *cap *= 2;
    int *ns = realloc(st, *cap * sizeof *ns);
    if (!ns) exit(3);
    return ns;
}

/* The text fields (indices into ir->texts, each once, in first-use order)
 * that condition `root` reads once constant parts are dropped as put_expr
 * drops them; returns how many were written to out. */
static int rule_texts(const em *e, int root, int *out)
{
    const rc_ir *ir = e->ir;
    int n = 0;
    size_t cap = 64, sp = 0;
    int *st = malloc(cap * sizeof *st);
    if (!st) exit(3);
    if (fold(e, root, CTX_CLASSIFY) < 0) st[sp++] = root;
    while (sp) {
        const rc_ir_expr *x = &ir->exprs[st[--sp]];
        st = grow_stack(st, &cap, sp);
        if (x->kind == RC_X_MATCH) {
            int t = ir->fields[x->field].text_index, j = 0;
            while (j < n && out[j] != t) j++;
            if (j == n) out[n++] = t;
        } else if (x->kind == RC_X_AND || x->kind == RC_X_OR) {
            int a = fold(e, x->a, CTX_CLASSIFY), b = fold(e, x->b, CTX_CLASSIFY);
            if (b < 0) st[sp++] = x->b;
            if (a < 0) st[sp++] = x->a;
        } else if (x->kind == RC_X_NOT) {
            st[sp++] = x->a;
        }
    }
    free(st);
    return n;
}

/* The top-level disjuncts of (non-constant) condition root, left to right,
 * without those that fold to false; stored in *out (grown as needed). */
static int disjuncts(const em *e, int root, int **out, int *cap)
{
    const rc_ir *ir = e->ir;
    int n = 0;
    size_t scap = 64, sp = 0;
    int *st = malloc(scap * sizeof *st);
    if (!st) exit(3);
    st[sp++] = root;
    while (sp) {
        int i = st[--sp];
        const rc_ir_expr *x = &ir->exprs[i];
        st = grow_stack(st, &scap, sp);
        if (x->kind == RC_X_OR) {
            if (fold(e, x->b, CTX_CLASSIFY) < 0) st[sp++] = x->b;
            if (fold(e, x->a, CTX_CLASSIFY) < 0) st[sp++] = x->a;
            continue;
        }
        if (n == *cap) {
            *cap = *cap ? *cap * 2 : 16;
            int *no = realloc(*out, (size_t)*cap * sizeof *no);
            if (!no) exit(3);
            *out = no;
        }
        (*out)[n++] = i;
    }
    free(st);
    return n;
}

static void emit_scan(em *e, int t, const char *ind)
{
    const rc_ir *ir = e->ir;
    FILE *c = e->c;
    const char *sfx = e->scan[t];     /* emit_dfa chose the form */
    const rc_ir_field *tf = &ir->fields[ir->texts[t].field];
    if (tf->text_cap) /* char[N]: never read past the array, NUL or not */
        fprintf(c, "%srecov_dfa_scan%s(&%s__t%d, f->%s, (%" PRIu32 "u < RECOV_MAX_TEXT) ? %" PRIu32
                   "u : RECOV_MAX_TEXT, &m[%d]);\n", ind, sfx, e->P, t, tf->name, tf->text_cap,
                tf->text_cap, e->woff[t]);
    else
        fprintf(c, "%srecov_dfa_scan%s(&%s__t%d, f->%s, RECOV_MAX_TEXT, &m[%d]);\n", ind, sfx,
                e->P, t, tf->name, e->woff[t]);
}

/* The text fields that the `when` conditions of on-blocks read (every
 * match, constant parts included: scanning one too many is harmless, one
 * too few is not); late[t] is set for each. */
static void when_texts(const em *e, bool *late)
{
    const rc_ir *ir = e->ir;
    for (int b = 0; b < ir->nblocks; b++) {
        int root = ir->blocks[b].when;
        if (root < 0) continue;
        size_t cap = 64, sp = 0;
        int *st = malloc(cap * sizeof *st);
        if (!st) exit(3);
        st[sp++] = root;
        while (sp) {
            const rc_ir_expr *x = &ir->exprs[st[--sp]];
            st = grow_stack(st, &cap, sp);
            if (x->kind == RC_X_MATCH) late[ir->fields[x->field].text_index] = true;
            else if (x->kind == RC_X_AND || x->kind == RC_X_OR) {
                st[sp++] = x->b;
                st[sp++] = x->a;
            } else if (x->kind == RC_X_NOT) st[sp++] = x->a;
        }
        free(st);
    }
}

/* Before classify returns: scan the text fields that the on-block
 * selection reads and that no rule tested so far has scanned, so that
 * P_failed's `when` conditions never read an unscanned word. */
static void emit_late_scans(em *e, const bool *scanned, const bool *late, const char *ind)
{
    for (int t = 0; t < e->ir->ntexts; t++)
        if (late[t] && !scanned[t]) emit_scan(e, t, ind);
}

/* `if (x) { late scans; return rule r's error; }` at indentation ind. */
static void emit_test(em *e, int x, int r, const bool *scanned, const bool *late, const char *ind)
{
    char in2[32];
    snprintf(in2, sizeof in2, "%s    ", ind);
    fprintf(e->c, "%sif (", ind);
    put_expr(e, e->c, x, CTX_CLASSIFY);
    fprintf(e->c, ") {\n");
    emit_late_scans(e, scanned, late, in2);
    fprintf(e->c, "%sreturn %du;\n%s}\n", in2, e->ir->rules[r].error, ind);
}

/* The mask word that test x reads when it is exactly one pattern bit, else -1. */
static int match_word(const em *e, int x)
{
    const rc_ir_expr *ex = &e->ir->exprs[x];
    if (ex->kind != RC_X_MATCH) return -1;
    return e->woff[e->ir->fields[ex->field].text_index] + ex->pattern / 32;
}

static void emit_classify(em *e)
{
    const rc_ir *ir = e->ir;
    FILE *c = e->c;
    const char *P = e->P;
    for (int t = 0; t < ir->ntexts; t++) emit_dfa(e, t);
    fprintf(c, "/* P_failed 1: the first rule that holds.  A text field is scanned once, just\n"
               " * before the first rule that reads it. */\n");
    if (e->words)
        fprintf(c, "static unsigned %s__classify(const %s_fault *f, uint32_t *m)\n{\n", P, P);
    else
        fprintf(c, "static unsigned %s__classify(const %s_fault *f)\n{\n", P, P);
    bool *scanned = calloc((size_t)ir->ntexts + 1, sizeof *scanned);
    int *need = calloc((size_t)ir->ntexts + 1, sizeof *need);
    bool *late = calloc((size_t)ir->ntexts + 1, sizeof *late);
    int *dj = NULL, djcap = 0;
    if (!scanned || !need || !late) exit(3);
    when_texts(e, late);
    /* (void) only for a parameter no rule reads (MISRA 2.2 counts each) */
    bool reads_f = false, reads_m = false;
    for (int r = 0; r < ir->nrules; r++) {
        int k = fold(e, ir->rules[r].cond, CTX_CLASSIFY);
        if (k == 1) break;
        if (k == 0) continue;
        reads_f = true;
        if (rule_texts(e, ir->rules[r].cond, need) > 0) reads_m = true;
    }
    for (int t = 0; t < ir->ntexts; t++)
        if (late[t]) reads_f = reads_m = true;
    if (!reads_f) fprintf(c, "    (void)f;\n");
    if (e->words && !reads_m) fprintf(c, "    (void)m;\n");
    /* the tests in order: (rule, disjunct); a rule that always holds ends them */
    int nit = 0, itcap = 0;
    int (*it)[2] = NULL;
    bool done = false;
    for (int r = 0; r < ir->nrules && !done; r++) {
        int k = fold(e, ir->rules[r].cond, CTX_CLASSIFY);
        if (k == 0) continue;
        /* a || b is tested as `if (a) return; if (b) return;` so that a
         * scan needed only by b waits until a has failed */
        int nd = k == 1 ? 1 : disjuncts(e, ir->rules[r].cond, &dj, &djcap);
        if (nit + nd > itcap) {
            itcap = 2 * (nit + nd) + 16;
            it = realloc(it, (size_t)itcap * sizeof *it);
            if (!it) exit(3);
        }
        for (int d = 0; d < nd; d++) {
            it[nit][0] = r;
            it[nit][1] = k == 1 ? -1 : dj[d];
            nit++;
        }
        if (k == 1) done = true;
    }
    for (int i = 0; i < nit; i++) {
        int r = it[i][0];
        if (it[i][1] < 0) {
            emit_late_scans(e, scanned, late, "    ");
            fprintf(c, "    return %du;\n", ir->rules[r].error);
            break;
        }
        /* lazy scanning: a text field's DFA runs just before the first rule
         * that reads it (rules are tested in order, so each runs at most once) */
        int nneed = rule_texts(e, it[i][1], need);
        for (int n = 0; n < nneed; n++) {
            if (scanned[need[n]]) continue;
            scanned[need[n]] = true;
            emit_scan(e, need[n], "    ");
        }
        /* a run of tests that are each one bit of the same mask word (one
         * pattern each) goes under one test of the word: a text that
         * matches none of them costs one compare, not one per rule */
        int w = match_word(e, it[i][1]), run = 1;
        while (w >= 0 && i + run < nit && it[i + run][1] >= 0 && match_word(e, it[i + run][1]) == w) run++;
        if (run >= 4) {
            fprintf(c, "    if (m[%d] != 0u) {\n", w);
            for (int j = i; j < i + run; j++) emit_test(e, it[j][1], it[j][0], scanned, late, "        ");
            fprintf(c, "    }\n");
            i += run - 1;
            continue;
        }
        emit_test(e, it[i][1], r, scanned, late, "    ");
    }
    free(it);
    free(dj);
    if (!done) {
        emit_late_scans(e, scanned, late, "    ");
        fprintf(c, "    return %du;\n", ir->nrules > 0 ? ir->rules[ir->nrules - 1].error : 0);
    }
    free(scanned);
    free(need);
    free(late);
    fprintf(c, "}\n\nunsigned %s_classify(const %s_fault *f)\n{\n", P, P);
    if (e->words)
        fprintf(c, "    uint32_t m[%d];\n    return %s__classify(f, m);\n}\n\n", e->words, P);
    else
        fprintf(c, "    return %s__classify(f);\n}\n\n", P);
}

/* Retry delay of strategy r ("Retry delay for retry n"). */
static void emit_delay(em *e, int r)
{
    const rc_ir *ir = e->ir;
    const rc_ir_retry *rt = &ir->retries[r];
    FILE *c = e->c;
    const char *P = e->P;
    bool esc = false, ssc = false;
    for (int i = 0; i < ir->nerrors; i++) if (rt->error_scale[i] != 1000u) esc = true;
    for (int i = 0; i < RC_SEV_COUNT; i++) if (rt->sev_scale[i] != 1000u) ssc = true;
    bool dec = rt->jitter == RC_JITTER_DECORRELATED;
    fprintf(c, "/* retry %s */\nstatic uint32_t %s__delay%d(%s_state *s, const %s_fault *f, uint32_t n%s)\n{\n",
            rt->name, P, r, P, P, dec ? ", uint32_t prev" : "");
    fprintf(c, "    uint32_t d = recov_backoff(%du, %" PRIu32 "u, %" PRIu32 "u, n);\n    (void)s;\n    (void)f;\n",
            (int)rt->backoff, rt->base_ms, rt->factor_milli);
    /* a scale of 1000 is the identity of recov_mul_milli, so it is left out */
    if (esc) fprintf(c, "    d = recov_mul_milli(d, %s__r%d_escale[s->error]);\n", P, r);
    if (ssc) fprintf(c, "    d = recov_mul_milli(d, %s__r%d_sscale[%s__sev[s->error]]);\n", P, r, P);
    if (rt->jitter != RC_JITTER_NONE) {
        if (dec)
            fprintf(c, "    d = recov_jitter(&s->prng, %du, %du, d, %" PRIu32 "u, (prev != 0u) ? prev : %" PRIu32 "u);\n",
                    (int)rt->jitter, rt->jitter_pct, rt->base_ms, rt->base_ms);
        else /* only DECORRELATED reads prev */
            fprintf(c, "    d = recov_jitter(&s->prng, %du, %du, d, %" PRIu32 "u, %" PRIu32 "u);\n",
                    (int)rt->jitter, rt->jitter_pct, rt->base_ms, rt->base_ms);
    }
    if (rt->max_ms != UINT32_MAX)
        fprintf(c, "    if (d > %" PRIu32 "u) {\n        d = %" PRIu32 "u;\n    }\n", rt->max_ms, rt->max_ms);
    if (rt->honor_field >= 0) {
        const rc_ir_field *fd = &ir->fields[rt->honor_field];
        switch (fd->type) {
        case RC_TY_I8: case RC_TY_I16: case RC_TY_I32:
            fprintf(c, "    if ((f != NULL) && (f->%s > 0) && ((uint32_t)f->%s > d)) {\n        d = (uint32_t)f->%s;\n    }\n",
                    fd->name, fd->name, fd->name);
            break;
        case RC_TY_BOOL:
            fprintf(c, "    if ((f != NULL) && f->%s && (d < 1u)) {\n        d = 1u;\n    }\n", fd->name);
            break;
        case RC_TY_TEXT:
            break;
        default:
            fprintf(c, "    if ((f != NULL) && ((uint32_t)f->%s > d)) {\n        d = (uint32_t)f->%s;\n    }\n", fd->name, fd->name);
            break;
        }
    }
    fprintf(c, "    return d;\n}\n\n");
}

static void emit_budget_funcs(em *e)
{
    const rc_ir *ir = e->ir;
    FILE *c = e->c;
    const char *P = e->P;
    if (ir->nbudgets == 0) return;
    fprintf(c, "/* Budgets roll their window, then count the outcome. */\n"
               "static void %s__budget_count(%s_state *s, uint32_t now)\n{\n", P, P);
    for (int i = 0; i < ir->nbudgets; i++)
        fprintf(c, "    if ((uint32_t)(now - s->bud%d_wstart) >= %" PRIu32 "u) {\n"
                   "        s->bud%d_wstart = now;\n        s->bud%d_calls = 0u;\n        s->bud%d_retries = 0u;\n    }\n"
                   "    s->bud%d_calls = %s__inc16(s->bud%d_calls);\n",
                i, ir->budgets[i].window_ms, i, i, i, i, P, i);
    fprintf(c, "}\n\n");
    bool retries = false;
    for (int b = 0; b < ir->nblocks; b++)
        for (int i = 0; i < ir->blocks[b].nsteps; i++)
            if (ir->blocks[b].steps[i].kind == RC_IR_RETRY) retries = true;
    if (!retries) return;
    fprintf(c, "/* Every budget allows one more retry. */\nstatic int %s__budget_ok(const %s_state *s)\n{\n"
               "    uint32_t lim;\n", P, P);
    for (int i = 0; i < ir->nbudgets; i++) {
        fprintf(c, "    lim = (uint32_t)s->bud%d_calls * %du / 100u;\n", i, ir->budgets[i].ratio_pct);
        if (ir->budgets[i].min_retries)
            fprintf(c, "    if (lim < %du) {\n        lim = %du;\n    }\n", ir->budgets[i].min_retries, ir->budgets[i].min_retries);
        fprintf(c, "    if (s->bud%d_retries >= lim) {\n        return 0;\n    }\n", i);
    }
    fprintf(c, "    return 1;\n}\n\n");
}

static void emit_breaker_funcs(em *e)
{
    const rc_ir *ir = e->ir;
    FILE *c = e->c;
    for (int i = 0; i < ir->nbreakers; i++) {
        const rc_ir_breaker *b = &ir->breakers[i];
        if (set_count(b->counts, ir->nerrors) == 0) continue;
        fprintf(c, "/* breaker %s opens */\nstatic void %s__open%d(%s_state *s, uint32_t now)\n{\n"
                   "    s->brk%d_state = 1u;\n    s->brk%d_opened_at = now;\n", b->name, e->P, i, e->P, i, i);
        if (rc_ir_breaker_counts_fails(b->mode)) fprintf(c, "    s->brk%d_fails = 0u;\n", i);
        else fprintf(c, "    s->brk%d_window = 0u;\n    s->brk%d_n = 0u;\n", i, i);
        fprintf(c, "    s->brk%d_admitted = 0u;\n    s->brk%d_successes = 0u;\n}\n\n", i, i);
    }
}

static void emit_escalate(em *e)
{
    const rc_ir *ir = e->ir;
    FILE *c = e->c;
    const char *P = e->P;
    if (!e->any_esc) return;
    fprintf(c, "/* ESCALATE at level lv, after the `unresolved` rule of that level. */\n"
               "static recov_decision %s__escalate(%s_state *s, unsigned level)\n{\n    recov_decision d;\n"
               "    unsigned lv = level;\n", P, P);
    /* an else-if chain: a promoted level is not promoted again */
    const char *kw = "    if";
    for (int l = 0; l < RC_SEV_COUNT; l++) {
        if (!e->unres[l]) continue;
        fprintf(c, "%s (lv == %du) {\n        s->unres%d = %s__inc16(s->unres%d);\n"
                   "        if (s->unres%d >= %du) {\n            s->unres%d = 0u;\n            lv = %du;\n        }\n"
                   "    }", kw, l, l, P, l, l, ir->escalation.unresolved_after[l], l,
                (int)ir->escalation.unresolved_to[l]);
        kw = " else if";
    }
    if (e->any_unres) fprintf(c, "\n");
    fprintf(c, "    %s__end(s);\n", P);
    if (ir->has_escalation)
        fprintf(c, "    d = %s__dec(s, RECOV_ESCALATE, %s__esc_chan[lv], %s__esc_sla[lv]);\n", P, P, P);
    else
        fprintf(c, "    d = %s__dec(s, RECOV_ESCALATE, 0u, 0u);\n", P);
    fprintf(c, "    d.level = (uint8_t)lv;\n    return d;\n}\n\n");
}

/* Running block b: a loop over its step position. */
/* ADJUST and a single `run H`: one decision, then the next step. */
static void emit_step_once(em *e, int bi, int i, const rc_ir_step *st)
{
    fprintf(e->c, "            s->blk%d_pos = %du;\n            s->blk%d_sub = 0u;\n", bi, i + 1, bi);
    if (st->kind == RC_IR_RUN) fprintf(e->c, "            s->pending = %du;\n", bi + 1);
    fprintf(e->c, "            return %s__dec(s, %s, %du, %" PRIu32 "u);\n", e->P,
            st->kind == RC_IR_RUN ? "RECOV_RUN" : "RECOV_ADJUST", st->id, st->ms);
}

static void emit_block(em *e, int bi)
{
    const rc_ir *ir = e->ir;
    const rc_ir_block *b = &ir->blocks[bi];
    FILE *c = e->c;
    const char *P = e->P;
    uint32_t dl = b->deadline_ms ? b->deadline_ms : ir->deadline_ms;
    bool need_f = false, need_el = false;

    for (int i = 0; i < b->nsteps; i++) {
        rc_ir_stepkind k = b->steps[i].kind;
        if (k == RC_IR_RETRY) need_f = true;
        if (dl && (k == RC_IR_RETRY || k == RC_IR_FALLBACK || k == RC_IR_ADJUST || k == RC_IR_RUN)) need_el = true;
    }
    fprintf(c, "/* on-block %d */\nstatic recov_decision %s__blk%d(%s_state *s, const %s_fault *f, uint32_t el)\n{\n",
            bi, P, bi, P, P);
    if (!need_f) fprintf(c, "    (void)f;\n");
    if (!need_el) fprintf(c, "    (void)el;\n");
    /* The deadline rule (spec/semantics.md, running block b, 2) applies to
     * the retry / fallback / adjust / run steps, which are exactly the steps
     * before the first degrade / escalate / abort (that one ends the
     * incident, so pos never passes it): one test at the top of the loop. */
    int first_end = b->nsteps;
    for (int i = 0; i < b->nsteps && first_end == b->nsteps; i++) {
        rc_ir_stepkind k = b->steps[i].kind;
        if (k == RC_IR_DEGRADE || k == RC_IR_ESCALATE || k == RC_IR_ABORT) first_end = i;
    }
    /* when the last step ends the incident, pos can never run off the end:
     * that step is the switch's default (no separate unreachable path) */
    rc_ir_stepkind lastk = b->nsteps ? b->steps[b->nsteps - 1].kind : RC_IR_ABORT;
    bool last_ends = b->nsteps > 0 && (lastk == RC_IR_DEGRADE || lastk == RC_IR_ESCALATE || lastk == RC_IR_ABORT);
    if (b->nsteps == 1 && last_ends) {
        /* one step that ends the incident: no position to track (and no
         * one-clause switch, MISRA 16.6) */
        const rc_ir_step *st = &b->steps[0];
        if (st->kind == RC_IR_DEGRADE)
            fprintf(c, "    %s__end(s);\n    return %s__dec(s, RECOV_DEGRADE, %du, 0u);\n}\n\n", P, P, st->id);
        else if (st->kind == RC_IR_ABORT)
            fprintf(c, "    %s__end(s);\n    return %s__dec(s, RECOV_ABORT, 0u, 0u);\n}\n\n", P, P);
        else if (st->level >= 0)
            fprintf(c, "    return %s__escalate(s, %du);\n}\n\n", P, st->level);
        else
            fprintf(c, "    return %s__escalate(s, %s__sev[s->error]);\n}\n\n", P, P);
        return;
    }
    fprintf(c, "    for (;;) {\n");
    if (dl && need_el && first_end > 0) {
        if (b->terminal >= 0)
            fprintf(c, "        if ((el > %" PRIu32 "u) && (s->blk%d_pos < %du)) { /* deadline: the terminal step */\n"
                       "            s->blk%d_pos = %du;\n        }\n", dl, bi, first_end, bi, b->terminal);
        else
            fprintf(c, "        if ((el > %" PRIu32 "u) && (s->blk%d_pos < %du)) { /* deadline, no terminal step */\n"
                       "            %s__end(s);\n            return %s__dec(s, RECOV_ABORT, 0u, 0u);\n"
                       "        }\n", dl, bi, first_end, P, P);
    }
    fprintf(c, "        switch (s->blk%d_pos) {\n", bi);
    for (int i = 0; i < b->nsteps; i++) {
        const rc_ir_step *st = &b->steps[i];
        fprintf(c, "        case %du:\n", i);
        if (last_ends && i == b->nsteps - 1) fprintf(c, "        default:\n");
        switch (st->kind) {
        case RC_IR_RETRY: {
            const rc_ir_retry *rt = &ir->retries[st->retry];
            fprintf(c, "            /* retry %s */\n            if ((s->blk%d_sub < %du)", rt->name, bi, rt->attempts);
            for (int k = 0; k < ir->nbreakers; k++) fprintf(c, " && (s->brk%d_state != 1u)", k);
            if (ir->nbudgets) fprintf(c, " && %s__budget_ok(s)", P);
            fprintf(c, ") {\n                uint32_t d;\n                s->blk%d_sub = (uint16_t)(s->blk%d_sub + 1u);\n", bi, bi);
            for (int k = 0; k < ir->nbudgets; k++)
                fprintf(c, "                s->bud%d_retries = %s__inc16(s->bud%d_retries);\n", k, P, k);
            if (rt->jitter == RC_JITTER_DECORRELATED)
                fprintf(c, "                d = %s__delay%d(s, f, s->blk%d_sub, s->blk%d_prev);\n", P, st->retry, bi, bi);
            else
                fprintf(c, "                d = %s__delay%d(s, f, s->blk%d_sub);\n", P, st->retry, bi);
            if (e->blk_prev[bi]) fprintf(c, "                s->blk%d_prev = d;\n", bi);
            fprintf(c, "                return %s__dec(s, RECOV_RETRY, 0u, d);\n            }\n", P);
            fprintf(c, "            s->blk%d_pos = %du;\n            s->blk%d_sub = 0u;\n", bi, i + 1, bi);
            if (e->blk_prev[bi]) fprintf(c, "            s->blk%d_prev = 0u;\n", bi);
            fprintf(c, "            break;\n");
            break;
        }
        case RC_IR_RUN:
            if (st->nalts == 0) {
                emit_step_once(e, bi, i, st);
                break;
            }
            /* fall through - `run H1, H2...` picks like a fallback */
        case RC_IR_FALLBACK: {
            int n = st->nalts;
            bool run = st->kind == RC_IR_RUN;
            const char *learned = run ? "hnd_ok" : "alt_ok";
            fprintf(c, "            {\n                unsigned i;\n                unsigned best = %du;\n"
                       "                for (i = 0u; i < %du; i++) {\n"
                       "                    if ((((unsigned)s->blk%d_sub >> i) & 1u) != 0u) {\n                        continue;\n                    }\n",
                    n, n, bi);
            if (st->adaptive)
                fprintf(c, "                    if ((best == %du) || (s->%s[%s__b%d_s%d[i]] > s->%s[%s__b%d_s%d[best]])) {\n                        best = i;\n                    }\n", n, learned, P, bi, i, learned, P, bi, i);
            else
                fprintf(c, "                    best = i;\n                    break;\n");
            fprintf(c, "                }\n                if (best < %du) {\n"
                       "                    s->blk%d_sub = (uint16_t)(s->blk%d_sub | (1u << best));\n"
                       "                    s->%s = (uint16_t)(%s__b%d_s%d[best] + 1u);\n",
                    n, bi, bi, run ? "last_handler" : "last_alt", P, bi, i);
            if (run)
                fprintf(c, "                    s->pending = %du;\n"
                           "                    return %s__dec(s, RECOV_RUN, %s__b%d_s%d[best], %" PRIu32 "u);\n",
                        bi + 1, P, P, bi, i, st->ms);
            else
                fprintf(c, "                    return %s__dec(s, RECOV_FALLBACK, %s__b%d_s%d[best], 0u);\n",
                        P, P, bi, i);
            fprintf(c, "                }\n            }\n"
                       "            s->blk%d_pos = %du;\n            s->blk%d_sub = 0u;\n            break;\n",
                    bi, i + 1, bi);
            break;
        }
        case RC_IR_ADJUST:
            emit_step_once(e, bi, i, st);
            break;
        case RC_IR_DEGRADE:
            fprintf(c, "            %s__end(s);\n            return %s__dec(s, RECOV_DEGRADE, %du, 0u);\n", P, P, st->id);
            break;
        case RC_IR_ESCALATE:
            if (st->level >= 0)
                fprintf(c, "            return %s__escalate(s, %du);\n", P, st->level);
            else
                fprintf(c, "            return %s__escalate(s, %s__sev[s->error]);\n", P, P);
            break;
        case RC_IR_ABORT:
            fprintf(c, "            %s__end(s);\n            return %s__dec(s, RECOV_ABORT, 0u, 0u);\n", P, P);
            break;
        }
    }
    if (!last_ends)
        fprintf(c, "        default: /* ran off the end */\n            %s__end(s);\n"
                   "            return %s__dec(s, RECOV_ABORT, 0u, 0u);\n", P, P);
    fprintf(c, "        }\n    }\n}\n\n");
}

static void emit_run(em *e)
{
    const rc_ir *ir = e->ir;
    FILE *c = e->c;
    const char *P = e->P;
    if (ir->nblocks == 0) return;
    for (int b = 0; b < ir->nblocks; b++) emit_block(e, b);
    fprintf(c, "static recov_decision %s__run(%s_state *s, unsigned b, const %s_fault *f, uint32_t el)\n{\n", P, P, P);
    for (int b = 0; b + 1 < ir->nblocks; b++)
        fprintf(c, "    if (b == %du) {\n        return %s__blk%d(s, f, el);\n    }\n", b, P, b);
    if (ir->nblocks == 1) fprintf(c, "    (void)b;\n");
    fprintf(c, "    return %s__blk%d(s, f, el);\n}\n\n", P, ir->nblocks - 1);
}

/* P_failed 7: the first block whose errors hold e and whose `when` holds. */
static void emit_select(em *e)
{
    const rc_ir *ir = e->ir;
    FILE *c = e->c;
    const char *P = e->P;
    char tab[96];
    for (int b = 0; b < ir->nblocks; b++) {
        const rc_ir_block *bl = &ir->blocks[b];
        int k = set_count(bl->errors, ir->nerrors);
        int w = bl->when >= 0 ? fold(e, bl->when, CTX_WHEN) : 1;
        if (k == 0 || w == 0) continue;
        if (k == ir->nerrors && w == 1) break;
        snprintf(tab, sizeof tab, "%s__b%d_err", P, b);
        emit_errset_table(e, bl->errors, tab);
    }
    fprintf(c, "static unsigned %s__select(const %s_state *s, const %s_fault *f, %sunsigned e, uint32_t el)\n{\n"
               "    (void)s;\n    (void)f;\n    (void)e;\n    (void)el;\n%s",
            P, P, P, e->words ? "const uint32_t *m, " : "", e->words ? "    (void)m;\n" : "");
    for (int b = 0; b < ir->nblocks; b++) {
        const rc_ir_block *bl = &ir->blocks[b];
        int k = set_count(bl->errors, ir->nerrors);
        int w = bl->when >= 0 ? fold(e, bl->when, CTX_WHEN) : 1;
        if (k == 0 || w == 0) continue;
        snprintf(tab, sizeof tab, "%s__b%d_err", P, b);
        if (k == ir->nerrors && w == 1) {
            fprintf(c, "    return %du;\n}\n\n", b);
            return;
        }
        bool both = k < ir->nerrors && w != 1;  /* clang: no (( )) around a lone == */
        fprintf(c, "    if (");
        if (k < ir->nerrors) {
            fprintf(c, both ? "(" : "");
            put_errset(e, c, bl->errors, tab);
            fprintf(c, both ? ") && " : "");
        }
        if (w != 1) {
            fprintf(c, both ? "(" : "");
            put_expr(e, c, bl->when, CTX_WHEN);
            fprintf(c, both ? ")" : "");
        }
        fprintf(c, ") {\n        return %du;\n    }\n", b);
    }
    fprintf(c, "    return %du;\n}\n\n", ir->nblocks);
}

static void emit_breaker_fail(em *e, int i)
{
    const rc_ir_breaker *b = &e->ir->breakers[i];
    FILE *c = e->c;
    const char *P = e->P;
    int k = set_count(b->counts, e->ir->nerrors);
    char tab[96];
    if (k == 0) return;
    snprintf(tab, sizeof tab, "%s__k%d_cnt", P, i);
    fprintf(c, "    /* breaker %s */\n", b->name);
    if (k < e->ir->nerrors) {
        /* an outcome the breaker does not count gives its half-open probe back */
        fprintf(c, "    if (!(");
        put_errset(e, c, b->counts, tab);
        fprintf(c, ")) {\n        if ((s->brk%d_state == 2u) && (s->brk%d_admitted > 0u)) {\n            s->brk%d_admitted = (uint16_t)(s->brk%d_admitted - 1u);\n        }\n    } else {\n", i, i, i, i);
    } else {
        fprintf(c, "    {\n");
    }
    fprintf(c, "        if (s->brk%d_state == 0u) {\n", i);
    if (rc_ir_breaker_counts_fails(b->mode)) {
        fprintf(c, "            s->brk%d_fails = %s__inc16(s->brk%d_fails);\n", i, P, i);
        if (b->threshold)
            fprintf(c, "            if (s->brk%d_fails >= %du) {\n                %s__open%d(s, now);\n            }\n", i, b->threshold, P, i);
        else
            fprintf(c, "            %s__open%d(s, now);\n", P, i);
    } else {
        fprintf(c, "            uint32_t x;\n            uint32_t nf = 0u;\n");
        if (b->window >= 32)
            fprintf(c, "            s->brk%d_window = (s->brk%d_window << 1) | 1u;\n", i, i);
        else
            fprintf(c, "            s->brk%d_window = ((s->brk%d_window << 1) | 1u) & 0x%08" PRIX32 "u;\n", i, i,
                    (uint32_t)((1u << b->window) - 1u));
        fprintf(c, "            if (s->brk%d_n < %du) {\n                s->brk%d_n = (uint8_t)(s->brk%d_n + 1u);\n            }\n"
                   "            for (x = s->brk%d_window; x != 0u; x &= x - 1u) {\n                nf++;\n            }\n"
                   "            if (", i, b->window, i, i, i);
        if (b->min_calls) fprintf(c, "(s->brk%d_n >= %du) && ", i, b->min_calls);
        fprintf(c, "((nf * 100u) >= (%du * (uint32_t)s->brk%d_n))) {\n                %s__open%d(s, now);\n            }\n",
                b->rate_pct, i, P, i);
    }
    fprintf(c, "        } else if (s->brk%d_state == 2u) {\n            %s__open%d(s, now);\n        } else {\n"
               "            /* open: the call was not made, nothing to count */\n        }\n    }\n", i, P, i);
}

static void emit_entry_points(em *e)
{
    const rc_ir *ir = e->ir;
    FILE *c = e->c;
    const char *P = e->P;

    /* P_init */
    fprintf(c, "void %s_init(%s_state *s, uint32_t now, uint32_t seed)\n{\n", P, P);
    if (ir->nbudgets == 0) fprintf(c, "    (void)now;\n");
    for (int i = 0; i < e->nrecs; i++) {
        const em_rec *r = &e->recs[i];
        if (r->init == 1) fprintf(c, "    s->%s = (seed != 0u) ? seed : RECOV_PRNG_DEFAULT_SEED;\n", r->lval);
        else if (r->init == 2) fprintf(c, "    s->%s = now;\n", r->lval);
        else fprintf(c, "    s->%s = 0u;\n", r->lval);
    }
    fprintf(c, "}\n\n");

    /* P_admit */
    fprintf(c, "recov_admit %s_admit(%s_state *s, uint32_t now)\n{\n", P, P);
    if (ir->nbreakers == 0) {
        fprintf(c, "    (void)s;\n    (void)now;\n    return RECOV_ALLOW;\n}\n\n");
    } else {
        for (int i = 0; i < ir->nbreakers; i++)
            fprintf(c, "    if ((s->brk%d_state == 1u) && ((uint32_t)(now - s->brk%d_opened_at) >= %" PRIu32 "u)) {\n"
                       "        s->brk%d_state = 2u;\n        s->brk%d_admitted = 0u;\n        s->brk%d_successes = 0u;\n    }\n",
                    i, i, ir->breakers[i].open_ms, i, i, i);
        fprintf(c, "    if (");
        for (int i = 0; i < ir->nbreakers; i++) {
            fprintf(c, "%s(s->brk%d_state == 1u) || ", i ? "\n        || " : "", i);
            if (ir->breakers[i].probes)
                fprintf(c, "((s->brk%d_state == 2u) && (s->brk%d_admitted >= %du))", i, i, ir->breakers[i].probes);
            else
                fprintf(c, "(s->brk%d_state == 2u)", i);
        }
        fprintf(c, ") {\n        return RECOV_REJECT;\n    }\n");
        for (int i = 0; i < ir->nbreakers; i++)
            fprintf(c, "    if (s->brk%d_state == 2u) {\n        s->brk%d_admitted = %s__inc16(s->brk%d_admitted);\n    }\n",
                    i, i, P, i);
        fprintf(c, "    return RECOV_ALLOW;\n}\n\n");
    }

    /* P_failed */
    fprintf(c, "recov_decision %s_failed(%s_state *s, const %s_fault *f, uint32_t now)\n{\n", P, P, P);
    if (e->words) fprintf(c, "    uint32_t m[%d];\n    unsigned e = %s__classify(f, m);\n", e->words, P);
    else fprintf(c, "    unsigned e = %s__classify(f);\n", P);
    if (ir->nblocks) fprintf(c, "    unsigned b;\n    uint32_t el;\n");
    fprintf(c, "    if (s->active == 0u) { /* P_failed 2: a new incident */\n"
               "        s->active = 1u;\n        s->start = now;\n        s->attempt = 0u;\n");
    for (int b = 0; b < ir->nblocks; b++) {
        fprintf(c, "        s->blk%d_pos = 0u;\n        s->blk%d_sub = 0u;\n", b, b);
        if (e->blk_prev[b]) fprintf(c, "        s->blk%d_prev = 0u;\n", b);
    }
    fprintf(c, "    }\n");
    if (e->any_run) fprintf(c, "    s->pending = 0u;\n");
    fprintf(c, "    s->attempt = %s__inc16(s->attempt);\n    s->error = (uint16_t)e;\n", P);
    if (e->any_fallback)
        fprintf(c, "    if (s->last_alt != 0u) { /* P_failed 4: learning */\n        s->alt_failed[s->last_alt - 1u] = %s__inc16(s->alt_failed[s->last_alt - 1u]);\n    }\n"
                   "    s->last_alt = 0u;\n", P);
    if (e->any_runlist)
        fprintf(c, "    s->last_handler = 0u; /* an unreported handler teaches nothing */\n");
    for (int i = 0; i < ir->nbreakers; i++) emit_breaker_fail(e, i);
    if (ir->nbudgets) fprintf(c, "    %s__budget_count(s, now);\n", P);
    /* a block for every error with no `when` (the check's catch-all rule):
     * P__select always picks one, so there is no "no block" path */
    bool total = false;
    for (int b = 0; b < ir->nblocks && !total; b++) {
        int w = ir->blocks[b].when >= 0 ? fold(e, ir->blocks[b].when, CTX_WHEN) : 1;
        if (w == 1 && set_count(ir->blocks[b].errors, ir->nerrors) == ir->nerrors) total = true;
    }
    if (ir->nblocks) {
        fprintf(c, "    el = (uint32_t)(now - s->start); /* ticks wrap: modular, as recov_elapsed */\n");
        fprintf(c, "    b = %s__select(s, f, %se, el);\n", P, e->words ? "m, " : "");
        if (total)
            fprintf(c, "    return %s__run(s, b, f, el);\n}\n\n", P);
        else
            fprintf(c, "    if (b < %du) {\n        return %s__run(s, b, f, el);\n    }\n", ir->nblocks, P);
    } else {
        fprintf(c, "    (void)e;\n");
    }
    if (!ir->nblocks || !total)
        fprintf(c, "    %s__end(s);\n    return %s__dec(s, RECOV_ABORT, 0u, 0u);\n}\n\n", P, P);

    /* P_handler_done */
    fprintf(c, "recov_decision %s_handler_done(%s_state *s, bool ok, uint32_t now)\n{\n", P, P);
    if (!e->any_run) {
        fprintf(c, "    (void)ok;\n    (void)now;\n    return %s__dec(s, RECOV_NONE, 0u, 0u);\n}\n\n", P);
    } else {
        fprintf(c, "    unsigned b;\n    if (s->pending == 0u) {\n        return %s__dec(s, RECOV_NONE, 0u, 0u);\n    }\n"
                   "    b = s->pending - 1u;\n    s->pending = 0u;\n", P);
        if (e->any_runlist)
            fprintf(c, "    if (s->last_handler != 0u) { /* learning of `run H1, H2...` */\n"
                       "        if (ok) {\n            s->hnd_ok[s->last_handler - 1u] = %s__inc16(s->hnd_ok[s->last_handler - 1u]);\n"
                       "        } else {\n            s->hnd_failed[s->last_handler - 1u] = "
                       "%s__inc16(s->hnd_failed[s->last_handler - 1u]);\n        }\n        s->last_handler = 0u;\n    }\n", P, P);
        fprintf(c, "    if (ok) { /* the handler fixed it: retry at once, nothing counted */\n        return %s__dec(s, RECOV_RETRY, 0u, 0u);\n    }\n"
                   "    return %s__run(s, b, NULL, (uint32_t)(now - s->start));\n}\n\n", P, P);
    }

    /* P_succeeded */
    fprintf(c, "void %s_succeeded(%s_state *s, uint32_t now)\n{\n", P, P);
    if (ir->nbudgets == 0) fprintf(c, "    (void)now;\n");
    if (e->any_fallback)
        fprintf(c, "    if (s->last_alt != 0u) {\n        s->alt_ok[s->last_alt - 1u] = %s__inc16(s->alt_ok[s->last_alt - 1u]);\n    }\n", P);
    for (int i = 0; i < ir->nbreakers; i++) {
        const rc_ir_breaker *b = &ir->breakers[i];
        fprintf(c, "    if (s->brk%d_state == 0u) {\n", i);
        if (b->mode == RC_BREAKER_CONSECUTIVE) {
            fprintf(c, "        s->brk%d_fails = 0u;\n", i);
        } else if (b->mode == RC_BREAKER_NET) { /* a success takes one failure off, never below 0 */
            fprintf(c, "        if (s->brk%d_fails > 0u) {\n            s->brk%d_fails = (uint16_t)(s->brk%d_fails - 1u);\n"
                       "        }\n", i, i, i);
        } else {
            if (b->window >= 32) fprintf(c, "        s->brk%d_window = s->brk%d_window << 1;\n", i, i);
            else fprintf(c, "        s->brk%d_window = (s->brk%d_window << 1) & 0x%08" PRIX32 "u;\n", i, i,
                         (uint32_t)((1u << b->window) - 1u));
            fprintf(c, "        if (s->brk%d_n < %du) {\n            s->brk%d_n = (uint8_t)(s->brk%d_n + 1u);\n        }\n",
                    i, b->window, i, i);
        }
        fprintf(c, "    } else if (s->brk%d_state == 2u) {\n        s->brk%d_successes = %s__inc16(s->brk%d_successes);\n",
                i, i, P, i);
        if (b->close_after) fprintf(c, "        if (s->brk%d_successes >= %du) {\n", i, b->close_after);
        else fprintf(c, "        {\n");
        fprintf(c, "            s->brk%d_state = 0u;\n", i);
        if (rc_ir_breaker_counts_fails(b->mode)) fprintf(c, "            s->brk%d_fails = 0u;\n", i);
        else fprintf(c, "            s->brk%d_window = 0u;\n            s->brk%d_n = 0u;\n", i, i);
        fprintf(c, "            s->brk%d_admitted = 0u;\n            s->brk%d_successes = 0u;\n        }\n    } else {\n"
                   "        /* open: nothing to count */\n    }\n", i, i);
    }
    if (ir->nbudgets) fprintf(c, "    %s__budget_count(s, now);\n", P);
    for (int l = 0; l < RC_SEV_COUNT; l++)
        if (e->unres[l]) fprintf(c, "    s->unres%d = 0u;\n", l);
    fprintf(c, "    %s__end(s);\n}\n\n", P);
}

/* ---- checkpoints (spec/checkpoint.md) --------------------------------------- */

static void emit_checkpoint(em *e)
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
    emit_u32_array(c, "uint32_t", nm, v, n, true);
    for (int i = 0; i < n; i++) v[i] = (uint32_t)e->recs[i].size;
    snprintf(nm, sizeof nm, "%s__ck_len", P);
    emit_u32_array(c, "uint8_t", nm, v, n, false);
    uint32_t mx = 0;
    for (int i = 0; i < n; i++) { v[i] = e->recs[i].max; if (v[i] > mx) mx = v[i]; }
    snprintf(nm, sizeof nm, "%s__ck_max", P);
    emit_u32_array(c, utype(mx), nm, v, n, false);
    fprintf(c, "static const %s %s__ck_off[%d] = {\n", utype((uint64_t)state_size(e)), P, n);
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

    uint32_t payload = (uint32_t)ck_payload(e);
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

/* ---- driver --------------------------------------------------------------------- */

static void emit_source(em *e, const char *header_name)
{
    const rc_ir *ir = e->ir;
    FILE *c = e->c;
    const char *P = e->P;
    fprintf(c, "/* %s.c - generated by recovc from policy %s version %" PRIu32 ".  Do not edit.\n"
               " * Implements spec/semantics.md for this policy; see %s for the API. */\n",
            P, P, ir->version, header_name);
    fprintf(c, "#include \"%s\"\n\n", header_name);
    fprintf(c, "/* the layout in the header is the one the checkpoint offsets assume */\n"
               "typedef char %s_state_size_ok[(sizeof(%s_state) == %s_STATE_SIZE) ? 1 : -1];\n\n", P, P, P);
    emit_tables(e);
    emit_helpers(e);
    emit_classify(e);
    for (int r = 0; r < ir->nretries; r++)
        if (retry_used(ir, r)) emit_delay(e, r);
    emit_budget_funcs(e);
    emit_breaker_funcs(e);
    emit_escalate(e);
    emit_run(e);
    if (ir->nblocks) emit_select(e);
    emit_entry_points(e);
    emit_checkpoint(e);
    emit_name_funcs(e);
}

bool rc_emit_c_why(const rc_ir *ir, const char *header_name, FILE *h, FILE *c, char *why, size_t n)
{
    em e;
    memset(&e, 0, sizeof e);
    e.ir = ir;
    e.P = ir->name;
    e.h = h;
    e.c = c;
    bool ok = analyse(&e);
    if (ok) {
        e.foldv[0] = malloc((size_t)ir->nexprs + 1);
        e.foldv[1] = malloc((size_t)ir->nexprs + 1);
        ok = e.foldv[0] && e.foldv[1];
        if (ok) {
            fold_all(&e, CTX_CLASSIFY);
            fold_all(&e, CTX_WHEN);
        } else {
            snprintf(e.why, sizeof e.why, "out of memory");
        }
    }
    if (ok) {
        plan_state(&e);
        ok = check_names(&e);
    }
    if (ok) {
        emit_header(&e, header_name);
        emit_source(&e, header_name);
        ok = !ferror(h) && !ferror(c);
        if (!ok) snprintf(e.why, sizeof e.why, "write error");
    }
    if (!ok && why && n) snprintf(why, n, "%s", e.why);
    free(e.recs);
    free(e.foldv[0]);
    free(e.foldv[1]);
    free(e.woff);
    free(e.scan);
    free(e.blk_prev);
    free(e.blk_run);
    return ok;
}

bool rc_emit_c(const rc_ir *ir, const char *header_name, FILE *h, FILE *c)
{
    return rc_emit_c_why(ir, header_name, h, c, NULL, 0);
}
