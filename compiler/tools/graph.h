/* graph.h - `recovc graph --format dot|mermaid`: classification (rules ->
 * errors), the `on` blocks and their steps, and each breaker's states. */
#ifndef RC_GRAPH_H
#define RC_GRAPH_H

#include <stdbool.h>
#include <stdio.h>

#include "ir.h"

void rc_graph(const rc_ir *ir, bool mermaid, FILE *out);

#endif
