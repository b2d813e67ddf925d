/* Unit tests for src/auth/limiter.c: guesses counted before the check (parallel guesses),
 * limits per (user, address) and per address, windows, the bounded table, and the unlock mark
 * read from a real store. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/auth.h"
#include "base/base.h"
#include "helpers/tmpdir.h"
#include "store/store.h"

/* One whole guess: begin, then end with outcome. The rc of begin. */
static int guess(struct auth_limiter *l, const char *ip, const char *user, int64_t now, int outcome)
{
    int retry = 0;
    int rc = auth_limiter_begin(l, NULL, ip, user, now, &retry);
    if (rc == 0)
        auth_limiter_end(l, ip, user, now, outcome);
    return rc;
}

static void test_limiter_sequential(void **state)
{
    (void)state;
    struct auth_limiter *l;
    assert_int_equal(auth_limiter_create(3, 60, &l), 0);
    for (int i = 0; i < 3; i++)
        assert_int_equal(guess(l, "1.2.3.4", "lan", 1000, AUTH_ATTEMPT_FAILED), 0);
    int retry = 0;
    assert_int_equal(auth_limiter_begin(l, NULL, "1.2.3.4", "lan", 2000, &retry), IOC_EBUSY);
    assert_int_equal(retry, 59);
    assert_int_equal(guess(l, "1.2.3.4", "minh", 2000, AUTH_ATTEMPT_OK), 0); /* other user */
    assert_int_equal(guess(l, "1.2.3.4", "lan", 61000, AUTH_ATTEMPT_OK), 0); /* new window */
    auth_limiter_destroy(l);
}

/* Ten guesses begun before any has failed: only max_failures pass; a released reservation
 * gives its place back, a failure keeps it. */
static void test_limiter_parallel_guesses(void **state)
{
    (void)state;
    struct auth_limiter *l;
    assert_int_equal(auth_limiter_create(3, 60, &l), 0);
    int retry = 0, passed = 0;
    for (int i = 0; i < 10; i++) {
        int rc = auth_limiter_begin(l, NULL, "1.2.3.4", "lan", 1000, &retry);
        if (rc == 0)
            passed++;
        else
            assert_int_equal(rc, IOC_EBUSY);
    }
    assert_int_equal(passed, 3);
    assert_int_equal(retry, 1); /* decided when the guesses in flight end */
    auth_limiter_end(l, "1.2.3.4", "lan", 1100, AUTH_ATTEMPT_RELEASED);
    assert_int_equal(auth_limiter_begin(l, NULL, "1.2.3.4", "lan", 1200, &retry), 0);
    for (int i = 0; i < 3; i++)
        auth_limiter_end(l, "1.2.3.4", "lan", 1300, AUTH_ATTEMPT_FAILED);
    assert_int_equal(auth_limiter_begin(l, NULL, "1.2.3.4", "lan", 1400, &retry), IOC_EBUSY);
    assert_int_equal(retry, 60); /* locked for the rest of the window begun at 1000 */
    auth_limiter_destroy(l);
}

/* Failures for a user from one address lock that pair only; the address has its own, higher
 * ceiling whoever is named. */
static void test_limiter_per_user_and_address(void **state)
{
    (void)state;
    struct auth_limiter *l;
    assert_int_equal(auth_limiter_create(3, 60, &l), 0);
    for (int i = 0; i < 3; i++)
        assert_int_equal(guess(l, "10.0.0.1", "leader", 1000, AUTH_ATTEMPT_FAILED), 0);
    assert_int_equal(guess(l, "10.0.0.1", "leader", 1000, AUTH_ATTEMPT_OK), IOC_EBUSY);
    assert_int_equal(guess(l, "10.0.0.2", "leader", 1000, AUTH_ATTEMPT_OK), 0);
    /* one address: ten times the per-user limit, over many names */
    for (int i = 0; i < 27; i++) {
        char user[16];
        snprintf(user, sizeof user, "u%d", i);
        assert_int_equal(guess(l, "10.0.0.1", user, 2000, AUTH_ATTEMPT_FAILED), 0);
    }
    assert_int_equal(guess(l, "10.0.0.1", "fresh", 2000, AUTH_ATTEMPT_OK), IOC_EBUSY);
    assert_int_equal(guess(l, "10.0.0.3", "fresh", 2000, AUTH_ATTEMPT_OK), 0);
    /* a success clears the pair's counter but not the address's */
    for (int i = 0; i < 2; i++)
        assert_int_equal(guess(l, "10.0.0.4", "minh", 3000, AUTH_ATTEMPT_FAILED), 0);
    assert_int_equal(guess(l, "10.0.0.4", "minh", 3000, AUTH_ATTEMPT_OK), 0);
    for (int i = 0; i < 3; i++)
        assert_int_equal(guess(l, "10.0.0.4", "minh", 3000, AUTH_ATTEMPT_FAILED), 0);
    assert_int_equal(guess(l, "10.0.0.4", "minh", 3000, AUTH_ATTEMPT_OK), IOC_EBUSY);
    auth_limiter_destroy(l);
}

