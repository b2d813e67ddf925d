/*
 * gc.c — the stored photos no report names (media.h, docs/operations.md "Photos no report
 * names"): a photo is written before the transaction that links it, so a failed transaction
 * (or a crash between the two) leaves its files behind. media_gc lists, and with remove deletes,
 * the files of DATA_DIR/media/ whose hash the caller does not keep and that are older than an
 * age (an upload in flight is younger). A file is renamed aside before it is removed, and its age
 * read again there: media_store makes a file it finds new again (utimensat), or writes it again
 * when it is gone, so an upload of the same photo meanwhile keeps its file.
 */
#include "media/media.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/base.h"

/* Renames path aside, checks its age again and removes it, or puts it back when it was made
 * new meanwhile. 1 removed, 0 kept, -1 failed. */
static int remove_old(const char *path, time_t cutoff)
{
    char aside[4400];
    snprintf(aside, sizeof aside, "%s.gc", path);
    if (rename(path, aside) != 0)
        return errno == ENOENT ? 0 : -1;
    struct stat st;
    if (stat(aside, &st) != 0)
        return -1;
    if (st.st_mtime > cutoff) /* an upload made it new: back, unless it was written again */
        return link(aside, path) == 0 || errno == EEXIST ? (unlink(aside), 0) : -1;
    return unlink(aside) == 0 ? 1 : -1;
}

int media_gc(const char *data_dir, int (*keep)(void *arg, const char *hash), void *arg,
             int64_t min_age_s, int remove,
             void (*each)(void *arg, const char *name, int64_t bytes), struct media_gc_count *count)
{
    memset(count, 0, sizeof *count);
    char dir[4096];
    if ((size_t)snprintf(dir, sizeof dir, "%s/media", data_dir) >= sizeof dir)
        return IOC_EIO;
    DIR *d = opendir(dir);
    if (!d)
        return errno == ENOENT ? 0 : IOC_EIO;
    time_t cutoff = time(NULL) - (time_t)min_age_s;
    int rc = 0;
    for (struct dirent *e; rc == 0 && (e = readdir(d)) != NULL;) {
        if (!media_name_valid(e->d_name))
            continue;
        char hash[MEDIA_HASH_HEX + 1], path[4360];
        memcpy(hash, e->d_name, MEDIA_HASH_HEX);
        hash[MEDIA_HASH_HEX] = '\0';
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        struct stat st;
        if (stat(path, &st) != 0)
            continue; /* removed meanwhile */
        count->files++;
        if (keep(arg, hash))
            continue;
        if (st.st_mtime > cutoff) {
            count->young++;
            continue;
        }
        int gone = remove ? remove_old(path, cutoff) : 0;
        if (gone < 0) {
            rc = IOC_EIO;
            break;
        }
        if (remove && !gone) {
            count->young++;
            continue;
        }
        count->unlinked++;
        count->bytes += (int64_t)st.st_size;
        if (each)
            each(arg, e->d_name, (int64_t)st.st_size);
    }
    closedir(d);
    return rc;
}
