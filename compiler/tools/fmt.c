/* fmt.c - see fmt.h.  Expressions are printed with an explicit stack (no
 * recursion: conditions may be deeply nested). */
#include "fmt.h"

#include "delay.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "ast.h"
#include "diag.h"
#include "driver.h"
#include "output.h"
#include "parse.h"

/* errors reported here are of this kind (errors.def) */
#undef RC_ERROR_KIND
#define RC_ERROR_KIND RC_E_SYNTAX

#define FMT_WIDTH 100
#define FMT_ALIGN_MAX 48

/* ---- growable text -------------------------------------------------------- */

typedef struct sbuf { char *s; size_t n, cap; } sbuf;

static void sb_putn(sbuf *b, const char *s, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        size_t c = b->cap ? b->cap : 256;
        while (c < b->n + n + 1) c *= 2;
        char *p = realloc(b->s, c);
        if (!p) { fputs("recovc: internal error: out of memory\n", stderr); exit(3); }
        b->s = p;
        b->cap = c;
    }
    memcpy(b->s + b->n, s, n);
    b->n += n;
    b->s[b->n] = '\0';
}

static void sb_puts(sbuf *b, const char *s) { sb_putn(b, s, strlen(s)); }

static void sb_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(sbuf *b, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n > 0) sb_putn(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

/* ---- comments -------------------------------------------------------------- */

typedef struct comment {
    size_t start, end;          /* bytes [start, end) */
    int line;
    bool trailing;              /* code before it on its line */
    bool blank_before;          /* the line before it is blank */
    bool done;
} comment;

typedef struct fmt {
    const char *src;
    size_t len;
    int nlines;
    bool *blank;                /* [nlines + 2] line is blank */
    comment *cm;
    int ncm, next;              /* next comment not yet emitted (in order) */
    sbuf out;
    sbuf line;                  /* the line being built */
    int line_last;              /* last source line the current output line covers */
    bool line_open;
    int indent;
    bool last_blank;            /* the last emitted line is blank (or nothing yet) */
    int covered;                /* the last source line printed so far */
    int attach_below;           /* end_line: only trailing comments before this line (0: all) */
} fmt;

static void scan_comments(fmt *f)
{
    const char *s = f->src;
    size_t n = f->len;
    int line = 1, cap = 0;
    f->nlines = 1;
    for (size_t i = 0; i < n; i++) if (s[i] == '\n') f->nlines++;
    f->blank = calloc((size_t)f->nlines + 2, 1);
    /* a line is blank when it has only white space */
    {
        int l = 1;
        bool only = true;
        for (size_t i = 0; i <= n; i++) {
            if (i == n || s[i] == '\n') { f->blank[l] = only; l++; only = true; }
            else if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\f' && s[i] != '\v') only = false;
        }
    }
    size_t line_start = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '\n') { line++; line_start = i + 1; continue; }
        if (c == '"') {
            for (i++; i < n && s[i] != '"' && s[i] != '\n'; i++)
                if (s[i] == '\\' && i + 1 < n && s[i + 1] != '\n') i++;
            if (i < n && s[i] == '\n') { line++; line_start = i + 1; }
            continue;
        }
        if (c != '/' || i + 1 >= n) continue;
        if (s[i + 1] == '/' || s[i + 1] == '*') {
            size_t st = i;
            int l0 = line;
            if (s[i + 1] == '/') {
                while (i < n && s[i] != '\n') i++;
            } else {
                for (i += 2; i < n && !(s[i] == '*' && i + 1 < n && s[i + 1] == '/'); i++)
                    if (s[i] == '\n') { line++; }
                i = i + 2 <= n ? i + 2 : n;
            }
            size_t en = i;
            bool code = false;
            for (size_t k = line_start; k < st; k++)
                if (s[k] != ' ' && s[k] != '\t' && s[k] != '\r') code = true;
            if (f->ncm == cap) {
                cap = cap ? 2 * cap : 16;
                f->cm = realloc(f->cm, (size_t)cap * sizeof *f->cm);
                if (!f->cm) exit(3);
            }
            f->cm[f->ncm++] = (comment){st, en, l0, code, l0 > 1 && f->blank[l0 - 1], false};
            if (line != l0) {
                /* find the start of the current line again */
                size_t k = en;
                while (k > 0 && s[k - 1] != '\n') k--;
                line_start = k;
            }
            i = en - 1;   /* loop increment; a '\n' after a // comment is seen next */
            continue;
        }
        /* a regex: up to the next unescaped '/' on this line */
        for (i++; i < n && s[i] != '/' && s[i] != '\n'; i++)
            if (s[i] == '\\' && i + 1 < n && s[i + 1] != '\n') i++;
        if (i < n && s[i] == '\n') { line++; line_start = i + 1; }
    }
}

