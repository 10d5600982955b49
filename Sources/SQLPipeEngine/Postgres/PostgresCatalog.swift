extension PostgresSession {
    func tableNames(in schema: String) throws -> [String] {
        try query(
            """
            SELECT c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = COALESCE(NULLIF($1, ''), current_schema()) AND c.relkind IN ('r', 'p')
              AND NOT c.relispartition
            ORDER BY c.relname COLLATE "C"
            """, [schema]
        ).compactMap { $0[0] }
    }

    func primaryKey(of table: TableName) throws -> [String] {
        // to_regclass is NULL for a missing table, where a cast to regclass would fail the statement.
        try query(
            """
            SELECT a.attname FROM pg_catalog.pg_index i
            CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, position)
            JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
            WHERE i.indrelid = to_regclass($1) AND i.indisprimary
            ORDER BY k.position
            """, [dialect.qualified(table)]
        ).compactMap { $0[0] }
    }
}
