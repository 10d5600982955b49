extension SQLiteSession {
    func tableNames(in schema: String) throws -> [String] {
        let schema = schema.isEmpty ? "main" : schema
        // An unknown schema has no tables, as on the servers, rather than a catalog that fails to open.
        guard try !query("SELECT 1 FROM pragma_database_list WHERE name = ?1", [schema]).isEmpty else { return [] }
        let catalog = TableName(schema: schema, name: "sqlite_master")
        return try query(
            """
            SELECT name FROM \(dialect.qualified(catalog))
            WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
            ORDER BY name COLLATE BINARY
            """, []
        ).compactMap { $0[0] }
    }

    func primaryKey(of table: TableName) throws -> [String] {
        // An INTEGER PRIMARY KEY is the rowid and has no index of its own: the key comes from the columns.
        try query(
            "SELECT name FROM pragma_table_info(?1, ?2) WHERE pk > 0 ORDER BY pk",
            [table.name, table.schema.isEmpty ? "main" : table.schema]
        ).compactMap { $0[0] }
    }
}
