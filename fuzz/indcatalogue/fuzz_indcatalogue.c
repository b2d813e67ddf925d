/*
 * fuzz_indcatalogue — the checks of an indicator catalogue (src/indicators/check.c) on
 * arbitrary CSV text: each record of 17 fields is an indicator (as `iocctl indicators import`
 * reads them, through src/base/csv.c), checked cell by cell against a store holding one agency
 * (SO-TC) and one domain (KTTH), then all together (codes, expressions, cycles, weights).
 *   build and run: make fuzz FUZZ_SECONDS=60   (or fuzz/run.sh replay)
 *
 * Checked for every input: nothing crashes or reads out of bounds; each check returns the
 * number of problems its callback saw, each with a known column name and a non-empty reason,
 * and the index of an indicator in range; the same indicators checked twice give the same count.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/base.h"
#include "indicators/indicators.h"
#include "store/store.h"

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            abort();                                                                               \
    } while (0)

#define MAX_INDICATORS 64

static char dir[64];
static struct store *st;
static struct store_conn *db;

static void remove_dir(void)
{
    store_conn_close(db);
    store_close(st);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    ioc_log_set_level(IOC_LOG_ERROR + 1);
    snprintf(dir, sizeof dir, "%s",
             access("/dev/shm", W_OK) == 0 ? "/dev/shm/ioc-indcat-XXXXXX"
                                           : "/tmp/ioc-indcat-XXXXXX");
    if (!mkdtemp(dir) || store_open(dir, &st) != 0 || store_conn_open(st, 0, &db) != 0)
        abort();
    atexit(remove_dir);
    struct store_ind_domain d = {"KTTH", "Kinh tế tổng hợp", "General economy", 0};
    CHECK(store_agency_add(db, "SO-TC", "Sở Tài chính", NULL, "", NULL) == 0);
    CHECK(store_ind_catalogue_put(db, &d, 1, NULL, 0, NULL) == 0);
    return 0;
}

struct input {
    struct store_indicator x[MAX_INDICATORS];
    size_t n;
};

static int on_record(void *ctx, const struct ioc_csv_record *rec)
{
    struct input *in = ctx;
    if (rec->nfields != STORE_IND_COLUMNS || in->n == MAX_INDICATORS)
        return 0;
    struct store_indicator *x = &in->x[in->n++];
    for (int i = 0; i < STORE_IND_COLUMNS; i++) {
        x->col[i] = malloc(rec->fields[i].n + 1);
        CHECK(x->col[i]);
        memcpy(x->col[i], rec->fields[i].p, rec->fields[i].n);
        x->col[i][rec->fields[i].n] = '\0';
    }
    return 0;
}

static int known_column(const char *name)
{
    for (int i = 0; i < STORE_IND_COLUMNS; i++)
        if (strcmp(name, store_ind_column_names[i]) == 0)
            return 1;
    return 0;
}

struct seen {
    size_t n, limit;
};

static void on_cell(void *ctx, const char *column, const char *why)
{
    struct seen *s = ctx;
    CHECK(known_column(column) && why && why[0]);
    s->n++;
}

static void on_ref(void *ctx, size_t i, const char *column, const char *why)
{
    struct seen *s = ctx;
    CHECK(i < s->limit && known_column(column) && why && why[0]);
    s->n++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct input in;
    in.n = 0;
    struct ioc_csv_reader *r = NULL;
    CHECK(ioc_csv_create(NULL, &r) == 0);
    CHECK(ioc_csv_feed(r, (const char *)data, size, on_record, NULL, &in) == 0);
    CHECK(ioc_csv_finish(r, on_record, NULL, &in) == 0);
    ioc_csv_destroy(r);
    for (size_t i = 0; i < in.n; i++) {
        struct seen s = {0, 0};
        size_t k = ind_catalogue_row_check(db, &in.x[i], NULL, 0, on_cell, &s);
        CHECK(k == s.n && k == ind_catalogue_row_check(db, &in.x[i], NULL, 0, NULL, NULL));
    }
    struct seen s = {0, in.n};
    int oom = 0;
    size_t k = ind_catalogue_refs_check(in.x, in.n, on_ref, &s, &oom);
    CHECK(!oom && k == s.n);
    for (size_t i = 0; i < in.n; i++)
        store_indicator_clear(&in.x[i]);
    return 0;
}
