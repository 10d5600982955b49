import CLibPQ
import Foundation

extension PostgresSession {
    func uniqueKeys(of table: TableName) throws -> [[String]] {
        // Only what ON CONFLICT (columns) can infer: unique, immediate, not partial, not on expressions.
        let rows = try query(
            """
            SELECT i.indexrelid::text, a.attname
            FROM pg_catalog.pg_index i
            CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, position)
            JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
            WHERE i.indrelid = $1::regclass AND i.indisunique AND i.indimmediate AND i.indpred IS NULL
              AND i.indexprs IS NULL AND k.position <= i.indnkeyatts
            ORDER BY i.indisprimary DESC, i.indexrelid, k.position
            """, [dialect.qualified(table)])
        return groupedKeys(rows)
    }

    func deleteAllRows(of table: TableName) throws -> Int? {
        // TRUNCATE is transactional here and keeps the table as it is, but refuses a table that another
        // table's foreign key references: DELETE then, whose checks keep those keys valid.
        let referenced = try query(
            "SELECT 1 FROM pg_catalog.pg_constraint WHERE contype = 'f' AND confrelid = $1::regclass LIMIT 1",
            [dialect.qualified(table)])
        if referenced.isEmpty {
            try execute("TRUNCATE \(dialect.qualified(table))")
            return nil
        }
        return try executeCounting("DELETE FROM \(dialect.qualified(table))")
    }

    func keyedMerge(_ target: MergeTarget) -> any KeyedMerge {
        PostgresMerge(session: self, target: target)
    }

    func literal(_ text: String) throws -> String {
        guard let escaped = PQescapeLiteral(connection, text, text.utf8.count) else {
            throw DriverError(clientMessage: String(cString: PQerrorMessage(connection)))
        }
        defer { PQfreemem(escaped) }
        return String(cString: escaped)
    }

    /// Runs a statement and returns the rows it changed.
    func executeCounting(_ sql: String) throws -> Int {
        let result = try check(PQexec(connection, sql))
        defer { PQclear(result) }
        return Int(String(cString: PQcmdTuples(result))) ?? 0
    }
}

/// Rows of (index, column) in order, grouped into one column list per index.
func groupedKeys(_ rows: [[String?]]) -> [[String]] {
    var keys: [[String]] = []
    var current: String?
    for row in rows {
        guard let index = row[0], let column = row[1] else { continue }
        if index != current {
            keys.append([])
            current = index
        }
        keys[keys.count - 1].append(column)
    }
    return keys
}

/// A temporary staging table dropped at commit, then one `INSERT … ON CONFLICT … DO UPDATE` that rewrites
/// only the rows whose values changed and reports which rows it inserted (`xmax = 0`).
final class PostgresMerge: KeyedMerge {
    private let session: PostgresSession
    private let target: MergeTarget
    let staging: TableName

    init(session: PostgresSession, target: MergeTarget) {
        self.session = session
        self.target = target
        // A temporary table lives in the session's own schema, first on its search path.
        staging = TableName(name: target.stagingName)
    }

    private var dialect: any Dialect { session.dialect }

    func createStaging() throws {
        let list = target.columns.map(dialect.quote).joined(separator: ", ")
        // The target's own types and collations, column for column.
        try session.execute(
            "CREATE TEMPORARY TABLE \(dialect.qualified(staging)) ON COMMIT DROP AS SELECT \(list) FROM \(dialect.qualified(target.table)) WITH NO DATA"
        )
    }

    func prepare() throws {
        // A table made in this transaction has no statistics: the anti-join of deleteMissing needs them.
        try session.execute("ANALYZE \(dialect.qualified(staging))")
    }

    func apply(deleteMissing: Bool) throws -> MergeCounts {
        let into = dialect.qualified(target.table)
        let from = dialect.qualified(staging)
        var deleted = 0
        if deleteMissing {
            deleted = try session.executeCounting(
                "DELETE FROM \(into) AS t WHERE NOT EXISTS (SELECT 1 FROM \(from) AS s WHERE \(dialect.keyMatch(target.key, "s", "t")))"
            )
        }
        let list = target.columns.map(dialect.quote).joined(separator: ", ")
        let keyList = target.key.map(dialect.quote).joined(separator: ", ")
        let others = target.updatedColumns
        let action: String
        if others.isEmpty {
            action = "DO NOTHING"
        } else {
            let set = others.map { "\(dialect.quote($0)) = EXCLUDED.\(dialect.quote($0))" }.joined(separator: ", ")
            let changed = others.map(changedCondition).joined(separator: " OR ")
            action = "DO UPDATE SET \(set) WHERE \(changed)"
        }
        let counts = try session.query(
            """
            WITH merged AS (
              INSERT INTO \(into) AS t (\(list)) SELECT \(list) FROM \(from)
              ON CONFLICT (\(keyList)) \(action)
              RETURNING t.xmax = 0 AS inserted
            )
            SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM merged
            """, [])
        let inserted = counts.first?[0].flatMap { Int($0) } ?? 0
        let updated = counts.first?[1].flatMap { Int($0) } ?? 0
        return MergeCounts(inserted: inserted, updated: updated, deleted: deleteMissing ? deleted : 0)
    }

    func dropStaging() {
        // ON COMMIT DROP, and a rollback takes it too.
    }

    /// Whether a column's value differs, by a comparison that tells apart everything the column keeps:
    /// `=` would call 0 and -0, 1.0 and 1.00, '1 day' and '24 hours' the same, and json has no `=` at all.
    private func changedCondition(_ column: String) -> String {
        let quoted = dialect.quote(column)
        let typeName = target.existingType(of: column)
        if Self.exactEquality(typeName) {
            return "t.\(quoted) IS DISTINCT FROM EXCLUDED.\(quoted)"
        }
        return "t.\(quoted)::text IS DISTINCT FROM EXCLUDED.\(quoted)::text"
    }

    /// Types whose `=` holds only for values that are the same (as format_type names them).
    static func exactEquality(_ typeName: String) -> Bool {
        let exact: Set<String> = [
            "smallint", "integer", "bigint", "boolean", "text", "bytea", "date", "uuid", "jsonb",
            "timestamp without time zone", "timestamp with time zone", "time without time zone", "\"char\"", "name",
        ]
        if exact.contains(typeName) { return true }
        let prefixes = ["character varying", "character(", "timestamp(", "time("]
        return prefixes.contains { typeName.hasPrefix($0) }
    }
}
