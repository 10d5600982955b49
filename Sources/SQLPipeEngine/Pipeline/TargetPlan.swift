import Foundation

/// What a load did to the target.
struct LoadResult {
    var rows: Int
    var counts: MergeCounts
    var cursorTo: String?
}

/// How the rows reach the target table, by the transfer's mode: into a new table or the existing one
/// (append, truncate), a staging table swapped in at the end (overwrite), or a temporary staging table
/// merged by key (upsert); by the route of the source's own kind when the target is of that kind too.
struct TargetPlan {
    let request: TransferRequest
    let source: PlanSource
    let target: any DatabaseSession
    let targetConfig: ConnectionConfig
    let table: TableName
    let existing: [TableColumn]?
    /// The query as it runs on a database source: an incremental run's reads only the rows past the mark.
    let query: String
    /// An incremental run's mark for a file source, whose rows are filtered as they are read.
    let fileMark: CursorMark?
    /// An incremental run's mark when it started, as text; nil for a full load.
    let cursorFrom: String?
    /// What the plan found before reading a row (source rows an incremental run cannot see).
    let warnings: [String]
    private let route: (any SameSystemRoute)?

    init(
        request: TransferRequest, source: PlanSource, target: any DatabaseSession, targetConfig: ConnectionConfig,
        table: TableName
    ) throws {
        self.request = request
        self.source = source
        self.target = target
        self.targetConfig = targetConfig
        self.table = table
        let existing = try target.tableColumns(table)
        self.existing = existing
        // Before the source runs: nothing is read that could not be written safely.
        if request.mode != .overwrite, existing != nil, let reason = try target.appendCannotRollBack(table) {
            throw DriverError(
                "cannot write into \(table): \(reason); convert it to a transactional engine (e.g. ALTER TABLE … ENGINE=InnoDB) or use overwrite"
            )
        }
        if request.mode.merges(withKey: request.primaryKey), let existing {
            try Self.checkUniqueIndex(request, table: table, existing: existing, target: target)
        }
        var query = source.query
        var cursorFrom: String?
        var fileMark: CursorMark?
        var warnings: [String] = []
        if request.mode == .incremental, let cursor = request.cursorColumn, let existing {
            let dialect = target.dialect
            guard let column = existing.first(where: { dialect.sameName($0.name, cursor) }) else {
                throw DriverError(
                    "cannot load \(table) incrementally: it has no column \"\(cursor)\" (the cursor column)")
            }
            let mark = try Self.highWaterMark(of: column.name, in: table, on: target)
            cursorFrom = mark?.text
            if let mark, case .session(let source, let sourceQuery) = source {
                let base = Self.subquery(sourceQuery)
                let quoted = source.dialect.quote(cursor)
                let nulls: String?
                do {
                    nulls = try source.scalar("SELECT count(*) FROM (\n\(base)\n) AS src WHERE \(quoted) IS NULL")
                } catch let error as DriverError {
                    throw DriverError(
                        "the query must return the cursor column \"\(cursor)\": \(error.message)", code: error.code)
                }
                if let nulls, let count = Int(nulls), count > 0 {
                    warnings.append(
                        "\(count) source \(count == 1 ? "row has" : "rows have") a NULL in the cursor column \"\(cursor)\" and \(count == 1 ? "was" : "were") skipped: only a full load reads them"
                    )
                }
                let literal = source.dialect.cursorLiteral(try source.literal(mark.text), type: mark.type)
                // With a key the rows sharing the mark are read again and upserted: rows that arrived later
                // with that same value are not lost.
                let comparison = request.primaryKey.isEmpty ? ">" : ">="
                query = "SELECT * FROM (\n\(base)\n) AS src WHERE \(quoted) \(comparison) \(literal)"
            } else if let mark {
                // A file has no WHERE: its rows are compared with the mark as they are read.
                fileMark = CursorMark(
                    column: cursor, text: mark.text, type: mark.type, inclusive: !request.primaryKey.isEmpty)
            }
        }
        self.query = query
        self.cursorFrom = cursorFrom
        self.fileMark = fileMark
        self.warnings = warnings
        if case .session(let session, _) = source {
            route = try session.sameSystemRoute(for: query, into: target, existing: request.overwrite ? nil : existing)
        } else {
            route = nil
        }
    }

