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
        let keywords = MySQLStatementText.leadingKeywords(sql)
        var statement = 0
        guard mysql_real_query(handle, sql, UInt(sql.utf8.count)) == 0 else { throw lastError() }
        while true {
            if let result = mysql_use_result(handle) {
                let reader = MySQLReader(session: self, result: result, floats: [], ownsStatement: false)
                let rows: Int
                do {
                    rows = try stream(reader, to: sink)
                } catch {
                    reader.close()
                    try? discardResults()
                    throw error
                }
                reader.close()
                // The rows of an INSERT or DELETE … RETURNING are the rows it changed.
                let changing = keywords.map {
                    statement < $0.count && MySQLStatementText.returnsChangedRows($0[statement])
                }
                try sink.end(rowsAffected: changing == true ? rows : nil)
            } else if mysql_field_count(handle) == 0 {
                try sink.end(rowsAffected: Int(mysql_affected_rows(handle)))
            } else {
                throw lastError()
            }
            statement += 1
            let next = mysql_next_result(handle)
            if next == -1 { return }
            if next > 0 { throw lastError() }
        }
    }

    /// Passes a result on to the sink and says how many rows it had.
    @discardableResult
    private func stream(_ reader: MySQLReader, to sink: any StatementSink) throws -> Int {
        try sink.begin(columns: reader.columns)
        var rows = 0
        while true {
            var batch = RowBatch(columnCount: reader.columns.count)
            let more = try reader.read(into: &batch)
            rows += batch.rowCount
            if !batch.isEmpty { try sink.rows(batch) }
            if !more { return rows }
        }
    }
}
