import Foundation
import GRDB

/// The store's connections: unique names, and no deletion under queued or running work.
extension TransactionalStore {
    func insert(connection row: ConnectionRow) async throws -> ConnectionRow {
        try await insert(row) { tx in try ensureConnectionNameIsFree(row.name, except: nil, in: tx) }
    }

    func update(connection row: ConnectionRow, reference: String) async throws -> ConnectionRow {
        try await update(row, missing: "connection \(reference) was deleted meanwhile") { tx in
            try ensureConnectionNameIsFree(row.name, except: row.id, in: tx)
        }
    }

    func connectionPage(_ request: PageRequest) async throws -> ([ConnectionRow], PageMetadata) {
        try await page(of: ConnectionRow.self, request)
    }

    /// The connection named by id or name.
    func connection(_ reference: String) async throws -> ConnectionRow {
        try await read { tx in
            try Self.find(ConnectionRow.self, reference, nameColumn: "name", noun: "connection", in: tx)
        }
    }

    /// Deletes a connection that no replication and no queued or running transfer or query uses.
    func deleteConnection(_ row: ConnectionRow) async throws {
        try await write { tx in
            let id = row.id ?? 0
            let busy = [RunStatus.queued.rawValue, RunStatus.running.rawValue]
            let transfers = try tx.count(
                "SELECT count(*) AS n FROM transfers WHERE (source_id = ? OR target_id = ?) AND status IN (?, ?)",
                storeArguments(id, id, busy[0], busy[1]))
            let queries = try tx.count(
                "SELECT count(*) AS n FROM queries WHERE connection_id = ? AND status IN (?, ?)",
                storeArguments(id, busy[0], busy[1]))
            let replications = try tx.rows(
                "SELECT name FROM replications WHERE source_id = ? OR target_id = ? ORDER BY name", id, id
            ).map { row -> String in row["name"] }
            if !replications.isEmpty {
                let names = replications.map { "'\($0)'" }.joined(separator: ", ")
                throw SQLPipeError.conflict(
                    "connection '\(row.name)' is used by replication \(names): change or delete it first")
            }
            if transfers + queries > 0 {
                throw SQLPipeError.conflict(
                    "connection '\(row.name)' is used by \(transfers) queued or running transfer(s) and \(queries) query(ies)"
                )
            }
            try tx.delete(ConnectionRow.self, id: row.id)
        }
    }
}

private func ensureConnectionNameIsFree(_ name: String, except id: Int64?, in tx: any StoreTransaction) throws {
    if try tx.fetchOne(ConnectionRow.self, where: "name = ? AND id <> ?", storeArguments(name, id ?? 0)) != nil {
        throw SQLPipeError.conflict("name: a connection named '\(name)' already exists")
    }
}
