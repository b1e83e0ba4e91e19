/* output.c - atomic output files; see output.h. */
#include "output.h"
#include "diag.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
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

bool rc_output_open(rc_output *o, const char *path, bool color)
{
    memset(o, 0, sizeof *o);
    o->color = color;
    size_t n = strlen(path);
    o->path = dup_str(path);
    o->tmp = malloc(n + 16);
    if (!o->path || !o->tmp) {
        rc_diag_say(stderr, color, RC_DIAG_ERROR, "out of memory");
        free(o->path);
        free(o->tmp);
        return false;
    }
    snprintf(o->tmp, n + 16, "%s.tmp.XXXXXX", path);
    int fd = mkstemp(o->tmp);
    if (fd < 0) {
        rc_diag_say(stderr, color, RC_DIAG_ERROR, "cannot write '%s': %s", path, strerror(errno));
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
        rc_diag_say(stderr, color, RC_DIAG_ERROR, "cannot write '%s': %s", path, strerror(errno));
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

/* Phase 1: the bytes to the temporary file, synced.  False (after
 * printing, temporary removed) on failure. */
static bool stage(rc_output *o)
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
    o->fd = -1;
    if (!ok) {
        rc_diag_say(stderr, o->color, RC_DIAG_ERROR, "cannot write '%s': %s", o->path, strerror(err));
        unlink(o->tmp);
        release(o);
        return false;
    }
    return true;
}

/* Phase 2: replace the target unless its content is the same. */
static bool publish(rc_output *o)
{
    bool ok = true;
    if (same_content(o->tmp, o->path)) {
        unlink(o->tmp);
    } else if (rename(o->tmp, o->path) != 0) {
        rc_diag_say(stderr, o->color, RC_DIAG_ERROR, "cannot write '%s': %s", o->path, strerror(errno));
        unlink(o->tmp);
        ok = false;
    }
    release(o);
    return ok;
}

/* Drop a staged output (its temporary file). */
static void drop_staged(rc_output *o)
{
    if (!o->tmp) return;
    unlink(o->tmp);
    release(o);
}

bool rc_output_commit_all(rc_output *const *os, int n)
{
    bool ok = true;
    int staged = 0;
    for (; staged < n && ok; staged++)
        if (!stage(os[staged])) ok = false;
    if (!ok) {
        /* staged - 1 failed and is released; drop the ones before it, abort
         * the ones never staged */
        for (int i = 0; i < staged - 1; i++) drop_staged(os[i]);
        for (int i = staged; i < n; i++) rc_output_abort(os[i]);
        return false;
    }
    /* every file is complete on disk; now replace the targets together, under
     * an exclusive lock on the directory of the first, so that two recovc
     * processes writing the same outputs never interleave their renames (a
     * .c of one run with the .h of the other) */
    char *dir = dup_str(os[0]->path);
    int dfd = -1;
    if (dir) {
        char *slash = strrchr(dir, '/');
        if (slash == dir) slash[1] = 0;
        else if (slash) *slash = 0;
        else strcpy(dir, ".");
        dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd >= 0) while (flock(dfd, LOCK_EX) != 0 && errno == EINTR) {}
        free(dir);
    }
    /* the first target that cannot be replaced stops the rest */
    for (int i = 0; i < n; i++) {
        if (ok) ok = publish(os[i]);
        else drop_staged(os[i]);
    }
    if (dfd >= 0) close(dfd);   /* releases the lock */
    return ok;
}

bool rc_output_commit(rc_output *o)
{
    if (!o->tmp) return false;
    rc_output *const one[1] = { o };
    return rc_output_commit_all(one, 1);
}
