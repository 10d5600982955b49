import Foundation
import GRDB
import HTTPTypes
import Logging
import SQLPipeTestSupport
import Testing

@testable import SQLPipeCore
@testable import SQLPipeServer

/// Restricted connections, private results, JSON bodies only, the per-user cap, the login limiter's
/// reservations, client addresses, the healthcheck and the request log.
@Suite struct SecurityRouteTests {
    static let other = APIHarness.Credentials(username: "plain_2", password: "plain-password-2")

    struct Setup {
        let harness: APIHarness
        let world: TestWorld
        let open: Connection

        init(configure: (inout ServerConfiguration) -> Void = { _ in }) async throws {
            harness = try await APIHarness(configure: configure)
            world = try TestWorld()
            open = try await harness.sqlpipe.connections.create(try world.input(.sqlite, name: "open", file: "open.db"))
            _ = try await harness.sqlpipe.users.create(
                UserInput(username: SecurityRouteTests.other.username, password: SecurityRouteTests.other.password))
        }
    }

    @Test func aRestrictedConnectionAnswers403ToUsersWhoAreNotAdmins() async throws {
        let setup = try await Setup()
        var input = try setup.world.input(.sqlite, name: "powerful", file: "powerful.db").jsonObject
        input["restricted"] = true
        let body = input
        let openID = setup.open.id
        try await setup.harness.test { (api: APIClient) async throws in
            let created = try await api.request(.post, "/api/v1/connections", json: body)
            #expect(created.status == .created, "\(created.text)")
            #expect(created.object("connection")["restricted"] as? Bool == true)
            let id = try #require(created.object("connection")["id"] as? Int)
            let listed = try await api.request(.get, "/api/v1/connections").list("connections")
            #expect(listed.map { $0["restricted"] as? Bool } == [false, true])

            let query = try await api.request(
                .post, "/api/v1/queries", as: APIHarness.plain, json: ["connectionId": id, "query": "SELECT 1"])
            #expect(query.status == .forbidden)
            #expect(
                query.errorMessage
                    == "connectionId: connection 'powerful' (id \(id)) is restricted: only admins may use it")
            for (source, target, field) in [(id, Int(openID), "sourceID"), (Int(openID), id, "targetID")] {
                let transfer = try await api.request(
                    .post, "/api/v1/transfers", as: APIHarness.plain,
                    json: ["sourceID": source, "targetID": target, "query": "SELECT 1 AS a", "targetTable": "t"])
                #expect(transfer.status == .forbidden)
                #expect(transfer.errorMessage?.hasPrefix("\(field): connection 'powerful'") == true)
            }
            #expect(
                try await api.request(.post, "/api/v1/queries", json: ["connectionId": id, "query": "SELECT 1"]).status
                    == .accepted)

