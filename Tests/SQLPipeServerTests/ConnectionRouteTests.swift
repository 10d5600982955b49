import Foundation
import HTTPTypes
import SQLPipeCore
import SQLPipeEngine
import SQLPipeTestSupport
import Testing

@testable import SQLPipeServer

/// `/api/v1/connections` and `DELETE /api/v1/connection/{id}` in-process, against the real servers.
@Suite struct ConnectionRouteTests {
    @Test func createAnswers201AndNeverShowsThePassword() async throws {
        let harness = try await APIHarness()
        let input = try TestDatabases.postgres()
        var object = input.jsonObject
        object["name"] = "warehouse"
        object["params"] = ["sslmode": "disable"]
        let body = object
        try await harness.test { (api: APIClient) async throws in
            let response = try await api.request(.post, "/api/v1/connections", json: body)
            #expect(response.status == .created, "\(response.text)")
            let connection = response.object("connection")
            #expect(connection["name"] as? String == "warehouse")
            #expect(connection["dsType"] as? String == "postgresql")
            #expect(connection["params"] as? [String: String] == ["sslmode": "disable"])
            #expect(connection["password"] == nil)
            if let password = input.password, !password.isEmpty {
                #expect(!response.text.contains(password))
            }
            let id = try #require(connection["id"] as? Int)

            let shown = try await api.request(.get, "/api/v1/connections/\(id)")
            #expect(shown.status == .ok)
            #expect(shown.object("connection")["canConnect"] as? Bool == true)
            let listed = try await api.request(.get, "/api/v1/connections")
            #expect(listed.list("connections").count == 1)
            #expect(listed.list("connections").first?["canConnect"] == nil)
            #expect(listed.metadata["total_records"] == 1)
            if let password = input.password, !password.isEmpty {
                #expect(!shown.text.contains(password) && !listed.text.contains(password))
            }
        }
    }

    @Test func createAnswers422ForEachRule() async throws {
        let harness = try await APIHarness()
        let cases: [([String: any Sendable], String, String)] = [
            ([:], "name", "must be provided"),
            (["name": "x", "dbName": "d"], "dsType", "must be provided (one of postgresql, mysql, mariadb, sqlite)"),
            (
                ["name": "x", "dsType": "oracle", "dbName": "d"], "dsType",
                "must be one of postgresql, mysql, mariadb, sqlite"
            ),
            (
                ["name": "123", "dsType": "sqlite", "dbName": "/tmp/x.db"], "name",
                "must not be only digits (a number names a connection by its id)"
            ),
            (
                ["name": "x", "dsType": "postgresql", "dbName": "d", "port": 5432, "username": "u"], "hostname",
                "must be provided for postgresql"
            ),
            (
                ["name": "x", "dsType": "postgresql", "dbName": "d", "hostname": "h", "username": "u"], "port",
                "must be provided for postgresql"
            ),
            (
                ["name": "x", "dsType": "postgresql", "dbName": "d", "hostname": "h", "port": 70000, "username": "u"],
                "port", "must be between 1 and 65535"
            ),
            (
                ["name": "x", "dsType": "mariadb", "dbName": "d", "hostname": "h", "port": 3306], "username",
                "must be provided for mariadb"
            ),
            (
                ["name": "x", "dsType": "sqlite", "dbName": "relative.db"], "dbName",
                "must be an absolute path (a relative one would mean another file to another process)"
            ),
            (
                ["name": "x", "dsType": "sqlite", "dbName": "/tmp/x.db", "hostname": "h"], "hostname",
                "must be empty for sqlite (a database file has no server)"
            ),
        ]
        try await harness.test { (api: APIClient) async throws in
            for (body, field, message) in cases {
                let response = try await api.request(.post, "/api/v1/connections", json: body)
                #expect(response.status == .unprocessableContent, "\(body)")
                #expect(response.errorFields?[field] == message, "\(body): \(response.text)")
            }
            let params = try await api.request(
                .post, "/api/v1/connections",
                json: ["name": "x", "dsType": "sqlite", "dbName": "/tmp/x.db", "params": ["nonsense": "1"]])
            #expect(params.errorFields?["params"]?.hasPrefix("unknown option(s) nonsense for sqlite") == true)
        }
        #expect(try await harness.sqlpipe.connections.list(PageRequest()).items.isEmpty)
    }

