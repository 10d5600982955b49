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
    var qualifiedTable: String { targetSchema.isEmpty ? targetTable : "\(targetSchema).\(targetTable)" }

    var detailFields: [(String, String)] {
        func count(_ value: Int?) -> String { value.map(String.init) ?? "-" }
        var fields: [(String, String)] = [
            ("id", String(id)), ("status", status.rawValue),
            ("sourceID", sourceID.map(String.init) ?? "(deleted)"),
            ("targetID", targetID.map(String.init) ?? "(deleted)"),
            ("target", qualifiedTable), ("mode", mode.rawValue),
            ("primaryKey", primaryKey.isEmpty ? "-" : primaryKey.joined(separator: ", ")),
            ("deleteMissing", deleteMissing ? "yes" : "no"), ("cursorColumn", cursorColumn ?? "-"),
            ("rowsTransferred", String(rowsTransferred)), ("rowsInserted", count(rowsInserted)),
            ("rowsUpdated", count(rowsUpdated)), ("rowsDeleted", count(rowsDeleted)),
            ("cursorFrom", cursorFrom ?? "-"), ("cursorTo", cursorTo ?? "-"), ("createdBy", createdBy),
            ("createdAt", Formatting.timestamp(createdAt)),
            ("startedAt", Formatting.timestamp(startedAt)), ("stoppedAt", Formatting.timestamp(stoppedAt)),
            ("query", query),
        ]
        if let error { fields.append(("error", error)) }
        for warning in warnings { fields.append(("warning", warning)) }
        return fields
    }
}
