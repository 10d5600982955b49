import Foundation
import SQLPipeEngine

/// Everything the CLI and the server need, opened on one store: the services are the only way to it.
public struct SQLPipe: Sendable {
    public static let version = "0.1.0"

    public let store: MetadataStore
    public let connections: ConnectionService
    public let users: UserService
    public private(set) var transfers: TransferService
    public let queries: QueryService
    public private(set) var replications: ReplicationService

    public init(
        storePath: String, environment: [String: String] = ProcessInfo.processInfo.environment,
        hasher: PasswordHasher = PasswordHasher()
    ) throws {
        store = try MetadataStore(path: storePath)
        let secrets = SecretBox(storePath: storePath, environment: environment)
        connections = ConnectionService(store: store, secrets: secrets)
        users = UserService(store: store, hasher: hasher)
        transfers = TransferService(store: store, connections: connections)
        queries = QueryService(store: store, connections: connections)
        replications = ReplicationService(store: store, connections: connections, transfers: transfers)
    }

    /// The same, letting transfers name only the files of `access`: the command line's own user's files
    /// (`.host`, the default), a server's data directory, or none at all (nil: a server without one).
    public func withFileAccess(_ access: FileAccess?) -> SQLPipe {
        var copy = self
        copy.transfers.files = access
        copy.replications = ReplicationService(store: store, connections: connections, transfers: copy.transfers)
        return copy
    }

    /// Opens the store and marks work whose runner is gone as interrupted: every CLI command and the server
    /// start here. Only the store is touched; `dropLeftovers` reaches out to the targets.
    public static func open(
        storePath: String, environment: [String: String] = ProcessInfo.processInfo.environment,
        hasher: PasswordHasher = PasswordHasher()
    ) async throws -> SQLPipe {
        let sqlpipe = try SQLPipe(storePath: storePath, environment: environment, hasher: hasher)
        try await sqlpipe.recoverInterrupted()
        return sqlpipe
    }

    /// Marks transfers, queries and replication runs whose runner is gone (its lease expired, or its process exited) as
    /// interrupted. The server calls it while it runs, as leases of dead runners expire.
    public func recoverInterrupted() async throws {
        try await transfers.recoverInterrupted()
        try await queries.recoverInterrupted()
        try await replications.recoverInterrupted()
    }

    /// Drops the staging tables failed and interrupted transfers left in their targets, giving each target
    /// `seconds`: for the commands that run work and the server, never for one that only reads the store.
    public func dropLeftovers(within seconds: TimeInterval = 5) async throws {
        try await transfers.dropLeftovers(within: seconds)
    }
}
