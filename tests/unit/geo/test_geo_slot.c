/* Unit tests for src/geo/slot.c, the publication of a point index to reader threads: what a
 * reader gets before and after a publish, when a replaced index may be destroyed, and a run of
 * readers against a publisher that replaces and destroys indexes as fast as it can (a use after
 * free shows under ASan, a race under TSan). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/base.h"
#include "geo/geo.h"

/* A built index of one small square (0.01° a side, so 5×5 grid cells: the index is built once per
 * publish, and a 1° square's 500×500 cells made that build most of this file's time) with its
 * corner at (x, x), tagged with id. */
static struct geo_index *square(int x, int64_t id)
{
    char json[256];
    snprintf(json, sizeof json,
             "{\"type\":\"Polygon\",\"coordinates\":[[[%d,%d],[%d.01,%d],[%d.01,%d.01],[%d,%d.01],"
             "[%d,%d]]]}",
             x, x, x, x, x, x, x, x, x, x);
    struct geo_index *ix = NULL;
    assert_int_equal(geo_index_create(&ix), 0);
    assert_int_equal(geo_index_add(ix, id, 3, 0, INT32_MAX, json, strlen(json)), 0);
    assert_int_equal(geo_index_build(ix), 0);
    return ix;
}

/* A point inside square(0, …). */
#define IN 0.005

static void test_geo_slot_acquire_before_publish_is_null(void **state)
{
    (void)state;
    struct geo_slot *s = NULL;
    struct geo_reader *r = NULL;
    assert_int_equal(geo_slot_create(&s), 0);
    assert_int_equal(geo_slot_reader_add(s, &r), 0);
    assert_null(geo_slot_acquire(s, r));
    geo_slot_release(r);
    geo_slot_destroy(s);
}

static void test_geo_slot_publish_returns_the_replaced_index(void **state)
{
    (void)state;
    struct geo_slot *s = NULL;
    struct geo_reader *r = NULL;
    assert_int_equal(geo_slot_create(&s), 0);
    assert_int_equal(geo_slot_reader_add(s, &r), 0);
    struct geo_index *a = square(0, 1), *b = square(0, 2);
    assert_null(geo_slot_publish(s, a));
    assert_ptr_equal(geo_slot_acquire(s, r), a);
    geo_slot_release(r);
    assert_ptr_equal(geo_slot_publish(s, b), a);
    assert_ptr_equal(geo_slot_acquire(s, r), b);
    geo_slot_release(r);
    geo_index_destroy(a);
    geo_slot_destroy(s); /* destroys b */
}

static void test_geo_slot_replaced_index_held_until_release(void **state)
{
    (void)state;
    struct geo_slot *s = NULL;
    struct geo_reader *r1 = NULL, *r2 = NULL;
    assert_int_equal(geo_slot_create(&s), 0);
    assert_int_equal(geo_slot_reader_add(s, &r1), 0);
    assert_int_equal(geo_slot_reader_add(s, &r2), 0);
    struct geo_index *a = square(0, 1);
    geo_slot_publish(s, a);
    const struct geo_index *held = geo_slot_acquire(s, r1);
    assert_ptr_equal(held, a);
    struct geo_index *old = geo_slot_publish(s, square(0, 2));
    assert_ptr_equal(old, a);
    assert_int_equal(geo_slot_held(s, old), 1);
    /* the holder can still read it; a new reader gets the new index */
    int64_t id = 0;
    assert_int_equal(geo_index_lookup(held, IN, IN, 3, 0, &id), 0);
    assert_int_equal(id, 1);
    const struct geo_index *fresh = geo_slot_acquire(s, r2);
    assert_int_equal(geo_index_lookup(fresh, IN, IN, 3, 0, &id), 0);
    assert_int_equal(id, 2);
    assert_int_equal(geo_slot_held(s, old), 1);
    geo_slot_release(r1);
    assert_int_equal(geo_slot_held(s, old), 0);
    geo_index_destroy(old);
    geo_slot_release(r2);
    geo_slot_destroy(s);
}

static void test_geo_slot_held_is_false_for_null_and_unheld(void **state)
{
    (void)state;
    struct geo_slot *s = NULL;
    struct geo_reader *r = NULL;
    assert_int_equal(geo_slot_create(&s), 0);
    assert_int_equal(geo_slot_reader_add(s, &r), 0);
    assert_int_equal(geo_slot_held(s, NULL), 0);
    struct geo_index *a = square(0, 1);
    assert_int_equal(geo_slot_held(s, a), 0);
    geo_index_destroy(a);
    geo_slot_destroy(s);
}

#define READERS 2 /* one per core of the 2-core test machine: more only queue behind each other */
#define PUBLISHES 1000

struct run {
    struct geo_slot *slot;
    atomic_int done;
    atomic_long lookups, wrong;
};

/* Registers itself, then acquires, looks up and releases until the publisher is done. */
static void *reader_main(void *arg)
{
    struct run *run = arg;
    struct geo_reader *r = NULL;
    if (geo_slot_reader_add(run->slot, &r) != 0)
        return NULL;
    while (!atomic_load(&run->done)) {
        const struct geo_index *ix = geo_slot_acquire(run->slot, r);
        if (ix) {
            int64_t id = 0;
            /* every published index holds one square at (0, 0) with a positive id */
            if (geo_index_lookup(ix, IN, IN, 3, 0, &id) != 0 || id <= 0 || id > PUBLISHES + 1)
                atomic_fetch_add(&run->wrong, 1);
            atomic_fetch_add(&run->lookups, 1);
        }
        geo_slot_release(r);
    }
    return NULL;
}

static void test_geo_slot_readers_never_see_a_destroyed_index(void **state)
{
    (void)state;
    struct run run = {0};
    assert_int_equal(geo_slot_create(&run.slot), 0);
    pthread_t th[READERS];
    for (int i = 0; i < READERS; i++)
        assert_int_equal(pthread_create(&th[i], NULL, reader_main, &run), 0);
    geo_slot_publish(run.slot, square(0, 1));
    for (int64_t k = 2; k <= PUBLISHES + 1; k++) {
        struct geo_index *old = geo_slot_publish(run.slot, square(0, k));
        while (geo_slot_held(run.slot, old))
            sched_yield();
        geo_index_destroy(old);
    }
    /* on a loaded machine the readers may not have run yet: let them look once (10 s at most) */
    for (int i = 0; i < 10000 && atomic_load(&run.lookups) == 0; i++)
        usleep(1000);
    atomic_store(&run.done, 1);
    for (int i = 0; i < READERS; i++)
        pthread_join(th[i], NULL);
    assert_int_equal(atomic_load(&run.wrong), 0);
    assert_true(atomic_load(&run.lookups) > 0);
    geo_slot_destroy(run.slot);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_geo_slot_acquire_before_publish_is_null),
        cmocka_unit_test(test_geo_slot_publish_returns_the_replaced_index),
        cmocka_unit_test(test_geo_slot_replaced_index_held_until_release),
        cmocka_unit_test(test_geo_slot_held_is_false_for_null_and_unheld),
        cmocka_unit_test(test_geo_slot_readers_never_see_a_destroyed_index),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
