import Foundation
import SQLPipeCore
import SQLPipeEngine

/// The databases of one test: the shared servers under names no other test uses, and SQLite files in a
/// folder of its own.
public struct TestWorld: Sendable {
    public let directory: URL
    public let tag: String

    public init() throws {
        directory = try TemporaryDirectory.make()
        tag = String(UUID().uuidString.prefix(8)).lowercased()
    }

    /// A table name no other test uses: `base_tag`.
    public func uniqueName(_ base: String) -> String { "\(base)_\(tag)" }

    public func config(_ system: DataSystem, file: String = "data.db") throws -> ConnectionConfig {
        var input = try TestDatabases.input(for: system, sqlitePath: directory.appendingPathComponent(file).path)
        input.dsType = system.rawValue
        return TestDatabases.config(input)
    }

    public func input(_ system: DataSystem, name: String, file: String = "data.db") throws -> ConnectionInput {
        var input = try TestDatabases.input(for: system, sqlitePath: directory.appendingPathComponent(file).path)
        input.dsType = system.rawValue
        input.name = name
        return input
    }
}

/// What the shared servers are running now, seen from a session of their own.
public enum ServerActivity {
    /// Whether a statement containing `marker` is running on the server of `system`.
    public static func isRunning(_ marker: String, on system: DataSystem) throws -> Bool {
        let session = try Drivers.open(try TestWorld().config(system))
        defer { session.close() }
        return try isRunning(marker, in: session)
    }

    static func isRunning(_ marker: String, in session: any DatabaseSession) throws -> Bool {
        switch session.dialect.system {
        case .postgresql:
            let rows = try session.query(
                "SELECT count(*) FROM pg_stat_activity WHERE query LIKE $1 AND pid <> pg_backend_pid() AND state = 'active'",
                ["%" + marker + "%"])
            return rows.first?.first != "0"
        case .mysql, .mariadb:
            let rows = try session.query(
                "SELECT count(*) FROM information_schema.processlist WHERE info LIKE ? AND id <> CONNECTION_ID()",
                ["%" + marker + "%"])
            return rows.first?.first != "0"
        case .sqlite:
            return false
        }
    }

    /// How long until no statement containing `marker` runs any more (at most `limit`), watched from one
    /// session so that the watching costs the busy machine little.
    public static func timeUntilStopped(_ marker: String, on system: DataSystem, limit: Duration = .seconds(30))
        async throws -> Duration
    {
        let session = try Drivers.open(try TestWorld().config(system))
        defer { session.close() }
        let started = ContinuousClock.now
        while try isRunning(marker, in: session), ContinuousClock.now - started < limit {
            try await Task.sleep(for: .milliseconds(25))
        }
        return ContinuousClock.now - started
    }
}

/// Runs blocking work (C client calls) on a thread of its own, so that tests do not hold the few threads
/// of the cooperative pool that every other test and the services need.
public func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread { continuation.resume(with: Result { try body() }) }
    }
}

/// Runs `body` as `offPool` does, but at most a few at a time: for suites of many cases that each hold
/// several server connections, so that together they stay under the test servers' connection limit.
public func offPoolSharingServers<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await offPool {
        sharedServerSlots.wait()
        defer { sharedServerSlots.signal() }
        return try body()
    }
}

private let sharedServerSlots = DispatchSemaphore(value: 3)

/// Clean-up that a `defer` starts and cannot wait for (it must not block the cooperative pool), on a thread
/// of its own. The process waits for the ones still running before it exits (up to 30 s): a thread inside
/// libpq while the libraries' exit handlers tear down their locks would crash the whole run.
public enum BackgroundCleanup {
    private static let pending = DispatchGroup()
    private static let exitHook: Void = {
        atexit { _ = BackgroundCleanup.pending.wait(timeout: .now() + 30) }
    }()

    public static func run(_ body: @escaping @Sendable () -> Void) {
        _ = exitHook
        pending.enter()
        Thread.detachNewThread {
            body()
            pending.leave()
        }
    }
}
