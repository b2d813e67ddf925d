/* The store may use SQLite. */
#include <sqlite3.h>

int store_db_open(const char *path, sqlite3 **db)
{
    return sqlite3_open(path, db);
}
