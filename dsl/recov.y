/* recov.y - the grammar of .recov policies (pure bison parser).
 *
 * Actions only build the syntax tree of compiler/front/ast.h in the compilation's
 * arena; meaning (names, types, ranges, value kinds) is checked by check.c.
 * The scanner is dsl/recov.l; compiler/front/parse.c is the entry point.
 *
 * Error handling (see dsl/README.md):
 *  - every block is a left-recursive list whose first element is its opening
 *    brace, with `LIST error` (panic: skip to `;`, `}` or the start of the next
 *    item) and `LIST error ';'` alternatives, at declaration, statement and
 *    rule level, so one mistake does not hide the next;
 *  - LAC keeps the expected-token sets exact, and yyreport_syntax_error turns
 *    them into targeted messages (missing ';', '=' for '==', missing '=>',
 *    unknown statement in a block, `on` without braces...);
 *  - the stack is bounded (YYMAXDEPTH): deep nesting is reported, not fatal.
 */
%code top {
#include <limits.h>
#include <stdio.h>
#include <string.h>
/* RC_PARSE_MAXDEPTH: parser stack limit; only nested conditions grow it. */
#define YYMAXDEPTH 10000
}

%code requires {
#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "ast.h"
#include "diag.h"
#include "parse.h"
#include "suggest.h"

/* A token as remembered for error messages: kind, source bytes, location,
 * and whether it is the first token of its line. */
typedef struct rc_ptok {
    int kind;
    size_t off, len;
    rc_loc loc;
    bool bol;
} rc_ptok;

/* Open braces remembered for "the block opened here" (deeper ones are counted only). */
#define RC_PARSE_MAXBRACES 32

/* An open brace: where it is and the first word of its line ("classify", "on"). */
typedef struct rc_pbrace {
    rc_loc loc;
    char word[16];
} rc_pbrace;

/* State shared by the scanner and the parser of one compilation. */
typedef struct rc_pctx {
    rc_arena *arena;
    rc_diag *diag;
    const char *src;
    size_t len;
    rc_ast_policy *policy;
    rc_ast_decl *last;          /* tail of policy->decls */
    bool header_seen;           /* `policy NAME version N;` parsed */
    bool decl_seen;             /* any declaration (or header) parsed */
    bool header_reported;       /* the missing header was reported */
    /* scanner position of the next byte */
    size_t off;
    int line, col;
    size_t match_off, match_len; /* bytes of the last match */
    rc_loc comment_start;       /* of the open block comment */
    rc_ptok cur, prev;          /* the last two tokens returned */
    long ntok;                  /* tokens returned so far */
    bool unterminated;          /* the scanner just returned an unterminated literal */
    bool strayed;               /* stray bytes were skipped before the next token */
    long quiet_until;           /* no syntax error up to this token: it swallowed the line */
    rc_pbrace braces[RC_PARSE_MAXBRACES];  /* the open braces, innermost last */
    int depth;                  /* open braces ('{' less '}' read so far; 0: where a declaration starts) */
    rc_ptok line_first;         /* the first token of the current line */
    bool unclosed_reported;     /* an unclosed block was reported: no later syntax error */
    void *scanner;              /* the flex scanner (yyscan_t) */
    char *scanbuf;              /* the scanner's copy of src (malloc) */
    jmp_buf *fatal;             /* flex internal errors longjmp here (1), and the term limit (2) */
    long nterms;                /* comparisons and matches so far (RC_MAX_POLICY_TERMS) */
    const char *fatal_msg;
} rc_pctx;

/* A singly linked list under construction (head, tail) of node type T. */
#define RC_LIST(T) struct { T *head, *tail; }
}

%code provides {
/* The scanner (recov.l): the parser's yylex, and scanner life cycle. */
int rc_yylex(RC_YYSTYPE *lval, rc_loc *lloc, void *scanner, rc_pctx *ctx);
/* Creates a scanner over ctx->src/len; false if flex cannot allocate. */
bool rc_scan_begin(rc_pctx *ctx, void **scanner);
void rc_scan_end(void *scanner);
/* Readable token spelling for messages ("'policy'", "identifier"). */
const char *rc_token_spelling(int kind);
}

%define api.pure full
%define api.prefix {rc_yy}
%define api.token.prefix {RC_TOK_}
%define api.location.type {rc_loc}
%define parse.error custom
%define parse.lac full
%locations
%param {void *scanner} {rc_pctx *ctx}

%code {
/* errors reported here are of this kind (errors.def) */
#undef RC_ERROR_KIND
#define RC_ERROR_KIND RC_E_SYNTAX
/* Locations: a rule spans from its first to its last symbol; an empty rule is
 * the point just after the previous symbol. */
#define YYLLOC_DEFAULT(Cur, Rhs, N)                                       \
    do {                                                                  \
        if (N) {                                                          \
            (Cur).line = YYRHSLOC(Rhs, 1).line;                           \
            (Cur).col = YYRHSLOC(Rhs, 1).col;                             \
            (Cur).end_line = YYRHSLOC(Rhs, N).end_line;                   \
            (Cur).end_col = YYRHSLOC(Rhs, N).end_col;                     \
        } else {                                                          \
            (Cur).line = (Cur).end_line = YYRHSLOC(Rhs, 0).end_line;      \
            (Cur).col = (Cur).end_col = YYRHSLOC(Rhs, 0).end_col + 1;     \
        }                                                                 \
    } while (0)

static void rc_yyerror(rc_loc *loc, void *scanner, rc_pctx *ctx, const char *msg);

#define APPEND(L, n)                                                      \
    do {                                                                  \
        if ((L).tail) (L).tail->next = (n); else (L).head = (n);          \
        (L).tail = (n);                                                   \
    } while (0)
#define EMPTY(L) ((L).head = (L).tail = NULL)

static rc_ident mk_id(const char *name, rc_loc loc)
{
    rc_ident id = {name, loc};
    return id;
}

static rc_ast_value mk_val(rc_ast_vkind k, int64_t num, const char *name, rc_loc loc)
{
    rc_ast_value v = {k, num, name, loc};
    return v;
}

static rc_ast_value no_val(void)
{
    rc_ast_value v = {RC_AV_NONE, 0, NULL, {0, 0, 0, 0}};
    return v;
}

static rc_ast_decl *mk_decl(rc_pctx *c, rc_ast_dkind k, rc_loc loc)
{
    rc_ast_decl *d = RC_NEW(c->arena, rc_ast_decl);
    d->kind = k;
    d->loc = loc;
    return d;
}

static rc_ast_setting *mk_set(rc_pctx *c, rc_ast_skind k, rc_loc loc)
{
    rc_ast_setting *s = RC_NEW(c->arena, rc_ast_setting);
    s->kind = k;
    s->loc = loc;
    return s;
}

static rc_ast_step *mk_step(rc_pctx *c, rc_ast_stepkind k, rc_loc loc)
{
    rc_ast_step *s = RC_NEW(c->arena, rc_ast_step);
    s->kind = k;
    s->loc = loc;
    return s;
}

static rc_ast_expr *mk_expr(rc_pctx *c, rc_ast_xkind k, rc_loc loc)
{
    if (k != RC_AX_OR && k != RC_AX_AND && k != RC_AX_NOT && ++c->nterms > RC_MAX_POLICY_TERMS) {
        /* stop parsing here: each term costs about 2 KB by the end of the
         * analyses, so 10 MB of them would need more than 1 GB */
        rc_diag_error(c->diag, loc, "the policy has more than %d comparisons and matches in its conditions "
                      "(the policy term limit); match many values with `in LO..HI` or one pattern list, or "
                      "split the policy", RC_MAX_POLICY_TERMS);
        longjmp(*c->fatal, 2);
    }
    rc_ast_expr *e = RC_NEW(c->arena, rc_ast_expr);
    e->kind = k;
    e->loc = loc;
    return e;
}

static rc_ast_string *mk_str(rc_pctx *c, const char *s, size_t len, rc_loc loc)
{
    rc_ast_string *n = RC_NEW(c->arena, rc_ast_string);
    n->text = s;
    n->len = len;
    n->loc = loc;
    return n;
}

static rc_ident_list *mk_idl(rc_pctx *c, rc_ident id)
{
    rc_ident_list *n = RC_NEW(c->arena, rc_ident_list);
    n->id = id;
    return n;
}

/* The first declaration must be the policy header; say so once. */
static void add_decl(rc_pctx *c, rc_ast_decl *d)
{
    if (!c->header_seen && !c->header_reported) {
        c->header_reported = true;
        rc_diag_error(c->diag, d->loc,
                      "missing policy header: a policy starts with 'policy NAME version N;'");
    }
    c->decl_seen = true;
    if (c->last) c->last->next = d; else c->policy->decls = d;
    c->last = d;
}

static void set_header(rc_pctx *c, rc_ident name, rc_ast_value version, rc_loc loc)
{
    if (c->header_seen) {
        rc_diag_error(c->diag, loc, "duplicate policy header");
        return;
    }
    c->header_seen = true;
    c->decl_seen = true;
    c->policy->name = name;
    c->policy->version = version;
    c->policy->loc = loc;
}
}

