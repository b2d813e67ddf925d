/* Unit tests for src/tsdb/series.c: canonical keys, ids, field types, selection, save/load. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers/tmpdir.h"
#include "tsdb/tsdb.h"

#define T(k, v)                                                                                    \
    {                                                                                              \
        k, sizeof k - 1, v, sizeof v - 1                                                           \
    }
enum { FLOAT = 1, INT = 2 };

static void key_of(struct ioc_buf *b, const char *m, const char *f, const struct tsdb_tag *tags,
                   size_t n)
{
    assert_int_equal(tsdb_series_key(b, m, strlen(m), f, strlen(f), tags, n), 0);
}

/* Adds a series and returns its id (asserting success). */
static uint32_t add(struct tsdb_series_index *ix, const char *m, const char *f,
                    const struct tsdb_tag *tags, size_t n, int type)
{
    struct ioc_buf b;
    ioc_buf_init(&b, 0);
    key_of(&b, m, f, tags, n);
    uint32_t id;
    int stored;
    assert_int_equal(tsdb_series_add(ix, b.data, b.len, type, &id, &stored), 0);
    assert_int_equal(stored, type);
    ioc_buf_free(&b);
    return id;
}

static void test_series_key_is_the_same_whatever_the_tag_order(void **state)
{
    (void)state;
    struct tsdb_tag ab[] = {T("a", "1"), T("b", "2")}, ba[] = {T("b", "2"), T("a", "1")};
    struct ioc_buf x, y;
    ioc_buf_init(&x, 0);
    ioc_buf_init(&y, 0);
    key_of(&x, "air", "pm25", ab, 2);
    key_of(&y, "air", "pm25", ba, 2);
    assert_int_equal(x.len, y.len);
    assert_memory_equal(x.data, y.data, x.len);
    ioc_buf_free(&x);
    ioc_buf_free(&y);
}

static void test_series_key_refuses_a_repeated_or_empty_tag_key_and_empty_names(void **state)
{
    (void)state;
    struct tsdb_tag rep[] = {T("a", "1"), T("b", "2"), T("a", "3")}, empty[] = {T("", "x")};
    struct ioc_buf b;
    ioc_buf_init(&b, 0);
    assert_int_equal(tsdb_series_key(&b, "m", 1, "f", 1, rep, 3), IOC_EINVAL);
    assert_int_equal(tsdb_series_key(&b, "m", 1, "f", 1, empty, 1), IOC_EINVAL);
    assert_int_equal(tsdb_series_key(&b, "", 0, "f", 1, NULL, 0), IOC_EINVAL);
    assert_int_equal(tsdb_series_key(&b, "m", 1, "", 0, NULL, 0), IOC_EINVAL);
    ioc_buf_free(&b);
}

static void test_series_key_with_field_equals_the_key_made_whole(void **state)
{
    (void)state;
    struct tsdb_tag tags[] = {{"station", 7, "DN-01", 5}, {"city", 4, "B\xc3\xacnh", 5}};
    struct ioc_buf k1, k2, out;
    ioc_buf_init(&k1, 0);
    ioc_buf_init(&k2, 0);
    ioc_buf_init(&out, 0);
    assert_int_equal(tsdb_series_key(&k1, "air", 3, "pm25", 4, tags, 2), 0);
    assert_int_equal(tsdb_series_key(&k2, "air", 3, "humidity_percent", 16, tags, 2), 0);
    assert_int_equal(ioc_buf_append(&out, "xy", 2), 0); /* appends: what is there stays */
    assert_int_equal(tsdb_series_key_with_field(&out, k1.data, k1.len, "humidity_percent", 16), 0);
    assert_int_equal(out.len, 2 + k2.len);
    assert_memory_equal(out.data + 2, k2.data, k2.len);
    /* no tags at all */
    assert_int_equal(tsdb_series_key(&k1, "m", 1, "a", 1, NULL, 0), 0);
    assert_int_equal(tsdb_series_key(&k2, "m", 1, "bb", 2, NULL, 0), 0);
    ioc_buf_reset(&out);
    assert_int_equal(tsdb_series_key_with_field(&out, k1.data, k1.len, "bb", 2), 0);
    assert_int_equal(out.len, k2.len);
    assert_memory_equal(out.data, k2.data, k2.len);
    /* refused: an empty field, a cut key */
    assert_int_equal(tsdb_series_key_with_field(&out, k1.data, k1.len, "", 0), IOC_EINVAL);
    assert_int_equal(tsdb_series_key_with_field(&out, k1.data, 3, "x", 1), IOC_EINVAL);
    assert_int_equal(tsdb_series_key_with_field(&out, k1.data, 0, "x", 1), IOC_EINVAL);
    ioc_buf_free(&k1);
    ioc_buf_free(&k2);
    ioc_buf_free(&out);
}

