/* parse.c - entry points of the front end: rc_parse and rc_lex.
 *
 * The scanner (dsl/recov.l) and the grammar (dsl/recov.y) share an rc_pctx;
 * it lives in the arena so that it stays valid across the longjmp by which a
 * flex internal error (out of memory) comes back here.
 */
#include "parse.h"

#include <setjmp.h>
#include <string.h>

#include "recov.tab.h"

/* errors reported here are of this kind (errors.def) */
#undef RC_ERROR_KIND
#define RC_ERROR_KIND RC_E_SYNTAX

int rc_yyparse(void *scanner, rc_pctx *ctx);

static rc_pctx *new_ctx(rc_arena *a, rc_diag *d, const char *src, size_t len, jmp_buf *jb)
{
    rc_pctx *c = RC_NEW(a, rc_pctx);
    c->arena = a;
    c->diag = d;
    c->src = src ? src : "";
    c->len = src ? len : 0;
    c->policy = RC_NEW(a, rc_ast_policy);
    c->line = c->col = 1;
    c->fatal = jb;
    return c;
}

static void scanner_failed(rc_pctx *c)
{
    rc_loc at = {c->line, c->col, 0, 0};
    c->diag->internal++;
    rc_diag_error(c->diag, at, "internal error in the scanner: %s",
                  c->fatal_msg ? c->fatal_msg : "cannot create the scanner (input too large?)");
}

rc_ast_policy *rc_parse(rc_arena *a, rc_diag *d, const char *src, size_t len)
{
    jmp_buf jb;
    rc_pctx *c = new_ctx(a, d, src, len, &jb);
    int jumped = setjmp(jb);
    if (jumped == 0) {
        if (rc_scan_begin(c, &c->scanner)) rc_yyparse(c->scanner, c);
        else scanner_failed(c);
    } else if (jumped != 2) {   /* 2: the term limit, reported where it was hit */
        scanner_failed(c);
    }
    rc_scan_end(c->scanner);
    c->scanner = NULL;
    /* A file with no declaration at all parses; it still is no policy. */
    if (!c->header_seen && !c->header_reported && d->errors == 0) {
        rc_loc at = {1, 1, 0, 0};
        rc_diag_error(d, at, "empty policy: a policy starts with 'policy NAME version N;'");
    }
    return c->policy;
}

/* Token values by kind: see rc_token in parse.h. */
static void fill(rc_token *t, int kind, const RC_YYSTYPE *v, rc_loc loc)
{
    memset(t, 0, sizeof *t);
    if (kind == RC_TOK_CTX_LIMIT) kind = RC_TOK_IDENT;   /* `limit` is a name to every reader of tokens */
    t->kind = kind;
    t->loc = loc;
    switch (kind) {
    case RC_TOK_INT: case RC_TOK_DURATION: case RC_TOK_PERCENT: case RC_TOK_DECPERCENT: case RC_TOK_DECIMAL:
    case RC_TOK_XFACTOR:
        t->num = v->num;
        break;
    case RC_TOK_STRING: case RC_TOK_REGEX:
        t->text = v->str.s;
        t->len = v->str.len;
        break;
    default:
        if (kind == RC_TOK_IDENT || (kind >= RC_TOK_KW_POLICY && kind <= RC_TOK_KW_STATS)) {
            t->text = v->id;
            t->len = strlen(v->id);
        }
        break;
    }
}

size_t rc_lex(rc_arena *a, rc_diag *d, const char *src, size_t len, rc_token **out)
{
    jmp_buf jb;
    rc_pctx *c = new_ctx(a, d, src, len, &jb);
    /* the array and its size live in the arena too (stable across longjmp) */
    struct { rc_token *v; size_t n, cap; } *arr = rc_arena_alloc(a, sizeof *arr);
    arr->cap = 64;
    arr->v = RC_NEW_ARRAY(a, rc_token, arr->cap);
    if (setjmp(jb) == 0) {
        if (rc_scan_begin(c, &c->scanner)) {
            for (;;) {
                RC_YYSTYPE v;
                rc_loc loc;
                memset(&v, 0, sizeof v);
                int k = rc_yylex(&v, &loc, c->scanner, c);
                RC_GROW(a, arr->v, arr->n, &arr->cap);
                fill(&arr->v[arr->n++], k, &v, loc);
                if (k == 0) break;
            }
        } else {
            scanner_failed(c);
        }
    } else {
        scanner_failed(c);
    }
    rc_scan_end(c->scanner);
    if (arr->n == 0 || arr->v[arr->n - 1].kind != 0) {
        rc_loc at = {c->line, c->col, c->line, c->col};
        fill(&arr->v[arr->n < arr->cap ? arr->n++ : arr->n - 1], 0, NULL, at);
    }
    *out = arr->v;
    return arr->n;
}