%union {
    int64_t num;
    struct { const char *s; size_t len; } str;
    const char *id;
    rc_ident ident;
    rc_ast_value val;
    rc_cmp cmp;
    rc_ast_expr *expr;
    rc_ast_pat *pat;
    rc_ast_decl *decl;
    rc_ast_setting *set;
    rc_ast_step *step;
    rc_ast_rule *rule;
    rc_ast_field *field;
    rc_ast_esc *esc;
    rc_ast_selector *sel;
    rc_ast_scale *scale;
    rc_ast_string *string;
    RC_LIST(rc_ast_pat) pats;
    RC_LIST(rc_ast_field) fields;
    RC_LIST(rc_ast_rule) rules;
    RC_LIST(rc_ast_setting) sets;
    RC_LIST(rc_ast_esc) escs;
    RC_LIST(rc_ast_selector) sels;
    RC_LIST(rc_ast_scale) scales;
    RC_LIST(rc_ident_list) names;
    RC_LIST(rc_ast_string) strings;
    struct {
        RC_LIST(rc_ast_step) steps;
        rc_ast_value deadline;
    } body;
    struct {
        rc_ast_value dur;
        int then;
    } runtail;
    struct {
        RC_LIST(rc_ast_string) message, hint, steps;
    } ebody;
}

/* Literals.  Numbers carry their value (durations in ms, decimals and
 * factors in thousandths); identifiers and keywords their spelling. */
%token <id>  IDENT    "identifier"
%token <num> INT      "integer"
%token <num> DURATION "duration"
%token <num> PERCENT  "percentage"
%token <num> DECPERCENT "percentage with a decimal"
%token <num> DECIMAL  "decimal number"
%token <num> XFACTOR  "factor"
%token <str> STRING   "string"
%token <str> REGEX    "regex"

/* Operators of more than one character (single ones are character tokens). */
%token EQ "'=='" NE "'!='" LE "'<='" GE "'>='" AND "'&&'" OR "'||'"
%token MATCHI "'~i'" ARROW "'=>'" DOTDOT "'..'"

/* Keywords: usable as names wherever the grammar expects one (see `name`). */
%token <id> KW_POLICY "'policy'" KW_VERSION "'version'" KW_FAULT "'fault'"
%token <id> KW_CONST "'const'" KW_CLASS "'class'" KW_RETRYABLE "'retryable'"
%token <id> KW_ERROR "'error'" KW_MESSAGE "'message'" KW_HINT "'hint'"
%token <id> KW_STEPS "'steps'" KW_CLASSIFY "'classify'" KW_RETRY "'retry'"
%token <id> KW_ATTEMPTS "'attempts'" KW_BACKOFF "'backoff'" KW_BASE "'base'"
%token <id> KW_FACTOR "'factor'" KW_MAX "'max'" KW_JITTER "'jitter'"
%token <id> KW_SCALE "'scale'" KW_SEVERITY "'severity'" KW_HONOR "'honor'"
%token <id> KW_BREAKER "'breaker'" KW_OPEN "'open'" KW_AFTER "'after'"
%token <id> KW_CONSECUTIVE "'consecutive'" KW_FAILURES "'failures'" KW_AT "'at'"
%token <id> KW_OF "'of'" KW_LAST "'last'" KW_CALLS "'calls'" KW_MIN "'min'"
%token <id> KW_FOR "'for'" KW_HALF_OPEN "'half_open'" KW_PROBES "'probes'"
%token <id> KW_CLOSE "'close'" KW_SUCCESSES "'successes'" KW_COUNT "'count'"
%token <id> KW_BUDGET "'budget'" KW_RATIO "'ratio'" KW_PER "'per'"
%token <id> KW_ESCALATION "'escalation'" KW_WITHIN "'within'"
%token <id> KW_UNRESOLVED "'unresolved'" KW_DEADLINE "'deadline'" KW_ON "'on'"
%token <id> KW_WHEN "'when'" KW_ADJUST "'adjust'" KW_DELAY "'delay'"
%token <id> KW_RUN "'run'" KW_TIMEOUT "'timeout'" KW_FALLBACK "'fallback'"
%token <id> KW_ADAPTIVE "'adaptive'" KW_DEGRADE "'degrade'"
%token <id> KW_ESCALATE "'escalate'" KW_ABORT "'abort'" KW_IN "'in'"
%token <id> KW_IMPORT "'import'" KW_PARAM "'param'" KW_STRUCT "'struct'"
/* KW_STATS is the last keyword: is_kw below and rc_lex (front/parse.c) take
 * KW_POLICY..KW_STATS as the keywords; a new keyword goes after it and
 * moves both. */
%token <id> KW_AGEING "'ageing'" KW_INCIDENTS "'incidents'" KW_MINUS "'minus'" KW_THEN "'then'"
%token <id> KW_STATS "'stats'"
/* `limit` is a keyword only where a declaration starts (rc_yylex turns the
 * name into this token there), so a `param limit` or a handler called
 * limit stays a name everywhere else; not in the keyword table. */
%token <id> CTX_LIMIT "'limit'"

%left OR
%left AND
%precedence '!'

%type <decl> decl
%type <id> kwname kwname_nowhen
%type <ident> name cname
%type <val> lit value num
%type <cmp> cmpop
%type <expr> cond atom
%type <pat> pat
%type <pats> pats
%type <fields> fault_block
%type <field> field
%type <rules> classify_block
%type <rule> rule
%type <sets> retry_block breaker_block budget_block
%type <set> rsetting bsetting gsetting
%type <scales> scales
%type <scale> scale
%type <names> names adaptive_names run_items
%type <names> run_item
%type <runtail> run_tail
%type <num> then_clause
%type <id> open_word
%type <escs> esc_block
%type <esc> esc
%type <sels> sels
%type <sel> sel
%type <body> on_body
%type <step> step
%type <ebody> error_body
%type <strings> strings

%%

program:
    decls
  ;

decls:
    %empty
  | decls decl              { if ($2) add_decl(ctx, $2); }
  | decls error   
  | decls error ';'         { yyerrok; }
  | decls error '}'         { yyerrok; }
  | decls error '{' skip '}' { yyerrok; }
  ;

/* After a broken declaration header (`on x when { ... }`), its block is
 * skipped as a whole, nested braces included, instead of being read as
 * top-level declarations. */
skip:
    %empty
  | skip any
  | skip '{' skip '}'
  ;

