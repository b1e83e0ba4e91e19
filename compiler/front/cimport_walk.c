/* cimport_walk.c - what recov takes from the headers' declarations: enums and
 * their constants, integer macro candidates, the fault struct and its
 * members (type mapping in spec/headers.md). */
#include <stdlib.h>
#include <string.h>

#include "cimport_int.h"

/* errors reported here are of this kind (errors.def) */
#undef RC_ERROR_KIND
#define RC_ERROR_KIND RC_E_IMPORT

#define RC_CIMP_MPFX "__recov_m"

static bool in_system(CXCursor cur)
{
    return clang_Location_isInSystemHeader(clang_getCursorLocation(cur)) != 0;
}

static bool is_signed_kind(enum CXTypeKind k)
{
    return k == CXType_Char_S || k == CXType_SChar || k == CXType_Short || k == CXType_Int ||
           k == CXType_Long || k == CXType_LongLong;
}

static bool is_unsigned_kind(enum CXTypeKind k)
{
    return k == CXType_Char_U || k == CXType_UChar || k == CXType_UShort || k == CXType_UInt ||
           k == CXType_ULong || k == CXType_ULongLong;
}

static void add_const(rc_cimp_ctx *c, const char *name, int64_t v, int enum_id, int import, rc_cloc at)
{
    rc_cimport *o = c->out;
    RC_GROW(c->a, o->consts, o->nconsts, &c->cap_consts);
    rc_cconst *k = &o->consts[o->nconsts++];
    k->name = name;
    k->value = v;
    k->enum_id = enum_id;
    k->import = import;
    k->at = at;
}

/* Anonymous tags spell as "" or "(unnamed ...)" / "(anonymous ...)" depending on the clang version. */
static bool anonymous(const char *s) { return !*s || strchr(s, ' ') || strchr(s, '('); }

typedef struct item_acc { rc_cimp_ctx *c; rc_cenum *e; bool sgn; size_t cap; } item_acc;

static enum CXChildVisitResult enum_item(CXCursor cur, CXCursor parent, CXClientData data)
{
    (void)parent;
    item_acc *ia = data;
    if (clang_getCursorKind(cur) != CXCursor_EnumConstantDecl) return CXChildVisit_Continue;
    rc_cenum *e = ia->e;
    size_t cap_values = ia->cap, cap_locs = ia->cap;     /* three arrays, one capacity */
    RC_GROW(ia->c->a, e->items, e->nitems, &ia->cap);
    RC_GROW(ia->c->a, e->values, e->nitems, &cap_values);
    RC_GROW(ia->c->a, e->locs, e->nitems, &cap_locs);
    e->locs[e->nitems] = rc_cimp_loc(ia->c, cur);
    e->items[e->nitems] = rc_cimp_string(ia->c, clang_getCursorSpelling(cur));
    e->values[e->nitems] = ia->sgn ? (int64_t)clang_getEnumConstantDeclValue(cur)
                                   : (int64_t)clang_getEnumConstantDeclUnsignedValue(cur);
    e->nitems++;
    return CXChildVisit_Continue;
}

int rc_cimp_enum(rc_cimp_ctx *c, CXCursor decl)
{
    rc_cimport *o = c->out;
    CXCursor def = clang_getCursorDefinition(decl);
    if (!clang_Cursor_isNull(def)) decl = def;
    const char *usr = rc_cimp_string(c, clang_getCursorUSR(decl));
    for (int i = 0; i < o->nenums; i++)
        if (strcmp(o->enums[i].usr, usr) == 0) return i;
    RC_GROW(c->a, o->enums, o->nenums, &c->cap_enums);
    int id = o->nenums++;
    rc_cenum *e = &o->enums[id];
    memset(e, 0, sizeof *e);
    e->usr = usr;
    const char *tag = rc_cimp_string(c, clang_getCursorSpelling(decl));
    e->name = anonymous(tag) ? NULL : rc_arena_printf(c->a, "enum %s", tag);
    item_acc ia = { c, e, is_signed_kind(clang_getCanonicalType(clang_getEnumDeclIntegerType(decl)).kind), 0 };
    clang_visitChildren(decl, enum_item, &ia);
    return id;
}

