/* cout.c - see cout.h. */
#include "cout.h"

#include <stdarg.h>

void rc_cout_init(rc_cout *o, FILE *f)
{
    o->f = f;
    o->depth = 0;
    o->midline = false;
    o->unbalanced = false;
    o->line = 0;
    o->self = NULL;
    o->ofile = NULL;
    o->oline = 0;
}

void rc_cout_line_directives(rc_cout *o, const char *self)
{
    o->self = self;
}

void rc_cout_origin(rc_cout *o, const char *file, int line)
{
    if (o->midline) {
        fputc('\n', o->f);
        o->line++;
        o->midline = false;
        o->unbalanced = true;
    }
    if (o->self && !file && o->ofile) {
        /* the directive is line o->line + 1; the next line is o->line + 2 */
        fprintf(o->f, "#line %ld \"%s\"\n", o->line + 2, o->self);
        o->line++;
    }
    o->ofile = file;
    o->oline = line;
}

/* A new line begins: with an origin, the #line directive for it first. */
static void origin_line(rc_cout *o)
{
    if (o->self && o->ofile) {
        fprintf(o->f, "#line %d \"%s\"\n", o->oline, o->ofile);
        o->line++;
    }
}

static void indent(rc_cout *o, int depth)
{
    if (o->midline) {           /* a line begun and not ended: end it first */
        fputc('\n', o->f);
        o->line++;
        o->midline = false;
        o->unbalanced = true;
    }
    origin_line(o);
    for (int i = 0; i < depth; i++) fputs("    ", o->f);
}

static void newline(rc_cout *o)
{
    fputc('\n', o->f);
    o->line++;
}

static void vput(rc_cout *o, const char *fmt, va_list ap)
{
    vfprintf(o->f, fmt, ap);
}

static void shallower(rc_cout *o)
{
    if (o->depth > 0) o->depth--;
    else o->unbalanced = true;
}

void rc_cout_line(rc_cout *o, const char *fmt, ...)
{
    va_list ap;
    indent(o, o->depth);
    va_start(ap, fmt);
    vput(o, fmt, ap);
    va_end(ap);
    newline(o);
}

void rc_cout_blank(rc_cout *o)
{
    if (o->midline) {
        newline(o);
        o->midline = false;
        o->unbalanced = true;
    }
    newline(o);
}

void rc_cout_comment(rc_cout *o, const char *fmt, ...)
{
    va_list ap;
    indent(o, o->depth);
    fputs("/* ", o->f);
    va_start(ap, fmt);
    vput(o, fmt, ap);
    va_end(ap);
    fputs(" */", o->f);
    newline(o);
}

void rc_cout_open(rc_cout *o, const char *fmt, ...)
{
    va_list ap;
    indent(o, o->depth);
    va_start(ap, fmt);
    vput(o, fmt, ap);
    va_end(ap);
    newline(o);
    o->depth++;
}

void rc_cout_close(rc_cout *o, const char *fmt, ...)
{
    va_list ap;
    shallower(o);
    indent(o, o->depth);
    va_start(ap, fmt);
    vput(o, fmt, ap);
    va_end(ap);
    newline(o);
}

void rc_cout_reopen(rc_cout *o, const char *fmt, ...)
{
    va_list ap;
    shallower(o);
    indent(o, o->depth);
    va_start(ap, fmt);
    vput(o, fmt, ap);
    va_end(ap);
    newline(o);
    o->depth++;
}

void rc_cout_label(rc_cout *o, const char *fmt, ...)
{
    va_list ap;
    indent(o, o->depth > 0 ? o->depth - 1 : 0);
    va_start(ap, fmt);
    vput(o, fmt, ap);
    va_end(ap);
    newline(o);
}

void rc_cout_begin(rc_cout *o, const char *fmt, ...)
{
    va_list ap;
    indent(o, o->depth);
    va_start(ap, fmt);
    vput(o, fmt, ap);
    va_end(ap);
    o->midline = true;
}

void rc_cout_put(rc_cout *o, const char *fmt, ...)
{
    va_list ap;
    if (!o->midline) o->unbalanced = true;
    va_start(ap, fmt);
    vput(o, fmt, ap);
    va_end(ap);
}

void rc_cout_end(rc_cout *o, const char *fmt, ...)
{
    va_list ap;
    if (!o->midline) o->unbalanced = true;
    va_start(ap, fmt);
    vput(o, fmt, ap);
    va_end(ap);
    newline(o);
    o->midline = false;
}

void rc_cout_end_open(rc_cout *o, const char *fmt, ...)
{
    va_list ap;
    if (!o->midline) o->unbalanced = true;
    va_start(ap, fmt);
    vput(o, fmt, ap);
    va_end(ap);
    newline(o);
    o->midline = false;
    o->depth++;
}

void rc_cout_endl(rc_cout *o)
{
    if (!o->midline) o->unbalanced = true;
    newline(o);
    o->midline = false;
}

void rc_cout_raw(rc_cout *o, const char *s)
{
    for (; *s; s++) rc_cout_char(o, *s);
}

void rc_cout_char(rc_cout *o, char ch)
{
    fputc(ch, o->f);
    if (ch == '\n') o->line++;
}

bool rc_cout_balanced(const rc_cout *o)
{
    return o->depth == 0 && !o->midline && !o->unbalanced;
}
