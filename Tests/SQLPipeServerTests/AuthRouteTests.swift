import Foundation
import HTTPTypes
import Logging
import SQLPipeCore
import SQLPipeTestSupport
import Testing

@testable import SQLPipeServer

/// HTTP Basic Auth, admin-only routes, the healthcheck, the failed-login limit.
@Suite struct AuthRouteTests {
    @Test func theHealthcheckNeedsNoCredentialsAndReportsStatusAndVersion() async throws {
        let harness = try await APIHarness()
        try await harness.test { (api: APIClient) async throws in
            let response = try await api.request(.get, "/api/v1/healthcheck", as: nil)
            #expect(response.status == .ok)
            #expect(response.json["status"] as? String == "available")
            #expect(response.json["version"] as? String == SQLPipe.version)
            let store = response.json["store"] as? [String: Any]
            #expect(store?["kind"] as? String == TestStore.kind.rawValue)
            #expect(store?["reachable"] as? Bool == true)
            #expect(response.headers[.contentType] == "application/json; charset=utf-8")
        }
    }

    @Test(arguments: [
        (HTTPRequest.Method.get, "/api/v1/transfers"), (.post, "/api/v1/transfers"), (.get, "/api/v1/transfers/1"),
        (.patch, "/api/v1/cancel-transfer/1"), (.delete, "/api/v1/transfers/1"), (.get, "/api/v1/queries"),
        (.post, "/api/v1/queries"), (.get, "/api/v1/queries/1"), (.patch, "/api/v1/cancel-query/1"),
        (.delete, "/api/v1/queries/1"), (.get, "/api/v1/connections"), (.post, "/api/v1/connections"),
        (.get, "/api/v1/connections/1"), (.patch, "/api/v1/connections/1"), (.delete, "/api/v1/connections/1"),
        (.delete, "/api/v1/connection/1"), (.get, "/api/v1/users"), (.post, "/api/v1/users"), (.get, "/api/v1/users/1"),
        (.patch, "/api/v1/users/1"), (.delete, "/api/v1/users/1"), (.delete, "/api/v1/user/1"),
    ])
    func everyRouteButTheHealthcheckAnswers401WithAChallenge(method: HTTPRequest.Method, path: String) async throws {
        let harness = try await APIHarness()
        try await harness.test { (api: APIClient) async throws in
            let missing = try await api.request(method, path, as: nil)
            #expect(missing.status == .unauthorized)
            #expect(missing.headers[.wwwAuthenticate] == #"Basic realm="sqlpipe""#)
            #expect(missing.errorMessage?.contains("authentication required") == true)

            let wrong = try await api.request(
                method, path, as: .init(username: "admin_1", password: "not-the-password"))
            #expect(wrong.status == .unauthorized)
            #expect(wrong.headers[.wwwAuthenticate] == #"Basic realm="sqlpipe""#)
            #expect(wrong.errorMessage == "wrong username or password")

            let unknown = try await api.request(
                method, path, as: .init(username: "nobody_1", password: "whatever-it-is"))
            #expect(unknown.status == .unauthorized)

            let garbage = try await api.request(method, path, as: nil, headers: [.authorization: "Basic !!!not-base64"])
            #expect(garbage.status == .unauthorized)
            let bearer = try await api.request(method, path, as: nil, headers: [.authorization: "Bearer abc"])
            #expect(bearer.status == .unauthorized)
        }
    }

    @Test(arguments: [
        (HTTPRequest.Method.delete, "/api/v1/transfers/1"), (.delete, "/api/v1/queries/1"),
        (.get, "/api/v1/connections"), (.post, "/api/v1/connections"), (.get, "/api/v1/connections/1"),
        (.patch, "/api/v1/connections/1"), (.delete, "/api/v1/connections/1"), (.delete, "/api/v1/connection/1"),
        (.get, "/api/v1/users"), (.post, "/api/v1/users"), (.get, "/api/v1/users/1"), (.patch, "/api/v1/users/1"),
        (.delete, "/api/v1/users/1"), (.delete, "/api/v1/user/1"),
    ])
    func adminRoutesAnswer403ToOtherUsers(method: HTTPRequest.Method, path: String) async throws {
        let harness = try await APIHarness()
        try await harness.test { (api: APIClient) async throws in
            let response = try await api.request(method, path, as: APIHarness.plain, body: "{}")
            #expect(response.status == .forbidden)
            #expect(response.errorMessage?.contains("admins only") == true)
        }
        // Nothing was changed by the refused requests.
        #expect(try await harness.sqlpipe.users.count() == 2)
    }

