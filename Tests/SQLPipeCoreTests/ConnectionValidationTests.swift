import Foundation
import SQLPipeTestSupport
import Testing

@testable import SQLPipeCore

@Suite struct ConnectionValidationTests {
    static let validServer = ConnectionInput(
        name: "pg", dsType: "postgresql", hostname: "127.0.0.1", port: 5432, dbName: "app", username: "etl")

    static func with(_ change: (inout ConnectionInput) -> Void) -> ConnectionInput {
        var input = validServer
        change(&input)
        return input
    }

    static let cases: [(String, ConnectionInput, String, String)] = [
        ("no name", with { $0.name = nil }, "name", "must be provided"),
        ("blank name", with { $0.name = "   " }, "name", "must be provided"),
        ("long name", with { $0.name = String(repeating: "n", count: 101) }, "name", "at most 100"),
        ("numeric name", with { $0.name = "42" }, "name", "only digits"),
        ("control character in name", with { $0.name = "a\u{7}b" }, "name", "control"),
        ("no dsType", with { $0.dsType = nil }, "dsType", "must be provided"),
        ("unknown dsType", with { $0.dsType = "oracle" }, "dsType", "must be one of"),
        ("no hostname", with { $0.hostname = nil }, "hostname", "must be provided"),
        ("no port", with { $0.port = nil }, "port", "must be provided"),
        ("port zero", with { $0.port = 0 }, "port", "between 1 and 65535"),
        ("port too high", with { $0.port = 70000 }, "port", "between 1 and 65535"),
        ("no dbName", with { $0.dbName = "" }, "dbName", "must be provided"),
        ("no username", with { $0.username = nil }, "username", "must be provided"),
        ("unknown postgres option", with { $0.params = ["sslmood": "require"] }, "params", "sslmood"),
        ("postgres host as option", with { $0.params = ["host": "elsewhere"] }, "params", "host"),
        (
            "unknown mysql option",
            with {
                $0.dsType = "mysql"
                $0.params = ["sslmode": "require"]
            }, "params", "sslmode"
        ),
        (
            "sqlite with a host", ConnectionInput(name: "f", dsType: "sqlite", hostname: "h", dbName: "/tmp/x.db"),
            "hostname", "must be empty"
        ),
        (
            "sqlite with a port", ConnectionInput(name: "f", dsType: "sqlite", port: 1, dbName: "/tmp/x.db"), "port",
            "must be empty"
        ),
        (
            "sqlite with a password", ConnectionInput(name: "f", dsType: "sqlite", dbName: "/tmp/x.db", password: "pw"),
            "password", "must be empty"
        ),
        ("sqlite without a path", ConnectionInput(name: "f", dsType: "sqlite"), "dbName", "path"),
        (
            "relative sqlite path", ConnectionInput(name: "f", dsType: "sqlite", dbName: "x.db"), "dbName",
            "absolute path"
        ),
        (
            "bad sqlite mode",
            ConnectionInput(name: "f", dsType: "sqlite", dbName: "/tmp/x.db", params: ["mode": "xyz"]), "params",
            "ro, rw or rwc"
        ),
        (
            "bad mysql ssl_mode",
            with {
                $0.dsType = "mariadb"
                $0.params = ["ssl_mode": "sometimes"]
            }, "params", "ssl_mode must be"
        ),
        (
            "unknown sqlite option",
            ConnectionInput(name: "f", dsType: "sqlite", dbName: "/tmp/x.db", params: ["journal": "wal"]), "params",
            "journal"
        ),
    ]