    func openReader() throws -> any RowReader {
        if let route { return try route.openReader() }
        switch source {
        case .session(let session, _):
            return try session.openReader(query)
        case .file(let open):
            let reader = try open()
            guard let fileMark else { return reader }
            return try CursorFilter(reader, mark: fileMark)
        }
    }

    func typeWarnings(_ columns: [ColumnDescription]) -> [String] {
        if route?.keepsSourceTypes == true { return [] }
        return columns.compactMap { target.dialect.typeWarning(for: $0) }
    }

    private func createStatement(_ table: TableName, columns: [ColumnDescription], primaryKey: [String]) -> String {
        route?.createStatement(table, columns: columns, primaryKey: primaryKey)
            ?? target.dialect.createTableStatement(table, columns: columns, primaryKey: primaryKey)
    }

    private func writer(into table: TableName, columns: [ColumnDescription]) throws -> any RowWriter {
        try route?.writer(into: table, columns: columns) ?? target.bulkWriter(into: table, columns: columns)
    }

    /// Prepares the table, runs `body` with a writer into it, and makes the result visible only if all
    /// went well; otherwise the target is left as it was.
    func load(
        columns: [ColumnDescription], control: RunControl, _ body: (any RowWriter) throws -> Int
    ) throws -> LoadResult {
        let dialect = target.dialect
        let key = try resultKey(columns)
        if request.mode != .overwrite, let existing {
            try checkAppend(columns: columns, into: existing)
        }
        if request.mode == .incremental, let cursor = request.cursorColumn,
            !columns.contains(where: { source.sameName($0.name, cursor) })
        {
            throw DriverError(
                "the query returns no column \"\(cursor)\" to be the cursor column (its columns: \(Self.list(columns.map(\.name))))"
            )
        }
        let staging = TableName(schema: table.schema, name: request.stagingName)
        let created: TableName? = request.overwrite ? staging : (existing == nil ? table : nil)
        if request.overwrite, try target.tableColumns(staging) != nil {
            // Left by a run whose process died before it could clean up.
            try target.execute("DROP TABLE \(dialect.qualified(staging))")
        }

        // Where DDL commits at once, a table made here is dropped again when the load fails.
        var createdOutsideTransaction: TableName?
        var merge: (any KeyedMerge)?
        var inTransaction = false
        do {
            if dialect.transactionalDDL {
                try target.execute(dialect.beginStatement)
                inTransaction = true
            }
            if let created {
                try target.execute(createStatement(created, columns: columns, primaryKey: key))
                if !dialect.transactionalDDL { createdOutsideTransaction = created }
                if request.mode == .incremental, let cursor = request.cursorColumn,
                    let column = columns.first(where: { source.sameName($0.name, cursor) })
                {
                    for statement in dialect.cursorIndexStatements(created, column: column) {
                        try target.execute(statement)
                    }
                }
            }
            if request.mode.merges(withKey: key) {
                let targetColumns = try existing ?? target.tableColumns(table) ?? []
                let keyed = target.keyedMerge(
                    MergeTarget(
                        table: table, existing: targetColumns, columns: columns.map(\.name), key: key,
                        stagingName: request.stagingName))
                merge = keyed
                try keyed.createStaging()
            }
            if !dialect.transactionalDDL {
                try target.execute(dialect.beginStatement)
                inTransaction = true
            }
            var deleted: Int? = request.overwrite ? nil : 0
            if request.mode == .truncate, existing != nil {
                deleted = try target.deleteAllRows(of: table)
            }

            let rows = try body(try writer(into: merge?.staging ?? created ?? table, columns: columns))
            try control.checkCancelled()
            var counts = MergeCounts(inserted: rows, updated: 0, deleted: deleted)
            if let merge {
                try merge.prepare()
                try checkKeys(in: merge.staging, key: key, columns: columns)
                try control.checkCancelled()
                counts = try merge.apply(deleteMissing: request.deleteMissing)
                try control.checkCancelled()
            }
            var cursorTo: String?
            if request.mode == .incremental, let cursor = request.cursorColumn {
                let column = columns.first { source.sameName($0.name, cursor) }?.name ?? cursor
                // Every row read is past the mark (or at it): the new mark is the largest of them, found
                // in the few rows of the staging table rather than in the whole target.
                let loaded = merge?.staging ?? table
                cursorTo =
                    rows == 0
                    ? cursorFrom : try Self.highWaterMark(of: column, in: loaded, on: target)?.text ?? cursorFrom
            }

            let replace = dialect.replaceStatements(
                target: table, staging: staging, targetExists: existing != nil)
            if request.overwrite, dialect.transactionalDDL {
                for statement in replace.swap { try target.execute(statement) }
            }
            try target.execute("COMMIT")
            inTransaction = false
            merge?.dropStaging()
            if request.overwrite {
                if !dialect.transactionalDDL {
                    for statement in replace.swap { try target.execute(statement) }
                }
                // The target is replaced: a failed clean-up must not turn the transfer into a failure.
                for statement in replace.cleanup { try? target.execute(statement) }
            }
            return LoadResult(rows: rows, counts: counts, cursorTo: cursorTo)
        } catch {
            if inTransaction { try? target.execute("ROLLBACK") }
            merge?.dropStaging()
            if let createdOutsideTransaction { dropCreated(createdOutsideTransaction) }
            throw error
        }
    }

