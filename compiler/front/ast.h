/* ast.h - the syntax tree built by dsl/recov.y.
 *
 * The parser's actions only build these nodes; all meaning (names, types,
 * ranges) is given by check.c.  Every node lives in the compilation's arena.
 * Lists are singly linked through `next`, in source order.
 *
 * Numbers: integer literals are kept as written (int64, value range checked by
 * check.c).  Durations are converted to milliseconds by the parser but kept in
 * int64 so that overflow of 32-bit milliseconds is reported by check.c at the
 * literal.  Decimal factors (`factor 1.5`, `x1.5`) are kept in thousandths:
 * 1.5 -> 1500; more than three decimals is a syntax error reported by the
 * lexer.
 */
#ifndef RC_AST_H
#define RC_AST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"

typedef struct rc_ident {
    const char *name;   /* NULL when absent */
    rc_loc loc;
} rc_ident;

typedef struct rc_ident_list {
    rc_ident id;
    struct rc_ast_expr *when;   /* a handler's condition in a `run` step (`run H when C, ...`), else NULL */
    struct rc_ident_list *next;
} rc_ident_list;

/* A value in a condition or setting. */
typedef enum rc_ast_vkind {
    RC_AV_NONE,      /* absent */
    RC_AV_INT,       /* 42, -7, 0x2A            num */
    RC_AV_DURATION,  /* 250ms 1s 5m 2h          num = milliseconds */
    RC_AV_PERCENT,   /* 25%                     num = 25 */
    RC_AV_DECPERCENT,/* 12.5%                   num = thousandths of a percent (12500) */
    RC_AV_FACTOR,    /* x1.5 or a decimal 1.5   num = thousandths (1500) */
    RC_AV_NAME,      /* identifier: const, field, severity, class, true/false... */
} rc_ast_vkind;

typedef struct rc_ast_value {
    rc_ast_vkind kind;
    int64_t num;
    const char *name;
    rc_loc loc;
} rc_ast_value;

/* String or regex pattern; alternatives of one `~` are linked by next. */
typedef struct rc_ast_pat {
    const char *text;   /* decoded bytes of a "string", raw body of a /regex/ */
    size_t len;
    bool is_regex;
    rc_loc loc;         /* of the whole literal, quotes/slashes included */
    struct rc_ast_pat *next;
} rc_ast_pat;

typedef enum rc_cmp { RC_CMP_EQ, RC_CMP_NE, RC_CMP_LT, RC_CMP_LE, RC_CMP_GT, RC_CMP_GE } rc_cmp;

typedef enum rc_ast_xkind {
    RC_AX_CMP,    /* lhs op rhs                         */
    RC_AX_IN,     /* lhs in rhs..hi  (inclusive)         */
    RC_AX_MATCH,  /* field ~ pats  /  field ~i pats      */
    RC_AX_NAME,   /* a bare identifier (a bool field)    */
    RC_AX_AND, RC_AX_OR, RC_AX_NOT,
} rc_ast_xkind;

typedef struct rc_ast_expr {
    rc_ast_xkind kind;
    rc_loc loc;                 /* whole expression */
    rc_cmp op;                  /* CMP */
    rc_ast_value lhs, rhs, hi;  /* CMP, IN; NAME uses lhs */
    rc_ident field;             /* MATCH */
    bool icase;                 /* MATCH with ~i */
    rc_ast_pat *pats;           /* MATCH */
    rc_loc op_loc;              /* the operator token (CMP, IN, MATCH) */
    struct rc_ast_expr *a, *b;  /* AND, OR (a, b); NOT (a) */
} rc_ast_expr;

/* `scale rate_limit_exceeded x2, network_timeout x1.5;`
 * `scale severity high x1.5, critical x2;`  */
typedef struct rc_ast_scale {
    rc_ident name;
    rc_ast_value factor;        /* RC_AV_FACTOR */
    struct rc_ast_scale *next;
} rc_ast_scale;

/* One statement inside a retry / breaker / budget block.  Which members are
 * used depends on kind (listed per kind). */