static void emit_raw_line(fmt *f, const char *text)
{
    bool blank = text[0] == '\0';
    if (blank && f->last_blank) return;
    sb_puts(&f->out, text);
    sb_puts(&f->out, "\n");
    f->last_blank = blank;
}

static void blank_line(fmt *f) { emit_raw_line(f, ""); }

static void put_indent(sbuf *b, int indent)
{
    for (int i = 0; i < indent; i++) sb_puts(b, "    ");
}

/* A standalone comment, on lines of its own at the current indentation. */
static void emit_comment(fmt *f, comment *c)
{
    if (c->blank_before) blank_line(f);
    sbuf b = {0};
    put_indent(&b, f->indent);
    const char *p = f->src + c->start, *e = f->src + c->end;
    while (p < e) {
        const char *nl = memchr(p, '\n', (size_t)(e - p));
        const char *le = nl ? nl : e;
        const char *te = le;
        while (te > p && (te[-1] == ' ' || te[-1] == '\t' || te[-1] == '\r')) te--;
        sb_putn(&b, p, (size_t)(te - p));
        emit_raw_line(f, b.s);
        b.n = 0;
        b.s[0] = '\0';
        if (!nl) break;
        p = nl + 1;
        /* continuation lines of a block comment keep their own indentation */
    }
    free(b.s);
    c->done = true;
}

/* Finish the current output line, attaching trailing comments it covers. */
static void end_line(fmt *f)
{
    if (!f->line_open) return;
    for (int i = 0; i < f->ncm; i++) {
        comment *c = &f->cm[i];
        if (c->done || !c->trailing || c->line > f->line_last) continue;
        if (f->attach_below && c->line >= f->attach_below) continue;  /* a later line covers it too */
        const char *p = f->src + c->start;
        size_t n = c->end - c->start;
        while (n && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r')) n--;
        sb_puts(&f->line, " ");
        sb_putn(&f->line, p, n);
        c->done = true;
    }
    size_t n = f->line.n;
    while (n && f->line.s[n - 1] == ' ') n--;
    f->line.s[n] = '\0';
    emit_raw_line(f, f->line.s);
    f->line.n = 0;
    f->line.s[0] = '\0';
    f->line_open = false;
}

/* Start an output line for source lines [first, last]: standalone comments
 * before `first` come out first; `blank` keeps a blank line from the source. */
static void begin_line(fmt *f, int first, int last, bool keep_blank)
{
    f->attach_below = first;
    end_line(f);
    f->attach_below = 0;
    for (int i = 0; i < f->ncm; i++) {
        comment *c = &f->cm[i];
        if (c->done || c->line >= first) continue;
        if (c->trailing) {
            /* a trailing comment of something already printed */
            c->trailing = false;
            c->blank_before = false;
        }
        emit_comment(f, c);
    }
    if (keep_blank && first > 1 && first - 1 > f->covered && f->blank[first - 1]) blank_line(f);
    if (last > f->covered) f->covered = last;
    sb_puts(&f->line, "");
    put_indent(&f->line, f->indent);
    f->line_last = last;
    f->line_open = true;
}

static int end_of(rc_loc l) { return l.end_line ? l.end_line : l.line; }

/* ---- values and expressions ------------------------------------------------- */

static void put_dur(sbuf *b, int64_t ms)
{
    char t[32];
    if (ms < 0) sb_printf(b, "%lldms", (long long)ms);
    else sb_printf(b, "%s", rc_delay_text(t, sizeof t, (uint64_t)ms));
}

static void put_milli(sbuf *b, int64_t v)
{
    sb_printf(b, "%lld", (long long)(v / 1000));
    int64_t frac = v % 1000;
    if (frac) {
        char d[8];
        snprintf(d, sizeof d, "%03lld", (long long)frac);
        size_t n = strlen(d);
        while (n && d[n - 1] == '0') d[--n] = '\0';
        sb_printf(b, ".%s", d);
    }
}

static void put_value(sbuf *b, const rc_ast_value *v)
{
    switch (v->kind) {
    case RC_AV_NONE: break;
    case RC_AV_INT: sb_printf(b, "%lld", (long long)v->num); break;
    case RC_AV_DURATION: put_dur(b, v->num); break;
    case RC_AV_PERCENT: sb_printf(b, "%lld%%", (long long)v->num); break;
    case RC_AV_DECPERCENT: /* thousandths of a percent, written with the decimals it needs (at least one) */
        if (v->num % 100 == 0) sb_printf(b, "%lld.%lld%%", (long long)(v->num / 1000), (long long)(v->num % 1000 / 100));
        else if (v->num % 10 == 0) sb_printf(b, "%lld.%02lld%%", (long long)(v->num / 1000), (long long)(v->num % 1000 / 10));
        else sb_printf(b, "%lld.%03lld%%", (long long)(v->num / 1000), (long long)(v->num % 1000));
        break;
    case RC_AV_FACTOR: sb_puts(b, "x"); put_milli(b, v->num); break;
    case RC_AV_NAME: sb_puts(b, v->name ? v->name : "_"); break;
    }
}

static void put_string(sbuf *b, const char *s, size_t n)
{
    sb_puts(b, "\"");
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') sb_printf(b, "\\%c", c);
        else if (c == '\n') sb_puts(b, "\\n");
        else if (c == '\t') sb_puts(b, "\\t");
        else if (c == '\r') sb_puts(b, "\\r");
        else if (c < 0x20 || c == 0x7f) sb_printf(b, "\\x%02x", c);
        else sb_putn(b, (const char *)&c, 1);
    }
    sb_puts(b, "\"");
}

