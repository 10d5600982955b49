import CLibPQ
import Foundation

/// What PostgreSQL says a query returns, before it runs.
struct PostgresResultDescription {
    struct Field {
        var name: String
        var oid: UInt32
        var modifier: Int32
        /// `format_type` of the column, e.g. `numeric(38,10)`, `integer[]`.
        var typeName: String
    }

    var fields: [Field]
    /// What a binary passthrough of this result says of its columns (those it carries as text).
    var passthroughWarnings: [String] = []

    /// Whether a column's type is one of PostgreSQL's own, so that another PostgreSQL database knows it
    /// too, under a name fit for its DDL.
    private static func isBuiltIn(_ field: Field) -> Bool {
        PostgresDialect.isBuiltIn(oid: field.oid) && PostgresDialect.ddlTypeName(field.typeName) != nil
    }

    /// The query and result to pass through in binary to another PostgreSQL database: every column keeps
    /// its own type, except one whose type the target may lack (an enum, an extension's type), which the
    /// query casts to text. Nil when that cannot be written (two columns of the same name).
    func passthrough(of query: String) -> (query: String, description: PostgresResultDescription)? {
        guard !fields.allSatisfy(Self.isBuiltIn) else { return (query, self) }
        guard Set(fields.map(\.name)).count == fields.count else { return nil }
        let dialect = PostgresDialect()
        let source = dialect.quote("sqlpipe_source")
        var converted = self
        let selected = fields.indices.map { index -> String in
            let field = fields[index]
            let column = source + "." + dialect.quote(field.name)
            guard !Self.isBuiltIn(field) else { return column }
            converted.fields[index] = Field(name: field.name, oid: 25, modifier: -1, typeName: "text")
            converted.passthroughWarnings.append(Self.textWarning(field))
            return column + "::pg_catalog.text AS " + dialect.quote(field.name)
        }
        let inner = PostgresCopyReader.trimmed(query)
        return ("SELECT \(selected.joined(separator: ", ")) FROM (\(inner)) AS \(source)", converted)
    }

    private static func textWarning(_ field: Field) -> String {
        "column \"\(field.name)\": PostgreSQL type \(field.typeName) has no neutral type and is transferred as text"
    }

    var columns: [ColumnDescription] {
        fields.map { field in
            ColumnDescription(
                name: field.name, type: PostgresDialect.neutralType(oid: field.oid, modifier: field.modifier) ?? .text,
                sourceType: field.typeName)
        }
    }

    var warnings: [String] {
        fields.compactMap { field in
            PostgresDialect.neutralType(oid: field.oid, modifier: field.modifier) == nil ? Self.textWarning(field) : nil
        }
    }
}

extension PostgresSession {
    /// Asks the server for the columns of `query` without running it.
    func describe(_ query: String) throws -> PostgresResultDescription {
        PQclear(try check(PQprepare(connection, "", query, 0, nil)))
        let described = try check(PQdescribePrepared(connection, ""))
        defer { PQclear(described) }
        let count = Int(PQnfields(described))
        guard count > 0 else {
            throw DriverError("the query returns no rows to transfer (is it a SELECT?)")
        }
        var fields = (0..<count).map { index in
            PostgresResultDescription.Field(
                name: String(cString: PQfname(described, Int32(index))), oid: PQftype(described, Int32(index)),
                modifier: PQfmod(described, Int32(index)), typeName: "")
        }
        let oids = "{" + fields.map { String($0.oid) }.joined(separator: ",") + "}"
        let modifiers = "{" + fields.map { String($0.modifier) }.joined(separator: ",") + "}"
        let names = try self.query(
            "SELECT format_type(t.o, t.m) FROM unnest($1::oid[], $2::int4[]) WITH ORDINALITY AS t(o, m, n) ORDER BY t.n",
            [oids, modifiers])
        for (index, row) in names.enumerated() where index < fields.count {
            fields[index].typeName = row.first.flatMap { $0 } ?? "unknown"
        }
        return PostgresResultDescription(fields: fields)
    }
}

