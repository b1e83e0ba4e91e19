/* check_names.c - the name rules of spec/language.md "Names and limits".
 *
 * Every name a policy declares ends up in the generated C: as a prefix
 * (the policy), as a struct member spelled as written (fault fields), upper-
 * cased inside an enum constant (errors, classes, alternatives, modes,
 * channels, handlers, adjustments), in a string table, or in a checkpoint
 * key.  A name that would make that code invalid, meet an identifier that
 * the runtime, the generated file or a standard C header defines, or make two
 * checkpoint keys equal is an error here, at the name's location, so that
 * the back end never has a name to refuse.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "check_int.h"

/* errors reported here are of this kind (errors.def) */
#undef RC_ERROR_KIND
#define RC_ERROR_KIND RC_E_NAME

/* room for a renamed identifier (names are at most 63 bytes) */
#define RC_MAX_NAME_EDIT 80

/* C keywords (C89 to C23) and C++ keywords: the generated header is also
 * included from C++ (it carries `extern "C"`), and a fault field is spelled
 * as written there. */
static const char *const keywords[] = {
    /* C */
    "auto", "break", "case", "char", "const", "continue", "default", "do", "double", "else",
    "enum", "extern", "float", "for", "goto", "if", "inline", "int", "long", "register",
    "restrict", "return", "short", "signed", "sizeof", "static", "struct", "switch",
    "typedef", "union", "unsigned", "void", "volatile", "while", "_Bool", "_Complex",
    "_Imaginary", "_Alignas", "_Alignof", "_Atomic", "_Generic", "_Noreturn", "_Static_assert",
    "_Thread_local", "_BitInt", "_Decimal32", "_Decimal64", "_Decimal128",
    "bool", "true", "false", "alignas", "alignof", "constexpr", "nullptr", "static_assert",
    "thread_local", "typeof", "typeof_unqual",
    /* C++ (those not in C) */
    "and", "and_eq", "asm", "bitand", "bitor", "catch", "char8_t", "char16_t", "char32_t",
    "class", "compl", "concept", "consteval", "constinit", "const_cast", "co_await", "co_return",
    "co_yield", "decltype", "delete", "dynamic_cast", "explicit", "export", "friend", "mutable",
    "namespace", "new", "noexcept", "not", "not_eq", "operator", "or", "or_eq", "private",
    "protected", "public", "reinterpret_cast", "requires", "static_cast", "template", "this",
    "throw", "try", "typeid", "typename", "using", "virtual", "wchar_t", "xor", "xor_eq",
};

/* Macros and type names of the standard C headers that a generated file or
 * the host file including it can see (<stdint.h> <stddef.h> <stdbool.h>
 * through recov.h; <stdio.h> <errno.h> <assert.h> <limits.h> <stdlib.h>
 * <signal.h> <math.h> <complex.h> <iso646.h> <stdalign.h> <stdnoreturn.h>
 * <setjmp.h> <stdarg.h> <time.h> <locale.h> <wchar.h> <float.h> in a host).
 * The reserved prefixes (E0-9 EA-Z, INT*_ UINT*_, PRI SCN, SIG, LC_, FE_, FP_,
 * FLT_ DBL_ LDBL_, ATOMIC_) are matched by reserved_pattern(). */
