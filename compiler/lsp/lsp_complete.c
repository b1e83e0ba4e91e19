/* lsp_complete.c - completion of names and keywords in context.
 *
 * The context comes from the text before the cursor (the last document
 * analysis may be stale or broken while typing): the enclosing block (the
 * first word of the declaration at brace depth 0), the word being typed and
 * the two tokens before it.  Names come from the last analysis' name index.
 */
#include "lsp_req.h"

#include <ctype.h>
#include <string.h>

/* LSP CompletionItemKind */
enum { CK_FUNCTION = 3, CK_FIELD = 5, CK_VARIABLE = 6, CK_CLASS = 7, CK_VALUE = 12, CK_KEYWORD = 14,
       CK_ENUM_MEMBER = 20, CK_CONSTANT = 21, CK_EVENT = 23 };

typedef struct ctx {
    char block[16];             /* "" at top level, else the declaration's keyword ("on", "retry"...) */
    bool stmt_start;            /* the word is the first of a statement */
    char prev[16], prev2[16];   /* the tokens before the word ("" when none) */
    const char *word;           /* what is typed so far */
    size_t wlen;
} ctx;

static bool idch(char c) { return isalnum((unsigned char)c) || c == '_'; }

/* One token of text[*p..end): a word, a two-byte operator or one byte;
 * skips blanks, comments and strings (reported as "\""). */
static bool next_tok(const char *t, size_t end, size_t *p, char *tok, size_t n)
{
    size_t i = *p;
    for (;;) {
        while (i < end && isspace((unsigned char)t[i])) i++;
        if (i + 1 < end && t[i] == '/' && t[i + 1] == '/') { while (i < end && t[i] != '\n') i++; continue; }
        if (i + 1 < end && t[i] == '/' && t[i + 1] == '*') {
            i += 2;
            while (i + 1 < end && !(t[i] == '*' && t[i + 1] == '/')) i++;
            i = i + 2 < end ? i + 2 : end;
            continue;
        }
        break;
    }
    if (i >= end) { *p = i; return false; }
    size_t k = 0;
    if (idch(t[i])) {
        while (i < end && idch(t[i])) { if (k + 1 < n) tok[k++] = t[i]; i++; }
    } else if (t[i] == '"') {
        i++;
        while (i < end && t[i] != '"' && t[i] != '\n') i += t[i] == '\\' ? 2 : 1;
        if (i < end) i++;
        tok[k++] = '"';
    } else if (i + 1 < end && strchr("=!<>&|.", t[i]) && strchr("=>&|.", t[i + 1])) {
        tok[k++] = t[i];
        tok[k++] = t[i + 1];
        i += 2;
    } else {
        tok[k++] = t[i++];
    }
    tok[k] = '\0';
    *p = i > end ? end : i;
    return true;
}

static void context_of(const char *t, size_t off, ctx *c)
{
    memset(c, 0, sizeof *c);
    size_t ws = off;
    while (ws > 0 && idch(t[ws - 1])) ws--;
    c->word = t + ws;
    c->wlen = off - ws;
    size_t p = 0;
    int depth = 0;
    bool start = true;
    char tok[64];
    while (p < ws && next_tok(t, ws, &p, tok, sizeof tok)) {
        if (start && depth == 0) snprintf(c->block, sizeof c->block, "%s", tok);
        start = false;
        if (strcmp(tok, "{") == 0) { depth++; start = true; }
        else if (strcmp(tok, "}") == 0) { if (depth > 0) depth--; start = true; if (depth == 0) c->block[0] = '\0'; }
        else if (strcmp(tok, ";") == 0) { start = true; if (depth == 0) c->block[0] = '\0'; }
        snprintf(c->prev2, sizeof c->prev2, "%s", c->prev);
        snprintf(c->prev, sizeof c->prev, "%s", tok);
    }
    if (depth == 0 && start) c->block[0] = '\0';     /* between declarations */
    c->stmt_start = start;
}

static void item(cJSON *arr, const ctx *c, const char *label, int kind, const char *detail)
{
    if (strncmp(label, c->word, c->wlen) != 0) return;
    /* no duplicates */
    const cJSON *e;
    cJSON_ArrayForEach(e, arr)
        if (strcmp(cJSON_GetObjectItemCaseSensitive(e, "label")->valuestring, label) == 0) return;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "label", label);
    cJSON_AddNumberToObject(o, "kind", kind);
    if (detail) cJSON_AddStringToObject(o, "detail", detail);
    cJSON_AddItemToArray(arr, o);
}

static void keywords(cJSON *arr, const ctx *c, const char *const *kw)
{
    for (; *kw; kw++) item(arr, c, *kw, CK_KEYWORD, NULL);
}

static void names(cJSON *arr, const ctx *c, const rc_lsp_doc *d, rc_lsp_nkind k, int kind)
{
    for (int i = 0; i < d->names.n; i++)
        if (d->names.v[i].decl && d->names.v[i].kind == k) item(arr, c, d->names.v[i].name, kind, rc_lsp_nkind_name(k));
}

static bool is(const char *a, const char *b) { return strcmp(a, b) == 0; }

static const char *const top_kw[] = { "policy", "import", "fault", "const", "param", "class", "error", "classify",
                                      "retry", "breaker", "budget", "escalation", "deadline", "adaptive", "on", NULL };
static const char *const step_kw[] = { "retry", "fallback", "adjust", "run", "degrade", "escalate", "abort",
                                       "deadline", NULL };
