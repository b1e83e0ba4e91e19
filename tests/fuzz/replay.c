/* replay.c - main() for a fuzz harness in a plain build (no libFuzzer): feeds
 * every file named on the command line (or every file of a named directory)
 * to LLVMFuzzerTestOneInput once, as libFuzzer would replay a crash.  Used by
 * ctest for tests/fuzz/regressions/<harness>/: a finding aborts. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
#ifdef RC_REPLAY_INIT
int LLVMFuzzerInitialize(int *argc, char ***argv);
#endif

static int one(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) { perror(path); return 1; }
    size_t cap = 1u << 16, n = 0;
    uint8_t *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            uint8_t *b = realloc(buf, cap *= 2);
            if (!b) { free(buf); buf = NULL; }
            else buf = b;
        }
    }
    fclose(f);
    if (!buf) { fprintf(stderr, "%s: out of memory\n", path); return 1; }
    printf("replay %s (%zu bytes)\n", path, n);
    fflush(stdout);
    LLVMFuzzerTestOneInput(buf, n);
    free(buf);
    return 0;
}

int main(int argc, char **argv)
{
#ifdef RC_REPLAY_INIT
    LLVMFuzzerInitialize(&argc, &argv);
#endif
    int bad = 0, files = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
            DIR *d = opendir(argv[i]);
            struct dirent *e;
            while (d && (e = readdir(d)) != NULL) {
                if (e->d_name[0] == '.') continue;
                char p[4096];
                snprintf(p, sizeof p, "%s/%s", argv[i], e->d_name);
                bad |= one(p);
                files++;
            }
            if (d) closedir(d);
        } else {
            bad |= one(argv[i]);
            files++;
        }
    }
    printf("%d input%s replayed\n", files, files == 1 ? "" : "s");
    return bad;
}