static const char *const std_names[] = {
    "NULL", "offsetof", "size_t", "ptrdiff_t", "max_align_t", "__bool_true_false_are_defined",
    "int8_t", "int16_t", "int32_t", "int64_t", "uint8_t", "uint16_t", "uint32_t", "uint64_t",
    "int_least8_t", "int_least16_t", "int_least32_t", "int_least64_t", "uint_least8_t",
    "uint_least16_t", "uint_least32_t", "uint_least64_t", "int_fast8_t", "int_fast16_t",
    "int_fast32_t", "int_fast64_t", "uint_fast8_t", "uint_fast16_t", "uint_fast32_t",
    "uint_fast64_t", "intptr_t", "uintptr_t", "intmax_t", "uintmax_t",
    "PTRDIFF_MIN", "PTRDIFF_MAX", "SIZE_MAX", "WCHAR_MIN", "WCHAR_MAX", "WINT_MIN", "WINT_MAX",
    "errno", "assert", "NDEBUG", "EOF", "BUFSIZ", "FILENAME_MAX", "FOPEN_MAX", "L_tmpnam",
    "SEEK_CUR", "SEEK_END", "SEEK_SET", "TMP_MAX", "stdin", "stdout", "stderr", "FILE",
    "fpos_t", "CHAR_BIT", "CHAR_MAX", "CHAR_MIN", "INT_MAX", "INT_MIN", "LONG_MAX", "LONG_MIN",
    "LLONG_MAX", "LLONG_MIN", "MB_LEN_MAX", "SCHAR_MAX", "SCHAR_MIN", "SHRT_MAX", "SHRT_MIN",
    "UCHAR_MAX", "UINT_MAX", "ULONG_MAX", "ULLONG_MAX", "USHRT_MAX", "EXIT_FAILURE",
    "EXIT_SUCCESS", "MB_CUR_MAX", "RAND_MAX", "div_t", "ldiv_t", "lldiv_t", "sig_atomic_t",
    "HUGE_VAL", "HUGE_VALF", "HUGE_VALL", "INFINITY", "NAN", "MATH_ERRNO", "MATH_ERREXCEPT",
    "math_errhandling", "float_t", "double_t", "complex", "imaginary", "I", "noreturn",
    "jmp_buf", "va_list", "va_arg", "va_start", "va_end", "va_copy", "CLOCKS_PER_SEC",
    "TIME_UTC", "clock_t", "time_t", "tm", "WEOF", "wint_t", "mbstate_t", "DECIMAL_DIG",
    "setjmp", "__func__",
};

/* Names beginning with these are reserved for standard macros (C99 7.26
 * and the headers above); `d` stands for "a digit or an upper-case letter
 * follows", `x` for "anything follows". */
static bool reserved_pattern(const char *s)
{
    if (s[0] == '_' && (s[1] == '_' || (s[1] >= 'A' && s[1] <= 'Z'))) return true;   /* C reserved */
    if (s[0] == 'E' && ((s[1] >= '0' && s[1] <= '9') || (s[1] >= 'A' && s[1] <= 'Z'))) return true;
    static const char *const pfx[] = { "LC_", "SIG", "FE_", "FP_", "FLT_", "DBL_", "LDBL_", "ATOMIC_", "PRI", "SCN" };
    for (size_t i = 0; i < sizeof pfx / sizeof pfx[0]; i++) {
        size_t n = strlen(pfx[i]);
        if (strncmp(s, pfx[i], n) != 0) continue;
        char next = s[n];
        if (pfx[i][n - 1] == '_') return next != '\0';
        /* SIG, PRI, SCN: a letter follows (SIGINT, SIG_DFL, PRIu32, SCNx8) */
        if ((next >= 'A' && next <= 'Z') || next == '_' || (next >= 'a' && next <= 'z')) return true;
    }
    /* INT*_MAX / INT*_MIN / INT*_C and the UINT ones */
    const char *p = s;
    if (p[0] == 'U') p++;
    if (strncmp(p, "INT", 3) == 0 && p[3] != '\0') {
        const char *u = strrchr(p, '_');
        if (u && u > p + 2 && (strcmp(u, "_MAX") == 0 || strcmp(u, "_MIN") == 0 || strcmp(u, "_C") == 0))
            return true;
    }
    return false;
}

static bool in_list(const char *s, const char *const *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(s, v[i]) == 0) return true;
    return false;
}

static bool is_keyword(const char *s) { return in_list(s, keywords, sizeof keywords / sizeof keywords[0]); }

/* "recov", "RECOV", "recov_x", "Recov_X"...: the runtime's identifiers. */
static bool runtime_prefix(const char *s)
{
    return strncasecmp(s, "recov", 5) == 0 && (s[5] == '\0' || s[5] == '_');
}

bool rc_check_name_length(rc_check_ctx *c, const char *name, rc_loc loc, const char *what)
{
    size_t n = strlen(name);
    if (n <= RC_MAX_NAME) return true;
    rc_diag_error(c->d, loc, "%s%sname '%.24s...' is %zu characters long; names are at most %d characters",
                  what ? what : "", what ? " " : "", name, n, RC_MAX_NAME);
    return false;
}

