import Foundation
import HTTPTypes
import SQLPipeCore
import SQLPipeEngine
import SQLPipeTestSupport
import Testing

@testable import SQLPipeServer

/// A database that accepts connections and then never answers holds nothing of the server's: every
/// request that touches it returns within its bound, and the API keeps answering meanwhile. The bounds
/// leave room for a machine busy with the rest of the suite: what they tell apart is an answer from none.
@Suite struct UnresponsiveDatabaseTests {
    static func blackHole() throws -> LoopbackServer {
        try LoopbackServer { connection in connection.hold() }
    }

    static func elapsed(_ start: ContinuousClock.Instant) -> Double {
        let duration = ContinuousClock.now - start
        return Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// Silent from the start, or (MariaDB) after its greeting, when only a read timeout would end the wait.
    enum Silence: String, CaseIterable, Sendable {
        case postgresql, mariadb, mariadbAfterGreeting

        var system: DataSystem { self == .postgresql ? .postgresql : .mariadb }

        func server() throws -> LoopbackServer {
            guard self == .mariadbAfterGreeting else { return try UnresponsiveDatabaseTests.blackHole() }
            return try LoopbackServer { connection in
                connection.write(FakeMySQLServer.packet(FakeMySQLServer.greeting, sequence: 0))
                connection.hold()
            }
        }
    }

    @Test(arguments: Silence.allCases)
    func aLiveCheckOfASilentServerEndsWithinItsBound(silence: Silence) async throws {
        let hole = try silence.server()
        defer { hole.stop() }
        let system = silence.system
        let harness = try await APIHarness()
        let connection = try await harness.sqlpipe.connections.create(
            ConnectionInput(
                name: "silent", dsType: system.rawValue, hostname: "127.0.0.1", port: hole.port, dbName: "db",
                username: "u", password: "p"),
            checkConnectivity: false)
        try await harness.test { api in
            let start = ContinuousClock.now
            let shown = Task {
                let response = try await api.request(.get, "/api/v1/connections/\(connection.id)")
                return (response, Self.elapsed(start))
            }
            // The API answers while the check waits.
            let health = try await api.request(.get, "/api/v1/healthcheck", as: nil)
            #expect(health.status == .ok)
            let healthAnswered = Self.elapsed(start)
            let (response, checkAnswered) = try await shown.value
            // Answered before the check gave up (its timeout is seconds): a check that held the server would
            // have kept the healthcheck waiting until after it. Ordered rather than timed, so that a loaded
            // machine running the whole suite cannot fail it.
            #expect(
                healthAnswered < checkAnswered, "healthcheck at \(healthAnswered) s, check at \(checkAnswered) s")
            // The check's own timeout, and room for a loaded machine running the whole suite.
            #expect(checkAnswered < Double(ConnectionService.checkTimeoutSeconds) + 20)
            #expect(response.object("connection")["canConnect"] as? Bool == false, "\(response.text)")
        }
    }

    @Test func aTransferFromAServerThatStallsIsCancelledWithinItsBound() async throws {
        // The server logs in and takes the connect-time command, then never answers again: the transfer's
        // query and the cancel's KILL QUERY both wait forever.
        let server = try FakeMySQLServer { _, index in index == 0 ? .ok : .silence }
        defer { server.stop() }
        let harness = try await APIHarness(runWorkers: true)
        let world = try TestWorld()
        let source = try await harness.sqlpipe.connections.create(
            ConnectionInput(
                name: "stalling", dsType: "mariadb", hostname: "127.0.0.1", port: server.port, dbName: "db",
                username: "u", password: "p"),
            checkConnectivity: false)
        let target = try await harness.sqlpipe.connections.create(try world.input(.sqlite, name: "target"))
        try await harness.test { api in
            let created = try await api.request(
                .post, "/api/v1/transfers", as: APIHarness.plain,
                json: [
                    "sourceID": source.id, "targetID": target.id, "query": "SELECT 1 AS stalled_marker",
                    "targetTable": "t",
                ])
            #expect(created.status == .accepted, "\(created.text)")
            let id = try #require(created.object("transfer")["id"] as? Int)
            try await eventually("the server to receive the transfer's query") {
                server.receivedQueries.contains { $0.contains("stalled_marker") }
            }

            let start = ContinuousClock.now
            let cancelled = try await api.request(.patch, "/api/v1/cancel-transfer/\(id)", as: APIHarness.plain)
            #expect(cancelled.status == .ok, "\(cancelled.text)")
            #expect(Self.elapsed(start) < 5, "the cancel request waited for the server")
            let health = try await api.request(.get, "/api/v1/healthcheck", as: nil)
            #expect(health.status == .ok)

            var last: [String: Any] = [:]
            try await eventually(timeout: .seconds(15), "the transfer to end") {
                last = try await api.request(.get, "/api/v1/transfers/\(id)").object("transfer")
                return last["status"] as? String != "running"
            }
            #expect(last["status"] as? String == "cancelled", "\(last)")
            #expect(Self.elapsed(start) < RunControl.defaultAbortGrace + 12)
        }
    }
}

/// What an API user tried to make itself admin: a SQLite connection's statements reach only its own file.
@Suite struct StoreEscalationRouteTests {
    @Test func attachingTheStoreThroughAQueryIsRefusedAndTheUserStaysPlain() async throws {
        let harness = try await APIHarness(runWorkers: true)
        let world = try TestWorld()
        let connection = try await harness.sqlpipe.connections.create(try world.input(.sqlite, name: "scratch"))
        let storePath = harness.store.path
        try await harness.test { api in
            let created = try await api.request(
                .post, "/api/v1/queries", as: APIHarness.plain,
                json: [
                    "connectionId": connection.id,
                    "query":
                        "ATTACH '\(storePath)' AS s; UPDATE s.users SET admin = 1 WHERE username = '\(APIHarness.plain.username)'",
                ])
            #expect(created.status == .accepted, "\(created.text)")
            let id = try #require(created.object("query")["id"] as? Int)
            var last: [String: Any] = [:]
            try await eventually("the query to end") {
                last = try await api.request(.get, "/api/v1/queries/\(id)", as: APIHarness.plain).object("query")
                return ["complete", "error", "cancelled"].contains(last["status"] as? String ?? "")
            }
            #expect(last["status"] as? String == "error")
            #expect((last["error"] as? String)?.contains("not authorized") == true, "\(last)")
            #expect(try await api.request(.get, "/api/v1/users", as: APIHarness.plain).status == .forbidden)
        }
        #expect(try await harness.sqlpipe.users.get(APIHarness.plain.username).admin == false)
    }
}
