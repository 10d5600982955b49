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
