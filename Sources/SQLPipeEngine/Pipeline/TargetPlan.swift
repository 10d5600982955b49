import Foundation

/// How the rows reach the target table: into a new table, a staging table swapped in at the end, or the
/// existing table; with PostgreSQL's binary COPY passed through when both ends are PostgreSQL.
struct TargetPlan {
    let request: TransferRequest
    let source: any DatabaseSession
    let target: any DatabaseSession
    let existing: [TableColumn]?
    private var passthrough: PostgresResultDescription?
    /// The query a passthrough reads: the request's, with columns of types the target may lack cast to text.
    private var passthroughQuery: String
    /// What a PostgreSQL source said of the query when a PostgreSQL target asked: not asked again.
    private var sourceDescription: PostgresResultDescription?
    /// SQLite to SQLite: each value keeps its storage class, and created columns their declared types.
    private let keepsSQLiteStorageClasses: Bool

    init(request: TransferRequest, source: any DatabaseSession, target: any DatabaseSession) throws {
        self.request = request
        self.source = source
        self.target = target
        passthroughQuery = request.query
        keepsSQLiteStorageClasses = source is SQLiteSession && target is SQLiteSession
        existing = try target.tableColumns(request.table)
        // Before the source runs: nothing is read that could not be written safely.
        if !request.overwrite, existing != nil, let reason = try target.appendCannotRollBack(request.table) {
            throw DriverError(
                "cannot append to \(request.table): \(reason); convert it to a transactional engine (e.g. ALTER TABLE … ENGINE=InnoDB) or use overwrite")
        }
        if let source = source as? PostgresSession, target is PostgresSession,
            let description = try PostgresCopyReader.describeIfPreparable(request.query, on: source)
        {
            sourceDescription = description
            if let binary = description.passthrough(of: request.query),
                Self.fits(binary.description, existing: request.overwrite ? nil : existing)
            {
                passthrough = binary.description
                passthroughQuery = binary.query
            }
        }
    }

    /// A binary COPY stream goes only into a new table or one whose columns have exactly these names and types.
    private static func fits(_ description: PostgresResultDescription, existing: [TableColumn]?) -> Bool {
        guard let existing else { return true }
        return existing.map(\.name) == description.fields.map(\.name)
            && existing.map(\.typeName) == description.fields.map(\.typeName)
    }

    /// Reads the source: a PostgreSQL source described already is not described again, and a statement
    /// COPY cannot wrap in binary (SHOW, EXPLAIN) is read as text instead of passed through.
    mutating func openReader() throws -> any RowReader {
        if let description = sourceDescription, let source = source as? PostgresSession {
            if let binary = passthrough {
                do {
                    return try PostgresCopyReader(
                        session: source, query: passthroughQuery, description: binary, format: .binary)
                } catch let error as DriverError where PostgresCopyReader.cannotWrap(error) {
                    passthrough = nil
                }
            }
            return try PostgresCopyReader(session: source, query: request.query, description: description, format: .text)
        }
        if keepsSQLiteStorageClasses, let source = source as? SQLiteSession {
            return try SQLiteReader(session: source, query: request.query, keepingStorageClasses: true)
        }
        return try source.openReader(request.query)
    }

    func typeWarnings(_ columns: [ColumnDescription]) -> [String] {
        guard passthrough == nil else { return [] }
        return columns.compactMap { column in
            if case .decimal(let precision?, let scale) = column.type, target.dialect.system != .postgresql,
                target.dialect.system != .sqlite, precision > 65 || (scale ?? 0) > 30
            {
                return "column \"\(column.name)\": \(column.sourceType) is wider than MySQL's decimal(65,30); values that do not fit fail the transfer"
            }
            return nil
        }
    }

    private func createStatement(_ table: TableName, columns: [ColumnDescription]) -> String {
        let dialect = target.dialect
        if let passthrough {
            // The source's own type names, from format_type: PostgreSQL to PostgreSQL keeps every type.
            // `passthrough(of:)` made every column one that has a DDL name.
            let definitions = passthrough.fields.map {
                dialect.quote($0.name) + " " + (PostgresDialect.ddlTypeName($0.typeName) ?? "text")
            }
            return "CREATE TABLE \(dialect.qualified(table)) (\(definitions.joined(separator: ", ")))"
        }
        if keepsSQLiteStorageClasses { return SQLiteDialect().createTableKeepingDeclaredTypes(table, columns: columns) }
        return dialect.createTableStatement(table, columns: columns)
    }