static void put_pats(sbuf *b, const rc_ast_pat *p)
{
    for (; p; p = p->next) {
        if (p->is_regex) { sb_puts(b, "/"); sb_putn(b, p->text, p->len); sb_puts(b, "/"); }
        else put_string(b, p->text, p->len);
        if (p->next) sb_puts(b, " | ");
    }
}

static const char *const cmp_ops[] = {"==", "!=", "<", "<=", ">", ">="};

static int prec(const rc_ast_expr *e)
{
    return e->kind == RC_AX_OR ? 1 : e->kind == RC_AX_AND ? 2 : e->kind == RC_AX_NOT ? 3 : 4;
}

typedef struct xframe { const rc_ast_expr *e; int state; bool paren; } xframe;

static void put_expr(sbuf *b, const rc_ast_expr *root)
{
    int cap = 64, sp = 0;
    xframe *st = malloc((size_t)cap * sizeof *st);
    if (!st) exit(3);
    st[sp++] = (xframe){root, 0, false};
    while (sp) {
        xframe *fr = &st[sp - 1];
        const rc_ast_expr *e = fr->e;
        if (sp + 2 >= cap) {
            cap *= 2;
            st = realloc(st, (size_t)cap * sizeof *st);
            if (!st) exit(3);
            fr = &st[sp - 1];
        }
        if (fr->state == 0 && fr->paren) sb_puts(b, "(");
        switch (e->kind) {
        case RC_AX_CMP:
            put_value(b, &e->lhs); sb_printf(b, " %s ", cmp_ops[e->op]); put_value(b, &e->rhs);
            fr->state = 9;
            break;
        case RC_AX_IN:
            put_value(b, &e->lhs); sb_puts(b, " in "); put_value(b, &e->rhs); sb_puts(b, ".."); put_value(b, &e->hi);
            fr->state = 9;
            break;
        case RC_AX_MATCH:
            sb_puts(b, e->field.name ? e->field.name : "_");
            sb_puts(b, e->icase ? " ~i " : " ~ ");
            put_pats(b, e->pats);
            fr->state = 9;
            break;
        case RC_AX_NAME: put_value(b, &e->lhs); fr->state = 9; break;
        case RC_AX_NOT:
            if (fr->state == 0) {
                sb_puts(b, "!");
                fr->state = 8;
                st[sp++] = (xframe){e->a, 0, e->a->kind != RC_AX_NAME && e->a->kind != RC_AX_NOT};
                continue;
            }
            break;
        case RC_AX_AND: case RC_AX_OR: {
            int p = prec(e);
            if (fr->state == 0) {
                fr->state = 1;
                st[sp++] = (xframe){e->a, 0, prec(e->a) < p};
                continue;
            }
            if (fr->state == 1) {
                sb_puts(b, e->kind == RC_AX_AND ? " && " : " || ");
                fr->state = 8;
                st[sp++] = (xframe){e->b, 0, prec(e->b) < p + 1};
                continue;
            }
            break;
        }
        }
        if (fr->paren) sb_puts(b, ")");
        sp--;
    }
    free(st);
}

/* ---- declarations ------------------------------------------------------------ */

static void put_names(sbuf *b, const rc_ident_list *l)
{
    for (; l; l = l->next) { sb_puts(b, l->id.name ? l->id.name : "_"); if (l->next) sb_puts(b, ", "); }
}

