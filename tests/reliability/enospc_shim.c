/* enospc_shim.c - LD_PRELOAD shim for faults.sh: a disk that is full after
 * RC_SHIM_BYTES bytes: write() to a file (fd > 2) fails with ENOSPC once
 * the bytes written pass the limit, and fsync() fails with ENOSPC once they
 * have (where a disk with delayed allocation reports).  recovc writes its
 * outputs with write() (compiler/base/output.c), so the shim sees every byte.
 * faults.sh uses it always, and a 64 KiB tmpfs as well when mounting is
 * permitted. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

static long long used_bytes;

static long long limit(void)
{
    const char *s = getenv("RC_SHIM_BYTES");
    return s ? atoll(s) : 0;
}

ssize_t write(int fd, const void *buf, size_t n)
{
    static ssize_t (*real)(int, const void *, size_t);
    if (!real) real = (ssize_t (*)(int, const void *, size_t))dlsym(RTLD_NEXT, "write");
    if (fd > 2 && used_bytes + (long long)n > limit()) {
        errno = ENOSPC;
        return -1;
    }
    if (fd > 2) used_bytes += (long long)n;
    return real(fd, buf, n);
}

int fsync(int fd)
{
    static int (*real)(int);
    if (!real) real = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
    if (fd > 2 && used_bytes > limit()) {
        errno = ENOSPC;
        return -1;
    }
    return real(fd);
}