typedef enum rc_ast_skind {
    RC_S_ATTEMPTS,       /* attempts N;                          v[0] INT            */
    RC_S_BACKOFF,        /* backoff KIND base D [factor F] [max D];
                            word = constant|linear|exponential (any ident, checked),
                            v[0] base (DURATION), v[1] factor (INT or FACTOR, or NONE),
                            v[2] max (DURATION or NONE)                              */
    RC_S_JITTER,         /* jitter none|full|equal|decorrelated;  word
                            jitter N%;                           v[0] PERCENT        */
    RC_S_SCALE,          /* scale ERR xF, ...;                   scales              */
    RC_S_SCALE_SEVERITY, /* scale severity SEV xF, ...;          scales              */
    RC_S_HONOR,          /* honor FIELD;                         word                */
    RC_S_MAX,            /* max D;  (cap, same as backoff's max) v[0]                */
    RC_S_TIMEOUT,        /* timeout D [flag FIELD];              v[0], word (FIELD, NULL name: none) */
    RC_S_OPEN_AFTER,     /* open after N consecutive failures;   v[0] INT            */
    RC_S_OPEN_NET,       /* open after N failures minus successes;  v[0] INT         */
    RC_S_OPEN_AT,        /* open at P% of last N calls [min M];  v[0] PERCENT, v[1] INT, v[2] INT|NONE */
    RC_S_OPEN_TIME,      /* open at P% of calls in D [buckets K] [min M];  v[0] PERCENT, v[1] DURATION,
                            word "buckets" (NULL name: none), v3 INT, v[2] INT|NONE                    */
    RC_S_OPEN_SLOW,      /* open at P% slow;                     v[0] PERCENT, word "slow"          */
    RC_S_SLOW_ABOVE,     /* slow above T;                        word "slow", word2 "above", v[0]   */
    RC_S_RETRIES_WAIT,   /* retries wait;                        word "retries", word2 "wait"       */
    RC_S_OPEN_FOR,       /* open for D [then xF [max D2]];       v[0] DURATION, word "then",
                                                                    v[1] XFACTOR|NONE, v[2] DURATION|NONE */
    RC_S_PROBES,         /* half_open probes N;                  v[0] INT            */
    RC_S_CLOSE_AFTER,    /* close after N successes;             v[0] INT            */
    RC_S_CLOSE_BELOW,    /* close below P%;                      word "below", v[0] PERCENT */
    RC_S_HALF_OPEN_TIMEOUT, /* half_open timeout D;              v[0] DURATION       */
    RC_S_COUNT,          /* count NAME, NAME...;  (errors or classes)  names        */
    RC_S_RATIO,          /* ratio P% min N per D;                v[0] PERCENT, v[1] INT, v[2] DURATION */
} rc_ast_skind;

typedef struct rc_ast_setting {
    rc_ast_skind kind;
    rc_loc loc;                 /* whole statement */
    rc_ast_value v[3];
    rc_ident word;
    rc_ident word2;             /* RC_S_SLOW_ABOVE: "above"; RC_S_RETRIES_WAIT: "wait" */
    rc_ast_value v3;            /* RC_S_OPEN_TIME: the bucket count (NONE: default) */
    rc_ast_scale *scales;
    rc_ident_list *names;
    struct rc_ast_setting *next;
} rc_ast_setting;

typedef enum rc_ast_stepkind {
    RC_STEP_RETRY,     /* retry STRATEGY;                    name           */
    RC_STEP_FALLBACK,  /* fallback [adaptive] A, B, ...;     alts, adaptive */
    RC_STEP_ADJUST,    /* adjust NAME [delay D];             name, dur      */
    RC_STEP_RUN,       /* run NAME [when C] [timeout D] [then next [if ok]];   name, when, dur, then
                          run [adaptive] A [when C], B, ... [timeout D] [then ...];  alts (each with its
                          when), adaptive, dur, then */
    RC_STEP_DEGRADE,   /* degrade MODE;                      name           */
    RC_STEP_ESCALATE,  /* escalate [LEVEL];                  name (NULL: the error's severity) */
    RC_STEP_ABORT,     /* abort;                                            */
} rc_ast_stepkind;

typedef struct rc_ast_step {
    rc_ast_stepkind kind;
    rc_loc loc;
    rc_ident name;
    rc_ident_list *alts;
    bool adaptive;
    rc_ast_value dur;           /* RC_AV_NONE when absent */
    int then;                   /* RUN: rc_ir_next (`then next [if ok]`), 0 none */
    struct rc_ast_expr *when;   /* single RUN: its handler's condition, NULL none */
    struct rc_ast_step *next;
} rc_ast_step;

typedef enum rc_ast_selkind { RC_SEL_ERROR, RC_SEL_CLASS, RC_SEL_ANY } rc_ast_selkind;

