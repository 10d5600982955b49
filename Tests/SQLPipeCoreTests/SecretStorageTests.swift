import Foundation
import SQLPipeEngine
import SQLPipeTestSupport
import Testing

@testable import SQLPipeCore

/// Secrets stay sealed: secret options like the password, and a key file nobody else may read or place.
/// About the SQLite store's file, its folder and its key file: a PostgreSQL store has none of them.
@Suite(.enabled(if: TestStore.onSQLite)) struct SecretStorageTests {
    static func storeWithSealedPassword() async throws -> TestStore {
        let store = try TestStore()
        _ = try await store.sqlpipe.connections.create(
            ConnectionInput(
                name: "sealed", dsType: "postgresql", hostname: "127.0.0.1", port: 5432, dbName: "db", username: "u",
                password: "sealed-password"),
            checkConnectivity: false)
        return store
    }

    @Test func aKeyFileOthersMayReadIsRefused() async throws {
        let store = try await Self.storeWithSealedPassword()
        chmod(store.path + ".key", 0o644)
        let error = await #expect(throws: SQLPipeError.self) {
            try await store.reopen().connections.config(for: "sealed")
        }
        #expect("\(error.map { "\($0)" } ?? "")".contains("chmod 600"))
        chmod(store.path + ".key", 0o600)
        #expect(try await store.reopen().connections.config(for: "sealed").password == "sealed-password")
    }

    @Test func aKeyFileThatIsALinkIsRefused() async throws {
        let store = try await Self.storeWithSealedPassword()
        let key = store.path + ".key"
        let moved = store.directory.appendingPathComponent("elsewhere.key").path
        try FileManager.default.moveItem(atPath: key, toPath: moved)
        try FileManager.default.createSymbolicLink(atPath: key, withDestinationPath: moved)
        let error = await #expect(throws: SQLPipeError.self) {
            try await store.reopen().connections.config(for: "sealed")
        }
        #expect("\(error.map { "\($0)" } ?? "")".contains("symbolic link"))
    }

    /// Giving a file to another user takes root, as the test script and CI run.
    @Test func aKeyFileOfAnotherUserIsRefused() async throws {
        let store = try await Self.storeWithSealedPassword()
        try #require(chown(store.path + ".key", 65534, 65534) == 0, "chown needs root")
        let error = await #expect(throws: SQLPipeError.self) {
            try await store.reopen().connections.config(for: "sealed")
        }
        #expect("\(error.map { "\($0)" } ?? "")".contains("belongs to user id 65534"))
    }

    @Test func sslpasswordIsSealedMaskedAndKeptAcrossUpdates() async throws {
        let store = try TestStore()
        let secret = "ssl-pass-\(UUID().uuidString)"
        let created = try await store.sqlpipe.connections.create(
            ConnectionInput(
                name: "tls", dsType: "postgresql", hostname: "127.0.0.1", port: 5432, dbName: "db", username: "u",
                params: ["sslpassword": secret, "application_name": "etl"]),
            checkConnectivity: false)
        #expect(created.params == ["sslpassword": ConnectionService.secretMask, "application_name": "etl"])
        #expect(!store.allBytes().contains(secret))
        let shown = try JSONCoding.encoder().encode(try await store.sqlpipe.connections.get("tls"))
        #expect(!shown.contains(secret))
        #expect(try await store.sqlpipe.connections.config(for: "tls").params["sslpassword"] == secret)

        // Sent back as shown, the mask keeps the stored value; other options change around it.
        let updated = try await store.sqlpipe.connections.update(
            "tls", ConnectionInput(params: ["sslpassword": ConnectionService.secretMask, "application_name": "etl2"]),
            checkConnectivity: false)
        #expect(updated.params["application_name"] == "etl2")
        #expect(try await store.sqlpipe.connections.config(for: "tls").params["sslpassword"] == secret)

        // An empty value removes it.
        _ = try await store.sqlpipe.connections.update(
            "tls", ConnectionInput(params: ["sslpassword": ""]), checkConnectivity: false)
        #expect(try await store.sqlpipe.connections.config(for: "tls").params["sslpassword"] == nil)
    }

    @Test func aConnectErrorHidesTheSecretOptions() throws {
        let secret = "hidden-\(UUID().uuidString)"
        let config = ConnectionConfig(
            system: .postgresql, hostname: "127.0.0.1", port: TestDatabases.closedPort(), database: "db", username: "u",
            password: "pw", params: ["sslpassword": secret, "application_name": secret])
        #expect(config.secrets.contains(secret))
        let error = #expect(throws: DriverError.self) { try Drivers.check(config, timeoutSeconds: 2) }
        #expect(error?.message.contains(secret) == false)
    }
}
