/* cimport_util.c - small libclang helpers shared by cimport.c and
 * cimport_walk.c (cimport_int.h), which call these and never the other way. */
#include <stdio.h>
#include <string.h>

#include "cimport_int.h"

const char *rc_cimp_string(rc_cimp_ctx *c, CXString s)
{
    const char *t = clang_getCString(s);
    const char *r = rc_arena_strdup(c->a, t ? t : "");
    clang_disposeString(s);
    return r;
}

const char *rc_cimp_display(const rc_cimp_ctx *c, const char *path)
{
    if (!c->cwd || path[0] != '/') return path;
    /* common directory prefix, then one "../" per remaining cwd component */
    size_t common = 0;
    for (size_t i = 0; c->cwd[i] && c->cwd[i] == path[i]; i++)
        if (c->cwd[i] == '/') common = i;
    size_t n = strlen(c->cwd);
    if (strncmp(path, c->cwd, n) == 0 && path[n] == '/') return path + n + 1;
    if (common == 0) return path;    /* only "/" in common: absolute is clearer */
    int ups = 1;
    for (size_t i = common + 1; c->cwd[i]; i++) ups += c->cwd[i] == '/';
    char *r = rc_arena_strdup(c->a, "");
    for (int i = 0; i < ups; i++) r = rc_arena_printf(c->a, "%s../", r);
    return rc_arena_printf(c->a, "%s%s", r, path + common + 1);
}

int rc_cimp_file_import(const rc_cimp_ctx *c, CXFile f)
{
    if (!f) return 0;
    CXString s = clang_getFileName(f);
    const char *name = clang_getCString(s);
    int r = 0;
    for (int i = 0; name && i < c->nfiles; i++)
        if (strcmp(c->files[i].path, name) == 0) { r = c->files[i].import; break; }
    clang_disposeString(s);
    return r;
}

rc_cloc rc_cimp_loc(rc_cimp_ctx *c, CXCursor cur)
{
    CXFile f;
    unsigned line = 0, col = 0;
    clang_getSpellingLocation(clang_getCursorLocation(cur), &f, &line, &col, NULL);
    rc_cloc l = { NULL, 0, 0 };
    if (!f || line > 0x7fffffffu || col > 0x7fffffffu) return l;
    l.file = rc_cimp_string(c, clang_getFileName(f));
    l.line = (int)line;
    l.col = (int)col;
    return l;
}

void rc_cimp_where(rc_cimp_ctx *c, CXCursor cur, char *buf, size_t n)
{
    CXFile f;
    unsigned line, col;
    clang_getSpellingLocation(clang_getCursorLocation(cur), &f, &line, &col, NULL);
    const char *name = f ? rc_cimp_string(c, clang_getFileName(f)) : "<unknown>";
    snprintf(buf, n, "%s:%u:%u", rc_cimp_display(c, name), line, col);
}
