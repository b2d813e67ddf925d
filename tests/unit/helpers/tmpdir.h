/* tmpdir.h — helpers shared by the unit tests. */
#ifndef IOC_TEST_TMPDIR_H
#define IOC_TEST_TMPDIR_H

/* A new empty directory under /tmp, removed when the test program exits. */
const char *test_tmpdir(void);
/* A new empty directory for one test: DIR/0, DIR/1, … under one test_tmpdir() of the program.
 * The string stays valid for the next 15 calls. Aborts when it cannot be made. */
const char *test_fresh_dir(void);

#endif
