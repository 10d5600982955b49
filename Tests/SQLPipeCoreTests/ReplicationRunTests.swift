import Foundation
import SQLPipeEngine
import SQLPipeTestSupport
import Testing

@testable import SQLPipeCore

/// Replications run against the real servers: tables found in the source's catalog with their keys, every
/// value compared after each run, a failing stream beside the others, cancel and recovery.
@Suite(.serialized) struct ReplicationRunTests {
    /// A PostgreSQL schema of five tables (two of them matched by one pattern), a store whose connections
    /// point at it and at a target, and the target's schema of the test's own.
    struct Setup {
        let store: TestStore
        let world: TestWorld
        let schema: String
        let targetSchema: String
        let sourceConfig: ConnectionConfig
        let targetConfig: ConnectionConfig

        init(target system: DataSystem) async throws {
            store = try TestStore()
            world = try TestWorld()
            schema = "repl_\(world.tag)"
            targetSchema = system == .sqlite ? "" : "sqlpipe_repl_\(world.tag)"
            _ = try await store.sqlpipe.connections.create(try world.input(.postgresql, name: "source"))
            _ = try await store.sqlpipe.connections.create(try world.input(system, name: "target", file: "target.db"))
            sourceConfig = try world.config(.postgresql)
            targetConfig = try world.config(system, file: "target.db")
            let (schema, targetSchema) = (schema, targetSchema)
            try await onSource { source in
                try source.execute("CREATE SCHEMA \(schema)")
                try source.execute(
                    """
                    CREATE TABLE \(schema).orders (id bigint PRIMARY KEY, customer text, amount numeric(12,4),
                      updated_at timestamp(6) NOT NULL);
                    CREATE TABLE \(schema)."Customers" (region varchar(8), id bigint, name text, PRIMARY KEY (region, id));
                    CREATE TABLE \(schema).audit_2024 (id bigint PRIMARY KEY, event text);
                    CREATE TABLE \(schema).audit_2025 (id bigint PRIMARY KEY, event text);
                    CREATE TABLE \(schema).notes (body text);
                    CREATE TABLE \(schema).tmp_scratch (x int);
                    INSERT INTO \(schema).orders
                      SELECT g, 'O''Brien ☃ ' || g, g / 3.0, timestamp '2026-01-01 00:00:00' + g * interval '1 minute'
                      FROM generate_series(1, 50) g;
                    INSERT INTO \(schema)."Customers" VALUES ('EU', 1, 'Ada'), ('EU', 2, 'Bo'), ('US', 1, 'Cy');
                    INSERT INTO \(schema).audit_2024 VALUES (1, 'opened'), (2, 'closed');
                    INSERT INTO \(schema).audit_2025 VALUES (1, 'opened');
                    INSERT INTO \(schema).notes VALUES ('first'), (NULL), ('');
                    """)
            }
            if !targetSchema.isEmpty { try await onTarget { try $0.execute("CREATE DATABASE \(targetSchema)") } }
        }

        func onSource<T: Sendable>(_ body: @escaping @Sendable (any DatabaseSession) throws -> T) async throws -> T {
            let config = sourceConfig
            return try await offPool {
                let session = try Drivers.open(config)
                defer { session.close() }
                return try body(session)
            }
        }

        func onTarget<T: Sendable>(_ body: @escaping @Sendable (any DatabaseSession) throws -> T) async throws -> T {
            let config = targetConfig
            return try await offPool {
                let session = try Drivers.open(config)
                defer { session.close() }
                return try body(session)
            }
        }

        var definition: String {
            """
            name: nightly
            source: source
            target: target
            defaults:
              mode: incremental
              cursorColumn: updated_at
            \(targetSchema.isEmpty ? "" : "  targetSchema: \(targetSchema)")
            streams:
              - table: \(schema).orders
              - table: \(schema).Customers
                mode: upsert
                deleteMissing: true
              - table: "\(schema).audit_*"
                mode: overwrite
              - table: \(schema).notes
                mode: truncate
            exclude: ["\(schema).tmp_*"]
            concurrency: 2
            """
        }

        func close() async {
            let (schema, targetSchema) = (schema, targetSchema)
            _ = try? await onSource { try $0.execute("DROP SCHEMA \(schema) CASCADE") }
            if !targetSchema.isEmpty { _ = try? await onTarget { try $0.execute("DROP DATABASE \(targetSchema)") } }
        }

