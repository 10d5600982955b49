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
    /// Only admins may name it in a transfer or query.
    public var restricted: Bool
    /// Whether a live check succeeded just now; only details (`show`, `GET /connections/{id}`) carry it.
    public var canConnect: Bool?
    /// Why the live check failed, when it did.
    public var connectError: String?

    enum CodingKeys: String, CodingKey {
        case id, createdAt, updatedAt, name, dsType, hostname, port, dbName, username, accountId, params, restricted
        case canConnect, connectError
    }

    /// `port` is null for SQLite rather than absent; the live check's fields appear only in details.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(updatedAt, forKey: .updatedAt)
        try container.encode(name, forKey: .name)
        try container.encode(dsType, forKey: .dsType)
        try container.encode(hostname, forKey: .hostname)
        try container.encode(port, forKey: .port)
        try container.encode(dbName, forKey: .dbName)
        try container.encode(username, forKey: .username)
        try container.encode(accountId, forKey: .accountId)
        try container.encode(params, forKey: .params)
        try container.encode(restricted, forKey: .restricted)
        try container.encodeIfPresent(canConnect, forKey: .canConnect)
        try container.encodeIfPresent(connectError, forKey: .connectError)
    }
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
    public var restricted: Bool?

    public init(
        name: String? = nil, dsType: String? = nil, hostname: String? = nil, port: Int? = nil,
        dbName: String? = nil, username: String? = nil, accountId: String? = nil,
        params: [String: String]? = nil, password: String? = nil, restricted: Bool? = nil
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
        self.restricted = restricted
    }

    /// The fields of `patch` that are set, laid over these.
    public func merging(_ patch: ConnectionInput) -> ConnectionInput {
        ConnectionInput(
            name: patch.name ?? name, dsType: patch.dsType ?? dsType, hostname: patch.hostname ?? hostname,
            port: patch.port ?? port, dbName: patch.dbName ?? dbName, username: patch.username ?? username,
            accountId: patch.accountId ?? accountId, params: patch.params ?? params,
            password: patch.password ?? password, restricted: patch.restricted ?? restricted
        )
    }
}
