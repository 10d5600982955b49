import Foundation

/// How the rows reach the target table: into a new table, a staging table swapped in at the end, or the
/// existing table; by the route of the source's own kind when the target is of that kind too.
struct TargetPlan {
    let request: TransferRequest
    let source: any DatabaseSession
    let target: any DatabaseSession
    let existing: [TableColumn]?
    private let route: (any SameSystemRoute)?

    init(request: TransferRequest, source: any DatabaseSession, target: any DatabaseSession) throws {
        self.request = request
        self.source = source
        self.target = target
        existing = try target.tableColumns(request.table)
        // Before the source runs: nothing is read that could not be written safely.
        if !request.overwrite, existing != nil, let reason = try target.appendCannotRollBack(request.table) {
            throw DriverError(
                "cannot append to \(request.table): \(reason); convert it to a transactional engine (e.g. ALTER TABLE … ENGINE=InnoDB) or use overwrite"
            )
        }
        route = try source.sameSystemRoute(
            for: request.query, into: target, existing: request.overwrite ? nil : existing)
    }

    func openReader() throws -> any RowReader {
        try route?.openReader() ?? source.openReader(request.query)
    }

    func typeWarnings(_ columns: [ColumnDescription]) -> [String] {
        if route?.keepsSourceTypes == true { return [] }
        return columns.compactMap { target.dialect.typeWarning(for: $0) }
    }

    private func createStatement(_ table: TableName, columns: [ColumnDescription]) -> String {
        route?.createStatement(table, columns: columns) ?? target.dialect.createTableStatement(table, columns: columns)
    }

    private func writer(into table: TableName, columns: [ColumnDescription]) throws -> any RowWriter {
        try route?.writer(into: table, columns: columns) ?? target.bulkWriter(into: table, columns: columns)
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
                let replace = dialect.replaceStatements(
                    target: request.table, staging: staging, targetExists: existing != nil)
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

        // DDL that commits at once: a table made here is dropped again when the load fails.
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
                let replace = dialect.replaceStatements(
                    target: request.table, staging: staging, targetExists: existing != nil)
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
        let caseSensitive = target.dialect.caseSensitiveNames
        let names = Set(existing.map { caseSensitive ? $0.name : $0.name.lowercased() })
        let missing = columns.filter { !names.contains(caseSensitive ? $0.name : $0.name.lowercased()) }
        guard missing.isEmpty else {
            let list = missing.map { "\"\($0.name)\"" }.joined(separator: ", ")
            let have = existing.map { "\"\($0.name)\"" }.joined(separator: ", ")
            throw DriverError(
                "cannot append to \(request.table): it has no column \(list) (its columns: \(have)); use overwrite to replace the table"
            )
        }
    }
}
