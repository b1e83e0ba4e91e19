/* diag.c - diagnostics with caret lines; see diag.h. */
#include "diag.h"

#include <stdarg.h>
#include <string.h>

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
    fputc('^', d->out);
    for (size_t i = col + 1; i <= last && i < to; i++) fputc('~', d->out);
    fputc('\n', d->out);
}

static void vmsg(rc_diag *d, rc_loc loc, const char *kind, const char *wname,
                 const char *fmt, va_list ap)
{
    if (loc.line > 0)
        fprintf(d->out, "%s:%d:%d: %s: ", d->file, loc.line, loc.col, kind);
    else
        fprintf(d->out, "%s: %s: ", d->file ? d->file : "recovc", kind);
    vfprintf(d->out, fmt, ap);
    if (wname) fprintf(d->out, " [-W%s%s]", strcmp(kind, "error") == 0 ? "error=" : "", wname);
    fputc('\n', d->out);
    show_line(d, loc);
}

static void limit_reached(rc_diag *d)
{
    if (d->max_errors > 0 && d->errors >= d->max_errors && !d->stopped) {
        d->stopped = true;
        fprintf(d->out, "%s: note: too many errors (%d), stopping; use --max-errors=N to see more\n",
                d->file ? d->file : "recovc", d->errors);
    }
}

void rc_diag_error(rc_diag *d, rc_loc loc, const char *fmt, ...)
{
    d->errors++;
    if (d->stopped) { d->last_printed = false; return; }
    va_list ap;
    va_start(ap, fmt);
    vmsg(d, loc, "error", NULL, fmt, ap);
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
    vmsg(d, loc, err ? "error" : "warning", warn_names[w], fmt, ap);
    va_end(ap);
    d->last_printed = true;
    if (err) limit_reached(d);
}

void rc_diag_note(rc_diag *d, rc_loc loc, const char *fmt, ...)
{
    if (!d->last_printed || d->stopped) return;
    va_list ap;
    va_start(ap, fmt);
    vmsg(d, loc, "note", NULL, fmt, ap);
    va_end(ap);
}

void rc_diag_plain(rc_diag *d, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("recovc: error: ", d->out);
    vfprintf(d->out, fmt, ap);
    fputc('\n', d->out);
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
