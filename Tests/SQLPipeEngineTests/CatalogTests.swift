import Foundation
import SQLPipeTestSupport
import Testing

@testable import SQLPipeEngine

/// What each database's catalog says of its tables: which a schema holds and their primary keys.
@Suite struct CatalogTests {
    /// A schema of the test's own (a database on MariaDB), so other suites' tables never show.
    struct Catalog {
        let session: any DatabaseSession
        let schema: String

        init(_ system: DataSystem) throws {
            session = try DriverTests.session(system)
            let suffix = UUID().uuidString.prefix(8).lowercased()
            switch system {
            case .postgresql:
                schema = "catalog_\(suffix)"
                try session.execute("CREATE SCHEMA \(schema)")
            case .mysql, .mariadb:
                schema = "sqlpipe_catalog_\(suffix)"
                try session.execute("CREATE DATABASE \(schema)")
            case .sqlite:
                schema = ""
            }
        }

        func table(_ name: String) -> TableName { TableName(schema: schema, name: name) }
        func qualified(_ name: String) -> String { session.dialect.qualified(table(name)) }

        func drop() {
            switch session.dialect.system {
            case .postgresql: try? session.execute("DROP SCHEMA \(schema) CASCADE")
            case .mysql, .mariadb: try? session.execute("DROP DATABASE \(schema)")
            case .sqlite: break
            }
            session.close()
        }
    }

    static let systems: [DataSystem] = [.postgresql, .mariadb, .sqlite]

    @Test(arguments: systems)
    func tablesOfASchemaInByteOrder(_ system: DataSystem) async throws {
        try await offPoolSharingServers { try Self.tablesOfASchema(system) }
    }

    static func tablesOfASchema(_ system: DataSystem) throws {
        let catalog = try Catalog(system)
        defer { catalog.drop() }
        for name in ["orders", "Orders_Archive", "audit_2024", "audit_2025"] {
            try catalog.session.execute("CREATE TABLE \(catalog.qualified(name)) (id integer)")
        }
        try catalog.session.execute(
            "CREATE VIEW \(catalog.qualified("recent_orders")) AS SELECT id FROM \(catalog.qualified("orders"))")
        if system == .postgresql {
            // A partitioned table is one table; its partitions are not listed apart.
            try catalog.session.execute(
                "CREATE TABLE \(catalog.qualified("events")) (id integer, at date) PARTITION BY RANGE (at)")
            try catalog.session.execute(
                """
                CREATE TABLE \(catalog.qualified("events_2026")) PARTITION OF \(catalog.qualified("events"))
                FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')
                """)
        }
        let expected =
            system == .postgresql
            ? ["Orders_Archive", "audit_2024", "audit_2025", "events", "orders"]
            : ["Orders_Archive", "audit_2024", "audit_2025", "orders"]
        #expect(try catalog.session.tableNames(in: catalog.schema) == expected)
        #expect(try catalog.session.tableNames(in: catalog.schema + "_missing") == [])
    }

    @Test(arguments: systems)
    func primaryKeysInKeyOrder(_ system: DataSystem) async throws {
        try await offPoolSharingServers { try Self.primaryKeys(system) }
    }

    static func primaryKeys(_ system: DataSystem) throws {
        let catalog = try Catalog(system)
        defer { catalog.drop() }
        let session = catalog.session
        try session.execute("CREATE TABLE \(catalog.qualified("single")) (id integer PRIMARY KEY, name text)")
        try session.execute(
            """
            CREATE TABLE \(catalog.qualified("Composite")) ("Region" varchar(8), year integer, n integer,
            PRIMARY KEY (year, "Region"))
            """.replacingOccurrences(of: "\"", with: system == .sqlite || system == .postgresql ? "\"" : "`"))
        try session.execute("CREATE TABLE \(catalog.qualified("keyless")) (id integer UNIQUE, name text)")
        #expect(try session.primaryKey(of: catalog.table("single")) == ["id"])
        #expect(try session.primaryKey(of: catalog.table("Composite")) == ["year", "Region"])
        #expect(try session.primaryKey(of: catalog.table("keyless")) == [])
        #expect(try session.primaryKey(of: catalog.table("missing")) == [])
    }
}
