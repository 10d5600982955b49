extension MySQLSession {
    func tableNames(in schema: String) throws -> [String] {
        // Sorted here: the catalog's collation would order names without regard to case.
        try query(
            """
            SELECT table_name FROM information_schema.tables
            WHERE table_schema = COALESCE(NULLIF(?, ''), DATABASE()) AND table_type = 'BASE TABLE'
            """, [schema]
        ).compactMap { $0[0] }.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    }

    func primaryKey(of table: TableName) throws -> [String] {
        try query(
            """
            SELECT column_name FROM information_schema.statistics
            WHERE table_schema = COALESCE(NULLIF(?, ''), DATABASE()) AND table_name = ? AND index_name = 'PRIMARY'
            ORDER BY seq_in_index
            """, [table.schema, table.name]
        ).compactMap { $0[0] }
    }
}
