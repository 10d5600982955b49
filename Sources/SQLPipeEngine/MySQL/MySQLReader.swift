import CMariaDB
import Foundation

/// Reads a query unbuffered (`mysql_use_result`): rows stream from the server as they are read, so memory
/// does not grow with the result.
final class MySQLReader: RowReader {
    private enum CellKind { case plain, bool, date, dateTime }

    let columns: [ColumnDescription]
    let warnings: [String]
    private let session: MySQLSession
    private let kinds: [CellKind]
    private var result: UnsafeMutablePointer<MYSQL_RES>?
    private var rowNumber = 0

    /// Whether this reader ran its own statement, so that finishing it also reads past any further
    /// results; a reader of one result of several leaves those to its caller.
    private let ownsStatement: Bool

    convenience init(session: MySQLSession, query: String) throws {
        // Preparing tells, without running it, whether the statement returns rows: a DELETE must not run
        // only to be refused.
        if let statement = try? MySQLStatement(session: session, sql: query) {
            let fields = statement.resultFields()
            statement.close()
            if fields == nil || fields?.isEmpty == true {
                throw DriverError("the query returns no rows to transfer (is it a SELECT?)")
            }
        }
        let wrapped = Self.exactFloatQuery(query, session: session)
        try self.init(session: session, query: wrapped?.query ?? query, floats: wrapped?.floats ?? [])
    }

    /// Runs `query` (already rewritten for exact floats, with `floats` its FLOAT columns) and reads it.
    convenience init(session: MySQLSession, query: String, floats: Set<Int>) throws {
        guard mysql_real_query(session.handle, query, UInt(query.utf8.count)) == 0 else { throw session.lastError() }
        guard let result = mysql_use_result(session.handle) else {
            if mysql_field_count(session.handle) == 0 {
                try? session.discardResults()
                throw DriverError("the query returns no rows to transfer (is it a SELECT?)")
            }
            throw session.lastError()
        }
        self.init(session: session, result: result, floats: floats, ownsStatement: true)
    }

    init(session: MySQLSession, result: UnsafeMutablePointer<MYSQL_RES>, floats: Set<Int>, ownsStatement: Bool) {
        self.session = session
        self.ownsStatement = ownsStatement
        self.result = result
        let count = Int(mysql_num_fields(result))
        let fields = mysql_fetch_fields(result)!
        var columns: [ColumnDescription] = []
        var kinds: [CellKind] = []
        var warnings: [String] = []
        for index in 0..<count {
            let field = fields[index]
            let name = String(cString: field.name)
            let (type, sourceType) = floats.contains(index) ? (.float32, "float") : MySQLDialect.neutralType(of: field)
            columns.append(ColumnDescription(name: name, type: type, sourceType: sourceType))
            switch (type, field.type) {
            case (.bool, _): kinds.append(.bool)
            case (_, MYSQL_TYPE_DATE), (_, MYSQL_TYPE_NEWDATE): kinds.append(.date)
            case (_, MYSQL_TYPE_DATETIME), (_, MYSQL_TYPE_TIMESTAMP): kinds.append(.dateTime)
            default: kinds.append(.plain)
            }
            if field.type == MYSQL_TYPE_GEOMETRY {
                warnings.append("column \"\(name)\": MySQL type geometry is transferred as its binary form")
            } else if ["enum", "set"].contains(sourceType) || sourceType.hasPrefix("type ") {
                warnings.append(
                    "column \"\(name)\": MySQL type \(sourceType) has no neutral type and is transferred as text")
            }
        }
        self.columns = columns
        self.kinds = kinds
        self.warnings = warnings
    }