any:
    name {} | lit {} | STRING {} | REGEX {} | '_' {}
  | EQ | NE | LE | GE | AND | OR | MATCHI | ARROW | DOTDOT
  | '!' | ';' | '=' | ':' | ',' | '~' | '(' | ')' | '<' | '>' | '|' | '.'
  ;

decl:
    KW_POLICY name KW_VERSION value ';'
        { set_header(ctx, $2, $4, @$); $$ = NULL; }
  | KW_IMPORT STRING ';'
        { $$ = mk_decl(ctx, RC_D_IMPORT, @$); $$->str = mk_str(ctx, $2.s, $2.len, @2); }
  | KW_FAULT '=' KW_STRUCT name ';'
        { $$ = mk_decl(ctx, RC_D_FAULT_STRUCT, @$); $$->name = $4; }
  | fault_block '}'
        { $$ = mk_decl(ctx, RC_D_FAULT, @$); $$->fields = $1.head; }
  | KW_CONST name '=' value ';'
        { $$ = mk_decl(ctx, RC_D_CONST, @$); $$->name = $2; $$->value = $4; }
  | KW_PARAM IDENT ':' name KW_IN lit DOTDOT lit '=' lit ';'
        {
            $$ = mk_decl(ctx, RC_D_PARAM, @$);
            $$->name = mk_id($2, @2); $$->cls = $4; $$->range_lo = $6; $$->range_hi = $8; $$->value = $10;
        }
  | KW_PARAM kwname ':' name KW_IN lit DOTDOT lit '=' lit ';'
        {
            rc_diag_error(ctx->diag, @2, "a parameter cannot be called '%s': it is a keyword, and a parameter "
                          "stands where numbers do", $2);
            $$ = NULL;
        }
  | KW_CLASS name ';'
        { $$ = mk_decl(ctx, RC_D_CLASS, @$); $$->name = $2; }
  | KW_CLASS name KW_RETRYABLE ';'
        { $$ = mk_decl(ctx, RC_D_CLASS, @$); $$->name = $2; $$->flag = true; }
  | KW_ERROR name ':' name ',' name ';'
        { $$ = mk_decl(ctx, RC_D_ERROR, @$); $$->name = $2; $$->cls = $4; $$->severity = $6; }
  | KW_ERROR name ':' name ',' name error_body '}'
        {
            $$ = mk_decl(ctx, RC_D_ERROR, @$);
            $$->name = $2; $$->cls = $4; $$->severity = $6;
            $$->message = $7.message.head;
            $$->hint = $7.hint.head;
            $$->steps_text = $7.steps.head;
        }
  | classify_block '}'
        { $$ = mk_decl(ctx, RC_D_CLASSIFY, @$); $$->rules = $1.head; }
  | KW_RETRY name retry_block '}'
        { $$ = mk_decl(ctx, RC_D_RETRY, @$); $$->name = $2; $$->settings = $3.head; }
  | KW_BREAKER name breaker_block '}'
        { $$ = mk_decl(ctx, RC_D_BREAKER, @$); $$->name = $2; $$->settings = $3.head; }
  | KW_BREAKER name KW_PER IDENT breaker_block '}'
        {
            $$ = mk_decl(ctx, RC_D_BREAKER, @$); $$->name = $2; $$->settings = $5.head;
            if (strcmp($4, "alternative") != 0)
                rc_diag_error(ctx->diag, @4, "unknown breaker scope '%s'; expected `breaker NAME per alternative {`",
                              $4);
            else
                $$->flag = true;
        }
  | KW_BUDGET name budget_block '}'
        { $$ = mk_decl(ctx, RC_D_BUDGET, @$); $$->name = $2; $$->settings = $3.head; }
  | esc_block '}'
        { $$ = mk_decl(ctx, RC_D_ESCALATION, @$); $$->esc = $1.head; }
  | KW_DEADLINE num ';'
        { $$ = mk_decl(ctx, RC_D_DEADLINE, @$); $$->value = $2; }
  | CTX_LIMIT name num KW_PER num name num ';'
        {
            /* limit rate N per D burst M; (the words are checked here) */
            $$ = mk_decl(ctx, RC_D_LIMIT, @$); $$->name = $2; $$->flag = true;
            $$->value = $3; $$->range_lo = $5; $$->range_hi = $7;
            if (strcmp($2.name, "rate") != 0)
                rc_diag_error(ctx->diag, $2.loc, "unknown limit '%s'; expected `limit rate N per D burst M;`", $2.name);
            else if (strcmp($6.name, "burst") != 0)
                rc_diag_error(ctx->diag, $6.loc, "expected `burst M` after `limit rate N per D`, not '%s'", $6.name);
        }
  | CTX_LIMIT name num ';'
        {
            /* limit concurrent N; */
            $$ = mk_decl(ctx, RC_D_LIMIT, @$); $$->name = $2; $$->value = $3;
            if (strcmp($2.name, "concurrent") != 0)
                rc_diag_error(ctx->diag, $2.loc, "unknown limit '%s'; expected `limit concurrent N;` or "
                              "`limit rate N per D burst M;`", $2.name);
        }
  | KW_ADAPTIVE KW_AGEING lit ';'
        { $$ = mk_decl(ctx, RC_D_AGEING, @$); $$->value = $3; }
  | KW_ADAPTIVE KW_AGEING lit KW_INCIDENTS ';'
        { $$ = mk_decl(ctx, RC_D_AGEING, @$); $$->value = $3; $$->flag = true; }
  | KW_STATS ';'
        { $$ = mk_decl(ctx, RC_D_STATS, @$); }
  | KW_ON sels on_body '}'
        {
            $$ = mk_decl(ctx, RC_D_ON, @$);
            $$->sels = $2.head; $$->value = $3.deadline; $$->steps = $3.steps.head;
        }
  | KW_ON sels KW_WHEN cond on_body '}'
        {
            $$ = mk_decl(ctx, RC_D_ON, @$);
            $$->sels = $2.head; $$->when = $4;
            $$->value = $5.deadline; $$->steps = $5.steps.head;
        }
  ;

/* ---- fault { name : type; ... } ---------------------------------------- */
fault_block:
    KW_FAULT '{'                    { EMPTY($$); }
  | fault_block field               { $$ = $1; APPEND($$, $2); }
  | fault_block error       { $$ = $1; }
  | fault_block error ';'           { $$ = $1; yyerrok; }
  ;

field:
    name ':' name ';'
        { $$ = RC_NEW(ctx->arena, rc_ast_field); $$->name = $1; $$->type = $3; }
  ;

/* ---- error NAME : CLASS, SEVERITY { message "..."; hint "..."; steps ...; } */
error_body:
    '{'                             { EMPTY($$.message); EMPTY($$.hint); EMPTY($$.steps); }
  | error_body KW_MESSAGE STRING ';'
        { $$ = $1; rc_ast_string *s = mk_str(ctx, $3.s, $3.len, @3); APPEND($$.message, s); }
  | error_body KW_HINT STRING ';'
        { $$ = $1; rc_ast_string *s = mk_str(ctx, $3.s, $3.len, @3); APPEND($$.hint, s); }
  | error_body KW_STEPS strings ';'
        {
            $$ = $1;
            if ($$.steps.tail) $$.steps.tail->next = $3.head; else $$.steps.head = $3.head;
            $$.steps.tail = $3.tail;
        }
  | error_body error        { $$ = $1; }
  | error_body error ';'            { $$ = $1; yyerrok; }
  ;

strings:
    STRING                          { $$.head = $$.tail = mk_str(ctx, $1.s, $1.len, @1); }
  | strings ',' STRING              { $$ = $1; rc_ast_string *s = mk_str(ctx, $3.s, $3.len, @3); APPEND($$, s); }
  ;

