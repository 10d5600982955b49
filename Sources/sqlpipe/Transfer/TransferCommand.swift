import ArgumentParser
import SQLPipeCore

struct TransferCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "transfer",
        abstract: "Move the result of a query on one connection into a table on another.",
        discussion: "A transfer is named by its id.",
        subcommands: [Create.self, List.self, Show.self, Cancel.self, Delete.self]
    )
}

extension Transfer {
    var detailFields: [(String, String)] {
        var fields: [(String, String)] = [
            ("id", String(id)), ("status", status.rawValue),
            ("sourceID", sourceID.map(String.init) ?? "(deleted)"),
            ("targetID", targetID.map(String.init) ?? "(deleted)"),
            ("target", targetSchema.isEmpty ? targetTable : "\(targetSchema).\(targetTable)"),
            ("overwrite", overwrite ? "yes" : "no"), ("rowsTransferred", String(rowsTransferred)),
            ("createdBy", createdBy), ("createdAt", Formatting.timestamp(createdAt)),
            ("startedAt", Formatting.timestamp(startedAt)), ("stoppedAt", Formatting.timestamp(stoppedAt)),
            ("query", query),
        ]
        if let error { fields.append(("error", error)) }
        for warning in warnings { fields.append(("warning", warning)) }
        return fields
    }
}
