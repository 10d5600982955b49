import Foundation
import HTTPTypes
import SQLPipeCore
import SQLPipeEngine
import SQLPipeTestSupport
import Testing

/// The real binary over a real port, with a real HTTP client, against the real PostgreSQL and MariaDB.
@Suite(.serialized) struct EndToEndTests {
    /// A source query slow enough to be cancelled midway: half a millisecond per row, 2,000,000 rows.
    static let slowQuery =
        "SELECT i::bigint AS i, length(pg_sleep(0.0005)::text)::bigint AS v FROM generate_series(1, 2000000) AS i"

    struct Setup {
        let store: TestStore
        let world: TestWorld
        let admin: LiveClient
        let server: ServerProcess

        init(serverArguments: [String] = []) async throws {
            store = try TestStore()
            world = try TestWorld()
            _ = try await store.sqlpipe.users.create(
                UserInput(username: APIHarness.admin.username, password: APIHarness.admin.password, admin: true))
            server = try ServerProcess(storePath: store.path, arguments: serverArguments)
            admin = LiveClient(base: server.url, user: APIHarness.admin)
        }

        /// Creates a connection through the API and returns its id.
        func connection(_ system: DataSystem, name: String) async throws -> Int {
            let response = try await admin.request(
                "POST", "/api/v1/connections", json: try world.input(system, name: name).jsonObject)
            #expect(response.status == .created, "\(response.text)")
            return try #require(response.object("connection")["id"] as? Int)
        }

        func session(_ system: DataSystem) throws -> any DatabaseSession { try Drivers.open(try world.config(system)) }

        /// A table `(i bigint, v bigint)` holding (1, 10), (2, 20), (3, 30).
        func seed(_ system: DataSystem, _ table: String) throws {
            let session = try session(system)
            defer { session.close() }
            let q = session.dialect.quote
            try session.execute("CREATE TABLE \(q(table)) (\(q("i")) bigint, \(q("v")) bigint)")
            try session.execute("INSERT INTO \(q(table)) VALUES (1, 10), (2, 20), (3, 30)")
        }

        func rows(_ system: DataSystem, _ table: String) throws -> [[String?]] {
            let session = try session(system)
            defer { session.close() }
            let q = session.dialect.quote
            return try session.query("SELECT \(q("i")), \(q("v")) FROM \(q(table)) ORDER BY 1", [])
        }

        func drop(_ system: DataSystem, _ table: String) {
            guard let session = try? session(system) else { return }
            defer { session.close() }
            try? session.execute("DROP TABLE IF EXISTS \(session.dialect.quote(table))")
        }
    }

    @Test func aTransferFromPostgreSQLToMariaDBCompletesThroughTheAPI() async throws {
        let setup = try await Setup()
        defer { setup.server.stop() }
        let source = setup.world.uniqueName("e2e_src")
        let target = setup.world.uniqueName("e2e_dst")
        defer {
            setup.drop(.postgresql, source)
            setup.drop(.mariadb, target)
        }
        try setup.seed(.postgresql, source)
        let pg = try await setup.connection(.postgresql, name: "pg")
        let maria = try await setup.connection(.mariadb, name: "maria")

        let created = try await setup.admin.request(
            "POST", "/api/v1/transfers",
            json: [
                "sourceID": pg, "targetID": maria, "query": "SELECT i, v * 2 AS v FROM \(source)",
                "targetTable": target, "overwrite": true,
            ])
        #expect(created.status == .accepted, "\(created.text)")
        let id = try #require(created.object("transfer")["id"] as? Int)
        let finished = try await setup.admin.waitFor(
            "/api/v1/transfers/\(id)", key: "transfer", statuses: ["complete", "error", "cancelled"])
        #expect(finished["status"] as? String == "complete", "\(finished)")
        #expect(finished["rowsTransferred"] as? Int == 3)
        #expect(finished["createdBy"] as? String == "admin_1")
        #expect(try setup.rows(.mariadb, target) == [["1", "20"], ["2", "40"], ["3", "60"]])

        let listed = try await setup.admin.request("GET", "/api/v1/transfers?page_size=1")
        #expect(listed.metadata["total_records"] == 1)
    }

    @Test func cancellingALongTransferThroughTheAPILeavesTheTargetAsItWas() async throws {
        let setup = try await Setup()
        defer { setup.server.stop() }
        let target = setup.world.uniqueName("e2e_cancel")
        defer { setup.drop(.mariadb, target) }
        try setup.seed(.mariadb, target)
        let pg = try await setup.connection(.postgresql, name: "pg")
        let maria = try await setup.connection(.mariadb, name: "maria")

        let created = try await setup.admin.request(
            "POST", "/api/v1/transfers",
            json: [
                "sourceID": pg, "targetID": maria, "query": Self.slowQuery, "targetTable": target, "overwrite": false,
            ])
        let id = try #require(created.object("transfer")["id"] as? Int)
        // The MariaDB writer counts rows as each LOAD DATA chunk lands: give it time to be well under way.
        _ = try await setup.admin.waitFor("/api/v1/transfers/\(id)", key: "transfer", statuses: ["running"])
        try await Task.sleep(for: .seconds(2))
        let cancel = try await setup.admin.request("PATCH", "/api/v1/cancel-transfer/\(id)")
        #expect(cancel.status == .ok)
        let finished = try await setup.admin.waitFor(
            "/api/v1/transfers/\(id)", key: "transfer", statuses: ["complete", "error", "cancelled"],
            timeout: .seconds(20))
        #expect(finished["status"] as? String == "cancelled", "\(finished)")
        #expect(try setup.rows(.mariadb, target) == [["1", "10"], ["2", "20"], ["3", "30"]])
        #expect(try await setup.admin.request("PATCH", "/api/v1/cancel-transfer/\(id)").status == .conflict)
    }