/* ---- classify { COND => ERROR; ... _ => ERROR; } ------------------------ */
classify_block:
    KW_CLASSIFY '{'                 { EMPTY($$); }
  | classify_block rule             { $$ = $1; APPEND($$, $2); }
  | classify_block error    { $$ = $1; }
  | classify_block error ';'        { $$ = $1; yyerrok; }
  ;

rule:
    cond ARROW name ';'
        { $$ = RC_NEW(ctx->arena, rc_ast_rule); $$->cond = $1; $$->error = $3; $$->loc = @$; }
  | '_' ARROW name ';'
        { $$ = RC_NEW(ctx->arena, rc_ast_rule); $$->any_loc = @1; $$->error = $3; $$->loc = @$; }
  ;

/* Conditions: `||` lowest, then `&&`, then prefix `!`, then atoms. */
cond:
    cond OR cond        { $$ = mk_expr(ctx, RC_AX_OR, @$); $$->a = $1; $$->b = $3; }
  | cond AND cond       { $$ = mk_expr(ctx, RC_AX_AND, @$); $$->a = $1; $$->b = $3; }
  | '!' cond            { $$ = mk_expr(ctx, RC_AX_NOT, @$); $$->a = $2; }
  | atom
  ;

atom:
    value cmpop value
        { $$ = mk_expr(ctx, RC_AX_CMP, @$); $$->lhs = $1; $$->op = $2; $$->rhs = $3; $$->op_loc = @2; }
  | value KW_IN value DOTDOT value
        {
            $$ = mk_expr(ctx, RC_AX_IN, @$);
            $$->lhs = $1; $$->rhs = $3; $$->hi = $5; $$->op_loc = @2;
        }
  | name '~' pats
        { $$ = mk_expr(ctx, RC_AX_MATCH, @$); $$->field = $1; $$->pats = $3.head; $$->op_loc = @2; }
  | name MATCHI pats
        {
            $$ = mk_expr(ctx, RC_AX_MATCH, @$);
            $$->field = $1; $$->icase = true; $$->pats = $3.head; $$->op_loc = @2;
        }
  | name
        { $$ = mk_expr(ctx, RC_AX_NAME, @$); $$->lhs = mk_val(RC_AV_NAME, 0, $1.name, @1); }
  | '(' cond ')'        { $$ = $2; }
  ;

cmpop:
    EQ  { $$ = RC_CMP_EQ; }
  | NE  { $$ = RC_CMP_NE; }
  | '<' { $$ = RC_CMP_LT; }
  | LE  { $$ = RC_CMP_LE; }
  | '>' { $$ = RC_CMP_GT; }
  | GE  { $$ = RC_CMP_GE; }
  ;

pats:
    pat                 { $$.head = $$.tail = $1; }
  | pats '|' pat        { $$ = $1; APPEND($$, $3); }
  ;

pat:
    STRING
        {
            $$ = RC_NEW(ctx->arena, rc_ast_pat);
            $$->text = $1.s; $$->len = $1.len; $$->loc = @1;
        }
  | REGEX
        {
            $$ = RC_NEW(ctx->arena, rc_ast_pat);
            $$->text = $1.s; $$->len = $1.len; $$->is_regex = true; $$->loc = @1;
        }
  ;

/* ---- retry NAME { ... } ------------------------------------------------ */
retry_block:
    '{'                             { EMPTY($$); }
  | retry_block rsetting            { $$ = $1; APPEND($$, $2); }
  | retry_block error       { $$ = $1; }
  | retry_block error ';'           { $$ = $1; yyerrok; }
  ;

rsetting:
    KW_ATTEMPTS num ';'
        { $$ = mk_set(ctx, RC_S_ATTEMPTS, @$); $$->v[0] = $2; }
  | KW_BACKOFF name KW_BASE num ';'
        { $$ = mk_set(ctx, RC_S_BACKOFF, @$); $$->word = $2; $$->v[0] = $4; }
  | KW_BACKOFF name KW_BASE num KW_FACTOR num ';'
        { $$ = mk_set(ctx, RC_S_BACKOFF, @$); $$->word = $2; $$->v[0] = $4; $$->v[1] = $6; }
  | KW_BACKOFF name KW_BASE num KW_MAX num ';'
        { $$ = mk_set(ctx, RC_S_BACKOFF, @$); $$->word = $2; $$->v[0] = $4; $$->v[2] = $6; }
  | KW_BACKOFF name KW_BASE num KW_FACTOR num KW_MAX num ';'
        {
            $$ = mk_set(ctx, RC_S_BACKOFF, @$);
            $$->word = $2; $$->v[0] = $4; $$->v[1] = $6; $$->v[2] = $8;
        }
  | KW_JITTER lit ';'
        { $$ = mk_set(ctx, RC_S_JITTER, @$); $$->v[0] = $2; }
  | KW_JITTER name ';'
        { $$ = mk_set(ctx, RC_S_JITTER, @$); $$->word = $2; }
  | KW_SCALE scales ';'
        { $$ = mk_set(ctx, RC_S_SCALE, @$); $$->scales = $2.head; }
  | KW_SCALE KW_SEVERITY scales ';'
        { $$ = mk_set(ctx, RC_S_SCALE_SEVERITY, @$); $$->scales = $3.head; }
  | KW_HONOR name ';'
        { $$ = mk_set(ctx, RC_S_HONOR, @$); $$->word = $2; }
  | KW_MAX num ';'
        { $$ = mk_set(ctx, RC_S_MAX, @$); $$->v[0] = $2; }
  | KW_TIMEOUT num ';'
        { $$ = mk_set(ctx, RC_S_TIMEOUT, @$); $$->v[0] = $2; }
  | KW_TIMEOUT num name name ';'
        {
            $$ = mk_set(ctx, RC_S_TIMEOUT, @$); $$->v[0] = $2; $$->word = $4;
            if (strcmp($3.name, "flag") != 0)
                rc_diag_error(ctx->diag, @3, "expected 'flag FIELD' after the timeout (`timeout 5s flag timed_out;`)");
        }
  ;

scales:
    scale               { $$.head = $$.tail = $1; }
  | scales ',' scale    { $$ = $1; APPEND($$, $3); }
  ;

scale:
    name lit
        { $$ = RC_NEW(ctx->arena, rc_ast_scale); $$->name = $1; $$->factor = $2; }
  ;

/* ---- breaker NAME { ... } ---------------------------------------------- */
breaker_block:
    '{'                             { EMPTY($$); }
  | breaker_block bsetting          { $$ = $1; APPEND($$, $2); }
  | breaker_block error     { $$ = $1; }
  | breaker_block error ';'         { $$ = $1; yyerrok; }
  ;

