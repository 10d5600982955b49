import Foundation
import GRDB

/// The store's users: every rule that needs the whole table (unique names, one admin left) is kept
/// inside the write that could break it.
extension TransactionalStore {
    func insert(user row: UserRow) async throws -> UserRow {
        try await insert(row) { tx in try ensureUsernameIsFree(row.username, except: nil, in: tx) }
    }

    func userPage(_ request: PageRequest) async throws -> ([UserRow], PageMetadata) {
        try await page(of: UserRow.self, request)
    }

    /// The user named by id or username.
    func user(_ reference: String) async throws -> UserRow {
        try await read { tx in try Self.find(UserRow.self, reference, nameColumn: "username", noun: "user", in: tx) }
    }

    /// The user named `username`: the server reads it on every request.
    func user(username: String) async throws -> UserRow? {
        try await read { tx in try tx.fetchOne(UserRow.self, where: "username = ?", storeArguments(username)) }
    }

    /// Sets the fields given; a new name must be free, and the last admin cannot stop being one.
    func updateUser(
        id: Int64, reference: String, username: String?, passwordHash: String?, admin: Bool?
    ) async throws -> UserRow {
        try await write { tx in
            guard var row = try tx.fetchOne(UserRow.self, id: id) else {
                throw SQLPipeError.notFound("user \(reference) was deleted meanwhile")
            }
            if let username {
                try ensureUsernameIsFree(username, except: row.id, in: tx)
                row.username = username
            }
            if let passwordHash { row.passwordHash = passwordHash }
            if let admin {
                if row.admin && !admin { try ensureAnotherAdmin(besides: row, in: tx, action: "demote") }
                row.admin = admin
            }
            return try tx.update(row) ?? row
        }
    }

    /// Deletes a user, unless it is the last admin.
    func deleteUser(id: Int64) async throws {
        try await write { tx in
            guard let row = try tx.fetchOne(UserRow.self, id: id) else { return }
            if row.admin { try ensureAnotherAdmin(besides: row, in: tx, action: "delete") }
            try tx.delete(UserRow.self, id: row.id)
        }
    }

    func userCount() async throws -> Int {
        try await read { tx in try tx.count("SELECT count(*) AS n FROM users", []) }
    }
}

private func ensureUsernameIsFree(_ username: String, except id: Int64?, in tx: any StoreTransaction) throws {
    if try tx.fetchOne(UserRow.self, where: "username = ? AND id <> ?", storeArguments(username, id ?? 0)) != nil {
        throw SQLPipeError.conflict("username: a user named '\(username)' already exists")
    }
}

/// The store must keep one admin: without one nobody could manage users through the API.
private func ensureAnotherAdmin(besides row: UserRow, in tx: any StoreTransaction, action: String) throws {
    let admins = try tx.count(
        "SELECT count(*) AS n FROM users WHERE admin = ? AND id <> ?", storeArguments(true, row.id ?? 0))
    if admins == 0 {
        throw SQLPipeError.conflict("cannot \(action) '\(row.username)': it is the last admin")
    }
}