    @Test func aConnectionThatCannotConnectAnswers422WithTheServersWordsUnlessTheTestIsSkipped() async throws {
        let harness = try await APIHarness()
        var object = try TestDatabases.postgres().jsonObject
        object["name"] = "closed"
        object["port"] = TestDatabases.closedPort()
        let body = object
        try await harness.test { (api: APIClient) async throws in
            let refused = try await api.request(.post, "/api/v1/connections", json: body)
            #expect(refused.status == .unprocessableContent)
            #expect(refused.errorMessage?.hasPrefix("cannot connect: PostgreSQL at ") == true, "\(refused.text)")

            let skipped = try await api.request(.post, "/api/v1/connections?skip_test=true", json: body)
            #expect(skipped.status == .created)
            let id = try #require(skipped.object("connection")["id"] as? Int)
            let shown = try await api.request(.get, "/api/v1/connections/\(id)")
            #expect(shown.status == .ok)
            #expect(shown.object("connection")["canConnect"] as? Bool == false)
            #expect(shown.object("connection")["connectError"] is String)

            #expect(
                try await api.request(.post, "/api/v1/connections?skip_test=maybe", json: body).status
                    == .unprocessableContent)
        }
    }

    @Test func duplicateNamesConflict() async throws {
        let harness = try await APIHarness()
        let world = try TestWorld()
        let body = try world.input(.sqlite, name: "local", file: "a.db").jsonObject
        let other = try world.input(.sqlite, name: "other", file: "b.db").jsonObject
        try await harness.test { (api: APIClient) async throws in
            #expect(try await api.request(.post, "/api/v1/connections", json: body).status == .created)
            let again = try await api.request(.post, "/api/v1/connections", json: body)
            #expect(again.status == .conflict)
            #expect(again.errorMessage == "name: a connection named 'local' already exists")

            let second = try await api.request(.post, "/api/v1/connections", json: other)
            let id = try #require(second.object("connection")["id"] as? Int)
            let rename = try await api.request(.patch, "/api/v1/connections/\(id)", json: ["name": "local"])
            #expect(rename.status == .conflict)
        }
    }

    @Test func updateChangesTheFieldsItIsGiven() async throws {
        let harness = try await APIHarness()
        let world = try TestWorld()
        let created = try await harness.sqlpipe.connections.create(
            try world.input(.sqlite, name: "local", file: "a.db"))
        try await harness.test { (api: APIClient) async throws in
            let renamed = try await api.request(
                .patch, "/api/v1/connections/\(created.id)", json: ["name": "renamed", "accountId": "acct"])
            #expect(renamed.status == .ok, "\(renamed.text)")
            #expect(renamed.object("connection")["name"] as? String == "renamed")
            #expect(renamed.object("connection")["accountId"] as? String == "acct")
            #expect(renamed.object("connection")["dbName"] as? String == created.dbName)

            let invalid = try await api.request(
                .patch, "/api/v1/connections/\(created.id)", json: ["dbName": "relative.db"])
            #expect(invalid.status == .unprocessableContent)
            #expect(invalid.errorFields?["dbName"]?.contains("absolute path") == true, "\(invalid.text)")
            let unknown = try await api.request(.patch, "/api/v1/connections/\(created.id)", json: ["nmae": "x"])
            #expect(unknown.status == .badRequest)
            #expect(try await api.request(.patch, "/api/v1/connections/999", json: ["name": "x"]).status == .notFound)
        }
    }

    @Test(arguments: ["/api/v1/connections", "/api/v1/connection"])
    func deleteWorksUnderBothSpellingsAndRefusesAConnectionInUse(prefix: String) async throws {
        let harness = try await APIHarness()
        let world = try TestWorld()
        let free = try await harness.sqlpipe.connections.create(try world.input(.sqlite, name: "free", file: "a.db"))
        let used = try await harness.sqlpipe.connections.create(try world.input(.sqlite, name: "used", file: "b.db"))
        _ = try await harness.sqlpipe.transfers.create(
            TransferInput(sourceID: used.id, targetID: used.id, query: "SELECT 1", targetTable: "t"),
            by: .adminNamed("x"))
        try await harness.test { (api: APIClient) async throws in
            let deleted = try await api.request(.delete, "\(prefix)/\(free.id)")
            #expect(deleted.status == .ok)
            #expect(deleted.json as? [String: String] == ["message": "connection \(free.id) deleted"])
            #expect(try await api.request(.get, "/api/v1/connections/\(free.id)").status == .notFound)
            #expect(try await api.request(.delete, "\(prefix)/\(free.id)").status == .notFound)

            let busy = try await api.request(.delete, "\(prefix)/\(used.id)")
            #expect(busy.status == .conflict)
            #expect(busy.errorMessage?.contains("is used by 1 queued or running transfer(s)") == true)
        }
    }
}