bsetting:
    KW_OPEN KW_AFTER num KW_CONSECUTIVE KW_FAILURES ';'
        { $$ = mk_set(ctx, RC_S_OPEN_AFTER, @$); $$->v[0] = $3; }
  | KW_OPEN KW_AFTER num KW_FAILURES KW_MINUS KW_SUCCESSES ';'
        { $$ = mk_set(ctx, RC_S_OPEN_NET, @$); $$->v[0] = $3; }
  | KW_OPEN KW_AFTER num KW_FAILURES ';'
        {
            /* the likely mistake: no counting mode.  Reported here; the
             * statement is kept as net mode so that the breaker is not also
             * reported as having no open rule. */
            rc_diag_error(ctx->diag, @4, "say how a success counts: 'open after N consecutive failures;' (a success "
                          "sets the count back to 0) or 'open after N failures minus successes;' (a success takes "
                          "one off)");
            $$ = mk_set(ctx, RC_S_OPEN_NET, @$); $$->v[0] = $3;
        }
  | KW_OPEN KW_AT num KW_OF KW_CALLS KW_IN lit ';'
        { $$ = mk_set(ctx, RC_S_OPEN_TIME, @$); $$->v[0] = $3; $$->v[1] = $7; }
  | KW_OPEN KW_AT num KW_OF KW_CALLS KW_IN lit KW_MIN num ';'
        { $$ = mk_set(ctx, RC_S_OPEN_TIME, @$); $$->v[0] = $3; $$->v[1] = $7; $$->v[2] = $9; }
  | KW_OPEN KW_AT num KW_OF KW_CALLS KW_IN lit IDENT lit ';'
        { $$ = mk_set(ctx, RC_S_OPEN_TIME, @$); $$->v[0] = $3; $$->v[1] = $7; $$->word = mk_id($8, @8);
          $$->v3 = $9; }
  | KW_OPEN KW_AT num KW_OF KW_CALLS KW_IN lit IDENT lit KW_MIN num ';'
        { $$ = mk_set(ctx, RC_S_OPEN_TIME, @$); $$->v[0] = $3; $$->v[1] = $7; $$->word = mk_id($8, @8);
          $$->v3 = $9; $$->v[2] = $11; }
  | KW_OPEN KW_AT num IDENT ';'
        { $$ = mk_set(ctx, RC_S_OPEN_SLOW, @$); $$->v[0] = $3; $$->word = mk_id($4, @4); }
  | IDENT IDENT lit ';'
        { $$ = mk_set(ctx, RC_S_SLOW_ABOVE, @$); $$->word = mk_id($1, @1); $$->word2 = mk_id($2, @2);
          $$->v[0] = $3; }
  | IDENT IDENT ';'
        { $$ = mk_set(ctx, RC_S_RETRIES_WAIT, @$); $$->word = mk_id($1, @1); $$->word2 = mk_id($2, @2); }
  | KW_OPEN KW_AT num KW_OF KW_LAST lit KW_CALLS ';'
        { $$ = mk_set(ctx, RC_S_OPEN_AT, @$); $$->v[0] = $3; $$->v[1] = $6; }
  | KW_OPEN KW_AT num KW_OF KW_LAST lit KW_CALLS KW_MIN num ';'
        { $$ = mk_set(ctx, RC_S_OPEN_AT, @$); $$->v[0] = $3; $$->v[1] = $6; $$->v[2] = $9; }
  | KW_OPEN KW_FOR num ';'
        { $$ = mk_set(ctx, RC_S_OPEN_FOR, @$); $$->v[0] = $3; }
  | KW_OPEN KW_FOR num open_word lit ';'
        { $$ = mk_set(ctx, RC_S_OPEN_FOR, @$); $$->v[0] = $3; $$->word = mk_id($4, @4); $$->v[1] = $5; }
  | KW_OPEN KW_FOR num open_word lit KW_MAX num ';'
        { $$ = mk_set(ctx, RC_S_OPEN_FOR, @$); $$->v[0] = $3; $$->word = mk_id($4, @4); $$->v[1] = $5;
          $$->v[2] = $7; }
  | KW_HALF_OPEN KW_PROBES num ';'
        { $$ = mk_set(ctx, RC_S_PROBES, @$); $$->v[0] = $3; }
  | KW_HALF_OPEN KW_TIMEOUT num ';'
        { $$ = mk_set(ctx, RC_S_HALF_OPEN_TIMEOUT, @$); $$->v[0] = $3; }
  | KW_CLOSE KW_AFTER num KW_SUCCESSES ';'
        { $$ = mk_set(ctx, RC_S_CLOSE_AFTER, @$); $$->v[0] = $3; }
  | KW_CLOSE IDENT num ';'
        { $$ = mk_set(ctx, RC_S_CLOSE_BELOW, @$); $$->word = mk_id($2, @2); $$->v[0] = $3; }
  | KW_COUNT names ';'
        { $$ = mk_set(ctx, RC_S_COUNT, @$); $$->names = $2.head; }
  ;

/* The word of `open for D then xF`: `then` is a keyword (`run H then next`);
 * any other word is taken too, so that check.c names the misspelling. */
open_word:
    IDENT
  | KW_THEN
  ;

/* ---- budget NAME { ratio P% min N per D; } ----------------------------- */
budget_block:
    '{'                             { EMPTY($$); }
  | budget_block gsetting           { $$ = $1; APPEND($$, $2); }
  | budget_block error      { $$ = $1; }
  | budget_block error ';'          { $$ = $1; yyerrok; }
  ;

gsetting:
    KW_RATIO num KW_MIN num KW_PER num ';'
        { $$ = mk_set(ctx, RC_S_RATIO, @$); $$->v[0] = $2; $$->v[1] = $4; $$->v[2] = $6; }
  ;

/* ---- escalation { LEVEL => CHANNEL [within D]; unresolved L after N => M; } */
esc_block:
    KW_ESCALATION '{'               { EMPTY($$); }
  | esc_block esc                   { $$ = $1; APPEND($$, $2); }
  | esc_block error         { $$ = $1; }
  | esc_block error ';'             { $$ = $1; yyerrok; }
  ;

esc:
    name ARROW name ';'
        {
            $$ = RC_NEW(ctx->arena, rc_ast_esc);
            $$->level = $1; $$->channel = $3; $$->within = no_val(); $$->count = no_val(); $$->loc = @$;
        }
  | name ARROW name KW_WITHIN lit ';'
        {
            $$ = RC_NEW(ctx->arena, rc_ast_esc);
            $$->level = $1; $$->channel = $3; $$->within = $5; $$->count = no_val(); $$->loc = @$;
        }
  | KW_UNRESOLVED name KW_AFTER lit ARROW name ';'
        {
            $$ = RC_NEW(ctx->arena, rc_ast_esc);
            $$->unresolved = true; $$->level = $2; $$->count = $4; $$->target = $6;
            $$->within = no_val(); $$->loc = @$;
        }
  ;

/* ---- on SELECTORS [when COND] { [deadline D;] steps } ------------------ */
sels:
    sel                 { $$.head = $$.tail = $1; }
  | sels ',' sel        { $$ = $1; APPEND($$, $3); }
  ;

sel:
    name
        { $$ = RC_NEW(ctx->arena, rc_ast_selector); $$->kind = RC_SEL_ERROR; $$->name = $1; $$->loc = @$; }
  | KW_CLASS cname
        { $$ = RC_NEW(ctx->arena, rc_ast_selector); $$->kind = RC_SEL_CLASS; $$->name = $2; $$->loc = @$; }
  | '_'
        { $$ = RC_NEW(ctx->arena, rc_ast_selector); $$->kind = RC_SEL_ANY; $$->loc = @$; }
  ;

/* `deadline` is accepted anywhere in the list so that a misplaced one gets a
 * precise message instead of a generic syntax error. */
on_body:
    '{'                             { EMPTY($$.steps); $$.deadline = no_val(); }
  | on_body KW_DEADLINE num ';'
        {
            $$ = $1;
            if ($$.steps.head)
                rc_diag_error(ctx->diag, @2, "'deadline' must be the first statement of an 'on' block");
            else if ($$.deadline.kind != RC_AV_NONE)
                rc_diag_error(ctx->diag, @2, "duplicate 'deadline' in this 'on' block");
            else
                $$.deadline = $3;
        }
  | on_body step                    { $$ = $1; APPEND($$.steps, $2); }
  | on_body error           { $$ = $1; }
  | on_body error ';'               { $$ = $1; yyerrok; }
  ;

