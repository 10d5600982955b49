import Foundation
import SQLPipeEngine
import SQLPipeTestSupport
import Testing

@testable import SQLPipeCore

/// What only a PostgreSQL store has: its URL, its key check, and `store copy` from a SQLite one. The stores
/// are PostgreSQL whatever `SQLPIPE_TEST_STORE` says, so the suite runs in the first pass only.
@Suite(.enabled(if: TestStore.onSQLite)) struct PostgresStoreTests {
    /// A new schema's URL (without password) and the environment that opens it.
    static func freshStore() throws -> (url: String, environment: [String: String]) {
        let (path, environment) = try TestStore.fresh(in: try TemporaryDirectory.make(), kind: .postgresql)
        return (path, environment)
    }

    static func open(_ url: String, _ environment: [String: String]) throws -> SQLPipe {
        try SQLPipe(
            storePath: url, environment: environment, hasher: PasswordHasher(cost: 4),
            passwordVariable: TestStore.passwordVariable)
    }

    /// Both stores' migrations end at the same columns: a record reads and writes the same on either.
    @Test func thePostgreSQLSchemaHasTheColumnsOfTheSQLiteOne() async throws {
        let sqlite = try TestStore(kind: .sqlite)
        let postgres = try TestStore(kind: .postgresql)
        for table in ["users", "connections", "transfers", "queries", "replications", "replication_runs"] {
            let fileColumns = try await sqlite.sqlpipe.store.read { tx in
                try tx.rows("SELECT name FROM pragma_table_info('\(table)')", []).map { row -> String in row["name"] }
            }
            let schema = try #require(postgres.path.split(separator: "=").last.map(String.init))
            let serverColumns = try await postgres.sqlpipe.store.read { tx in
                try tx.rows(
                    "SELECT column_name AS name FROM information_schema.columns WHERE table_schema = ? AND table_name = ?",
                    storeArguments(schema, table)
                ).map { row -> String in row["name"] }
            }
            #expect(Set(fileColumns) == Set(serverColumns), "\(table)")
        }
    }

    @Test func aURLWithAPasswordIsRefusedBeforeAnyConnection() throws {
        let (url, environment) = try Self.freshStore()
        let withPassword = url.replacingOccurrences(of: "postgresql://sqlpipe@", with: "postgresql://sqlpipe:hunter2@")
        #expect(withPassword != url)
        let error = #expect(throws: SQLPipeError.self) { try Self.open(withPassword, environment) }
        #expect(error?.description.contains("holds a password") == true)
        #expect(error?.description.contains("hunter2") == false)
    }

    @Test func theKeyIsRequiredAndMustBeTheStoresOwn() throws {
        let (url, environment) = try Self.freshStore()
        _ = try Self.open(url, environment)
        var missing = environment
        missing[SecretBox.environmentVariable] = nil
        let noKey = #expect(throws: SQLPipeError.self) { try Self.open(url, missing) }
        #expect(noKey?.description.contains("set SQLPIPE_SECRET_KEY") == true)
        var other = environment
        other[SecretBox.environmentVariable] = Data(repeating: 7, count: 32).base64EncodedString()
        let wrongKey = #expect(throws: SQLPipeError.self) { try Self.open(url, other) }
        #expect(wrongKey?.description.contains("is not the key the store") == true)
        _ = try Self.open(url, environment)
    }

    @Test func aStoreTheServerCannotReachIsAClearErrorNamingItWithoutThePassword() throws {
        let port = TestDatabases.closedPort()
        let url = "postgresql://sqlpipe@127.0.0.1:\(port)/none"
        let error = #expect(throws: SQLPipeError.self) {
            try Self.open(
                url, [SecretBox.environmentVariable: TestStore.postgresKey, TestStore.passwordVariable: "pw"])
        }
        #expect(error?.description.contains("cannot connect to the store postgresql://sqlpipe@127.0.0.1") == true)
        #expect(error?.description.contains("pw") == false)
    }

    @Test func storeCopyMovesEveryRecordWithItsIdAndSealsPasswordsAgain() async throws {
        let source = try TestStore(kind: .sqlite)
        let world = try TestWorld()
        _ = try await source.sqlpipe.users.create(UserInput(username: "admin_1", password: "long enough", admin: true))
        _ = try await source.sqlpipe.users.create(UserInput(username: "user_2", password: "long enough", admin: false))
        let pg = try await source.sqlpipe.connections.create(try world.input(.postgresql, name: "pg"))
        _ = try await source.sqlpipe.connections.create(
            ConnectionInput(
                name: "lite", dsType: "sqlite", dbName: world.directory.appendingPathComponent("l.db").path),
            checkConnectivity: false)
        try await source.sqlpipe.users.delete("user_2")
        let transfer = try await source.sqlpipe.transfers.create(
            TransferInput(sourceID: pg.id, targetID: pg.id, query: "SELECT 1 AS a", targetTable: "copied"),
            by: .adminNamed("admin_1"))

        let (url, environment) = try Self.freshStore()
        let report = try await StoreCopy.copy(
            from: source.path, to: url, environment: environment, passwordVariable: TestStore.passwordVariable)
        #expect(report.resealed, "the source's key file is not the target's key")
        #expect(report.counts.map(\.records) == [1, 2, 0, 0, 1, 0])

        let copied = try Self.open(url, environment)
        #expect(try await copied.users.get("admin_1").id == 1)
        #expect((try? await copied.users.get("user_2")) == nil)
        let connection = try await copied.connections.get("pg", checkConnectivity: true)
        #expect(connection.id == pg.id)
        #expect(connection.canConnect == true, "the password opens with the target's key")
        #expect(try await copied.transfers.get(transfer.id).query == "SELECT 1 AS a")
        // New records follow the copied ids.
        let next = try await copied.users.create(UserInput(username: "user_3", password: "long enough", admin: false))
        #expect(next.id == 3)

        let again = await #expect(throws: SQLPipeError.self) {
            try await StoreCopy.copy(
                from: source.path, to: url, environment: environment, passwordVariable: TestStore.passwordVariable)
        }
        #expect(again?.description.contains("is not empty") == true)
    }
}
