/*
 * fuzz_indimport — the two file importers of src/indicators on arbitrary bytes (CSV, or XLSX when
 * they start like a zip): a file of values (ind_values_import_job: columns, numbers, periods,
 * units, the rules of a write) and a file of succession shares (ind_shares_import_job), each run
 * inside a transaction that is rolled back, against a store holding one agency, a monthly sum
 * and a monthly ratio indicator, a province with two communes, and an old commune split between
 * them.
 *   build and run: make fuzz FUZZ_SECONDS=60   (or fuzz/run.sh replay)
 *
 * Checked for every input: nothing crashes or reads out of bounds; each job returns 0 or a
 * negative IOC_E* code; refused rows make IOC_EINVAL; every refusal has a row (>= 1), a column
 * and a reason, and is counted; a job that succeeds counts what it stored as the rows it read.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/base.h"
#include "indicators/indicators.h"
#include "store/store.h"
#include "store/store_int.h"

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            abort();                                                                               \
    } while (0)

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

static void put_unit(const char *code, const char *level, const char *parent, const char *from,
                     const char *to, int64_t *id)
{
    struct store_unit u = {.code = (char *)code,
                           .level = (char *)level,
                           .type = "Xã",
                           .name = (char *)code,
                           .full_name = (char *)code,
                           .name_en = "",
                           .parent_code = (char *)parent,
                           .valid_from = (char *)from,
                           .valid_to = (char *)to};
    CHECK(store_unit_put(db, &u, NULL, id) == 0);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    ioc_log_set_level(IOC_LOG_ERROR + 1);
    snprintf(dir, sizeof dir, "%s",
             access("/dev/shm", W_OK) == 0 ? "/dev/shm/ioc-indimp-XXXXXX"
                                           : "/tmp/ioc-indimp-XXXXXX");
    if (!mkdtemp(dir) || store_open(dir, &st) != 0 || store_conn_open(st, 0, &db) != 0)
        abort();
    atexit(remove_dir);
    CHECK(store_agency_add(db, "SO-TC", "Sở Tài chính", NULL, "", NULL) == 0);
    struct store_ind_domain d = {"KTTH", "Kinh tế tổng hợp", "General economy", 0};
    const char *rows[2][STORE_IND_COLUMNS] = {
        {"KTTH.N", "KTTH", "Số", "Count", "", "cái", "month", "sum", "", "higher", "SO-TC",
         "entered", "+5d", "", "", "", ""},
        {"KTTH.TL", "KTTH", "Tỷ lệ", "Rate", "", "%", "month", "ratio", "100", "higher", "SO-TC",
         "entered", "+5d", "50", "", "", ""}};
    struct store_indicator x[2] = {{0}, {0}};
    for (int k = 0; k < 2; k++)
        for (int i = 0; i < STORE_IND_COLUMNS; i++)
            x[k].col[i] = (char *)rows[k][i];
    CHECK(store_ind_catalogue_put(db, &d, 1, x, 2, NULL) == 0);
    int64_t a = 0, b = 0, old = 0;
    put_unit("75", "province", "", "2000-01-01", "", NULL);
    put_unit("26001", "commune", "75", "2025-07-01", "", &a);
    put_unit("26002", "commune", "75", "2025-07-01", "", &b);
    put_unit("731", "district", "75", "2000-01-01", "2025-06-30", NULL);
    put_unit("25999", "commune", "731", "2000-01-01", "2025-06-30", &old);
    CHECK(store_succession_put(db, old, a, 1, "") == 0);
    CHECK(store_succession_put(db, old, b, 1, "") == 0);
    return 0;
}

static size_t problems;

static void on_problem(void *ctx, const struct ind_import_problem *p)
{
    (void)ctx;
    CHECK(p->row >= 1 && p->column[0] && p->why[0]);
    problems++;
}

static void check_rc(int rc, size_t refused)
{
    CHECK(rc <= 0 && rc >= IOC_ESHUTDOWN);
    CHECK(refused == problems);
    if (refused)
        CHECK(rc == IOC_EINVAL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ind_import im = {
        .data = (const char *)data, .len = size, .problem = on_problem, .note = "fuzz"};
    problems = 0;
    CHECK(store_exec(db, "BEGIN") == 0);
    int rc = ind_values_import_job(db, &im);
    CHECK(store_exec(db, "ROLLBACK") == 0);
    check_rc(rc, im.refused);
    if (rc == 0)
        CHECK((int64_t)im.rows == im.added + im.revised + im.unchanged);

    struct ind_shares_import sh = {
        .data = (const char *)data, .len = size, .who = "fuzz", .problem = on_problem};
    problems = 0;
    CHECK(store_exec(db, "BEGIN") == 0);
    rc = ind_shares_import_job(db, &sh);
    CHECK(store_exec(db, "ROLLBACK") == 0);
    check_rc(rc, sh.refused);
    if (rc == 0)
        CHECK((int64_t)sh.rows == sh.set + sh.cleared + sh.unchanged);
    return 0;
}
