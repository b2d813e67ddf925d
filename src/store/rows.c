/*
 * rows.c — the plumbing every store file shares: stepping a statement into one row or a growing
 * array of mapped rows, translating a step's result, and the store's allocation wrappers. A
 * store/<x>.c holds only its SQL and its row mapping (a store_fill_fn and a store_clear_fn).
 *
 * Invariants
 *   1. Every function here that takes a statement finalizes it, on every path.
 *   2. A failure returns a negative IOC_E* code and hands back nothing: rows mapped before the
 *      failure are cleared and the array freed.
 *   3. Every allocation of src/store/ passes store_alloc_ok() first; with no hook set (iocd,
 *      iocctl) that is one relaxed atomic load.
 */
#include "store/store_int.h"

#include <stdlib.h>
#include <string.h>

static _Atomic(store_fault_fn) alloc_hook;

void store_fault_set_alloc_hook(store_fault_fn hook)
{
    atomic_store(&alloc_hook, hook);
}

/* 0 when the test hook asks this allocation to fail. */
static int store_alloc_ok(void)
{
    store_fault_fn hook = atomic_load_explicit(&alloc_hook, memory_order_relaxed);
    return !hook || hook() == 0;
}

void *store_malloc(size_t n)
{
    return store_alloc_ok() ? malloc(n) : NULL;
}

void *store_calloc(size_t n, size_t size)
{
    return store_alloc_ok() ? calloc(n, size) : NULL;
}

void *store_realloc(void *p, size_t n)
{
    return store_alloc_ok() ? realloc(p, n) : NULL;
}

char *store_strdup(const char *s)
{
    return store_alloc_ok() ? strdup(s) : NULL;
}

int store_step_rc(sqlite3_stmt *s, int step)
{
    if (step == SQLITE_ROW || step == SQLITE_DONE)
        return 0;
    /* the connection's extended code names the kind of constraint; it is the same error as step
     * unless something ran on the connection since */
    int ext = sqlite3_extended_errcode(sqlite3_db_handle(s));
    int rc = store_rc((ext & 0xff) == (step & 0xff) ? ext : step);
    return rc ? rc : IOC_EIO;
}

int store_rows(sqlite3_stmt *s, size_t item_size, store_fill_fn fill, store_clear_fn clear,
               void **out, size_t *n)
{
    char *a = NULL;
    size_t len = 0, cap = 0;
    int rc = 0, step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        if (len == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            char *b = store_realloc(a, ncap * item_size);
            if (!b) {
                rc = IOC_ENOMEM;
                break;
            }
            a = b;
            cap = ncap;
        }
        rc = fill(s, a + len * item_size);
        if (rc)
            break;
        len++;
    }
    if (rc == 0)
        rc = store_step_rc(s, step);
    store_finalize(s);
    if (rc) {
        for (size_t i = 0; i < len; i++)
            clear(a + i * item_size);
        free(a);
        goto out;
    }
    *out = a;
    *n = len;
out:
    return rc;
}

int store_row(sqlite3_stmt *s, store_fill_fn fill, void *out)
{
    int step = sqlite3_step(s);
    int rc = step == SQLITE_ROW    ? fill(s, out)
             : step == SQLITE_DONE ? IOC_ENOTFOUND
                                   : store_step_rc(s, step);
    store_finalize(s);
    return rc;
}

static int int64_fill(sqlite3_stmt *s, void *out)
{
    *(int64_t *)out = sqlite3_column_int64(s, 0);
    return 0;
}

int store_row_int64(sqlite3_stmt *s, int64_t *out)
{
    return store_row(s, int64_fill, out);
}
