import Foundation
import GRDB

/// The store's users: every rule that needs the whole table (unique names, one admin left) is kept
/// inside the write that could break it.
extension MetadataStore {
    func insert(user row: UserRow) async throws -> UserRow {
        try await insert(row) { db in try Self.ensureUsernameIsFree(row.username, except: nil, in: db) }
    }

    func userPage(_ request: PageRequest) async throws -> ([UserRow], PageMetadata) {
        try await page(of: UserRow.self, request)
    }

    /// The user named by id or username.
    func user(_ reference: String) async throws -> UserRow {
        try await read { db in try Self.find(UserRow.self, reference, nameColumn: "username", noun: "user", in: db) }
    }

    /// The user named `username`, through a cached statement: the server reads it on every request.
    func user(username: String) async throws -> UserRow? {
        try await read { db in
            let statement = try db.cachedStatement(
                sql: "SELECT id, created_at, username, password_hash, admin FROM users WHERE username = ?")
            guard let row = try Row.fetchOne(statement, arguments: [username]) else { return nil }
            return UserRow(id: row[0], createdAt: row[1], username: row[2], passwordHash: row[3], admin: row[4])
        }
    }

    /// Sets the fields given; a new name must be free, and the last admin cannot stop being one.
    func updateUser(
        id: Int64, reference: String, username: String?, passwordHash: String?, admin: Bool?
    ) async throws -> UserRow {
        try await write { db in
            guard var row = try UserRow.fetchOne(db, key: id) else {
                throw SQLPipeError.notFound("user \(reference) was deleted meanwhile")
            }
            if let username {
                try Self.ensureUsernameIsFree(username, except: row.id, in: db)
                row.username = username
            }
            if let passwordHash { row.passwordHash = passwordHash }
            if let admin {
                if row.admin && !admin { try Self.ensureAnotherAdmin(besides: row, in: db, action: "demote") }
                row.admin = admin
            }
            try row.update(db)
            return row
        }
    }

    /// Deletes a user, unless it is the last admin.
    func deleteUser(id: Int64) async throws {
        try await write { db in
            guard let row = try UserRow.fetchOne(db, key: id) else { return }
            if row.admin { try Self.ensureAnotherAdmin(besides: row, in: db, action: "delete") }
            _ = try UserRow.deleteOne(db, key: row.id)
        }
    }

    func userCount() async throws -> Int {
        try await read { db in try UserRow.fetchCount(db) }
    }

    private static func ensureUsernameIsFree(_ username: String, except id: Int64?, in db: Database) throws {
        if try UserRow.filter(Column("username") == username).filter(Column("id") != id).fetchOne(db) != nil {
            throw SQLPipeError.conflict("username: a user named '\(username)' already exists")
        }
    }

    /// The store must keep one admin: without one nobody could manage users through the API.
    private static func ensureAnotherAdmin(besides row: UserRow, in db: Database, action: String) throws {
        let admins = try UserRow.filter(Column("admin") == true).filter(Column("id") != row.id).fetchCount(db)
        if admins == 0 {
            throw SQLPipeError.conflict("cannot \(action) '\(row.username)': it is the last admin")
        }
    }
}
