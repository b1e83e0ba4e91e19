/* lsp_server.c - JSON-RPC dispatch, lifecycle and document sync; see lsp.h. */
#include "lsp.h"

#include <stdlib.h>
#include <string.h>

#include "lsp_int.h"
#include "lsp_req.h"
#include "recov/recov.h"

/* ---- sending ---- */

void rc_lsp_send(rc_lsp *s, cJSON *msg)
{
    char *text = cJSON_PrintUnformatted(msg);
    cJSON_Delete(msg);
    if (!text) return;
    s->write(s->wctx, text, strlen(text));
    cJSON_free(text);
}

static cJSON *envelope(const cJSON *id)
{
    cJSON *m = cJSON_CreateObject();
    cJSON_AddStringToObject(m, "jsonrpc", "2.0");
    cJSON_AddItemToObject(m, "id", id ? cJSON_Duplicate(id, 1) : cJSON_CreateNull());
    return m;
}

void rc_lsp_reply(rc_lsp *s, const cJSON *id, cJSON *result)
{
    cJSON *m = envelope(id);
    cJSON_AddItemToObject(m, "result", result ? result : cJSON_CreateNull());
    rc_lsp_send(s, m);
}

void rc_lsp_error(rc_lsp *s, const cJSON *id, int code, const char *message)
{
    cJSON *m = envelope(id);
    cJSON *e = cJSON_AddObjectToObject(m, "error");
    cJSON_AddNumberToObject(e, "code", code);
    cJSON_AddStringToObject(e, "message", message);
    rc_lsp_send(s, m);
}

void rc_lsp_notify(rc_lsp *s, const char *method, cJSON *params)
{
    cJSON *m = cJSON_CreateObject();
    cJSON_AddStringToObject(m, "jsonrpc", "2.0");
    cJSON_AddStringToObject(m, "method", method);
    cJSON_AddItemToObject(m, "params", params);
    rc_lsp_send(s, m);
}

/* ---- JSON helpers ---- */

const char *rc_lsp_str(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

bool rc_lsp_num(const cJSON *o, const char *key, long long *v)
{
    const cJSON *n = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!cJSON_IsNumber(n)) return false;
    double d = n->valuedouble;
    if (!(d >= -9.0e15 && d <= 9.0e15) || d != (double)(long long)d) return false;
    *v = (long long)d;
    return true;
}

/* ---- lifecycle ---- */

static void on_initialize(rc_lsp *s, const cJSON *id, const cJSON *params)
{
    if (s->state != 0) { rc_lsp_error(s, id, RC_LSP_INVALID_REQUEST, "already initialized"); return; }
    s->state = 1;
    /* UTF-8 positions when the client offers them (LSP 3.17), else UTF-16 */
    const cJSON *gen = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(params, "capabilities"), "general");
    const cJSON *encs = cJSON_GetObjectItemCaseSensitive(gen, "positionEncodings");
    const cJSON *e;
    cJSON_ArrayForEach(e, encs)
        if (cJSON_IsString(e) && strcmp(e->valuestring, "utf-8") == 0) s->utf8 = true;
    cJSON *r = cJSON_CreateObject();
    cJSON *caps = cJSON_AddObjectToObject(r, "capabilities");
    if (s->utf8) cJSON_AddStringToObject(caps, "positionEncoding", "utf-8");
    cJSON *sync = cJSON_AddObjectToObject(caps, "textDocumentSync");
    cJSON_AddBoolToObject(sync, "openClose", 1);
    cJSON_AddNumberToObject(sync, "change", 1);    /* whole documents */
    rc_lsp_capabilities(caps);
    cJSON *info = cJSON_AddObjectToObject(r, "serverInfo");
    cJSON_AddStringToObject(info, "name", "recovc");
    cJSON_AddStringToObject(info, "version", RECOV_VERSION_STRING);
    rc_lsp_reply(s, id, r);
}

/* ---- document sync ---- */

static const cJSON *text_document(const cJSON *params, const char **uri)
{
    const cJSON *td = cJSON_GetObjectItemCaseSensitive(params, "textDocument");
    *uri = rc_lsp_str(td, "uri");
    return td;
}

