/* lsp_uri.c - file:// URIs to paths and back (percent-encoding). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lsp_int.h"

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) { fputs("recovc: internal error: out of memory\n", stderr); exit(3); }
    return q;
}

static int hexval(int c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

char *rc_lsp_uri_to_path(const char *uri)
{
    const char *p = uri;
    if (strncmp(p, "file://", 7) == 0) {
        p += 7;
        if (*p != '/') { const char *sl = strchr(p, '/'); p = sl ? sl : p + strlen(p); }   /* file://host/path */
    }
    char *out = xrealloc(NULL, strlen(p) + 1), *o = out;
    for (; *p; p++) {
        int h, l;
        if (*p == '%' && (h = hexval(p[1])) >= 0 && (l = hexval(p[2])) >= 0 && (h || l)) {
            *o++ = (char)(h * 16 + l);
            p += 2;
        } else {
            *o++ = *p;
        }
    }
    *o = '\0';
    return out;
}

char *rc_lsp_path_to_uri(const char *path)
{
    char *abs = NULL;
    if (path[0] != '/') {
        char cwd[4096];
        if (getcwd(cwd, sizeof cwd)) {
            abs = xrealloc(NULL, strlen(cwd) + strlen(path) + 2);
            sprintf(abs, "%s/%s", cwd, path);
            path = abs;
        }
    }
    char *out = xrealloc(NULL, 8 + 3 * strlen(path)), *o = out;
    o += sprintf(o, "file://");
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if (isalnum(*p) || strchr("/-._~", *p)) *o++ = (char)*p;
        else o += sprintf(o, "%%%02X", *p);
    }
    *o = '\0';
    free(abs);
    return out;
}
