/* depfile.c - see depfile.h. */
#include "depfile.h"

#include <fcntl.h>
#include <sys/stat.h>

#include "output.h"

static void put_path(FILE *f, const char *p)
{
    for (; *p; p++) {
        if (*p == ' ' || *p == '#' || *p == '\\') fputc('\\', f);
        if (*p == '$') fputc('$', f);
        fputc(*p, f);
    }
}

void rc_depfile_print(FILE *f, const char *const *targets, int ntargets, const char *policy,
                      const char *const *deps, int ndeps, bool phony)
{
    for (int i = 0; i < ntargets; i++) {
        if (i) fputc(' ', f);
        put_path(f, targets[i]);
    }
    fputs(":", f);
    fputs(" \\\n  ", f);
    put_path(f, policy);
    for (int i = 0; i < ndeps; i++) {
        fputs(" \\\n  ", f);
        put_path(f, deps[i]);
    }
    fputc('\n', f);
    for (int i = 0; phony && i < ndeps; i++) {
        fputc('\n', f);
        put_path(f, deps[i]);
        fputs(":\n", f);
    }
}

bool rc_depfile_write(const char *path, const char *const *targets, int ntargets, const char *policy,
                      const char *const *deps, int ndeps, bool phony, bool color)
{
    rc_output o;
    if (!rc_output_open(&o, path, color)) return false;
    rc_depfile_print(o.f, targets, ntargets, policy, deps, ndeps, phony);
    return rc_output_commit(&o);
}

static bool newer(const struct stat *a, const struct stat *b)
{
    if (a->st_mtim.tv_sec != b->st_mtim.tv_sec) return a->st_mtim.tv_sec > b->st_mtim.tv_sec;
    return a->st_mtim.tv_nsec > b->st_mtim.tv_nsec;
}

void rc_depfile_freshen(const char *const *outputs, int noutputs, const char *policy,
                        const char *const *deps, int ndeps)
{
    struct stat newest, st;
    if (stat(policy, &newest) != 0) return;
    for (int i = 0; i < ndeps; i++)
        if (stat(deps[i], &st) == 0 && newer(&st, &newest)) newest = st;
    for (int i = 0; i < noutputs; i++)
        if (stat(outputs[i], &st) == 0 && !newer(&st, &newest))
            utimensat(AT_FDCWD, outputs[i], NULL, 0);
}
