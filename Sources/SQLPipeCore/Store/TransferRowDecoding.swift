import Foundation
import GRDB

/// A transfers row read column by column. The Codable path (`convertFromSnakeCase`) converts every
/// column name of every row, which was most of the cost of a page of transfers (`GET /api/v1/transfers`,
/// `transfer list`); this reads the same values without it. A new column must be added here too (the
/// compiler says so for every property but the optional ones; `StoreTests` checks those).
extension TransferRow {
    init(row: Row) throws {
        id = row["id"]
        createdAt = row["created_at"]
        createdBy = row["created_by"]
        createdByAdmin = row["created_by_admin"]
        sourceId = row["source_id"]
        targetId = row["target_id"]
        query = row["query"]
        targetSchema = row["target_schema"]
        targetTable = row["target_table"]
        overwrite = row["overwrite"]
        mode = row["mode"]
        primaryKey = try Self.strings(row["primary_key"])
        deleteMissing = row["delete_missing"]
        cursorColumn = row["cursor_column"]
        status = row["status"]
        error = row["error"]
        warnings = try Self.strings(row["warnings"])
        rowsTransferred = row["rows_transferred"]
        rowsInserted = row["rows_inserted"]
        rowsUpdated = row["rows_updated"]
        rowsDeleted = row["rows_deleted"]
        cursorFrom = row["cursor_from"]
        cursorTo = row["cursor_to"]
        startedAt = row["started_at"]
        stoppedAt = row["stopped_at"]
        runnerPid = row["runner_pid"]
        runnerHost = row["runner_host"]
        cancelRequested = row["cancel_requested"]
        stagingTable = row["staging_table"]
        cleanupPending = row["cleanup_pending"]
        leaseExpiresAt = row["lease_expires_at"]
        runnerToken = row["runner_token"]
        replicationRunId = row["replication_run_id"]
        sourceFile = try Self.file(row["source_file"])
        targetFile = try Self.file(row["target_file"])
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