    /// MySQL's text protocol prints FLOAT with six digits, which loses bits. When the result has FLOAT
    /// columns (the prepared statement's metadata says so without running it), they are read through
    /// CAST(… AS DOUBLE), whose text is exact.
    static func exactFloatQuery(_ query: String, session: MySQLSession) -> (query: String, floats: Set<Int>)? {
        // The rows of an INSERT or DELETE … RETURNING cannot be selected from.
        if let first = MySQLStatementText.leadingKeywords(query)?.first, MySQLStatementText.returnsChangedRows(first) {
            return nil
        }
        guard let statement = try? MySQLStatement(session: session, sql: query) else { return nil }
        defer { statement.close() }
        guard let fields = statement.resultFields(), fields.contains(where: { $0.type == MYSQL_TYPE_FLOAT }) else {
            return nil
        }
        let dialect = session.dialect
        let names = fields.map(\.name)
        guard Set(names.map { $0.lowercased() }).count == names.count else { return nil }
        let columns = zip(fields, names).map { field, name in
            field.type == MYSQL_TYPE_FLOAT
                ? "CAST(\(dialect.quote("sqlpipe_source")).\(dialect.quote(name)) AS DOUBLE) AS \(dialect.quote(name))"
                : "\(dialect.quote("sqlpipe_source")).\(dialect.quote(name))"
        }
        var inner = query.trimmingCharacters(in: .whitespacesAndNewlines)
        while inner.hasSuffix(";") { inner = String(inner.dropLast()).trimmingCharacters(in: .whitespacesAndNewlines) }
        let floats = Set(fields.indices.filter { fields[$0].type == MYSQL_TYPE_FLOAT })
        return (
            "SELECT \(columns.joined(separator: ", ")) FROM (\(inner)) AS \(dialect.quote("sqlpipe_source"))", floats
        )
    }

    func read(into batch: inout RowBatch) throws -> Bool {
        guard let result else { return false }
        let count = columns.count
        while !batch.isFull {
            guard let row = mysql_fetch_row(result) else {
                // The end of the rows, or an error mid-stream (a killed query, a lost connection).
                let failed = mysql_errno(session.handle) != 0
                let error = failed ? session.lastError() : nil
                finish()
                if let error { throw error }
                return !batch.isEmpty
            }
            rowNumber += 1
            let lengths = mysql_fetch_lengths(result)!
            for column in 0..<count {
                guard let value = row[column] else {
                    batch.appendNull()
                    continue
                }
                let cell = UnsafeRawBufferPointer(start: value, count: Int(lengths[column]))
                do {
                    try append(cell, kind: kinds[column], column: column, into: &batch)
                } catch {
                    batch.dropPartialRow()
                    throw error
                }
            }
        }
        return true
    }

    private func append(_ cell: UnsafeRawBufferPointer, kind: CellKind, column: Int, into batch: inout RowBatch) throws
    {
        switch kind {
        case .plain:
            batch.append(cell)
        case .bool:
            // tinyint(1) is MySQL's boolean, but it can hold any small number: only 0 and 1 are booleans.
            if cell.count == 1 && cell[0] == UInt8(ascii: "0") {
                batch.append(CollectionOfOne(UInt8(ascii: "f")))
            } else if cell.count == 1 && cell[0] == UInt8(ascii: "1") {
                batch.append(CollectionOfOne(UInt8(ascii: "t")))
            } else {
                throw valueError(
                    column, "\(String(decoding: cell, as: UTF8.self)) in a tinyint(1) column is not a boolean")
            }
        case .date, .dateTime:
            // MySQL's zero dates ('0000-00-00') name no day: no other database can hold them.
            if cell.count >= 10
                && (cell.starts(with: Array("0000".utf8)) || cell[5..<7].elementsEqual("00".utf8)
                    || cell[8..<10].elementsEqual("00".utf8))
            {
                throw valueError(column, "the MySQL zero date '\(String(decoding: cell, as: UTF8.self))' is not a date")
            }
            batch.append(cell)
        }
    }

    private func valueError(_ column: Int, _ message: String) -> DriverError {
        DriverError("column \"\(columns[column].name)\", row \(rowNumber): \(message)")
    }

    private func finish() {
        if let result {
            mysql_free_result(result)
            self.result = nil
            if ownsStatement { try? session.discardResults() }
        }
    }

    func close() {
        guard result != nil else { return }
        // Unread rows would otherwise be fetched to the end: stop the query on the server first.
        session.immediateCanceller().cancel()
        finish()
    }
}