/// Reads a query with `COPY (query) TO STDOUT`, in text form decoded to canonical cells, or in binary
/// form passed through untouched (one COPY message per cell) for a PostgreSQL target of the same types.
/// Statements COPY cannot wrap (SHOW, EXPLAIN, …) are read in single-row mode instead.
final class PostgresCopyReader: RowReader {
    enum Format { case text, binary }
    private enum Mode { case copy, singleRow }
    private typealias CellKind = PostgresText.Kind

    let columns: [ColumnDescription]
    let warnings: [String]
    var batchColumnCount: Int { format == .binary && decoders == nil ? 1 : columns.count }
    private let session: PostgresSession
    private let format: Format
    private let decoders: [PostgresBinaryCells.Decoder]?
    /// Where a decoded binary stream is: its header comes first, its trailer last.
    private var sawHeader = false
    private var sawTrailer = false
    /// Whether the rows come in binary, decoded into cells.
    var decodesBinary: Bool { decoders != nil }
    private let kinds: [CellKind]
    private var mode: Mode = .copy
    /// A result read ahead (to describe an unprepared statement) and not yet consumed.
    private var pending: OpaquePointer?
    private var finished = false
    private var scratch: [UInt8] = []

    /// Reads `query` into canonical cells: in binary, decoded, where some column has a decoder (see
    /// `PostgresBinaryCells`), else as text.
    static func open(session: PostgresSession, query: String) throws -> PostgresCopyReader {
        let trimmed = PostgresCopyReader.trimmed(query)
        guard let description = try Self.describeIfPreparable(trimmed, on: session) else {
            return try PostgresCopyReader(session: session, unpreparedQuery: trimmed)
        }
        if let plan = PostgresBinaryCells.plan(for: trimmed, description) {
            do {
                return try PostgresCopyReader(
                    session: session, query: plan.query, description: description, format: .binary,
                    decoders: plan.decoders)
            } catch let error as DriverError where cannotWrap(error) {
                // Read as text below, which knows the statements COPY cannot wrap.
            }
        }
        return try PostgresCopyReader(session: session, query: trimmed, description: description, format: .text)
    }

    /// The query's columns, or nil for statements that cannot be prepared (they are then read row by row).
    static func describeIfPreparable(_ query: String, on session: PostgresSession) throws -> PostgresResultDescription?
    {
        do {
            return try session.describe(trimmed(query))
        } catch let error as DriverError where cannotWrap(error) {
            return nil
        }
    }

    /// A statement sent as it is, in single-row mode; its first result describes the columns.
    private init(session: PostgresSession, unpreparedQuery query: String) throws {
        self.session = session
        format = .text
        decoders = nil
        mode = .singleRow
        guard PQsendQuery(session.connection, query) == 1 else {
            throw DriverError(String(cString: PQerrorMessage(session.connection)))
        }
        PQsetSingleRowMode(session.connection)
        guard let first = PQgetResult(session.connection) else { throw DriverError("the server sent no result") }
        let status = PQresultStatus(first)
        guard status == PGRES_SINGLE_TUPLE || status == PGRES_TUPLES_OK, PQnfields(first) > 0 else {
            let error =
                status == PGRES_COMMAND_OK
                ? DriverError("the query returns no rows to transfer (is it a SELECT?)")
                : PostgresSession.error(of: first)
            PQclear(first)
            try? session.drainResults()
            throw error
        }
        let fields = (0..<Int(PQnfields(first))).map { index in
            PostgresResultDescription.Field(
                name: String(cString: PQfname(first, Int32(index))), oid: PQftype(first, Int32(index)),
                modifier: PQfmod(first, Int32(index)), typeName: "oid \(PQftype(first, Int32(index)))")
        }
        let description = PostgresResultDescription(fields: fields)
        columns = description.columns
        warnings = description.warnings
        kinds = fields.map { PostgresText.Kind(oid: $0.oid) }
        pending = first
    }