static void put_scales(sbuf *b, const rc_ast_scale *s)
{
    for (; s; s = s->next) {
        sb_printf(b, "%s ", s->name.name ? s->name.name : "_");
        put_value(b, &s->factor);
        if (s->next) sb_puts(b, ", ");
    }
}

static void setting_text(sbuf *b, const rc_ast_setting *s)
{
    switch (s->kind) {
    case RC_S_ATTEMPTS: sb_puts(b, "attempts "); put_value(b, &s->v[0]); break;
    case RC_S_BACKOFF:
        sb_printf(b, "backoff %s base ", s->word.name ? s->word.name : "_");
        put_value(b, &s->v[0]);
        if (s->v[1].kind != RC_AV_NONE) {
            sb_puts(b, " factor ");
            if (s->v[1].kind == RC_AV_FACTOR) put_milli(b, s->v[1].num); else put_value(b, &s->v[1]);
        }
        if (s->v[2].kind != RC_AV_NONE) { sb_puts(b, " max "); put_value(b, &s->v[2]); }
        break;
    case RC_S_JITTER:
        sb_puts(b, "jitter ");
        if (s->v[0].kind != RC_AV_NONE) put_value(b, &s->v[0]); else sb_puts(b, s->word.name ? s->word.name : "_");
        break;
    case RC_S_SCALE: sb_puts(b, "scale "); put_scales(b, s->scales); break;
    case RC_S_SCALE_SEVERITY: sb_puts(b, "scale severity "); put_scales(b, s->scales); break;
    case RC_S_HONOR: sb_printf(b, "honor %s", s->word.name ? s->word.name : "_"); break;
    case RC_S_MAX: sb_puts(b, "max "); put_value(b, &s->v[0]); break;
    case RC_S_TIMEOUT:
        sb_puts(b, "timeout ");
        put_value(b, &s->v[0]);
        if (s->word.name) sb_printf(b, " flag %s", s->word.name);
        break;
    case RC_S_OPEN_AFTER: sb_puts(b, "open after "); put_value(b, &s->v[0]); sb_puts(b, " consecutive failures"); break;
    case RC_S_OPEN_NET: sb_puts(b, "open after "); put_value(b, &s->v[0]); sb_puts(b, " failures minus successes"); break;
    case RC_S_OPEN_AT:
        sb_puts(b, "open at "); put_value(b, &s->v[0]); sb_puts(b, " of last "); put_value(b, &s->v[1]);
        sb_puts(b, " calls");
        if (s->v[2].kind != RC_AV_NONE) { sb_puts(b, " min "); put_value(b, &s->v[2]); }
        break;
    case RC_S_OPEN_TIME:
        sb_puts(b, "open at "); put_value(b, &s->v[0]); sb_puts(b, " of calls in "); put_value(b, &s->v[1]);
        if (s->word.name) { sb_printf(b, " %s ", s->word.name); put_value(b, &s->v3); }
        if (s->v[2].kind != RC_AV_NONE) { sb_puts(b, " min "); put_value(b, &s->v[2]); }
        break;
    case RC_S_OPEN_SLOW:
        sb_puts(b, "open at "); put_value(b, &s->v[0]); sb_printf(b, " %s", s->word.name ? s->word.name : "_");
        break;
    case RC_S_SLOW_ABOVE:
        sb_printf(b, "%s %s ", s->word.name ? s->word.name : "_", s->word2.name ? s->word2.name : "_");
        put_value(b, &s->v[0]);
        break;
    case RC_S_RETRIES_WAIT:
        sb_printf(b, "%s %s", s->word.name ? s->word.name : "_", s->word2.name ? s->word2.name : "_");
        break;
    case RC_S_OPEN_FOR:
        sb_puts(b, "open for "); put_value(b, &s->v[0]);
        if (s->word.name) { sb_printf(b, " %s ", s->word.name); put_value(b, &s->v[1]); }
        if (s->v[2].kind != RC_AV_NONE) { sb_puts(b, " max "); put_value(b, &s->v[2]); }
        break;
    case RC_S_PROBES: sb_puts(b, "half_open probes "); put_value(b, &s->v[0]); break;
    case RC_S_HALF_OPEN_TIMEOUT: sb_puts(b, "half_open timeout "); put_value(b, &s->v[0]); break;
    case RC_S_CLOSE_AFTER: sb_puts(b, "close after "); put_value(b, &s->v[0]); sb_puts(b, " successes"); break;
    case RC_S_CLOSE_BELOW: sb_printf(b, "close %s ", s->word.name ? s->word.name : "_"); put_value(b, &s->v[0]); break;
    case RC_S_COUNT: sb_puts(b, "count "); put_names(b, s->names); break;
    case RC_S_RATIO:
        sb_puts(b, "ratio "); put_value(b, &s->v[0]); sb_puts(b, " min "); put_value(b, &s->v[1]);
        sb_puts(b, " per "); put_value(b, &s->v[2]);
        break;
    }
    sb_puts(b, ";");
}

