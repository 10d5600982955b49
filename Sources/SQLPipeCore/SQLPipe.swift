import Foundation
import SQLPipeEngine

/// Everything the CLI and the server need, opened on one store: the services are the only way to it.
public struct SQLPipe: Sendable {
    public static let version = "0.1.0"

    /// What the database libraries set once for the whole process: call it first thing in `main`.
    public static func configureProcess() {
        SQLiteDriver.configureProcess()
    }

    let store: any TransactionalStore
    public let connections: ConnectionService
    public let users: UserService
    public private(set) var transfers: TransferService
    public let queries: QueryService
    public private(set) var replications: ReplicationService

    /// Opens the store `location` names: a SQLite file (made when missing), or a `postgresql://` URL whose
    /// schema is made or upgraded; `passwordVariable` names the variable that holds the password of the
    /// latter. A PostgreSQL store needs `SQLPIPE_SECRET_KEY`, the key it was made with.
    public init(
        storePath location: String, environment: [String: String] = ProcessInfo.processInfo.environment,
        hasher: PasswordHasher = PasswordHasher(), passwordVariable: String? = nil
    ) throws {
        let secrets: SecretBox
        if PostgresStoreAddress.isURL(location) {
            let address = try PostgresStoreAddress(
                location, passwordVariable: passwordVariable, environment: environment)
            secrets = try SecretBox(requiringKeyFrom: environment, for: address.description)
            let postgres = try PostgresStore(address)
            // The first process keeps a check sealed with its key; a later one (or one that lost that
            // race) must open the kept one.
            let kept =
                try postgres.setting("key_check")
                ?? postgres.settingOnce("key_check", secrets.verify(keyCheck: nil, store: address.description))
            _ = try secrets.verify(keyCheck: kept, store: address.description)
            store = postgres
        } else {
            if passwordVariable != nil {
                throw SQLPipeError.store("--store-password-env is for a PostgreSQL store; \(location) is a file")
            }
            store = try MetadataStore(path: location)
            secrets = SecretBox(storePath: location, environment: environment)
        }
        connections = ConnectionService(store: store, secrets: secrets)
        users = UserService(store: store, hasher: hasher)
        transfers = TransferService(store: store, connections: connections)
        queries = QueryService(store: store, connections: connections)
        replications = ReplicationService(store: store, connections: connections, transfers: transfers)
    }

    /// `sqlite` or `postgresql`.
    public var storeKind: String { store is PostgresStore ? "postgresql" : "sqlite" }

    /// Where the store is, as messages show it (never with a password).
    public var storeDescription: String { store.path }

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
        hasher: PasswordHasher = PasswordHasher(), passwordVariable: String? = nil
    ) async throws -> SQLPipe {
        let sqlpipe = try SQLPipe(
            storePath: storePath, environment: environment, hasher: hasher, passwordVariable: passwordVariable)
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
