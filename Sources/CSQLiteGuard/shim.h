#include <sqlite3.h>

/// sqlite3_db_config is variadic, which Swift cannot call: the settings that keep a user's SQL (and a
/// hostile database file) from corrupting the file or reaching outside it, in one call.
static inline int sqlpipe_sqlite3_harden(sqlite3 *db) {
    int rc = sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)0);
    if (rc != SQLITE_OK) return rc;
    /* Views and triggers of the file itself may not call functions with side effects. */
    rc = sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, (int *)0);
    if (rc != SQLITE_OK) return rc;
    return sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, (int *)0);
}

/// sqlite3_config is variadic too. Turns off SQLite's count of the memory it holds, which takes a
/// process-wide mutex around every allocation (and this build of the library allocates per value): it
/// works only before SQLite is first used in the process, and returns SQLITE_MISUSE afterwards.
static inline int sqlpipe_sqlite3_skip_memory_statistics(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}
