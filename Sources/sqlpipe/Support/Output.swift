import Foundation
import SQLPipeCore

/// Prints what a command produced: the API's JSON with --json, else a table or a list of fields. With
/// --quiet, what a command says about what it did (confirmations, summaries, warnings) is left out; what
/// was asked for (a list, a record shown, --json) still prints, and errors always do.
struct Output {
    let json: Bool
    var quiet = false
    /// Whether lines about what the command did go to stderr: when stdout carries data (a file written to -).
    var toStandardError = false

    /// A line about what the command did, on stdout: "created …", a transfer's summary.
    func confirmation(_ text: String) {
        guard !quiet else { return }
        if toStandardError { printError(text) } else { printLine(text) }
    }

    /// A remark on stderr that is not an error: a warning, the rows a query changed.
    func remark(_ text: String) {
        if !quiet { printError(text) }
    }

    func one<Value: Encodable & Sendable>(_ key: String, _ value: Value, fields: [(String, String)]) throws {
        if json {
            try printJSON(Envelope(key, value))
        } else {
            printFields(fields)
        }
    }

    /// A record a command made or changed: the API's JSON with --json, else its fields unless --quiet.
    func recordOrQuiet<Value: Encodable & Sendable>(_ key: String, _ value: Value, fields: [(String, String)]) throws {
        if json || !quiet { try one(key, value, fields: fields) }
    }

    /// What `--detach` prints of the work it queued: the resource with `--json`, else one line.
    func queued<Value: Encodable & Sendable>(_ key: String, _ value: Value, id: Int64) throws {
        if json {
            try printJSON(Envelope(key, value))
        } else {
            confirmation("queued \(key) \(id)")
        }
    }

    func page<Item: Encodable & Sendable>(
        _ key: String, _ page: Page<Item>, columns: [String], row: (Item) -> [String]
    ) throws {
        if json {
            try printJSON(Envelope<[Item]>.page(key, page))
            return
        }
        let meta = page.metadata
        if page.items.isEmpty {
            print(meta.totalRecords == 0 ? "No \(key) yet." : "No \(key) on page \(meta.currentPage).")
        } else {
            print(Table(header: columns, rows: page.items.map(row)).rendered, terminator: "")
        }
        if meta.totalRecords > 0 && meta.currentPage <= meta.lastPage {
            print("page \(meta.currentPage) of \(meta.lastPage) (\(key): \(meta.totalRecords))")
        }
    }

    func message(_ text: String) throws {
        if json {
            try printJSON(Envelope.message(text))
        } else {
            confirmation(text)
        }
    }

    func printJSON<Value: Encodable>(_ value: Value) throws {
        let data = try JSONCoding.encoder(pretty: true).encode(value)
        FileHandle.standardOutput.write(data + Data("\n".utf8))
    }

    private func printFields(_ fields: [(String, String)]) {
        let width = fields.map(\.0.count).max() ?? 0
        for (label, value) in fields {
            printLine(label.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + value)
        }
    }
}

/// A plain text table with columns as wide as their widest cell.
struct Table {
    var header: [String]
    var rows: [[String]]

    var rendered: String {
        let cells = [header] + rows.map { $0.map(Self.flatten) }
        let widths = header.indices.map { column in cells.map { $0[column].count }.max() ?? 0 }
        return cells.map { row in
            zip(row, widths).map { cell, width in cell.padding(toLength: width, withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces) + "\n"
        }.joined()
    }

    /// A cell stays on one line whatever the value holds, and holds no control character.
    private static func flatten(_ text: String) -> String {
        TerminalText.escaped(text)
    }
}

enum Formatting {
    static func timestamp(_ date: Date?) -> String {
        guard let date else { return "-" }
        return date.formatted(Date.ISO8601FormatStyle(timeZone: .gmt))
    }
}
