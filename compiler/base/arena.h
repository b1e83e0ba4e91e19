/* arena.h - one bump allocator for the AST and the IR, freed at once.
 *
 * Every node of the syntax tree and every IR table lives in an arena owned by
 * the compilation; nothing is freed one by one.  Allocation failure is fatal
 * (rc_arena_alloc prints and exits with code 3: an internal error), so callers
 * never check for NULL.
 */
#ifndef RC_ARENA_H
#define RC_ARENA_H

#include <stddef.h>

typedef struct rc_arena_chunk rc_arena_chunk;

typedef struct rc_arena {
    rc_arena_chunk *head;   /* newest chunk first */
    size_t total;           /* bytes handed out, for statistics */
} rc_arena;

void  rc_arena_init(rc_arena *a);
void  rc_arena_free(rc_arena *a);
/* Zeroed memory, aligned for any object type. */
void *rc_arena_alloc(rc_arena *a, size_t size);
/* Zeroed array of n elements of size sz, with overflow check. */
void *rc_arena_array(rc_arena *a, size_t n, size_t sz);
/* Room for element n of the growing array p (n elements in use, *cap
 * allocated, p may be NULL while *cap is 0): p itself when n < *cap, else a
 * new zeroed array of max(2 * *cap, n + 1, 16) elements of size sz
 * holding p's *cap old elements, with *cap set to its size.  The
 * old array stays in the arena until it is freed.  Overflow of the size is
 * the out-of-memory internal error (exit 3); never NULL. */
void *rc_arena_grow(rc_arena *a, void *p, size_t n, size_t *cap, size_t sz);
/* Copies of strings (NUL-terminated result). */
char *rc_arena_strndup(rc_arena *a, const char *s, size_t n);
char *rc_arena_strdup(rc_arena *a, const char *s);
/* printf into the arena. */
char *rc_arena_printf(rc_arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* realloc that never returns NULL (out of memory is the same internal
 * error, exit 3); n == 0 still returns a block.  For the few growing
 * buffers outside an arena (diagnostic records, solver sets, reports). */
void *rc_xrealloc(void *p, size_t n);

#define RC_NEW(a, T)        ((T *)rc_arena_alloc((a), sizeof(T)))
#define RC_NEW_ARRAY(a, T, n) ((T *)rc_arena_array((a), (size_t)(n), sizeof(T)))
/* Makes room for element n of array p (an lvalue, assigned) with capacity
 * *cap (a size_t): `RC_GROW(a, v, nv, &capv); v[nv++] = x;`. */
#define RC_GROW(a, p, n, cap) ((p) = rc_arena_grow((a), (p), (size_t)(n), (cap), sizeof *(p)))

#endif