    /// Drops a table this load created, on a fresh connection when the target's own one died.
    private func dropCreated(_ table: TableName) {
        let drop = "DROP TABLE IF EXISTS \(target.dialect.qualified(table))"
        do {
            try target.execute(drop)
        } catch {
            guard let fresh = try? Drivers.open(targetConfig, timeoutSeconds: 5) else { return }
            defer { fresh.close() }
            try? fresh.execute(drop)
        }
    }

    /// Appending needs a table column for every result column (matched by name).
    private func checkAppend(columns: [ColumnDescription], into existing: [TableColumn]) throws {
        let dialect = target.dialect
        let missing = columns.filter { column in !existing.contains { dialect.sameName($0.name, column.name) } }
        guard missing.isEmpty else {
            throw DriverError(
                "cannot write into \(table): it has no column \(Self.list(missing.map(\.name))) (its columns: \(Self.list(existing.map(\.name)))); use overwrite to replace the table"
            )
        }
    }

    /// The key columns as the result names them; each must be one of its columns.
    private func resultKey(_ columns: [ColumnDescription]) throws -> [String] {
        try request.primaryKey.map { name in
            guard let column = columns.first(where: { target.dialect.sameName($0.name, name) }) else {
                throw DriverError(
                    "the primary key column \"\(name)\" is not a column of the query's result (its columns: \(Self.list(columns.map(\.name))))"
                )
            }
            return column.name
        }
    }

    /// An upsert needs the target to say which row a key is: a PRIMARY KEY or UNIQUE index on exactly
    /// those columns.
    private static func checkUniqueIndex(
        _ request: TransferRequest, table: TableName, existing: [TableColumn], target: any DatabaseSession
    ) throws {
        let dialect = target.dialect
        let normalized = { (name: String) in dialect.caseSensitiveNames ? name : name.lowercased() }
        let wanted = Set(request.primaryKey.map(normalized))
        let keys = try target.uniqueKeys(of: table)
        guard !keys.contains(where: { Set($0.map(normalized)) == wanted }) else { return }
        let columns = request.primaryKey.map(dialect.quote).joined(separator: ", ")
        let have =
            keys.isEmpty
            ? "it has none" : "it has them on " + keys.map { "(\($0.joined(separator: ", ")))" }.joined(separator: ", ")
        throw DriverError(
            "cannot upsert into \(table): it has no PRIMARY KEY or UNIQUE index on exactly (\(request.primaryKey.joined(separator: ", "))) (\(have)); add one, e.g. CREATE UNIQUE INDEX ON \(dialect.qualified(table)) (\(columns)), or use another mode"
        )
    }