static void test_series_key_keeps_any_byte_in_names_and_parses_back(void **state)
{
    (void)state;
    /* separators of other formats (NUL, comma, equals, space) are plain bytes in a key */
    struct tsdb_tag tags[] = {{"z\0,", 3, "v =\0", 4}, T("a", "")};
    struct ioc_buf b;
    ioc_buf_init(&b, 0);
    assert_int_equal(tsdb_series_key(&b, "m\0x", 3, "f,1", 3, tags, 2), 0);
    struct tsdb_series_parts sp;
    assert_int_equal(tsdb_series_key_parse(b.data, b.len, &sp), 0);
    assert_int_equal(sp.mlen, 3);
    assert_memory_equal(sp.m, "m\0x", 3);
    assert_memory_equal(sp.f, "f,1", 3);
    assert_int_equal(sp.ntags, 2);
    struct tsdb_tag t;
    assert_int_equal(tsdb_series_parts_tag(&sp, 0, &t), 0); /* sorted: "a" first */
    assert_int_equal(t.key_len, 1);
    assert_int_equal(t.value_len, 0);
    assert_int_equal(tsdb_series_parts_tag(&sp, 1, &t), 0);
    assert_memory_equal(t.value, "v =\0", 4);
    assert_int_equal(tsdb_series_parts_tag(&sp, 2, &t), IOC_ENOTFOUND);
    ioc_buf_free(&b);
}

static void test_series_key_parse_refuses_every_truncation(void **state)
{
    (void)state;
    struct tsdb_tag tags[] = {T("station", "DN-01"), T("unit", "26041")};
    struct ioc_buf b;
    ioc_buf_init(&b, 0);
    key_of(&b, "air", "pm25", tags, 2);
    struct tsdb_series_parts sp;
    for (size_t n = 0; n < b.len; n++)
        assert_int_equal(tsdb_series_key_parse(b.data, n, &sp), IOC_EINVAL);
    ioc_buf_free(&b);
}

static void test_series_key_parse_refuses_tags_out_of_order(void **state)
{
    (void)state;
    /* "m", "f", 2 tags: b=1, a=2 (a canonical key has a before b) */
    static const char k[] = {1, 'm', 1, 'f', 2, 1, 'b', 1, '1', 1, 'a', 1, '2'};
    struct tsdb_series_parts sp;
    assert_int_equal(tsdb_series_key_parse(k, sizeof k, &sp), IOC_EINVAL);
    static const char twice[] = {1, 'm', 1, 'f', 2, 1, 'a', 1, '1', 1, 'a', 1, '2'};
    assert_int_equal(tsdb_series_key_parse(twice, sizeof twice, &sp), IOC_EINVAL);
    static const char sorted[] = {1, 'm', 1, 'f', 2, 1, 'a', 1, '2', 1, 'b', 1, '1'};
    assert_int_equal(tsdb_series_key_parse(sorted, sizeof sorted, &sp), 0);
}

static void test_series_key_parse_refuses_a_length_not_in_its_shortest_form(void **state)
{
    (void)state;
    /* the tag value's length 0 spelled 0x80 0x00: the same key would have two spellings */
    static const char k[] = {1, 'm', 1, 'f', 1, 1, 'a', (char)0x80, 0};
    struct tsdb_series_parts sp;
    assert_int_equal(tsdb_series_key_parse(k, sizeof k, &sp), IOC_EINVAL);
    static const char shortest[] = {1, 'm', 1, 'f', 1, 1, 'a', 0};
    assert_int_equal(tsdb_series_key_parse(shortest, sizeof shortest, &sp), 0);
}

