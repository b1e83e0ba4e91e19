/* symtab.h - names of a policy: one namespace, open addressing, arena-backed. */
#ifndef RC_SYMTAB_H
#define RC_SYMTAB_H

#include <stdbool.h>

#include "arena.h"
#include "diag.h"

typedef enum rc_symkind {
    RC_SYM_FIELD   = 1 << 0,
    RC_SYM_CONST   = 1 << 1,
    RC_SYM_CLASS   = 1 << 2,
    RC_SYM_ERROR   = 1 << 3,
    RC_SYM_RETRY   = 1 << 4,
    RC_SYM_BREAKER = 1 << 5,
    RC_SYM_BUDGET  = 1 << 6,
    RC_SYM_PARAM   = 1 << 7,
    /* Section 4 (C headers) adds imported enum constants and macros here as
     * RC_SYM_CONST with origin set to the header. */
} rc_symkind;

typedef struct rc_sym {
    const char *name;
    rc_symkind kind;
    int index;                  /* into the IR array of its kind */
    rc_loc loc;
    const char *origin;         /* NULL: the policy itself; else the header it came from */
} rc_sym;

typedef struct rc_symtab {
    rc_sym *slots;
    int cap, count;
    rc_arena *a;
} rc_symtab;

void rc_symtab_init(rc_symtab *t, rc_arena *a);
rc_sym *rc_symtab_find(const rc_symtab *t, const char *name);
/* Adds a symbol; returns NULL (and adds nothing) if the name exists. */
rc_sym *rc_symtab_add(rc_symtab *t, const char *name, rc_symkind kind, int index, rc_loc loc);

#endif