        func sourceRows(_ table: String, columns: [String]) async throws -> [[String?]] {
            let schema = schema
            return try await onSource { try Self.rows(TableName(schema: schema, name: table), columns, in: $0) }
        }

        func targetRows(_ table: String, columns: [String]) async throws -> [[String?]] {
            let targetSchema = targetSchema
            return try await onTarget { try Self.rows(TableName(schema: targetSchema, name: table), columns, in: $0) }
        }

        static func rows(_ table: TableName, _ columns: [String], in session: any DatabaseSession) throws -> [[String?]]
        {
            let list = columns.map(session.dialect.quote).joined(separator: ", ")
            let (_, rows) = try HardValues.read(
                "SELECT \(list) FROM \(session.dialect.qualified(table))", from: session)
            return rows.sorted { $0.map { $0 ?? "\u{0}" }.lexicographicallyPrecedes($1.map { $0 ?? "\u{0}" }) }
        }

        /// Every table's values on the target equal the source's, and each created target has the source's key.
        func expectInStep() async throws {
            let tables: [(String, [String], [ColumnType])] = [
                (
                    "orders", ["id", "customer", "amount", "updated_at"],
                    [.int64, .text, .decimal(precision: 12, scale: 4), .timestamp]
                ),
                ("Customers", ["region", "id", "name"], [.text, .int64, .text]),
                ("audit_2024", ["id", "event"], [.int64, .text]),
                ("audit_2025", ["id", "event"], [.int64, .text]),
                ("notes", ["body"], [.text]),
            ]
            for (table, columns, types) in tables {
                let want = try await sourceRows(table, columns: columns)
                let have = try await targetRows(table, columns: columns)
                #expect(
                    want.count == have.count, "\(table): \(want.count) rows in the source, \(have.count) in the target")
                for (wantRow, haveRow) in zip(want, have) {
                    for (index, type) in types.enumerated() {
                        #expect(
                            HardValues.same(wantRow[index], haveRow[index], type: type),
                            "\(table).\(columns[index]): \(wantRow[index] ?? "NULL") became \(haveRow[index] ?? "NULL")"
                        )
                    }
                }
                let (schema, targetSchema) = (schema, targetSchema)
                let sourceKey = try await onSource { try $0.primaryKey(of: TableName(schema: schema, name: table)) }
                let targetKey = try await onTarget {
                    try $0.primaryKey(of: TableName(schema: targetSchema, name: table))
                }
                #expect(sourceKey == targetKey, "\(table): key \(targetKey) on the target, \(sourceKey) on the source")
            }
        }

        func change(_ sql: String) async throws {
            try await onSource { try $0.execute(sql) }
        }
    }

    @Test(arguments: [DataSystem.mariadb, .sqlite])
    func aSchemaStaysInStepAcrossTwoRuns(into system: DataSystem) async throws {
        let setup = try await Setup(target: system)
        let replications = setup.store.sqlpipe.replications
        _ = try await replications.create(try ReplicationDefinition.parse(setup.definition), by: .adminNamed("admin"))

        let first = try await replications.runNow("nightly", by: .adminNamed("admin"))
        #expect(first.status == .complete, "\(first.streams)")
        #expect(
            first.streams.map(\.sourceTable) == [
                "\(setup.schema).orders", "\(setup.schema).Customers", "\(setup.schema).audit_2024",
                "\(setup.schema).audit_2025", "\(setup.schema).notes",
            ])
        #expect(first.streams.allSatisfy { $0.status == .complete && $0.transferID != nil })
        #expect(first.streams[0].rowsTransferred == 50)
        try await setup.expectInStep()

        let schema = setup.schema
        try await setup.change(
            """
            INSERT INTO \(schema).orders VALUES (51, 'new', 1.5, '2026-02-01 00:00:00.000001');
            UPDATE \(schema).orders SET customer = NULL, updated_at = '2026-02-01 00:00:00.000002' WHERE id = 7;
            DELETE FROM \(schema)."Customers" WHERE id = 2;
            UPDATE \(schema)."Customers" SET name = '' WHERE region = 'US';
            INSERT INTO \(schema)."Customers" VALUES ('EU', 3, 'Dee');
            INSERT INTO \(schema).audit_2025 VALUES (2, 'closed');
            DELETE FROM \(schema).notes WHERE body = 'first';
            """)
        let second = try await replications.runNow("nightly", by: .adminNamed("admin"))
        #expect(second.status == .complete, "\(second.streams)")
        // The rows at or past the mark: the last one of the first run, the new one and the changed one.
        #expect(second.streams[0].rowsTransferred == 3)
        #expect(second.streams[1].rowsDeleted == 1)
        try await setup.expectInStep()

        let runs = try await replications.runs(of: "nightly", try PageRequest(sort: "-id"))
        #expect(runs.items.map(\.id) == [second.id, first.id])
        let transfer = try await setup.store.sqlpipe.transfers.get(try #require(second.streams[0].transferID))
        #expect(transfer.mode == .incremental)
        #expect(transfer.primaryKey == ["id"])
        await setup.close()
    }

    @Test func aFailingStreamLeavesItsTargetAndTheOthersRun() async throws {
        let setup = try await Setup(target: .mariadb)
        let targetSchema = setup.targetSchema
        // notes already exists on the target with room for three characters: 'first' does not fit.
        try await setup.onTarget { target in
            try target.execute("CREATE TABLE \(targetSchema).notes (body varchar(3))")
            try target.execute("INSERT INTO \(targetSchema).notes VALUES ('old')")
        }
        let replications = setup.store.sqlpipe.replications
        _ = try await replications.create(try ReplicationDefinition.parse(setup.definition), by: .adminNamed("admin"))
        let run = try await replications.runNow("nightly", by: .adminNamed("admin"))
        #expect(run.status == .error)
        #expect(run.error == "1 of 5 streams failed")
        let notes = try #require(run.streams.last)
        #expect(notes.status == .error)
        #expect(notes.error?.isEmpty == false)
        #expect(run.streams.dropLast().allSatisfy { $0.status == .complete })
        #expect(try await setup.targetRows("notes", columns: ["body"]) == [["old"]])
        await setup.close()
    }

    @Test func keysAndPatternsComeFromTheCatalog() async throws {
        let setup = try await Setup(target: .sqlite)
        let schema = setup.schema
        let replications = setup.store.sqlpipe.replications
        _ = try await replications.create(
            try ReplicationDefinition.parse(
                """
                name: catalog
                source: source
                target: target
                streams:
                  - table: \(schema).notes
                    mode: upsert
                  - table: "\(schema).nothing_*"
                  - table: "\(schema).audit_202?"
                    mode: upsert
                  - table: \(schema).audit_2025
                    targetTable: latest_audit
                    mode: overwrite
                """), by: .adminNamed("admin"))
        let run = try await replications.runNow("catalog", by: .adminNamed("admin"))
        #expect(run.status == .error)
        #expect(
            run.streams.map(\.stream) == [
                "\(schema).notes", "\(schema).nothing_*", "\(schema).audit_202?", "\(schema).audit_2025",
            ])
        #expect(run.streams[0].error?.contains("has no PRIMARY KEY") == true)
        #expect(run.streams[1].error?.contains("matches nothing_*") == true)
        // The pattern leaves audit_2025 to the stream that names it.
        #expect(run.streams[2].sourceTable == "\(schema).audit_2024")
        #expect(run.streams[2].status == .complete)
        #expect(run.streams[3].targetTable == "latest_audit")
        #expect(run.streams[3].status == .complete)

        let only = try await replications.runNow("catalog", streams: "audit_2024", by: .adminNamed("admin"))
        #expect(only.status == .complete)
        #expect(only.streams.map(\.sourceTable) == ["\(schema).audit_2024"])
        await setup.close()
    }

    @Test func aCancelStopsTheRunningStreamsAndStartsNoMore() async throws {
        let setup = try await Setup(target: .mariadb)
        let replications = setup.store.sqlpipe.replications
        _ = try await replications.create(
            try ReplicationDefinition.parse(
                """
                name: slow
                source: source
                target: target
                defaults: {targetSchema: \(setup.targetSchema)}
                streams:
                  - query: SELECT x FROM (SELECT 1 AS x, pg_sleep(30)) AS s
                    targetTable: slow
                  - table: \(setup.schema).orders
                """), by: .adminNamed("admin"))
        let control = RunControl()
        let running = Task { try await replications.runNow("slow", by: .adminNamed("admin"), control: control) }
        var started = false
        for _ in 0..<200 where !started {
            try await Task.sleep(for: .milliseconds(50))
            started = try await offPool { try ServerActivity.isRunning("pg_sleep(30)", on: .postgresql) }
        }
        #expect(started)
        control.cancel()
        let run = try await running.value
        #expect(run.status == .cancelled)
        #expect(run.streams.map(\.status) == [.cancelled, .cancelled])
        let targetSchema = setup.targetSchema
        let slow = try await setup.onTarget { try $0.tableColumns(TableName(schema: targetSchema, name: "slow")) }
        #expect(slow == nil)
        await setup.close()
    }

    @Test func aMariaDBSourceGivesItsKeysPatternsAndNamesAsTheyAre() async throws {
        let store = try TestStore()
        let world = try TestWorld()
        let database = "sqlpipe_replsrc_\(world.tag)"
        _ = try await store.sqlpipe.connections.create(try world.input(.mariadb, name: "source"))
        _ = try await store.sqlpipe.connections.create(try world.input(.sqlite, name: "target", file: "t.db"))
        let sourceConfig = try world.config(.mariadb)
        try await offPool {
            let session = try Drivers.open(sourceConfig)
            defer { session.close() }
            try session.execute("CREATE DATABASE \(database)")
            try session.execute("CREATE TABLE \(database).`Orders` (`Id` bigint PRIMARY KEY, note text)")
            try session.execute("CREATE TABLE \(database).audit_a (k varchar(8), n int, v text, PRIMARY KEY (n, k))")
            try session.execute("CREATE TABLE \(database).audit_b (id int PRIMARY KEY)")
            try session.execute("INSERT INTO \(database).`Orders` VALUES (1, 'x'), (2, NULL)")
            try session.execute("INSERT INTO \(database).audit_a VALUES ('a', 1, 'one'), ('b', 1, '')")
        }
        defer {
            if let session = try? Drivers.open(sourceConfig) {
                try? session.execute("DROP DATABASE \(database)")
                session.close()
            }
        }
        _ = try await store.sqlpipe.replications.create(
            try ReplicationDefinition.parse(
                """
                name: from-mariadb
                source: source
                target: target
                defaults: {mode: upsert}
                streams:
                  - table: \(database).Orders
                  - table: "\(database).audit_*"
                """), by: .adminNamed("admin"))
        let run = try await store.sqlpipe.replications.runNow("from-mariadb", by: .adminNamed("admin"))
        #expect(run.status == .complete, "\(run.streams)")
        #expect(run.streams.map(\.targetTable) == ["Orders", "audit_a", "audit_b"])
        #expect(run.streams.map(\.rowsInserted) == [2, 2, 0])
        let targetConfig = try world.config(.sqlite, file: "t.db")
        let keys = try await offPool {
            let session = try Drivers.open(targetConfig)
            defer { session.close() }
            return try ["Orders", "audit_a", "audit_b"].map { try session.primaryKey(of: TableName(name: $0)) }
        }
        #expect(keys == [["Id"], ["n", "k"], ["id"]])
    }

    @Test func aRunWhoseProcessDiedIsInterrupted() async throws {
        let store = try TestStore()
        let world = try TestWorld()
        _ = try await store.sqlpipe.connections.create(try world.input(.sqlite, name: "a", file: "a.db"))
        _ = try await store.sqlpipe.connections.create(try world.input(.sqlite, name: "b", file: "b.db"))
        _ = try await store.sqlpipe.replications.create(
            try ReplicationDefinition.parse("name: r\nsource: a\ntarget: b\nstreams: [{table: t}]"),
            by: .adminNamed("admin"))
        let queued = try await store.sqlpipe.replications.startRun("r", by: .adminNamed("admin"))
        #expect(queued.status == .queued)
        await #expect(throws: SQLPipeError.self) {
            try await store.sqlpipe.replications.startRun("r", by: .adminNamed("admin"))
        }
        // A runner that died: running under a pid that is no process, its lease long gone.
        try await store.sqlpipe.store.write { tx in
            try tx.execute(
                """
                UPDATE replication_runs SET status = 'running', runner_pid = 999999999, runner_host = 'gone',
                runner_token = 'x', lease_expires_at = '2000-01-01 00:00:00.000',
                streams = '[{"stream":"t","status":"running"}]' WHERE id = ?
                """, queued.id)
        }
        let reopened = try await store.open()
        let run = try await reopened.replications.getRun(queued.id)
        #expect(run.status == .error)
        #expect(run.error?.hasPrefix("interrupted") == true)
        #expect(run.streams.first?.status == .error)
        await #expect(throws: SQLPipeError.self) {
            try await store.sqlpipe.replications.delete("r", by: Caller(username: "u", admin: false))
        }
        try await store.sqlpipe.replications.delete("r", by: .adminNamed("admin"))
    }
}
