import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import SQLPipeEngine
import SQLPipeTestSupport
import Testing

@testable import SQLPipeCore
@testable import SQLPipeServer

/// A fresh store with an admin and a plain user, and the server built on it.
struct APIHarness {
    static let admin = Credentials(username: "admin_1", password: "admin-password-1")
    static let plain = Credentials(username: "plain_1", password: "plain-password-1")

    struct Credentials: Sendable {
        var username: String
        var password: String

        var header: HTTPFields {
            [.authorization: "Basic " + Data("\(username):\(password)".utf8).base64EncodedString()]
        }
    }

    let store: TestStore
    var sqlpipe: SQLPipe { store.sqlpipe }
    var configuration: ServerConfiguration
    let log: LogLines
    /// What this server counts: a registry of its own, so that its numbers are this test's only.
    let metrics = ServerMetrics()

    init(runWorkers: Bool = false, configure: (inout ServerConfiguration) -> Void = { _ in }) async throws {
        store = try TestStore()
        _ = try await store.sqlpipe.users.create(
            UserInput(username: Self.admin.username, password: Self.admin.password, admin: true))
        _ = try await store.sqlpipe.users.create(
            UserInput(username: Self.plain.username, password: Self.plain.password, admin: false))
        var configuration = ServerConfiguration()
        configuration.port = 0
        configuration.runWorkers = runWorkers
        configuration.workers.pollInterval = .milliseconds(50)
        configuration.failedLoginBurst = 1000
        configure(&configuration)
        self.configuration = configuration
        log = LogLines()
    }

    var logger: Logger { logger(format: .text) }

    func logger(format: LogFormat) -> Logger {
        let log = self.log
        var logger = Logger(label: "test") { label in
            LineLogHandler(label: label, format: format, sink: LogSink { log.append($0) })
        }
        logger.logLevel = .info
        return logger
    }

    func application(
        logFormat: LogFormat = .text, onMetricsRunning: @escaping @Sendable (String) async -> Void = { _ in }
    ) throws -> some ApplicationProtocol {
        try buildApplication(
            sqlpipe: sqlpipe, configuration: configuration, metrics: metrics, logger: logger(format: logFormat),
            onMetricsRunning: onMetricsRunning)
    }

    /// Runs `body` against the router in-process.
    func test(_ body: @Sendable (APIClient) async throws -> Void) async throws {
        try await application().test(.router) { client in try await body(APIClient(client: client)) }
    }
}

/// Lines a logger wrote, for tests that look at the log.
final class LogLines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ line: String) { lock.withLock { lines.append(line) } }
    var all: [String] { lock.withLock { lines } }
}

/// A response with its body read as JSON.
struct APIResponse: Sendable {
    let status: HTTPResponse.Status
    let headers: HTTPFields
    let text: String

    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
    }

    /// `error` as a message (`{"error": "..."}`).
    var errorMessage: String? { json["error"] as? String }
    /// `error` as fields (`{"error": {"field": "..."}}`).
    var errorFields: [String: String]? { json["error"] as? [String: String] }

    func object(_ key: String) -> [String: Any] { json[key] as? [String: Any] ?? [:] }
    func list(_ key: String) -> [[String: Any]] { json[key] as? [[String: Any]] ?? [] }
    var metadata: [String: Int] { json["metadata"] as? [String: Int] ?? [:] }
}

/// Requests with or without credentials, bodies as JSON text or objects.
struct APIClient: Sendable {
    let client: any TestClientProtocol

    func request(
        _ method: HTTPRequest.Method, _ path: String, as user: APIHarness.Credentials? = APIHarness.admin,
        body: String? = nil, headers extra: HTTPFields = [:]
    ) async throws -> APIResponse {
        var headers = user?.header ?? [:]
        headers.append(contentsOf: extra)
        if body != nil, headers[.contentType] == nil { headers[.contentType] = "application/json" }
        let response = try await client.executeRequest(
            uri: path, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
        return APIResponse(status: response.status, headers: response.headers, text: String(buffer: response.body))
    }

    func request(
        _ method: HTTPRequest.Method, _ path: String, as user: APIHarness.Credentials? = APIHarness.admin,
        json: [String: any Sendable]
    ) async throws -> APIResponse {
        let data = try JSONSerialization.data(withJSONObject: json as [String: Any])
        return try await request(method, path, as: user, body: String(decoding: data, as: UTF8.self))
    }
}

extension ConnectionInput {
    /// The input as a JSON object, as a client would send it.
    var jsonObject: [String: any Sendable] {
        var object: [String: any Sendable] = [:]
        if let name { object["name"] = name }
        if let dsType { object["dsType"] = dsType }
        if let hostname { object["hostname"] = hostname }
        if let port { object["port"] = port }
        if let dbName { object["dbName"] = dbName }
        if let username { object["username"] = username }
        if let password { object["password"] = password }
        if let params { object["params"] = params }
        return object
    }
}

/// Waits until `condition` holds, checking every 50 ms, for at most `timeout`.
func eventually(
    timeout: Duration = .seconds(30), _ what: String, _ condition: () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(50))
    }
    Issue.record("timed out waiting for \(what)")
    throw CancellationError()
}

extension SQLPipe {
    /// Marks a transfer as run by this (living) process, as `run` does when it claims one.
    func markRunningForTest(transfer id: Int64) async throws {
        try await store.write { tx in
            try tx.execute(
                "UPDATE transfers SET status = 'running', started_at = ?, runner_pid = ?, runner_host = ? WHERE id = ?",
                Date(), Runner.pid, Runner.host, id)
        }
    }
}
