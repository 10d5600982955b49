import CMariaDB
import Foundation

/// Writes rows with `LOAD DATA LOCAL INFILE`, fed from memory through Connector/C's local-infile
/// handler; where the server refuses local infile, with multi-row prepared INSERTs instead.
final class MySQLWriter: RowWriter {
    private enum CellKind { case plain, escaped, bool, float, float32, decimal, dateTime }

    private let session: MySQLSession
    private let table: TableName
    private let columns: [ColumnDescription]
    private let kinds: [CellKind]

    // The state of one LOAD DATA, read by the C callbacks.
    private var next: (() throws -> RowBatch?)?
    private var pending: [UInt8] = []
    private var pendingOffset = 0
    private var failure: (any Error)?
    private var rowsSent = 0
    private var batchesTaken = 0

    init(session: MySQLSession, table: TableName, columns: [ColumnDescription]) {
        self.session = session
        self.table = table
        self.columns = columns
        kinds = columns.map { column in
            switch column.type {
            case .bool: .bool
            case .float32: .float32
            case .float64: .float
            case .decimal, .uint64: .decimal
            case .string, .text, .json, .bytes: .escaped
            case .date, .timestamp, .timestamptz: .dateTime
            case .int16, .int32, .int64, .time, .uuid: .plain
            }
        }
        pending.reserveCapacity(1 << 20)
    }

    func write(from next: () throws -> RowBatch?) throws -> Int {
        try withoutActuallyEscaping(next) { next in
            self.next = next
            defer { self.next = nil }
            if session.config.params[MySQLOption.localInfile.rawValue] == "0" { return try insertRows() }
            return try loadData()
        }
    }

