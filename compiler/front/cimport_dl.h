/* cimport_dl.h - libclang, loaded when a policy first imports a header.
 *
 * recovc does not link libclang: loading it (and libLLVM) costs about 80 ms
 * per process, paid by every `recovc check` although most policies import
 * nothing.  rc_cimp_dl_load() opens it with dlopen() the first time an
 * import is read; the calls of cimport*.c go through the function table
 * below, which this header substitutes for the clang_* names after
 * <clang-c/Index.h> has declared their types.
 *
 * Where libclang is looked for, in order (spec/headers.md, "libclang"):
 *   1. $RECOV_LIBCLANG, when set and not empty (a path or a file name);
 *   2. RECOV_LIBCLANG_SONAME, the soname of the libclang recovc was built
 *      against (found through the dynamic linker's search path);
 *   3. RECOV_LIBCLANG_PATH, its real path on the build machine.
 */
#ifndef RC_CIMPORT_DL_H
#define RC_CIMPORT_DL_H

#include <stdbool.h>

#include <clang-c/Index.h>

/* The libclang functions recovc calls: one X(name) per function. */
#define RC_CLANG_FUNCTIONS(X) \
    X(clang_Cursor_isBitField) X(clang_Cursor_isMacroBuiltin) X(clang_Cursor_isMacroFunctionLike) \
    X(clang_Cursor_isNull) X(clang_Location_isFromMainFile) X(clang_Location_isInSystemHeader) \
    X(clang_Type_getSizeOf) X(clang_Type_visitFields) X(clang_createIndex) X(clang_disposeDiagnostic) \
    X(clang_disposeIndex) X(clang_disposeString) X(clang_disposeTokens) X(clang_disposeTranslationUnit) \
    X(clang_getArrayElementType) X(clang_getArraySize) X(clang_getCString) X(clang_getCanonicalType) \
    X(clang_getCursorDefinition) X(clang_getCursorExtent) X(clang_getCursorKind) X(clang_getCursorLocation) \
    X(clang_getCursorSpelling) X(clang_getCursorType) X(clang_getCursorUSR) X(clang_getDiagnostic) \
    X(clang_getDiagnosticLocation) X(clang_getDiagnosticSeverity) X(clang_getDiagnosticSpelling) \
    X(clang_getEnumConstantDeclUnsignedValue) X(clang_getEnumConstantDeclValue) \
    X(clang_getEnumDeclIntegerType) X(clang_getExpansionLocation) X(clang_getFileName) \
    X(clang_getInclusions) X(clang_getLocationForOffset) X(clang_getNumDiagnostics) \
    X(clang_getPointeeType) X(clang_getSpellingLocation) X(clang_getTranslationUnitCursor) \
    X(clang_getTypeDeclaration) X(clang_getTypeSpelling) X(clang_getTypedefDeclUnderlyingType) \
    X(clang_isCursorDefinition) X(clang_isInvalidDeclaration) X(clang_isVolatileQualifiedType) \
    X(clang_parseTranslationUnit2) X(clang_tokenize) X(clang_visitChildren)

/* One pointer per function, typed from its declaration in Index.h. */
#define RC_CLANG_MEMBER(name) __typeof__(&name) p_##name;
typedef struct rc_clang_api {
    RC_CLANG_FUNCTIONS(RC_CLANG_MEMBER)
} rc_clang_api;
#undef RC_CLANG_MEMBER

extern rc_clang_api rc_clang;

/* Loads libclang once per process; true when every function was found.
 * On failure, `why` (when not NULL) is set to a message naming what was
 * tried and what the dynamic linker said; it stays valid until the next call. */
bool rc_cimp_dl_load(const char **why);

#ifndef RC_CIMPORT_DL_IMPL
/* From here on, clang_NAME(...) calls go through the table (one #define
 * per X() above; a function missing here fails to link, since recovc does
 * not link libclang). */