/* Top-level declarations and macro definitions of translation unit 1. */
static enum CXChildVisitResult top(CXCursor cur, CXCursor parent, CXClientData data)
{
    (void)parent;
    rc_cimp_ctx *c = data;
    enum CXCursorKind k = clang_getCursorKind(cur);
    if (k == CXCursor_MacroDefinition) {
        if (in_system(cur) || clang_Cursor_isMacroFunctionLike(cur) || clang_Cursor_isMacroBuiltin(cur))
            return CXChildVisit_Continue;
        CXSourceLocation at = clang_getCursorLocation(cur);
        CXFile f;
        unsigned line = 0, col = 0;
        clang_getSpellingLocation(at, &f, &line, &col, NULL);
        if (!f || clang_Location_isFromMainFile(at)) return CXChildVisit_Continue;
        CXToken *toks = NULL;
        unsigned nt = 0;
        clang_tokenize(c->tu, clang_getCursorExtent(cur), &toks, &nt);
        if (toks) clang_disposeTokens(c->tu, toks, nt);
        if (nt < 2) return CXChildVisit_Continue;     /* empty: include guards, flags */
        const char *name = rc_cimp_string(c, clang_getCursorSpelling(cur));
        if (strncmp(name, "__", 2) == 0) return CXChildVisit_Continue;
        RC_GROW(c->a, c->macros, c->nmacros, &c->cap_macros);
        c->macros[c->nmacros].name = name;
        c->macros[c->nmacros].import = rc_cimp_file_import(c, f);
        c->macros[c->nmacros].path = rc_cimp_string(c, clang_getFileName(f));
        c->macros[c->nmacros].line = line;
        c->macros[c->nmacros].col = col;
        c->macros[c->nmacros].at = rc_cimp_loc(c, cur);
        c->nmacros++;
        return CXChildVisit_Continue;
    }
    if (k == CXCursor_EnumDecl && clang_isCursorDefinition(cur) && !in_system(cur)) {
        int id = rc_cimp_enum(c, cur);
        CXFile f;
        clang_getSpellingLocation(clang_getCursorLocation(cur), &f, NULL, NULL, NULL);
        int imp = rc_cimp_file_import(c, f);
        const rc_cenum *e = &c->out->enums[id];
        for (int i = 0; i < e->nitems; i++) {
            bool seen = false;
            for (int j = 0; j < c->out->nconsts && !seen; j++) seen = strcmp(c->out->consts[j].name, e->items[i]) == 0;
            if (!seen) add_const(c, e->items[i], e->values[i], id, imp, e->locs[i]);
        }
        return CXChildVisit_Continue;
    }
    if (k == CXCursor_TypedefDecl) {
        CXType u = clang_getCanonicalType(clang_getTypedefDeclUnderlyingType(cur));
        const char *name = NULL;
        if (u.kind == CXType_Enum && !in_system(cur)) {
            int id = rc_cimp_enum(c, clang_getTypeDeclaration(u));
            if (!c->out->enums[id].name)
                c->out->enums[id].name = rc_cimp_string(c, clang_getCursorSpelling(cur));
        }
        if (u.kind == CXType_Record && c->struct_name && !c->have_record) {
            name = rc_cimp_string(c, clang_getCursorSpelling(cur));
            CXCursor rec = clang_getCursorDefinition(clang_getTypeDeclaration(u));
            if (strcmp(name, c->struct_name) == 0 && !clang_Cursor_isNull(rec) &&
                clang_getCursorKind(rec) == CXCursor_StructDecl) {
                c->record = rec;
                c->have_record = true;
            }
        }
        return CXChildVisit_Continue;
    }
    if (k == CXCursor_StructDecl && c->struct_name && !c->have_record && clang_isCursorDefinition(cur)) {
        const char *name = rc_cimp_string(c, clang_getCursorSpelling(cur));
        if (strcmp(name, c->struct_name) == 0) {
            c->record = cur;
            c->have_record = true;
        }
    }
    return CXChildVisit_Continue;
}

void rc_cimp_walk(rc_cimp_ctx *c)
{
    clang_visitChildren(clang_getTranslationUnitCursor(c->tu), top, c);
    for (int i = 0; i < c->out->nenums; i++)
        if (!c->out->enums[i].name) c->out->enums[i].name = "anonymous enum";
}

