import Foundation

/// PostgreSQL to PostgreSQL: the source is described once; every column of a type the target knows is
/// passed through in binary COPY, undecoded, into a table of the source's own types. A statement COPY
/// cannot wrap in binary (SHOW, EXPLAIN) is read as text after all, with the same description.
final class PostgresRoute: SameSystemRoute {
    private let source: PostgresSession
    private let target: PostgresSession
    private let query: String
    private let description: PostgresResultDescription
    /// The binary stream's description and query (columns of types the target may lack cast to text).
    private var binary: (query: String, description: PostgresResultDescription)?

    init?(source: PostgresSession, target: PostgresSession, query: String, existing: [TableColumn]?) throws {
        guard let description = try PostgresCopyReader.describeIfPreparable(query, on: source) else { return nil }
        self.source = source
        self.target = target
        self.query = query
        self.description = description
        if let binary = description.passthrough(of: query), Self.fits(binary.description, existing: existing) {
            self.binary = binary
        }
    }

    /// A binary COPY stream goes only into a new table or one whose columns have exactly these names and types.
    private static func fits(_ description: PostgresResultDescription, existing: [TableColumn]?) -> Bool {
        guard let existing else { return true }
        return existing.map(\.name) == description.fields.map(\.name)
            && existing.map(\.typeName) == description.fields.map(\.typeName)
    }

    func openReader() throws -> any RowReader {
        if let binary {
            do {
                return try PostgresCopyReader(
                    session: source, query: binary.query, description: binary.description, format: .binary)
            } catch let error as DriverError where PostgresCopyReader.cannotWrap(error) {
                self.binary = nil
            }
        }
        return try PostgresCopyReader(session: source, query: query, description: description, format: .text)
    }

    var keepsSourceTypes: Bool { binary != nil }

    /// The source's own type names, from format_type: PostgreSQL to PostgreSQL keeps every type.
    /// `passthrough(of:)` made every column one that has a DDL name.
    func createStatement(_ table: TableName, columns: [ColumnDescription], primaryKey: [String]) -> String? {
        guard let binary else { return nil }
        let dialect = target.dialect
        let definitions = binary.description.fields.map {
            dialect.quote($0.name) + " " + (PostgresDialect.ddlTypeName($0.typeName) ?? "text")
        }
        return
            "CREATE TABLE \(dialect.qualified(table)) (\(definitions.joined(separator: ", "))\(dialect.primaryKeyClause(primaryKey)))"
    }

    func writer(into table: TableName, columns: [ColumnDescription]) throws -> (any RowWriter)? {
        guard binary != nil else { return nil }
        return try PostgresCopyWriter(session: target, table: table, columns: columns, format: .binary)
    }
}

extension PostgresSession {
    func sameSystemRoute(
        for query: String, into target: any DatabaseSession, existing: [TableColumn]?
    ) throws -> (any SameSystemRoute)? {
        guard let target = target as? PostgresSession else { return nil }
        return try PostgresRoute(source: self, target: target, query: query, existing: existing)
    }
}
