import Foundation
import GRDB

/// `sqlpipe store copy`: every record of a SQLite store into an empty PostgreSQL store, ids kept, in one
/// transaction of the target (a failure leaves it empty). Sealed passwords are opened with the source's key
/// and sealed again with the target's only when the two keys differ.
public enum StoreCopy {
    public struct Report: Sendable, Equatable {
        /// Records copied, by table, in the order they were copied.
        public var counts: [(table: String, records: Int)]
        public var resealed: Bool

        public static func == (left: Report, right: Report) -> Bool {
            left.resealed == right.resealed && left.counts.map(\.table) == right.counts.map(\.table)
                && left.counts.map(\.records) == right.counts.map(\.records)
        }
    }

    /// Copies the store file `source` into the PostgreSQL store at `target`. The source's key is its key
    /// file, else `SQLPIPE_SECRET_KEY`, else the variable `sourceKeyVariable` names when given; the target's
    /// is `SQLPIPE_SECRET_KEY`.
    public static func copy(
        from source: String, to target: String, environment: [String: String] = ProcessInfo.processInfo.environment,
        passwordVariable: String? = nil, sourceKeyVariable: String? = nil
    ) async throws -> Report {
        guard !PostgresStoreAddress.isURL(source) else {
            throw SQLPipeError.store("--from must be a store file: \(source) is a URL")
        }
        guard PostgresStoreAddress.isURL(target) else {
            throw SQLPipeError.store("--to must be a postgresql:// URL: \(target) is not")
        }
        guard FileManager.default.fileExists(atPath: source) else {
            throw SQLPipeError.store("there is no store file at \(source)")
        }
        let from = try MetadataStore(path: source)
        let sourceKeys = try sourceBox(for: source, environment: environment, keyVariable: sourceKeyVariable)
        let destination = try SQLPipe(
            storePath: target, environment: environment, passwordVariable: passwordVariable)
        guard let to = destination.store as? PostgresStore else {
            throw SQLPipeError.store("--to must be a PostgreSQL store")
        }
        let targetKeys = destination.connections.secrets
        let resealed = try await keysDiffer(sourceKeys, targetKeys, in: from)

        let rows = try await from.read { tx in
            Tables(
                users: try tx.fetchAll(UserRow.self, then: " ORDER BY id"),
                connections: try tx.fetchAll(ConnectionRow.self, then: " ORDER BY id"),
                replications: try tx.fetchAll(ReplicationRow.self, then: " ORDER BY id"),
                replicationRuns: try tx.fetchAll(ReplicationRunRow.self, then: " ORDER BY id"),
                transfers: try tx.fetchAll(TransferRow.self, then: " ORDER BY id"),
                queries: try tx.fetchAll(QueryRow.self, then: " ORDER BY id"))
        }
        // The file never gives an id twice, not even a deleted record's: nor does the copy.
        let lastIDs = try await from.read { tx -> [String: Int64] in
            var last: [String: Int64] = [:]
            for row in try tx.rows("SELECT name, seq FROM sqlite_sequence", []) {
                let name: String = row["name"]
                last[name] = row["seq"]
            }
            return last
        }
        let connections = try rows.connections.map { row in
            guard resealed else { return row }
            var copied = row
            copied.passwordCiphertext = try row.passwordCiphertext.map { try targetKeys.seal(sourceKeys.open($0)) }
            copied.secretParamsCiphertext = try row.secretParamsCiphertext.map {
                try targetKeys.seal(sourceKeys.open($0))
            }
            return copied
        }
        let description = to.address.description
        try await to.write { tx in
            let present = try Tables.names.filter { try tx.count("SELECT count(*) AS n FROM \($0)", []) > 0 }
            guard present.isEmpty else {
                throw SQLPipeError.conflict(
                    "the store \(description) is not empty (it has \(present.joined(separator: ", "))): copy into a new schema, e.g. ?schema=sqlpipe_copy"
                )
            }
            for row in rows.users { _ = try tx.insert(row) }
            for row in connections { _ = try tx.insert(row) }
            for row in rows.replications { _ = try tx.insert(row) }
            for row in rows.replicationRuns { _ = try tx.insert(row) }
            for row in rows.transfers { _ = try tx.insert(row) }
            for row in rows.queries { _ = try tx.insert(row) }
            // The next id of each table follows the copied ones and the deleted ones.
            for table in Tables.names {
                _ = try tx.rows(
                    """
                    SELECT setval(pg_get_serial_sequence('\(table)', 'id'), GREATEST(COALESCE(max(id), 0), ?) + 1, false)
                      AS n
                    FROM \(table)
                    """, storeArguments(lastIDs[table] ?? 0))
            }
        }
        return Report(
            counts: [
                ("users", rows.users.count), ("connections", rows.connections.count),
                ("replications", rows.replications.count), ("replication runs", rows.replicationRuns.count),
                ("transfers", rows.transfers.count), ("queries", rows.queries.count),
            ], resealed: resealed)
    }

    private struct Tables: Sendable {
        static let names = ["users", "connections", "replications", "replication_runs", "transfers", "queries"]
        var users: [UserRow]
        var connections: [ConnectionRow]
        var replications: [ReplicationRow]
        var replicationRuns: [ReplicationRunRow]
        var transfers: [TransferRow]
        var queries: [QueryRow]
    }

    private static func sourceBox(for path: String, environment: [String: String], keyVariable: String?) throws
        -> SecretBox
    {
        if let keyVariable {
            guard let key = environment[keyVariable], !key.isEmpty else {
                throw SQLPipeError.store("--from-key-env names \(keyVariable), which is not set")
            }
            return SecretBox(storePath: path, environment: [SecretBox.environmentVariable: key])
        }
        // The key file beside the store wins over the environment, which holds the target's key.
        if FileManager.default.fileExists(atPath: path + ".key") {
            return SecretBox(storePath: path, environment: [:])
        }
        return SecretBox(storePath: path, environment: environment)
    }

    /// Whether a sealed value of the source fails to open with the target's key (then every one is sealed
    /// again). A source without sealed values needs nothing.
    private static func keysDiffer(_ source: SecretBox, _ target: SecretBox, in store: MetadataStore) async throws
        -> Bool
    {
        let sample = try await store.read { tx -> Data? in
            let row = try tx.fetchOne(
                ConnectionRow.self, where: "password_ciphertext IS NOT NULL OR secret_params_ciphertext IS NOT NULL", []
            )
            return row?.passwordCiphertext ?? row?.secretParamsCiphertext
        }
        guard let sample else { return false }
        let plain = try source.open(sample)
        return (try? target.open(sample)) != plain
    }
}
