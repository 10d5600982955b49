import Foundation
import GRDB

/// A queued transfer or query, as the server's worker pool picks it up.
public struct QueuedWork: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        case transfer, query
    }

    public var kind: Kind
    public var id: Int64
    public var createdAt: Date

    public init(kind: Kind, id: Int64, createdAt: Date) {
        self.kind = kind
        self.id = id
        self.createdAt = createdAt
    }
}

/// The queued work of a store in creation order, transfers and queries together: what `sqlpipe serve`
/// runs, whether it was created through the API or with the CLI's `--detach` in another process.
public struct WorkQueue: Sendable {
    let store: MetadataStore

    public init(store: MetadataStore) {
        self.store = store
    }

    /// Up to `limit` queued items, oldest first (ties: transfers before queries, then by id).
    public func next(limit: Int) async throws -> [QueuedWork] {
        guard limit > 0 else { return [] }
        return try await store.read { db in
            // GRDB rows are not Sendable: they become QueuedWork inside the read.
            try Row.fetchAll(
                db,
                sql: """
                    SELECT 'transfer' AS kind, id, created_at FROM transfers WHERE status = 'queued'
                    UNION ALL
                    SELECT 'query' AS kind, id, created_at FROM queries WHERE status = 'queued'
                    ORDER BY created_at, kind DESC, id LIMIT ?
                    """, arguments: [limit]
            ).compactMap { row -> QueuedWork? in
                guard let kind = QueuedWork.Kind(rawValue: row["kind"]) else { return nil }
                return QueuedWork(kind: kind, id: row["id"], createdAt: row["created_at"])
            }
        }
    }
}

extension QueuedWork {
    /// `transfer/12`, `query/3`: one key for both kinds.
    public var key: String { Self.key(kind, id) }

    public static func key(_ kind: Kind, _ id: Int64) -> String { "\(kind.rawValue)/\(id)" }
}
