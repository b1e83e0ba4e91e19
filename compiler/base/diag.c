/* diag.c - diagnostic records and their text writer (caret lines); see diag.h. */
#include "diag.h"
#include "arena.h"
#include "fingerprint.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const warn_names[RC_W_COUNT] = {
#define X(id, name, on, desc) name,
#include "warnings.def"
#undef X
};
static const char *const warn_descs[RC_W_COUNT] = {
#define X(id, name, on, desc) desc,
#include "warnings.def"
#undef X
};
static const unsigned char warn_default[RC_W_COUNT] = {
#define X(id, name, on, desc) on,
#include "warnings.def"
#undef X
};

static const char *const err_names[RC_E_COUNT] = {
#define X(id, name, desc, help) name,
#include "errors.def"
#undef X
};
static const char *const err_descs[RC_E_COUNT] = {
#define X(id, name, desc, help) desc,
#include "errors.def"
#undef X
};
static const char *const err_helps[RC_E_COUNT] = {
#define X(id, name, desc, help) help,
#include "errors.def"
#undef X
};

const char *rc_error_kind_name(rc_error_kind k) { return err_names[k]; }
const char *rc_error_kind_desc(rc_error_kind k) { return err_descs[k]; }
const char *rc_error_kind_help(rc_error_kind k) { return err_helps[k]; }

bool rc_diag_color_auto(int fd)
{
    const char *no = getenv("NO_COLOR"), *term = getenv("TERM");
    if (no && *no) return false;
    if (!term || !*term || strcmp(term, "dumb") == 0) return false;
    return isatty(fd) != 0;
}

const char *rc_warning_name(rc_warning w) { return warn_names[w]; }
const char *rc_warning_desc(rc_warning w) { return warn_descs[w]; }
bool rc_warning_default(rc_warning w) { return warn_default[w] != 0u; }
bool rc_warning_default_error(rc_warning w) { return warn_default[w] == 2u; }

void rc_diag_init(rc_diag *d, const char *file, const char *src, size_t len, FILE *out)
{
    memset(d, 0, sizeof *d);
    d->file = file;
    d->src = src;
    d->src_len = len;
    d->out = out ? out : stderr;
    d->max_errors = 20;
    for (int i = 0; i < RC_W_COUNT; i++) {
        d->enabled[i] = warn_default[i] != 0u;
        d->as_error[i] = warn_default[i] == 2u;
    }
}

void rc_diag_set_source(rc_diag *d, const char *file, const char *src, size_t len)
{
    d->file = file;
    d->src = src;
    d->src_len = len;
}

rc_loc rc_loc_span(rc_loc a, rc_loc b)
{
    rc_loc r = a;
    r.end_line = b.end_line ? b.end_line : b.line;
    r.end_col = b.end_line ? b.end_col : b.col;
    return r;
}

/* gcc's colours (SGR): the locus bold, error red, warning magenta, note
 * cyan, the caret line green; each span ends with a reset. */
#define SGR_LOCUS "\033[01m\033[K"
#define SGR_ERROR "\033[01;31m\033[K"
#define SGR_WARNING "\033[01;35m\033[K"
#define SGR_NOTE "\033[01;36m\033[K"
#define SGR_CARET "\033[01;32m\033[K"
#define SGR_END "\033[m\033[K"

static const char *on(const rc_diag *d, const char *sgr) { return d->color ? sgr : ""; }
static const char *off(const rc_diag *d) { return d->color ? SGR_END : ""; }

/* Print the source line `line` and a caret under `col`.  Bytes that are not
 * printable ASCII are shown as '?', so binary input cannot garble a terminal;
 * long lines are cut around the caret. */