/* Far more distinct keys than the table holds: it stays bounded (no allocation after create),
 * keeps working, and still limits the newest offender. */
static void test_limiter_bounded(void **state)
{
    (void)state;
    struct auth_limiter *l;
    assert_int_equal(auth_limiter_create(2, 60, &l), 0);
    char ip[32], user[32];
    for (int i = 0; i < 100000; i++) {
        snprintf(ip, sizeof ip, "10.%d.%d.%d", i >> 16, (i >> 8) & 255, i & 255);
        snprintf(user, sizeof user, "u%d", i);
        guess(l, ip, user, 1000 + i / 1000, AUTH_ATTEMPT_FAILED);
    }
    int retry = 0;
    assert_int_equal(guess(l, "192.0.2.1", "target", 2000, AUTH_ATTEMPT_FAILED), 0);
    assert_int_equal(guess(l, "192.0.2.1", "target", 2000, AUTH_ATTEMPT_FAILED), 0);
    assert_int_equal(auth_limiter_begin(l, NULL, "192.0.2.1", "target", 2000, &retry), IOC_EBUSY);
    assert_int_equal(retry, 60);
    /* after the window every counter has expired and its slot is reusable */
    assert_int_equal(guess(l, "192.0.2.1", "target", 62000, AUTH_ATTEMPT_FAILED), 0);
    assert_int_equal(guess(l, "192.0.2.1", "target", 62000, AUTH_ATTEMPT_FAILED), 0);
    assert_int_equal(auth_limiter_begin(l, NULL, "192.0.2.1", "target", 62000, &retry), IOC_EBUSY);
    auth_limiter_destroy(l);
}

/* An unlock mark in the store lifts the locks made before it, not those made after. */
static void test_limiter_unlock_mark(void **state)
{
    (void)state;
    struct store *st;
    struct store_conn *w, *r;
    assert_int_equal(store_open(test_tmpdir(), &st), 0);
    assert_int_equal(store_conn_open(st, 0, &w), 0);
    assert_int_equal(store_conn_open(st, 1, &r), 0);
    assert_int_equal(store_user_add(w, "leader", "Leader", "leader", NULL, "x", NULL), 0);
    assert_int_equal(auth_user_unlock(w, "nobody", 1000), IOC_ENOTFOUND);
    struct auth_limiter *l;
    assert_int_equal(auth_limiter_create(3, 600, &l), 0);
    int64_t t0 = 1000000;
    for (int i = 0; i < 3; i++)
        assert_int_equal(guess(l, "10.0.0.1", "leader", t0, AUTH_ATTEMPT_FAILED), 0);
    int retry = 0;
    assert_int_equal(auth_limiter_begin(l, r, "10.0.0.1", "leader", t0 + 10, &retry), IOC_EBUSY);
    assert_int_equal(auth_user_unlock(w, "leader", t0 + 20), 0);
    assert_int_equal(auth_limiter_begin(l, r, "10.0.0.1", "leader", t0 + 30, &retry), 0);
    auth_limiter_end(l, "10.0.0.1", "leader", t0 + 30, AUTH_ATTEMPT_FAILED);
    for (int i = 0; i < 2; i++)
        assert_int_equal(guess(l, "10.0.0.1", "leader", t0 + 40, AUTH_ATTEMPT_FAILED), 0);
    /* locked again after the mark: the old mark does not lift the new lock */
    assert_int_equal(auth_limiter_begin(l, r, "10.0.0.1", "leader", t0 + 50, &retry), IOC_EBUSY);
    /* without a store connection the mark is not looked at */
    assert_int_equal(auth_user_unlock(w, "leader", t0 + 60), 0);
    assert_int_equal(auth_limiter_begin(l, NULL, "10.0.0.1", "leader", t0 + 70, &retry), IOC_EBUSY);
    assert_int_equal(auth_limiter_begin(l, r, "10.0.0.1", "leader", t0 + 70, &retry), 0);
    auth_limiter_end(l, "10.0.0.1", "leader", t0 + 70, AUTH_ATTEMPT_OK);
    auth_limiter_destroy(l);
    store_conn_close(r);
    store_conn_close(w);
    store_close(st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_limiter_sequential),
        cmocka_unit_test(test_limiter_parallel_guesses),
        cmocka_unit_test(test_limiter_per_user_and_address),
        cmocka_unit_test(test_limiter_bounded),
        cmocka_unit_test(test_limiter_unlock_mark),
    };
    return cmocka_run_group_tests_name("limiter", tests, NULL, NULL);
}
