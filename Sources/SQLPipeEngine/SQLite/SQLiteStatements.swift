import Foundation
import GRDBSQLite

extension SQLiteSession {
    func runStatements(_ sql: String, sink: any StatementSink) throws {
        try sql.withCString { start in
            var next: UnsafePointer<CChar>? = start
            while let remaining = next, remaining.pointee != 0 {
                var statement: OpaquePointer?
                var tail: UnsafePointer<CChar>?
                guard sqlite3_prepare_v2(handle, remaining, -1, &statement, &tail) == SQLITE_OK else { throw lastError() }
                next = tail
                guard let statement else { continue }  // only whitespace or a comment was left
                defer { sqlite3_finalize(statement) }
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
                    try sink.end(rowsAffected: nil)
                } else {
                    let status = sqlite3_step(statement)
                    guard status == SQLITE_DONE || status == SQLITE_ROW else { throw lastError() }
                    try sink.end(rowsAffected: Int(sqlite3_changes(handle)))
                }
            }
        }
    }
}