    /// Before the merge: no key column is NULL, and no key comes twice. One pass finds either; a second,
    /// only on failure, finds the whole row of a NULL key.
    private func checkKeys(in staging: TableName, key: [String], columns: [ColumnDescription]) throws {
        let dialect = target.dialect
        let table = dialect.qualified(staging)
        let keyList = key.map(dialect.quote).joined(separator: ", ")
        let anyNull = key.map { "\(dialect.quote($0)) IS NULL" }.joined(separator: " OR ")
        guard
            let found = try target.query(
                "SELECT \(keyList), count(*) FROM \(table) GROUP BY \(keyList) HAVING count(*) > 1 OR \(anyNull) LIMIT 1",
                []
            ).first
        else { return }
        let keyValues = Array(found.dropLast())
        guard keyValues.contains(where: { $0 == nil }) else {
            throw DriverError(
                "the query returns the key (\(key.joined(separator: ", "))) = \(Self.values(keyValues)) \(found.last.flatMap { $0 } ?? "2") times; upsert needs each key once"
            )
        }
        let shown = Array(columns.prefix(8).map(\.name))
        let row =
            try target.query(
                "SELECT \(shown.map(dialect.quote).joined(separator: ", ")) FROM \(table) WHERE \(anyNull) LIMIT 1", []
            ).first ?? []
        let nullColumn = zip(key, keyValues).first { $0.1 == nil }?.0 ?? key[0]
        throw DriverError(
            "the query returns a row whose key column \"\(nullColumn)\" is NULL: (\(shown.joined(separator: ", "))\(columns.count > shown.count ? ", …" : "")) = \(Self.values(row))"
        )
    }

    /// The largest non-NULL value of `column`, in its canonical text, and its type. Read as a row rather
    /// than as MAX(), which would lose the column's declared type on SQLite.
    static func highWaterMark(
        of column: String, in table: TableName, on session: any DatabaseSession
    ) throws -> (text: String, type: ColumnType)? {
        let dialect = session.dialect
        let quoted = dialect.quote(column)
        let reader = try session.openReader(
            "SELECT \(quoted) FROM \(dialect.qualified(table)) WHERE \(quoted) IS NOT NULL ORDER BY \(quoted) DESC LIMIT 1"
        )
        defer { reader.close() }
        var batch = RowBatch(columnCount: reader.batchColumnCount)
        while batch.isEmpty, try reader.read(into: &batch) {}
        guard !batch.isEmpty, let text = batch.string(row: 0, column: 0), let type = reader.columns.first?.type else {
            return nil
        }
        return (text, type)
    }

    /// A query as the inside of a subquery: without a final semicolon, on lines of its own so that a
    /// trailing comment ends before the closing parenthesis.
    static func subquery(_ query: String) -> String {
        var text = Substring(query)
        while let last = text.last, last == ";" || last.isWhitespace { text = text.dropLast() }
        return String(text)
    }

    static func list(_ names: [String]) -> String {
        names.map { "\"\($0)\"" }.joined(separator: ", ")
    }

    /// Values as an error shows them: quoted, NULL as NULL, long ones cut.
    static func values(_ row: [String?]) -> String {
        let shown = row.map { value -> String in
            guard let value else { return "NULL" }
            let cut = value.count > 60 ? String(value.prefix(60)) + "…" : value
            return "'" + cut.replacingOccurrences(of: "'", with: "''") + "'"
        }
        return "(" + shown.joined(separator: ", ") + ")"
    }
}

/// What a plan reads: a query on a database session, or a file's reader, opened when the rows are wanted.
enum PlanSource {
    case session(any DatabaseSession, query: String)
    case file(open: () throws -> any RowReader)

    var query: String {
        if case .session(_, let query) = self { return query }
        return ""
    }

    /// Whether two names are one column of the source's result: by the database's rules, exactly for a file.
    func sameName(_ first: String, _ second: String) -> Bool {
        if case .session(let session, _) = self { return session.dialect.sameName(first, second) }
        return first == second
    }
}

extension Dialect {
    /// Whether two column names name the same column here.
    func sameName(_ first: String, _ second: String) -> Bool {
        caseSensitiveNames ? first == second : first.lowercased() == second.lowercased()
    }
}