step:
    KW_RETRY name ';'
        { $$ = mk_step(ctx, RC_STEP_RETRY, @$); $$->name = $2; }
  | KW_FALLBACK names ';'
        { $$ = mk_step(ctx, RC_STEP_FALLBACK, @$); $$->alts = $2.head; }
  | KW_FALLBACK KW_ADAPTIVE names ';'
        { $$ = mk_step(ctx, RC_STEP_FALLBACK, @$); $$->alts = $3.head; $$->adaptive = true; }
  | KW_ADJUST name ';'
        { $$ = mk_step(ctx, RC_STEP_ADJUST, @$); $$->name = $2; }
  | KW_ADJUST name KW_DELAY num ';'
        { $$ = mk_step(ctx, RC_STEP_ADJUST, @$); $$->name = $2; $$->dur = $4; }
  | KW_RUN run_items run_tail ';'
        {
            $$ = mk_step(ctx, RC_STEP_RUN, @$);
            if ($2.head == $2.tail) {   /* one handler: `run H [when C] ...` */
                $$->name = $2.head->id;
                $$->when = $2.head->when;
            } else {
                $$->alts = $2.head;
            }
            $$->dur = $3.dur;
            $$->then = $3.then;
        }
  | KW_RUN KW_ADAPTIVE adaptive_names run_tail ';'
        { $$ = mk_step(ctx, RC_STEP_RUN, @$); $$->alts = $3.head; $$->adaptive = true; $$->dur = $4.dur;
          $$->then = $4.then; }
  | KW_DEGRADE name ';'
        { $$ = mk_step(ctx, RC_STEP_DEGRADE, @$); $$->name = $2; }
  | KW_ESCALATE ';'
        { $$ = mk_step(ctx, RC_STEP_ESCALATE, @$); }
  | KW_ESCALATE name ';'
        { $$ = mk_step(ctx, RC_STEP_ESCALATE, @$); $$->name = $2; }
  | KW_ABORT ';'
        { $$ = mk_step(ctx, RC_STEP_ABORT, @$); }
  ;

names:
    name                { rc_ident_list *n = mk_idl(ctx, $1); $$.head = $$.tail = n; }
  | names ',' name      { $$ = $1; rc_ident_list *n = mk_idl(ctx, $3); APPEND($$, n); }
  ;

/* `run adaptive H, ...`: the first handler is a plain identifier, so that
 * `run adaptive timeout 5s;` stays a handler named `adaptive`. */
adaptive_names:
    IDENT               { rc_ident_list *n = mk_idl(ctx, mk_id($1, @1)); $$.head = $$.tail = n; }
  | IDENT KW_WHEN cond
        { rc_ident_list *n = mk_idl(ctx, mk_id($1, @1)); n->when = $3; $$.head = $$.tail = n; }
  | adaptive_names ',' run_item { $$ = $1; APPEND($$, $3.head); }
  ;

/* The handlers of a `run` step, each with an optional condition. */
run_items:
    run_item
  | run_items ',' run_item { $$ = $1; APPEND($$, $3.head); }
  ;

run_item:
    name                { rc_ident_list *n = mk_idl(ctx, $1); $$.head = $$.tail = n; }
  | name KW_WHEN cond   { rc_ident_list *n = mk_idl(ctx, $1); n->when = $3; $$.head = $$.tail = n; }
  ;

/* [timeout D] [then next [if ok]] */
run_tail:
    %empty                          { $$.dur = no_val(); $$.then = 0; }
  | KW_TIMEOUT num                  { $$.dur = $2; $$.then = 0; }
  | then_clause                     { $$.dur = no_val(); $$.then = (int)$1; }
  | KW_TIMEOUT num then_clause      { $$.dur = $2; $$.then = (int)$3; }
  ;

/* `then next` (1) or `then next if ok` (2); the words are checked here so
 * that none of them is a keyword. */
then_clause:
    KW_THEN name
        {
            $$ = 1;
            if (strcmp($2.name, "next") != 0)
                rc_diag_error(ctx->diag, @2, "expected 'next' after 'then' (`then next;` or `then next if ok;`)");
        }
  | KW_THEN name name name
        {
            $$ = 2;
            if (strcmp($2.name, "next") != 0 || strcmp($3.name, "if") != 0 || strcmp($4.name, "ok") != 0)
                rc_diag_error(ctx->diag, @2, "expected 'next if ok' after 'then' (or `then next;`)");
        }
  ;

/* ---- values and names -------------------------------------------------- */
lit:
    INT                 { $$ = mk_val(RC_AV_INT, $1, NULL, @1); }
  | DURATION            { $$ = mk_val(RC_AV_DURATION, $1, NULL, @1); }
  | PERCENT             { $$ = mk_val(RC_AV_PERCENT, $1, NULL, @1); }
  | DECPERCENT          { $$ = mk_val(RC_AV_DECPERCENT, $1, NULL, @1); }
  | DECIMAL             { $$ = mk_val(RC_AV_FACTOR, $1, NULL, @1); }
  | XFACTOR             { $$ = mk_val(RC_AV_FACTOR, $1, NULL, @1); }
  ;

value:
    lit
  | name                { $$ = mk_val(RC_AV_NAME, 0, $1.name, @1); }
  ;

/* A number in a setting or step: a literal, or a `param` (checked). */
num:
    lit
  | IDENT               { $$ = mk_val(RC_AV_NAME, 0, $1, @1); }
  ;

name:
    IDENT               { $$ = mk_id($1, @1); }
  | kwname              { $$ = mk_id($1, @1); }
  ;

/* After `on class` a following `when` starts the condition. */
cname:
    IDENT               { $$ = mk_id($1, @1); }
  | kwname_nowhen       { $$ = mk_id($1, @1); }
  ;

kwname:
    kwname_nowhen
  | KW_WHEN
  ;

kwname_nowhen:
    KW_POLICY | KW_VERSION | KW_FAULT | KW_CONST | KW_CLASS | KW_RETRYABLE
  | KW_ERROR | KW_MESSAGE | KW_HINT | KW_STEPS | KW_CLASSIFY | KW_RETRY
  | KW_ATTEMPTS | KW_BACKOFF | KW_BASE | KW_FACTOR | KW_MAX | KW_JITTER
  | KW_SCALE | KW_SEVERITY | KW_HONOR | KW_BREAKER | KW_OPEN | KW_AFTER
  | KW_CONSECUTIVE | KW_FAILURES | KW_AT | KW_OF | KW_LAST | KW_CALLS | KW_MIN
  | KW_FOR | KW_HALF_OPEN | KW_PROBES | KW_CLOSE | KW_SUCCESSES | KW_COUNT
  | KW_BUDGET | KW_RATIO | KW_PER | KW_ESCALATION | KW_WITHIN | KW_UNRESOLVED
  | KW_DEADLINE | KW_ON | KW_ADJUST | KW_DELAY | KW_RUN | KW_TIMEOUT
  | KW_FALLBACK | KW_ADAPTIVE | KW_DEGRADE | KW_ESCALATE | KW_ABORT | KW_IN
  | KW_IMPORT | KW_PARAM | KW_STRUCT | KW_AGEING | KW_INCIDENTS | KW_MINUS | KW_THEN
  | KW_STATS
  ;

%%

/* ---- messages ------------------------------------------------------------ */

const char *rc_token_spelling(int kind)
{
    if (kind <= 0) return "end of file";
    return yysymbol_name(YYTRANSLATE(kind));
}

/* Bison calls this only when the stack is full: nesting too deep. */
static void rc_yyerror(rc_loc *loc, void *scanner, rc_pctx *ctx, const char *msg)
{
    (void)scanner;
    if (strcmp(msg, "memory exhausted") == 0)
        rc_diag_error(ctx->diag, *loc, "conditions nested too deeply (the limit is %d levels)",
                      YYMAXDEPTH / 2);
    else
        rc_diag_error(ctx->diag, *loc, "%s", msg);
}

/* Symbol kind of a character token. */
#define SYM(c) ((yysymbol_kind_t)YYTRANSLATE(c))

static bool is_kw(yysymbol_kind_t k)
{
    return k >= YYSYMBOL_KW_POLICY && k <= YYSYMBOL_KW_STATS;
}

