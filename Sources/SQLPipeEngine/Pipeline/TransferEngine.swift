import Foundation

/// How a transfer changes its target table.
public enum TransferMode: String, Codable, Sendable, CaseIterable {
    /// Adds the rows to the table (created when missing), in one transaction.
    case append
    /// Replaces the table by a staging table swapped in at the end.
    case overwrite
    /// Replaces every row but keeps the table itself: its indexes, constraints, triggers and grants.
    case truncate
    /// Updates the rows whose key is in the target and inserts the others, through a staging table.
    case upsert
    /// Reads only the source rows past the target's high-water mark in `cursorColumn`.
    case incremental

    /// Whether the mode merges rows by their key.
    public func merges(withKey key: [String]) -> Bool {
        self == .upsert || (self == .incremental && !key.isEmpty)
    }
}

/// Where a transfer reads its rows: a query on a database, or a file.
public enum TransferSource: Sendable {
    case query(ConnectionConfig, String)
    case file(FileSpec, access: FileAccess)
}

/// Where a transfer writes its rows: a table of a database, or a file, replaced whole once it is complete.
public enum TransferTarget: Sendable {
    case table(ConnectionConfig, TableName)
    case file(FileSpec, access: FileAccess)
}

/// What to move: the rows of the source into the target.
public struct TransferRequest: Sendable {
    public var from: TransferSource
    public var to: TransferTarget
    public var mode: TransferMode
    /// The key columns: what `upsert` matches rows by, and the PRIMARY KEY of a table the transfer creates.
    public var primaryKey: [String]
    /// With `upsert`: also delete the target rows whose key the result lacks.
    public var deleteMissing: Bool
    /// With `incremental`: the column whose high-water mark in the target says where to go on.
    public var cursorColumn: String?
    /// The name of the staging table that `overwrite` swaps in and merges load first; unique per transfer.
    public var stagingName: String

    public init(
        from: TransferSource, to: TransferTarget, mode: TransferMode = .append, primaryKey: [String] = [],
        deleteMissing: Bool = false, cursorColumn: String? = nil, stagingName: String
    ) {
        self.from = from
        self.to = to
        self.mode = mode
        self.primaryKey = primaryKey
        self.deleteMissing = deleteMissing
        self.cursorColumn = cursorColumn
        self.stagingName = stagingName
    }

    /// The rows of `query` on `source` into `table` on `target`.
    public init(
        source: ConnectionConfig, target: ConnectionConfig, query: String, table: TableName,
        mode: TransferMode = .append, primaryKey: [String] = [], deleteMissing: Bool = false,
        cursorColumn: String? = nil, stagingName: String
    ) {
        self.init(
            from: .query(source, query), to: .table(target, table), mode: mode, primaryKey: primaryKey,
            deleteMissing: deleteMissing, cursorColumn: cursorColumn, stagingName: stagingName)
    }

    public var overwrite: Bool { mode == .overwrite }

    /// The kind of the target database; nil for a file.
    public var targetSystem: DataSystem? {
        if case .table(let config, _) = to { return config.system }
        return nil
    }
}

public struct TransferOutcome: Sendable {
    /// Rows read from the source.
    public var rows: Int
    public var warnings: [String]
    /// Rows the target gained, changed and lost; nil where the database cannot tell.
    public var inserted: Int?
    public var updated: Int?
    public var deleted: Int?
    /// An incremental run's high-water mark before and after, as text; nil for other modes.
    public var cursorFrom: String?
    public var cursorTo: String?

    public init(
        rows: Int, warnings: [String], inserted: Int? = nil, updated: Int? = nil, deleted: Int? = nil,
        cursorFrom: String? = nil, cursorTo: String? = nil
    ) {
        self.rows = rows
        self.warnings = warnings
        self.inserted = inserted
        self.updated = updated
        self.deleted = deleted
        self.cursorFrom = cursorFrom
        self.cursorTo = cursorTo
    }
}

/// Runs transfers: the reader and the writer on two threads with a bounded queue between them, the
/// target changed inside one transaction (or, where DDL commits at once, a staging table swapped in by one
/// statement), so that a failed or cancelled transfer leaves the target exactly as it was.
public enum TransferEngine {
    static let queueCapacity = 3

    public static func run(_ request: TransferRequest, control: RunControl) throws -> TransferOutcome {
        try control.checkCancelled()
        var session: (any DatabaseSession)?
        defer { session?.close() }
        let source: PlanSource
        switch request.from {
        case .query(let config, let query):
            let opened = try Drivers.open(config)
            session = opened
            try control.attach(canceller: opened.canceller())
            source = .session(opened, query: query)
        case .file(let spec, let access):
            source = .file(open: {
                let (descriptor, isRegularFile) = try access.openForReading(spec.path)
                return try FileRowReader(
                    spec: spec, descriptor: descriptor, isRegularFile: isRegularFile,
                    isCancelled: { control.isCancelled })
            })
        }
        switch request.to {
        case .table(let config, let table):
            return try load(request, from: source, into: config, table: table, control: control)
        case .file(let spec, let access):
            return try write(request, from: source, into: spec, access: access, control: control)
        }
    }

