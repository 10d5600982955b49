import Foundation
import SQLPipeEngine

/// The rules that the fields of a new transfer and a new query share.
enum RunRules {
    static let maximumQueryBytes = 1 << 20

    /// The statement text, trimmed; a problem under `query` when it is empty or longer than 1 MiB.
    static func queryText(_ raw: String?, into problems: inout [String: String]) -> String {
        let text = (raw ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if text.isEmpty { problems["query"] = "must be provided" }
        if text.utf8.count > maximumQueryBytes { problems["query"] = "must be at most 1 MiB" }
        return text
    }

    /// The connection `id` names and its config, when `caller` may use it; a problem under `field` when no
    /// id is given or no such connection exists (a restricted one is refused outright).
    static func connection(
        _ id: Int64?, field: String, by caller: Caller, in connections: ConnectionService,
        into problems: inout [String: String]
    ) async throws -> (Connection, ConnectionConfig)? {
        guard let id else {
            problems[field] = "must be provided"
            return nil
        }
        do {
            return try await connections.usable(id, field: field, by: caller)
        } catch SQLPipeError.notFound {
            problems[field] = "no connection with id \(id)"
            return nil
        }
    }
}