/* ---- macros (translation unit 2) -------------------------------------------- */

typedef struct eval_acc { rc_cimp_ctx *c; const char **why; bool sgn; } eval_acc;

static enum CXChildVisitResult eval_item(CXCursor cur, CXCursor parent, CXClientData data)
{
    (void)parent;
    eval_acc *ea = data;
    rc_cimp_ctx *c = ea->c;
    if (clang_getCursorKind(cur) != CXCursor_EnumConstantDecl || clang_isInvalidDeclaration(cur))
        return CXChildVisit_Continue;
    CXString s = clang_getCursorSpelling(cur);
    const char *name = clang_getCString(s);
    size_t pl = strlen(RC_CIMP_MPFX);
    if (name && strncmp(name, RC_CIMP_MPFX, pl) == 0) {
        int i = atoi(name + pl);
        if (i >= 0 && i < c->nmacros && !ea->why[i]) {
            bool seen = false;
            for (int j = 0; j < c->out->nconsts && !seen; j++)
                seen = strcmp(c->out->consts[j].name, c->macros[i].name) == 0;
            unsigned long long u = clang_getEnumConstantDeclUnsignedValue(cur);
            int64_t v = ea->sgn ? (int64_t)clang_getEnumConstantDeclValue(cur) : (int64_t)u;
            if (!ea->sgn && u > (unsigned long long)INT64_MAX)
                ea->why[i] = rc_arena_printf(c->a, "its value %llu does not fit in 64 signed bits", u);
            else if (!seen)
                add_const(c, c->macros[i].name, v, -1, c->macros[i].import, c->macros[i].at);
        }
    }
    clang_disposeString(s);
    return CXChildVisit_Continue;
}

static enum CXChildVisitResult eval_top(CXCursor cur, CXCursor parent, CXClientData data)
{
    (void)parent;
    eval_acc *ea = data;
    if (clang_getCursorKind(cur) != CXCursor_EnumDecl || !clang_Location_isFromMainFile(clang_getCursorLocation(cur)))
        return CXChildVisit_Continue;
    ea->sgn = is_signed_kind(clang_getCanonicalType(clang_getEnumDeclIntegerType(cur)).kind);
    clang_visitChildren(cur, eval_item, ea);
    return CXChildVisit_Continue;
}

void rc_cimp_eval(rc_cimp_ctx *c, CXTranslationUnit tu, const char **why)
{
    eval_acc ea = { c, why, true };
    clang_visitChildren(clang_getTranslationUnitCursor(tu), eval_top, &ea);
    rc_cimport *o = c->out;
    int n = 0;
    for (int i = 0; i < c->nmacros; i++) n += why[i] != NULL;
    o->bad_macros = RC_NEW_ARRAY(c->a, rc_cbadmacro, n + 1);
    for (int i = 0; i < c->nmacros; i++) {
        if (!why[i]) continue;
        rc_cbadmacro *b = &o->bad_macros[o->nbad_macros++];
        b->name = c->macros[i].name;
        b->real = c->macros[i].path;
        b->path = rc_cimp_display(c, c->macros[i].path);
        b->line = c->macros[i].line;
        b->col = c->macros[i].col;
        b->reason = why[i];
    }
}

/* ---- the fault struct --------------------------------------------------------- */

typedef struct field_acc { rc_cimp_ctx *c; bool ok; size_t cap; } field_acc;