    private static func load(
        _ request: TransferRequest, from source: PlanSource, into config: ConnectionConfig, table: TableName,
        control: RunControl
    ) throws -> TransferOutcome {
        // The target is not cancelled on its server: the writer stops when the queue closes, and a KILL
        // arriving late could hit the ROLLBACK or the clean-up that must follow.
        let target = try Drivers.open(config)
        defer { target.close() }
        try control.attach(abortingOnly: target.canceller())

        let dialect = target.dialect
        try dialect.validate(identifier: table.name, role: "targetTable")
        if !table.schema.isEmpty {
            try dialect.validate(identifier: table.schema, role: "targetSchema")
        }
        try dialect.validate(identifier: request.stagingName, role: "the staging table's name")
        try checkMode(request, dialect: dialect)

        let plan = try TargetPlan(request: request, source: source, target: target, targetConfig: config, table: table)
        let reader = try plan.openReader()
        defer { reader.close() }
        try checkColumnNames(reader.columns, dialect: dialect)

        let typeWarnings = plan.typeWarnings(reader.columns)
        let loaded = try plan.load(columns: reader.columns, control: control) { writer in
            try pump(reader: reader, into: writer, control: control)
        }
        control.set(rows: loaded.rows)
        // The reader's warnings once it has read everything: a file's skipped rows are known only then.
        return TransferOutcome(
            rows: loaded.rows, warnings: plan.warnings + reader.warnings + typeWarnings,
            inserted: loaded.counts.inserted, updated: loaded.counts.updated, deleted: loaded.counts.deleted,
            cursorFrom: request.mode == .incremental ? plan.cursorFrom : nil, cursorTo: loaded.cursorTo)
    }

    /// Writes the rows into a new file that replaces the target only once it is complete: a failed or
    /// cancelled transfer leaves no partial file, and an existing one as it was.
    private static func write(
        _ request: TransferRequest, from source: PlanSource, into spec: FileSpec, access: FileAccess,
        control: RunControl
    ) throws -> TransferOutcome {
        guard request.mode == .overwrite || request.mode == .append, request.primaryKey.isEmpty else {
            throw DriverError("a file target is written whole: \(request.mode.rawValue) and keys apply to tables")
        }
        let reader: any RowReader
        switch source {
        case .session(let session, let query): reader = try session.openReader(query)
        case .file(let open): reader = try open()
        }
        defer { reader.close() }
        var seen: Set<String> = []
        for column in reader.columns where !seen.insert(column.name).inserted {
            throw DriverError("the source has two columns named \"\(column.name)\": give them distinct names")
        }
        let destination = try access.destination(spec.path)
        do {
            let writer = FileRowWriter(
                columns: reader.columns, spec: spec,
                output: makeOutput(descriptor: destination.descriptor, compression: spec.compression))
            let rows = try pump(reader: reader, into: writer, control: control)
            try control.checkCancelled()
            try destination.commit()
            control.set(rows: rows)
            return TransferOutcome(rows: rows, warnings: reader.warnings, inserted: rows)
        } catch {
            destination.abandon()
            throw error
        }
    }

    /// What each mode needs: the service checks the same before a transfer is stored.
    static func checkMode(_ request: TransferRequest, dialect: any Dialect) throws {
        for column in request.primaryKey {
            try dialect.validate(identifier: column, role: "a primary key column")
        }
        if Set(request.primaryKey.map { dialect.caseSensitiveNames ? $0 : $0.lowercased() }).count
            != request.primaryKey.count
        {
            throw DriverError("the primary key names a column twice")
        }
        switch request.mode {
        case .upsert where request.primaryKey.isEmpty:
            throw DriverError("upsert needs the key columns (primaryKey)")
        case .incremental where request.cursorColumn == nil:
            throw DriverError("incremental needs a cursor column (cursorColumn)")
        default: break
        }
        if let cursor = request.cursorColumn {
            try dialect.validate(identifier: cursor, role: "the cursor column")
        }
        if request.deleteMissing, request.mode != .upsert {
            throw DriverError("deleteMissing works with upsert only")
        }
    }

    /// Reads on a thread of its own while `writer` writes on this one.
    static func pump(reader: any RowReader, into writer: any RowWriter, control: RunControl) throws -> Int {
        let queue = BatchQueue(capacity: queueCapacity)
        control.attach(queue: queue)
        let columnCount = reader.batchColumnCount
        let box = ReaderBox(reader)
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            defer { done.signal() }
            do {
                while true {
                    var batch = RowBatch(columnCount: columnCount, reservingRows: RowBatch.targetRows, bytesPerRow: 32)
                    let more = try box.reader.read(into: &batch)
                    if !batch.isEmpty, !queue.put(batch) { return }
                    if !more { break }
                }
                queue.finish()
            } catch {
                queue.finish(throwing: error)
            }
        }
        thread.stackSize = 1 << 20
        thread.start()
        defer { done.wait() }
        do {
            return try writer.write {
                let batch = try queue.take()
                if let batch { control.add(rows: batch.rowCount, bytes: batch.byteCount) }
                return batch
            }
        } catch {
            // The writer failed or was stopped: stop the reader too, and report the first cause.
            queue.close(reason: error)
            if control.isCancelled { throw RunCancelled() }
            throw error
        }
    }

    static func checkColumnNames(_ columns: [ColumnDescription], dialect: any Dialect) throws {
        var seen: Set<String> = []
        for column in columns {
            try dialect.validate(identifier: column.name, role: "column name")
            let key = dialect.caseSensitiveNames ? column.name : column.name.lowercased()
            guard seen.insert(key).inserted else {
                throw DriverError("the query returns two columns named \"\(column.name)\": give them distinct aliases")
            }
        }
    }
}

/// Hands the reader, which belongs to the transfer, to the reading thread for the time of the pump.
private final class ReaderBox: @unchecked Sendable {
    let reader: any RowReader
    init(_ reader: any RowReader) { self.reader = reader }
}