    /// With `decoders`, a binary COPY is decoded into canonical cells rather than passed through.
    init(
        session: PostgresSession, query: String, description: PostgresResultDescription, format: Format,
        decoders: [PostgresBinaryCells.Decoder]? = nil
    ) throws {
        self.session = session
        self.format = format
        self.decoders = format == .binary ? decoders : nil
        columns = description.columns
        // Passed through in binary, every column keeps its own type: nothing is read as text.
        warnings = format == .binary && decoders == nil ? description.passthroughWarnings : description.warnings
        kinds = description.fields.map { PostgresText.Kind(oid: $0.oid) }
        let query = Self.trimmed(query)
        let copy = "COPY (\(query)) TO STDOUT" + (format == .binary ? " (FORMAT binary)" : "")
        let result = PQexec(session.connection, copy)
        if let result, PQresultStatus(result) == PGRES_COPY_OUT {
            PQclear(result)
            return
        }
        let error =
            result.map(PostgresSession.error(of:)) ?? DriverError(String(cString: PQerrorMessage(session.connection)))
        if let result { PQclear(result) }
        // 42601 (syntax) and 0A000 (not supported): a statement COPY cannot wrap (SHOW, EXPLAIN). Anything
        // else is the query's own error. A binary stream has no row-by-row form: its caller reads text.
        guard format == .text, Self.cannotWrap(error) else { throw error }
        guard PQsendQuery(session.connection, query) == 1 else {
            throw DriverError(String(cString: PQerrorMessage(session.connection)))
        }
        PQsetSingleRowMode(session.connection)
        mode = .singleRow
    }

    static func cannotWrap(_ error: DriverError) -> Bool { error.code == "42601" || error.code == "0A000" }

