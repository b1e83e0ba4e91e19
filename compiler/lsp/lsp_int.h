/* lsp_int.h - the language server's state and helpers, shared by its files. */
#ifndef RC_LSP_INT_H
#define RC_LSP_INT_H

#include <stdbool.h>
#include <stddef.h>

#include <cJSON.h>

#include "diag.h"
#include "driver.h"
#include "lsp.h"
#include "lsp_names.h"

/* JSON-RPC and LSP error codes */
enum {
    RC_LSP_PARSE_ERROR = -32700,
    RC_LSP_INVALID_REQUEST = -32600,
    RC_LSP_METHOD_NOT_FOUND = -32601,
    RC_LSP_INVALID_PARAMS = -32602,
    RC_LSP_INTERNAL = -32603,
    RC_LSP_NOT_INITIALIZED = -32002,
    RC_LSP_REQUEST_FAILED = -32803,
};

/* One open document and its last analysis. */
typedef struct rc_lsp_doc {
    char *uri;
    char *path;                 /* the file the URI names (imports resolve from it) */
    char *text;
    size_t len;
    long long version;
    bool has_version;
    rc_unit unit;               /* ast: always after analysis; ir: when it checked clean */
    bool analysed;
    rc_lsp_names names;         /* of unit.ast */
    bool dirty;                 /* changed since the last analysis */
    rc_diag_records recs;       /* the last analysis' diagnostics (diag.h) */
    char **published;           /* other URIs given diagnostics (imported headers) */
    int npublished;
} rc_lsp_doc;

struct rc_lsp {
    int state;                  /* 0 before initialize, 1 running, 2 after shutdown */
    bool utf8;                  /* positions count UTF-8 bytes (else UTF-16 units) */
    rc_unit_opts base;
    rc_lsp_doc **docs;
    int ndocs, capdocs;
    rc_lsp_writer write;
    void *wctx;
    int exit_code;
    FILE *null_out;             /* the text diagnostics, discarded */
    bool more_input;            /* set by the reader: more messages are already waiting */
};

/* ---- messages (lsp_server.c) ---- */
void rc_lsp_send(rc_lsp *s, cJSON *msg);        /* prints and deletes msg */
void rc_lsp_reply(rc_lsp *s, const cJSON *id, cJSON *result);
void rc_lsp_error(rc_lsp *s, const cJSON *id, int code, const char *message);
void rc_lsp_notify(rc_lsp *s, const char *method, cJSON *params);

/* Analyse the documents changed since their last analysis. */
void rc_lsp_flush(rc_lsp *s);

/* ---- documents (lsp_doc.c) ---- */
rc_lsp_doc *rc_lsp_doc_find(rc_lsp *s, const char *uri);
rc_lsp_doc *rc_lsp_doc_open(rc_lsp *s, const char *uri, const char *text, size_t len);
void rc_lsp_doc_close(rc_lsp *s, rc_lsp_doc *d);
void rc_lsp_doc_set_text(rc_lsp_doc *d, const char *text, size_t len);
/* Parse, check and analyse the document; publish its diagnostics. */
void rc_lsp_doc_analyse(rc_lsp *s, rc_lsp_doc *d);
void rc_lsp_doc_free(rc_lsp_doc *d);
/* file:// URI <-> path (malloc'd) */
char *rc_lsp_uri_to_path(const char *uri);
char *rc_lsp_path_to_uri(const char *path);

/* ---- diagnostics (lsp_diag.c) ---- */
/* A record as an LSP Diagnostic (notes and fix notes as related information). */
cJSON *rc_lsp_diag_json(const rc_lsp *s, const rc_lsp_doc *d, const rc_diag_rec *m);
/* Publish d's records: the document's, then each other file's (imported
 * headers); headers published before and clean now get an empty list. */
void rc_lsp_diag_publish(rc_lsp *s, rc_lsp_doc *d);
/* Empty lists for the document and its headers (the document closes). */
void rc_lsp_diag_clear(rc_lsp *s, rc_lsp_doc *d);

/* ---- positions (lsp_pos.c) ---- */
/* Byte offset in text of an LSP position (clamped to the text). */
size_t rc_lsp_offset(const rc_lsp *s, const char *text, size_t len, long long line, long long ch);
/* 1-based line and byte column of a byte offset. */
void rc_lsp_line_col(const char *text, size_t len, size_t off, int *line, int *col);
/* Offset of a 1-based line and byte column. */
size_t rc_lsp_loc_offset(const char *text, size_t len, int line, int col);
/* {"line","character"} of a 1-based line and byte column (text may be NULL:
 * columns are taken as characters). */
cJSON *rc_lsp_pos_json(const rc_lsp *s, const char *text, size_t len, int line, int col);
/* The range of a location: end_* inclusive, or one character. */
cJSON *rc_lsp_range_json(const rc_lsp *s, const char *text, size_t len, rc_loc loc);
/* Read the position params of a textDocument request: its document and the
 * byte offset; false (and an error reply) when they are missing. */
bool rc_lsp_doc_pos(rc_lsp *s, const cJSON *id, const cJSON *params, rc_lsp_doc **doc, size_t *off);

/* A Location ({uri, range}) of loc in document d. */
cJSON *rc_lsp_location(const rc_lsp *s, const rc_lsp_doc *d, rc_loc loc);
/* The document of a request's params.textDocument.uri; false (and an error
 * reply) when it is missing or not open. */
bool rc_lsp_doc_of(rc_lsp *s, const cJSON *id, const cJSON *params, rc_lsp_doc **doc);

/* ---- JSON helpers ---- */
const char *rc_lsp_str(const cJSON *o, const char *key);
bool rc_lsp_num(const cJSON *o, const char *key, long long *v);

#endif