static void test_series_ids_are_dense_and_stable(void **state)
{
    (void)state;
    struct tsdb_series_index *ix;
    assert_int_equal(tsdb_series_index_create(0, &ix), 0);
    struct tsdb_tag a[] = {T("s", "a")}, b[] = {T("s", "b")};
    assert_int_equal(add(ix, "air", "pm25", a, 1, FLOAT), 0);
    assert_int_equal(add(ix, "air", "pm25", b, 1, FLOAT), 1);
    assert_int_equal(add(ix, "air", "pm10", a, 1, FLOAT), 2);
    assert_int_equal(add(ix, "air", "pm25", a, 1, FLOAT), 0); /* again: the same id */
    assert_int_equal(tsdb_series_count(ix), 3);
    tsdb_series_index_destroy(ix);
}

static void test_series_many_series_survive_the_table_growing(void **state)
{
    (void)state;
    struct tsdb_series_index *ix;
    assert_int_equal(tsdb_series_index_create(0, &ix), 0);
    char v[16];
    for (int i = 0; i < 20000; i++) {
        snprintf(v, sizeof v, "st-%d", i);
        struct tsdb_tag t[] = {{"station", 7, v, strlen(v)}};
        assert_int_equal(add(ix, "water", "level", t, 1, FLOAT), (uint32_t)i);
    }
    struct ioc_buf b;
    ioc_buf_init(&b, 0);
    for (int i = 0; i < 20000; i += 997) {
        snprintf(v, sizeof v, "st-%d", i);
        struct tsdb_tag t[] = {{"station", 7, v, strlen(v)}};
        key_of(&b, "water", "level", t, 1);
        uint32_t id;
        assert_int_equal(tsdb_series_find(ix, b.data, b.len, &id), 0);
        assert_int_equal(id, (uint32_t)i);
    }
    key_of(&b, "water", "level", NULL, 0);
    uint32_t id;
    assert_int_equal(tsdb_series_find(ix, b.data, b.len, &id), IOC_ENOTFOUND);
    ioc_buf_free(&b);
    tsdb_series_index_destroy(ix);
}

static void test_series_a_field_of_another_type_is_refused_and_leaves_nothing(void **state)
{
    (void)state;
    struct tsdb_series_index *ix;
    assert_int_equal(tsdb_series_index_create(0, &ix), 0);
    struct tsdb_tag a[] = {T("s", "a")}, b[] = {T("s", "b"), T("unit", "26041")};
    add(ix, "air", "pm25", a, 1, FLOAT);
    struct ioc_buf k;
    ioc_buf_init(&k, 0);
    uint32_t id;
    int stored;
    key_of(&k, "air", "pm25", b, 2); /* a new series of the same field, as an integer */
    assert_int_equal(tsdb_series_add(ix, k.data, k.len, INT, &id, &stored), IOC_EEXIST);
    assert_int_equal(stored, FLOAT);
    assert_int_equal(tsdb_series_find(ix, k.data, k.len, &id), IOC_ENOTFOUND);
    key_of(&k, "air", "pm25", a, 1); /* the existing series, as an integer */
    assert_int_equal(tsdb_series_add(ix, k.data, k.len, INT, &id, &stored), IOC_EEXIST);
    assert_int_equal(stored, FLOAT);
    assert_int_equal(tsdb_series_count(ix), 1);
    add(ix, "air", "count", a, 1, INT); /* another field may be an integer */
    ioc_buf_free(&k);
    tsdb_series_index_destroy(ix);
}

static void test_series_add_stops_at_the_limit(void **state)
{
    (void)state;
    struct tsdb_series_index *ix;
    assert_int_equal(tsdb_series_index_create(2, &ix), 0);
    struct tsdb_tag a[] = {T("s", "a")}, b[] = {T("s", "b")}, c[] = {T("s", "c")};
    add(ix, "m", "f", a, 1, FLOAT);
    add(ix, "m", "f", b, 1, FLOAT);
    struct ioc_buf k;
    ioc_buf_init(&k, 0);
    key_of(&k, "m", "f", c, 1);
    uint32_t id;
    int stored;
    assert_int_equal(tsdb_series_add(ix, k.data, k.len, FLOAT, &id, &stored), IOC_ETOOBIG);
    add(ix, "m", "f", a, 1, FLOAT); /* an existing series is still found */
    ioc_buf_free(&k);
    tsdb_series_index_destroy(ix);
}

