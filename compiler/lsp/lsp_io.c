/* lsp_io.c - the base protocol: `Content-Length: N\r\n\r\n` then N bytes;
 * see lsp.h. */
#include "lsp.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <poll.h>

#include "lsp_int.h"

#define RC_LSP_MAX_LINE 8192

static void write_framed(void *ctx, const char *json, size_t len)
{
    FILE *out = ctx;
    fprintf(out, "Content-Length: %zu\r\n\r\n", len);
    fwrite(json, 1, len, out);
    fflush(out);
}

/* One header line without its line end; false at the end of input.  A
 * longer line than RC_LSP_MAX_LINE is read to its end and marked *bad. */
static bool read_line(FILE *in, char *buf, size_t n, bool *bad)
{
    size_t k = 0;
    int c;
    bool any = false;
    while ((c = getc(in)) != EOF) {
        any = true;
        if (c == '\n') break;
        if (k + 1 < n) buf[k++] = (char)c;
        else *bad = true;
    }
    if (!any) return false;
    if (k && buf[k - 1] == '\r') k--;
    buf[k] = '\0';
    if (memchr(buf, '\0', k)) *bad = true;
    return true;
}

/* "Content-Length: N": N in *len; false when the value is not a number
 * that fits. */
static bool parse_length(const char *v, unsigned long long *len)
{
    while (*v == ' ' || *v == '\t') v++;
    if (*v < '0' || *v > '9') return false;
    unsigned long long n = 0;
    for (; *v >= '0' && *v <= '9'; v++) {
        if (n > (~0ULL - 9) / 10) return false;
        n = n * 10 + (unsigned long long)(*v - '0');
    }
    while (*v == ' ' || *v == '\t') v++;
    if (*v) return false;
    *len = n;
    return true;
}

/* "Content-Length:" in a header line (any case), or NULL. */
static const char *find_length(const char *line)
{
    for (const char *p = line; *p; p++)
        if (strncasecmp(p, "Content-Length:", 15) == 0) return p;
    return NULL;
}

/* Bytes waiting on in's descriptor (a pipe from the editor); false for a
 * stream without one. */
static bool waiting(FILE *in)
{
    int fd = fileno(in);
    if (fd < 0) return false;
    struct pollfd p = { fd, POLLIN, 0 };
    return poll(&p, 1, 0) > 0 && (p.revents & POLLIN);
}

static void skip(FILE *in, unsigned long long n)
{
    for (unsigned long long k = 0; k < n && getc(in) != EOF; k++) {}
}

int rc_lsp_serve(FILE *in, FILE *out, const rc_unit_opts *base)
{
    rc_lsp *s = rc_lsp_new(base, write_framed, out);
    char line[RC_LSP_MAX_LINE];
    for (;;) {
        /* the header block: lines up to an empty one */
        bool bad = false, have_len = false, known = false, eof = false, any = false, junk = false;
        unsigned long long len = 0;
        for (;;) {
            bool long_line = false;
            if (!read_line(in, line, sizeof line, &long_line)) { eof = true; break; }
            if (!line[0] && !long_line) {
                if (any) break;
                continue;               /* blank lines between messages */
            }
            any = true;
            /* the rest of a message whose length was too small runs into
             * the next header: resynchronise on "Content-Length" */
            const char *h = long_line ? NULL : find_length(line);
            if (h && h != line) junk = true;
            if (!h) {
                if (long_line || !strchr(line, ':')) junk = true;
                continue;               /* another header (Content-Type) */
            }
            unsigned long long n;
            if (!parse_length(h + 15, &n) || (have_len && n != len)) bad = true;
            else { len = n; known = true; }
            have_len = true;
        }
        if (eof) break;
        if (junk)
            rc_lsp_error(s, NULL, RC_LSP_INVALID_REQUEST, "malformed header: bytes that are no header were skipped");
        if (bad || !have_len) {
            rc_lsp_error(s, NULL, RC_LSP_INVALID_REQUEST, "malformed header: expected one 'Content-Length: N'");
            /* a length was read (the first of two different ones): its body
             * is skipped with the message */
            if (known && len <= RC_LSP_MAX_BODY) skip(in, len);
            continue;
        }
        if (len > RC_LSP_MAX_BODY) {
            rc_lsp_error(s, NULL, RC_LSP_INVALID_REQUEST, "message too large (the limit is 64 MiB); skipped");
            skip(in, len);
            continue;
        }
        char *body = malloc((size_t)len + 1);
        if (!body) {
            rc_lsp_error(s, NULL, RC_LSP_INTERNAL, "out of memory");
            skip(in, len);
            continue;
        }
        size_t got = fread(body, 1, (size_t)len, in);
        if (got < len) { free(body); break; }    /* the input ended inside a message */
        rc_lsp_set_more_input(s, waiting(in));
        bool done = rc_lsp_handle(s, body, (size_t)len);
        free(body);
        if (!done && !waiting(in)) rc_lsp_idle(s);
        if (done) {
            int rc = rc_lsp_exit_code(s);
            rc_lsp_free(s);
            return rc;
        }
    }
    rc_lsp_free(s);
    return 1;
}
