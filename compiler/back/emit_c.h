/* emit_c.h - checked IR -> P.h and P.c (freestanding C99).
 *
 * The generated code implements spec/semantics.md exactly (the simulator in
 * sim.c implements the same text; `recovc test --via c` compares the two) and
 * the API of spec/generated-api.md, with checkpoints as in spec/checkpoint.md.
 * Output depends only on the IR and header_name: no time stamps, no paths.
 */
#ifndef RC_EMIT_C_H
#define RC_EMIT_C_H

#include <stdbool.h>
#include <stdio.h>

#include "ir.h"

/* Write the header to h and the implementation to c for policy ir->name.
 * header_name is what P.c #includes (e.g. "agent_call.h").  Every IR the
 * checker accepts can be emitted (the name rules are the checker's:
 * front/check_names.c); false means an output error or no memory, with a
 * one-line reason in `why` ("write error", "out of memory"). */
bool rc_emit_c(const rc_ir *ir, const char *header_name, FILE *h, FILE *c);

/* Same, with the reason for a failure (NUL-terminated, at most n bytes). */
bool rc_emit_c_why(const rc_ir *ir, const char *header_name, FILE *h, FILE *c,
                   char *why, size_t n);

/* What the generated state of a policy takes (spec/generated-api.md):
 * sizeof(P_shared), sizeof(P_incident) and their checkpoint sizes. */
typedef struct rc_emit_sizes {
    int shared, incident;
    int shared_checkpoint, incident_checkpoint;
} rc_emit_sizes;
bool rc_emit_state_sizes(const rc_ir *ir, rc_emit_sizes *out);

/* Options of rc_emit_c_opts. */
typedef struct rc_emit_opts {
    const char *header_name;    /* what P.c #includes, e.g. "agent_call.h" */
    bool line_directives;       /* #line to the policy's lines (spec/generated-api.md) */
} rc_emit_opts;

/* rc_emit_c_why with options. */
bool rc_emit_c_opts(const rc_ir *ir, const rc_emit_opts *opt, FILE *h, FILE *c, char *why, size_t n);

/* FNV-1a 32 of a string: checkpoint tags and the policy-name hash (exposed
 * for tests and tools that read checkpoints). */
uint32_t rc_emit_fnv1a(const char *s);

#endif