static void set_version(rc_lsp_doc *d, const cJSON *td)
{
    long long v;
    d->has_version = rc_lsp_num(td, "version", &v);
    d->version = d->has_version ? v : 0;
}

static void on_did_open(rc_lsp *s, const cJSON *params)
{
    const char *uri;
    const cJSON *td = text_document(params, &uri);
    const cJSON *text = cJSON_GetObjectItemCaseSensitive(td, "text");
    if (!uri || !cJSON_IsString(text)) return;
    rc_lsp_doc *d = rc_lsp_doc_find(s, uri);
    if (d) rc_lsp_doc_set_text(d, text->valuestring, strlen(text->valuestring));
    else d = rc_lsp_doc_open(s, uri, text->valuestring, strlen(text->valuestring));
    set_version(d, td);
    rc_lsp_doc_analyse(s, d);
}

/* Whole-document changes replace the text; a change with a range (sent by
 * clients that ignore the sync kind) edits it. */
static void on_did_change(rc_lsp *s, const cJSON *params)
{
    const char *uri;
    const cJSON *td = text_document(params, &uri);
    rc_lsp_doc *d = uri ? rc_lsp_doc_find(s, uri) : NULL;
    const cJSON *changes = cJSON_GetObjectItemCaseSensitive(params, "contentChanges");
    if (!d || !cJSON_IsArray(changes)) return;
    const cJSON *c;
    bool changed = false;
    cJSON_ArrayForEach(c, changes) {
        const char *t = rc_lsp_str(c, "text");
        if (!t) continue;
        const cJSON *range = cJSON_GetObjectItemCaseSensitive(c, "range");
        if (!range) {
            rc_lsp_doc_set_text(d, t, strlen(t));
            changed = true;
            continue;
        }
        const cJSON *st = cJSON_GetObjectItemCaseSensitive(range, "start");
        const cJSON *en = cJSON_GetObjectItemCaseSensitive(range, "end");
        long long sl, sc, el, ec;
        if (!rc_lsp_num(st, "line", &sl) || !rc_lsp_num(st, "character", &sc) || !rc_lsp_num(en, "line", &el)
            || !rc_lsp_num(en, "character", &ec))
            continue;
        size_t a = rc_lsp_offset(s, d->text, d->len, sl, sc), b = rc_lsp_offset(s, d->text, d->len, el, ec);
        if (b < a) { size_t x = a; a = b; b = x; }
        size_t tl = strlen(t), nl = d->len - (b - a) + tl;
        char *n = malloc(nl + 1);
        if (!n) continue;
        memcpy(n, d->text, a);
        memcpy(n + a, t, tl);
        memcpy(n + a + tl, d->text + b, d->len - b);
        n[nl] = '\0';
        rc_lsp_doc_set_text(d, n, nl);
        free(n);
        changed = true;
    }
    set_version(d, td);
    /* debounced: while more input is waiting (an editor sending keystrokes
     * faster than the analysis), the analysis waits for the last change */
    if (changed) d->dirty = true;
    if (changed && !s->more_input) rc_lsp_flush(s);
}

static void on_did_close(rc_lsp *s, const cJSON *params)
{
    const char *uri;
    text_document(params, &uri);
    rc_lsp_doc *d = uri ? rc_lsp_doc_find(s, uri) : NULL;
    if (d) rc_lsp_doc_close(s, d);
}

void rc_lsp_flush(rc_lsp *s)
{
    for (int i = 0; i < s->ndocs; i++)
        if (s->docs[i]->dirty) {
            s->docs[i]->dirty = false;
            rc_lsp_doc_analyse(s, s->docs[i]);
        }
}

/* ---- dispatch ---- */

rc_lsp *rc_lsp_new(const rc_unit_opts *base, rc_lsp_writer w, void *ctx)
{
    rc_lsp *s = calloc(1, sizeof *s);
    if (!s) { fputs("recovc: internal error: out of memory\n", stderr); exit(3); }
    if (base) s->base = *base;
    s->write = w;
    s->wctx = ctx;
    s->exit_code = 1;
    s->null_out = fopen("/dev/null", "w");
    if (!s->null_out) { fputs("recovc: internal error: cannot open /dev/null\n", stderr); exit(3); }
    return s;
}

