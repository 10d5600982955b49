import CMariaDB
import Foundation

extension MySQLSession {
    func uniqueKeys(of table: TableName) throws -> [[String]] {
        let rows = try query(
            """
            SELECT index_name, column_name, sub_part FROM information_schema.statistics
            WHERE table_schema = COALESCE(NULLIF(?, ''), DATABASE()) AND table_name = ? AND non_unique = 0
            ORDER BY index_name = 'PRIMARY' DESC, index_name, seq_in_index
            """, [table.schema, table.name])
        // A unique prefix (`UNIQUE (name(10))`) would match rows that differ after the prefix.
        let prefixed = Set(rows.filter { $0[2] != nil || $0[1] == nil }.compactMap { $0[0] })
        return groupedKeys(rows.filter { !prefixed.contains($0[0] ?? "") }.map { [$0[0], $0[1]] })
    }

    func deleteAllRows(of table: TableName) throws -> Int? {
        // TRUNCATE would commit the transaction at once: DELETE is undone with it.
        try executeCounting("DELETE FROM \(dialect.qualified(table))")
    }

    func keyedMerge(_ target: MergeTarget) -> any KeyedMerge {
        MySQLMerge(session: self, target: target)
    }

    func literal(_ text: String) throws -> String {
        let bytes = Array(text.utf8)
        var escaped = [CChar](repeating: 0, count: bytes.count * 2 + 1)
        // It escapes for the connection's character set and sql_mode (NO_BACKSLASH_ESCAPES doubles quotes).
        let length = bytes.withUnsafeBufferPointer { source in
            source.withMemoryRebound(to: CChar.self) { characters in
                mysql_real_escape_string(handle, &escaped, characters.baseAddress, UInt(bytes.count))
            }
        }
        guard length != UInt.max else { throw lastError() }
        return "'" + String(decoding: escaped[0..<Int(length)].map { UInt8(bitPattern: $0) }, as: UTF8.self) + "'"
    }

    /// Runs a statement and returns the rows it changed; a warning (a value not stored exactly) fails it.
    func executeCounting(_ sql: String) throws -> Int {
        guard mysql_real_query(handle, sql, UInt(sql.utf8.count)) == 0 else { throw lastError() }
        let affected = mysql_affected_rows(handle)
        let warnings = mysql_warning_count(handle)
        try discardResults()
        if warnings > 0 { try failOnWarnings() }
        return affected == UInt64.max ? 0 : Int(affected)
    }

    /// Throws the first warning of the last statement, but for deprecation notes (MySQL 8 deprecates the
    /// VALUES() of ON DUPLICATE KEY UPDATE that MariaDB needs).
    func failOnWarnings() throws {
        let warnings = try query("SHOW WARNINGS", [])
        if let warning = warnings.first(where: { $0.count > 2 && $0[1] != "1287" }) {
            throw DriverError("MySQL could not store a value exactly: \(warning[2] ?? "")")
        }
    }

    /// Runs an INSERT … SELECT and returns its affected rows with the `Duplicates: D` the server reports
    /// for it (nil when it reports none).
    func executeInsert(_ sql: String) throws -> (affected: Int, duplicates: Int?) {
        guard mysql_real_query(handle, sql, UInt(sql.utf8.count)) == 0 else { throw lastError() }
        let affected = mysql_affected_rows(handle)
        let warnings = mysql_warning_count(handle)
        let info = mysql_info(handle).map { String(cString: $0) } ?? ""
        try discardResults()
        if warnings > 0 { try failOnWarnings() }
        let words = info.split(whereSeparator: { $0 == " " || $0 == ":" })
        func number(after label: String) -> Int? {
            guard let index = words.firstIndex(of: Substring(label)), index + 1 < words.count else { return nil }
            return Int(words[index + 1])
        }
        return (affected == UInt64.max ? 0 : Int(affected), number(after: "Duplicates"))
    }
}

/// A TEMPORARY staging table (it neither commits the transaction nor outlives the session) indexed on
/// the key, then `INSERT … SELECT … ON DUPLICATE KEY UPDATE`, which leaves rows whose values are the same
/// untouched. Its counts come from the server: `Duplicates` are the rows that matched a key and changed,
/// and each of them counts twice in the affected rows, an inserted row once, an unchanged one not at all.
final class MySQLMerge: KeyedMerge {
    private let session: MySQLSession
    private let target: MergeTarget
    let staging: TableName

    init(session: MySQLSession, target: MergeTarget) {
        self.session = session
        self.target = target
        staging = TableName(schema: target.table.schema, name: target.stagingName)
    }

    private var dialect: any Dialect { session.dialect }

    func createStaging() throws {
        let list = target.columns.map(dialect.quote).joined(separator: ", ")
        // Text and blob columns are indexed by a prefix: enough to find the row, which is then compared whole.
        let indexed = target.key.map { column in
            let type = target.existingType(of: column).lowercased()
            return dialect.quote(column) + (type.hasSuffix("text") || type.hasSuffix("blob") ? "(255)" : "")
        }
        // Column types, character sets and collations as the target has them.
        try session.execute(
            "CREATE TEMPORARY TABLE \(dialect.qualified(staging)) (INDEX (\(indexed.joined(separator: ", ")))) ENGINE=InnoDB SELECT \(list) FROM \(dialect.qualified(target.table)) LIMIT 0"
        )
    }

    func prepare() throws {}

    func apply(deleteMissing: Bool) throws -> MergeCounts {
        let into = dialect.qualified(target.table)
        let from = dialect.qualified(staging)
        var deleted = 0
        if deleteMissing {
            deleted = try session.executeCounting(
                "DELETE t FROM \(into) AS t WHERE NOT EXISTS (SELECT 1 FROM \(from) AS s WHERE \(dialect.keyMatch(target.key, "s", "t")))"
            )
        }
        let list = target.columns.map(dialect.quote).joined(separator: ", ")
        let others = target.updatedColumns
        let update = (others.isEmpty ? [target.key[0]] : others).map {
            "\(dialect.quote($0)) = VALUES(\(dialect.quote($0)))"
        }
        let result = try session.executeInsert(
            "INSERT INTO \(into) (\(list)) SELECT \(list) FROM \(from) ON DUPLICATE KEY UPDATE \(update.joined(separator: ", "))"
        )
        guard let changed = result.duplicates else {
            return MergeCounts(inserted: nil, updated: nil, deleted: deleted)
        }
        return MergeCounts(inserted: result.affected - 2 * changed, updated: changed, deleted: deleted)
    }

    func dropStaging() {
        // DROP TEMPORARY TABLE does not commit; the table would go with the session anyway.
        try? session.execute("DROP TEMPORARY TABLE IF EXISTS \(dialect.qualified(staging))")
    }
}
