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

    /// Where the rows go, as lists and summaries name it: the table, or the file (`-`: standard output).
    var targetDescription: String { targetFile.map(\.path) ?? qualifiedTable }

    var detailFields: [(String, String)] {
        func count(_ value: Int?) -> String { value.map(String.init) ?? "-" }
        var fields: [(String, String)] = [
            ("id", String(id)), ("status", status.rawValue),
            sourceFile.map { ("sourceFile", $0.summary) } ?? ("sourceID", sourceID.map(String.init) ?? "(deleted)"),
            targetFile.map { ("targetFile", $0.summary) } ?? ("targetID", targetID.map(String.init) ?? "(deleted)"),
            ("target", targetDescription), ("mode", mode.rawValue),
            ("primaryKey", primaryKey.isEmpty ? "-" : primaryKey.joined(separator: ", ")),
            ("deleteMissing", deleteMissing ? "yes" : "no"), ("cursorColumn", cursorColumn ?? "-"),
            ("rowsTransferred", String(rowsTransferred)), ("rowsInserted", count(rowsInserted)),
            ("rowsUpdated", count(rowsUpdated)), ("rowsDeleted", count(rowsDeleted)),
            ("cursorFrom", cursorFrom ?? "-"), ("cursorTo", cursorTo ?? "-"), ("createdBy", createdBy),
            ("createdAt", Formatting.timestamp(createdAt)),
            ("startedAt", Formatting.timestamp(startedAt)), ("stoppedAt", Formatting.timestamp(stoppedAt)),
        ]
        if sourceFile == nil { fields.append(("query", query)) }
        if let error { fields.append(("error", error)) }
        for warning in warnings { fields.append(("warning", warning)) }
        return fields
    }
}

extension FileSpec {
    /// The file on one line: its path, format and compression, and the options that differ from the format's.
    var summary: String {
        var parts = [format.rawValue]
        if compression != .none { parts.append(compression.rawValue) }
        if let delimiter { parts.append("delimiter \(TerminalText.escaped(delimiter))") }
        if let quote { parts.append("quote \(quote)") }
        if !header { parts.append("no header") }
        if let nullString { parts.append("NULL as '\(TerminalText.escaped(nullString))'") }
        parts += columns
        return "\(TerminalText.escaped(path)) (\(parts.joined(separator: ", ")))"
    }
}