bool rc_check_member_name(rc_check_ctx *c, const rc_ident *id, const char *what)
{
    const char *s = id->name;
    if (is_keyword(s)) {
        rc_diag_error(c->d, id->loc, "%s name '%s' is a C keyword and cannot be %s", what, s,
                      strcmp(what, "parameter") == 0 ? "a member of the generated P_params" : "a struct member");
        return false;
    }
    if (in_list(s, std_names, sizeof std_names / sizeof std_names[0]) || reserved_pattern(s)) {
        rc_diag_error(c->d, id->loc, "%s name '%s' is reserved by the C standard headers (a macro or type "
                      "there); the generated struct member would not compile", what, s);
        rc_diag_fix(c->d, id->loc, "rename the %s, e.g. '%s_value'", what, s);
        char renamed[RC_MAX_NAME_EDIT];
        snprintf(renamed, sizeof renamed, "%s_value", s);
        rc_diag_edit_add(c->d, id->loc, renamed, "rename the %s to '%s'", what, renamed);
        return false;
    }
    if (runtime_prefix(s)) {
        rc_diag_error(c->d, id->loc, "%s name '%s' is in the runtime's namespace (recov_*, RECOV_*)", what, s);
        return false;
    }
    return true;
}

bool rc_check_field_name(rc_check_ctx *c, const rc_ident *id) { return rc_check_member_name(c, id, "field"); }

void rc_check_policy_name(rc_check_ctx *c, const rc_ident *id)
{
    const char *s = id->name;
    if (!rc_check_name_length(c, s, id->loc, "policy")) return;
    if (s[0] == '_') {
        rc_diag_error(c->d, id->loc, "policy name '%s' starts with '_'; it prefixes every generated C name, and "
                      "C reserves file-scope names that start with '_'", s);
        return;
    }
    if (runtime_prefix(s))
        rc_diag_error(c->d, id->loc, "policy name '%s' would make generated names such as '%s_load' meet the "
                      "runtime's recov_* and RECOV_* identifiers; rename the policy", s, s);
}

/* ---- names that meet generated identifiers -------------------------------- */

/* The enum kinds: each has a `<P>_<KIND>_COUNT` macro beside its constants. */
static void check_count(rc_check_ctx *c, const char *name, rc_loc loc, const char *what)
{
    if (strcasecmp(name, "count") != 0) return;
    rc_diag_error(c->d, loc, "%s '%s' would be the C constant %s_..._COUNT, which is the generated count of "
                  "%ss; rename it", what, name, c->ir->name, what);
}

static void check_names_list(rc_check_ctx *c, const rc_ir_name *v, int n, const char *what)
{
    for (int i = 0; i < n; i++) check_count(c, v[i].name, v[i].loc, what);
}

/* A field named `<P>_...` in any case could meet a generated macro
 * (`<P>_SHARED_SIZE`, `<P>_ERR_X`) when spelled as a member. */
static void check_field_prefix(rc_check_ctx *c, const rc_ir_field *f)
{
    size_t n = strlen(c->ir->name);
    if (strncasecmp(f->name, c->ir->name, n) == 0 && f->name[n] == '_')
        rc_diag_error(c->d, f->loc, "field name '%s' starts with the policy's prefix '%s_', which the generated "
                      "macros use; rename the field", f->name, c->ir->name);
    else if (runtime_prefix(f->name) && c->ir->fault_struct)
        rc_diag_error(c->d, f->loc, "member '%s' of struct %s is in the runtime's namespace (recov_*, RECOV_*)",
                      f->name, c->ir->fault_struct);
}

void rc_check_generated_names(rc_check_ctx *c)
{
    const rc_ir *ir = c->ir;
    for (int i = 0; i < ir->nerrors; i++) check_count(c, ir->errors[i].name, ir->errors[i].loc, "error");
    for (int i = 0; i < ir->nclasses; i++) check_count(c, ir->classes[i].name, ir->classes[i].loc, "class");
    check_names_list(c, ir->alts, ir->nalts, "alternative");
    check_names_list(c, ir->modes, ir->nmodes, "mode");
    check_names_list(c, ir->channels, ir->nchannels, "channel");
    check_names_list(c, ir->handlers, ir->nhandlers, "handler");
    check_names_list(c, ir->adjusts, ir->nadjusts, "adjustment");
    for (int i = 0; i < ir->nfields; i++) check_field_prefix(c, &ir->fields[i]);
}

/* ---- checkpoint keys ---------------------------------------------------------- */

/* A record's tag is FNV-1a 32 of its key (spec/checkpoint.md). */
static uint32_t key_tag(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 16777619u;
    }
    return h;
}

static bool same_loc(rc_loc a, rc_loc b) { return a.line == b.line && a.col == b.col; }

