import Foundation

/// Runs the built `sqlpipe` executable as a user would, and collects what it prints.
public struct CommandRunner: Sendable {
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
        public var output: String { stdout + stderr }
    }

    public let storePath: String
    public var environment: [String: String]

    public init(storePath: String, environment: [String: String] = [:]) {
        self.storePath = storePath
        self.environment = environment
    }

    /// The `sqlpipe` binary beside the test bundle (SwiftPM builds both into one folder), or $SQLPIPE_BIN.
    public static var executable: URL {
        if let path = ProcessInfo.processInfo.environment["SQLPIPE_BIN"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        if folder.pathExtension == "xctest" { folder.deleteLastPathComponent() }
        return folder.appendingPathComponent("sqlpipe")
    }

    /// `run` without holding a thread of the cooperative pool while the process runs: tests that run many
    /// commands would otherwise starve the pool (two threads on a two-core machine) for everyone else.
    public func execute(_ arguments: [String], stdin: String? = nil, extraEnvironment: [String: String] = [:])
        async throws -> Result
    {
        let runner = self
        return try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(
                    with: Swift.Result { try runner.run(arguments, stdin: stdin, extraEnvironment: extraEnvironment) })
            }
        }
    }

    public func run(_ arguments: [String], stdin: String? = nil, extraEnvironment: [String: String] = [:]) throws
        -> Result
    {
        var environment = ProcessInfo.processInfo.environment
        environment["SQLPIPE_STORE"] = storePath
        environment.merge((try? TestStore.environment(forStore: storePath)) ?? [:]) { $1 }
        environment.merge(self.environment) { $1 }
        environment.merge(extraEnvironment) { $1 }
        return try Self.run(program: Self.executable, arguments, stdin: stdin, environment: environment)
    }

    /// Runs any program to its end with `stdin` as its input, and collects what it prints (blocking: call
    /// it off the cooperative pool).
    public static func run(
        program: URL, _ arguments: [String], stdin: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> Result {
        let process = Process()
        process.executableURL = program
        process.arguments = arguments
        process.environment = environment
        let input = Pipe()
        let output = Pipe()
        let errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        // Read stderr on its own thread while stdout is read here, so that neither pipe fills and blocks the child.
        let stderrData = PipeReader(errors.fileHandleForReading)
        let stdoutData = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, stdout: String(decoding: stdoutData, as: UTF8.self),
            stderr: String(decoding: stderrData.wait(), as: UTF8.self))
    }
}

/// Waits for a process without blocking a thread of the cooperative pool.
public func waitForExit(_ process: Process) async {
    while process.isRunning {
        try? await Task.sleep(for: .milliseconds(20))
    }
}

/// Reads a pipe to its end on a thread of its own.
private final class PipeReader: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }
    }

    func wait() -> Data {
        done.wait()
        return data
    }
}

/// What a shell command prints on stdout: `script` run by /bin/sh with `argument` as its `$0`, for the
/// tools the tests check files with (`gzip -dc "$0"`, `zstd -dc "$0"`).
public func shellOutput(_ script: String, _ argument: String) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", script, argument]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
}
