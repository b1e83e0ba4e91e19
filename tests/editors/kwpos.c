/* kwpos.c - the tokens of .recov files as recovc's own scanner sees them,
 * for the editor-grammar tests (tests/editors/): for every keyword and
 * identifier token, one line
 *
 *     PATH<TAB>K|I<TAB>LINE<TAB>COL<TAB>SPELLING
 *
 * (K keyword, I identifier; LINE and COL 1-based, COL in bytes, as the
 * diagnostics count them).  The grammars are held to these positions, so a
 * keyword the lexer knows and a grammar misses, or a word highlighted as a
 * keyword that the lexer reads as a name, fails the test.  Lexical errors
 * are not printed: the fuzz corpus holds broken files on purpose. */
#include <stdio.h>

#include "driver.h"
#include "parse.h"
#include "recov.tab.h"

int main(int argc, char **argv)
{
    int rc = 0;
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
        FILE *sink = fopen("/dev/null", "w");
        rc_diag d;
        rc_diag_init(&d, argv[i], src, len, sink ? sink : stderr);
        d.max_errors = 0;
        rc_token *t;
        size_t n = rc_lex(&a, &d, src, len, &t);
        for (size_t k = 0; k < n; k++) {
            char kind = t[k].kind >= RC_TOK_KW_POLICY ? 'K' : t[k].kind == RC_TOK_IDENT ? 'I' : 0;
            if (!kind) continue;
            printf("%s\t%c\t%d\t%d\t%.*s\n", argv[i], kind, t[k].loc.line, t[k].loc.col, (int)t[k].len, t[k].text);
        }
        if (sink) fclose(sink);
        rc_arena_free(&a);
    }
    return rc;
}