    @Test(arguments: cases)
    func eachRuleIsAValidationErrorNamingItsField(label: String, input: ConnectionInput, field: String, message: String)
        async throws
    {
        let store = try TestStore()
        let error = await #expect(throws: SQLPipeError.self, "\(label)") {
            try await store.sqlpipe.connections.create(input, checkConnectivity: false)
        }
        guard case .validation(let fields) = error else {
            Issue.record("\(label): expected a validation error, got \(String(describing: error))")
            return
        }
        #expect(fields[field]?.contains(message) == true, "\(label): \(fields)")
        let page = try await store.sqlpipe.connections.list(PageRequest())
        #expect(page.items.isEmpty, "\(label): nothing may be stored")
    }

    @Test func aValidInputIsStoredWithItsFields() async throws {
        let store = try TestStore()
        let created = try await store.sqlpipe.connections.create(
            Self.with {
                $0.params = ["sslmode": "disable"]
                $0.accountId = "acct-1"
            }, checkConnectivity: false)
        #expect(created.name == "pg")
        #expect(created.dsType == .postgresql)
        #expect(created.port == 5432)
        #expect(created.params == ["sslmode": "disable"])
        #expect(created.accountId == "acct-1")
        #expect(created.canConnect == nil)
    }

    @Test func duplicateNamesAreAConflictNamingTheField() async throws {
        let store = try TestStore()
        _ = try await store.sqlpipe.connections.create(Self.validServer, checkConnectivity: false)
        let error = await #expect(throws: SQLPipeError.self) {
            try await store.sqlpipe.connections.create(Self.validServer, checkConnectivity: false)
        }
        #expect(error == .conflict("name: a connection named 'pg' already exists"))

        let other = try await store.sqlpipe.connections.create(
            Self.with { $0.name = "other" }, checkConnectivity: false)
        await #expect(throws: SQLPipeError.conflict("name: a connection named 'pg' already exists")) {
            try await store.sqlpipe.connections.update(
                String(other.id), ConnectionInput(name: "pg"), checkConnectivity: false)
        }
    }

    @Test func unknownIdsAndNamesAreNotFound() async throws {
        let store = try TestStore()
        for reference in ["999", "nobody"] {
            await #expect(throws: SQLPipeError.notFound("no connection with id or name '\(reference)'")) {
                try await store.sqlpipe.connections.get(reference)
            }
            await #expect(throws: SQLPipeError.self) { try await store.sqlpipe.connections.delete(reference) }
            await #expect(throws: SQLPipeError.self) { try await store.sqlpipe.connections.test(reference) }
            await #expect(throws: SQLPipeError.self) {
                try await store.sqlpipe.connections.update(
                    reference, ConnectionInput(name: "x"), checkConnectivity: false)
            }
        }
    }

    @Test func updateChangesOnlyTheGivenFieldsAndKeepsThePassword() async throws {
        let store = try TestStore()
        _ = try await store.sqlpipe.connections.create(
            Self.with { $0.password = "kept secret" }, checkConnectivity: false)
        let updated = try await store.sqlpipe.connections.update(
            "pg", ConnectionInput(name: "renamed", port: 6543), checkConnectivity: false)
        #expect(updated.name == "renamed")
        #expect(updated.port == 6543)
        #expect(updated.hostname == "127.0.0.1")
        #expect(updated.updatedAt >= updated.createdAt)
        #expect(try await store.sqlpipe.connections.config(for: "renamed").password == "kept secret")
        await #expect(throws: SQLPipeError.self) {
            try await store.sqlpipe.connections.update("renamed", ConnectionInput(port: -1), checkConnectivity: false)
        }
    }

    @Test func aConnectionUsedByQueuedWorkCannotBeDeleted() async throws {
        let store = try TestStore()
        let connection = try await store.sqlpipe.connections.create(Self.validServer, checkConnectivity: false)
        try await store.sqlpipe.store.write { tx in
            try tx.execute(
                """
                INSERT INTO transfers (created_at, created_by, source_id, target_id, query, target_table, status)
                VALUES (CURRENT_TIMESTAMP, 'test', ?, ?, 'select 1', 't', 'queued')
                """, connection.id, connection.id)
        }
        let error = await #expect(throws: SQLPipeError.self) { try await store.sqlpipe.connections.delete("pg") }
        guard case .conflict(let message) = error else {
            Issue.record("expected a conflict, got \(String(describing: error))")
            return
        }
        #expect(message.contains("used by 1 queued or running transfer"))

        try await store.sqlpipe.store.write { tx in try tx.execute("UPDATE transfers SET status = 'complete'") }
        try await store.sqlpipe.connections.delete("pg")
        await #expect(throws: SQLPipeError.self) { try await store.sqlpipe.connections.get("pg") }
    }

    @Test func aServerConnectionCanBecomeAFile() async throws {
        let store = try TestStore()
        _ = try await store.sqlpipe.connections.create(Self.with { $0.password = "secret" }, checkConnectivity: false)
        let file = try await store.sqlpipe.connections.update(
            "pg", ConnectionInput(dsType: "sqlite", dbName: "/tmp/converted.db"), checkConnectivity: false)
        #expect(file.dsType == .sqlite)
        #expect(file.hostname.isEmpty)
        #expect(file.port == nil)
        #expect(try await store.sqlpipe.connections.config(for: "pg").password.isEmpty)
        let json = String(decoding: try JSONCoding.encoder().encode(file), as: UTF8.self)
        #expect(json.contains(#""port":null"#))
        #expect(!json.contains("canConnect"))
    }

    /// The key file of a SQLite store (a PostgreSQL store's key is only ever in the environment).
    @Test(.enabled(if: TestStore.onSQLite)) func aNewPasswordRepairsAConnectionWhoseKeyWasLost() async throws {
        let store = try TestStore()
        _ = try await store.sqlpipe.connections.create(
            Self.with { $0.password = "old secret" }, checkConnectivity: false)
        try FileManager.default.removeItem(atPath: store.path + ".key")
        let reopened = try store.reopen()
        await #expect(throws: SQLPipeError.self) { try await reopened.connections.config(for: "pg") }
        _ = try await reopened.connections.update(
            "pg", ConnectionInput(password: "new secret"), checkConnectivity: false)
        #expect(try await reopened.connections.config(for: "pg").password == "new secret")
    }
}
