import Foundation

/// A user as the API and `--json` show it. The password is write-only: only its bcrypt hash is stored.
public struct User: Codable, Equatable, Sendable {
    public var id: Int64
    public var createdAt: Date
    public var username: String
    public var admin: Bool
}

/// The fields a client sends to create a user, or any subset of them to update one.
public struct UserInput: Codable, Equatable, Sendable {
    public var username: String?
    public var password: String?
    public var admin: Bool?

    public init(username: String? = nil, password: String? = nil, admin: Bool? = nil) {
        self.username = username
        self.password = password
        self.admin = admin
    }
}