static const char *map_type(CXType t, rc_type *out, uint32_t *cap)
{
    CXType ct = clang_getCanonicalType(t);
    *cap = 0;
    if (ct.kind == CXType_Bool) { *out = RC_TY_BOOL; return NULL; }
    if (ct.kind == CXType_Enum) ct = clang_getCanonicalType(clang_getEnumDeclIntegerType(clang_getTypeDeclaration(ct)));
    bool s = is_signed_kind(ct.kind), u = is_unsigned_kind(ct.kind);
    if (s || u) {
        long long size = clang_Type_getSizeOf(ct);
        if (size == 1) *out = s ? RC_TY_I8 : RC_TY_U8;
        else if (size == 2) *out = s ? RC_TY_I16 : RC_TY_U16;
        else if (size == 4) *out = s ? RC_TY_I32 : RC_TY_U32;
        else return "a 64-bit integer (recov conditions compare 8, 16 and 32-bit integers)";
        return NULL;
    }
    if (ct.kind == CXType_Pointer) {
        CXType p = clang_getCanonicalType(clang_getPointeeType(ct));
        if ((p.kind == CXType_Char_S || p.kind == CXType_Char_U) && clang_isVolatileQualifiedType(p))
            return "a pointer to volatile char (the generated scanner reads text as ordinary memory; copy it "
                   "into a `const char *` buffer first)";
        if (p.kind == CXType_Char_S || p.kind == CXType_Char_U) { *out = RC_TY_TEXT; return NULL; }
        return "a pointer (only `const char *` text is supported)";
    }
    if (ct.kind == CXType_ConstantArray) {
        CXType el = clang_getCanonicalType(clang_getArrayElementType(ct));
        long long n = clang_getArraySize(ct);
        if ((el.kind == CXType_Char_S || el.kind == CXType_Char_U) &&
            (clang_isVolatileQualifiedType(el) || clang_isVolatileQualifiedType(ct) ||
             clang_isVolatileQualifiedType(clang_getArrayElementType(t))))
            return "an array of volatile char (the generated scanner reads text as ordinary memory)";
        if ((el.kind == CXType_Char_S || el.kind == CXType_Char_U) && n > 0 && n <= 0x7fffffff) {
            *out = RC_TY_TEXT;
            *cap = (uint32_t)n;
            return NULL;
        }
        return "an array (only `char[N]` text is supported)";
    }
    if (ct.kind == CXType_Record) {
        CXString sp = clang_getTypeSpelling(ct);
        const char *sps = clang_getCString(sp);
        bool un = sps && strncmp(sps, "union", 5) == 0;
        clang_disposeString(sp);
        return un ? "a union" : "a nested struct";
    }
    if (ct.kind == CXType_Float || ct.kind == CXType_Double || ct.kind == CXType_LongDouble)
        return "a floating-point value";
    return "of a type recov does not support";
}

static enum CXVisitorResult field(CXCursor cur, CXClientData data)
{
    field_acc *fa = data;
    rc_cimp_ctx *c = fa->c;
    rc_cimport *o = c->out;
    const char *name = rc_cimp_string(c, clang_getCursorSpelling(cur));
    char where[512];
    rc_cimp_where(c, cur, where, sizeof where);
    const char *why = NULL;
    rc_type ty = RC_TY_U32;
    uint32_t cap = 0;
    CXType t = clang_getCursorType(cur);
    if (!*name) why = "an anonymous struct or union member";
    else if (clang_Cursor_isBitField(cur)) why = "a bitfield";
    else why = map_type(t, &ty, &cap);
    if (why) {
        if (strncmp(why, "of ", 3) == 0)
            rc_diag_error(c->d, o->fault_decl->name.loc, "member '%s' of struct %s (%s) is %s", *name ? name : "?",
                          c->struct_name, where, why);
        else
            rc_diag_error(c->d, o->fault_decl->name.loc, "member '%s' of struct %s (%s) is %s, which a fault "
                          "cannot hold", *name ? name : "(anonymous)", c->struct_name, where, why);
        fa->ok = false;
        return CXVisit_Continue;
    }
    RC_GROW(c->a, o->fields, o->nfields, &fa->cap);
    rc_cfield *f = &o->fields[o->nfields++];
    f->name = name;
    f->type = ty;
    f->text_cap = cap;
    CXType ct = clang_getCanonicalType(t);
    f->enum_id = ct.kind == CXType_Enum ? rc_cimp_enum(c, clang_getTypeDeclaration(ct)) : -1;
    return CXVisit_Continue;
}

bool rc_cimp_fields(rc_cimp_ctx *c)
{
    field_acc fa = { c, true, 0 };
    clang_Type_visitFields(clang_getCursorType(c->record), field, &fa);
    if (fa.ok && c->out->nfields == 0) {
        rc_diag_error(c->d, c->out->fault_decl->name.loc, "struct %s has no members", c->struct_name);
        return false;
    }
    return fa.ok;
}
