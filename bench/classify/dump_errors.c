/* dump_errors.c - print the error strings of real libraries, one per line as
 * SOURCE<TAB>TEXT, from their own tables (built and run by run_lib.sh):
 *   errno    strerror(1..199), glibc
 *   curl     curl_easy_strerror(1..99), libcurl (only with -DRC_HAVE_CURL)
 *   openssl  ERR_reason_error_string(ERR_PACK(lib, 0, reason)) for every
 *            library 1..60 and reason 1..1299, libcrypto
 *   sqlite   sqlite3_errstr of the primary and extended result codes
 *   zlib     zError(-6..2)
 * HTTP reason phrases come from Python's http.HTTPStatus (gen_lib.py).
 * Strings that say only "Unknown error N" and the like are left out. */
#define _GNU_SOURCE 1
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <zlib.h>
#ifdef RC_HAVE_CURL
#include <curl/curl.h>
#endif

static void put(const char *src, const char *s)
{
    if (!s || !*s || strncmp(s, "Unknown error", 13) == 0 || strstr(s, "unknown error") ||
        strncmp(s, "reason(", 7) == 0)
        return;
    printf("%s\t", src);
    for (; *s; s++) putchar(*s == '\t' || *s == '\n' ? ' ' : *s);
    putchar('\n');
}

int main(void)
{
    for (int e = 1; e < 200; e++) put("errno", strerror(e));
#ifdef RC_HAVE_CURL
    for (int c = 1; c < 100; c++) put("curl", curl_easy_strerror((CURLcode)c));
#endif
    OPENSSL_init_crypto(OPENSSL_INIT_LOAD_CRYPTO_STRINGS, NULL);
    for (int lib = 1; lib <= 60; lib++)
        for (int r = 1; r < 1300; r++) put("openssl", ERR_reason_error_string(ERR_PACK(lib, 0, r)));
    for (int c = 0; c < 30; c++) put("sqlite", sqlite3_errstr(c));
    for (int c = 1; c < 30; c++)
        for (int x = 1; x < 12; x++) put("sqlite", sqlite3_errstr(c | (x << 8)));
    for (int z = -6; z <= 2; z++) put("zlib", zError(z));
    return 0;
}
