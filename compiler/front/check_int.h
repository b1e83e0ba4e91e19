/* check_int.h - private to the checker (check*.c): the context and helpers
 * shared by its files.  Nothing outside the checker includes this. */
#ifndef RC_CHECK_INT_H
#define RC_CHECK_INT_H

#include "arena.h"
#include "ast.h"
#include "diag.h"
#include "ir.h"
#include "symtab.h"

/* RC_MAX_PATTERN_BITS: patterns per text field (DFA mask bits); it bounds
 * the mask words generated code keeps on its stack (2 KB at the limit; a
 * policy of a few patterns keeps one word). */
#define RC_MAX_PATTERN_BITS 16384
/* RC_MAX_NAME: the longest name a policy declares (spec/language.md "Names
 * and limits"): the C99 minimum of significant characters in an internal
 * identifier, and it keeps every checkpoint key and file name short. */
#define RC_MAX_NAME 63
/* RC_MAX_TEXT_BYTES: the longest message, hint or step text: the C99
 * minimum string literal length (gcc/clang -Woverlength-strings). */
#define RC_MAX_TEXT_BYTES 4095
/* RC_MAX_COND_TERMS, RC_MAX_COND_DEPTH: the most comparisons and matches in
 * one condition, and the deepest nesting of different operators (&&, ||, !)
 * in one; chains of one operator are written flat.  They keep the
 * generated expression within the C99 minimum of 63 nested parentheses and
 * within what gcc and clang compile in seconds. */
#define RC_MAX_COND_TERMS 1024
#define RC_MAX_COND_DEPTH 32

typedef struct rc_check_ctx {
    rc_arena *a;
    rc_diag *d;
    rc_ir *ir;
    rc_symtab syms;             /* fields, consts, classes, errors, strategies */
    /* growable arrays (arena-backed, doubled on demand) */
    size_t cap_exprs;
    size_t *pat_cap;            /* per text slot: capacity of patterns */
    int **pat_index;            /* per text slot: hash table of pattern indices
                                   (2 * pat_cap slots, -1 free) */
    bool *const_used;           /* [nconsts] */
    bool *retry_used;           /* [nretries] */
    int nconsts;
    rc_ast_value *const_vals;   /* [nconsts] resolved value (RC_AV_INT, RC_AV_DURATION when written so) */
    rc_loc *const_locs;
    const char **const_names;
    int *field_text_slot;       /* [nfields] -> texts index or -1 */
    bool in_classify;           /* conditions of classify: fault fields only */
    bool in_step_when;          /* a handler's condition: no fault fields; error names stand alone */
    /* C headers (check_import.c): consts [npolicy_consts, nconsts) are imported */
    const struct rc_cimport *imp;   /* NULL when the policy imports nothing */
    int npolicy_consts;
    int *const_enum;            /* [nconsts] imported enum of a constant, -1 for none */
    int *field_enum;            /* [nfields] imported enum type of a field, -1 for none */
    /* parameters: the numbers they give, collected while building */
    size_t cap_pbinds;
    bool *param_used;           /* [nparams] */
} rc_check_ctx;

/* check_import.c: the imported fault struct's members, the imported
 * constants, and the enum checks (wrong enum, -Wenum-coverage). */
void rc_check_import_fields(rc_check_ctx *c, const rc_ast_decl *d);
void rc_check_import_consts(rc_check_ctx *c, const rc_ast_decl *first_import);
/* When `name` is a header macro that was refused (spec/headers.md), reports
 * it at loc with the reason and a note at its definition; true if so. */
bool rc_check_import_refused(rc_check_ctx *c, const char *name, rc_loc loc);
void rc_check_import_enums(rc_check_ctx *c, const rc_ast_policy *p);

/* check_expr.c */
int rc_check_expr(rc_check_ctx *c, const rc_ast_expr *e);   /* -> expr index, -1 on error */
int rc_check_new_expr(rc_check_ctx *c, rc_ir_xkind kind);
/* A handler's condition in a `run` step (no fault at hand): -> expr index, -1 on error. */
int rc_check_step_when(rc_check_ctx *c, const rc_ast_expr *e);
bool rc_check_value_int(rc_check_ctx *c, const rc_ast_value *v, int64_t *out);

/* check.c: records that parameter `param` gives the number in `slot`. */
void rc_check_bind(rc_check_ctx *c, rc_slot slot, int obj, int sub, int param);

/* check_cover.c: is classify exhaustive without `_`?  Reports the error with a
 * witness when not; returns true when every fault is covered. */
bool rc_check_cover(rc_check_ctx *c, rc_loc classify_loc);

/* check_names.c: the name rules (spec/language.md "Names and limits"). */
bool rc_check_name_length(rc_check_ctx *c, const char *name, rc_loc loc, const char *what);
bool rc_check_field_name(rc_check_ctx *c, const rc_ident *id);     /* a `fault { }` field */
/* a struct member of the generated code (what: "field", "parameter") */
bool rc_check_member_name(rc_check_ctx *c, const rc_ident *id, const char *what);
void rc_check_policy_name(rc_check_ctx *c, const rc_ident *id);
void rc_check_generated_names(rc_check_ctx *c);   /* after every name is interned */
void rc_check_ckpt_keys(rc_check_ctx *c);         /* after ir->hash is known */

/* check_suggest.c: a close name ("did you mean 'x'?") from the symbol table; NULL if none. */
const char *rc_check_suggest(rc_check_ctx *c, const char *name, int kindmask);

#endif
