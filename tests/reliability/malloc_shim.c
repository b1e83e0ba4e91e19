/* malloc_shim.c - LD_PRELOAD shim for faults.sh: malloc() of exactly
 * RC_SHIM_FAIL_SIZE bytes, called from the program itself (not from a shared
 * library such as libclang), returns NULL.  With the size of flex's buffer
 * state this drives the scanner into its fatal-error path ("out of dynamic
 * memory in yy_scan_buffer()"), which must longjmp back to the front end and
 * end in a diagnostic instead of calling exit(). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int from_program(const void *ret)
{
    Dl_info di;
    if (!dladdr(ret, &di) || !di.dli_fname) return 0;
    return strstr(di.dli_fname, ".so") == NULL;
}

void *malloc(size_t n)
{
    static void *(*real)(size_t);
    static long fail = -2;
    if (!real) real = (void *(*)(size_t))dlsym(RTLD_NEXT, "malloc");
    if (fail == -2) {
        const char *s = getenv("RC_SHIM_FAIL_SIZE");
        fail = s ? atol(s) : -1;
    }
    if (fail >= 0 && n == (size_t)fail && from_program(__builtin_return_address(0))) {
        errno = ENOMEM;
        return NULL;
    }
    return real(n);
}
