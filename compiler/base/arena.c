/* arena.c - bump allocator; see arena.h. */
#include "arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* RC_ARENA_CHUNK: default chunk size; larger requests get a chunk of their own. */
#define RC_ARENA_CHUNK ((size_t)64 * 1024)
/* RC_ARENA_ALIGN: alignment of every allocation (max_align_t on all hosts we build for). */
#define RC_ARENA_ALIGN ((size_t)16)

struct rc_arena_chunk {
    rc_arena_chunk *next;
    size_t used, cap;
    _Alignas(16) unsigned char data[];
};

void rc_arena_init(rc_arena *a) { a->head = NULL; a->total = 0; }

void rc_arena_free(rc_arena *a)
{
    rc_arena_chunk *c = a->head;
    while (c) {
        rc_arena_chunk *n = c->next;
        free(c);
        c = n;
    }
    a->head = NULL;
    a->total = 0;
}

static void oom(void)
{
    fputs("recovc: internal error: out of memory\n", stderr);
    exit(3);
}

void *rc_arena_alloc(rc_arena *a, size_t size)
{
    if (size == 0) size = 1;
    if (size > SIZE_MAX - RC_ARENA_ALIGN) oom();
    size = (size + RC_ARENA_ALIGN - 1) & ~(RC_ARENA_ALIGN - 1);
    rc_arena_chunk *c = a->head;
    if (!c || c->cap - c->used < size) {
        size_t cap = size > RC_ARENA_CHUNK ? size : RC_ARENA_CHUNK;
        c = malloc(sizeof *c + cap);
        if (!c) oom();
        c->used = 0;
        c->cap = cap;
        if (size > RC_ARENA_CHUNK && a->head) {
            /* keep the current chunk on top for small allocations */
            c->next = a->head->next;
            a->head->next = c;
        } else {
            c->next = a->head;
            a->head = c;
        }
    }
    void *p = c->data + c->used;
    c->used += size;
    a->total += size;
    memset(p, 0, size);
    return p;
}

void *rc_arena_array(rc_arena *a, size_t n, size_t sz)
{
    if (sz && n > SIZE_MAX / sz) oom();
    return rc_arena_alloc(a, n * sz);
}

void *rc_arena_grow(rc_arena *a, void *p, size_t n, size_t *cap, size_t sz)
{
    if (n < *cap) return p;
    if (*cap > SIZE_MAX / 2 || n == SIZE_MAX) oom();
    size_t nc = *cap * 2;
    if (nc < n + 1) nc = n + 1;
    if (nc < 16) nc = 16;
    void *q = rc_arena_array(a, nc, sz);
    if (p && *cap) memcpy(q, p, *cap * sz);     /* n >= *cap: all of them */
    *cap = nc;
    return q;
}

char *rc_arena_strndup(rc_arena *a, const char *s, size_t n)
{
    char *p = rc_arena_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *rc_arena_strdup(rc_arena *a, const char *s) { return rc_arena_strndup(a, s, strlen(s)); }

char *rc_arena_printf(rc_arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) oom();
    char *p = rc_arena_alloc(a, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

void *rc_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) {
        fputs("recovc: internal error: out of memory\n", stderr);
        exit(3);
    }
    return q;
}
