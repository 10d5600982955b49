import Foundation

/// What the services, the run watcher, the work queue and the server ask of a metadata store: named
/// operations, each keeping its own rules (unique names, the last admin, claims and leases) inside one
/// transaction. Two implementations share the operations' SQL (`TransactionalStore`): `MetadataStore`, on an
/// embedded SQLite file, and `PostgresStore`, for several servers on several hosts. Nothing outside the
/// store names a table of its schema.
protocol MetadataStoring: Sendable {
    /// Where the store is, for messages (never with a password).
    var path: String { get }
    /// The folder of a store file, which holds its key: no SQLite connection may point into it.
    var localFolder: String? { get }
    /// A value that is different once anything was committed to the store, by any connection of any
    /// process, since it was read: what was read before it may be kept while it stays the same. Nil when
    /// the store cannot tell without a round trip.
    func changeMark() throws -> Int64?

    // Users.
    func insert(user row: UserRow) async throws -> UserRow
    func userPage(_ request: PageRequest) async throws -> ([UserRow], PageMetadata)
    func user(_ reference: String) async throws -> UserRow
    func user(username: String) async throws -> UserRow?
    func updateUser(id: Int64, reference: String, username: String?, passwordHash: String?, admin: Bool?) async throws
        -> UserRow
    func deleteUser(id: Int64) async throws
    func userCount() async throws -> Int

    // Connections.
    func insert(connection row: ConnectionRow) async throws -> ConnectionRow
    func update(connection row: ConnectionRow, reference: String) async throws -> ConnectionRow
    func connectionPage(_ request: PageRequest) async throws -> ([ConnectionRow], PageMetadata)
    func connection(_ reference: String) async throws -> ConnectionRow
    func deleteConnection(_ row: ConnectionRow) async throws

    // Transfers and queries.
    func findRun<Record: RunRecord>(_ type: Record.Type, _ id: Int64) async throws -> Record
    func claimRun<Record: RunRecord>(
        _ type: Record.Type, _ id: Int64, preparing prepare: @escaping @Sendable (inout Record) -> Void
    ) async throws -> (Record, RunClaim)
    func insertRun<Record: RunRecord>(
        _ record: Record, claimed: Bool, preparing prepare: @escaping @Sendable (inout Record, Int64) -> Void
    ) async throws -> (Record, RunClaim?)
    func renew(_ table: RunTable, claim: RunClaim, rows: Int, until expiry: Date) throws -> RenewedRun
    func finishRun<Record: RunRecord>(
        _ type: Record.Type, _ claim: RunClaim, _ update: @escaping @Sendable (inout Record) -> Void
    ) async throws -> Record
    func cancelRun<Record: RunRecord>(_ type: Record.Type, _ id: Int64) async throws -> Record
    func deleteRun<Record: RunRecord>(_ type: Record.Type, _ id: Int64) async throws
    func recoverInterruptedRuns<Record: RunRecord>(
        _ type: Record.Type, now: Date, _ update: @escaping @Sendable (inout Record) -> Void
    ) async throws -> [Record]
    func keepRun<Record: RunRecord>(_ inserted: Record, ifActiveRunsOf username: String, areAtMost maximum: Int)
        async throws -> Int
    func transferPage(_ request: PageRequest) async throws -> ([TransferRow], PageMetadata)
    func queryPageWithoutResults(_ request: PageRequest) async throws -> ([QueryRow], PageMetadata)
    func queuedWork(limit: Int) async throws -> [QueuedWork]
    func queuedCounts() async throws -> [QueuedWork.Kind: Int]
    func transfersPendingCleanup() async throws -> [TransferRow]
    func markCleanedUp(transfer id: Int64) async throws

    // Replications and their runs.
    func insert(replication row: ReplicationRow) async throws -> ReplicationRow
    func update(replication row: ReplicationRow) async throws -> ReplicationRow
    func replicationPage(_ request: PageRequest) async throws -> ([ReplicationRow], PageMetadata)
    func replication(_ reference: String) async throws -> ReplicationRow
    func deleteReplication(_ row: ReplicationRow) async throws
    func insertReplicationRun(_ run: ReplicationRunRow, claimed: Bool, replicationName: String) async throws
        -> (ReplicationRunRow, RunClaim?)
    func replicationRunPage(of replicationID: Int64, _ request: PageRequest) async throws
        -> ([ReplicationRunRow], PageMetadata)
    func record(streams: [StreamResult], of claim: RunClaim) async throws
    func dueReplications(at now: Date) async throws -> [ReplicationRow]
    func startScheduledRun(
        of replicationID: Int64, due: Date, next: Date?, missed: Bool,
        makeRun: @escaping @Sendable (Int) -> ReplicationRunRow
    ) async throws -> ReplicationRunRow?
}

extension MetadataStoring {
    func claimRun<Record: RunRecord>(_ type: Record.Type, _ id: Int64) async throws -> (Record, RunClaim) {
        try await claimRun(type, id) { _ in }
    }

    func insertRun<Record: RunRecord>(_ record: Record, claimed: Bool) async throws -> (Record, RunClaim?) {
        try await insertRun(record, claimed: claimed) { _, _ in }
    }

    func recoverInterruptedRuns<Record: RunRecord>(
        _ type: Record.Type, _ update: @escaping @Sendable (inout Record) -> Void = { _ in }
    ) async throws -> [Record] {
        try await recoverInterruptedRuns(type, now: Date(), update)
    }
}

extension MetadataStore: TransactionalStore {
    var localFolder: String? { URL(fileURLWithPath: path).deletingLastPathComponent().path }
}

extension PostgresStore {
    var localFolder: String? { nil }
    /// Other hosts write to it: knowing would take the round trip that reading does.
    func changeMark() throws -> Int64? { nil }
}
