import Foundation

/// What differs between databases in the SQL sqlpipe writes: quoting, types, and how a table is
/// replaced atomically. Each driver has one, as data plus a few small functions.
public protocol Dialect: Sendable {
    var system: DataSystem { get }
    /// The longest identifier the database keeps whole, in bytes; a longer one is refused, never cut.
    var maximumIdentifierBytes: Int { get }
    /// Whether CREATE/DROP/RENAME TABLE take part in a transaction (PostgreSQL, SQLite) or commit
    /// implicitly (MySQL).
    var transactionalDDL: Bool { get }
    func quote(_ identifier: String) -> String
    /// The column type to create for a neutral type (what it cannot hold fails the transfer when met).
    func columnType(for type: ColumnType) -> String
    /// Statements that make `staging` the table called `target` (`swap`), then tidy up (`cleanup`, whose
    /// failure leaves the target replaced all the same); `targetExists` says whether one is there.
    func replaceStatements(target: TableName, staging: TableName, targetExists: Bool) -> (
        swap: [String], cleanup: [String]
    )
    var beginStatement: String { get }
    /// How the database counts an identifier's length against `maximumIdentifierBytes`.
    func identifierLength(_ identifier: String) -> Int
    /// What follows the column list of a CREATE TABLE.
    var tableOptions: String { get }
    /// The tables a transfer loading `staging` may leave behind when its process dies mid-way, for
    /// recovery to drop.
    func leftovers(ofStaging staging: TableName) -> [TableName]
    /// Whether two names that differ only in case are two names (PostgreSQL, quoted) or one.
    var caseSensitiveNames: Bool { get }
    /// A warning about a column whose values this database may not hold (e.g. too wide a decimal).
    func typeWarning(for column: ColumnDescription) -> String?
    /// The column type to create for a neutral type in a PRIMARY KEY (MySQL cannot index a longtext).
    func keyColumnType(for type: ColumnType) -> String
    /// How a cursor mark, as the escaped literal of its canonical text, is compared with a column of `type`
    /// (where comparing with a string literal would not be exact).
    func cursorLiteral(_ literal: String, type: ColumnType) -> String
    /// The index an incremental transfer gives the cursor column of a table it creates, so that later runs
    /// find the mark without reading the table; none for a type the database cannot index whole.
    func cursorIndexStatements(_ table: TableName, column: ColumnDescription) -> [String]
}

extension Dialect {
    public func qualified(_ table: TableName) -> String {
        table.schema.isEmpty ? quote(table.name) : quote(table.schema) + "." + quote(table.name)
    }

    public var beginStatement: String { "BEGIN" }
    public func identifierLength(_ identifier: String) -> Int { identifier.utf8.count }
    public var tableOptions: String { "" }
    public func leftovers(ofStaging staging: TableName) -> [TableName] { [staging] }
    public var caseSensitiveNames: Bool { false }
    public func typeWarning(for column: ColumnDescription) -> String? { nil }
    public func keyColumnType(for type: ColumnType) -> String { columnType(for: type) }
    public func cursorLiteral(_ literal: String, type: ColumnType) -> String { literal }
    public func cursorIndexStatements(_ table: TableName, column: ColumnDescription) -> [String] {
        ["CREATE INDEX ON \(qualified(table)) (\(quote(column.name)))"]
    }

    /// Checks a user-given identifier: it must be non-empty, free of NUL and short enough to be kept whole.
    public func validate(identifier: String, role: String) throws {
        if identifier.isEmpty { throw DriverError("\(role) must not be empty") }
        if identifier.utf8.contains(0) { throw DriverError("\(role) must not contain a NUL character") }
        if identifierLength(identifier) > maximumIdentifierBytes {
            throw DriverError(
                "\(role) '\(identifier)' is longer than \(system.displayName)'s limit of \(maximumIdentifierBytes) for names"
            )
        }
    }

    /// A CREATE TABLE for these columns, with `primaryKey` (names among them) as its PRIMARY KEY.
    public func createTableStatement(
        _ table: TableName, columns: [ColumnDescription], primaryKey: [String] = []
    ) -> String {
        let definitions = columns.map { column in
            let type = primaryKey.contains(column.name) ? keyColumnType(for: column.type) : columnType(for: column.type)
            return quote(column.name) + " " + type
        }
        return
            "CREATE TABLE \(qualified(table)) (\(definitions.joined(separator: ", "))\(primaryKeyClause(primaryKey)))"
            + tableOptions
    }

    /// `, PRIMARY KEY (…)` to close a column list, or nothing without a key.
    public func primaryKeyClause(_ key: [String]) -> String {
        key.isEmpty ? "" : ", PRIMARY KEY (" + key.map(quote).joined(separator: ", ") + ")"
    }

    /// `a = b AND …` over the key columns of two tables (or aliases) already quoted.
    func keyMatch(_ key: [String], _ left: String, _ right: String) -> String {
        key.map { "\(left).\(quote($0)) = \(right).\(quote($0))" }.joined(separator: " AND ")
    }
}

/// Doubles the quote character inside an identifier and wraps it: "a""b", `a``b`.
func quoteIdentifier(_ identifier: String, with mark: Character) -> String {
    let doubled = identifier.replacingOccurrences(of: String(mark), with: String(mark) + String(mark))
    return String(mark) + doubled + String(mark)
}