static void test_series_add_refuses_a_key_that_is_not_canonical(void **state)
{
    (void)state;
    struct tsdb_series_index *ix;
    assert_int_equal(tsdb_series_index_create(0, &ix), 0);
    uint32_t id;
    int stored;
    static const char cut[] = {5, 'a', 'b'}; /* a name of 5 bytes holding 2 */
    assert_int_equal(tsdb_series_add(ix, cut, sizeof cut, FLOAT, &id, &stored), IOC_EINVAL);
    assert_int_equal(tsdb_series_count(ix), 0);
    tsdb_series_index_destroy(ix);
}

static void test_series_select_filters_by_tags_with_any_of_several_values(void **state)
{
    (void)state;
    struct tsdb_series_index *ix;
    assert_int_equal(tsdb_series_index_create(0, &ix), 0);
    struct tsdb_tag s1[] = {T("s", "1"), T("unit", "A")}, s2[] = {T("s", "2"), T("unit", "B")},
                    s3[] = {T("s", "3"), T("unit", "A")}, s4[] = {T("s", "4")};
    add(ix, "air", "pm25", s1, 2, FLOAT); /* 0 */
    add(ix, "air", "pm25", s2, 2, FLOAT); /* 1 */
    add(ix, "air", "pm10", s3, 2, FLOAT); /* 2: another field */
    add(ix, "air", "pm25", s3, 2, FLOAT); /* 3 */
    add(ix, "air", "pm25", s4, 1, FLOAT); /* 4: no unit tag */
    uint32_t ids[8];
    size_t n;
    assert_int_equal(tsdb_series_select(ix, "air", 3, "pm25", 4, NULL, 0, ids, 8, &n), 0);
    assert_int_equal(n, 4);
    struct tsdb_str a[] = {{"A", 1}}, ab[] = {{"B", 1}, {"A", 1}};
    struct tsdb_tag_filter fa = {"unit", 4, a, 1}, fab = {"unit", 4, ab, 2};
    assert_int_equal(tsdb_series_select(ix, "air", 3, "pm25", 4, &fa, 1, ids, 8, &n), 0);
    assert_int_equal(n, 2);
    assert_int_equal(ids[0], 0);
    assert_int_equal(ids[1], 3);
    assert_int_equal(tsdb_series_select(ix, "air", 3, "pm25", 4, &fab, 1, ids, 8, &n), 0);
    assert_int_equal(n, 3);
    assert_int_equal(tsdb_series_select(ix, "air", 3, "pm25", 4, &fab, 1, ids, 2, &n), IOC_ETOOBIG);
    assert_int_equal(tsdb_series_select(ix, "air", 3, "no2", 3, NULL, 0, ids, 8, &n), 0);
    assert_int_equal(n, 0);
    tsdb_series_index_destroy(ix);
}

struct walk {
    int calls;
    size_t pm25_series;
};

static int on_field(void *ctx, const char *m, size_t mlen, const char *f, size_t flen, int type,
                    size_t nseries)
{
    struct walk *w = ctx;
    w->calls++;
    assert_int_equal(mlen, 3);
    assert_memory_equal(m, "air", 3);
    if (flen == 4 && memcmp(f, "pm25", 4) == 0) {
        w->pm25_series = nseries;
        assert_int_equal(type, FLOAT);
    }
    return 0;
}

static void test_series_fields_lists_each_measurement_field_once_with_its_type(void **state)
{
    (void)state;
    struct tsdb_series_index *ix;
    assert_int_equal(tsdb_series_index_create(0, &ix), 0);
    struct tsdb_tag a[] = {T("s", "a")}, b[] = {T("s", "b")};
    add(ix, "air", "pm25", a, 1, FLOAT);
    add(ix, "air", "pm25", b, 1, FLOAT);
    add(ix, "air", "count", a, 1, INT);
    struct walk w = {0, 0};
    assert_int_equal(tsdb_series_fields(ix, on_field, &w), 0);
    assert_int_equal(w.calls, 2);
    assert_int_equal(w.pm25_series, 2);
    tsdb_series_index_destroy(ix);
}