    @Test func sigtermDuringATransferCancelsItLeavesTheTargetAndExits0() async throws {
        let setup = try await Setup(serverArguments: ["--shutdown-grace", "1"])
        defer { setup.server.stop() }
        let target = setup.world.uniqueName("e2e_term")
        defer { setup.drop(.postgresql, target) }
        try setup.seed(.postgresql, target)
        let pg = try await setup.connection(.postgresql, name: "pg")

        let created = try await setup.admin.request(
            "POST", "/api/v1/transfers",
            json: ["sourceID": pg, "targetID": pg, "query": Self.slowQuery, "targetTable": target, "overwrite": true])
        let id = try #require(created.object("transfer")["id"] as? Int)
        try await eventually("transfer \(id) to move rows") {
            let transfer = try await setup.admin.request("GET", "/api/v1/transfers/\(id)").object("transfer")
            return transfer["status"] as? String == "running" && (transfer["rowsTransferred"] as? Int ?? 0) > 0
        }
        setup.server.signal(SIGTERM)
        let status = setup.server.waitForExit(timeout: 30)
        #expect(status == 0, "\(setup.server.log.all.joined(separator: "\n"))")

        let transfer = try await setup.store.reopen().transfers.get(Int64(id))
        #expect(transfer.status == .cancelled)
        #expect(try setup.rows(.postgresql, target) == [["1", "10"], ["2", "20"], ["3", "30"]])
        let log = setup.server.log.all.joined(separator: "\n")
        #expect(log.contains("grace period over"))
    }

    @Test func workThatFinishesWithinTheGracePeriodCompletesOnSigterm() async throws {
        let setup = try await Setup(serverArguments: ["--shutdown-grace", "30"])
        defer { setup.server.stop() }
        let target = setup.world.uniqueName("e2e_grace")
        defer { setup.drop(.postgresql, target) }
        let pg = try await setup.connection(.postgresql, name: "pg")
        let created = try await setup.admin.request(
            "POST", "/api/v1/transfers",
            json: [
                "sourceID": pg, "targetID": pg,
                "query": "SELECT i, pg_sleep(0.5)::text AS pause FROM generate_series(1, 4) AS i",
                "targetTable": target,
            ])
        let id = try #require(created.object("transfer")["id"] as? Int)
        _ = try await setup.admin.waitFor("/api/v1/transfers/\(id)", key: "transfer", statuses: ["running"])
        setup.server.signal(SIGTERM)
        #expect(setup.server.waitForExit(timeout: 30) == 0)
        let transfer = try await setup.store.reopen().transfers.get(Int64(id))
        #expect(transfer.status == .complete, "\(transfer)")
        #expect(transfer.rowsTransferred == 4)
    }

