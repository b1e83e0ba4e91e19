/* cout.h - the emitting layer of the C back end: indentation and line
 * structure of generated C.
 *
 * The emitters say what a line is (a statement, a block opened or closed, a
 * case label, a comment, a blank line) and rc_cout writes it at the current
 * depth, four spaces a level, as re2c's code lists and lemon's template keep
 * layout out of the code that decides what to emit.  No emitter types an
 * indentation.  A line may be built in pieces (rc_cout_begin, rc_cout_put,
 * rc_cout_end) when its middle is written by another function, such as a
 * condition.  All state is in the rc_cout the caller owns.
 */
#ifndef RC_COUT_H
#define RC_COUT_H

#include <stdbool.h>
#include <stdio.h>

typedef struct rc_cout {
    FILE *f;
    int depth;          /* indentation, in levels of 4 spaces */
    bool midline;       /* rc_cout_begin'ed and not yet ended */
    bool unbalanced;    /* closed more than opened, or ended a line never begun */
    long line;          /* lines written so far */
    const char *self;   /* with #line directives: this file's name; NULL: none */
    const char *ofile;  /* the origin of the lines now written (a policy file), or NULL */
    int oline;
} rc_cout;

#define RC_COUT_FMT(a, b) __attribute__((format(printf, a, b)))

void rc_cout_init(rc_cout *o, FILE *f);

/* One line at the current depth. */
void rc_cout_line(rc_cout *o, const char *fmt, ...) RC_COUT_FMT(2, 3);
/* An empty line. */
void rc_cout_blank(rc_cout *o);
/* A one-line comment: / * text * / at the current depth. */
void rc_cout_comment(rc_cout *o, const char *fmt, ...) RC_COUT_FMT(2, 3);

/* A line that opens a block (the text ends in "{", or names a case), then
 * one level deeper. */
void rc_cout_open(rc_cout *o, const char *fmt, ...) RC_COUT_FMT(2, 3);
/* One level shallower, then the line that closes the block ("}", "};"). */
void rc_cout_close(rc_cout *o, const char *fmt, ...) RC_COUT_FMT(2, 3);
/* Close and open on one line: "} else {", "} else if (x) {". */
void rc_cout_reopen(rc_cout *o, const char *fmt, ...) RC_COUT_FMT(2, 3);
/* A label one level out of the current depth: "case 3u:", "default:". */
void rc_cout_label(rc_cout *o, const char *fmt, ...) RC_COUT_FMT(2, 3);

/* A line in pieces: begin (indentation and text), put (more text), end
 * (the last text and the newline); end_open also opens a block. */
void rc_cout_begin(rc_cout *o, const char *fmt, ...) RC_COUT_FMT(2, 3);
void rc_cout_put(rc_cout *o, const char *fmt, ...) RC_COUT_FMT(2, 3);
void rc_cout_end(rc_cout *o, const char *fmt, ...) RC_COUT_FMT(2, 3);
void rc_cout_end_open(rc_cout *o, const char *fmt, ...) RC_COUT_FMT(2, 3);
/* End the line begun, with nothing more on it. */
void rc_cout_endl(rc_cout *o);

/* Text as is (no indentation, no newline): for callers that write the
 * middle of a line. */
void rc_cout_raw(rc_cout *o, const char *s);
void rc_cout_char(rc_cout *o, char ch);

/* #line directives (`recovc compile --line-directives`): once enabled, every
 * non-blank line written while an origin is set is preceded by
 * `#line N "file"`, so that a debugger shows the policy line N for each of
 * them; clearing the origin (file NULL) writes `#line M "self"`, M the next
 * line of this file.  Without rc_cout_line_directives, origins write
 * nothing. */
void rc_cout_line_directives(rc_cout *o, const char *self);
void rc_cout_origin(rc_cout *o, const char *file, int line);

/* True when every block opened was closed and every line begun ended. */
bool rc_cout_balanced(const rc_cout *o);

#endif
