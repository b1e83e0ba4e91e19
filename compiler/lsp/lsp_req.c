/* lsp_req.c - the table of requests the server answers; see lsp_req.h. */
#include "lsp_req.h"

#include <string.h>

typedef void (*rc_lsp_handler)(rc_lsp *s, const cJSON *id, const cJSON *params);

typedef struct rc_lsp_method {
    const char *name;
    rc_lsp_handler fn;
} rc_lsp_method;

static const rc_lsp_method methods[] = {
    { "textDocument/definition", rc_lsp_definition },
    { "textDocument/references", rc_lsp_references },
    { "textDocument/documentSymbol", rc_lsp_document_symbol },
    { "textDocument/hover", rc_lsp_hover },
    { "textDocument/completion", rc_lsp_completion },
    { "textDocument/formatting", rc_lsp_formatting },
    { "textDocument/codeAction", rc_lsp_code_action },
    { "recov/classify", rc_lsp_classify },
    { NULL, NULL },
};

void rc_lsp_capabilities(cJSON *caps)
{
    cJSON_AddBoolToObject(caps, "definitionProvider", 1);
    cJSON_AddBoolToObject(caps, "referencesProvider", 1);
    cJSON_AddBoolToObject(caps, "documentSymbolProvider", 1);
    cJSON_AddBoolToObject(caps, "hoverProvider", 1);
    cJSON *cp = cJSON_AddObjectToObject(caps, "completionProvider");
    cJSON *trig = cJSON_AddArrayToObject(cp, "triggerCharacters");
    cJSON_AddItemToArray(trig, cJSON_CreateString(" "));
    cJSON_AddBoolToObject(caps, "documentFormattingProvider", 1);
    cJSON *ca = cJSON_AddObjectToObject(caps, "codeActionProvider");
    cJSON *kinds = cJSON_AddArrayToObject(ca, "codeActionKinds");
    cJSON_AddItemToArray(kinds, cJSON_CreateString("quickfix"));
    cJSON *ex = cJSON_AddObjectToObject(caps, "experimental");
    cJSON_AddBoolToObject(ex, "recovClassifyProvider", 1);
}

bool rc_lsp_request(rc_lsp *s, const char *method, const cJSON *id, const cJSON *params)
{
    for (size_t i = 0; methods[i].name; i++) {
        if (strcmp(methods[i].name, method) == 0) {
            methods[i].fn(s, id, params);
            return true;
        }
    }
    return false;
}
