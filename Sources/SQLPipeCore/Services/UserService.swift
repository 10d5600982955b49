import Crypto
import Foundation

/// Creates, lists, changes and deletes users, and checks their passwords.
public struct UserService: Sendable {
    let store: any MetadataStoring
    let hasher: PasswordHasher
    /// bcrypt takes a core for tens of milliseconds: at most one hash per core at once, and a bounded queue.
    let hashing: BoundedBlockingExecutor

    /// Users read since the store last changed.
    private let recent = RecentCredentials()

    init(store: any MetadataStoring, hasher: PasswordHasher = PasswordHasher()) {
        self.store = store
        self.hasher = hasher
        self.hashing = BoundedBlockingExecutor()
    }

    public func create(_ input: UserInput) async throws -> User {
        var problems: [String: String] = [:]
        UserRules.checkUsername(input.username, into: &problems)
        UserRules.checkPassword(input.password, into: &problems)
        guard problems.isEmpty, let username = input.username, let password = input.password else {
            throw SQLPipeError.validation(problems)
        }
        let hash = try await hash(password)
        let row = UserRow(
            id: nil, createdAt: Date(), username: username, passwordHash: hash, admin: input.admin ?? false)
        let inserted = try await store.insert(user: row)
        return try Self.resource(inserted)
    }

    public func list(_ request: PageRequest) async throws -> Page<User> {
        let (rows, metadata) = try await store.userPage(request)
        return Page(items: try rows.map(Self.resource), metadata: metadata)
    }

    /// The user named by id or username.
    public func get(_ reference: String) async throws -> User {
        try Self.resource(try await find(reference))
    }

    public func update(_ reference: String, _ patch: UserInput) async throws -> User {
        var problems: [String: String] = [:]
        if patch.username != nil { UserRules.checkUsername(patch.username, into: &problems) }
        if patch.password != nil { UserRules.checkPassword(patch.password, into: &problems) }
        guard problems.isEmpty else { throw SQLPipeError.validation(problems) }
        let newHash = try await patch.password.asyncMap { try await hash($0) }
        let current = try await find(reference)
        guard let id = current.id else { throw SQLPipeError.store("a stored user has no id") }
        let updated = try await store.updateUser(
            id: id, reference: reference, username: patch.username, passwordHash: newHash, admin: patch.admin)
        return try Self.resource(updated)
    }

    public func delete(_ reference: String) async throws {
        let current = try await find(reference)
        guard let id = current.id else { throw SQLPipeError.store("a stored user has no id") }
        try await store.deleteUser(id: id)
    }

    /// A user and a fingerprint of its stored credentials (id, username and password hash). The fingerprint
    /// changes whenever the password is set (bcrypt salts each hash) or the user is renamed; a deleted user
    /// has none. The server's credential cache keeps it to notice such changes, from any process, at once.
    public struct Credentials: Sendable, Equatable {
        public let user: User
        public let fingerprint: [UInt8]
    }

    /// The user whose username and password these are, with the fingerprint of the credentials that
    /// matched (read in the same step), or nil. Takes as long for an unknown user as for a wrong password,
    /// so that timing does not tell which usernames exist.
    public func verify(username: String, password: String) async throws -> Credentials? {
        let row = try await store.user(username: username)
        let hash = row?.passwordHash ?? UserRules.decoyHash
        let matches = try await hashing.run { [hasher] in hasher.verify(password, hash: hash) }
        guard matches, let row else { return nil }
        return Credentials(user: try Self.resource(row), fingerprint: Self.fingerprint(row))
    }

    /// The user named `username` as stored now, with its credentials' fingerprint; nil when there is none.
    /// One indexed read, or none while the store has not changed since the last one: no password check.
    public func credentials(username: String) async throws -> Credentials? {
        let mark = try store.changeMark()
        if let mark, let known = recent.credentials(username, at: mark) { return known }
        guard let row = try await store.user(username: username) else { return nil }
        let credentials = Credentials(user: try Self.resource(row), fingerprint: Self.fingerprint(row))
        // Kept under the mark read before the user: a commit in between makes the next request read again.
        if let mark { recent.keep(credentials, for: username, at: mark) }
        return credentials
    }

    private static func fingerprint(_ row: UserRow) -> [UInt8] {
        Array(SHA256.hash(data: Data("\(row.id ?? 0)\u{0}\(row.username)\u{0}\(row.passwordHash)".utf8)))
    }

    public func count() async throws -> Int {
        try await store.userCount()
    }

    // MARK: - Helpers

    private func hash(_ password: String) async throws -> String {
        try await hashing.run { [hasher] in hasher.hash(password) }
    }

    private func find(_ reference: String) async throws -> UserRow {
        try await store.user(reference)
    }

    static func resource(_ row: UserRow) throws -> User {
        guard let id = row.id else { throw SQLPipeError.store("a stored user has no id") }
        return User(id: id, createdAt: row.createdAt, username: row.username, admin: row.admin)
    }
}

enum UserRules {
    /// A valid bcrypt hash of a random password, so that an unknown username costs one verification too.
    static let decoyHash = "$2b$12$C6UzMDM.H6dfI/f/IKxGhuXTGk0CGzBx7C7mGqDyjfYsOCt8PRpWq"

    static func checkUsername(_ username: String?, into problems: inout [String: String]) {
        guard let username, !username.isEmpty else {
            problems["username"] = "must be provided"
            return
        }
        if !(5...30).contains(username.count) {
            problems["username"] = "must be 5 to 30 characters long"
        } else if !username.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) {
            problems["username"] = "may contain only letters, digits and underscores"
        } else if !(username.first?.isLetter ?? false) {
            problems["username"] = "must start with a letter"
        }
    }

    static func checkPassword(_ password: String?, into problems: inout [String: String]) {
        guard let password, !password.isEmpty else {
            problems["password"] = "must be provided"
            return
        }
        if password.count < 8 {
            problems["password"] = "must be at least 8 characters long"
        } else if password.count > 72 || password.utf8.count > 72 {
            // bcrypt reads only the first 72 bytes: a longer password would be silently cut.
            problems["password"] = "must be at most 72 characters (72 bytes) long"
        }
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}

/// The users the server read while the store stayed as it was (`MetadataStoring.changeMark`): any commit
/// to the store, a new password, a rename or a deletion among them, from this process or any other, makes
/// every entry stale at once.
private final class RecentCredentials: Sendable {
    private struct Entries {
        var mark: Int64?
        var users: [String: UserService.Credentials] = [:]
    }

    /// Usernames kept at most; beyond them the set starts over.
    private static let capacity = 1_000
    private let entries = Mutex(Entries())

    func credentials(_ username: String, at mark: Int64) -> UserService.Credentials? {
        entries.withLock { $0.mark == mark ? $0.users[username] : nil }
    }

    func keep(_ credentials: UserService.Credentials, for username: String, at mark: Int64) {
        entries.withLock { entries in
            if entries.mark != mark || entries.users.count >= Self.capacity {
                entries = Entries(mark: mark)
            }
            entries.users[username] = credentials
        }
    }
}
