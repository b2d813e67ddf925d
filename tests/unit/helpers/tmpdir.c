/* tmpdir.c — temporary directories for unit tests, removed at exit. */
#include "helpers/tmpdir.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static char made[16][32];
static int nmade;

static void cleanup(void)
{
    for (int i = 0; i < nmade; i++) {
        char cmd[160];
        snprintf(cmd, sizeof cmd, "rm -rf '%.31s'", made[i]);
        if (system(cmd) != 0)
            fprintf(stderr, "could not remove %s\n", made[i]);
    }
}

const char *test_tmpdir(void)
{
    if (nmade == 16)
        abort();
    snprintf(made[nmade], sizeof made[nmade], "%s", "/tmp/ioc-unit-XXXXXX");
    if (!mkdtemp(made[nmade]))
        abort();
    if (nmade == 0)
        atexit(cleanup);
    return made[nmade++];
}

const char *test_fresh_dir(void)
{
    static const char *base;
    static int n;
    static char dirs[16][64];
    if (!base)
        base = test_tmpdir();
    char *dir = dirs[n % 16];
    snprintf(dir, sizeof dirs[0], "%s/%d", base, n);
    n++;
    if (mkdir(dir, 0700) != 0)
        abort();
    return dir;
}