#define clang_Cursor_isBitField (rc_clang.p_clang_Cursor_isBitField)
#define clang_Cursor_isMacroBuiltin (rc_clang.p_clang_Cursor_isMacroBuiltin)
#define clang_Cursor_isMacroFunctionLike (rc_clang.p_clang_Cursor_isMacroFunctionLike)
#define clang_Cursor_isNull (rc_clang.p_clang_Cursor_isNull)
#define clang_Location_isFromMainFile (rc_clang.p_clang_Location_isFromMainFile)
#define clang_Location_isInSystemHeader (rc_clang.p_clang_Location_isInSystemHeader)
#define clang_Type_getSizeOf (rc_clang.p_clang_Type_getSizeOf)
#define clang_Type_visitFields (rc_clang.p_clang_Type_visitFields)
#define clang_createIndex (rc_clang.p_clang_createIndex)
#define clang_disposeDiagnostic (rc_clang.p_clang_disposeDiagnostic)
#define clang_disposeIndex (rc_clang.p_clang_disposeIndex)
#define clang_disposeString (rc_clang.p_clang_disposeString)
#define clang_disposeTokens (rc_clang.p_clang_disposeTokens)
#define clang_disposeTranslationUnit (rc_clang.p_clang_disposeTranslationUnit)
#define clang_getArrayElementType (rc_clang.p_clang_getArrayElementType)
#define clang_getArraySize (rc_clang.p_clang_getArraySize)
#define clang_getCString (rc_clang.p_clang_getCString)
#define clang_getCanonicalType (rc_clang.p_clang_getCanonicalType)
#define clang_getCursorDefinition (rc_clang.p_clang_getCursorDefinition)
#define clang_getCursorExtent (rc_clang.p_clang_getCursorExtent)
#define clang_getCursorKind (rc_clang.p_clang_getCursorKind)
#define clang_getCursorLocation (rc_clang.p_clang_getCursorLocation)
#define clang_getCursorSpelling (rc_clang.p_clang_getCursorSpelling)
#define clang_getCursorType (rc_clang.p_clang_getCursorType)
#define clang_getCursorUSR (rc_clang.p_clang_getCursorUSR)
#define clang_getDiagnostic (rc_clang.p_clang_getDiagnostic)
#define clang_getDiagnosticLocation (rc_clang.p_clang_getDiagnosticLocation)
#define clang_getDiagnosticSeverity (rc_clang.p_clang_getDiagnosticSeverity)
#define clang_getDiagnosticSpelling (rc_clang.p_clang_getDiagnosticSpelling)
#define clang_getEnumConstantDeclUnsignedValue (rc_clang.p_clang_getEnumConstantDeclUnsignedValue)
#define clang_getEnumConstantDeclValue (rc_clang.p_clang_getEnumConstantDeclValue)
#define clang_getEnumDeclIntegerType (rc_clang.p_clang_getEnumDeclIntegerType)
#define clang_getExpansionLocation (rc_clang.p_clang_getExpansionLocation)
#define clang_getFileName (rc_clang.p_clang_getFileName)
#define clang_getInclusions (rc_clang.p_clang_getInclusions)
#define clang_getLocationForOffset (rc_clang.p_clang_getLocationForOffset)
#define clang_getNumDiagnostics (rc_clang.p_clang_getNumDiagnostics)
#define clang_getPointeeType (rc_clang.p_clang_getPointeeType)
#define clang_getSpellingLocation (rc_clang.p_clang_getSpellingLocation)
#define clang_getTranslationUnitCursor (rc_clang.p_clang_getTranslationUnitCursor)
#define clang_getTypeDeclaration (rc_clang.p_clang_getTypeDeclaration)
#define clang_getTypeSpelling (rc_clang.p_clang_getTypeSpelling)
#define clang_getTypedefDeclUnderlyingType (rc_clang.p_clang_getTypedefDeclUnderlyingType)
#define clang_isCursorDefinition (rc_clang.p_clang_isCursorDefinition)
#define clang_isInvalidDeclaration (rc_clang.p_clang_isInvalidDeclaration)
#define clang_isVolatileQualifiedType (rc_clang.p_clang_isVolatileQualifiedType)
#define clang_parseTranslationUnit2 (rc_clang.p_clang_parseTranslationUnit2)
#define clang_tokenize (rc_clang.p_clang_tokenize)
#define clang_visitChildren (rc_clang.p_clang_visitChildren)
#endif

#endif