static void step_text(sbuf *b, const rc_ast_step *s)
{
    const char *n = s->name.name;
    switch (s->kind) {
    case RC_STEP_RETRY: sb_printf(b, "retry %s;", n ? n : "_"); break;
    case RC_STEP_FALLBACK: sb_puts(b, s->adaptive ? "fallback adaptive " : "fallback "); put_names(b, s->alts); sb_puts(b, ";"); break;
    case RC_STEP_ADJUST:
        sb_printf(b, "adjust %s", n ? n : "_");
        if (s->dur.kind != RC_AV_NONE) { sb_puts(b, " delay "); put_value(b, &s->dur); }
        sb_puts(b, ";");
        break;
    case RC_STEP_RUN:
        if (s->alts) {
            sb_puts(b, s->adaptive ? "run adaptive " : "run ");
            for (const rc_ident_list *l = s->alts; l; l = l->next) {
                sb_puts(b, l->id.name ? l->id.name : "_");
                if (l->when) { sb_puts(b, " when "); put_expr(b, l->when); }
                if (l->next) sb_puts(b, ", ");
            }
        } else {
            sb_printf(b, "run %s", n ? n : "_");
            if (s->when) { sb_puts(b, " when "); put_expr(b, s->when); }
        }
        if (s->dur.kind != RC_AV_NONE) { sb_puts(b, " timeout "); put_value(b, &s->dur); }
        if (s->then == 1) sb_puts(b, " then next");
        if (s->then == 2) sb_puts(b, " then next if ok");
        sb_puts(b, ";");
        break;
    case RC_STEP_DEGRADE: sb_printf(b, "degrade %s;", n ? n : "_"); break;
    case RC_STEP_ESCALATE: sb_puts(b, n ? "escalate " : "escalate;"); if (n) { sb_puts(b, n); sb_puts(b, ";"); } break;
    case RC_STEP_ABORT: sb_puts(b, "abort;"); break;
    }
}

static bool comment_within(const fmt *f, int first, int last)
{
    for (int i = 0; i < f->ncm; i++)
        if (!f->cm[i].done && f->cm[i].line >= first && f->cm[i].line < last) return true;
    return false;
}

static void fmt_on(fmt *f, const rc_ast_decl *d)
{
    sbuf head = {0};
    sb_puts(&head, "on ");
    for (const rc_ast_selector *s = d->sels; s; s = s->next) {
        if (s->kind == RC_SEL_ANY) sb_puts(&head, "_");
        else sb_printf(&head, "%s%s", s->kind == RC_SEL_CLASS ? "class " : "", s->name.name ? s->name.name : "_");
        if (s->next) sb_puts(&head, ", ");
    }
    if (d->when) { sb_puts(&head, " when "); put_expr(&head, d->when); }
    int nsteps = 0;
    for (const rc_ast_step *s = d->steps; s; s = s->next) nsteps++;
    sbuf one = {0};
    sb_printf(&one, "%s {", head.s);
    for (const rc_ast_step *s = d->steps; s; s = s->next) { sb_puts(&one, " "); step_text(&one, s); }
    sb_puts(&one, " }");
    int first = d->loc.line, last = end_of(d->loc);
    if (nsteps <= 2 && d->value.kind == RC_AV_NONE && (size_t)f->indent * 4 + one.n <= FMT_WIDTH &&
        !comment_within(f, first, last)) {
        begin_line(f, first, last, true);
        sb_puts(&f->line, one.s);
    } else {
        begin_line(f, first, first, true);
        sb_printf(&f->line, "%s {", head.s);
        f->indent++;
        if (d->value.kind != RC_AV_NONE) {
            begin_line(f, d->value.loc.line, d->value.loc.line, false);
            sb_puts(&f->line, "deadline ");
            put_value(&f->line, &d->value);
            sb_puts(&f->line, ";");
        }
        for (const rc_ast_step *s = d->steps; s; s = s->next) {
            begin_line(f, s->loc.line, end_of(s->loc), true);
            step_text(&f->line, s);
        }
        f->indent--;
        begin_line(f, last, last, false);
        sb_puts(&f->line, "}");
    }
    free(head.s);
    free(one.s);
}

