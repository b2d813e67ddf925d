/*
 * fault.c — a counting allocator for SQLite (sqlite3_config SQLITE_CONFIG_MALLOC), a VFS shim
 * over the default one whose file operations count, and the store's allocation hook. While
 * armed, each counted event decrements one shared countdown; the event that brings it to zero
 * fails (NULL, SQLITE_IOERR_*), the others pass through.
 *
 * Only the events of the armed kind count. Counters are atomic: the writer thread allocates too.
 * The shim counts syncs but does not perform them (see f_sync).
 */
#include "helpers/fault.h"

#include <sqlite3.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"

static atomic_int armed_kind = -1;
static atomic_long countdown;
static atomic_int fired;
static atomic_long armed_nth;

/* 1 when this event of kind is the one to fail. */
static int fault_hit(enum fault_kind kind)
{
    if (atomic_load(&armed_kind) != (int)kind)
        return 0;
    if (atomic_fetch_sub(&countdown, 1) != 1)
        return 0;
    atomic_store(&fired, 1);
    return 1;
}

void fault_arm(enum fault_kind kind, long nth)
{
    atomic_store(&fired, 0);
    atomic_store(&armed_nth, nth);
    atomic_store(&countdown, nth);
    atomic_store(&armed_kind, (int)kind);
}

long fault_used(void)
{
    return atomic_load(&armed_nth) - atomic_load(&countdown);
}

int fault_disarm(void)
{
    atomic_store(&armed_kind, -1);
    return atomic_load(&fired);
}

static int store_alloc_fails(void)
{
    return fault_hit(FAULT_ALLOC);
}

/* ---- SQLite's allocator: an 16-byte header holds the size (xSize) ------------------------ */

#define HDR 16

static void *mem_malloc(int n)
{
    if (fault_hit(FAULT_ALLOC))
        return NULL;
    char *p = malloc((size_t)n + HDR);
    if (!p)
        return NULL;
    memcpy(p, &n, sizeof n);
    return p + HDR;
}

static void mem_free(void *p)
{
    if (p)
        free((char *)p - HDR);
}

static int mem_size(void *p)
{
    int n = 0;
    if (p)
        memcpy(&n, (char *)p - HDR, sizeof n);
    return n;
}

static void *mem_realloc(void *p, int n)
{
    if (fault_hit(FAULT_ALLOC))
        return NULL;
    char *q = realloc((char *)p - HDR, (size_t)n + HDR);
    if (!q)
        return NULL;
    memcpy(q, &n, sizeof n);
    return q + HDR;
}

static int mem_roundup(int n)
{
    return (n + 7) & ~7;
}

static int mem_init(void *app)
{
    (void)app;
    return SQLITE_OK;
}

static void mem_shutdown(void *app)
{
    (void)app;
}

/* ---- the VFS shim ----------------------------------------------------------------------- */

struct shim_file {
    sqlite3_file base;
    sqlite3_file *real; /* follows this struct in the same allocation */
};

static sqlite3_vfs shim_vfs;
static sqlite3_io_methods shim_io;

#define REAL(f) (((struct shim_file *)(f))->real)

