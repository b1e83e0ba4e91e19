/* fuzz_lsp.c - `recovc lsp` on arbitrary bytes: the framing, the JSON-RPC
 * dispatch and every request, after a fixed prelude (initialize,
 * initialized, didOpen of a small policy at file:///fuzz/doc.recov).
 * Even first byte: the rest is the raw input stream (headers and bodies as
 * the fuzzer writes them).  Odd first byte: the rest is split at newlines
 * and each line framed as one message body, so the fuzzer reaches the
 * handlers without learning the framing.  Any crash, leak, UB or exit() is
 * a finding; the server's output is discarded. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsp.h"

static volatile int inside;

static void on_exit_called(void)
{
    if (!inside) return;
    fprintf(stderr, "fuzz_lsp: exit() called from the server\n");
    abort();
}

static const char *const prelude[] = {
    "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"capabilities\":{}}}",
    "{\"jsonrpc\":\"2.0\",\"method\":\"initialized\",\"params\":{}}",
    "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didOpen\",\"params\":{\"textDocument\":{"
    "\"uri\":\"file:///fuzz/doc.recov\",\"languageId\":\"recov\",\"version\":1,\"text\":"
    "\"policy p version 1;\\nfault { status : u16; }\\nclass t retryable;\\nerror busy : t, low;\\n"
    "classify { status == 503 => busy; _ => busy; }\\nretry r { attempts 3; backoff constant base 1s; }\\n"
    "on busy { deadline 5s; retry r; abort; }\\n\"}}}",
};

typedef struct buf {
    char *p;
    size_t n, cap;
} buf;

static void put(buf *b, const void *data, size_t n)
{
    if (b->n + n > b->cap) {
        b->cap = (b->n + n) * 2 + 64;
        b->p = realloc(b->p, b->cap);
        if (!b->p) abort();
    }
    memcpy(b->p + b->n, data, n);
    b->n += n;
}

static void framed(buf *b, const char *body, size_t n)
{
    char h[64];
    int k = snprintf(h, sizeof h, "Content-Length: %zu\r\n\r\n", n);
    put(b, h, (size_t)k);
    put(b, body, n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int armed;
    if (!armed) { atexit(on_exit_called); armed = 1; }
    if (size == 0) return 0;
    buf b = { NULL, 0, 0 };
    for (size_t i = 0; i < sizeof prelude / sizeof prelude[0]; i++) framed(&b, prelude[i], strlen(prelude[i]));
    const char *rest = (const char *)data + 1;
    size_t n = size - 1;
    if (data[0] % 2 == 0) {
        put(&b, rest, n);
    } else {
        size_t s = 0;
        for (size_t i = 0; i <= n; i++)
            if (i == n || rest[i] == '\n') {
                framed(&b, rest + s, i - s);
                s = i + 1;
            }
    }
    FILE *in = fmemopen(b.p, b.n ? b.n : 1, "rb");
    FILE *out = fopen("/dev/null", "w");
    if (in && out) {
        inside = 1;
        rc_lsp_serve(in, out, NULL);
        inside = 0;
    }
    if (in) fclose(in);
    if (out) fclose(out);
    free(b.p);
    return 0;
}
