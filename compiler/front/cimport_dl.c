/* cimport_dl.c - opens libclang on the first import (cimport_dl.h). */
#define RC_CIMPORT_DL_IMPL
#include "cimport_dl.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef RECOV_LIBCLANG_SONAME
#define RECOV_LIBCLANG_SONAME ""
#endif
#ifndef RECOV_LIBCLANG_PATH
#define RECOV_LIBCLANG_PATH ""
#endif

rc_clang_api rc_clang;

static void *open_first(const char **tried_env)
{
    const char *env = getenv("RECOV_LIBCLANG");
    *tried_env = NULL;
    if (env && *env) {
        *tried_env = env;
        return dlopen(env, RTLD_NOW | RTLD_LOCAL);   /* no fallback: the user chose */
    }
    void *h = NULL;
    if (*RECOV_LIBCLANG_SONAME) h = dlopen(RECOV_LIBCLANG_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (!h && RECOV_LIBCLANG_PATH[0] != '\0') h = dlopen(RECOV_LIBCLANG_PATH, RTLD_NOW | RTLD_LOCAL);
    return h;
}

bool rc_cimp_dl_load(const char **why)
{
    static int state;             /* 0: not tried, 1: loaded, 2: failed */
    static char msg[768];
    if (state == 1) return true;
    if (state == 2) { if (why) *why = msg; return false; }
    const char *env;
    void *h = open_first(&env);
    if (!h) {
        const char *e = dlerror();
        if (env)
            snprintf(msg, sizeof msg, "cannot load libclang from RECOV_LIBCLANG=%s: %s", env, e ? e : "?");
        else
            snprintf(msg, sizeof msg, "cannot load libclang (tried %s and %s): %s; install the libclang "
                     "recovc was built with, or name it in RECOV_LIBCLANG",
                     RECOV_LIBCLANG_SONAME, RECOV_LIBCLANG_PATH, e ? e : "?");
        state = 2;
        if (why) *why = msg;
        return false;
    }
    /* dlsym returns void *; POSIX guarantees the bytes are the function's
     * pointer, copied here without a cast ISO C does not define */
#define RC_CLANG_SYM(name)                                                          \
    sym = dlsym(h, #name);                                                          \
    memcpy(&rc_clang.p_##name, &sym, sizeof sym);                                   \
    if (!sym) {                                                                     \
        snprintf(msg, sizeof msg, "the libclang loaded has no %s (too old?)", #name); \
        state = 2;                                                                  \
        if (why) *why = msg;                                                        \
        return false;                                                               \
    }
    void *sym;
    RC_CLANG_FUNCTIONS(RC_CLANG_SYM)
#undef RC_CLANG_SYM
    state = 1;
    return true;
}
