/* A domain module that talks to SQLite itself. */
#include <sqlite3.h>

int geo_db_open(const char *path, sqlite3 **db)
{
    return sqlite3_open(path, db);
}

int geo_pg(void *c)
{
    return PQstatus(c);
}
