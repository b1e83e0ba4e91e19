/* kwpos.c - the tokens of .recov files as recovc's own scanner sees them,
 * for the editor-grammar tests (tests/editors/): one line per word
 *
 *     PATH<TAB>K|I|N<TAB>LINE<TAB>COL<TAB>SPELLING
 *
 * K a keyword token, I an identifier token, N a keyword's spelling that is
 * no token: inside a comment, a string or a regex (LINE and COL 1-based, COL
 * in bytes, as the diagnostics count them).  The grammars are held to these
 * positions: a K must be highlighted as a keyword, an I or N must not.
 * Lexical errors are not printed: the fuzz corpus holds broken files on
 * purpose. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driver.h"
#include "parse.h"
#include "recov.tab.h"

static FILE *sink;

static int word_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* Is s[0..n) one keyword, as the scanner reads it? */
static int is_keyword(const char *s, size_t n)
{
    rc_arena a;
    rc_arena_init(&a);
    rc_diag d;
    rc_diag_init(&d, "word", s, n, sink);
    rc_token *t;
    size_t k = rc_lex(&a, &d, s, n, &t);
    int kw = k == 2 && t[0].kind >= RC_TOK_KW_POLICY && t[0].len == n;
    rc_arena_free(&a);
    return kw;
}

/* The keyword spellings in src[from..to), which is no token. */
static void untokened(const char *path, const char *src, size_t from, size_t to, const size_t *ls, int *line)
{
    for (size_t p = from; p < to; p++) {
        while (src[p] == '\n' && p < to) { (*line)++; p++; }
        if (p >= to || !word_char(src[p]) || (p > from && word_char(src[p - 1]))) continue;
        size_t e = p;
        while (e < to && word_char(src[e])) e++;
        if (!(src[p] >= '0' && src[p] <= '9') && is_keyword(src + p, e - p))
            printf("%s\tN\t%d\t%zu\t%.*s\n", path, *line, p - ls[*line - 1] + 1, (int)(e - p), src + p);
        p = e - 1;
    }
}

int main(int argc, char **argv)
{
    int rc = 0;
    sink = fopen("/dev/null", "w");
    if (!sink) sink = stderr;
    for (int i = 1; i < argc; i++) {
        rc_arena a;
        rc_arena_init(&a);
        size_t len;
        char *src = rc_read_file(&a, argv[i], &len);
        if (!src) {
            fprintf(stderr, "kwpos: cannot read '%s'\n", argv[i]);
            rc = 2;
            rc_arena_free(&a);
            continue;
        }
        /* byte offset of each line's start */
        size_t nl = 1;
        for (size_t p = 0; p < len; p++) nl += src[p] == '\n';
        size_t *ls = calloc(nl + 1, sizeof *ls);
        if (!ls) return 3;
        for (size_t p = 0, l = 1; p < len; p++)
            if (src[p] == '\n') ls[l++] = p + 1;
        rc_diag d;
        rc_diag_init(&d, argv[i], src, len, sink);
        d.max_errors = 0;
        rc_token *t;
        size_t n = rc_lex(&a, &d, src, len, &t);
        size_t prev = 0;
        int gl = 1;
        for (size_t k = 0; k < n; k++) {
            size_t start = t[k].kind ? ls[t[k].loc.line - 1] + (size_t)t[k].loc.col - 1 : len;
            if (start > len) start = len;
            /* white space and comments before the token */
            untokened(argv[i], src, prev, start, ls, &gl);
            if (!t[k].kind) break;
            size_t end = ls[t[k].loc.end_line - 1] + (size_t)t[k].loc.end_col;   /* one past the last byte */
            if (end > len) end = len;
            if (t[k].kind == RC_TOK_STRING || t[k].kind == RC_TOK_REGEX) {
                gl = t[k].loc.line;
                untokened(argv[i], src, start + 1, end, ls, &gl);
            }
            char kind = t[k].kind >= RC_TOK_KW_POLICY ? 'K' : t[k].kind == RC_TOK_IDENT ? 'I' : 0;
            if (kind)
                printf("%s\t%c\t%d\t%d\t%.*s\n", argv[i], kind, t[k].loc.line, t[k].loc.col, (int)t[k].len,
                       t[k].text);
            prev = end > start ? end : start;
            gl = t[k].loc.end_line;
        }
        free(ls);
        rc_arena_free(&a);
    }
    return rc;
}
