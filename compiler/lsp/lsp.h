/* lsp.h - `recovc lsp`: a Language Server Protocol server over stdio.
 *
 * The server reads JSON-RPC messages framed by `Content-Length` headers,
 * keeps the open documents, and answers from the front end and the analyses
 * (diagnostics as the compiler's records, never re-read text);
 * docs/lsp.md says what it offers.  Every input ends in a response or a
 * JSON-RPC error: malformed JSON, wrong or huge lengths, unknown methods and
 * requests before `initialize` never stop it.
 *
 * rc_lsp_handle is the whole message handler (one body in, responses out
 * through the writer), so tests and the fuzz harness drive it without
 * framing; rc_lsp_serve adds the framing over two streams.
 */
#ifndef RC_LSP_H
#define RC_LSP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "driver.h"

/* Receives one outgoing message (a JSON text, not framed). */
typedef void (*rc_lsp_writer)(void *ctx, const char *json, size_t len);

typedef struct rc_lsp rc_lsp;

/* base: the front end's options for every document (-W, -I, -D...; NULL:
 * the defaults); its arrays must outlive the server. */
rc_lsp *rc_lsp_new(const rc_unit_opts *base, rc_lsp_writer w, void *ctx);
/* One message body (any bytes).  Returns true when the client sent `exit`;
 * rc_lsp_exit_code then gives the process's exit status (0 after a
 * `shutdown` request, 1 without). */
bool rc_lsp_handle(rc_lsp *s, const char *body, size_t len);
int rc_lsp_exit_code(const rc_lsp *s);
/* Tell the server whether more messages are already waiting: while they
 * are, document changes are not analysed (debouncing); rc_lsp_idle then
 * analyses what is pending.  Without these calls every change is analysed
 * at once. */
void rc_lsp_set_more_input(rc_lsp *s, bool more);
void rc_lsp_idle(rc_lsp *s);
void rc_lsp_free(rc_lsp *s);

/* The largest message body accepted (64 MiB); a larger Content-Length is
 * answered with an error and its bytes skipped. */
#define RC_LSP_MAX_BODY ((unsigned long long)64 << 20)

/* Serve on `in` and `out` until `exit` or the end of the input.  Returns
 * the exit status: rc_lsp_exit_code after `exit`, 1 at the end of input
 * without `exit`. */
int rc_lsp_serve(FILE *in, FILE *out, const rc_unit_opts *base);

#endif
