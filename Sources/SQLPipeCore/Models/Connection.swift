import Foundation
import SQLPipeEngine

/// A stored connection as the API and `--json` show it. The password is write-only: it is never here.
public struct Connection: Codable, Equatable, Sendable {
    public var id: Int64
    public var createdAt: Date
    public var updatedAt: Date
    public var name: String
    public var dsType: DataSystem
    public var hostname: String
    public var port: Int?
    public var dbName: String
    public var username: String
    public var accountId: String
    public var params: [String: String]
    /// Whether a live check succeeded just now; only details (`show`, `GET /connections/{id}`) carry it.
    public var canConnect: Bool?
    /// Why the live check failed, when it did.
    public var connectError: String?
}

/// The fields a client sends to create a connection, or any subset of them to update one.
public struct ConnectionInput: Codable, Equatable, Sendable {
    public var name: String?
    public var dsType: String?
    public var hostname: String?
    public var port: Int?
    public var dbName: String?
    public var username: String?
    public var accountId: String?
    public var params: [String: String]?
    public var password: String?

    public init(
        name: String? = nil, dsType: String? = nil, hostname: String? = nil, port: Int? = nil,
        dbName: String? = nil, username: String? = nil, accountId: String? = nil,
        params: [String: String]? = nil, password: String? = nil
    ) {
        self.name = name
        self.dsType = dsType
        self.hostname = hostname
        self.port = port
        self.dbName = dbName
        self.username = username
        self.accountId = accountId
        self.params = params
        self.password = password
    }

    /// The fields of `patch` that are set, laid over these.
    public func merging(_ patch: ConnectionInput) -> ConnectionInput {
        ConnectionInput(
            name: patch.name ?? name, dsType: patch.dsType ?? dsType, hostname: patch.hostname ?? hostname,
            port: patch.port ?? port, dbName: patch.dbName ?? dbName, username: patch.username ?? username,
            accountId: patch.accountId ?? accountId, params: patch.params ?? params,
            password: patch.password ?? password
        )
    }
}
