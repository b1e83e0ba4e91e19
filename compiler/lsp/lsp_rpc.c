/* lsp_rpc.c - JSON-RPC messages out (replies, errors, notifications) and
 * the JSON field readers every request handler uses; see lsp_int.h. */
#include <stdlib.h>
#include <string.h>

#include "lsp_int.h"

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
