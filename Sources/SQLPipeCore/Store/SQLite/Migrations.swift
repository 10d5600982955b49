import GRDB

extension MetadataStore {
    /// Migrations never change once shipped: a later schema is a new migration appended here.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: users, connections, transfers, queries") { db in
            try db.create(table: "users") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("created_at", .datetime).notNull()
                table.column("username", .text).notNull().unique()
                table.column("password_hash", .text).notNull()
                table.column("admin", .boolean).notNull().defaults(to: false)
            }
            try db.create(table: "connections") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("created_at", .datetime).notNull()
                table.column("updated_at", .datetime).notNull()
                table.column("name", .text).notNull().unique()
                table.column("ds_type", .text).notNull()
                    .check { ["postgresql", "mysql", "mariadb", "sqlite"].contains($0) }
                table.column("hostname", .text).notNull().defaults(to: "")
                table.column("port", .integer)
                table.column("db_name", .text).notNull()
                table.column("username", .text).notNull().defaults(to: "")
                table.column("account_id", .text).notNull().defaults(to: "")
                table.column("params", .jsonText).notNull().defaults(to: "{}")
                table.column("password_ciphertext", .blob)
            }
            let statuses = ["queued", "running", "complete", "error", "cancelled"]
            try db.create(table: "transfers") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("created_at", .datetime).notNull()
                table.column("created_by", .text).notNull()
                table.column("source_id", .integer).references("connections", onDelete: .setNull)
                table.column("target_id", .integer).references("connections", onDelete: .setNull)
                table.column("query", .text).notNull()
                table.column("target_schema", .text).notNull().defaults(to: "")
                table.column("target_table", .text).notNull()
                table.column("overwrite", .boolean).notNull().defaults(to: false)
                table.column("status", .text).notNull().check { statuses.contains($0) }
                table.column("error", .text)
                table.column("warnings", .jsonText).notNull().defaults(to: "[]")
                table.column("rows_transferred", .integer).notNull().defaults(to: 0)
                table.column("started_at", .datetime)
                table.column("stopped_at", .datetime)
                // Who runs it, so that a later process can tell a live run from one whose process died.
                table.column("runner_pid", .integer)
                table.column("runner_host", .text)
                table.column("cancel_requested", .boolean).notNull().defaults(to: false)
                table.column("staging_table", .text)
            }
            try db.create(index: "transfers_status", on: "transfers", columns: ["status"])
            try db.create(table: "queries") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("created_at", .datetime).notNull()
                table.column("created_by", .text).notNull()
                table.column("connection_id", .integer).references("connections", onDelete: .setNull)
                table.column("query", .text).notNull()
                table.column("status", .text).notNull().check { statuses.contains($0) }
                table.column("error", .text)
                table.column("rows_affected", .integer)
                table.column("result", .jsonText)
                table.column("started_at", .datetime)
                table.column("stopped_at", .datetime)
                table.column("runner_pid", .integer)
                table.column("runner_host", .text)
                table.column("cancel_requested", .boolean).notNull().defaults(to: false)
            }
            try db.create(index: "queries_status", on: "queries", columns: ["status"])
        }
        migrator.registerMigration("v2: restricted connections, secret params, run leases") { db in
            try db.alter(table: "connections") { table in
                // Admins only: a non-admin API user can neither run transfers nor queries through it.
                table.add(column: "restricted", .boolean).notNull().defaults(to: false)
                // Options that are secrets (PostgreSQL's sslpassword), sealed like the password.
                table.add(column: "secret_params_ciphertext", .blob)
            }
            for name in ["transfers", "queries"] {
                try db.alter(table: name) { table in
                    // A run is alive while its runner keeps renewing the lease; recovery takes only expired ones.
                    table.add(column: "lease_expires_at", .datetime)
                    // Which claim owns the run: a runner whose run was recovered meanwhile must not finish it.
                    table.add(column: "runner_token", .text)
                    // Whether an admin created it: a connection restricted after a user queued work on it
                    // is refused when the work runs. Earlier work was made when every user could use all.
                    table.add(column: "created_by_admin", .boolean).notNull().defaults(to: true)
                }
            }
            try db.alter(table: "transfers") { table in
                // A failed or interrupted transfer may have left its staging table in the target (MySQL
                // commits DDL at once): set until one drop of it succeeded.
                table.add(column: "cleanup_pending", .boolean).notNull().defaults(to: false)
            }
            try db.create(index: "transfers_created_by", on: "transfers", columns: ["created_by", "status"])
            try db.create(index: "queries_created_by", on: "queries", columns: ["created_by", "status"])
        }
        migrator.registerMigration("v3: transfer modes, keys, cursors and row counts") { db in
            // Written out rather than taken from TransferMode: a mode added later is a migration of its own.
            let modes = ["append", "overwrite", "truncate", "upsert", "incremental"]
            try db.alter(table: "transfers") { table in
                table.add(column: "mode", .text).notNull().defaults(to: "append").check { modes.contains($0) }
                table.add(column: "primary_key", .jsonText).notNull().defaults(to: "[]")
                table.add(column: "delete_missing", .boolean).notNull().defaults(to: false)
                table.add(column: "cursor_column", .text)
                // An incremental run's high-water mark before and after it, as text.
                table.add(column: "cursor_from", .text)
                table.add(column: "cursor_to", .text)
                // Null where the target database cannot tell, and for runs from before these columns.
                table.add(column: "rows_inserted", .integer)
                table.add(column: "rows_updated", .integer)
                table.add(column: "rows_deleted", .integer)
            }
            // `overwrite` stays, written along with `mode`, for anything that reads the store directly.
            try db.execute(sql: "UPDATE transfers SET mode = 'overwrite' WHERE overwrite")
        }
        migrator.registerMigration("v4: replications and their runs") { db in
            try db.create(table: "replications") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("name", .text).notNull().unique()
                // A connection a replication names cannot be deleted from under it.
                table.column("source_id", .integer).references("connections", onDelete: .restrict)
                table.column("target_id", .integer).references("connections", onDelete: .restrict)
                table.column("defaults", .jsonText).notNull().defaults(to: "{}")
                table.column("streams", .jsonText).notNull().defaults(to: "[]")
                table.column("exclude", .jsonText).notNull().defaults(to: "[]")
                table.column("concurrency", .integer).notNull().defaults(to: 1)
                table.column("schedule", .text)
                table.column("timezone", .text)
                table.column("created_at", .datetime).notNull()
                table.column("created_by", .text).notNull()
                table.column("updated_at", .datetime).notNull()
                // The due time `serve` starts the next scheduled run at: a worker that starts it moves it on
                // in the same write, so that one due time starts one run whatever the number of workers.
                table.column("next_run_at", .datetime)
                // Due times that passed while a run was going, for the next run to report.
                table.column("skipped_due_times", .integer).notNull().defaults(to: 0)
            }
            let statuses = ["queued", "running", "complete", "error", "cancelled"]
            try db.create(table: "replication_runs") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("replication_id", .integer).references("replications", onDelete: .cascade)
                table.column("created_at", .datetime).notNull()
                table.column("created_by", .text).notNull()
                table.column("created_by_admin", .boolean).notNull()
                table.column("status", .text).notNull().check { statuses.contains($0) }
                table.column("error", .text)
                table.column("stream_filter", .text)
                table.column("scheduled_for", .datetime)
                table.column("skipped_due_times", .integer).notNull().defaults(to: 0)
                table.column("streams", .jsonText).notNull().defaults(to: "[]")
                table.column("started_at", .datetime)
                table.column("stopped_at", .datetime)
                table.column("runner_pid", .integer)
                table.column("runner_host", .text)
                table.column("runner_token", .text)
                table.column("lease_expires_at", .datetime)
                table.column("cancel_requested", .boolean).notNull().defaults(to: false)
            }
            try db.create(index: "replication_runs_status", on: "replication_runs", columns: ["status"])
            // One queued or running run of a replication at a time, whoever starts it.
            try db.execute(
                sql: """
                    CREATE UNIQUE INDEX replication_runs_one_active ON replication_runs(replication_id)
                    WHERE status IN ('queued', 'running')
                    """)
            try db.alter(table: "transfers") { table in
                // The run a transfer was one stream of; the transfer stays when its run is deleted.
                table.add(column: "replication_run_id", .integer).references("replication_runs", onDelete: .setNull)
            }
            try db.create(index: "transfers_replication_run", on: "transfers", columns: ["replication_run_id"])
        }
        migrator.registerMigration("v5: files at either end of a transfer") { db in
            try db.alter(table: "transfers") { table in
                // In place of the source connection and query, or of the target connection and table.
                table.add(column: "source_file", .jsonText)
                table.add(column: "target_file", .jsonText)
            }
        }
        return migrator
    }
}
