/* symtab.c - see symtab.h. */
#include "symtab.h"

#include <stdint.h>
#include <string.h>

static uint32_t hash(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++) h = (h ^ (uint8_t)*s) * 16777619u;
    return h;
}

void rc_symtab_init(rc_symtab *t, rc_arena *a)
{
    t->a = a;
    t->cap = 64;
    t->count = 0;
    t->slots = RC_NEW_ARRAY(a, rc_sym, t->cap);
}

rc_sym *rc_symtab_find(const rc_symtab *t, const char *name)
{
    uint32_t m = (uint32_t)t->cap - 1;
    for (uint32_t i = hash(name) & m;; i = (i + 1) & m) {
        rc_sym *s = &t->slots[i];
        if (!s->name) return NULL;
        if (strcmp(s->name, name) == 0) return s;
    }
}

static void grow(rc_symtab *t)
{
    rc_sym *old = t->slots;
    int oldcap = t->cap;
    t->cap *= 2;
    t->slots = RC_NEW_ARRAY(t->a, rc_sym, t->cap);
    uint32_t m = (uint32_t)t->cap - 1;
    for (int k = 0; k < oldcap; k++) {
        if (!old[k].name) continue;
        uint32_t i = hash(old[k].name) & m;
        while (t->slots[i].name) i = (i + 1) & m;
        t->slots[i] = old[k];
    }
}

rc_sym *rc_symtab_add(rc_symtab *t, const char *name, rc_symkind kind, int index, rc_loc loc)
{
    if (rc_symtab_find(t, name)) return NULL;
    if ((t->count + 1) * 2 > t->cap) grow(t);
    uint32_t m = (uint32_t)t->cap - 1;
    uint32_t i = hash(name) & m;
    while (t->slots[i].name) i = (i + 1) & m;
    rc_sym *s = &t->slots[i];
    s->name = name;
    s->kind = kind;
    s->index = index;
    s->loc = loc;
    s->origin = NULL;
    t->count++;
    return s;
}