    @Test func anyUserMayUseTheTransferAndQueryRoutes() async throws {
        let harness = try await APIHarness()
        try await harness.test { (api: APIClient) async throws in
            let response = try await api.request(.get, "/api/v1/transfers", as: APIHarness.plain)
            #expect(response.status == .ok)
        }
    }

    @Test func failedLoginsAreLimitedPerClientAddress() async throws {
        let harness = try await APIHarness {
            $0.failedLoginBurst = 3
            $0.failedLoginRefill = .seconds(60)
        }
        try await harness.test { (api: APIClient) async throws in
            let wrong = APIHarness.Credentials(username: "admin_1", password: "wrong-password")
            for _ in 0..<3 {
                #expect(try await api.request(.get, "/api/v1/transfers", as: wrong).status == .unauthorized)
            }
            // Out of attempts: refused before the credentials are checked, the right ones too.
            let limited = try await api.request(.get, "/api/v1/transfers", as: wrong)
            #expect(limited.status == .tooManyRequests)
            #expect(Int(limited.headers[.retryAfter] ?? "") ?? 0 > 0)
            #expect(try await api.request(.get, "/api/v1/transfers").status == .tooManyRequests)
            // Requests without credentials are not logins and still get the challenge.
            #expect(try await api.request(.get, "/api/v1/transfers", as: nil).status == .unauthorized)
            #expect(try await api.request(.get, "/api/v1/healthcheck", as: nil).status == .ok)
        }
    }

    @Test func theLimiterRefillsOverTimeRefundsSuccessesAndKeepsAddressesApart() {
        let limiter = LoginRateLimiter(burst: 2, refill: .seconds(10))
        let start = ContinuousClock.now
        #expect(limiter.take("10.0.0.1", now: start) == .granted)
        limiter.refund("10.0.0.1", now: start)
        #expect(limiter.take("10.0.0.1", now: start) == .granted)
        #expect(limiter.take("10.0.0.1", now: start) == .granted)
        #expect(limiter.take("10.0.0.1", now: start) == .refused(retryAfterSeconds: 10))
        #expect(limiter.take("10.0.0.2", now: start) == .granted)
        #expect(limiter.take("10.0.0.1", now: start + .seconds(4)) == .refused(retryAfterSeconds: 6))
        #expect(limiter.take("10.0.0.1", now: start + .seconds(10)) == .granted)
    }

    @Test func everyRequestIsLoggedOnOneLineWithItsUser() async throws {
        let harness = try await APIHarness()
        try await harness.test { (api: APIClient) async throws in
            _ = try await api.request(.get, "/api/v1/transfers?page=1", as: APIHarness.plain)
            _ = try await api.request(.get, "/api/v1/users", as: nil)
        }
        let lines = harness.log.all.filter { $0.contains(" request ") }
        #expect(lines.count == 2)
        let first = try #require(lines.first)
        for part in ["method=GET", "path=/api/v1/transfers", "status=200", "user=plain_1", "duration_ms="] {
            #expect(first.contains(part), "\(part) in \(first)")
        }
        #expect(lines.last?.contains("status=401") == true)
        #expect(lines.last?.contains("user=") == false)
        #expect(lines.allSatisfy { $0.hasSuffix("\n") && $0.dropLast().contains("\n") == false })
    }

    @Test func theJSONLogHasOneObjectPerLine() throws {
        let lines = LogLines()
        var logger = Logger(label: "t") { LineLogHandler(label: $0, format: .json, sink: LogSink { lines.append($0) }) }
        logger.logLevel = .info
        logger.info("request", metadata: ["method": "GET", "path": "/a b", "status": "200"])
        let line = try #require(lines.all.first)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])
        #expect(object["message"] == "request")
        #expect(object["path"] == "/a b")
        #expect(object["level"] == "info")
        #expect(object["time"] != nil)
    }
}
