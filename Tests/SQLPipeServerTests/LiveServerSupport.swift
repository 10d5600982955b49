import Foundation
import HTTPTypes
import SQLPipeCore
import SQLPipeTestSupport
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The real `sqlpipe serve` binary on a store of its own, on a free loopback port.
final class ServerProcess: @unchecked Sendable {
    let process = Process()
    let log = LogLines()
    private(set) var url = ""
    private let exited = DispatchSemaphore(value: 0)

    /// Starts `sqlpipe serve --port 0 ...` and waits until it listens.
    init(storePath: String, arguments: [String] = [], environment: [String: String] = [:]) throws {
        process.executableURL = CommandRunner.executable
        process.arguments = ["serve", "--port", "0"] + arguments
        var merged = ProcessInfo.processInfo.environment
        merged["SQLPIPE_STORE"] = storePath
        merged.merge(try TestStore.environment(forStore: storePath)) { $1 }
        merged.merge(environment) { $1 }
        process.environment = merged
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        let listening = DispatchSemaphore(value: 0)
        let log = self.log
        process.terminationHandler = { [exited] _ in exited.signal() }
        try process.run()
        Thread.detachNewThread {
            let handle = errors.fileHandleForReading
            var pending = Data()
            var signalled = false
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                pending.append(chunk)
                while let newline = pending.firstIndex(of: 0x0A) {
                    let line = String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)
                    pending.removeSubrange(pending.startIndex...newline)
                    log.append(line)
                    if !signalled && line.contains("listening") && line.contains("url") {
                        signalled = true
                        listening.signal()
                    }
                }
            }
            if !signalled { listening.signal() }
        }
        guard listening.wait(timeout: .now() + 30) == .success,
            let line = log.all.first(where: { $0.contains("listening") && $0.contains("url") }),
            let range = line.range(of: #"https?://[0-9.\[\]:a-z]+"#, options: .regularExpression)
        else {
            process.terminate()
            throw ServerFailure("the server did not start: \(log.all.joined(separator: "\n"))")
        }
        url = String(line[range])
    }

    func signal(_ number: Int32) {
        kill(process.processIdentifier, number)
    }

    /// The exit status, or nil when it is still running after `timeout`.
    func waitForExit(timeout: TimeInterval = 30) -> Int32? {
        guard exited.wait(timeout: .now() + timeout) == .success else { return nil }
        exited.signal()
        return process.terminationStatus
    }

    /// Stops it, and reports a server that does not exit 0 after SIGTERM.
    func stop() {
        guard process.isRunning else { return }
        signal(SIGTERM)
        if waitForExit(timeout: 40) == nil {
            signal(SIGKILL)
            _ = waitForExit(timeout: 5)
        }
    }

    deinit { if process.isRunning { process.terminate() } }
}

struct ServerFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A real HTTP client (URLSession) with Basic Auth.
struct LiveClient: Sendable {
    let base: String
    let user: APIHarness.Credentials?

    func request(_ method: String, _ path: String, json: [String: any Sendable]? = nil) async throws -> APIResponse {
        var request = URLRequest(url: URL(string: base + path)!)
        request.httpMethod = method
        if let user {
            request.setValue(user.header[.authorization], forHTTPHeaderField: "Authorization")
        }
        if let json {
            request.httpBody = try JSONSerialization.data(withJSONObject: json as [String: Any])
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let session = URLSession(configuration: .ephemeral)
        defer { session.finishTasksAndInvalidate() }
        let (data, response) = try await session.data(for: request)
        guard let http = response as? HTTPURLResponse else { throw ServerFailure("not an HTTP response") }
        var headers = HTTPFields()
        for (key, value) in http.allHeaderFields {
            if let name = HTTPField.Name("\(key)") { headers[name] = "\(value)" }
        }
        return APIResponse(
            status: HTTPResponse.Status(code: http.statusCode), headers: headers,
            text: String(decoding: data, as: UTF8.self))
    }

    /// Polls a transfer or query until its status is one of `statuses`, and returns it.
    func waitFor(_ path: String, key: String, statuses: Set<String>, timeout: Duration = .seconds(60)) async throws
        -> [String: Any]
    {
        var last: [String: Any] = [:]
        try await eventually(timeout: timeout, "\(path) to be \(statuses.sorted())") {
            last = try await request("GET", path).object(key)
            return statuses.contains(last["status"] as? String ?? "")
        }
        return last
    }
}
