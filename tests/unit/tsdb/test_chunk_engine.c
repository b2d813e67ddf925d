/* Unit test of the chunk codec (src/tsdb/chunk*.c) with the engine's pieces around it: points
 * cut from the head are sealed into a chunk, stored in a partition file, read back and decoded. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "helpers/tmpdir.h"
#include "tsdb/tsdb.h"

#define N 1000

static uint64_t F(double d)
{
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    return u;
}

static int keep_ref(void *ctx, const struct tsdb_chunk_ref *ref)
{
    *(struct tsdb_chunk_ref *)ctx = *ref;
    return 0;
}

static void test_chunk_of_head_cut_comes_back_from_a_partition_file(void **state)
{
    (void)state;
    static int64_t t[N], t2[N];
    static uint64_t v[N], v2[N];
    struct tsdb_head *h;
    assert_int_equal(tsdb_head_create(0, &h), 0);
    /* 10 s apart in ms precision, added newest first: the head sorts them */
    for (int i = N - 1; i >= 0; i--) {
        int64_t ms = 1764547200000LL + (int64_t)i * 10000 + (i % 3);
        assert_int_equal(tsdb_head_add(h, 7, ms * 1000000, F(25.0 + (double)(i % 50) / 10)), 0);
    }
    assert_int_equal(tsdb_head_cut(h, 7, N, t, v), 0);
    tsdb_head_destroy(h);

    struct ioc_buf chunk;
    ioc_buf_init(&chunk, TSDB_PART_MAX_CHUNK);
    assert_int_equal(tsdb_chunk_encode(TSDB_FLOAT, t, v, NULL, N, &chunk), 0);
    assert_true(chunk.len < 2 * N); /* under 2 bytes a point, timestamps included */

    char path[512];
    snprintf(path, sizeof path, "%s/day.part", test_fresh_dir());
    struct tsdb_part *p;
    assert_int_equal(tsdb_part_open(path, &p, NULL, NULL), 0);
    struct tsdb_chunk_ref ref = {0, 7, N, (uint32_t)chunk.len, t[0], t[N - 1], 1};
    assert_int_equal(tsdb_part_append(p, &ref, chunk.data), 0);
    assert_int_equal(tsdb_part_sync(p), 0);
    tsdb_part_close(p);
    ioc_buf_free(&chunk);

    struct tsdb_chunk_ref got = {0};
    assert_int_equal(tsdb_part_open(path, &p, keep_ref, &got), 0);
    static char back[2 * N];
    assert_true(got.len <= sizeof back);
    assert_int_equal(tsdb_part_read(p, &got, back), 0);
    tsdb_part_close(p);
    struct tsdb_chunk_info info;
    assert_int_equal(tsdb_chunk_info(back, got.len, &info), 0);
    assert_int_equal(info.count, got.count);
    assert_true(info.first == got.min_t && info.last == got.max_t);
    size_t n = 0;
    assert_int_equal(tsdb_chunk_decode(back, got.len, t2, v2, NULL, N, &n), 0);
    assert_int_equal(n, N);
    assert_memory_equal(t2, t, sizeof t);
    assert_memory_equal(v2, v, sizeof v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chunk_of_head_cut_comes_back_from_a_partition_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
