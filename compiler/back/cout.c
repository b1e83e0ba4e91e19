/* cout.c - see cout.h. */
#include "cout.h"

#include <stdarg.h>

void rc_cout_init(rc_cout *o, FILE *f)
{
    o->f = f;
    o->depth = 0;
    o->midline = false;
    o->unbalanced = false;
}

static void indent(rc_cout *o, int depth)
{
    if (o->midline) {           /* a line begun and not ended: end it first */
        fputc('\n', o->f);
        o->midline = false;
        o->unbalanced = true;
    }
    for (int i = 0; i < depth; i++) fputs("    ", o->f);
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
    fputc('\n', o->f);
}

void rc_cout_blank(rc_cout *o)
{
    indent(o, 0);
    fputc('\n', o->f);
}

void rc_cout_comment(rc_cout *o, const char *fmt, ...)
{
    va_list ap;
    indent(o, o->depth);
    fputs("/* ", o->f);
    va_start(ap, fmt);
    vput(o, fmt, ap);
    va_end(ap);
    fputs(" */\n", o->f);
}

void rc_cout_open(rc_cout *o, const char *fmt, ...)
{
    va_list ap;
    indent(o, o->depth);
    va_start(ap, fmt);
    vput(o, fmt, ap);
    va_end(ap);
    fputc('\n', o->f);
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
    fputc('\n', o->f);
}

void rc_cout_reopen(rc_cout *o, const char *fmt, ...)
{
    va_list ap;
    shallower(o);
    indent(o, o->depth);
    va_start(ap, fmt);
    vput(o, fmt, ap);
    va_end(ap);
    fputc('\n', o->f);
    o->depth++;
}

void rc_cout_label(rc_cout *o, const char *fmt, ...)
{
    va_list ap;
    indent(o, o->depth > 0 ? o->depth - 1 : 0);
    va_start(ap, fmt);
    vput(o, fmt, ap);
    va_end(ap);
    fputc('\n', o->f);
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
    fputc('\n', o->f);
    o->midline = false;
}

void rc_cout_end_open(rc_cout *o, const char *fmt, ...)
{
    va_list ap;
    if (!o->midline) o->unbalanced = true;
    va_start(ap, fmt);
    vput(o, fmt, ap);
    va_end(ap);
    fputc('\n', o->f);
    o->midline = false;
    o->depth++;
}

void rc_cout_endl(rc_cout *o)
{
    if (!o->midline) o->unbalanced = true;
    fputc('\n', o->f);
    o->midline = false;
}

void rc_cout_raw(rc_cout *o, const char *s)
{
    fputs(s, o->f);
}

void rc_cout_char(rc_cout *o, char ch)
{
    fputc(ch, o->f);
}

bool rc_cout_balanced(const rc_cout *o)
{
    return o->depth == 0 && !o->midline && !o->unbalanced;
}