    @Test func aTransferQueuedByTheCLIWithDetachIsRunByTheServer() async throws {
        let setup = try await Setup()
        defer { setup.server.stop() }
        let source = setup.world.uniqueName("e2e_det_src")
        let target = setup.world.uniqueName("e2e_det_dst")
        defer {
            setup.drop(.postgresql, source)
            setup.drop(.mariadb, target)
        }
        try setup.seed(.postgresql, source)
        _ = try await setup.connection(.postgresql, name: "pg")
        _ = try await setup.connection(.mariadb, name: "maria")

        let cli = CommandRunner(storePath: setup.store.path)
        let result = try cli.run([
            "transfer", "create", "--source", "pg", "--target", "maria", "--query", "SELECT i, v FROM \(source)",
            "--target-table", target, "--detach", "--json",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        let id = try #require((json?["transfer"] as? [String: Any])?["id"] as? Int)
        let finished = try await setup.admin.waitFor(
            "/api/v1/transfers/\(id)", key: "transfer", statuses: ["complete", "error", "cancelled"])
        #expect(finished["status"] as? String == "complete", "\(finished)")
        #expect(try setup.rows(.mariadb, target) == [["1", "10"], ["2", "20"], ["3", "30"]])

        // A foreground CLI transfer on the same store is run by the CLI, not taken by the server.
        let foreground = try cli.run([
            "transfer", "create", "--source", "pg", "--target", "maria", "--query", "SELECT i, v FROM \(source)",
            "--target-table", target, "--json",
        ])
        #expect(foreground.status == 0, "\(foreground.stderr)")
    }

    @Test func queriesRunThroughTheAPIOnTheRealServers() async throws {
        let setup = try await Setup()
        defer { setup.server.stop() }
        let pg = try await setup.connection(.postgresql, name: "pg")
        let created = try await setup.admin.request(
            "POST", "/api/v1/queries", json: ["connectionId": pg, "query": "SELECT 40 + 2 AS answer"])
        #expect(created.status == .accepted)
        let id = try #require(created.object("query")["id"] as? Int)
        let finished = try await setup.admin.waitFor(
            "/api/v1/queries/\(id)", key: "query", statuses: ["complete", "error", "cancelled"])
        #expect(finished["status"] as? String == "complete", "\(finished)")
        let result = finished["result"] as? [String: Any]
        #expect((result?["rows"] as? [[Any]])?.first?.first as? Int == 42)

        let slow = try await setup.admin.request(
            "POST", "/api/v1/queries", json: ["connectionId": pg, "query": "SELECT pg_sleep(60)"])
        let slowID = try #require(slow.object("query")["id"] as? Int)
        _ = try await setup.admin.waitFor("/api/v1/queries/\(slowID)", key: "query", statuses: ["running"])
        #expect(try await setup.admin.request("PATCH", "/api/v1/cancel-query/\(slowID)").status == .ok)
        let cancelled = try await setup.admin.waitFor(
            "/api/v1/queries/\(slowID)", key: "query", statuses: ["complete", "error", "cancelled"],
            timeout: .seconds(20))
        #expect(cancelled["status"] as? String == "cancelled")
    }

    @Test func aKilledServersRunningWorkIsMarkedInterruptedOnTheNextStart() async throws {
        let setup = try await Setup()
        let target = setup.world.uniqueName("e2e_kill")
        defer { setup.drop(.postgresql, target) }
        let pg = try await setup.connection(.postgresql, name: "pg")
        let created = try await setup.admin.request(
            "POST", "/api/v1/transfers",
            json: ["sourceID": pg, "targetID": pg, "query": Self.slowQuery, "targetTable": target])
        let id = try #require(created.object("transfer")["id"] as? Int)
        _ = try await setup.admin.waitFor("/api/v1/transfers/\(id)", key: "transfer", statuses: ["running"])
        setup.server.signal(SIGKILL)
        _ = setup.server.waitForExit(timeout: 10)

        let restarted = try ServerProcess(storePath: setup.store.path)
        defer { restarted.stop() }
        let transfer = try await LiveClient(base: restarted.url, user: APIHarness.admin).request(
            "GET", "/api/v1/transfers/\(id)"
        ).object("transfer")
        #expect(transfer["status"] as? String == "error")
        #expect((transfer["error"] as? String)?.hasPrefix("interrupted") == true, "\(transfer)")
    }

    @Test func serveRefusesAStoreWithoutUsersAndSaysHowToCreateTheFirstAdmin() throws {
        let directory = try TemporaryDirectory.make()
        let result = try CommandRunner(storePath: directory.appendingPathComponent("store.db").path).run([
            "serve", "--port", "0",
        ])
        #expect(result.status == 1)
        #expect(result.stderr.contains("has no users"))
        #expect(result.stderr.contains("sqlpipe user create --username NAME --admin"))
    }

    @Test func theJSONLogHasOneObjectPerRequest() async throws {
        let setup = try await Setup(serverArguments: ["--log-format", "json"])
        defer { setup.server.stop() }
        #expect(try await setup.admin.request("GET", "/api/v1/transfers").status == .ok)
        setup.server.stop()
        let objects = setup.server.log.all.compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: String]
        }
        #expect(objects.count == setup.server.log.all.count, "every line is a JSON object")
        let request = try #require(objects.first { $0["message"] == "request" && $0["path"] == "/api/v1/transfers" })
        #expect(request["method"] == "GET")
        #expect(request["status"] == "200")
        #expect(request["user"] == "admin_1")
        #expect(request["duration_ms"] != nil)
    }

    @Test func tlsServesHTTPSWithTheGivenCertificate() async throws {
        let directory = try TemporaryDirectory.make()
        let certificate = directory.appendingPathComponent("cert.pem").path
        let key = directory.appendingPathComponent("key.pem").path
        let openssl = try run(
            "/usr/bin/openssl",
            [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", certificate, "-days", "1",
                "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
            ])
        #expect(openssl == 0)
        let setup = try await Setup(serverArguments: ["--tls-cert", certificate, "--tls-key", key])
        defer { setup.server.stop() }
        #expect(setup.server.url.hasPrefix("https://"))
        let output = directory.appendingPathComponent("out.json").path
        let curl = try run(
            "/usr/bin/curl", ["-sS", "--cacert", certificate, "-o", output, setup.server.url + "/api/v1/healthcheck"])
        #expect(curl == 0)
        #expect(
            String(decoding: FileManager.default.contents(atPath: output) ?? Data(), as: UTF8.self).contains(
                #""status":"available""#))

        let broken = try CommandRunner(storePath: setup.store.path).run([
            "serve", "--port", "0", "--tls-cert", certificate,
        ])
        #expect(broken.status == 64)
        #expect(broken.stderr.contains("--tls-cert and --tls-key go together"))
    }

    private func run(_ executable: String, _ arguments: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }
}
