import Foundation
import GRDB

/// The store's connections: unique names, and no deletion under queued or running work.
extension MetadataStore {
    func insert(connection row: ConnectionRow) async throws -> ConnectionRow {
        try await insert(row) { db in try Self.ensureConnectionNameIsFree(row.name, except: nil, in: db) }
    }

    func update(connection row: ConnectionRow, reference: String) async throws -> ConnectionRow {
        try await update(row, missing: "connection \(reference) was deleted meanwhile") { db in
            try Self.ensureConnectionNameIsFree(row.name, except: row.id, in: db)
        }
    }

    func connectionPage(_ request: PageRequest) async throws -> ([ConnectionRow], PageMetadata) {
        try await page(of: ConnectionRow.self, request)
    }

    /// The connection named by id or name.
    func connection(_ reference: String) async throws -> ConnectionRow {
        try await read { db in
            try Self.find(ConnectionRow.self, reference, nameColumn: "name", noun: "connection", in: db)
        }
    }

    /// Deletes a connection that no replication and no queued or running transfer or query uses.
    func deleteConnection(_ row: ConnectionRow) async throws {
        try await write { db in
            let busy = [RunStatus.queued.rawValue, RunStatus.running.rawValue]
            let transfers =
                try Int.fetchOne(
                    db,
                    sql: """
                        SELECT count(*) FROM transfers
                        WHERE (source_id = ? OR target_id = ?) AND status IN (?, ?)
                        """, arguments: [row.id, row.id, busy[0], busy[1]]) ?? 0
            let queries =
                try Int.fetchOne(
                    db, sql: "SELECT count(*) FROM queries WHERE connection_id = ? AND status IN (?, ?)",
                    arguments: [row.id, busy[0], busy[1]]) ?? 0
            let replications = try String.fetchAll(
                db, sql: "SELECT name FROM replications WHERE source_id = ?1 OR target_id = ?1 ORDER BY name",
                arguments: [row.id])
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
            _ = try ConnectionRow.deleteOne(db, key: row.id)
        }
    }

    private static func ensureConnectionNameIsFree(_ name: String, except id: Int64?, in db: Database) throws {
        let clash = try ConnectionRow.filter(Column("name") == name).filter(Column("id") != id).fetchOne(db)
        if clash != nil {
            throw SQLPipeError.conflict("name: a connection named '\(name)' already exists")
        }
    }
}