    /// A trailing semicolon would end the statement inside `COPY ( … )`.
    static func trimmed(_ query: String) -> String {
        var text = query.trimmingCharacters(in: .whitespacesAndNewlines)
        while text.hasSuffix(";") {
            text = String(text.dropLast()).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return text
    }

    func read(into batch: inout RowBatch) throws -> Bool {
        if finished { return false }
        switch mode {
        case .copy: return try readCopy(into: &batch)
        case .singleRow: return try readSingleRows(into: &batch)
        }
    }

    private func readCopy(into batch: inout RowBatch) throws -> Bool {
        while !batch.isFull {
            var buffer: UnsafeMutablePointer<CChar>?
            let length = PQgetCopyData(session.connection, &buffer, 0)
            if length > 0, let buffer {
                defer { PQfreemem(buffer) }
                let bytes = UnsafeRawBufferPointer(start: buffer, count: Int(length))
                if let decoders {
                    try decodeBinary(bytes, decoders: decoders, into: &batch)
                } else if format == .binary {
                    batch.append(bytes)
                } else {
                    try parseTextLine(bytes.bindMemory(to: UInt8.self), into: &batch)
                }
            } else if length == -1 {
                finished = true
                // The query's own failure (a division by zero on row 5000) arrives here, after the rows.
                try session.drainResults()
                return !batch.isEmpty
            } else {
                finished = true
                throw DriverError(clientMessage: String(cString: PQerrorMessage(session.connection)))
            }
        }
        return true
    }

    private func decodeBinary(
        _ message: UnsafeRawBufferPointer, decoders: [PostgresBinaryCells.Decoder], into batch: inout RowBatch
    ) throws {
        guard !sawTrailer else { throw DriverError("the server sent binary COPY data after its end") }
        let start = sawHeader ? 0 : try PostgresBinaryCells.headerLength(message)
        sawHeader = true
        sawTrailer = try PostgresBinaryCells.decode(
            message, from: start, decoders: decoders, into: &batch, scratch: &scratch)
    }

    private func readSingleRows(into batch: inout RowBatch) throws -> Bool {
        while !batch.isFull {
            let next = pending ?? PQgetResult(session.connection)
            pending = nil
            guard let result = next else {
                finished = true
                return !batch.isEmpty
            }
            defer { PQclear(result) }
            switch PQresultStatus(result) {
            case PGRES_SINGLE_TUPLE:
                for column in 0..<columns.count {
                    if PQgetisnull(result, 0, Int32(column)) == 1 {
                        batch.appendNull()
                    } else {
                        let length = Int(PQgetlength(result, 0, Int32(column)))
                        let value = UnsafeRawBufferPointer(start: PQgetvalue(result, 0, Int32(column)), count: length)
                        PostgresText.append(value.bindMemory(to: UInt8.self), kind: kinds[column], into: &batch)
                    }
                }
            case PGRES_TUPLES_OK:
                continue
            default:
                finished = true
                let error = PostgresSession.error(of: result)
                try? session.drainResults()
                throw error
            }
        }
        return true
    }

    /// One line of COPY text: fields split by tabs, `\N` for NULL, backslash escapes.
    private func parseTextLine(_ line: UnsafeBufferPointer<UInt8>, into batch: inout RowBatch) throws {
        var end = line.count
        if end > 0 && line[end - 1] == UInt8(ascii: "\n") { end -= 1 }
        var column = 0
        var start = 0
        var index = 0
        var hasEscape = false
        while index <= end {
            if index == end || line[index] == UInt8(ascii: "\t") {
                guard column < columns.count else { break }
                let field = UnsafeBufferPointer(rebasing: line[start..<index])
                if field.count == 2 && field[0] == UInt8(ascii: "\\") && field[1] == UInt8(ascii: "N") {
                    batch.appendNull()
                } else if hasEscape {
                    scratch.removeAll(keepingCapacity: true)
                    Self.unescape(field, into: &scratch)
                    scratch.withUnsafeBufferPointer { PostgresText.append($0, kind: kinds[column], into: &batch) }
                } else {
                    PostgresText.append(field, kind: kinds[column], into: &batch)
                }
                column += 1
                start = index + 1
                hasEscape = false
            } else if line[index] == UInt8(ascii: "\\") {
                hasEscape = true
                index += 1
            }
            index += 1
        }
        guard column == columns.count else {
            batch.dropPartialRow()
            throw DriverError("COPY sent a row with \(column) fields, expected \(columns.count)")
        }
    }

    private static func unescape(_ field: UnsafeBufferPointer<UInt8>, into output: inout [UInt8]) {
        var index = 0
        while index < field.count {
            let byte = field[index]
            guard byte == UInt8(ascii: "\\"), index + 1 < field.count else {
                output.append(byte)
                index += 1
                continue
            }
            let next = field[index + 1]
            index += 2
            switch next {
            case UInt8(ascii: "n"): output.append(0x0A)
            case UInt8(ascii: "t"): output.append(0x09)
            case UInt8(ascii: "r"): output.append(0x0D)
            case UInt8(ascii: "b"): output.append(0x08)
            case UInt8(ascii: "f"): output.append(0x0C)
            case UInt8(ascii: "v"): output.append(0x0B)
            case UInt8(ascii: "0")...UInt8(ascii: "7"):
                var value = Int(next - UInt8(ascii: "0"))
                var digits = 1
                while digits < 3, index < field.count, (UInt8(ascii: "0")...UInt8(ascii: "7")).contains(field[index]) {
                    value = value * 8 + Int(field[index] - UInt8(ascii: "0"))
                    index += 1
                    digits += 1
                }
                output.append(UInt8(truncatingIfNeeded: value))
            default: output.append(next)
            }
        }
    }

    func close() {
        if let pending {
            PQclear(pending)
            self.pending = nil
        }
        guard !finished else { return }
        finished = true
        // Stop a result still streaming: cancel it on the server, then throw away what is left.
        session.canceller().cancel()
        if mode == .copy {
            var buffer: UnsafeMutablePointer<CChar>?
            while PQgetCopyData(session.connection, &buffer, 0) > 0 { PQfreemem(buffer) }
        }
        try? session.drainResults()
    }
}

/// Writes rows with `COPY table (columns) FROM STDIN`, in text form from canonical cells, or in binary
/// form from a PostgreSQL source's own COPY messages.
final class PostgresCopyWriter: RowWriter {
    private enum CellKind { case escaped, plain, bytes, timestamptz }

