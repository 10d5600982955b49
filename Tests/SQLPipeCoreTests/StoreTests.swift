import Foundation
import GRDB
import SQLPipeTestSupport
import Testing

@testable import SQLPipeCore

/// About the SQLite store's file, its folder and its key file: a PostgreSQL store has none of them.
@Suite(.enabled(if: TestStore.onSQLite)) struct StoreTests {
    @Test func migrationsCreateEveryTableOnAnEmptyStore() async throws {
        let store = try TestStore()
        let tables = try await store.sqlpipe.sqliteStore.database.read { db in
            try String.fetchAll(
                db,
                sql:
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'grdb%' AND name NOT LIKE 'sqlite%' ORDER BY name"
            )
        }
        #expect(tables == ["connections", "queries", "replication_runs", "replications", "transfers", "users"])
        let applied = try await store.sqlpipe.sqliteStore.database.read { db in
            try MetadataStore.migrator.appliedIdentifiers(db)
        }
        #expect(
            applied.sorted() == [
                "v1: users, connections, transfers, queries", "v2: restricted connections, secret params, run leases",
                "v3: transfer modes, keys, cursors and row counts", "v4: replications and their runs",
                "v5: files at either end of a transfer",
            ])
    }

    /// A store last opened by a release with schema v2: its transfers keep what they were, `overwrite`
    /// ones becoming mode overwrite, and the new fields read as their defaults.
    @Test func migrationV3GivesTheTransfersOfAV2StoreTheirMode() async throws {
        let directory = try TemporaryDirectory.make()
        let path = directory.appendingPathComponent("store/store.db").path
        try FileManager.default.createDirectory(
            at: directory.appendingPathComponent("store"), withIntermediateDirectories: true)
        let older = try DatabaseQueue(path: path)
        try MetadataStore.migrator.migrate(older, upTo: "v2: restricted connections, secret params, run leases")
        try await older.write { db in
            for (query, overwrite, status, rows) in [
                ("SELECT 'replaced'", true, "complete", 7), ("SELECT 'appended'", false, "error", 0),
                ("SELECT 'waiting'", true, "queued", 0),
            ] {
                try db.execute(
                    sql: """
                        INSERT INTO transfers (created_at, created_by, query, target_table, overwrite, status, rows_transferred)
                        VALUES (?, 'old', ?, 't', ?, ?, ?)
                        """, arguments: [Date(), query, overwrite, status, rows])
            }
        }
        try older.close()

        let sqlpipe = try SQLPipe(storePath: path, environment: [:], hasher: PasswordHasher(cost: 4))
        let transfers = try await sqlpipe.transfers.list(try PageRequest()).items
        #expect(transfers.map(\.query) == ["SELECT 'replaced'", "SELECT 'appended'", "SELECT 'waiting'"])
        #expect(transfers.map(\.mode) == [.overwrite, .append, .overwrite])
        #expect(transfers.map(\.overwrite) == [true, false, true])
        #expect(transfers.map(\.rowsTransferred) == [7, 0, 0])
        for transfer in transfers {
            #expect(transfer.primaryKey.isEmpty)
            #expect(!transfer.deleteMissing)
            #expect(transfer.cursorColumn == nil)
            #expect(transfer.rowsInserted == nil && transfer.rowsUpdated == nil && transfer.rowsDeleted == nil)
            #expect(transfer.cursorFrom == nil && transfer.cursorTo == nil)
        }
        // The store refuses a mode that is none of the five, whoever writes it.
        await #expect(throws: (any Error).self) {
            try await sqlpipe.sqliteStore.database.write { db in
                try db.execute(sql: "UPDATE transfers SET mode = 'merge' WHERE id = 1")
            }
        }
    }

    @Test func aQueryListReadsEveryColumnButTheResult() async throws {
        let store = try TestStore()
        let columns = try await store.sqlpipe.sqliteStore.database.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM pragma_table_info('queries') ORDER BY cid")
        }
        let selected = QuerySummaryRow.selection.split(separator: ",").map {
            $0.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        #expect(selected.sorted() == columns.filter { $0 != "result" }.sorted())
    }

    @Test func storeRunsInWALModeWithForeignKeysAndIsPrivate() async throws {
        let store = try TestStore()
        let (journal, foreignKeys) = try await store.sqlpipe.sqliteStore.database.read { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int.fetchOne(db, sql: "PRAGMA foreign_keys"))
        }
        #expect(journal == "wal")
        #expect(foreignKeys == 1)
        let attributes = try FileManager.default.attributesOfItem(atPath: store.path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
    }

    @Test func reopeningKeepsTheData() async throws {
        let store = try TestStore()
        let created = try await store.sqlpipe.connections.create(
            ConnectionInput(
                name: "kept", dsType: "sqlite", dbName: store.directory.appendingPathComponent("a.db").path),
            checkConnectivity: false)
        _ = try await store.sqlpipe.users.create(UserInput(username: "keeper_1", password: "long enough", admin: true))

        let reopened = try store.reopen()
        #expect(try await reopened.connections.get("kept") == created)
        #expect(try await reopened.users.get("keeper_1").admin)
    }

    @Test func theKeyFileIsPrivateAndPasswordsAreNotStoredInPlainText() async throws {
        let store = try TestStore()
        let secret = "Plain-Text-Secret-\(UUID().uuidString)"
        _ = try await store.sqlpipe.connections.create(
            ConnectionInput(
                name: "secretive", dsType: "postgresql", hostname: "127.0.0.1", port: 5432, dbName: "db",
                username: "someone", password: secret),
            checkConnectivity: false)
        #expect(!store.allBytes().contains(secret))
        #expect(!store.allBytes().contains(String(secret.utf8.reversed().map { Character(UnicodeScalar($0)) })))
        let keyAttributes = try FileManager.default.attributesOfItem(atPath: store.path + ".key")
        #expect((keyAttributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let config = try await store.reopen().connections.config(for: "secretive")
        #expect(config.password == secret)
    }

    @Test func aKeyFromTheEnvironmentIsUsedAndAWrongKeyIsReported() async throws {
        let key = Data((0..<32).map { UInt8($0) }).base64EncodedString()
        let store = try TestStore(environment: ["SQLPIPE_SECRET_KEY": key])
        _ = try await store.sqlpipe.connections.create(
            ConnectionInput(
                name: "env-key", dsType: "mysql", hostname: "127.0.0.1", port: 3306, dbName: "db", username: "u",
                password: "from-env-key"),
            checkConnectivity: false)
        #expect(!FileManager.default.fileExists(atPath: store.path + ".key"))
        #expect(
            try await store.reopen(environment: ["SQLPIPE_SECRET_KEY": key]).connections.config(for: "env-key").password
                == "from-env-key")

        let otherKey = Data(repeating: 7, count: 32).base64EncodedString()
        await #expect(throws: SQLPipeError.self) {
            try await store.reopen(environment: ["SQLPIPE_SECRET_KEY": otherKey]).connections.config(for: "env-key")
        }
        let badKeyError = await #expect(throws: SQLPipeError.self) {
            try await store.reopen(environment: ["SQLPIPE_SECRET_KEY": "too short"]).connections.config(for: "env-key")
        }
        #expect(badKeyError?.description.contains("SQLPIPE_SECRET_KEY must be 32 bytes") == true)
    }

    @Test func anUnusableStorePathIsAClearError() throws {
        let error = #expect(throws: SQLPipeError.self) {
            _ = try SQLPipe(storePath: "/proc/no-such-place/store.db", environment: [:])
        }
        #expect(error?.description.contains("/proc/no-such-place") == true)
    }
}

extension SQLPipe {
    var sqliteStore: MetadataStore {
        get throws { try #require(store as? MetadataStore) }
    }
}