/* How the offending token is shown: its source text, quoted and shortened. */
static void describe(const rc_pctx *c, yysymbol_kind_t k, const rc_loc *loc, char *buf, size_t cap)
{
    if (k == YYSYMBOL_YYEOF) {
        snprintf(buf, cap, "end of file");
        return;
    }
    const rc_ptok *t = &c->cur;
    if (t->loc.line != loc->line || t->loc.col != loc->col || t->len == 0) {
        snprintf(buf, cap, "%s", yysymbol_name(k));
        return;
    }
    char text[48];
    size_t n = t->len < 40 ? t->len : 36, j = 0;
    for (size_t i = 0; i < n && t->off + i < c->len; i++) {
        unsigned char ch = (unsigned char)c->src[t->off + i];
        text[j++] = (char)(ch >= 0x20 && ch < 0x7f ? ch : '?');
    }
    if (n < t->len) { memcpy(text + j, "...", 3); j += 3; }
    text[j] = '\0';
    if (k == YYSYMBOL_STRING) snprintf(buf, cap, "string %s", text);
    else if (k == YYSYMBOL_REGEX) snprintf(buf, cap, "regex %s", text);
    else snprintf(buf, cap, "'%s'", text);
}

/* "A, B or C" from the expected tokens; keywords are dropped when an
 * identifier is expected (a name may be spelled like a keyword), and the
 * literal kinds are folded into "a number". */
static void expected_list(const yysymbol_kind_t *exp, int n, char *buf, size_t cap, int *count)
{
    bool ident = false, number = false;
    for (int i = 0; i < n; i++) {
        if (exp[i] == YYSYMBOL_IDENT) ident = true;
        if (exp[i] == YYSYMBOL_INT || exp[i] == YYSYMBOL_DURATION || exp[i] == YYSYMBOL_PERCENT || exp[i] == YYSYMBOL_DECPERCENT ||
            exp[i] == YYSYMBOL_DECIMAL || exp[i] == YYSYMBOL_XFACTOR)
            number = true;
    }
    const char *items[YYNTOKENS + 1];
    int m = 0;
    if (number) items[m++] = "a number";
    for (int i = 0; i < n; i++) {
        yysymbol_kind_t k = exp[i];
        if (k == YYSYMBOL_INT || k == YYSYMBOL_DURATION || k == YYSYMBOL_PERCENT || k == YYSYMBOL_DECPERCENT ||
            k == YYSYMBOL_DECIMAL || k == YYSYMBOL_XFACTOR || k == YYSYMBOL_YYerror)
            continue;
        if (ident && is_kw(k)) continue;
        items[m++] = k == YYSYMBOL_IDENT ? "a name" : yysymbol_name(k);
    }
    *count = m;
    buf[0] = '\0';
    size_t used = 0;
    for (int i = 0; i < m && used < cap; i++) {
        const char *sep = i == 0 ? "" : (i == m - 1 ? " or " : ", ");
        int w = snprintf(buf + used, cap - used, "%s%s", sep, items[i]);
        if (w < 0) break;
        used += (size_t)w;
    }
}

/* Statement keywords of each block, for "unknown statement" messages. */
static const struct {
    yysymbol_kind_t marker;
    const char *block, *valid;
} rc_blocks[] = {
    {YYSYMBOL_KW_ATTEMPTS, "retry block", "attempts, backoff, jitter, scale, honor, max, timeout"},
    {YYSYMBOL_KW_HALF_OPEN, "breaker block", "open, half_open, close, count"},
    {YYSYMBOL_KW_RATIO, "budget block", "ratio"},
    {YYSYMBOL_KW_ABORT, "'on' block", "retry, fallback, adjust, run, degrade, escalate, abort"},
    {YYSYMBOL_KW_HINT, "error body", "message, hint, steps"},
};

/* Keywords that start a top-level declaration. */
static bool is_decl_kw(yysymbol_kind_t t)
{
    return t == YYSYMBOL_KW_POLICY || t == YYSYMBOL_KW_IMPORT || t == YYSYMBOL_KW_FAULT || t == YYSYMBOL_KW_CONST ||
           t == YYSYMBOL_KW_PARAM || t == YYSYMBOL_KW_CLASS || t == YYSYMBOL_KW_ERROR || t == YYSYMBOL_KW_CLASSIFY ||
           t == YYSYMBOL_KW_BREAKER || t == YYSYMBOL_KW_BUDGET || t == YYSYMBOL_KW_ESCALATION || t == YYSYMBOL_KW_ON;
}

/* The innermost open brace, or NULL. */
static const rc_pbrace *open_brace(const rc_pctx *ctx)
{
    if (ctx->depth <= 0) return NULL;
    return &ctx->braces[ctx->depth <= RC_PARSE_MAXBRACES ? ctx->depth - 1 : RC_PARSE_MAXBRACES - 1];
}

/* The note under an "is not closed" error: where the block opened. */
static void opened_here(rc_pctx *ctx)
{
    const rc_pbrace *b = open_brace(ctx);
    ctx->unclosed_reported = true;
    /* the parser's idea of the nesting is wrong from here on: its later
     * syntax errors would be follow-ups, so they are not reported (the
     * scanner's still are) */
    ctx->quiet_until = LONG_MAX;
    if (b) rc_diag_note(ctx->diag, b->loc, "the '%s' block opened here", b->word);
}

/* A declaration keyword first on its line while a block is open, read as a
 * name (keywords can be names) or refused: the block was not closed.  The
 * keyword is the lookahead, or the token before it when the lookahead
 * could follow it in a declaration (a name, '{' or '_').  `retry` and
 * `deadline` are steps too and are left to the block's own messages. */
static bool unclosed_before_decl(rc_pctx *ctx, yysymbol_kind_t t)
{
    if (ctx->depth <= 0 || ctx->unclosed_reported) return false;
    const rc_ptok *k = NULL;
    if (ctx->cur.bol && is_decl_kw(t)) {
        k = &ctx->cur;
    } else if (ctx->prev.bol && is_decl_kw((yysymbol_kind_t)YYTRANSLATE(ctx->prev.kind)) &&
               (t == YYSYMBOL_IDENT || is_kw(t) || t == SYM('{') || t == SYM('_'))) {
        k = &ctx->prev;
    }
    if (!k) return false;
    const rc_pbrace *b = open_brace(ctx);
    rc_diag_error(ctx->diag, k->loc, "expected '}' before '%.*s': the '%s' block is not closed", (int)k->len,
                  ctx->src + k->off, b ? b->word : "?");
    opened_here(ctx);
    return true;
}

/* The word of `list` ("a, b, c") closest to the current token's text
 * (suggest.h), copied into out; false when none is close. */
static bool suggest_in(const rc_pctx *ctx, const char *list, char *out)
{
    char words[16][RC_SUGGEST_MAX + 1], tok[RC_SUGGEST_MAX + 1];
    const char *cands[16];
    size_t n = 0;
    for (const char *p = list; *p && n < 16;) {
        size_t len = strcspn(p, ", ");
        if (len && len <= RC_SUGGEST_MAX) {
            memcpy(words[n], p, len);
            words[n][len] = '\0';
            cands[n] = words[n];
            n++;
        }
        p += len;
        p += strspn(p, ", ");
    }
    if (ctx->cur.len == 0 || ctx->cur.len > RC_SUGGEST_MAX || ctx->cur.off + ctx->cur.len > ctx->len) return false;
    memcpy(tok, ctx->src + ctx->cur.off, ctx->cur.len);
    tok[ctx->cur.len] = '\0';
    const char *s = rc_suggest(tok, cands, n);
    if (!s) return false;
    memcpy(out, s, strlen(s) + 1);
    return true;
}