static int f_close(sqlite3_file *f)
{
    return REAL(f)->pMethods ? REAL(f)->pMethods->xClose(REAL(f)) : SQLITE_OK;
}
static int f_read(sqlite3_file *f, void *b, int n, sqlite3_int64 off)
{
    if (fault_hit(FAULT_IO))
        return SQLITE_IOERR_READ;
    return REAL(f)->pMethods->xRead(REAL(f), b, n, off);
}
static int f_write(sqlite3_file *f, const void *b, int n, sqlite3_int64 off)
{
    if (fault_hit(FAULT_IO))
        return SQLITE_IOERR_WRITE;
    return REAL(f)->pMethods->xWrite(REAL(f), b, n, off);
}
static int f_truncate(sqlite3_file *f, sqlite3_int64 size)
{
    if (fault_hit(FAULT_IO))
        return SQLITE_IOERR_TRUNCATE;
    return REAL(f)->pMethods->xTruncate(REAL(f), size);
}
static int f_sync(sqlite3_file *f, int flags)
{
    (void)f;
    (void)flags;
    /* counted, but not passed on: these tests check what the store does with an error, not
     * what survives a power cut, and thousands of fsyncs would make each walk take minutes */
    return fault_hit(FAULT_IO) ? SQLITE_IOERR_FSYNC : SQLITE_OK;
}
static int f_size(sqlite3_file *f, sqlite3_int64 *size)
{
    return REAL(f)->pMethods->xFileSize(REAL(f), size);
}
static int f_lock(sqlite3_file *f, int l)
{
    return REAL(f)->pMethods->xLock(REAL(f), l);
}
static int f_unlock(sqlite3_file *f, int l)
{
    return REAL(f)->pMethods->xUnlock(REAL(f), l);
}
static int f_reserved(sqlite3_file *f, int *out)
{
    return REAL(f)->pMethods->xCheckReservedLock(REAL(f), out);
}
static int f_control(sqlite3_file *f, int op, void *arg)
{
    return REAL(f)->pMethods->xFileControl(REAL(f), op, arg);
}
static int f_sector(sqlite3_file *f)
{
    return REAL(f)->pMethods->xSectorSize(REAL(f));
}
static int f_caps(sqlite3_file *f)
{
    return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f));
}
static int f_shm_map(sqlite3_file *f, int pg, int size, int extend, void volatile **out)
{
    return REAL(f)->pMethods->xShmMap(REAL(f), pg, size, extend, out);
}
static int f_shm_lock(sqlite3_file *f, int off, int n, int flags)
{
    return REAL(f)->pMethods->xShmLock(REAL(f), off, n, flags);
}
static void f_shm_barrier(sqlite3_file *f)
{
    REAL(f)->pMethods->xShmBarrier(REAL(f));
}
static int f_shm_unmap(sqlite3_file *f, int del)
{
    return REAL(f)->pMethods->xShmUnmap(REAL(f), del);
}
static int f_fetch(sqlite3_file *f, sqlite3_int64 off, int n, void **out)
{
    return REAL(f)->pMethods->xFetch(REAL(f), off, n, out);
}
static int f_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p)
{
    return REAL(f)->pMethods->xUnfetch(REAL(f), off, p);
}

static int shim_open(sqlite3_vfs *vfs, sqlite3_filename name, sqlite3_file *f, int flags,
                     int *out_flags)
{
    sqlite3_vfs *real_vfs = vfs->pAppData;
    struct shim_file *sf = (struct shim_file *)f;
    sf->real = (sqlite3_file *)(sf + 1);
    int rc = real_vfs->xOpen(real_vfs, name, sf->real, flags, out_flags);
    /* SQLite calls xClose only when pMethods is set */
    sf->base.pMethods = sf->real->pMethods ? &shim_io : NULL;
    return rc;
}

void fault_install(void)
{
    static const sqlite3_mem_methods mem = {mem_malloc,  mem_free, mem_realloc,  mem_size,
                                            mem_roundup, mem_init, mem_shutdown, NULL};
    if (sqlite3_config(SQLITE_CONFIG_MALLOC, &mem) != SQLITE_OK) {
        fprintf(stderr, "fault: sqlite3_config failed (SQLite already initialized?)\n");
        abort();
    }
    /* no lookaside: every allocation of SQLite goes through mem_malloc */
    sqlite3_config(SQLITE_CONFIG_LOOKASIDE, 0, 0);
    sqlite3_initialize();
    sqlite3_vfs *real = sqlite3_vfs_find(NULL);
    shim_vfs = *real;
    shim_vfs.zName = "ioc-fault";
    shim_vfs.szOsFile = (int)sizeof(struct shim_file) + real->szOsFile;
    shim_vfs.pAppData = real;
    shim_vfs.xOpen = shim_open;
    shim_vfs.pNext = NULL;
    shim_io = (sqlite3_io_methods){
        3,          f_close,       f_read,      f_write,   f_truncate, f_sync, f_size,
        f_lock,     f_unlock,      f_reserved,  f_control, f_sector,   f_caps, f_shm_map,
        f_shm_lock, f_shm_barrier, f_shm_unmap, f_fetch,   f_unfetch};
    sqlite3_vfs_register(&shim_vfs, 1);
    store_fault_set_alloc_hook(store_alloc_fails);
}
