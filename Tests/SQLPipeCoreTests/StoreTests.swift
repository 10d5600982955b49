import Foundation
import GRDB
import SQLPipeTestSupport
import Testing

@testable import SQLPipeCore

@Suite struct StoreTests {
    @Test func migrationsCreateEveryTableOnAnEmptyStore() async throws {
        let store = try TestStore()
        let tables = try await store.sqlpipe.store.database.read { db in
            try String.fetchAll(
                db,
                sql:
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'grdb%' AND name NOT LIKE 'sqlite%' ORDER BY name"
            )
        }
        #expect(tables == ["connections", "queries", "transfers", "users"])
        let applied = try await store.sqlpipe.store.database.read { db in
            try MetadataStore.migrator.appliedIdentifiers(db)
        }
        #expect(
            applied == [
                "v1: users, connections, transfers, queries", "v2: restricted connections, secret params, run leases",
            ])
    }

    @Test func storeRunsInWALModeWithForeignKeysAndIsPrivate() async throws {
        let store = try TestStore()
        let (journal, foreignKeys) = try await store.sqlpipe.store.database.read { db in
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
