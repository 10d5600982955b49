import Foundation
import HTTPTypes
import SQLPipeCore
import SQLPipeEngine
import SQLPipeTestSupport
import Testing

@testable import SQLPipeServer

/// Each run of the workers leaves one `started` and one `finished` line in serve's log, as `key=value` text or
/// as one JSON object, with its id, connections, mode, rows, seconds, status and error, and never a secret.
@Suite struct TransferLogTests {
    /// A server with workers, a SQLite connection and one on the PostgreSQL server with its password.
    struct Setup {
        let harness: APIHarness
        let world: TestWorld
        let local: Connection
        let postgres: Connection
        let postgresPassword: String

        init() async throws {
            harness = try await APIHarness(runWorkers: true)
            world = try TestWorld()
            local = try await harness.sqlpipe.connections.create(try world.input(.sqlite, name: "local"))
            let input = try world.input(.postgresql, name: "warehouse")
            postgresPassword = try #require(input.password, "the PostgreSQL test server has a password")
            #expect(postgresPassword.count >= 8, "a password long enough not to appear by chance")
            postgres = try await harness.sqlpipe.connections.create(input)
        }

        /// Runs a transfer through the API to its end, with the server's log in `format`.
        func run(_ format: LogFormat, _ bodies: [[String: any Sendable]]) async throws -> [Int] {
            try await harness.application(logFormat: format).test(.router) { client in
                let api = APIClient(client: client)
                var ids: [Int] = []
                for body in bodies {
                    let created = try await api.request(.post, "/api/v1/transfers", json: body)
                    let id = try #require(created.object("transfer")["id"] as? Int, "\(created.text)")
                    ids.append(id)
                    try await eventually("transfer \(id)'s finished line") {
                        lines(containing: "transfer finished").contains {
                            $0.contains(#"id=\#(id) "#) || $0.contains(#""id":"\#(id)""#)
                        }
                    }
                }
                return ids
            }
        }

        func lines(containing message: String) -> [String] {
            harness.log.all.filter { $0.contains(message) }
        }

        var transfers: [[String: any Sendable]] {
            [
                [
                    "sourceID": postgres.id, "targetID": local.id, "targetTable": "series", "mode": "overwrite",
                    "query": "SELECT i FROM generate_series(1, 300) AS i",
                ],
                [
                    "sourceID": postgres.id, "targetID": local.id, "targetTable": "never",
                    "query": "SELECT * FROM no_such_table_for_the_log",
                ],
            ]
        }

        /// No line of the whole log holds the password or a connection URL.
        func expectNoSecret() {
            for line in harness.log.all {
                #expect(!line.contains(postgresPassword), "a password in the log: \(line)")
                #expect(!line.contains("postgres://") && !line.contains("postgresql://"), "a URL in the log: \(line)")
            }
        }
    }

    @Test func textLinesNameTheTransferItsConnectionsAndHowItEnded() async throws {
        let setup = try await Setup()
        let ids = try await setup.run(.text, setup.transfers)
        let started = setup.lines(containing: "transfer started")
        let finished = setup.lines(containing: "transfer finished")
        #expect(started.count == 2)
        #expect(finished.count == 2)

        let good = try #require(finished.first { $0.contains("id=\(ids[0]) ") })
        for field in ["source=warehouse", "target=local", "mode=overwrite", "rows=300", "status=complete", "seconds="] {
            #expect(good.contains(field), "\(field) in \(good)")
        }
        #expect(!good.contains("error="))
        #expect(good.contains(" info "))
        let start = try #require(started.first { $0.contains("id=\(ids[0]) ") })
        for field in ["source=warehouse", "target=local", "mode=overwrite"] {
            #expect(start.contains(field), "\(field) in \(start)")
        }

        let bad = try #require(finished.first { $0.contains("id=\(ids[1]) ") })
        for field in ["mode=append", "rows=0", "status=error", "no_such_table_for_the_log"] {
            #expect(bad.contains(field), "\(field) in \(bad)")
        }
        #expect(bad.contains(#"error=""#), "the error is one quoted value: \(bad)")
        #expect(bad.contains(" error "), "a failed run is logged at level error: \(bad)")
        #expect((started + finished).allSatisfy { $0.hasSuffix("\n") && !$0.dropLast().contains("\n") })
        setup.expectNoSecret()
    }

    @Test func jsonLinesAreOneObjectEachWithEveryField() async throws {
        let setup = try await Setup()
        let ids = try await setup.run(.json, setup.transfers)
        func objects(_ message: String) throws -> [String: [String: String]] {
            var byID: [String: [String: String]] = [:]
            for line in setup.lines(containing: message) {
                let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])
                byID[object["id"] ?? ""] = object
            }
            return byID
        }
        let started = try objects(#""transfer started""#)
        let finished = try objects(#""transfer finished""#)
        #expect(Set(started.keys) == Set(ids.map(String.init)))
        #expect(Set(finished.keys) == Set(ids.map(String.init)))

        let start = try #require(started[String(ids[0])])
        #expect(start["message"] == "transfer started")
        #expect(start["source"] == "warehouse")
        #expect(start["target"] == "local")
        #expect(start["mode"] == "overwrite")
        #expect(start["level"] == "info")
        #expect(start["time"]?.hasSuffix("Z") == true)

        let good = try #require(finished[String(ids[0])])
        #expect(good["rows"] == "300")
        #expect(good["status"] == "complete")
        #expect(good["error"] == nil)
        #expect(Double(good["seconds"] ?? "") != nil, "seconds is a number: \(good)")
        #expect(good["source"] == "warehouse" && good["target"] == "local" && good["mode"] == "overwrite")

        let bad = try #require(finished[String(ids[1])])
        #expect(bad["status"] == "error")
        #expect(bad["rows"] == "0")
        #expect(bad["level"] == "error")
        #expect(bad["error"]?.contains("no_such_table_for_the_log") == true, "\(bad)")
        setup.expectNoSecret()
    }

    @Test func aQueryLeavesItsOwnTwoLines() async throws {
        let setup = try await Setup()
        try await setup.harness.application(logFormat: .text).test(.router) { client in
            let api = APIClient(client: client)
            let created = try await api.request(
                .post, "/api/v1/queries", json: ["connectionId": setup.postgres.id, "query": "SELECT 1 AS one"])
            let id = try #require(created.object("query")["id"] as? Int)
            try await eventually("query \(id)'s finished line") {
                !setup.lines(containing: "query finished").isEmpty
            }
            let started = try #require(setup.lines(containing: "query started").first)
            #expect(started.hasSuffix(" id=\(id)\n") && started.contains("connection=warehouse"), "\(started)")
            let finished = try #require(setup.lines(containing: "query finished").first)
            #expect(finished.contains("status=complete") && finished.contains("connection=warehouse"))
        }
        setup.expectNoSecret()
    }
}
