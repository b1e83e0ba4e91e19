/* lsp_names.h - every name of a policy, from its syntax tree: where each is
 * declared and where it is used (definition, references, outline, hover).
 *
 * Declared kinds (field, const, param, class, error, retry, breaker,
 * budget) are defined by their declaration; the kinds a policy introduces
 * by using them (alternatives, modes, handlers, adjustments, channels) are
 * defined by their first use, as the compiler's IR records them.  A bare
 * name in a value is a param, a const or a fault field, looked up in that
 * order as the checker does (a constant may be an enumerator or macro of an
 * imported header); names that are none of them (`true`, severity levels)
 * are not indexed.
 */
#ifndef RC_LSP_NAMES_H
#define RC_LSP_NAMES_H

#include <stdbool.h>

#include "ast.h"
#include "cimport.h"

typedef enum rc_lsp_nkind {
    RC_LN_FIELD, RC_LN_CONST, RC_LN_PARAM, RC_LN_CLASS, RC_LN_ERROR, RC_LN_RETRY, RC_LN_BREAKER,
    RC_LN_BUDGET, RC_LN_ALT, RC_LN_MODE, RC_LN_HANDLER, RC_LN_ADJUST, RC_LN_CHANNEL, RC_LN_COUNT
} rc_lsp_nkind;

typedef struct rc_lsp_occ {
    const char *name;
    rc_lsp_nkind kind;
    rc_loc loc;                 /* the name itself */
    bool decl;                  /* the declaration (or first use) */
    const char *file;           /* NULL: the policy; else the header declaring an imported constant */
    const rc_ast_decl *d;       /* the declaration it is in or a part of */
} rc_lsp_occ;

typedef struct rc_lsp_names {
    rc_lsp_occ *v;
    int n, cap;
} rc_lsp_names;

/* Index p (NULL: nothing) and the constants imported from its C headers
 * (their declarations carry the header's file and position); free with
 * rc_lsp_names_free. */
void rc_lsp_names_build(rc_lsp_names *x, const rc_ast_policy *p, const rc_cconst *imported, int nimported);
void rc_lsp_names_free(rc_lsp_names *x);
/* The occurrence whose name covers 1-based line/byte column, or NULL. */
const rc_lsp_occ *rc_lsp_names_at(const rc_lsp_names *x, int line, int col);
/* The declaration of `name` of `kind`, or NULL. */
const rc_lsp_occ *rc_lsp_names_decl(const rc_lsp_names *x, rc_lsp_nkind kind, const char *name);
/* "error", "retry strategy"... */
const char *rc_lsp_nkind_name(rc_lsp_nkind k);

#endif
