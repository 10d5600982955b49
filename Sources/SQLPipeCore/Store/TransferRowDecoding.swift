import Foundation
import GRDB

/// A transfers row read column by column. The Codable path (`convertFromSnakeCase`) converts every
/// column name of every row, which was most of the cost of a page of transfers (`GET /api/v1/transfers`,
/// `transfer list`); this reads the same values without it, by position: GRDB finds a column by name
/// by lowercasing every name of the row, 35 × 35 times a transfer. A new column must be added here too (the
/// compiler says so for every property but the optional ones; `StoreTests` checks those).
extension TransferRow: PositionalRecord {
    init(row: Row) throws {
        var cells = StoredCells(row, ColumnPositions.of(row, reusing: Self.lastColumns), of: Self.databaseTableName)
        try self.init(cells: &cells)
    }

    /// Each row's names are compared with the last ones, not trusted to be the first row's of its
    /// statement: the PostgreSQL store's rows are made from dictionaries, each in an order of its own.
    private static let lastColumns = Mutex<ColumnPositions?>(nil)

    /// In the order of the SQLite store's columns (each migration's at the end), where every read finds
    /// its column right after the last one's.
    init(cells: inout StoredCells) throws {
        id = try cells.optional("id")
        createdAt = try cells.required("created_at")
        createdBy = try cells.required("created_by")
        sourceId = try cells.optional("source_id")
        targetId = try cells.optional("target_id")
        query = try cells.required("query")
        targetSchema = try cells.required("target_schema")
        targetTable = try cells.required("target_table")
        overwrite = try cells.required("overwrite")
        status = try cells.required("status")
        error = try cells.optional("error")
        warnings = try Self.strings(cells.optional("warnings"))
        rowsTransferred = try cells.required("rows_transferred")
        startedAt = try cells.optional("started_at")
        stoppedAt = try cells.optional("stopped_at")
        runnerPid = try cells.optional("runner_pid")
        runnerHost = try cells.optional("runner_host")
        cancelRequested = try cells.required("cancel_requested")
        stagingTable = try cells.optional("staging_table")
        leaseExpiresAt = try cells.optional("lease_expires_at")
        runnerToken = try cells.optional("runner_token")
        createdByAdmin = try cells.required("created_by_admin")
        cleanupPending = try cells.required("cleanup_pending")
        mode = try cells.required("mode")
        primaryKey = try Self.strings(cells.optional("primary_key"))
        deleteMissing = try cells.required("delete_missing")
        cursorColumn = try cells.optional("cursor_column")
        cursorFrom = try cells.optional("cursor_from")
        cursorTo = try cells.optional("cursor_to")
        rowsInserted = try cells.optional("rows_inserted")
        rowsUpdated = try cells.optional("rows_updated")
        rowsDeleted = try cells.optional("rows_deleted")
        replicationRunId = try cells.optional("replication_run_id")
        sourceFile = try Self.file(cells.optional("source_file"))
        targetFile = try Self.file(cells.optional("target_file"))
    }

    private static func file(_ text: String?) throws -> StoredFile? {
        guard let text else { return nil }
        return try JSONDecoder().decode(StoredFile.self, from: Data(text.utf8))
    }

    /// A JSON array of strings as the Codable path stores it; most are empty.
    private static func strings(_ text: String?) throws -> [String] {
        switch text {
        case nil, "[]": []
        case let text?: try JSONDecoder().decode([String].self, from: Data(text.utf8))
        }
    }
}
