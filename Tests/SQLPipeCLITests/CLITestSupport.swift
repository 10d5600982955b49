import Foundation
import SQLPipeTestSupport
import Testing

/// A fresh store and a runner of the real `sqlpipe` binary on it.
struct CLI {
    let directory: URL
    let runner: CommandRunner

    init(environment: [String: String] = [:]) throws {
        directory = try TemporaryDirectory.make()
        runner = CommandRunner(storePath: try TestStore.fresh(in: directory).path, environment: environment)
    }

    var storePath: String { runner.storePath }

    @discardableResult
    func run(_ arguments: String..., stdin: String? = nil, environment: [String: String] = [:]) async throws
        -> CommandRunner.Result
    {
        try await runner.execute(arguments, stdin: stdin, extraEnvironment: environment)
    }

    /// Runs a command that must succeed, and returns what it printed on stdout.
    @discardableResult
    func succeed(
        _ arguments: String..., stdin: String? = nil, environment: [String: String] = [:],
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> String {
        let result = try await runner.execute(arguments, stdin: stdin, extraEnvironment: environment)
        #expect(
            result.status == 0, "sqlpipe \(arguments.joined(separator: " ")): \(result.stderr)",
            sourceLocation: sourceLocation)
        return result.stdout
    }

    /// Runs a command that must fail with one line on stderr, and returns that line.
    func fail(
        _ arguments: String..., stdin: String? = nil, environment: [String: String] = [:],
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> String {
        let result = try await runner.execute(arguments, stdin: stdin, extraEnvironment: environment)
        #expect(
            result.status != 0, "sqlpipe \(arguments.joined(separator: " ")) should fail: \(result.stdout)",
            sourceLocation: sourceLocation)
        return result.stderr
    }

    func json(_ arguments: String..., stdin: String? = nil, environment: [String: String] = [:]) async throws
        -> [String: Any]
    {
        let result = try await runner.execute(arguments + ["--json"], stdin: stdin, extraEnvironment: environment)
        #expect(result.status == 0, "sqlpipe \(arguments.joined(separator: " ")) --json: \(result.stderr)")
        let parsed = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
        guard let object = parsed as? [String: Any] else {
            throw CLITestError("expected a JSON object, got \(result.stdout)")
        }
        return object
    }
}

extension CLI {
    /// Starts `sqlpipe <arguments>` (a transfer that runs in the foreground), and returns its process and
    /// stderr once transfer `id` runs and has moved rows.
    func startTransfer(_ arguments: [String], id: Int) async throws -> (Process, Pipe) {
        let process = Process()
        process.executableURL = CommandRunner.executable
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["SQLPIPE_STORE"] = storePath
        environment.merge(try TestStore.environment(forStore: storePath)) { $1 }
        process.environment = environment
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = Pipe()
        try process.run()
        for _ in 0..<300 {
            let result = try await run("transfer", "show", String(id), "--json")
            if result.status == 0,
                let object = try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any],
                let shown = object["transfer"] as? [String: Any],
                shown["status"] as? String == "running", (shown["rowsTransferred"] as? Int ?? 0) > 0
            {
                break
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        return (process, errors)
    }
}

struct CLITestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The URL of a test server without its password, and the password apart, as a careful user passes them.
func splitPassword(_ url: String) throws -> (url: String, password: String) {
    guard var components = URLComponents(string: url), let password = components.password else {
        throw CLITestError("the test URL has no password")
    }
    components.password = nil
    guard let bare = components.string else { throw CLITestError("cannot rebuild \(url)") }
    return (bare, password.removingPercentEncoding ?? password)
}
