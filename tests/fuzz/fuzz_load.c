/* fuzz_load.c - P_load of a generated policy on arbitrary bytes (built once
 * per example policy, -DP=<name>).  Every result is one of the documented
 * codes; on an error the state is untouched; on OK the bytes were exactly a
 * checkpoint of this policy, so saving again reproduces them; the restored
 * state keeps working. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CAT2(a, b) a##b
#define CAT(a, b) CAT2(a, b)
#define F(x) CAT(P, x)
#include PH

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    CAT(P, _state) s, before;
    static uint8_t out[F(_CHECKPOINT_MAX)];
    F(_init)(&s, 12345u, 99u);
    (void)F(_admit)(&s, 20000u);
    memcpy(&before, &s, sizeof s);
    recov_load rc = F(_load)(&s, data, size);
    if ((unsigned)rc > RECOV_LOAD_CORRUPT) abort();
    if (rc != RECOV_LOAD_OK && rc != RECOV_LOAD_MIGRATED) {
        if (memcmp(&s, &before, sizeof s)) abort();   /* an error changed the state */
        return 0;
    }
    if (rc == RECOV_LOAD_OK) {
        size_t n = F(_save)(&s, out, sizeof out);
        if (n != F(_CHECKPOINT_MAX) || n > size || memcmp(out, data, n)) abort();
    }
    (void)F(_admit)(&s, 30000u);
    F(_succeeded)(&s, 30001u);
    (void)F(_handler_done)(&s, true, 30002u);
    return 0;
}