static const char *const retry_kw[] = { "attempts", "backoff", "jitter", "scale", "honor", "max", NULL };
static const char *const breaker_kw[] = { "open", "half_open", "close", "count", "slow", "retries", NULL };
static const char *const budget_kw[] = { "ratio", NULL };
static const char *const levels[] = { "low", "medium", "high", "critical", NULL };
static const char *const backoffs[] = { "constant", "linear", "exponential", NULL };
static const char *const jitters[] = { "none", "full", "equal", "decorrelated", NULL };
static const char *const types[] = { "u8", "u16", "u32", "i8", "i16", "i32", "bool", "text", NULL };

static void values(cJSON *arr, const ctx *c, const rc_lsp_doc *d)
{
    names(arr, c, d, RC_LN_FIELD, CK_FIELD);
    names(arr, c, d, RC_LN_CONST, CK_CONSTANT);
    names(arr, c, d, RC_LN_PARAM, CK_VARIABLE);
}

static void complete(cJSON *arr, const ctx *c, const rc_lsp_doc *d)
{
    const char *b = c->block, *p = c->prev;
    if (!b[0]) { keywords(arr, c, top_kw); return; }
    if (is(b, "on")) {
        if (is(p, "retry")) { names(arr, c, d, RC_LN_RETRY, CK_FUNCTION); return; }
        if (is(p, "fallback") || (is(p, ",") && is(c->prev2, "fallback"))) {
            names(arr, c, d, RC_LN_ALT, CK_VALUE);
            if (is(p, "fallback")) item(arr, c, "adaptive", CK_KEYWORD, NULL);
            return;
        }
        if (is(p, "degrade")) { names(arr, c, d, RC_LN_MODE, CK_VALUE); return; }
        if (is(p, "run")) { names(arr, c, d, RC_LN_HANDLER, CK_VALUE); return; }
        if (is(p, "adjust")) { names(arr, c, d, RC_LN_ADJUST, CK_VALUE); return; }
        if (is(p, "escalate")) { keywords(arr, c, levels); return; }
        if (is(p, "class")) { names(arr, c, d, RC_LN_CLASS, CK_CLASS); return; }
        if (c->stmt_start && (is(p, "{") || is(p, ";"))) { keywords(arr, c, step_kw); return; }
        if (is(p, "on") || is(p, ",")) {
            names(arr, c, d, RC_LN_ERROR, CK_ENUM_MEMBER);
            item(arr, c, "class", CK_KEYWORD, NULL);
            return;
        }
        if (is(p, "when") || is(p, "&&") || is(p, "||") || is(p, "!") || is(p, "(")) {
            values(arr, c, d);
            keywords(arr, c, (const char *const[]){ "attempt", "elapsed", "severity", "class", "error", NULL });
            return;
        }
        names(arr, c, d, RC_LN_PARAM, CK_VARIABLE);
        return;
    }
    if (is(b, "classify")) {
        if (is(p, "=>")) { names(arr, c, d, RC_LN_ERROR, CK_ENUM_MEMBER); return; }
        values(arr, c, d);
        return;
    }
    if (is(b, "error")) {
        if (is(p, ":")) { names(arr, c, d, RC_LN_CLASS, CK_CLASS); return; }
        if (is(p, ",")) { keywords(arr, c, levels); return; }
        if (is(p, "{") || is(p, ";")) keywords(arr, c, (const char *const[]){ "message", "hint", "steps", NULL });
        return;
    }
    if (is(b, "retry")) {
        if (is(p, "backoff")) { keywords(arr, c, backoffs); return; }
        if (is(p, "jitter")) { keywords(arr, c, jitters); return; }
        if (is(p, "honor")) { names(arr, c, d, RC_LN_FIELD, CK_FIELD); return; }
        if (is(p, "scale") || (is(p, ",") && c->stmt_start == false)) {
            names(arr, c, d, RC_LN_ERROR, CK_ENUM_MEMBER);
            if (is(p, "scale")) item(arr, c, "severity", CK_KEYWORD, NULL);
            return;
        }
        if (c->stmt_start) { keywords(arr, c, retry_kw); return; }
        names(arr, c, d, RC_LN_PARAM, CK_VARIABLE);
        return;
    }
    if (is(b, "breaker")) {
        if (is(p, "count") || is(p, ",")) {
            names(arr, c, d, RC_LN_ERROR, CK_ENUM_MEMBER);
            names(arr, c, d, RC_LN_CLASS, CK_CLASS);
            return;
        }
        if (c->stmt_start) { keywords(arr, c, breaker_kw); return; }
        names(arr, c, d, RC_LN_PARAM, CK_VARIABLE);
        return;
    }
    if (is(b, "budget")) {
        if (c->stmt_start) keywords(arr, c, budget_kw);
        else names(arr, c, d, RC_LN_PARAM, CK_VARIABLE);
        return;
    }
    if (is(b, "escalation")) {
        if (is(p, "=>")) { names(arr, c, d, RC_LN_CHANNEL, CK_EVENT); return; }
        if (c->stmt_start) { keywords(arr, c, levels); item(arr, c, "unresolved", CK_KEYWORD, NULL); }
        return;
    }
    if (is(b, "fault")) {
        if (is(p, ":")) keywords(arr, c, types);
        return;
    }
}

void rc_lsp_completion(rc_lsp *s, const cJSON *id, const cJSON *params)
{
    rc_lsp_doc *d;
    size_t off;
    if (!rc_lsp_doc_pos(s, id, params, &d, &off)) return;
    ctx c;
    context_of(d->text, off, &c);
    cJSON *arr = cJSON_CreateArray();
    complete(arr, &c, d);
    rc_lsp_reply(s, id, arr);
}
