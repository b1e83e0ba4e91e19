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
    /* every input goes to both loaders: the shared part's and the incident's */
    CAT(P, _shared) s, before;
    CAT(P, _incident) i, ibefore;
    static uint8_t out[F(_SHARED_CHECKPOINT_MAX) + F(_INCIDENT_CHECKPOINT_MAX)];
    F(_shared_init)(&s, 12345u, 99u);
    F(_incident_init)(&i);
    (void)F(_admit)(&s, &i, 20000u);
    memcpy(&before, &s, sizeof s);
    memcpy(&ibefore, &i, sizeof i);
    recov_load rc = F(_shared_load)(&s, data, size);
    if ((unsigned)rc > RECOV_LOAD_STALE || rc == RECOV_LOAD_STALE) abort();
    if (rc != RECOV_LOAD_OK && rc != RECOV_LOAD_MIGRATED) {
        if (memcmp(&s, &before, sizeof s)) abort();   /* an error changed the state */
    } else if (rc == RECOV_LOAD_OK) {
        size_t n = F(_shared_save)(&s, out, sizeof out);
        if (n != F(_SHARED_CHECKPOINT_MAX) || n > size || memcmp(out, data, n)) abort();
    }
    rc = F(_incident_load)(&i, data, size);
    if ((unsigned)rc > RECOV_LOAD_STALE || rc == RECOV_LOAD_MIGRATED) abort();
    if (rc != RECOV_LOAD_OK) {
        if (memcmp(&i, &ibefore, sizeof i)) abort();  /* an error changed the incident */
    } else {
        size_t n = F(_incident_save)(&i, out, sizeof out);
        if (n != F(_INCIDENT_CHECKPOINT_MAX) || n > size || memcmp(out, data, n)) abort();
    }
    (void)F(_admit)(&s, &i, 30000u);
    F(_succeeded)(&s, &i, 30001u);
    (void)F(_handler_done)(&s, &i, true, 30002u);
    F(_cancelled)(&s, &i, 30003u);
    return 0;
}
