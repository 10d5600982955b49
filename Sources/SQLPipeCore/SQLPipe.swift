import Foundation

/// Everything the CLI and the server need, opened on one store: the services are the only way to it.
public struct SQLPipe: Sendable {
    public static let version = "0.1.0"

    public let store: MetadataStore
    public let connections: ConnectionService
    public let users: UserService
    public let transfers: TransferService
    public let queries: QueryService

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
    }

    /// Opens the store and marks work whose process died as interrupted: every CLI command and the server
    /// start here.
    public static func open(
        storePath: String, environment: [String: String] = ProcessInfo.processInfo.environment,
        hasher: PasswordHasher = PasswordHasher()
    ) async throws -> SQLPipe {
        let sqlpipe = try SQLPipe(storePath: storePath, environment: environment, hasher: hasher)
        try await sqlpipe.transfers.recoverInterrupted()
        try await sqlpipe.queries.recoverInterrupted()
        return sqlpipe
    }
}