static void show_line(rc_diag *d, rc_loc loc)
{
    if (!d->src || loc.line <= 0) return;
    const char *p = d->src, *end = d->src + d->src_len;
    for (int l = 1; l < loc.line && p < end; p++)
        if (*p == '\n') l++;
    if (p > end) return;
    const char *e = p;
    while (e < end && *e != '\n') e++;
    size_t len = (size_t)(e - p);
    size_t col = loc.col > 0 ? (size_t)loc.col - 1 : 0;
    if (col > len) col = len;
    size_t last = col;
    if (loc.end_line == loc.line && loc.end_col > loc.col) {
        last = (size_t)loc.end_col - 1;
        if (last >= len) last = len ? len - 1 : 0;
        if (last < col) last = col;
    }
    /* window of at most 160 bytes around the caret */
    size_t from = 0, to = len;
    if (len > 160) {
        from = col > 80 ? col - 80 : 0;
        to = from + 160 < len ? from + 160 : len;
        if (last >= to) last = to ? to - 1 : 0;
    }
    fputs(" ", d->out);
    fputs(from ? "..." : "", d->out);
    for (size_t i = from; i < to; i++) {
        unsigned char c = (unsigned char)p[i];
        fputc(c == '\t' ? '\t' : (c >= 0x20 && c < 0x7f ? c : '?'), d->out);
    }
    fputs(to < len ? "...\n" : "\n", d->out);
    fputs(" ", d->out);
    fputs(from ? "   " : "", d->out);
    for (size_t i = from; i < col; i++) fputc(p[i] == '\t' ? '\t' : ' ', d->out);
    fputs(on(d, SGR_CARET), d->out);
    fputc('^', d->out);
    for (size_t i = col + 1; i <= last && i < to; i++) fputc('~', d->out);
    fputs(off(d), d->out);
    fputc('\n', d->out);
}

/* ---- records ------------------------------------------------------------------- */

static char *xstrdup(const char *s)
{
    if (!s) return NULL;
    size_t n = strlen(s) + 1;
    char *p = rc_xrealloc(NULL, n);
    memcpy(p, s, n);
    return p;
}