            let lifted = try await api.request(.patch, "/api/v1/connections/\(id)", json: ["restricted": false])
            #expect(lifted.object("connection")["restricted"] as? Bool == false)
            let allowed = try await api.request(
                .post, "/api/v1/queries", as: APIHarness.plain, json: ["connectionId": id, "query": "SELECT 1"])
            #expect(allowed.status == .accepted)
        }
    }

    @Test func aQueryResultIsShownToItsCreatorAndAdminsAndListsNeverCarryOne() async throws {
        let setup = try await Setup()
        let plain = try await setup.harness.sqlpipe.queries.create(
            QueryInput(connectionId: setup.open.id, query: "SELECT 'sec' || 'ret' AS s"),
            by: Caller(username: "plain_1", admin: false))
        _ = try await setup.harness.sqlpipe.queries.run(plain.id)
        try await setup.harness.test { (api: APIClient) async throws in
            for user in [APIHarness.plain, APIHarness.admin] {
                let shown = try await api.request(.get, "/api/v1/queries/\(plain.id)", as: user).object("query")
                #expect((shown["result"] as? [String: Any])?["rows"] as? [[String]] == [["secret"]], "\(user.username)")
            }
            let hidden = try await api.request(.get, "/api/v1/queries/\(plain.id)", as: SecurityRouteTests.other)
            #expect(hidden.status == .ok)
            #expect(hidden.object("query").keys.contains("result") == false)
            #expect(hidden.object("query")["status"] as? String == "complete")
            #expect(!hidden.text.contains("secret"))
            for user in [APIHarness.plain, APIHarness.admin] {
                let listed = try await api.request(.get, "/api/v1/queries", as: user)
                #expect(listed.list("queries").count == 1)
                #expect(listed.list("queries").allSatisfy { !$0.keys.contains("result") })
            }
        }
    }

    @Test func aPageOfAHundredQueriesWithLargeResultsIsSmall() async throws {
        let setup = try await Setup()
        let sql = """
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000)
            SELECT i, replace(hex(zeroblob(1000)), '0', char(1)) AS c FROM n
            """
        let first = try await setup.harness.sqlpipe.queries.create(
            QueryInput(connectionId: setup.open.id, query: sql), by: Caller(username: "plain_1", admin: false))
        _ = try await setup.harness.sqlpipe.queries.run(first.id)
        try await setup.harness.sqlpipe.store.write { tx in
            for _ in 1..<100 {
                try tx.execute(
                    """
                    INSERT INTO queries (created_at, created_by, connection_id, query, status, rows_affected,
                        result, started_at, stopped_at, cancel_requested)
                    SELECT created_at, created_by, connection_id, query, status, rows_affected, result, started_at,
                        stopped_at, cancel_requested FROM queries WHERE id = ?
                    """, first.id)
            }
        }
        try await setup.harness.test { (api: APIClient) async throws in
            let page = try await api.request(.get, "/api/v1/queries?page_size=100", as: APIHarness.plain)
            #expect(page.status == .ok)
            #expect(page.list("queries").count == 100)
            #expect(page.text.utf8.count < 100 * 1024, "\(page.text.utf8.count) bytes")
            let one = try await api.request(.get, "/api/v1/queries/\(first.id)", as: APIHarness.plain)
            #expect(one.text.utf8.count <= QueryService.previewBytes + 2048)
        }
    }

    @Test func aBodyThatIsNotDeclaredJSONAnswers415BeforeAnythingElse() async throws {
        let setup = try await Setup()
        let body = #"{"connectionId": \#(setup.open.id), "query": "SELECT 1"}"#
        try await setup.harness.test { (api: APIClient) async throws in
            for contentType in ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"] {
                for user in [APIHarness.plain, nil] {
                    let response = try await api.request(
                        .post, "/api/v1/queries", as: user, body: body, headers: [.contentType: contentType])
                    #expect(response.status == .unsupportedMediaType, "\(contentType)")
                    #expect(response.errorMessage?.contains("Content-Type: application/json") == true)
                }
            }
            let missing = try await api.client.executeRequest(
                uri: "/api/v1/queries", method: .post, headers: APIHarness.plain.header, body: .init(string: body))
            #expect(missing.status == .unsupportedMediaType)
            let withCharset = try await api.request(
                .post, "/api/v1/queries", as: APIHarness.plain, body: body,
                headers: [.contentType: "Application/JSON; charset=utf-8"])
            #expect(withCharset.status == .accepted, "\(withCharset.text)")
        }
        // Nothing was stored by the refused requests.
        #expect(
            try await setup.harness.sqlpipe.queries.list(try PageRequest(page: nil, pageSize: nil, sort: nil)).metadata
                .totalRecords == 1)
    }

    @Test func aUserWhoIsNotAnAdminMayQueueOnlyItsCap() async throws {
        let setup = try await Setup { $0.maxQueuedPerUser = 2 }
        let body: [String: any Sendable] = ["connectionId": setup.open.id, "query": "SELECT 1"]
        try await setup.harness.test { (api: APIClient) async throws in
            for _ in 0..<2 {
                #expect(
                    try await api.request(.post, "/api/v1/queries", as: APIHarness.plain, json: body).status
                        == .accepted)
            }
            let refused = try await api.request(.post, "/api/v1/queries", as: APIHarness.plain, json: body)
            #expect(refused.status == .tooManyRequests)
            #expect(refused.errorMessage?.hasPrefix("plain_1 has 2 transfers and queries queued or running") == true)
            #expect(
                try await api.request(.post, "/api/v1/queries", as: SecurityRouteTests.other, json: body).status
                    == .accepted)
            for _ in 0..<3 {
                #expect(
                    try await api.request(.post, "/api/v1/queries", json: body).status == .accepted,
                    "admins are not capped")
            }
        }
    }

    @Test func parallelWrongPasswordsRunBcryptOnlyForTheTokensOfTheirAddress() async throws {
        let harness = try await APIHarness {
            $0.failedLoginBurst = 3
            $0.failedLoginRefill = .seconds(600)
        }
        let hasher = harness.sqlpipe.users.hasher
        let before = hasher.verificationCount
        try await harness.test { (api: APIClient) async throws in
            // Twenty different guesses: the same password sent twenty times at once is one check (one
            // bcrypt, one token), which CredentialTests covers.
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for guess in 0..<20 {
                    let wrong = APIHarness.Credentials(username: "admin_1", password: "wrong-password-\(guess)")
                    group.addTask { try await api.request(.get, "/api/v1/transfers", as: wrong).status }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == .unauthorized }.count == 3)
            #expect(statuses.filter { $0 == .tooManyRequests }.count == 17)
        }
        #expect(hasher.verificationCount - before == 3)
    }

    @Test func aSuccessfulLoginGivesItsTokenBack() async throws {
        let harness = try await APIHarness {
            $0.failedLoginBurst = 2
            $0.failedLoginRefill = .seconds(600)
            $0.credentialLifetime = .zero
        }
        try await harness.test { (api: APIClient) async throws in
            for _ in 0..<5 { #expect(try await api.request(.get, "/api/v1/transfers").status == .ok) }
            let wrong = APIHarness.Credentials(username: "admin_1", password: "wrong-password")
            #expect(try await api.request(.get, "/api/v1/transfers", as: wrong).status == .unauthorized)
            #expect(try await api.request(.get, "/api/v1/transfers", as: wrong).status == .unauthorized)
            #expect(try await api.request(.get, "/api/v1/transfers", as: wrong).status == .tooManyRequests)
        }
    }

    @Test func theClientIsThePeerUnlessThePeerIsATrustedProxy() throws {
        let none = try ClientResolver(trustedProxies: [])
        #expect(none.client(peer: "203.0.113.9", forwardedFor: ["198.51.100.1"]) == "203.0.113.9")
        let proxies = try ClientResolver(trustedProxies: ["10.0.0.5", "fd00::/8"])
        #expect(
            proxies.client(peer: "203.0.113.9", forwardedFor: ["198.51.100.1"]) == "203.0.113.9", "an untrusted peer")
        #expect(proxies.client(peer: "10.0.0.5", forwardedFor: ["198.51.100.1"]) == "198.51.100.1")
        // A client's own header comes first; the nearest hop that is not a trusted proxy is the client.
        #expect(proxies.client(peer: "10.0.0.5", forwardedFor: ["1.1.1.1, 198.51.100.1", "fd00::7"]) == "198.51.100.1")
        #expect(proxies.client(peer: "10.0.0.5", forwardedFor: []) == "10.0.0.5")
        #expect(proxies.client(peer: "10.0.0.5", forwardedFor: ["not-an-address"]) == "10.0.0.5")
        #expect(throws: SQLPipeError.self) { try ClientResolver(trustedProxies: ["proxy.example"]) }
        #expect(throws: SQLPipeError.self) { try ClientResolver(trustedProxies: ["10.0.0.0/33"]) }
    }

    @Test func loginsAreCountedPerIPv4AddressAndPerIPv6Slash64() {
        #expect(IPAddress("2001:db8:1:2:aaaa::1")?.bucket == IPAddress("2001:db8:1:2:ffff:1:2:3")?.bucket)
        #expect(IPAddress("2001:db8:1:2::1")?.bucket != IPAddress("2001:db8:1:3::1")?.bucket)
        #expect(IPAddress("2001:db8:1:2::1")?.bucket == "2001:db8:1:2::/64")
        #expect(IPAddress("192.0.2.1")?.bucket == "192.0.2.1")
        #expect(IPAddress("::ffff:192.0.2.1")?.bucket == "192.0.2.1")
        #expect(AddressBlock("10.1.0.0/16")?.contains(IPAddress("10.1.200.3")!) == true)
        #expect(AddressBlock("10.1.0.0/16")?.contains(IPAddress("10.2.0.3")!) == false)
    }

    @Test func theHealthcheckDoesNotTellWhyTheStoreFailsButTheLogDoes() async throws {
        let harness = try await APIHarness()
        try await harness.sqlpipe.store.write { tx in try tx.execute("ALTER TABLE users RENAME TO gone") }
        try await harness.test { (api: APIClient) async throws in
            let response = try await api.request(.get, "/api/v1/healthcheck", as: nil)
            #expect(response.status == .serviceUnavailable)
            #expect(response.json["status"] as? String == "unavailable")
            #expect(response.json["error"] as? String == "the metadata store does not answer")
            #expect((response.json["store"] as? [String: Any])?["reachable"] as? Bool == false)
            #expect(!response.text.contains("users") && !response.text.contains(harness.store.path))
        }
        #expect(
            harness.log.all.contains {
                $0.contains("healthcheck") && ($0.contains("no such table") || $0.contains("does not exist"))
            })
    }

    @Test func controlCharactersFromRequestsAreEscapedInTheLog() async throws {
        let harness = try await APIHarness()
        let hostile = APIHarness.Credentials(
            username: "evil\u{1B}[2J\nforged line\u{9B}31m\u{7F}", password: "whatever-it-is")
        try await harness.test { (api: APIClient) async throws in
            #expect(try await api.request(.get, "/api/v1/transfers", as: hostile).status == .unauthorized)
        }
        let line = try #require(harness.log.all.first { $0.contains("failed login") })
        #expect(!line.unicodeScalars.contains { TerminalText.isControl($0) && $0 != "\n" })
        #expect(line.dropLast().contains("\n") == false)
        #expect(line.contains(#"user="evil\x1B[2J\nforged line\u{9B}31m\x7F""#), "\(line)")

        let json = LogLines()
        var logger = Logger(label: "t") { LineLogHandler(label: $0, format: .json, sink: LogSink { json.append($0) }) }
        logger.logLevel = .info
        logger.info("failed login", metadata: ["user": "a\u{1B}b\u{9B}c\u{7F}"])
        let object = try #require(json.all.first)
        #expect(object.contains(#""user":"a\u001bb\u009bc\u007f""#), "\(object)")
        #expect(!object.dropLast().unicodeScalars.contains { TerminalText.isControl($0) })
    }
}
