import Foundation
import SQLPipeEngine
import SQLPipeTestSupport
import Testing

@testable import SQLPipeCore

/// Connections checked against the real PostgreSQL and MariaDB that scripts/test.sh starts.
@Suite struct ConnectivityTests {
    static let servers: [DataSystem] = [.postgresql, .mariadb]

    @Test(arguments: [DataSystem.postgresql, .mariadb, .mysql, .sqlite])
    func createTestAndShowConnectToARealDatabase(system: DataSystem) async throws {
        let store = try TestStore()
        var input = try TestDatabases.input(
            for: system, sqlitePath: store.directory.appendingPathComponent("data.db").path)
        input.name = "live-\(system.rawValue)"
        input.dsType = system.rawValue
        let created = try await store.sqlpipe.connections.create(input)
        #expect(created.dsType == system)

        let (tested, version) = try await store.sqlpipe.connections.test(created.name)
        #expect(tested.canConnect == true)
        #expect(!version.isEmpty)

        let shown = try await store.sqlpipe.connections.get(String(created.id), checkConnectivity: true)
        #expect(shown.canConnect == true)
        #expect(shown.connectError == nil)
    }

    @Test(arguments: servers)
    func aWrongPasswordFailsWithTheServersMessageAndNoPassword(system: DataSystem) async throws {
        let store = try TestStore()
        var input = try TestDatabases.input(for: system, sqlitePath: "")
        input.name = "wrong-password"
        let wrongPassword = "Wrong-\(UUID().uuidString)"
        input.password = wrongPassword
        let error = await #expect(throws: SQLPipeError.self) { try await store.sqlpipe.connections.create(input) }
        guard case .connectionFailed(let message) = error else {
            Issue.record("expected a connection failure, got \(String(describing: error))")
            return
        }
        let serverWords = system == .postgresql ? "password authentication failed" : "Access denied"
        #expect(message.contains(serverWords), "\(message)")
        #expect(!message.contains(wrongPassword))
        #expect(try await store.sqlpipe.connections.list(PageRequest()).items.isEmpty)

        // Stored without the check, the live details say why it cannot connect, still without the password.
        _ = try await store.sqlpipe.connections.create(input, checkConnectivity: false)
        let shown = try await store.sqlpipe.connections.get("wrong-password", checkConnectivity: true)
        #expect(shown.canConnect == false)
        #expect(shown.connectError?.contains(serverWords) == true)
        #expect(shown.connectError?.contains(wrongPassword) == false)
        await #expect(throws: SQLPipeError.self) { try await store.sqlpipe.connections.test("wrong-password") }
    }

    @Test(arguments: servers)
    func aClosedPortFailsQuickly(system: DataSystem) async throws {
        let store = try TestStore()
        var input = try TestDatabases.input(for: system, sqlitePath: "")
        input.name = "closed"
        input.port = TestDatabases.closedPort()
        let started = ContinuousClock.now
        let error = await #expect(throws: SQLPipeError.self) { try await store.sqlpipe.connections.create(input) }
        // A refused connection fails at once; the bound leaves room for a loaded two-core machine running the
        // whole suite, and is still far below TCP's own connect timeout (minutes).
        #expect(ContinuousClock.now - started < .seconds(20))
        guard case .connectionFailed(let message) = error else {
            Issue.record("expected a connection failure, got \(String(describing: error))")
            return
        }
        let refusal = system == .postgresql ? "Connection refused" : "Can't connect"
        #expect(message.contains(refusal), "\(message)")
    }

    @Test func aFileThatIsNotADatabaseFailsForSQLite() async throws {
        let store = try TestStore()
        let path = store.directory.appendingPathComponent("not-a-db.txt").path
        try Data(String(repeating: "this is not sqlite\n", count: 100).utf8).write(to: URL(fileURLWithPath: path))
        let error = await #expect(throws: SQLPipeError.self) {
            try await store.sqlpipe.connections.create(ConnectionInput(name: "text", dsType: "sqlite", dbName: path))
        }
        #expect(error?.description.contains("file is not a database") == true, "\(String(describing: error))")
    }

    @Test func updatingWhereItConnectsChecksAgain() async throws {
        let store = try TestStore()
        var input = try TestDatabases.postgres()
        input.name = "moving"
        _ = try await store.sqlpipe.connections.create(input)
        await #expect(throws: SQLPipeError.self) {
            try await store.sqlpipe.connections.update("moving", ConnectionInput(port: TestDatabases.closedPort()))
        }
        #expect(try await store.sqlpipe.connections.get("moving").port == input.port)
        let renamed = try await store.sqlpipe.connections.update("moving", ConnectionInput(name: "moved"))
        #expect(renamed.name == "moved")
    }
}