    private func writer(into table: TableName, columns: [ColumnDescription]) throws -> any RowWriter {
        if passthrough != nil, let target = target as? PostgresSession {
            return try PostgresCopyWriter(session: target, table: table, columns: columns, format: .binary)
        }
        if keepsSQLiteStorageClasses, let target = target as? SQLiteSession {
            return try SQLiteWriter(session: target, table: table, columns: columns, keepingStorageClasses: true)
        }
        return try target.bulkWriter(into: table, columns: columns)
    }

    /// Prepares the table, runs `body` with a writer into it, and makes the result visible only if all
    /// went well; otherwise the target is left as it was.
    func load(columns: [ColumnDescription], control: RunControl, _ body: (any RowWriter) throws -> Int) throws -> Int {
        let dialect = target.dialect
        let staging = TableName(schema: request.table.schema, name: request.stagingName)
        if !request.overwrite, let existing {
            try checkAppend(columns: columns, into: existing)
        }
        let intoStaging = request.overwrite
        let destination = intoStaging ? staging : request.table
        let creates = intoStaging || existing == nil

        if intoStaging, try target.tableColumns(staging) != nil {
            // Left by a run whose process died before it could clean up.
            try target.execute("DROP TABLE \(dialect.qualified(staging))")
        }

        if dialect.transactionalDDL {
            try target.execute(dialect.beginStatement)
            do {
                if creates { try target.execute(createStatement(destination, columns: columns)) }
                let rows = try body(try writer(into: destination, columns: columns))
                try control.checkCancelled()
                let replace = dialect.replaceStatements(target: request.table, staging: staging, targetExists: existing != nil)
                if intoStaging {
                    for statement in replace.swap { try target.execute(statement) }
                }
                try target.execute("COMMIT")
                if intoStaging {
                    for statement in replace.cleanup { try? target.execute(statement) }
                }
                return rows
            } catch {
                try? target.execute("ROLLBACK")
                throw error
            }
        }

        // MySQL commits DDL at once: a table made here is dropped again when the load fails.
        if creates { try target.execute(createStatement(destination, columns: columns)) }
        do {
            try target.execute(dialect.beginStatement)
            let rows: Int
            do {
                rows = try body(try writer(into: destination, columns: columns))
                try control.checkCancelled()
                try target.execute("COMMIT")
            } catch {
                try? target.execute("ROLLBACK")
                throw error
            }
            if intoStaging {
                let replace = dialect.replaceStatements(target: request.table, staging: staging, targetExists: existing != nil)
                for statement in replace.swap { try target.execute(statement) }
                // The target is replaced: a failed clean-up must not turn the transfer into a failure.
                for statement in replace.cleanup { try? target.execute(statement) }
            }
            return rows
        } catch {
            if creates { dropCreated(destination) }
            throw error
        }
    }

    /// Drops a table this load created, on a fresh connection when the target's own one died.
    private func dropCreated(_ table: TableName) {
        let drop = "DROP TABLE IF EXISTS \(target.dialect.qualified(table))"
        do {
            try target.execute(drop)
        } catch {
            guard let fresh = try? Drivers.open(request.target, timeoutSeconds: 5) else { return }
            defer { fresh.close() }
            try? fresh.execute(drop)
        }
    }

    /// Appending needs a table column for every result column (matched by name).
    private func checkAppend(columns: [ColumnDescription], into existing: [TableColumn]) throws {
        let caseSensitive = target.dialect.system == .postgresql
        let names = Set(existing.map { caseSensitive ? $0.name : $0.name.lowercased() })
        let missing = columns.filter { !names.contains(caseSensitive ? $0.name : $0.name.lowercased()) }
        guard missing.isEmpty else {
            let list = missing.map { "\"\($0.name)\"" }.joined(separator: ", ")
            let have = existing.map { "\"\($0.name)\"" }.joined(separator: ", ")
            throw DriverError(
                "cannot append to \(request.table): it has no column \(list) (its columns: \(have)); use overwrite to replace the table")
        }
    }
}
