import ArgumentParser
import SQLPipeCore

struct QueryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Run SQL statements on a connection and print their results.",
        discussion: "A query is named by its id.",
        subcommands: [Create.self, List.self, Show.self, Cancel.self, Delete.self]
    )
}

extension Query {
    var detailFields: [(String, String)] {
        var fields: [(String, String)] = [
            ("id", String(id)), ("status", status.rawValue),
            ("connectionId", connectionId.map(String.init) ?? "(deleted)"),
            ("rowsAffected", rowsAffected.map(String.init) ?? "-"),
            ("createdBy", createdBy), ("createdAt", Formatting.timestamp(createdAt)),
            ("startedAt", Formatting.timestamp(startedAt)), ("stoppedAt", Formatting.timestamp(stoppedAt)),
            ("query", query),
        ]
        if let error { fields.append(("error", error)) }
        if let result {
            fields.append(
                (
                    "result",
                    "\(result.columns.count) columns, \(result.rows.count) rows kept\(result.truncated ? " (truncated)" : "")"
                ))
        }
        return fields
    }
}
