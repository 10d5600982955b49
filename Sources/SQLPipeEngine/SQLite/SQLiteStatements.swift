import Foundation
import GRDBSQLite

extension SQLiteSession {
    func runStatements(_ sql: String, sink: any StatementSink) throws {
        try sql.withCString { start in
            var next: UnsafePointer<CChar>? = start
            while let remaining = next, remaining.pointee != 0 {
                var statement: OpaquePointer?
                var tail: UnsafePointer<CChar>?
                guard sqlite3_prepare_v2(handle, remaining, -1, &statement, &tail) == SQLITE_OK else {
                    throw lastError()
                }
                next = tail
                guard let statement else { continue }  // only whitespace or a comment was left
                defer { sqlite3_finalize(statement) }
                let changesBefore = sqlite3_total_changes64(handle)
                if sqlite3_column_count(statement) > 0 {
                    let reader = try SQLiteReader(session: self, statement: statement, ownsStatement: false)
                    defer { reader.close() }
                    try sink.begin(columns: reader.columns)
                    while true {
                        var batch = RowBatch(columnCount: reader.columns.count)
                        let more = try reader.read(into: &batch)
                        if !batch.isEmpty { try sink.rows(batch) }
                        if !more { break }
                    }
                    // A statement that writes may return rows too (INSERT … RETURNING).
                    let writes = sqlite3_stmt_readonly(statement) == 0
                    try sink.end(rowsAffected: writes ? changes(since: changesBefore) : nil)
                } else {
                    let status = sqlite3_step(statement)
                    guard status == SQLITE_DONE || status == SQLITE_ROW else { throw lastError() }
                    try sink.end(rowsAffected: changes(since: changesBefore))
                }
            }
        }
    }

    /// The rows the statement just run changed. sqlite3_changes keeps the count of the last INSERT,
    /// UPDATE or DELETE, also after a CREATE TABLE: a statement that changed no row at all changed none.
    private func changes(since totalBefore: Int64) -> Int {
        sqlite3_total_changes64(handle) == totalBefore ? 0 : Int(sqlite3_changes64(handle))
    }
}
