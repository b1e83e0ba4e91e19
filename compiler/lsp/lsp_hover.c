/* lsp_hover.c - hover: what the compiler knows of the name or block under
 * the cursor, in Markdown, from the checked IR (errors: class, severity,
 * channel, handling blocks; strategies: delays per retry and worst case;
 * `on` blocks: worst-case retry delays against the deadline). */
#include "lsp_req.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "delay.h"
#include "explain.h"

typedef struct md {
    char *p;
    size_t n, cap;
} md;

static void put(md *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(md *m, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char tmp[512];
    int k = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (k < 0) return;
    size_t len = (size_t)k < sizeof tmp ? (size_t)k : sizeof tmp - 1;
    if (m->n + len + 1 > m->cap) {
        m->cap = (m->n + len + 1) * 2;
        m->p = realloc(m->p, m->cap);
        if (!m->p) { fputs("recovc: internal error: out of memory\n", stderr); exit(3); }
    }
    memcpy(m->p + m->n, tmp, len);
    m->n += len;
    m->p[m->n] = '\0';
}

/* Appends s whole (put() cuts at 512 bytes). */
static void put_str(md *m, const char *s)
{
    for (size_t at = 0, len = strlen(s); at < len; at += 256) put(m, "%.256s", s + at);
}

static const char *dur(char *buf, size_t n, uint64_t ms) { return rc_delay_text(buf, n, ms); }

/* A block's head as written ("on busy, slow when attempt > 2"), one line. */
static void block_head(const rc_lsp_doc *d, rc_loc loc, char *buf, size_t n)
{
    size_t p = rc_lsp_loc_offset(d->text, d->len, loc.line, loc.col), k = 0;
    while (p < d->len && k + 1 < n && d->text[p] != '{' && d->text[p] != '\n') buf[k++] = d->text[p++];
    while (k && buf[k - 1] == ' ') k--;
    buf[k] = '\0';
}

static int find_by_loc_line(const rc_ir *ir, rc_loc loc)
{
    for (int b = 0; b < ir->nblocks; b++)
        if (ir->blocks[b].loc.line == loc.line && ir->blocks[b].loc.col == loc.col) return b;
    return -1;
}

static int find_error(const rc_ir *ir, const char *name)
{
    for (int i = 0; i < ir->nerrors; i++)
        if (strcmp(ir->errors[i].name, name) == 0) return i;
    return -1;
}

static void hover_error(md *m, const rc_lsp_doc *d, const rc_ir *ir, int e)
{
    const rc_ir_error *er = &ir->errors[e];
    const rc_ir_class *c = &ir->classes[er->cls];
    put(m, "**error** `%s`\n\n", er->name);
    put(m, "- class `%s`%s\n", c->name, c->retryable ? " (retryable)" : "");
    put(m, "- severity %s\n", rc_sev_names[er->severity]);
    if (ir->has_escalation && ir->escalation.channel[er->severity] >= 0) {
        char b[32];
        put(m, "- channel `%s`", ir->channels[ir->escalation.channel[er->severity]].name);
        if (ir->escalation.sla_ms[er->severity]) put(m, " within %s", dur(b, sizeof b, ir->escalation.sla_ms[er->severity]));
        put(m, "\n");
    }
    if (er->message) put(m, "- message: %s\n", er->message);
    int n = 0;
    for (int b = 0; b < ir->nblocks; b++) {
        if (!ir->blocks[b].errors[e]) continue;
        char head[96];
        block_head(d, ir->blocks[b].loc, head, sizeof head);
        put(m, "%s`%s` (line %d)", n++ ? ", " : "- handled by ", head, ir->blocks[b].loc.line);
    }
    put(m, n ? "\n" : "- handled by no block\n");
}

static void hover_retry(md *m, const rc_ir *ir, int r)
{
    const rc_ir_retry *rt = &ir->retries[r];
    static const char *const backoff[] = { "constant", "linear", "exponential" };
    char b1[32], b2[32];
    put(m, "**retry** `%s`: %u attempt%s, %s backoff base %s\n\n", rt->name, rt->attempts, rt->attempts == 1 ? "" : "s",
        backoff[rt->backoff], dur(b1, sizeof b1, rt->base_ms));
    uint32_t *lo = malloc(sizeof *lo * rt->attempts), *hi = malloc(sizeof *hi * rt->attempts);
    if (!lo || !hi) { free(lo); free(hi); return; }
    int shown = 0;
    /* per error handled by a block that runs this strategy */
    for (int e = 0; e < ir->nerrors && shown < 8; e++) {
        bool uses = false;
        for (int b = 0; b < ir->nblocks && !uses; b++)
            for (int s = 0; s < ir->blocks[b].nsteps && !uses; s++)
                uses = ir->blocks[b].errors[e] && ir->blocks[b].steps[s].kind == RC_IR_RETRY &&
                       ir->blocks[b].steps[s].retry == r;
        if (!uses) continue;
        int n = rc_delay_retry(ir, r, e, lo, hi);
        uint64_t worst = 0;
        put(m, "- for `%s`: ", ir->errors[e].name);
        for (int i = 0; i < n; i++) {
            worst += hi[i];
            if (lo[i] == hi[i]) put(m, "%s%s", i ? ", " : "", dur(b1, sizeof b1, hi[i]));
            else put(m, "%s%s..%s", i ? ", " : "", dur(b1, sizeof b1, lo[i]), dur(b2, sizeof b2, hi[i]));
        }
        put(m, "; worst case %s\n", dur(b1, sizeof b1, worst));
        shown++;
    }
    if (!shown) put(m, "- used by no `on` block\n");
    free(lo);
    free(hi);
}

static void hover_block(md *m, const rc_lsp_doc *d, const rc_ir *ir, int bi)
{
    const rc_ir_block *b = &ir->blocks[bi];
    char head[96], b1[32], b2[32];
    block_head(d, b->loc, head, sizeof head);
    put(m, "**%s**\n\n", head);
    if (b->deadline_ms) put(m, "- deadline %s\n", dur(b1, sizeof b1, b->deadline_ms));
    else put(m, "- no deadline\n");
    int shown = 0;
    for (int e = 0; e < ir->nerrors && shown < 16; e++) {
        if (!b->errors[e]) continue;
        rc_delay_bounds db = rc_delay_block_bounds(ir, b, e);
        put(m, "- `%s`: worst case %s of retry delays (%d retr%s)", ir->errors[e].name, dur(b1, sizeof b1, db.max_total),
            db.retries, db.retries == 1 ? "y" : "ies");
        if (b->deadline_ms)
            put(m, db.max_total > b->deadline_ms ? ", over the deadline of %s by %s" : ", within the deadline of %s%s",
                dur(b1, sizeof b1, b->deadline_ms),
                db.max_total > b->deadline_ms ? dur(b2, sizeof b2, db.max_total - b->deadline_ms) : "");
        put(m, "\n");
        shown++;
    }
}

static bool within(rc_loc l, const rc_ast_rule *r)
{
    int end = r->loc.end_line > 0 ? r->loc.end_line : r->loc.line;
    return l.line >= r->loc.line && l.line <= end;
}

static bool rule_code(const char *c)
{
    return c && (strcmp(c, "unreachable-rule") == 0 || strcmp(c, "shadowed-overlap") == 0 ||
                 strcmp(c, "empty-rule") == 0);
}

/* A classify rule: its place in the first-match order and the rules it
 * shadows or is shadowed by, from the analyses run again with
 * -Wunreachable-rule -Wshadowed-overlap -Wempty-rule. */
static void hover_rule(md *m, const rc_lsp *s, const rc_lsp_doc *d, const rc_ast_rule *r, int idx, int n)
{
    put(m, "**rule %d of %d**: first match wins; classifies as `%s`\n\n", idx, n, r->error.name ? r->error.name : "?");
    const char *extra[] = { "unreachable-rule", "shadowed-overlap", "empty-rule" };
    int nw = s->base.nwopts + 3;
    const char **w = malloc(sizeof *w * (size_t)nw);
    if (!w) return;
    for (int i = 0; i < s->base.nwopts; i++) w[i] = s->base.wopts[i];
    for (int i = 0; i < 3; i++) w[s->base.nwopts + i] = extra[i];
    rc_diag_records recs;
    memset(&recs, 0, sizeof recs);
    rc_unit_opts o = s->base;
    o.wopts = w;
    o.nwopts = nw;
    o.text = d->text;
    o.text_len = d->len;
    o.records = &recs;
    rc_unit u;
    rc_unit_load(&u, d->path, s->null_out, &o);
    int shown = 0;
    for (int i = 0; i < recs.n && shown < 8; i++) {
        const rc_diag_rec *g = &recs.v[i];
        if (!rule_code(g->code) || (g->file && strcmp(g->file, d->path) != 0)) continue;
        if (within(g->loc, r)) {
            put(m, "- %s\n", g->text);
            shown++;
            continue;
        }
        for (int j = 0; j < g->nnotes; j++)
            if (g->notes[j].loc.line > 0 && within(g->notes[j].loc, r)) {
                put(m, "- shadows the rule on line %d: %s\n", g->loc.line, g->text);
                shown++;
                break;
            }
    }
    if (!shown) put(m, "- shadows no rule and no rule shadows it\n");
    rc_unit_free(&u);
    rc_diag_records_free(&recs);
    free(w);
}

static void hover_name(md *m, const rc_lsp_doc *d, const rc_ir *ir, const rc_lsp_occ *o)
{
    char b1[32];
    switch (o->kind) {
    case RC_LN_ERROR: {
        int e = find_error(ir, o->name);
        if (e >= 0) { hover_error(m, d, ir, e); return; }
        break;
    }
    case RC_LN_RETRY:
        for (int r = 0; r < ir->nretries; r++)
            if (strcmp(ir->retries[r].name, o->name) == 0) { hover_retry(m, ir, r); return; }
        break;
    case RC_LN_BREAKER:
        for (int i = 0; i < ir->nbreakers; i++) {
            const rc_ir_breaker *b = &ir->breakers[i];
            if (strcmp(b->name, o->name) != 0) continue;
            put(m, "**breaker** `%s`\n\n", b->name);
            if (b->mode == RC_BREAKER_CONSECUTIVE) put(m, "- opens after %u consecutive failures\n", b->threshold);
            else if (b->mode == RC_BREAKER_TIME)
                put(m, "- opens at %u%% of the calls in %s (%u buckets, min %u)\n", b->rate_pct,
                    dur(b1, sizeof b1, b->window_ms), b->buckets, b->min_calls);
            else put(m, "- opens at %u%% of the last %u calls (min %u)\n", b->rate_pct, b->window, b->min_calls);
            put(m, "- open for %s, %u probe%s, closes after %u success%s\n", dur(b1, sizeof b1, b->open_ms), b->probes,
                b->probes == 1 ? "" : "s", b->close_after, b->close_after == 1 ? "" : "es");
            if (b->retry_wait)
                put(m, "- retries wait: a retry toward it while it is open waits for the rest of its open period, "
                       "within the deadline\n");
            if (ir->stats)   /* its counters in P_counters (generated-api.md) */
                put(m, "- stats (`%s_stats`): `breaker_opens[%d]`, `breaker_half_opens[%d]`, `breaker_rejections[%d]`\n",
                    ir->name, i, i, i);
            return;
        }
        break;
    case RC_LN_BUDGET:
        for (int i = 0; i < ir->nbudgets; i++) {
            const rc_ir_budget *b = &ir->budgets[i];
            if (strcmp(b->name, o->name) != 0) continue;
            put(m, "**budget** `%s`: retries for %u%% of calls, at least %u per %s\n", b->name, b->ratio_pct,
                b->min_retries, dur(b1, sizeof b1, b->window_ms));
            return;
        }
        break;
    case RC_LN_CLASS:
        for (int c = 0; c < ir->nclasses; c++) {
            if (strcmp(ir->classes[c].name, o->name) != 0) continue;
            put(m, "**class** `%s`%s\n\n- errors:", o->name, ir->classes[c].retryable ? " (retryable)" : "");
            int n = 0;
            for (int e = 0; e < ir->nerrors; e++)
                if (ir->errors[e].cls == c) put(m, "%s `%s`", n++ ? "," : "", ir->errors[e].name);
            put(m, n ? "\n" : " none\n");
            return;
        }
        break;
    case RC_LN_FIELD:
        for (int f = 0; f < ir->nfields; f++)
            if (strcmp(ir->fields[f].name, o->name) == 0) {
                put(m, "**fault field** `%s`: %s\n", o->name, rc_type_name(ir->fields[f].type));
                return;
            }
        break;
    case RC_LN_CONST:
        for (int c = 0; c < ir->nconsts; c++)
            if (strcmp(ir->consts[c].name, o->name) == 0) {
                if (ir->consts[c].duration) put(m, "**const** `%s` = %s\n", o->name, dur(b1, sizeof b1, (uint64_t)ir->consts[c].value));
                else put(m, "**const** `%s` = %lld\n", o->name, (long long)ir->consts[c].value);
                return;
            }
        break;
    case RC_LN_PARAM:
        for (int p = 0; p < ir->nparams; p++)
            if (strcmp(ir->params[p].name, o->name) == 0) {
                const rc_ir_param *pa = &ir->params[p];
                char lo[32], hi[32], def[32];
                rc_ir_param_format(pa, pa->lo, lo, sizeof lo);
                rc_ir_param_format(pa, pa->hi, hi, sizeof hi);
                rc_ir_param_format(pa, pa->def, def, sizeof def);
                put(m, "**param** `%s`: %s in %s..%s, default %s\n", o->name, rc_ptype_name(pa->type), lo, hi, def);
                return;
            }
        break;
    default: break;
    }
    put(m, "**%s** `%s`\n", rc_lsp_nkind_name(o->kind), o->name);
}

void rc_lsp_hover(rc_lsp *s, const cJSON *id, const cJSON *params)
{
    rc_lsp_doc *d;
    size_t off;
    if (!rc_lsp_doc_pos(s, id, params, &d, &off)) return;
    int line, col;
    rc_lsp_line_col(d->text, d->len, off, &line, &col);
    const rc_lsp_occ *o = rc_lsp_names_at(&d->names, line, col);
    const rc_ir *ir = d->unit.checked;
    md m = { NULL, 0, 0 };
    rc_loc range = { 0, 0, 0, 0 };
    if (o && ir) {
        hover_name(&m, d, ir, o);
        range = o->loc;
    } else if (o) {
        put(&m, "**%s** `%s`\n", rc_lsp_nkind_name(o->kind), o->name);
        range = o->loc;
    } else if (ir && d->unit.ast) {
        /* the first line of an `on` block (not on a name): its times */
        for (const rc_ast_decl *x = d->unit.ast->decls; x; x = x->next) {
            if (x->kind == RC_D_STATS && x->loc.line == line && col >= x->loc.col && col < x->loc.col + 5) {
                /* the `stats` keyword: every counter it adds */
                char *st = rc_explain_stats(ir, true);
                if (st) put_str(&m, st);
                free(st);
                range = (rc_loc){ x->loc.line, x->loc.col, x->loc.line, x->loc.col + 4 };
                break;
            }
            if (x->kind != RC_D_ON || x->loc.line != line || col < x->loc.col) continue;
            int bi = find_by_loc_line(ir, x->loc);
            if (bi < 0) break;
            hover_block(&m, d, ir, bi);
            range = (rc_loc){ x->loc.line, x->loc.col, x->loc.line, x->loc.col + 1 };
        }
    }
    if (!m.p && !o && d->unit.ast) {
        /* a classify rule (not on a name) */
        for (const rc_ast_decl *x = d->unit.ast->decls; x && !m.p; x = x->next) {
            if (x->kind != RC_D_CLASSIFY) continue;
            int n = 0, k = 0;
            for (const rc_ast_rule *r = x->rules; r; r = r->next) n++;
            for (const rc_ast_rule *r = x->rules; r; r = r->next) {
                k++;
                int el = r->loc.end_line > 0 ? r->loc.end_line : r->loc.line;
                int ec = r->loc.end_line > 0 ? r->loc.end_col : r->loc.col;
                if (line < r->loc.line || line > el || (line == r->loc.line && col < r->loc.col) ||
                    (line == el && col > ec + 1))
                    continue;
                hover_rule(&m, s, d, r, k, n);
                range = r->loc;
                break;
            }
        }
    }
    if (!m.p) { rc_lsp_reply(s, id, NULL); return; }
    cJSON *r = cJSON_CreateObject();
    cJSON *c = cJSON_AddObjectToObject(r, "contents");
    cJSON_AddStringToObject(c, "kind", "markdown");
    cJSON_AddStringToObject(c, "value", m.p);
    if (range.line > 0) cJSON_AddItemToObject(r, "range", rc_lsp_range_json(s, d->text, d->len, range));
    rc_lsp_reply(s, id, r);
    free(m.p);
}