    private let session: PostgresSession
    private let statement: String
    private let format: PostgresCopyReader.Format
    private let kinds: [CellKind]
    /// Canonical cells sent in binary, when every target column has the type its encoder writes.
    private let binaryKinds: [PostgresBinary.Kind]?
    private var buffer: [UInt8] = []
    private static let flushBytes = 1 << 18

    init(session: PostgresSession, table: TableName, columns: [ColumnDescription], format: PostgresCopyReader.Format)
        throws
    {
        self.session = session
        self.format = format
        let dialect = session.dialect
        let names = columns.map { dialect.quote($0.name) }.joined(separator: ", ")
        statement =
            "COPY \(dialect.qualified(table)) (\(names)) FROM STDIN" + (format == .binary ? " (FORMAT binary)" : "")
        binaryKinds = format == .text ? try Self.binaryKinds(of: columns, in: table, on: session) : nil
        kinds = columns.map { column in
            switch column.type {
            case .bytes: .bytes
            case .timestamptz: .timestamptz
            case .bool, .int16, .int32, .int64, .uint64, .float32, .float64, .decimal, .date, .time, .timestamp, .uuid:
                .plain
            case .string, .text, .json: .escaped
            }
        }
        buffer.reserveCapacity(Self.flushBytes + 65536)
    }

    func write(from next: () throws -> RowBatch?) throws -> Int {
        var binary = binaryKinds
        PQclear(try session.check(PQexec(session.connection, binary == nil ? statement : binaryStatement)))
        if binary != nil { buffer.append(contentsOf: PostgresBinary.header) }
        var rows = 0
        var written = 0
        do {
            while let batch = try next() {
                if format == .binary {
                    for index in 0..<batch.rowCount { append(batch, cell: index) }
                } else if let kinds = binary, PostgresBinary.append(batch, kinds: kinds, to: &buffer) {
                    // Sent as binary.
                } else {
                    if binary != nil {
                        // A value binary cannot carry as text input would read it: the rows so far stay
                        // (the same transaction), and this batch and the rest go as text, in a second COPY.
                        buffer.append(contentsOf: PostgresBinary.trailer)
                        try flush()
                        written += try endCopy(rows: rows)
                        rows = 0
                        binary = nil
                        PQclear(try session.check(PQexec(session.connection, statement)))
                    }
                    encode(batch)
                }
                rows += batch.rowCount
                if buffer.count >= Self.flushBytes { try flush() }
            }
            if binary != nil { buffer.append(contentsOf: PostgresBinary.trailer) }
            try flush()
        } catch {
            // Ending the COPY with an error message makes the server discard every row it received.
            _ = PQputCopyEnd(session.connection, "sqlpipe: the transfer was stopped")
            try? session.drainResults()
            throw error
        }
        return written + (try endCopy(rows: rows))
    }

    private var binaryStatement: String { statement + " (FORMAT binary)" }

    /// Ends the COPY in progress; the rows the server says it stored.
    private func endCopy(rows: Int) throws -> Int {
        guard PQputCopyEnd(session.connection, nil) == 1 else {
            throw DriverError(String(cString: PQerrorMessage(session.connection)))
        }
        guard let result = PQgetResult(session.connection) else { return rows }
        let checked = try session.check(result)
        let written = Int(String(cString: PQcmdTuples(checked))) ?? rows
        PQclear(checked)
        try session.drainResults()
        return written
    }

    /// The binary encoders of the columns, when the target has every column in the type its encoder
    /// writes (the tables sqlpipe makes always do); nil otherwise, and text input converts.
    static func binaryKinds(of columns: [ColumnDescription], in table: TableName, on session: PostgresSession)
        throws -> [PostgresBinary.Kind]?
    {
        guard let existing = try session.tableColumns(table) else { return nil }
        var types: [String: String] = [:]
        for column in existing { types[column.name] = column.typeName }
        var kinds: [PostgresBinary.Kind] = []
        for column in columns {
            guard let type = types[column.name], let kind = PostgresBinary.Kind(column.type, targetType: type) else {
                return nil
            }
            kinds.append(kind)
        }
        return kinds
    }

