/* lsp_pos.c - LSP positions (0-based lines, UTF-16 units or UTF-8 bytes)
 * against the compiler's locations (1-based lines and byte columns). */
#include <string.h>

#include "lsp_int.h"

static size_t line_start(const char *text, size_t len, long long line)
{
    size_t p = 0;
    for (long long l = 0; l < line && p < len; p++)
        if (text[p] == '\n') l++;
    return p;
}

size_t rc_lsp_offset(const rc_lsp *s, const char *text, size_t len, long long line, long long ch)
{
    if (line < 0) return 0;
    size_t p = line_start(text, len, line);
    /* a line past the end: the end of the text */
    if (p == len) return len;
    long long units = 0;
    while (p < len && text[p] != '\n' && units < ch) {
        unsigned char b = (unsigned char)text[p];
        size_t n = b < 0x80 ? 1 : b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
        if (s->utf8) { units++; p++; continue; }
        units += n == 4 ? 2 : 1;
        p++;
        while (--n && p < len && ((unsigned char)text[p] & 0xc0) == 0x80) p++;
    }
    return p;
}

void rc_lsp_line_col(const char *text, size_t len, size_t off, int *line, int *col)
{
    int l = 1;
    size_t ls = 0;
    if (off > len) off = len;
    for (size_t p = 0; p < off; p++)
        if (text[p] == '\n') { l++; ls = p + 1; }
    *line = l;
    *col = (int)(off - ls) + 1;
}

size_t rc_lsp_loc_offset(const char *text, size_t len, int line, int col)
{
    size_t p = line_start(text, len, line - 1);
    for (int c = 1; c < col && p < len && text[p] != '\n'; c++) p++;
    return p;
}

/* Units from the start of the line to byte column col (1-based). */
static long long units_to(const rc_lsp *s, const char *text, size_t len, int line, int col)
{
    if (!text || col <= 1) return col > 0 ? col - 1 : 0;
    size_t p = line_start(text, len, line - 1), end = p + (size_t)(col - 1);
    long long u = 0;
    for (; p < end && p < len && text[p] != '\n'; p++) {
        unsigned char b = (unsigned char)text[p];
        if (s->utf8) u++;
        else if ((b & 0xc0) != 0x80) u += b >= 0xf0 ? 2 : 1;
    }
    return u + (long long)(end > p ? end - p : 0);
}

cJSON *rc_lsp_pos_json(const rc_lsp *s, const char *text, size_t len, int line, int col)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "line", line > 0 ? line - 1 : 0);
    cJSON_AddNumberToObject(o, "character", (double)units_to(s, text, len, line > 0 ? line : 1, col));
    return o;
}

cJSON *rc_lsp_range_json(const rc_lsp *s, const char *text, size_t len, rc_loc loc)
{
    cJSON *r = cJSON_CreateObject();
    int l = loc.line > 0 ? loc.line : 1, c = loc.line > 0 && loc.col > 0 ? loc.col : 1;
    cJSON_AddItemToObject(r, "start", rc_lsp_pos_json(s, text, len, l, c));
    if (loc.end_line > 0 && (loc.end_line > l || (loc.end_line == l && loc.end_col >= c)))
        cJSON_AddItemToObject(r, "end", rc_lsp_pos_json(s, text, len, loc.end_line, loc.end_col + 1));
    else if (loc.line > 0)
        cJSON_AddItemToObject(r, "end", rc_lsp_pos_json(s, text, len, l, c + 1));
    else
        cJSON_AddItemToObject(r, "end", rc_lsp_pos_json(s, text, len, 1, 1));
    return r;
}

cJSON *rc_lsp_location(const rc_lsp *s, const rc_lsp_doc *d, rc_loc loc)
{
    cJSON *l = cJSON_CreateObject();
    cJSON_AddStringToObject(l, "uri", d->uri);
    cJSON_AddItemToObject(l, "range", rc_lsp_range_json(s, d->text, d->len, loc));
    return l;
}

bool rc_lsp_doc_of(rc_lsp *s, const cJSON *id, const cJSON *params, rc_lsp_doc **doc)
{
    const char *uri = rc_lsp_str(cJSON_GetObjectItemCaseSensitive(params, "textDocument"), "uri");
    if (!uri) {
        rc_lsp_error(s, id, RC_LSP_INVALID_PARAMS, "invalid params: expected textDocument.uri");
        return false;
    }
    *doc = rc_lsp_doc_find(s, uri);
    if (!*doc) {
        rc_lsp_error(s, id, RC_LSP_INVALID_PARAMS, "unknown document: open it first (textDocument/didOpen)");
        return false;
    }
    return true;
}

bool rc_lsp_doc_pos(rc_lsp *s, const cJSON *id, const cJSON *params, rc_lsp_doc **doc, size_t *off)
{
    const cJSON *td = cJSON_GetObjectItemCaseSensitive(params, "textDocument");
    const char *uri = rc_lsp_str(td, "uri");
    const cJSON *pos = cJSON_GetObjectItemCaseSensitive(params, "position");
    long long line, ch;
    if (!uri || !rc_lsp_num(pos, "line", &line) || !rc_lsp_num(pos, "character", &ch)) {
        rc_lsp_error(s, id, RC_LSP_INVALID_PARAMS, "invalid params: expected textDocument.uri and position");
        return false;
    }
    *doc = rc_lsp_doc_find(s, uri);
    if (!*doc) {
        rc_lsp_error(s, id, RC_LSP_INVALID_PARAMS, "unknown document: open it first (textDocument/didOpen)");
        return false;
    }
    *off = rc_lsp_offset(s, (*doc)->text, (*doc)->len, line, ch);
    return true;
}