void rc_lsp_free(rc_lsp *s)
{
    if (!s) return;
    for (int i = 0; i < s->ndocs; i++) rc_lsp_doc_free(s->docs[i]);
    free(s->docs);
    fclose(s->null_out);
    free(s);
}

int rc_lsp_exit_code(const rc_lsp *s) { return s->exit_code; }

void rc_lsp_set_more_input(rc_lsp *s, bool more) { s->more_input = more; }

void rc_lsp_idle(rc_lsp *s) { rc_lsp_flush(s); }

static bool valid_id(const cJSON *id)
{
    return cJSON_IsNumber(id) || cJSON_IsString(id) || cJSON_IsNull(id);
}

bool rc_lsp_handle(rc_lsp *s, const char *body, size_t len)
{
    cJSON *msg = cJSON_ParseWithLength(body, len);
    if (!msg) { rc_lsp_error(s, NULL, RC_LSP_PARSE_ERROR, "parse error: the message is not JSON"); return false; }
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(msg, "id");
    const cJSON *method = cJSON_GetObjectItemCaseSensitive(msg, "method");
    const cJSON *params = cJSON_GetObjectItemCaseSensitive(msg, "params");
    const char *jv = rc_lsp_str(msg, "jsonrpc");
    if (!cJSON_IsObject(msg) || (id && !valid_id(id)) || !jv || strcmp(jv, "2.0") != 0) {
        rc_lsp_error(s, id && valid_id(id) ? id : NULL, RC_LSP_INVALID_REQUEST,
                     "invalid request: expected a JSON-RPC 2.0 object");
        cJSON_Delete(msg);
        return false;
    }
    if (!cJSON_IsString(method)) {
        /* a response to a request of ours (we send none), or nonsense */
        if (!id || (!cJSON_GetObjectItemCaseSensitive(msg, "result") && !cJSON_GetObjectItemCaseSensitive(msg, "error")))
            rc_lsp_error(s, id, RC_LSP_INVALID_REQUEST, "invalid request: no method");
        cJSON_Delete(msg);
        return false;
    }
    if (params && !cJSON_IsObject(params) && !cJSON_IsArray(params)) {
        if (id) rc_lsp_error(s, id, RC_LSP_INVALID_PARAMS, "invalid params: must be an object or an array");
        cJSON_Delete(msg);
        return false;
    }
    const char *m = method->valuestring;
    bool done = false;
    /* a change waiting for analysis is analysed before anything else reads
     * the document (or its diagnostics' order would depend on timing) */
    if (strcmp(m, "textDocument/didChange") != 0) rc_lsp_flush(s);
    if (strcmp(m, "exit") == 0) {
        s->exit_code = s->state == 2 ? 0 : 1;
        done = true;
    } else if (strcmp(m, "initialize") == 0 && id) {
        on_initialize(s, id, params);
    } else if (s->state == 0) {
        if (id) rc_lsp_error(s, id, RC_LSP_NOT_INITIALIZED, "the server is not initialized");
    } else if (s->state == 2) {
        if (id) rc_lsp_error(s, id, RC_LSP_INVALID_REQUEST, "the server is shut down");
    } else if (strcmp(m, "shutdown") == 0 && id) {
        s->state = 2;
        rc_lsp_reply(s, id, NULL);
    } else if (!id) {
        if (strcmp(m, "textDocument/didOpen") == 0) on_did_open(s, params);
        else if (strcmp(m, "textDocument/didChange") == 0) on_did_change(s, params);
        else if (strcmp(m, "textDocument/didClose") == 0) on_did_close(s, params);
        /* initialized, didSave, $/... and unknown notifications: nothing to do */
    } else if (!rc_lsp_request(s, m, id, params)) {
        char buf[160];
        snprintf(buf, sizeof buf, "method not found: %.100s", m);
        rc_lsp_error(s, id, RC_LSP_METHOD_NOT_FOUND, buf);
    }
    cJSON_Delete(msg);
    return done;
}
