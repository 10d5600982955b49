import Foundation
import GRDB

/// The metadata store on PostgreSQL, for several `serve` processes on several hosts: the same records as the
/// SQLite file, in a schema of its own. Writes are SERIALIZABLE transactions, run again when PostgreSQL
/// reports a lost race, so that every rule the SQLite store keeps by writing alone (unique names, the last
/// admin, one run per due time) holds across hosts too; claims lock their row and skip a locked one.
public final class PostgresStore: TransactionalStore, @unchecked Sendable {
    public let address: PostgresStoreAddress
    private let pool: PostgresConnectionPool

    var path: String { address.description }

    public init(_ address: PostgresStoreAddress, connections: Int = 8) throws {
        self.address = address
        pool = PostgresConnectionPool(address: address, limit: connections)
        try pool.withConnection { connection in try PostgresStoreSchema.migrate(connection, schema: address.schema) }
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (any StoreTransaction) throws -> T) async throws -> T {
        try await runBlocking { try self.transaction(write: false, body) }
    }

    func write<T: Sendable>(_ body: @escaping @Sendable (any StoreTransaction) throws -> T) async throws -> T {
        try await runBlocking { try self.transaction(write: true, body) }
    }

    func writeBlocking<T>(_ body: (any StoreTransaction) throws -> T) throws -> T {
        try transaction(write: true, body)
    }

    /// A value of the store's own settings (`key_check`), or nil.
    func setting(_ name: String) throws -> String? {
        try transaction(write: false) { tx in
            try tx.rows("SELECT value FROM sqlpipe_settings WHERE name = ?", name).first?["value"]
        }
    }

    /// Sets `name` unless it is set already; returns the value it has then.
    func settingOnce(_ name: String, _ value: String) throws -> String {
        try transaction(write: true) { tx in
            try tx.execute(
                "INSERT INTO sqlpipe_settings (name, value) VALUES (?, ?) ON CONFLICT DO NOTHING", name, value)
            let stored: String? = try tx.rows("SELECT value FROM sqlpipe_settings WHERE name = ?", name).first?["value"]
            return stored ?? value
        }
    }

    /// Runs `body` in one transaction on a pooled connection: SERIALIZABLE for writes, run again (with a
    /// short random pause) while PostgreSQL reports a serialization failure or a deadlock; a read-only
    /// snapshot for reads.
    private func transaction<T>(write: Bool, _ body: (any StoreTransaction) throws -> T) throws -> T {
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try pool.withConnection { connection in
                    try connection.run(
                        write ? "BEGIN ISOLATION LEVEL SERIALIZABLE" : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
                    )
                    do {
                        let value = try body(PostgresTransaction(connection: connection))
                        try connection.run("COMMIT")
                        return value
                    } catch {
                        if connection.isHealthy { try? connection.run("ROLLBACK") }
                        throw error
                    }
                }
            } catch let error as PostgresStoreError where error.isRetryable && attempt < 50 {
                usleep(UInt32.random(in: 1_000...(5_000 * UInt32(min(attempt, 10)))))
            } catch let error as PostgresStoreError {
                throw Self.translate(error)
            }
        }
    }

    private static func translate(_ error: PostgresStoreError) -> SQLPipeError {
        if error.state == "23505" { return .conflict("a record with that name already exists") }
        return .store("the store failed: \(error.message)")
    }
}

/// A transaction of the PostgreSQL store.
struct PostgresTransaction: StoreTransaction {
    let connection: PostgresStoreConnection

    var claimLock: String { " FOR UPDATE SKIP LOCKED" }

    func rows(_ sql: String, _ arguments: [DatabaseValue]) throws -> [Row] {
        try connection.rows(sql, arguments)
    }

    func execute(_ sql: String, _ arguments: [DatabaseValue]) throws -> Int {
        try connection.changes(sql, arguments)
    }
}

/// Up to `limit` connections to the store, opened when first needed and closed after ten seconds unused,
/// so that many processes (or many stores in one process) hold few of the server's connection slots. A
/// caller waits at most 30 seconds for a free one.
final class PostgresConnectionPool: @unchecked Sendable {
    private let address: PostgresStoreAddress
    private let limit: Int
    private let condition = NSCondition()
    private var idle: [(connection: PostgresStoreConnection, since: ContinuousClock.Instant)] = []
    private var open = 0
    private var reaper: DispatchSourceTimer?
    static let idleLifetime: Duration = .seconds(10)

    init(address: PostgresStoreAddress, limit: Int) {
        self.address = address
        self.limit = max(1, limit)
        let timer = DispatchSource.makeTimerSource(queue: .global(qos: .utility))
        timer.schedule(deadline: .now() + 5, repeating: 5)
        timer.setEventHandler { [weak self] in self?.closeIdle() }
        timer.resume()
        reaper = timer
    }

    deinit { reaper?.cancel() }

    func withConnection<T>(_ body: (PostgresStoreConnection) throws -> T) throws -> T {
        let connection = try acquire()
        var healthy = true
        defer { release(connection, healthy: healthy) }
        do {
            return try body(connection)
        } catch {
            healthy = connection.isHealthy
            throw error
        }
    }

    private func acquire() throws -> PostgresStoreConnection {
        condition.lock()
        let deadline = Date().addingTimeInterval(30)
        while idle.isEmpty && open >= limit {
            if !condition.wait(until: deadline) {
                condition.unlock()
                throw SQLPipeError.store("all \(limit) connections to the store stayed busy for 30 s")
            }
        }
        if let (connection, _) = idle.popLast() {
            condition.unlock()
            return connection
        }
        open += 1
        condition.unlock()
        do {
            return try PostgresStoreConnection(address)
        } catch {
            condition.lock()
            open -= 1
            condition.signal()
            condition.unlock()
            throw error
        }
    }

    private func release(_ connection: PostgresStoreConnection, healthy: Bool) {
        condition.lock()
        if healthy { idle.append((connection, .now)) } else { open -= 1 }
        condition.signal()
        condition.unlock()
    }

    /// Closes the connections unused for `idleLifetime`: they close as `stale` goes, after the lock is
    /// given back, since closing talks to the server.
    private func closeIdle() {
        let cutoff = ContinuousClock.now - Self.idleLifetime
        condition.lock()
        let stale = idle.filter { $0.since < cutoff }
        idle.removeAll { $0.since < cutoff }
        open -= stale.count
        condition.unlock()
    }
}
