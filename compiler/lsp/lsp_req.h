/* lsp_req.h - the requests beyond the lifecycle (lsp_req.c's table). */
#ifndef RC_LSP_REQ_H
#define RC_LSP_REQ_H

#include <stdbool.h>

#include <cJSON.h>

#include "lsp_int.h"

/* Add the providers of the requests below to the server's capabilities. */
void rc_lsp_capabilities(cJSON *caps);
/* Answer request `method`; false when there is no such method. */
bool rc_lsp_request(rc_lsp *s, const char *method, const cJSON *id, const cJSON *params);

/* the handlers (lsp_nav.c, lsp_hover.c...) */
void rc_lsp_definition(rc_lsp *s, const cJSON *id, const cJSON *params);
void rc_lsp_references(rc_lsp *s, const cJSON *id, const cJSON *params);
void rc_lsp_document_symbol(rc_lsp *s, const cJSON *id, const cJSON *params);
void rc_lsp_hover(rc_lsp *s, const cJSON *id, const cJSON *params);
void rc_lsp_completion(rc_lsp *s, const cJSON *id, const cJSON *params);
void rc_lsp_formatting(rc_lsp *s, const cJSON *id, const cJSON *params);
void rc_lsp_classify(rc_lsp *s, const cJSON *id, const cJSON *params);
void rc_lsp_code_action(rc_lsp *s, const cJSON *id, const cJSON *params);

#endif