static int yyreport_syntax_error(const yypcontext_t *yyctx, void *scanner, rc_pctx *ctx)
{
    (void)scanner;
    rc_diag *d = ctx->diag;
    /* An unterminated string or regex ran to the end of its line, or stray
     * bytes were skipped: the parse error that follows from it is not news. */
    if (d->stopped || ctx->ntok <= ctx->quiet_until) return 0;
    yysymbol_kind_t exp[YYNTOKENS];
    int n = yypcontext_expected_tokens(yyctx, exp, YYNTOKENS);
    if (n < 0) n = 0;
    yysymbol_kind_t t = yypcontext_token(yyctx);
    rc_loc loc = *yypcontext_location(yyctx);
    bool has[YYNTOKENS] = {false};
    for (int i = 0; i < n; i++) has[exp[i]] = true;
    char what[96];
    describe(ctx, t, &loc, what, sizeof what);
    bool word = t == YYSYMBOL_IDENT || is_kw(t);

    /* `status = 429` */
    if (t == SYM('=') && has[YYSYMBOL_EQ]) {
        rc_diag_error(d, loc, "use '==' to compare; '=' is not an operator in conditions");
        return 0;
    }
    if (unclosed_before_decl(ctx, t)) return 0;
    /* top level: a declaration was expected */
    if (has[YYSYMBOL_KW_CLASSIFY] && has[YYSYMBOL_KW_ON] && !has[YYSYMBOL_IDENT]) {
        if (!ctx->decl_seen && !ctx->header_seen && !ctx->header_reported) {
            ctx->header_reported = true;
            if (t == YYSYMBOL_YYEOF)
                rc_diag_error(d, loc, "empty policy: a policy starts with 'policy NAME version N;'");
            else
                rc_diag_error(d, loc, "expected 'policy NAME version N;' at the start of the file, before %s",
                              what);
        } else if (t == SYM('}')) {
            rc_diag_error(d, loc, "unexpected '}': no block is open here");
        } else {
            static const char decls[] = "policy, import, fault, const, class, error, classify, retry, breaker, "
                                        "budget, escalation, deadline, param, limit, on";
            char sug[RC_SUGGEST_MAX + 1];
            if (word && suggest_in(ctx, decls, sug)) {
                rc_diag_error(d, loc, "expected a declaration before %s; did you mean '%s'?", what, sug);
                rc_diag_edit_add(d, loc, sug, "replace %s with '%s'", what, sug);
            } else {
                rc_diag_error(d, loc,
                              "expected a declaration (policy, import, fault, const, class, error, classify, "
                              "retry, breaker, budget, escalation, deadline, param, limit or on) before %s", what);
            }
        }
        return 0;
    }
    /* a missing ';' at the end of a line is reported after the previous token */
    if (has[SYM(';')]) {
        bool eol = t == YYSYMBOL_YYEOF || (ctx->prev.loc.line > 0 && loc.line > ctx->prev.loc.end_line);
        if (eol && ctx->prev.len > 0) {
            rc_loc at = {ctx->prev.loc.end_line, ctx->prev.loc.end_col + 1, 0, 0};
            char prev[96];
            rc_ptok saved = ctx->cur;
            ctx->cur = ctx->prev;
            describe(ctx, (yysymbol_kind_t)YYTRANSLATE(ctx->prev.kind), &ctx->prev.loc, prev, sizeof prev);
            ctx->cur = saved;
            rc_diag_error(d, at, "expected ';' after %s", prev);
            return 0;
        }
        if (n == 1) {
            rc_diag_error(d, loc, "expected ';' before %s", what);
            return 0;
        }
    }
    if (t == YYSYMBOL_YYEOF && has[SYM('}')]) {
        /* one message per unclosed block: at the end of the last token,
         * with a note at the brace that opened it */
        if (ctx->unclosed_reported) return 0;
        const rc_pbrace *b = open_brace(ctx);
        rc_loc at = loc;
        if (ctx->prev.len > 0) at = (rc_loc){ ctx->prev.loc.end_line, ctx->prev.loc.end_col + 1, 0, 0 };
        if (b)
            rc_diag_error(d, at, "expected '}' at end of file: the '%s' block opened on line %d is not closed", b->word,
                          b->loc.line);
        else
            rc_diag_error(d, at, "expected '}' at end of file");
        opened_here(ctx);
        return 0;
    }
    /* unknown statement at the start of a block item */
    for (size_t i = 0; i < sizeof rc_blocks / sizeof rc_blocks[0]; i++) {
        if (!has[rc_blocks[i].marker] || has[YYSYMBOL_IDENT]) continue;
        bool decl_kw = t == YYSYMBOL_KW_POLICY || t == YYSYMBOL_KW_IMPORT || t == YYSYMBOL_KW_FAULT ||
                       t == YYSYMBOL_KW_CONST || t == YYSYMBOL_KW_PARAM || t == YYSYMBOL_KW_CLASS || t == YYSYMBOL_KW_ERROR ||
                       t == YYSYMBOL_KW_CLASSIFY || t == YYSYMBOL_KW_BREAKER || t == YYSYMBOL_KW_BUDGET ||
                       t == YYSYMBOL_KW_ESCALATION || t == YYSYMBOL_KW_ON ||
                       (t == YYSYMBOL_KW_RETRY && !has[YYSYMBOL_KW_RETRY]);
        if (decl_kw && loc.line > ctx->prev.loc.end_line) {
            rc_diag_error(d, loc, "expected '}' before %s: the %s is not closed", what, rc_blocks[i].block);
            opened_here(ctx);
            return 0;
        }
        char sug[RC_SUGGEST_MAX + 1];
        if (word && suggest_in(ctx, rc_blocks[i].valid, sug)) {
            rc_diag_error(d, loc, "unknown statement %s in %s; did you mean '%s'?", what, rc_blocks[i].block, sug);
            rc_diag_edit_add(d, loc, sug, "replace %s with '%s'", what, sug);
        } else if (word)
            rc_diag_error(d, loc, "unknown statement %s in %s; expected %s or '}'", what,
                          rc_blocks[i].block, rc_blocks[i].valid);
        else
            rc_diag_error(d, loc, "expected a statement (%s) or '}' in %s before %s", rc_blocks[i].valid,
                          rc_blocks[i].block, what);
        return 0;
    }
    /* `on x retry y;` */
    if (has[SYM('{')] && has[YYSYMBOL_KW_WHEN] + has[YYSYMBOL_AND] > 0 &&
        (t == YYSYMBOL_KW_RETRY || t == YYSYMBOL_KW_FALLBACK || t == YYSYMBOL_KW_ADJUST ||
         t == YYSYMBOL_KW_RUN || t == YYSYMBOL_KW_DEGRADE || t == YYSYMBOL_KW_ESCALATE ||
         t == YYSYMBOL_KW_ABORT || t == YYSYMBOL_KW_DEADLINE)) {
        rc_diag_error(d, loc, "expected '{' before %s: the steps of an 'on' block go in braces", what);
        return 0;
    }
    /* `status == 429 rate_limit;` */
    if (has[YYSYMBOL_ARROW] && !has[YYSYMBOL_EQ]) {
        rc_diag_error(d, loc, "expected '=>' before %s", what);
        return 0;
    }
    if (has[YYSYMBOL_ARROW] && has[YYSYMBOL_EQ]) {
        rc_diag_error(d, loc, "expected an operator (==, !=, <, <=, >, >=, in, ~, ~i) or '=>' before %s", what);
        return 0;
    }
    if (has[YYSYMBOL_IDENT] && has[SYM('!')] && has[SYM('(')]) {
        if (has[SYM('_')])
            rc_diag_error(d, loc, "expected a rule ('CONDITION => ERROR;' or '_ => ERROR;') or '}' before %s", what);
        else
            rc_diag_error(d, loc, "expected a condition before %s", what);
        return 0;
    }
    char list[512];
    int count;
    expected_list(exp, n, list, sizeof list, &count);
    if (count > 0 && count <= 6)
        rc_diag_error(d, loc, "expected %s before %s", list, what);
    else
        rc_diag_error(d, loc, "unexpected %s", what);
    return 0;
}
