import Foundation
import SQLPipeEngine
import SQLPipeTestSupport
import Testing

@testable import SQLPipeCore

/// The store holds every user and every sealed password: no SQLite connection may reach it.
/// About the SQLite store's file, its folder and its key file: a PostgreSQL store has none of them.
@Suite(.enabled(if: TestStore.onSQLite)) struct StoreConfinementTests {
    static func storeFolder(_ store: TestStore) -> String {
        URL(fileURLWithPath: store.path).deletingLastPathComponent().path
    }

    @Test func aConnectionToTheStoreItsKeyOrItsFolderIsRefused() async throws {
        let store = try TestStore()
        let folder = Self.storeFolder(store)
        for path in [store.path, store.path + ".key", folder + "/beside.db", folder] {
            let error = await #expect(throws: SQLPipeError.self) {
                try await store.sqlpipe.connections.create(
                    ConnectionInput(name: "sneaky", dsType: "sqlite", dbName: path))
            }
            guard case .validation(let problems)? = error else {
                Issue.record("expected a validation error for \(path), got \(String(describing: error))")
                continue
            }
            #expect(problems["dbName"]?.contains("folder of sqlpipe's store") == true, "\(problems)")
        }
    }

    @Test func aLinkIntoTheStoreFolderIsRefusedWhenStoredAndWhenUsed() async throws {
        let store = try TestStore()
        let world = try TestWorld()
        let link = world.directory.appendingPathComponent("innocent.db").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: store.path)
        await #expect(throws: SQLPipeError.self) {
            try await store.sqlpipe.connections.create(ConnectionInput(name: "linked", dsType: "sqlite", dbName: link))
        }

        // Stored and queued while it pointed elsewhere, then pointed at the store: refused before it is opened.
        let later = world.directory.appendingPathComponent("later.db").path
        let connection = try await store.sqlpipe.connections.create(
            ConnectionInput(name: "later", dsType: "sqlite", dbName: later))
        let queued = try await store.sqlpipe.queries.create(
            QueryInput(connectionId: connection.id, query: "SELECT count(*) FROM users"), by: .adminNamed("tester"))
        try? FileManager.default.removeItem(atPath: later)
        try FileManager.default.createSymbolicLink(atPath: later, withDestinationPath: store.path)
        let query = try await store.sqlpipe.queries.run(queued.id)
        #expect(query.status == .error)
        #expect(query.error?.contains("folder of sqlpipe's store") == true, "\(query.error ?? "")")
        // A new run is refused before anything is stored.
        await #expect(throws: SQLPipeError.self) {
            try await store.sqlpipe.queries.runNow(
                QueryInput(connectionId: connection.id, query: "SELECT 1"), by: .adminNamed("tester"))
        }
    }

    @Test func attachingTheStoreFromAQueryIsRefused() async throws {
        let store = try TestStore()
        let world = try TestWorld()
        _ = try await store.sqlpipe.users.create(
            UserInput(username: "plain_me", password: "password-of-me", admin: false))
        let connection = try await store.sqlpipe.connections.create(try world.input(.sqlite, name: "mine"))
        let query = try await store.sqlpipe.queries.runNow(
            QueryInput(
                connectionId: connection.id,
                query: "ATTACH '\(store.path)' AS s; UPDATE s.users SET admin = 1 WHERE username = 'plain_me'"),
            by: Caller(username: "plain_me", admin: false))
        #expect(query.status == .error)
        #expect(query.error?.contains("not authorized") == true, "\(query.error ?? "")")
        #expect(try await store.sqlpipe.users.get("plain_me").admin == false)
    }
}
