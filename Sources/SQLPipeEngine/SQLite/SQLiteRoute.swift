import Foundation

/// SQLite to SQLite: each value keeps its storage class, and created columns their declared types.
final class SQLiteRoute: SameSystemRoute {
    private let source: SQLiteSession
    private let target: SQLiteSession
    private let query: String

    init(source: SQLiteSession, target: SQLiteSession, query: String) {
        self.source = source
        self.target = target
        self.query = query
    }

    func openReader() throws -> any RowReader {
        try SQLiteReader(session: source, query: query, keepingStorageClasses: true)
    }

    var keepsSourceTypes: Bool { true }

    func createStatement(_ table: TableName, columns: [ColumnDescription], primaryKey: [String]) -> String? {
        SQLiteDialect().createTableKeepingDeclaredTypes(table, columns: columns, primaryKey: primaryKey)
    }

    func writer(into table: TableName, columns: [ColumnDescription]) throws -> (any RowWriter)? {
        try SQLiteWriter(session: target, table: table, columns: columns, keepingStorageClasses: true)
    }
}

extension SQLiteSession {
    func sameSystemRoute(
        for query: String, into target: any DatabaseSession, existing: [TableColumn]?
    ) throws -> (any SameSystemRoute)? {
        guard let target = target as? SQLiteSession else { return nil }
        return SQLiteRoute(source: self, target: target, query: query)
    }
}
