/* prefilter.h - the literal prefilter plan of a text field (spec/patterns.md,
 * "Plans": the prefilter).
 *
 * Every alternative (every top-level branch of a regex) with a required
 * literal factor (factor.h) of at least RC_PRE_KEY bytes gets a KEY: RC_PRE_KEY
 * bytes of its factor, folded (each byte | 0x20), chosen to be shared by as
 * few alternatives as possible.  A pattern all of whose alternatives have a
 * key is a *keyed* pattern; the others form the *residual* set, scanned by
 * a DFA plan of their own (dfa_plan.h).
 *
 * Scan of a text of n bytes (stop at NUL or after `limit` bytes):
 *     r = 0
 *     for i in 0 .. n-1:
 *         r = (r << 8) | text[i]                            (32 bits, raw)
 *         if pair and pair2 bits (r & 0xFFFF) are clear: next byte  (no key ends here)
 *         if text[i] is NUL: stop
 *         if pair2 bit (r & 0xFFFF): as below with k = (r & 0xFFFF) | 0x2020
 *             (the short keys of 2-3 byte literals, RC_PRE_SHORT; offset - 2)
 *         k = r | 0x20202020                                (the folded key)
 *         h = (k * RC_PRE_MUL) >> (32 - fbits)
 *         if filter bit h is set:
 *             for each entry of bucket h >> (fbits - bbits) with key k:
 *                 literal entry: if the literal lies at i + 1 - off - RC_PRE_KEY
 *                     wholly inside the n bytes (compared case-sensitively
 *                     or, for ~i, ASCII case-insensitively): set its pattern
 *                 regex entry: mark its branch's key (0 or 1, or both)
 *     a regex branch with its keys marked (two keys when it has two required
 *     factors of RC_PRE_KEY bytes: both must be seen) marks its
 *     confirmation DFA
 *     for each candidate confirmation c whose pattern is not yet set:
 *         run c's DFA (that pattern's regex alternatives alone) over the text
 *         from the earliest start its candidate branches allow (reach)
 *     OR in the residual plan's scan.
 * The pair bit only skips bytes where no entry's match can end (its key's
 * last two bytes as in its literal or factor, both cases of letters under
 * ~i).  Before 4 bytes are read k's top bytes are spaces: a literal cannot
 * start before the text (checked) and a regex entry only runs its exact
 * confirmation DFA.  The mask equals
 * rc_dfa_scan's of one DFA over all patterns for every text and limit
 * (tests/unit/test_prefilter.c). */
#ifndef RC_PREFILTER_H
#define RC_PREFILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "dfa.h"

#define RC_PRE_KEY 4
/* 32-bit words of an entry in the generated C (emit_pre.c): key, pattern
 * and flags, pool offset (regex: the cand word to mark), key offset and
 * length (regex: the bit), the literal's folded bytes before its key and
 * their mask (regex: its reach and start slot) */
#define RC_PRE_ENTRY_WORDS 6
/* a literal of 2 or 3 bytes (one that no 4-byte key can serve) gets a key
 * of this many bytes, looked up when its pair2 bit is set */
#define RC_PRE_SHORT 2
#define RC_PRE_MUL 0x9E3779B1u

/* A folded key's hash of `bits` bits, as the scan computes it. */
static inline uint32_t rc_pre_hash(uint32_t k, int bits)
{
    return (uint32_t)(k * RC_PRE_MUL) >> (32 - bits);
}

#define RC_PRE_PAIR_BYTES 8192
/* A regex that matches at most this many strings (and no class, `.` or
 * anchor: rc_fac_expand) is keyed as those literals. */
#define RC_PRE_EXPAND 64

typedef struct rc_pre_entry {
    uint32_t key;           /* folded key bytes, the first in the top byte */
    int pat;                /* the field's pattern */
    int conf;               /* regex entry: its regex branch (its pattern's confirmation: rb_conf); literal: -1 */
    int part;               /* regex entry: the branch's key 0 or 1 (a branch of two factors has two keys), 2: both */
    bool icase;             /* literal: compare ASCII case-insensitively */
    int off;                /* literal: where the key starts in it */
    int klen;               /* the key's bytes: RC_PRE_KEY, or RC_PRE_SHORT (a literal's key,
                             * folded: (a | 0x20) << 8 | (b | 0x20), top bytes 0) */
    int len;                /* literal: its length */
    int lit;                /* literal: where it starts in pool */
} rc_pre_entry;

