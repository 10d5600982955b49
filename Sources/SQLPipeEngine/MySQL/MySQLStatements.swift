import CMariaDB
import Foundation

extension MySQLSession {
    func runStatements(_ sql: String, sink: any StatementSink) throws {
        // A single statement that returns FLOAT columns goes through the reader, which reads them exactly.
        if let wrapped = MySQLReader.exactFloatQuery(sql, session: self) {
            let reader = try MySQLReader(session: self, query: wrapped.query, floats: wrapped.floats)
            defer { reader.close() }
            try stream(reader, to: sink)
            try sink.end(rowsAffected: nil)
            return
        }
        guard mysql_real_query(handle, sql, UInt(sql.utf8.count)) == 0 else { throw lastError() }
        while true {
            if let result = mysql_use_result(handle) {
                let reader = MySQLReader(session: self, result: result, floats: [], ownsStatement: false)
                do {
                    try stream(reader, to: sink)
                } catch {
                    reader.close()
                    try? discardResults()
                    throw error
                }
                reader.close()
                try sink.end(rowsAffected: nil)
            } else if mysql_field_count(handle) == 0 {
                try sink.end(rowsAffected: Int(mysql_affected_rows(handle)))
            } else {
                throw lastError()
            }
            let next = mysql_next_result(handle)
            if next == -1 { return }
            if next > 0 { throw lastError() }
        }
    }

    private func stream(_ reader: MySQLReader, to sink: any StatementSink) throws {
        try sink.begin(columns: reader.columns)
        while true {
            var batch = RowBatch(columnCount: reader.columns.count)
            let more = try reader.read(into: &batch)
            if !batch.isEmpty { try sink.rows(batch) }
            if !more { return }
        }
    }
}
