import Foundation
import GRDB

/// A transfers row read column by column. The Codable path (`convertFromSnakeCase`) converts every
/// column name of every row, which was most of the cost of a page of transfers (`GET /api/v1/transfers`,
/// `transfer list`); this reads the same values without it. A new column must be added here too (the
/// compiler says so: every property must be set).
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
        status = row["status"]
        error = row["error"]
        let warningsText: String? = row["warnings"]
        switch warningsText {
        case nil, "[]": warnings = []
        case let text?: warnings = try JSONDecoder().decode([String].self, from: Data(text.utf8))
        }
        rowsTransferred = row["rows_transferred"]
        startedAt = row["started_at"]
        stoppedAt = row["stopped_at"]
        runnerPid = row["runner_pid"]
        runnerHost = row["runner_host"]
        cancelRequested = row["cancel_requested"]
        stagingTable = row["staging_table"]
        cleanupPending = row["cleanup_pending"]
        leaseExpiresAt = row["lease_expires_at"]
        runnerToken = row["runner_token"]
    }
}