/* A confirmation: one DFA of the regex alternatives (not expanded to
 * literals) of one or more keyed patterns whose first regex branches share
 * their key (at most RC_PRE_GROUP of them), run when a key of one of its
 * regex branches (both keys when the branch has two) was seen. */
#define RC_PRE_GROUP 16
typedef struct rc_pre_conf {
    int npat;
    int *pats;              /* [npat] the field's patterns, increasing; DFA pattern j is pats[j] */
    rc_dfa dfa;
    int nrb;
    int *rbs;               /* [nrb] the regex branches that run it */
} rc_pre_conf;

typedef struct rc_pre {
    int fbits;              /* filter: 2^fbits bits */
    int bbits;              /* buckets: 2^bbits (bbits <= fbits) */
    uint8_t *filter;        /* [2^fbits / 8] */
    uint8_t *pair;          /* [8192]: bit (a << 8 | b) set when raw text bytes a, b
                             * can end some entry's match, and for every b == 0
                             * (the NUL that ends the scan) */
    uint8_t *pair2;         /* [8192]: bit (a << 8 | b) set when a short key's
                             * bytes are a, b (raw) */
    int nshort;             /* entries of short keys */
    int *start;             /* [2^bbits + 1] first entry of each bucket */
    rc_pre_entry *e;        /* [nentries] sorted by bucket */
    int nentries;
    int nkeys;              /* distinct keys */
    char *pool;             /* the literals' bytes */
    int npool;
    rc_pre_conf *conf;      /* [nconf] increasing pattern */
    int nconf;
    int nrb;                /* regex branches (keyed, not expanded) */
    int *reach;             /* [nrb] the most bytes from a match's start to the end of its
                             * branch's key 0 (the key of part 0 or 2), or -1: unbounded, or
                             * its confirmation DFA holds a `^`.  Every match of the branch
                             * starts at least reach bytes before the end of the first
                             * occurrence of that key, so its DFA may start there. */
    int nkeyed;             /* keyed patterns */
    int *residual;          /* [nresidual] the residual patterns, increasing */
    int nresidual;
} rc_pre;

/* The plan of a field as the compiler chooses it (spec/patterns.md,
 * "Plans"): fields of fewer than RC_PRE_MIN_PATTERNS patterns get
 * rc_dfa_plan_build's plan; larger ones the prefilter with a residual plan
 * when one DFA does not hold them all or its tables are larger.  Errors as
 * rc_dfa_plan_build. */
#define RC_PRE_MIN_PATTERNS 64
struct rc_dfa_plan;
bool rc_pre_plan_build(rc_arena *a, const rc_dfa_pattern *pats, int npats, int budget,
                       struct rc_dfa_plan *out, rc_dfa_error *err);

/* Table bytes of one DFA in the form the emitter writes, pattern lists included. */
long rc_pre_dfa_bytes(const rc_dfa *d);

/* Build the keyed part for patterns pats[0 .. npats): decides which
 * patterns are keyed, builds their entries and confirmation DFAs (each
 * within `budget` states).  False on a syntax error or a confirmation DFA
 * over the budget (err as rc_dfa_build, pattern numbered in the field).
 * The residual patterns are listed, not built (dfa_plan.c builds them). */
bool rc_pre_build(rc_arena *a, const rc_dfa_pattern *pats, int npats, int budget,
                  rc_pre *out, rc_dfa_error *err);

/* The keyed patterns' bits ORed into mask (words of the field; nothing
 * cleared): the reference of every prefilter scanner. */
void rc_pre_scan(const rc_pre *p, const char *text, size_t len, size_t limit, uint32_t *mask);

/* Table bytes the generated C holds for the prefilter (filter, bucket
 * starts, entries, literal pool, confirmation DFAs in the form emitted). */
long rc_pre_bytes(const rc_pre *p);

#endif