    private func append(_ batch: RowBatch, cell: Int) {
        let range = batch.cellRange(cell)
        batch.bytes.withUnsafeBufferPointer { buffer.append(contentsOf: $0[range]) }
    }

    private func encode(_ batch: RowBatch) {
        BulkText.encode(batch, to: &buffer) { value, column, buffer in
            switch kinds[column] {
            case .plain:
                buffer.append(contentsOf: value)
            case .escaped:
                BulkText.appendEscaped(value, to: &buffer)
            case .timestamptz:
                // The zone goes before a BC suffix; `infinity` takes none.
                switch DateTimeShape.special(value) {
                case .infinity:
                    buffer.append(contentsOf: value)
                case .beforeChrist:
                    buffer.append(contentsOf: value.dropLast(3))
                    buffer.append(contentsOf: [UInt8(ascii: "+"), UInt8(ascii: "0"), UInt8(ascii: "0")])
                    buffer.append(contentsOf: value.suffix(3))
                case nil:
                    buffer.append(contentsOf: value)
                    buffer.append(contentsOf: [UInt8(ascii: "+"), UInt8(ascii: "0"), UInt8(ascii: "0")])
                }
            case .bytes:
                // bytea input \x0a1b…, with COPY's backslash doubled.
                buffer.append(0x5C)
                buffer.append(0x5C)
                buffer.append(UInt8(ascii: "x"))
                for byte in value {
                    buffer.append(Hex.digits[Int(byte >> 4)])
                    buffer.append(Hex.digits[Int(byte & 0x0F)])
                }
            }
        }
    }

    private func flush() throws {
        guard !buffer.isEmpty else { return }
        let status = buffer.withUnsafeBufferPointer { pointer in
            pointer.withMemoryRebound(to: CChar.self) {
                PQputCopyData(session.connection, $0.baseAddress, Int32($0.count))
            }
        }
        guard status == 1 else { throw DriverError(String(cString: PQerrorMessage(session.connection))) }
        buffer.removeAll(keepingCapacity: true)
    }
}

enum Hex {
    static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    @inline(__always)
    static func value(_ digit: UInt8) -> UInt8 {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: 0
        }
    }
}

/// PostgreSQL's text output of a value, turned into the canonical cell of its type.
enum PostgresText {
    enum Kind {
        case plain, bytea, timestamptz

        init(oid: UInt32) {
            switch oid {
            case 17: self = .bytea
            case 1184: self = .timestamptz
            default: self = .plain
            }
        }
    }

    static func append(_ value: UnsafeBufferPointer<UInt8>, kind: Kind, into batch: inout RowBatch) {
        switch kind {
        case .plain:
            batch.append(UnsafeRawBufferPointer(value))
        case .bytea:
            // bytea's text form is \x followed by hex digits (bytea_output = hex, the default).
            var index = 2
            while index + 1 < value.count {
                batch.appendByte(Hex.value(value[index]) << 4 | Hex.value(value[index + 1]))
                index += 2
            }
            batch.endCell()
        case .timestamptz:
            // Sessions run in UTC: the text ends in +00, which the canonical form leaves out; before
            // Christ it ends in "+00 BC", which keeps its " BC".
            let beforeChrist = DateTimeShape.special(value) == .beforeChrist
            var end = beforeChrist ? value.count - 3 : value.count
            if end >= 3, value[end - 3] == UInt8(ascii: "+"), value[end - 2] == UInt8(ascii: "0"),
                value[end - 1] == UInt8(ascii: "0")
            {
                end -= 3
            }
            let bytes = UnsafeRawBufferPointer(value)
            batch.appendBytes(UnsafeRawBufferPointer(rebasing: bytes[0..<end]))
            if beforeChrist { batch.appendBytes(UnsafeRawBufferPointer(rebasing: bytes[(value.count - 3)...])) }
            batch.endCell()
        }
    }
}
