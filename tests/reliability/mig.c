/* mig.c - migration check (ckpt.sh): `run1 save FILE` opens breaker x of
 * policy mig version 1 and saves; `run2 load FILE` restores that into
 * version 2: RECOV_LOAD_MIGRATED, x still open until its 60 s are over, the
 * version 1 incident RECOV_LOAD_STALE and untouched (the next failure is
 * attempt 1), and checkpoints of version 2 itself load as RECOV_LOAD_OK.
 * The file holds the shared part's checkpoint, then the incident's. */
#include <stdio.h>
#include <string.h>
#include "mig.h"

#define CHECK(c, msg) do { if (!(c)) { fprintf(stderr, "mig: %s\n", msg); return 1; } } while (0)

int main(int argc, char **argv)
{
    static uint8_t buf[4096];
    mig_shared s;
    mig_incident i, fresh;
    mig_fault f;
    memset(&f, 0, sizeof f);
    if (argc != 3) return 2;
    mig_shared_init(&s, 1000u, 7u);
    mig_incident_init(&i);
    if (!strcmp(argv[1], "save")) {
        FILE *o;
        size_t n;
        (void)mig_failed(&s, &i, &f, 1000u);
        (void)mig_failed(&s, &i, &f, 1001u);
        CHECK(mig_admit(&s, &i, 1002u) == RECOV_REJECT, "v1: x did not open");
        n = mig_shared_save(&s, buf, sizeof buf);
        n += mig_incident_save(&i, buf + n, sizeof buf - n);
        o = fopen(argv[2], "wb");
        CHECK(o && n && fwrite(buf, 1, n, o) == n && fclose(o) == 0, "v1: cannot write the checkpoint");
        return 0;
    } else {
        FILE *in = fopen(argv[2], "rb");
        size_t n, sl;
        recov_decision d;
        CHECK(in != NULL, "v2: cannot read the checkpoint");
        n = fread(buf, 1, sizeof buf, in);
        fclose(in);
        CHECK(n >= 24, "v2: short file");
        sl = 24u + ((size_t)buf[16] | (size_t)buf[17] << 8 | (size_t)buf[18] << 16 | (size_t)buf[19] << 24);
        CHECK(sl <= n, "v2: short file");
        CHECK(mig_shared_load(&s, buf, sl) == RECOV_LOAD_MIGRATED, "v2: the v1 shared part did not load as MIGRATED");
        memcpy(&fresh, &i, sizeof fresh);
        CHECK(mig_incident_load(&i, buf + sl, n - sl) == RECOV_LOAD_STALE, "v2: the v1 incident did not load as STALE");
        CHECK(!memcmp(&fresh, &i, sizeof fresh), "v2: a STALE incident load changed the incident");
        CHECK(mig_admit(&s, &i, 1003u) == RECOV_REJECT, "v2: breaker x was not restored as open");
        CHECK(mig_admit(&s, &i, 61000u) == RECOV_REJECT, "v2: x closed before its 60 s");
        CHECK(mig_admit(&s, &i, 61001u) == RECOV_ALLOW, "v2: x not half-open after 60 s");
        {
            /* i holds the one half-open probe; reloading the shared part makes
             * that admission stale: cancelling i gives nothing back */
            static uint8_t sb[mig_SHARED_CHECKPOINT_MAX];
            mig_incident j;
            mig_incident_init(&j);
            CHECK(mig_admit(&s, &j, 61001u) == RECOV_REJECT, "v2: a second probe was admitted");
            CHECK(mig_shared_save(&s, sb, sizeof sb) == sizeof sb, "v2: shared save");
            CHECK(mig_shared_load(&s, sb, sizeof sb) == RECOV_LOAD_OK, "v2: shared reload");
            mig_cancelled(&s, &i, 61002u);
            CHECK(mig_admit(&s, &j, 61002u) == RECOV_REJECT, "v2: a stale incident's cancel gave a probe back");
            mig_cancelled(&s, &j, 61002u);  /* j holds nothing either: no change */
            CHECK(mig_admit(&s, &j, 61002u) == RECOV_REJECT, "v2: cancel without admission gave a probe back");
        }
        d = mig_failed(&s, &i, &f, 61003u);
        CHECK(d.attempt == 1, "v2: the v1 incident was restored");
        n = mig_shared_save(&s, buf, sizeof buf);
        sl = n;
        n += mig_incident_save(&i, buf + n, sizeof buf - n);
        mig_shared_init(&s, 0u, 1u);
        mig_incident_init(&i);
        CHECK(mig_shared_load(&s, buf, sl) == RECOV_LOAD_OK, "v2: own shared checkpoint did not load as OK");
        CHECK(mig_incident_load(&i, buf + sl, n - sl) == RECOV_LOAD_OK, "v2: own incident checkpoint did not load as OK");
        printf("mig: version 1 checkpoint migrated into version 2 by stable id\n");
        return 0;
    }
}
