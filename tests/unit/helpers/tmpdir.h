/* tmpdir.h — helpers shared by the unit tests. */
#ifndef IOC_TEST_TMPDIR_H
#define IOC_TEST_TMPDIR_H

/* A new empty directory under /tmp, removed when the test program exits. */
const char *test_tmpdir(void);

#endif