static void test_series_save_and_load_keep_ids_keys_and_types(void **state)
{
    (void)state;
    const char *dir = test_fresh_dir();
    char path[512];
    snprintf(path, sizeof path, "%s/series", dir);
    struct tsdb_series_index *ix, *back;
    assert_int_equal(tsdb_series_index_create(0, &ix), 0);
    struct tsdb_tag a[] = {T("s", "a")}, b[] = {T("s", "b"), T("u", "x")};
    add(ix, "air", "pm25", a, 1, FLOAT);
    add(ix, "air", "count", b, 2, INT);
    add(ix, "air", "pm25", b, 2, FLOAT);
    assert_int_equal(tsdb_series_save(ix, path), 0);
    assert_int_equal(tsdb_series_load(path, 0, &back), 0);
    assert_int_equal(tsdb_series_count(back), 3);
    for (uint32_t id = 0; id < 3; id++) {
        const void *k1, *k2;
        size_t l1, l2;
        int t1, t2;
        assert_int_equal(tsdb_series_get(ix, id, &k1, &l1, &t1), 0);
        assert_int_equal(tsdb_series_get(back, id, &k2, &l2, &t2), 0);
        assert_int_equal(l1, l2);
        assert_memory_equal(k1, k2, l1);
        assert_int_equal(t1, t2);
    }
    const void *k;
    size_t l;
    int t;
    assert_int_equal(tsdb_series_get(back, 3, &k, &l, &t), IOC_ENOTFOUND);
    tsdb_series_index_destroy(ix);
    tsdb_series_index_destroy(back);
}

static void test_series_load_refuses_every_damaged_byte_and_a_missing_file(void **state)
{
    (void)state;
    const char *dir = test_fresh_dir();
    char path[512];
    snprintf(path, sizeof path, "%s/series", dir);
    struct tsdb_series_index *ix, *back = NULL;
    assert_int_equal(tsdb_series_load(path, 0, &back), IOC_ENOTFOUND);
    assert_int_equal(tsdb_series_index_create(0, &ix), 0);
    struct tsdb_tag a[] = {T("s", "a")};
    add(ix, "air", "pm25", a, 1, FLOAT);
    assert_int_equal(tsdb_series_save(ix, path), 0);
    char *img;
    size_t len;
    assert_int_equal(ioc_file_read(path, 1 << 20, &img, &len), 0);
    for (size_t i = 0; i < len; i++) {
        img[i] ^= 0x20;
        assert_int_equal(ioc_file_write_atomic(path, img, len), 0);
        assert_int_equal(tsdb_series_load(path, 0, &back), IOC_EINVAL);
        img[i] ^= 0x20;
    }
    assert_int_equal(ioc_file_write_atomic(path, img, len - 1), 0); /* truncated */
    assert_int_equal(tsdb_series_load(path, 0, &back), IOC_EINVAL);
    free(img);
    tsdb_series_index_destroy(ix);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_series_key_is_the_same_whatever_the_tag_order),
        cmocka_unit_test(test_series_key_refuses_a_repeated_or_empty_tag_key_and_empty_names),
        cmocka_unit_test(test_series_key_keeps_any_byte_in_names_and_parses_back),
        cmocka_unit_test(test_series_key_with_field_equals_the_key_made_whole),
        cmocka_unit_test(test_series_key_parse_refuses_every_truncation),
        cmocka_unit_test(test_series_key_parse_refuses_tags_out_of_order),
        cmocka_unit_test(test_series_key_parse_refuses_a_length_not_in_its_shortest_form),
        cmocka_unit_test(test_series_ids_are_dense_and_stable),
        cmocka_unit_test(test_series_many_series_survive_the_table_growing),
        cmocka_unit_test(test_series_a_field_of_another_type_is_refused_and_leaves_nothing),
        cmocka_unit_test(test_series_add_stops_at_the_limit),
        cmocka_unit_test(test_series_add_refuses_a_key_that_is_not_canonical),
        cmocka_unit_test(test_series_select_filters_by_tags_with_any_of_several_values),
        cmocka_unit_test(test_series_fields_lists_each_measurement_field_once_with_its_type),
        cmocka_unit_test(test_series_save_and_load_keep_ids_keys_and_types),
        cmocka_unit_test(test_series_load_refuses_every_damaged_byte_and_a_missing_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