static void fmt_settings(fmt *f, const rc_ast_decl *d, const char *kw)
{
    begin_line(f, d->loc.line, d->loc.line, true);
    sb_printf(&f->line, "%s %s %s{", kw, d->name.name ? d->name.name : "_",
              d->kind == RC_D_BREAKER && d->flag ? "per alternative " : "");
    f->indent++;
    for (const rc_ast_setting *s = d->settings; s; s = s->next) {
        begin_line(f, s->loc.line, end_of(s->loc), true);
        setting_text(&f->line, s);
    }
    f->indent--;
    begin_line(f, end_of(d->loc), end_of(d->loc), false);
    sb_puts(&f->line, "}");
}

static void fmt_classify(fmt *f, const rc_ast_decl *d)
{
    begin_line(f, d->loc.line, d->loc.line, true);
    sb_puts(&f->line, "classify {");
    f->indent++;
    size_t w = 0;
    int n = 0;
    for (const rc_ast_rule *r = d->rules; r; r = r->next) n++;
    sbuf *conds = calloc((size_t)n + 1, sizeof *conds);
    int i = 0;
    for (const rc_ast_rule *r = d->rules; r; r = r->next, i++) {
        if (r->cond) put_expr(&conds[i], r->cond); else sb_puts(&conds[i], "_");
        if (conds[i].n <= FMT_ALIGN_MAX && conds[i].n > w) w = conds[i].n;
    }
    i = 0;
    for (const rc_ast_rule *r = d->rules; r; r = r->next, i++) {
        begin_line(f, r->loc.line, end_of(r->loc), true);
        sb_puts(&f->line, conds[i].s);
        for (size_t k = conds[i].n; k < w; k++) sb_puts(&f->line, " ");
        sb_printf(&f->line, " => %s;", r->error.name ? r->error.name : "_");
        free(conds[i].s);
    }
    free(conds);
    f->indent--;
    begin_line(f, end_of(d->loc), end_of(d->loc), false);
    sb_puts(&f->line, "}");
}

static void fmt_escalation(fmt *f, const rc_ast_decl *d)
{
    begin_line(f, d->loc.line, d->loc.line, true);
    sb_puts(&f->line, "escalation {");
    f->indent++;
    size_t w = 0;
    for (const rc_ast_esc *e = d->esc; e; e = e->next)
        if (!e->unresolved && e->level.name && strlen(e->level.name) > w) w = strlen(e->level.name);
    for (const rc_ast_esc *e = d->esc; e; e = e->next) {
        begin_line(f, e->loc.line, end_of(e->loc), true);
        const char *lv = e->level.name ? e->level.name : "_";
        if (e->unresolved) {
            sb_printf(&f->line, "unresolved %s after ", lv);
            put_value(&f->line, &e->count);
            sb_printf(&f->line, " => %s;", e->target.name ? e->target.name : "_");
        } else {
            sb_puts(&f->line, lv);
            for (size_t k = strlen(lv); k < w; k++) sb_puts(&f->line, " ");
            sb_printf(&f->line, " => %s", e->channel.name ? e->channel.name : "_");
            if (e->within.kind != RC_AV_NONE) { sb_puts(&f->line, " within "); put_value(&f->line, &e->within); }
            sb_puts(&f->line, ";");
        }
    }
    f->indent--;
    begin_line(f, end_of(d->loc), end_of(d->loc), false);
    sb_puts(&f->line, "}");
}

static void put_strings(sbuf *b, const rc_ast_string *s)
{
    for (; s; s = s->next) { put_string(b, s->text, s->len); if (s->next) sb_puts(b, ", "); }
}

/* Width of the names of the run of declarations of kind k starting at d. */
static size_t run_width(const rc_ast_decl *d, rc_ast_dkind k)
{
    size_t w = 0;
    for (; d && d->kind == k; d = d->next)
        if (d->name.name && strlen(d->name.name) > w) w = strlen(d->name.name);
    return w;
}

