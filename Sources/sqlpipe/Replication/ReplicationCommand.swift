import ArgumentParser
import Foundation
import SQLPipeCore

struct ReplicationCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replication",
        abstract: "Keep many tables in step from one definition, run from cron or on a schedule by `serve`.",
        discussion: """
            A replication is named by its name or id; a run by its id. docs/replications.md describes the \
            YAML (or JSON) definition.
            """,
        subcommands: [
            Create.self, List.self, Show.self, Update.self, Delete.self, Run.self, Runs.self, ShowRun.self,
            Cancel.self,
        ]
    )
}

/// The definition's text: `--file PATH`, or `-` for standard input.
struct DefinitionFile: ParsableArguments {
    @Option(
        name: [.short, .long],
        help: ArgumentHelp("The definition, in YAML or JSON; - for standard input.", valueName: "file"),
        completion: .file(extensions: ["yaml", "yml", "json"]))
    var file: String

    func definition() throws -> ReplicationDefinition {
        let data: Data
        if file == "-" {
            data = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            guard let contents = FileManager.default.contents(atPath: file) else {
                throw SQLPipeError.badInput("--file: cannot read \(file)")
            }
            data = contents
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw SQLPipeError.badInput("--file: \(file) is not UTF-8 text")
        }
        return try ReplicationDefinition.parse(text)
    }
}

extension Replication {
    var detailFields: [(String, String)] {
        var fields: [(String, String)] = [
            ("id", String(id)), ("name", name), ("sourceID", sourceID.map(String.init) ?? "(deleted)"),
            ("targetID", targetID.map(String.init) ?? "(deleted)"), ("concurrency", String(concurrency)),
            ("schedule", schedule.map { "\($0) (\(timezone ?? "UTC"))" } ?? "-"),
            ("nextRunAt", Formatting.timestamp(nextRunAt)), ("createdBy", createdBy),
            ("createdAt", Formatting.timestamp(createdAt)), ("updatedAt", Formatting.timestamp(updatedAt)),
        ]
        let defaults = defaults.summary
        if !defaults.isEmpty { fields.append(("defaults", defaults)) }
        for (index, stream) in streams.enumerated() {
            let reads = stream.table ?? "query: " + (stream.query ?? "")
            let into = stream.targetTable.map { " → \($0)" } ?? ""
            let settings = stream.settings.summary
            fields.append(("streams[\(index)]", reads + into + (settings.isEmpty ? "" : "  (\(settings))")))
        }
        if !exclude.isEmpty { fields.append(("exclude", exclude.joined(separator: ", "))) }
        return fields
    }
}

extension StreamSettings {
    /// `mode upsert, primaryKey id` — the settings given, in the definition's words.
    var summary: String {
        var parts: [String] = []
        if let targetSchema { parts.append("targetSchema \(targetSchema)") }
        if let mode { parts.append("mode \(mode)") }
        if let primaryKey { parts.append("primaryKey \(primaryKey.joined(separator: ","))") }
        if let cursorColumn { parts.append("cursorColumn \(cursorColumn)") }
        if let deleteMissing { parts.append("deleteMissing \(deleteMissing)") }
        return parts.joined(separator: ", ")
    }
}

extension ReplicationRun {
    var detailFields: [(String, String)] {
        var fields: [(String, String)] = [
            ("id", String(id)), ("replicationID", replicationID.map(String.init) ?? "(deleted)"),
            ("status", status.rawValue), ("streamFilter", streamFilter ?? "-"),
            ("scheduledFor", Formatting.timestamp(scheduledFor)), ("skippedDueTimes", String(skippedDueTimes)),
            ("createdBy", createdBy), ("createdAt", Formatting.timestamp(createdAt)),
            ("startedAt", Formatting.timestamp(startedAt)), ("stoppedAt", Formatting.timestamp(stoppedAt)),
        ]
        if let error { fields.append(("error", error)) }
        return fields
    }

    /// One row a stream, as the run left it.
    var streamTable: Table {
        func count(_ value: Int?) -> String { value.map(\.grouped) ?? "-" }
        return Table(
            header: [
                "STREAM", "SOURCE", "TARGET", "STATUS", "ROWS", "INSERTED", "UPDATED", "DELETED", "TRANSFER", "ERROR",
            ],
            rows: streams.map { stream in
                [
                    stream.stream, stream.sourceTable ?? "-", stream.targetTable ?? "-", stream.status.rawValue,
                    count(stream.rowsTransferred), count(stream.rowsInserted), count(stream.rowsUpdated),
                    count(stream.rowsDeleted), stream.transferID.map(String.init) ?? "-", stream.error ?? "",
                ]
            })
    }
}
