import Foundation
import HTTPTypes
import SQLPipeCore
import SQLPipeEngine
import SQLPipeTestSupport
import Testing

@testable import SQLPipeCore
@testable import SQLPipeServer

/// `/api/v1/queries` and `/api/v1/cancel-query/{id}` in-process.
@Suite struct QueryRouteTests {
    struct Setup {
        let harness: APIHarness
        let world: TestWorld
        let connection: Connection

        init(runWorkers: Bool = false) async throws {
            harness = try await APIHarness(runWorkers: runWorkers)
            world = try TestWorld()
            connection = try await harness.sqlpipe.connections.create(
                try world.input(.sqlite, name: "local", file: "local.db"))
        }
    }

    @Test func createAnswers202AndTheWorkersRunIt() async throws {
        let setup = try await Setup(runWorkers: true)
        let connectionID = setup.connection.id
        try await setup.harness.test { (api: APIClient) async throws in
            let created = try await api.request(
                .post, "/api/v1/queries", as: APIHarness.plain,
                json: ["connectionId": connectionID, "query": "SELECT 1 AS one, 'two' AS two"])
            #expect(created.status == .accepted, "\(created.text)")
            let query = created.object("query")
            #expect(query["createdBy"] as? String == "plain_1")
            #expect(query["connectionId"] as? Int == Int(connectionID))
            #expect(["queued", "running", "complete"].contains(query["status"] as? String ?? ""))
            for key in ["result", "rowsAffected", "startedAt", "stoppedAt", "error"] {
                #expect(query.keys.contains(key), "\(key) is present")
            }
            let id = try #require(query["id"] as? Int)
            var last: [String: Any] = [:]
            try await eventually("query \(id) to complete") {
                last = try await api.request(.get, "/api/v1/queries/\(id)").object("query")
                return last["status"] as? String == "complete"
            }
            let result = last["result"] as? [String: Any] ?? [:]
            #expect((result["columns"] as? [[String: String]])?.map { $0["name"] } == ["one", "two"])
            #expect((result["rows"] as? [[Any]])?.first?.count == 2)
            #expect(result["truncated"] as? Bool == false)
        }
    }

    @Test func createAnswers422PerRuleAnd400ForMalformedBodies() async throws {
        let setup = try await Setup()
        let connectionID = setup.connection.id
        try await setup.harness.test { (api: APIClient) async throws in
            let empty = try await api.request(.post, "/api/v1/queries", json: [:])
            #expect(empty.status == .unprocessableContent)
            #expect(empty.errorFields == ["connectionId": "must be provided", "query": "must be provided"])
            let unknown = try await api.request(
                .post, "/api/v1/queries", json: ["connectionId": 99, "query": "SELECT 1"])
            #expect(unknown.errorFields == ["connectionId": "no connection with id 99"])
            let blank = try await api.request(
                .post, "/api/v1/queries", json: ["connectionId": connectionID, "query": " \n "])
            #expect(blank.errorFields == ["query": "must be provided"])

            let field = try await api.request(
                .post, "/api/v1/queries", json: ["connectionID": connectionID, "query": "x"])
            #expect(field.status == .badRequest)
            #expect(field.errorMessage == "unknown field 'connectionID' (known: connectionId, query)")
            let malformed = try await api.request(.post, "/api/v1/queries", body: "{'query': 1}")
            #expect(malformed.status == .badRequest)
        }
    }

    @Test func listShowCancelAndDelete() async throws {
        let setup = try await Setup()
        for index in 1...3 {
            _ = try await setup.harness.sqlpipe.queries.create(
                QueryInput(connectionId: setup.connection.id, query: "SELECT \(index)"), by: .adminNamed("tester"))
        }
        try await setup.harness.test { (api: APIClient) async throws in
            let page = try await api.request(.get, "/api/v1/queries?page=2&page_size=2", as: APIHarness.plain)
            #expect(page.status == .ok)
            #expect(page.list("queries").map { $0["id"] as? Int } == [3])
            #expect(
                page.metadata == [
                    "current_page": 2, "page_size": 2, "first_page": 1, "last_page": 2, "total_records": 3,
                ])
            #expect(try await api.request(.get, "/api/v1/queries?sort=bogus").status == .unprocessableContent)

            #expect(try await api.request(.get, "/api/v1/queries/1").object("query")["query"] as? String == "SELECT 1")
            #expect(try await api.request(.get, "/api/v1/queries/42").status == .notFound)

            let cancelled = try await api.request(.patch, "/api/v1/cancel-query/1", as: APIHarness.plain)
            #expect(cancelled.status == .ok)
            #expect(cancelled.object("query")["status"] as? String == "cancelled")
            #expect(try await api.request(.patch, "/api/v1/cancel-query/1").status == .conflict)
            #expect(try await api.request(.patch, "/api/v1/cancel-query/42").status == .notFound)

            #expect(try await api.request(.delete, "/api/v1/queries/2", as: APIHarness.plain).status == .forbidden)
            let deleted = try await api.request(.delete, "/api/v1/queries/2")
            #expect(deleted.json as? [String: String] == ["message": "query 2 deleted"])
            #expect(try await api.request(.delete, "/api/v1/queries/2").status == .notFound)
        }
        try await setup.harness.sqlpipe.store.write { tx in
            try tx.execute(
                "UPDATE queries SET status = 'running', runner_pid = ?, runner_host = ? WHERE id = 3", Runner.pid,
                Runner.host)
        }
        try await setup.harness.test { (api: APIClient) async throws in
            let busy = try await api.request(.delete, "/api/v1/queries/3")
            #expect(busy.status == .conflict)
            #expect(busy.errorMessage == "query 3 is running: cancel it first")
        }
    }
}