static void fmt_decl(fmt *f, const rc_ast_decl *d, size_t w)
{
    const char *name = d->name.name ? d->name.name : "_";
    int first = d->loc.line, last = end_of(d->loc);
    switch (d->kind) {
    case RC_D_FAULT: {
        begin_line(f, first, first, true);
        sb_puts(&f->line, "fault {");
        f->indent++;
        size_t fw = 0;
        for (const rc_ast_field *x = d->fields; x; x = x->next)
            if (x->name.name && strlen(x->name.name) > fw) fw = strlen(x->name.name);
        for (const rc_ast_field *x = d->fields; x; x = x->next) {
            begin_line(f, x->name.loc.line, end_of(x->type.loc) > x->name.loc.line ? end_of(x->type.loc) : x->name.loc.line, true);
            const char *fn = x->name.name ? x->name.name : "_";
            sb_puts(&f->line, fn);
            for (size_t k = strlen(fn); k < fw; k++) sb_puts(&f->line, " ");
            sb_printf(&f->line, " : %s;", x->type.name ? x->type.name : "_");
        }
        f->indent--;
        begin_line(f, last, last, false);
        sb_puts(&f->line, "}");
        return;
    }
    case RC_D_IMPORT:
        begin_line(f, first, last, true);
        sb_puts(&f->line, "import ");
        if (d->str) put_string(&f->line, d->str->text, d->str->len); else sb_puts(&f->line, "\"\"");
        sb_puts(&f->line, ";");
        return;
    case RC_D_FAULT_STRUCT:
        begin_line(f, first, last, true);
        sb_printf(&f->line, "fault = struct %s;", name);
        return;
    case RC_D_CONST:
        begin_line(f, first, last, true);
        sb_printf(&f->line, "const %s = ", name);
        put_value(&f->line, &d->value);
        sb_puts(&f->line, ";");
        return;
    case RC_D_PARAM: {
        begin_line(f, first, last, true);
        sb_printf(&f->line, "param %s : %s in ", name, d->cls.name ? d->cls.name : "_");
        const rc_ast_value *pv[3] = { &d->range_lo, &d->range_hi, &d->value };
        for (int k = 0; k < 3; k++) {
            if (k == 1) sb_puts(&f->line, "..");
            if (k == 2) sb_puts(&f->line, " = ");
            if (pv[k]->kind == RC_AV_FACTOR) put_milli(&f->line, pv[k]->num); else put_value(&f->line, pv[k]);
        }
        sb_puts(&f->line, ";");
        return;
    }
    case RC_D_CLASS:
        begin_line(f, first, last, true);
        sb_printf(&f->line, "class %s", name);
        if (d->flag) {
            for (size_t k = strlen(name); k < w; k++) sb_puts(&f->line, " ");
            sb_puts(&f->line, " retryable");
        }
        sb_puts(&f->line, ";");
        return;
    case RC_D_ERROR: {
        bool body = d->message || d->hint || d->steps_text;
        begin_line(f, first, body ? first : last, true);
        sb_printf(&f->line, "error %s", name);
        for (size_t k = strlen(name); k < w; k++) sb_puts(&f->line, " ");
        sb_printf(&f->line, " : %s, %s", d->cls.name ? d->cls.name : "_", d->severity.name ? d->severity.name : "_");
        if (!body) { sb_puts(&f->line, ";"); return; }
        sb_puts(&f->line, " {");
        f->indent++;
        if (d->message) {
            begin_line(f, d->message->loc.line, d->message->loc.line, false);
            sb_puts(&f->line, "message ");
            put_string(&f->line, d->message->text, d->message->len);
            sb_puts(&f->line, ";");
        }
        if (d->hint) {
            begin_line(f, d->hint->loc.line, d->hint->loc.line, false);
            sb_puts(&f->line, "hint ");
            put_string(&f->line, d->hint->text, d->hint->len);
            sb_puts(&f->line, ";");
        }
        if (d->steps_text) {
            begin_line(f, d->steps_text->loc.line, d->steps_text->loc.line, false);
            sb_puts(&f->line, "steps ");
            put_strings(&f->line, d->steps_text);
            sb_puts(&f->line, ";");
        }
        f->indent--;
        begin_line(f, last, last, false);
        sb_puts(&f->line, "}");
        return;
    }
    case RC_D_CLASSIFY: fmt_classify(f, d); return;
    case RC_D_RETRY: fmt_settings(f, d, "retry"); return;
    case RC_D_BREAKER: fmt_settings(f, d, "breaker"); return;
    case RC_D_BUDGET: fmt_settings(f, d, "budget"); return;
    case RC_D_ESCALATION: fmt_escalation(f, d); return;
    case RC_D_DEADLINE:
        begin_line(f, first, last, true);
        sb_puts(&f->line, "deadline ");
        put_value(&f->line, &d->value);
        sb_puts(&f->line, ";");
        return;
    case RC_D_AGEING:
        begin_line(f, first, last, true);
        sb_puts(&f->line, "adaptive ageing ");
        put_value(&f->line, &d->value);
        sb_puts(&f->line, d->flag ? " incidents;" : ";");
        return;
    case RC_D_STATS:
        begin_line(f, first, last, true);
        sb_puts(&f->line, "stats;");
        break;
    case RC_D_LIMIT:
        begin_line(f, first, last, true);
        sb_printf(&f->line, "limit %s ", d->name.name ? d->name.name : "_");
        put_value(&f->line, &d->value);
        if (d->flag) {
            sb_puts(&f->line, " per ");
            put_value(&f->line, &d->range_lo);
            sb_puts(&f->line, " burst ");
            put_value(&f->line, &d->range_hi);
        }
        sb_puts(&f->line, ";");
        return;
    case RC_D_ON: fmt_on(f, d); return;
    }
}

