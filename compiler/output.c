/* output.c - atomic output files; see output.h. */
#include "output.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p) memcpy(p, s, n);
    return p;
}

bool rc_output_open(rc_output *o, const char *path)
{
    memset(o, 0, sizeof *o);
    size_t n = strlen(path);
    o->path = dup_str(path);
    o->tmp = malloc(n + 16);
    if (!o->path || !o->tmp) {
        fprintf(stderr, "recovc: error: out of memory\n");
        free(o->path);
        free(o->tmp);
        return false;
    }
    snprintf(o->tmp, n + 16, "%s.tmp.XXXXXX", path);
    int fd = mkstemp(o->tmp);
    if (fd < 0) {
        fprintf(stderr, "recovc: error: cannot write '%s': %s\n", path, strerror(errno));
        free(o->path);
        free(o->tmp);
        o->path = o->tmp = NULL;
        return false;
    }
    /* mkstemp creates 0600; generated sources are ordinary files */
    mode_t mask = umask(0);
    umask(mask);
    if (fchmod(fd, (mode_t)(0666 & ~mask)) != 0) { /* keep 0600 rather than fail */ }
    o->fd = fd;
    o->f = open_memstream(&o->buf, &o->len);
    if (!o->f) {
        fprintf(stderr, "recovc: error: cannot write '%s': %s\n", path, strerror(errno));
        close(fd);
        unlink(o->tmp);
        free(o->path);
        free(o->tmp);
        o->path = o->tmp = NULL;
        return false;
    }
    return true;
}

static void release(rc_output *o)
{
    free(o->buf);
    o->buf = NULL;
    free(o->path);
    free(o->tmp);
    o->path = o->tmp = NULL;
    o->f = NULL;
}

void rc_output_abort(rc_output *o)
{
    if (!o->tmp) return;
    if (o->f) fclose(o->f);
    o->f = NULL;
    close(o->fd);
    unlink(o->tmp);
    release(o);
}

/* Same bytes in both files? */
static bool same_content(const char *a, const char *b)
{
    FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
    bool same = fa && fb;
    while (same) {
        char ba[4096], bb[4096];
        size_t na = fread(ba, 1, sizeof ba, fa), nb = fread(bb, 1, sizeof bb, fb);
        if (na != nb || memcmp(ba, bb, na) != 0) same = false;
        if (na == 0) break;
    }
    if (fa) fclose(fa);
    if (fb) fclose(fb);
    return same;
}

bool rc_output_commit(rc_output *o)
{
    if (!o->tmp) return false;
    /* closing the memory stream settles buf/len; then the bytes go to the
     * temporary file, which is synced before it may replace the target */
    bool ok = !ferror(o->f);
    int err = ok ? 0 : EIO;
    if (fclose(o->f) != 0 && ok) { ok = false; err = errno; }
    o->f = NULL;
    for (size_t at = 0; ok && at < o->len;) {
        ssize_t n = write(o->fd, o->buf + at, o->len - at);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) { ok = false; err = n < 0 ? errno : EIO; }
        else at += (size_t)n;
    }
    if (ok && fsync(o->fd) != 0) { ok = false; err = errno; }
    if (close(o->fd) != 0 && ok) { ok = false; err = errno; }
    if (!ok) {
        fprintf(stderr, "recovc: error: cannot write '%s': %s\n", o->path, strerror(err));
        unlink(o->tmp);
        release(o);
        return false;
    }
    if (same_content(o->tmp, o->path)) {
        unlink(o->tmp);
        release(o);
        return true;
    }
    if (rename(o->tmp, o->path) != 0) {
        fprintf(stderr, "recovc: error: cannot write '%s': %s\n", o->path, strerror(errno));
        unlink(o->tmp);
        release(o);
        return false;
    }
    release(o);
    return true;
}