    private func loadData() throws -> Int {
        let dialect = session.dialect
        let names = columns.map { dialect.quote($0.name) }.joined(separator: ", ")
        // CHARACTER SET binary: the bytes go in as they are; text is already UTF-8 and the columns convert.
        // The stream's name is unguessable: the gate serves no other.
        let stream = "sqlpipe-stream-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        let statement = """
            LOAD DATA LOCAL INFILE '\(stream)' INTO TABLE \(dialect.qualified(table)) CHARACTER SET binary \
            FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n' (\(names))
            """
        let sent = session.withLocalStream(
            named: stream, fill: { [unowned self] buffer, capacity in fill(buffer, capacity) },
            failure: { [unowned self] in failure.map { "\($0)" } },
            run: { mysql_real_query(session.handle, statement, UInt(statement.utf8.count)) == 0 })
        if !sent {
            if let failure { throw failure }
            let error = session.lastError()
            if batchesTaken == 0, let code = error.code.flatMap(UInt32.init), mysqlLocalInfileRefused.contains(code) {
                return try insertRows()
            }
            throw error
        }
        if let failure { throw failure }
        let affected = mysql_affected_rows(session.handle)
        let warnings = mysql_warning_count(session.handle)
        try session.discardResults()
        // LOAD DATA LOCAL turns bad values into warnings (the server cannot stop the stream): any
        // warning is a value that was not stored exactly, so the load fails.
        if warnings > 0 {
            let warning = try session.query("SHOW WARNINGS LIMIT 1", []).first
            let message = warning.map { $0.count > 2 ? ($0[2] ?? "") : "" } ?? "a value was changed"
            throw DriverError("MySQL could not store a value exactly: \(message)")
        }
        return affected == UInt64.max ? rowsSent : Int(affected)
    }

    /// The local-infile read callback: copies encoded rows into the server's buffer; 0 at the end, -1 on error.
    private func fill(_ buffer: UnsafeMutablePointer<CChar>, _ capacity: Int) -> Int32 {
        do {
            while pendingOffset >= pending.count {
                pending.removeAll(keepingCapacity: true)
                pendingOffset = 0
                guard let next, let batch = try next() else { return 0 }
                batchesTaken += 1
                try encode(batch)
            }
            let count = min(capacity, pending.count - pendingOffset)
            pending.withUnsafeBufferPointer { source in
                UnsafeMutableRawPointer(buffer).copyMemory(from: source.baseAddress! + pendingOffset, byteCount: count)
            }
            pendingOffset += count
            return Int32(count)
        } catch {
            failure = error
            return -1
        }
    }

    private func encode(_ batch: RowBatch) throws {
        try BulkText.encode(
            batch, to: &pending, startRow: { rowsSent += 1 },
            field: { value, column, pending in
                switch kinds[column] {
                case .plain:
                    pending.append(contentsOf: value)
                case .escaped:
                    BulkText.appendEscaped(value, to: &pending)
                case .bool:
                    pending.append(value.first == UInt8(ascii: "t") ? UInt8(ascii: "1") : UInt8(ascii: "0"))
                case .float:
                    try checkFloat(value, column: column)
                    pending.append(contentsOf: value)
                case .float32:
                    try checkFloat(value, column: column)
                    Self.appendFloat32(value, to: &pending)
                case .decimal:
                    try checkFinite(value, column: column, what: "MySQL DECIMAL holds no NaN or infinity")
                    pending.append(contentsOf: value)
                case .dateTime:
                    try checkDateTime(value, column: column)
                    pending.append(contentsOf: value)
                }
            })
    }

    /// MySQL reads a FLOAT's text as a double and narrows that, so the shortest text of a float4 can miss
    /// it: 3.4028235e38 reads as a double above FLT_MAX ("Out of range"), and a text near a tie between
    /// two floats could round twice. Such a value is written as the double its float4 is exactly.
    private static func appendFloat32(_ value: UnsafeBufferPointer<UInt8>, to buffer: inout [UInt8]) {
        guard let float = Canonical.float(value), float.isFinite, let double = Canonical.double(value),
            Float(double) != float || double.magnitude > Double(Float.greatestFiniteMagnitude)
        else {
            buffer.append(contentsOf: value)
            return
        }
        buffer.append(contentsOf: Canonical.text(of: Double(float)).utf8)
    }

    /// PostgreSQL's `infinity`, `-infinity` and dates before Christ (`0044-03-15 BC`) are no MySQL dates.
    private func checkDateTime(_ value: UnsafeBufferPointer<UInt8>, column: Int) throws {
        guard let special = DateTimeShape.special(value) else { return }
        let why = special == .infinity ? "MySQL dates hold no infinity" : "MySQL has no dates before the year 1"
        let text = String(decoding: value, as: UTF8.self)
        throw DriverError("column \"\(columns[column].name)\", row \(rowsSent): \(text) cannot be stored: \(why)")
    }

    /// MySQL's FLOAT and DOUBLE have no NaN, no infinity and no negative zero (it is stored as 0).
    private func checkFloat(_ value: UnsafeBufferPointer<UInt8>, column: Int) throws {
        try checkFinite(value, column: column, what: "MySQL floating-point columns hold no NaN or infinity")
        if value.count >= 2, value[0] == UInt8(ascii: "-"), value[1] == UInt8(ascii: "0"), Canonical.double(value) == 0
        {
            throw DriverError(
                "column \"\(columns[column].name)\", row \(rowsSent): -0 cannot be stored: MySQL turns negative zero into 0"
            )
        }
    }

    private func checkFinite(_ value: UnsafeBufferPointer<UInt8>, column: Int, what: String) throws {
        guard let first = value.first,
            first == UInt8(ascii: "N") || first == UInt8(ascii: "I")
                || (first == UInt8(ascii: "-") && value.count > 1 && value[1] == UInt8(ascii: "I"))
        else { return }
        throw DriverError(
            "column \"\(columns[column].name)\", row \(rowsSent): \(String(decoding: value, as: UTF8.self)) cannot be stored: \(what)"
        )
    }

    // MARK: - Fallback: multi-row prepared INSERT

    private func insertRows() throws -> Int {
        guard let next else { return 0 }
        let dialect = session.dialect
        let names = columns.map { dialect.quote($0.name) }.joined(separator: ", ")
        let placeholders = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
        let rowsPerStatement = max(1, min(500, 60_000 / max(1, columns.count)))
        var statements: [Int: MySQLStatement] = [:]
        defer { for prepared in statements.values { prepared.close() } }
        func statement(rows: Int) throws -> MySQLStatement {
            if let existing = statements[rows] { return existing }
            let sql =
                "INSERT INTO \(dialect.qualified(table)) (\(names)) VALUES "
                + Array(repeating: placeholders, count: rows).joined(separator: ", ")
            let prepared = try MySQLStatement(session: session, sql: sql)
            statements[rows] = prepared
            return prepared
        }
        var written = 0
        while let batch = try next() {
            var start = 0
            while start < batch.rowCount {
                let rows = min(rowsPerStatement, batch.rowCount - start)
                var values: [[UInt8]?] = []
                var binary: [Bool] = []
                values.reserveCapacity(rows * columns.count)
                for row in start..<(start + rows) {
                    rowsSent += 1
                    for column in 0..<columns.count {
                        binary.append(columns[column].type == .bytes)
                        if batch.isNull(row: row, column: column) {
                            values.append(nil)
                            continue
                        }
                        let cell = try batch.withCell(row: row, column: column) { cell -> [UInt8] in
                            switch kinds[column] {
                            case .bool: return [cell.first == UInt8(ascii: "t") ? UInt8(ascii: "1") : UInt8(ascii: "0")]
                            case .float:
                                try checkFloat(cell, column: column)
                                return Array(cell)
                            case .float32:
                                try checkFloat(cell, column: column)
                                var text: [UInt8] = []
                                Self.appendFloat32(cell, to: &text)
                                return text
                            case .dateTime:
                                try checkDateTime(cell, column: column)
                                return Array(cell)
                            case .decimal:
                                try checkFinite(cell, column: column, what: "MySQL DECIMAL holds no NaN or infinity")
                                return Array(cell)
                            default: return Array(cell)
                            }
                        }
                        values.append(cell)
                    }
                }
                let prepared = try statement(rows: rows)
                try prepared.execute(values, binary: binary)
                if mysql_warning_count(session.handle) > 0 {
                    let warning = try session.query("SHOW WARNINGS LIMIT 1", []).first
                    throw DriverError(
                        "MySQL could not store a value exactly: \(warning.map { $0.count > 2 ? ($0[2] ?? "") : "" } ?? "")"
                    )
                }
                written += rows
                start += rows
            }
        }
        return written
    }
}

extension MySQLStatement {
    func execute(_ values: [[UInt8]?], binary: [Bool]) throws {
        try withBoundBytes(values, binary: binary) {
            guard mysql_stmt_execute(statementHandle) == 0 else { throw error() }
        }
    }
}