char *rc_fmt(rc_arena *a, const char *file, const char *src, size_t len, FILE *diag_out, size_t *out_len)
{
    return rc_fmt_color(a, file, src, len, diag_out, false, out_len);
}

char *rc_fmt_color(rc_arena *a, const char *file, const char *src, size_t len, FILE *diag_out, bool color,
                   size_t *out_len)
{
    rc_diag d;
    rc_diag_init(&d, file, src, len, diag_out);
    d.color = color;
    rc_ast_policy *p = rc_parse(a, &d, src, len);
    if (d.errors || !p || !p->name.name) {
        if (!d.errors) rc_diag_error(&d, (rc_loc){1, 1, 0, 0}, "a policy starts with `policy NAME version N;`");
        return NULL;
    }
    fmt f;
    memset(&f, 0, sizeof f);
    f.src = src;
    f.len = len;
    f.last_blank = true;
    scan_comments(&f);
    begin_line(&f, p->name.loc.line, p->version.loc.line ? p->version.loc.line : p->name.loc.line, false);
    sb_printf(&f.line, "policy %s version ", p->name.name);
    put_value(&f.line, &p->version);
    sb_puts(&f.line, ";");
    rc_ast_dkind prev = RC_D_FAULT;
    size_t w = 0;
    for (const rc_ast_decl *dd = p->decls; dd; dd = dd->next) {
        if (dd == p->decls || dd->kind != prev) w = run_width(dd, dd->kind);
        prev = dd->kind;
        fmt_decl(&f, dd, w);
    }
    end_line(&f);
    for (int i = 0; i < f.ncm; i++)
        if (!f.cm[i].done) emit_comment(&f, &f.cm[i]);
    char *res = rc_arena_strndup(a, f.out.s ? f.out.s : "", f.out.n);
    *out_len = f.out.n;
    free(f.out.s);
    free(f.line.s);
    free(f.cm);
    free(f.blank);
    return res;
}

int rc_fmt_file(const char *path, const char *name, bool check, const char *dest, FILE *out, FILE *err, bool color)
{
    rc_arena a;
    rc_arena_init(&a);
    size_t len, olen;
    if (!name) name = path;
    char *src = rc_read_file(&a, path, &len);
    if (!src) {
        rc_diag_say(err, color, RC_DIAG_ERROR, "cannot read '%s': %s", name, rc_read_error(errno));
        rc_arena_free(&a);
        return 2;
    }
    char *res = rc_fmt_color(&a, name, src, len, err, color, &olen);
    int rc = 0;
    if (!res) {
        rc = 1;
    } else if (check) {
        if (olen != len || memcmp(res, src, len) != 0) {
            int line = 1;
            size_t i = 0;
            while (i < len && i < olen && src[i] == res[i]) { if (src[i] == '\n') line++; i++; }
            const char *s0 = src + i, *r0 = res + i;
            while (s0 > src && s0[-1] != '\n') s0--;
            while (r0 > res && r0[-1] != '\n') r0--;
            const char *s1 = memchr(s0, '\n', (size_t)(src + len - s0));
            const char *r1 = memchr(r0, '\n', (size_t)(res + olen - r0));
            int sl = (int)((s1 ? s1 : src + len) - s0), rl = (int)((r1 ? r1 : res + olen) - r0);
            fprintf(out, "%s: not formatted; first difference at line %d:\n-%.*s\n+%.*s\n", name, line, sl, s0, rl, r0);
            rc = 1;
        }
    } else if (!dest) {
        fwrite(res, 1, olen, out);
    } else {
        rc_output o;
        if (!rc_output_open(&o, dest, color)) rc = 2;
        else {
            fwrite(res, 1, olen, o.f);
            if (!rc_output_commit(&o)) rc = 2;
        }
    }
    rc_arena_free(&a);
    return rc;
}