typedef struct ckey { uint32_t tag; const char *key; rc_loc loc; } ckey;

static int ckey_order(const void *a, const void *b)
{
    const ckey *x = a, *y = b;
    if (x->tag != y->tag) return x->tag < y->tag ? -1 : 1;
    return strcmp(x->key, y->key);
}

static void add_key(rc_check_ctx *c, ckey *v, int *n, rc_loc loc, const char *fmt, const char *name,
                    const char *item)
{
    char buf[RC_MAX_NAME + 64];
    snprintf(buf, sizeof buf, fmt, name, item);
    v[*n].key = rc_arena_strdup(c->a, buf);
    v[*n].tag = key_tag(buf);
    v[*n].loc = loc;
    (*n)++;
}

/* Every key the policy's checkpoint can hold (a superset of what P_save
 * writes: records that exist only with some steps are included), so that
 * the rule does not depend on how the back end lays out the state. */
void rc_check_ckpt_keys(rc_check_ctx *c)
{
    const rc_ir *ir = c->ir;
    static const char *const brk[] = { "state", "fails", "window", "n", "opened_at", "admitted", "successes" };
    static const char *const bud[] = { "wstart", "calls", "retries" };
    static const char *const inc[] = { "active", "start", "attempt", "error", "pending", "last_alt",
                                       "last_handler" };
    static const char *const blk[] = { "pos", "sub", "prev" };
    int cap = 1 + 7 * ir->nbreakers + 3 * ir->nbudgets + 2 * ir->nalts + 2 * ir->nhandlers + RC_SEV_COUNT + 7 +
              3 * ir->nblocks;
    ckey *v = RC_NEW_ARRAY(c->a, ckey, cap);
    int n = 0;
    rc_loc none = { 0, 0, 0, 0 };
    add_key(c, v, &n, none, "prng%s%s", "", "");
    for (int i = 0; i < ir->nbreakers; i++)
        for (int k = 0; k < 7; k++) add_key(c, v, &n, ir->breakers[i].loc, "breaker.%s.%s", ir->breakers[i].name, brk[k]);
    for (int i = 0; i < ir->nbudgets; i++)
        for (int k = 0; k < 3; k++) add_key(c, v, &n, ir->budgets[i].loc, "budget.%s.%s", ir->budgets[i].name, bud[k]);
    for (int k = 0; k < 2; k++) {
        for (int i = 0; i < ir->nalts; i++)
            add_key(c, v, &n, ir->alts[i].loc, "alt.%s.%s", ir->alts[i].name, k ? "failed" : "ok");
        for (int i = 0; i < ir->nhandlers; i++)
            add_key(c, v, &n, ir->handlers[i].loc, "handler.%s.%s", ir->handlers[i].name, k ? "failed" : "ok");
    }
    for (int l = 0; l < RC_SEV_COUNT; l++) add_key(c, v, &n, none, "unresolved.%s%s", rc_sev_names[l], "");
    char h[16];
    snprintf(h, sizeof h, "%08x", (unsigned)ir->hash);
    for (int k = 0; k < 7; k++) add_key(c, v, &n, none, "incident.%s.%s", h, inc[k]);
    for (int b = 0; b < ir->nblocks; b++) {
        char hb[32];
        snprintf(hb, sizeof hb, "%s.%d", h, b);
        for (int k = 0; k < 3; k++) add_key(c, v, &n, ir->blocks[b].loc, "block.%s.%s", hb, blk[k]);
    }
    qsort(v, (size_t)n, sizeof *v, ckey_order);
    rc_loc last_a = none, last_b = none;
    for (int i = 1; i < n; i++) {
        if (v[i].tag != v[i - 1].tag) continue;
        /* report at the named item; the other one in a note */
        const ckey *a = v[i - 1].loc.line ? &v[i - 1] : &v[i], *b = a == &v[i] ? &v[i - 1] : &v[i];
        /* two names whose key prefixes collide collide in every suffix: once */
        if (same_loc(a->loc, last_a) && same_loc(b->loc, last_b)) continue;
        last_a = a->loc;
        last_b = b->loc;
        rc_diag_error(c->d, a->loc, "checkpoint keys '%s' and '%s' have the same 32-bit tag 0x%08x; "
                      "rename one of the two", a->key, b->key, (unsigned)a->tag);
        if (b->loc.line) rc_diag_note(c->d, b->loc, "'%s' comes from here", b->key);
    }
}
