import Foundation

/// Everything the CLI and the server need, opened on one store: the services are the only way to it.
public struct SQLPipe: Sendable {
    public static let version = "0.1.0"

    public let store: MetadataStore
    public let connections: ConnectionService
    public let users: UserService

    public init(
        storePath: String, environment: [String: String] = ProcessInfo.processInfo.environment,
        hasher: PasswordHasher = PasswordHasher()
    ) throws {
        store = try MetadataStore(path: storePath)
        let secrets = SecretBox(storePath: storePath, environment: environment)
        connections = ConnectionService(store: store, secrets: secrets)
        users = UserService(store: store, hasher: hasher)
    }
}