typedef struct rc_ast_selector {
    rc_ast_selkind kind;
    rc_ident name;              /* ERROR, CLASS */
    rc_loc loc;
    struct rc_ast_selector *next;
} rc_ast_selector;

/* escalation { LEVEL => CHANNEL [within D]; unresolved LEVEL after N => LEVEL; } */
typedef struct rc_ast_esc {
    bool unresolved;
    rc_ident level;             /* low|medium|high|critical (checked) */
    rc_ident channel;           /* !unresolved */
    rc_ast_value within;        /* !unresolved: DURATION or NONE */
    rc_ast_value count;         /* unresolved: INT */
    rc_ident target;            /* unresolved: level */
    rc_loc loc;
    struct rc_ast_esc *next;
} rc_ast_esc;

typedef struct rc_ast_field {
    rc_ident name;
    rc_ident type;              /* u8 u16 u32 i8 i16 i32 bool text (checked) */
    struct rc_ast_field *next;
} rc_ast_field;

typedef struct rc_ast_string {
    const char *text;
    size_t len;
    rc_loc loc;
    struct rc_ast_string *next;
} rc_ast_string;

typedef struct rc_ast_rule {
    rc_ast_expr *cond;          /* NULL for `_` */
    rc_loc any_loc;             /* location of `_` when cond == NULL */
    rc_ident error;
    rc_loc loc;                 /* whole rule */
    struct rc_ast_rule *next;
} rc_ast_rule;

typedef enum rc_ast_dkind {
    RC_D_FAULT,        /* fault { fields }                         fields            */
    RC_D_IMPORT,       /* import "header.h";   (section 4, later)  str               */
    RC_D_FAULT_STRUCT, /* fault = struct NAME; (section 4, later)  name              */
    RC_D_CONST,        /* const NAME = VALUE;                      name, value       */
    RC_D_PARAM,        /* param NAME : TYPE in LO..HI = DEFAULT;   name, cls (the type),
                          range_lo, range_hi, value (the default)  */
    RC_D_CLASS,        /* class NAME [retryable];                  name, flag        */
    RC_D_ERROR,        /* error NAME : CLASS, SEVERITY [{ message "..."; hint "..."; steps "a", "b"; }]
                          name, cls, severity, message, hint, steps */
    RC_D_CLASSIFY,     /* classify { rules }                       rules             */
    RC_D_RETRY,        /* retry NAME { settings }                  name, settings    */
    RC_D_BREAKER,      /* breaker NAME [per alternative] { settings }  name, settings,
                          flag (per alternative) */
    RC_D_BUDGET,       /* budget NAME { settings }                 name, settings    */
    RC_D_ESCALATION,   /* escalation { entries }                   esc               */
    RC_D_DEADLINE,     /* deadline D;                              value             */
    RC_D_LIMIT,        /* limit rate N per D burst M; (flag; value, range_lo, range_hi)
                          | limit concurrent N; (value); name: the kind word */
    RC_D_AGEING,       /* adaptive ageing N incidents; | adaptive ageing D;
                          value, flag (true: incidents) */
    RC_D_STATS,        /* stats;                                   (nothing)         */
    RC_D_ON,           /* on SELECTORS [when COND] { [deadline D;] steps }
                          sels, when, value (deadline or NONE), steps */
} rc_ast_dkind;

typedef struct rc_ast_decl {
    rc_ast_dkind kind;
    rc_loc loc;                 /* keyword to closing brace / semicolon */
    rc_ident name;
    rc_ast_value value;
    rc_ast_value range_lo, range_hi;    /* PARAM */
    bool flag;
    rc_ident cls, severity;
    rc_ast_string *message, *hint, *steps_text, *str;
    rc_ast_field *fields;
    rc_ast_rule *rules;
    rc_ast_setting *settings;
    rc_ast_esc *esc;
    rc_ast_selector *sels;
    rc_ast_expr *when;
    rc_ast_step *steps;
    struct rc_ast_decl *next;
} rc_ast_decl;

typedef struct rc_ast_policy {
    rc_ident name;              /* NULL name when the header is missing */
    rc_ast_value version;       /* INT */
    rc_loc loc;
    rc_ast_decl *decls;         /* source order */
    bool force_stats;           /* `--stats`: as if the policy said `stats;` */
} rc_ast_policy;

#endif
