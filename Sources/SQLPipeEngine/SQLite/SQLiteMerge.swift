import Foundation
import GRDBSQLite

extension SQLiteSession {
    func uniqueKeys(of table: TableName) throws -> [[String]] {
        let schema = table.schema.isEmpty ? "main" : table.schema
        // The primary key has no index of its own when it is the rowid: it comes from the columns.
        let primary = try primaryKey(of: table)
        let indexed = try query(
            """
            SELECT l.name, i.name FROM pragma_index_list(?1, ?2) AS l, pragma_index_info(l.name, ?2) AS i
            WHERE l."unique" = 1 AND l.partial = 0 AND l.origin <> 'pk'
            ORDER BY l.name, i.seqno
            """, [table.name, schema])
        // An index on an expression has a column without a name: it cannot be matched by column names.
        let expressionIndexes = Set(indexed.filter { $0[1] == nil }.compactMap { $0[0] })
        let keys = groupedKeys(indexed.filter { !expressionIndexes.contains($0[0] ?? "") })
        return (primary.isEmpty ? [] : [primary]) + keys
    }

    func deleteAllRows(of table: TableName) throws -> Int? {
        try execute("DELETE FROM \(dialect.qualified(table))")
        return Int(sqlite3_changes64(handle))
    }

    func keyedMerge(_ target: MergeTarget) -> any KeyedMerge {
        SQLiteMerge(session: self, target: target)
    }

    func literal(_ text: String) throws -> String {
        // sqlite3_mprintf is variadic, which Swift cannot call; its va_list twin takes the same format.
        let quoted = text.withCString { value in
            withVaList([value]) { sqlite3_vmprintf("%Q", $0) }
        }
        guard let quoted else { throw DriverError("SQLite could not allocate a literal") }
        defer { sqlite3_free(quoted) }
        return String(cString: quoted)
    }

    func count(_ table: TableName) throws -> Int {
        Int(try scalar("SELECT count(*) FROM \(dialect.qualified(table))") ?? "0") ?? 0
    }
}

/// A staging table in `temp` with the target's declared types, indexed on the key once loaded, then one
/// `INSERT … ON CONFLICT … DO UPDATE` that rewrites only the rows whose values changed. SQLite does not say
/// which rows an upsert inserted: the target's row count before and after tells.
final class SQLiteMerge: KeyedMerge {
    private let session: SQLiteSession
    private let target: MergeTarget
    let staging: TableName

    init(session: SQLiteSession, target: MergeTarget) {
        self.session = session
        self.target = target
        staging = TableName(schema: "temp", name: target.stagingName)
    }

    private var dialect: any Dialect { session.dialect }

    func createStaging() throws {
        let definitions = target.columns.map { column in
            let declared = target.existingType(of: column)
            return dialect.quote(column) + (SQLiteDialect.isPlainDeclaredType(declared) ? " " + declared : "")
        }
        try session.execute(
            "CREATE TABLE \(dialect.qualified(staging)) (\(definitions.joined(separator: ", ")))")
    }

    func prepare() throws {
        let index = TableName(schema: "temp", name: staging.name + "_key")
        try session.execute(
            "CREATE INDEX \(dialect.qualified(index)) ON \(dialect.quote(staging.name)) (\(target.key.map(dialect.quote).joined(separator: ", ")))"
        )
    }

    func apply(deleteMissing: Bool) throws -> MergeCounts {
        let into = dialect.qualified(target.table)
        let from = dialect.qualified(staging)
        let targetName = dialect.quote(target.table.name)
        var deleted = 0
        if deleteMissing {
            try session.execute(
                "DELETE FROM \(into) WHERE NOT EXISTS (SELECT 1 FROM \(from) AS s WHERE \(dialect.keyMatch(target.key, "s", targetName)))"
            )
            deleted = Int(sqlite3_changes64(session.handle))
        }
        let before = try session.count(target.table)
        let list = target.columns.map(dialect.quote).joined(separator: ", ")
        let keyList = target.key.map(dialect.quote).joined(separator: ", ")
        let others = target.updatedColumns
        let action: String
        if others.isEmpty {
            action = "DO NOTHING"
        } else {
            let set = others.map { "\(dialect.quote($0)) = excluded.\(dialect.quote($0))" }.joined(separator: ", ")
            // IS NOT calls 1 and 1.0 the same: the storage class must match too.
            let changed = others.map { column in
                let old = "\(targetName).\(dialect.quote(column))"
                let new = "excluded.\(dialect.quote(column))"
                return "\(old) IS NOT \(new) OR typeof(\(old)) IS NOT typeof(\(new))"
            }.joined(separator: " OR ")
            action = "DO UPDATE SET \(set) WHERE \(changed)"
        }
        // `WHERE true` keeps SQLite from reading ON CONFLICT as part of a join.
        try session.execute(
            "INSERT INTO \(into) (\(list)) SELECT \(list) FROM \(from) WHERE true ON CONFLICT (\(keyList)) \(action)")
        let written = Int(sqlite3_changes64(session.handle))
        let inserted = try session.count(target.table) - before
        return MergeCounts(inserted: inserted, updated: written - inserted, deleted: deleted)
    }

    func dropStaging() {
        try? session.execute("DROP TABLE IF EXISTS \(dialect.qualified(staging))")
    }
}
