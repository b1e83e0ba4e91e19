/* mig.c - migration check (ckpt.sh): `run1 save FILE` opens breaker x of
 * policy mig version 1 and saves; `run2 load FILE` restores that into
 * version 2: RECOV_LOAD_MIGRATED, x still open until its 60 s are over, the
 * incident not restored (the next failure is attempt 1), and a checkpoint of
 * version 2 itself loads as RECOV_LOAD_OK. */
#include <stdio.h>
#include <string.h>
#include "mig.h"

#define CHECK(c, msg) do { if (!(c)) { fprintf(stderr, "mig: %s\n", msg); return 1; } } while (0)

int main(int argc, char **argv)
{
    static uint8_t buf[4096];
    mig_state s;
    mig_fault f;
    memset(&f, 0, sizeof f);
    if (argc != 3) return 2;
    mig_init(&s, 1000u, 7u);
    if (!strcmp(argv[1], "save")) {
        FILE *o;
        size_t n;
        (void)mig_failed(&s, &f, 1000u);
        (void)mig_failed(&s, &f, 1001u);
        CHECK(mig_admit(&s, 1002u) == RECOV_REJECT, "v1: x did not open");
        n = mig_save(&s, buf, sizeof buf);
        o = fopen(argv[2], "wb");
        CHECK(o && n && fwrite(buf, 1, n, o) == n && fclose(o) == 0, "v1: cannot write the checkpoint");
        return 0;
    } else {
        FILE *in = fopen(argv[2], "rb");
        size_t n;
        recov_decision d;
        CHECK(in != NULL, "v2: cannot read the checkpoint");
        n = fread(buf, 1, sizeof buf, in);
        fclose(in);
        CHECK(mig_load(&s, buf, n) == RECOV_LOAD_MIGRATED, "v2: the v1 checkpoint did not load as MIGRATED");
        CHECK(mig_admit(&s, 1003u) == RECOV_REJECT, "v2: breaker x was not restored as open");
        CHECK(mig_admit(&s, 61000u) == RECOV_REJECT, "v2: x closed before its 60 s");
        CHECK(mig_admit(&s, 61001u) == RECOV_ALLOW, "v2: x not half-open after 60 s");
        d = mig_failed(&s, &f, 61003u);
        CHECK(d.attempt == 1, "v2: the v1 incident was restored");
        n = mig_save(&s, buf, sizeof buf);
        mig_init(&s, 0u, 1u);
        CHECK(mig_load(&s, buf, n) == RECOV_LOAD_OK, "v2: own checkpoint did not load as OK");
        printf("mig: version 1 checkpoint migrated into version 2 by stable id\n");
        return 0;
    }
}
