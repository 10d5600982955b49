import ArgumentParser
import Foundation
import SQLPipeCore

/// The SQL text of a command: `--query` or `--query-file` (`-` for standard input).
struct QueryText: ParsableArguments {
    @Option(name: [.short, .long], help: "The SQL to run.")
    var query: String?

    @Option(
        help: ArgumentHelp("Read the SQL from a file, or - for standard input.", valueName: "file"), completion: .file()
    )
    var queryFile: String?

    /// Whether the SQL was given at all; a command whose SQL is optional checks it itself.
    var isGiven: Bool { query != nil || queryFile != nil }

    func validate() throws {
        if query != nil && queryFile != nil {
            throw ValidationError("Give the SQL with exactly one of --query or --query-file.")
        }
    }

    /// For commands that always run SQL.
    func requireGiven() throws {
        if !isGiven { throw ValidationError("Give the SQL with exactly one of --query or --query-file.") }
    }

    func text() throws -> String {
        if let query { return query }
        guard let queryFile else { return "" }
        if queryFile == "-" {
            return String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        }
        guard let data = FileManager.default.contents(atPath: queryFile) else {
            throw SQLPipeError.badInput("--query-file: cannot read \(queryFile)")
        }
        return String(decoding: data, as: UTF8.self)
    }
}