static char *vformat(const char *fmt, va_list ap)
{
    va_list aq;
    va_copy(aq, ap);
    int n = vsnprintf(NULL, 0, fmt, aq);
    va_end(aq);
    if (n < 0) n = 0;
    char *p = rc_xrealloc(NULL, (size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    return p;
}

void rc_diag_records_free(rc_diag_records *r)
{
    for (int i = 0; i < r->n; i++) {
        rc_diag_rec *m = &r->v[i];
        for (int j = 0; j < m->nnotes; j++) {
            free(m->notes[j].file);
            free(m->notes[j].text);
        }
        free(m->notes);
        for (int j = 0; j < m->nedits; j++) {
            free(m->edits[j].file);
            free(m->edits[j].text);
            free(m->edits[j].desc);
        }
        free(m->edits);
        free(m->file);
        free(m->text);
    }
    free(r->v);
    memset(r, 0, sizeof *r);
}

void rc_diag_keep(rc_diag *d, const rc_diag_rec *m)
{
    if (!d->records) return;
    rc_diag_records *r = d->records;
    if (r->n == r->cap) {
        r->cap = r->cap ? 2 * r->cap : 16;
        r->v = rc_xrealloc(r->v, (size_t)r->cap * sizeof *r->v);
    }
    rc_diag_rec c = *m;
    c.file = xstrdup(m->file);
    c.text = xstrdup(m->text);
    c.notes = m->nnotes ? rc_xrealloc(NULL, (size_t)m->nnotes * sizeof *c.notes) : NULL;
    c.capnotes = m->nnotes;
    for (int i = 0; i < m->nnotes; i++) {
        c.notes[i] = m->notes[i];
        c.notes[i].file = xstrdup(m->notes[i].file);
        c.notes[i].text = xstrdup(m->notes[i].text);
    }
    c.edits = m->nedits ? rc_xrealloc(NULL, (size_t)m->nedits * sizeof *c.edits) : NULL;
    for (int i = 0; i < m->nedits; i++) {
        c.edits[i] = m->edits[i];
        c.edits[i].file = xstrdup(m->edits[i].file);
        c.edits[i].text = xstrdup(m->edits[i].text);
        c.edits[i].desc = xstrdup(m->edits[i].desc);
    }
    r->v[r->n++] = c;
}

/* ---- the text writer -------------------------------------------------------------- */

static void write_head(const rc_diag *d, const char *file, rc_loc loc, const char *kind, const char *sgr)
{
    FILE *out = d->out;
    fputs(on(d, SGR_LOCUS), out);
    if (loc.line > 0) fprintf(out, "%s:%d:%d:", file, loc.line, loc.col);
    else fprintf(out, "%s:", file ? file : "recovc");
    /* as gcc: the space after "error:" is inside the colour */
    fprintf(out, "%s %s%s: %s", off(d), on(d, sgr), kind, off(d));
}

void rc_diag_say_head(FILE *out, bool color, rc_diag_sev sev)
{
    rc_diag d;
    memset(&d, 0, sizeof d);
    d.out = out;
    d.color = color;
    bool err = sev == RC_DIAG_ERROR, warn = sev == RC_DIAG_WARNING;
    write_head(&d, NULL, (rc_loc){ 0, 0, 0, 0 }, err ? "error" : warn ? "warning" : "note",
               err ? SGR_ERROR : warn ? SGR_WARNING : SGR_NOTE);
}

void rc_diag_say(FILE *out, bool color, rc_diag_sev sev, const char *fmt, ...)
{
    rc_diag_say_head(out, color, sev);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(out, fmt, ap);
    va_end(ap);
    fputc('\n', out);
}

static void write_rec(rc_diag *d, const rc_diag_rec *m)
{
    if (!d->out) return;
    bool err = m->severity == RC_DIAG_ERROR;
    const char *sgr = err ? SGR_ERROR : SGR_WARNING;
    write_head(d, m->file, m->loc, err ? "error" : "warning", sgr);
    fputs(m->text, d->out);
    if (m->code) fprintf(d->out, " [%s-W%s%s%s]", on(d, sgr), err ? "error=" : "", m->code, off(d));
    fputc('\n', d->out);
    show_line(d, m->loc);
}

static void write_rel(rc_diag *d, const rc_diag_rel *n)
{
    if (!d->out) return;
    write_head(d, n->file, n->loc, "note", SGR_NOTE);
    fprintf(d->out, "%s%s\n", n->kind == RC_DIAG_FIX ? "fix: " : "", n->text);
    show_line(d, n->loc);
}

/* Makes the record, prints it, keeps it when records are collected. */
static void vmsg(rc_diag *d, rc_loc loc, rc_diag_sev sev, const char *wname, rc_error_kind kind,
                 const char *fmt, va_list ap)
{
    rc_diag_rec m;
    memset(&m, 0, sizeof m);
    m.severity = sev;
    m.code = wname;
    m.kind = kind;
    m.file = (char *)d->file;
    m.loc = loc;
    m.text = vformat(fmt, ap);
    if (d->records) m.line_hash = rc_fp_line(d->src, d->src_len, loc.line);
    write_rec(d, &m);
    if (!d->records) {
        free(m.text);
        return;
    }
    rc_diag_records *r = d->records;
    if (r->n == r->cap) {
        r->cap = r->cap ? 2 * r->cap : 16;
        r->v = rc_xrealloc(r->v, (size_t)r->cap * sizeof *r->v);
    }
    m.file = xstrdup(d->file);
    r->v[r->n++] = m;
}

/* Attaches note n (its text owned) to the last record, when records are kept. */
static void keep_note(rc_diag *d, rc_diag_rel n)
{
    if (!d->records || d->records->n == 0) {
        free(n.text);
        return;
    }
    rc_diag_rec *m = &d->records->v[d->records->n - 1];
    if (m->nnotes == m->capnotes) {
        m->capnotes = m->capnotes ? 2 * m->capnotes : 4;
        m->notes = rc_xrealloc(m->notes, (size_t)m->capnotes * sizeof *m->notes);
    }
    n.file = xstrdup(n.file);
    m->notes[m->nnotes++] = n;
}

static void vnote(rc_diag *d, rc_loc loc, rc_diag_sev kind, const char *fmt, va_list ap)
{
    rc_diag_rel n = { kind, (char *)d->file, loc, vformat(fmt, ap) };
    write_rel(d, &n);
    keep_note(d, n);
}

static void limit_reached(rc_diag *d)
{
    if (d->max_errors > 0 && d->errors >= d->max_errors && !d->stopped) {
        d->stopped = true;
        const char *fmt = "too many errors (%d), stopping; use --max-errors=N to see more";
        int len = snprintf(NULL, 0, fmt, d->errors);
        char *text = rc_xrealloc(NULL, (size_t)(len > 0 ? len : 0) + 1);
        snprintf(text, (size_t)(len > 0 ? len : 0) + 1, fmt, d->errors);
        rc_diag_rel n = { RC_DIAG_NOTE, (char *)d->file, { 0, 0, 0, 0 }, text };
        write_rel(d, &n);
        keep_note(d, n);
    }
}

void rc_diag_error_k(rc_diag *d, rc_error_kind k, rc_loc loc, const char *fmt, ...)
{
    d->errors++;
    if (d->stopped) { d->last_printed = false; return; }
    va_list ap;
    va_start(ap, fmt);
    vmsg(d, loc, RC_DIAG_ERROR, NULL, k, fmt, ap);
    va_end(ap);
    d->last_printed = true;
    limit_reached(d);
}

void rc_diag_warning(rc_diag *d, rc_warning w, rc_loc loc, const char *fmt, ...)
{
    d->last_printed = false;
    if (!d->enabled[w]) return;
    bool err = d->werror || d->as_error[w];
    if (err) d->errors++; else d->warnings++;
    if (d->stopped) return;
    va_list ap;
    va_start(ap, fmt);
    vmsg(d, loc, err ? RC_DIAG_ERROR : RC_DIAG_WARNING, warn_names[w], RC_E_POLICY, fmt, ap);
    va_end(ap);
    d->last_printed = true;
    if (err) limit_reached(d);
}

void rc_diag_note(rc_diag *d, rc_loc loc, const char *fmt, ...)
{
    if (!d->last_printed || d->stopped) return;
    va_list ap;
    va_start(ap, fmt);
    vnote(d, loc, RC_DIAG_NOTE, fmt, ap);
    va_end(ap);
}

void rc_diag_fix(rc_diag *d, rc_loc loc, const char *fmt, ...)
{
    if (!d->last_printed || d->stopped) return;
    va_list ap;
    va_start(ap, fmt);
    vnote(d, loc, RC_DIAG_FIX, fmt, ap);
    va_end(ap);
}

void rc_diag_edit_add(rc_diag *d, rc_loc loc, const char *text, const char *fmt, ...)
{
    if (!d->last_printed || d->stopped || !d->records || d->records->n == 0) return;
    rc_diag_rec *m = &d->records->v[d->records->n - 1];
    m->edits = rc_xrealloc(m->edits, (size_t)(m->nedits + 1) * sizeof *m->edits);
    va_list ap;
    va_start(ap, fmt);
    m->edits[m->nedits++] = (rc_diag_edit){ xstrdup(d->file), loc, xstrdup(text), vformat(fmt, ap) };
    va_end(ap);
}

void rc_diag_plain(rc_diag *d, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    const char *file = d->file;
    d->file = NULL;
    vmsg(d, (rc_loc){0, 0, 0, 0}, RC_DIAG_ERROR, NULL, RC_E_IO, fmt, ap);
    d->file = file;
    va_end(ap);
    d->errors++;
}

static int find_warning(const char *name)
{
    for (int i = 0; i < RC_W_COUNT; i++)
        if (strcmp(warn_names[i], name) == 0) return i;
    return -1;
}

bool rc_diag_option(rc_diag *d, const char *opt)
{
    if (strcmp(opt, "error") == 0) { d->werror = true; return true; }
    if (strcmp(opt, "all") == 0) {
        for (int i = 0; i < RC_W_COUNT; i++) d->enabled[i] = true;
        return true;
    }
    if (strcmp(opt, "no-error") == 0) { d->werror = false; return true; }
    if (strncmp(opt, "no-error=", 9) == 0) {
        int w = find_warning(opt + 9);
        if (w < 0) return false;
        d->as_error[w] = false;
        return true;
    }
    if (strncmp(opt, "error=", 6) == 0) {
        int w = find_warning(opt + 6);
        if (w < 0) return false;
        d->enabled[w] = d->as_error[w] = true;
        return true;
    }
    if (strncmp(opt, "no-", 3) == 0) {
        int w = find_warning(opt + 3);
        if (w < 0) return false;
        d->enabled[w] = false;
        return true;
    }
    int w = find_warning(opt);
    if (w < 0) return false;
    d->enabled[w] = true;
    return true;
}
