import SQLPipeEngine

/// A stream's `table`: `schema.table` or a plain name, where `*` and `?` in the table part match any run of
/// characters and any one character. A part in double quotes is taken as it is, dots and all (`""` is a
/// quote).
struct TablePattern: Equatable, Sendable, CustomStringConvertible {
    var schema: String
    var table: String
    let description: String

    init(_ text: String) throws(TablePatternError) {
        description = text
        let parts = try Self.parts(of: text.trimmingCharacters(in: .whitespaces))
        switch parts.count {
        case 1:
            schema = ""
            table = parts[0]
        case 2:
            schema = parts[0]
            table = parts[1]
        default:
            throw TablePatternError("\"\(text)\" has \(parts.count) parts: write schema.table or a table name")
        }
        if schema.contains(where: { $0 == "*" || $0 == "?" }) {
            throw TablePatternError("\"\(text)\": patterns match in the table part only, not in the schema")
        }
        guard !table.isEmpty else { throw TablePatternError("\"\(text)\" names no table") }
    }

    /// Whether the table part holds `*` or `?`.
    var isPattern: Bool { table.contains { $0 == "*" || $0 == "?" } }

    var exactTable: TableName { TableName(schema: schema, name: table) }

    /// Whether `name`, a table of this pattern's schema, matches; without regard to case where the
    /// database ignores it.
    func matches(_ name: String, caseSensitive: Bool) -> Bool {
        let pattern = Array(caseSensitive ? table : table.lowercased())
        let candidate = Array(caseSensitive ? name : name.lowercased())
        return Self.glob(pattern[...], candidate[...])
    }

    /// Whether this names the same schema as `other`, where the empty schema is the connection's default.
    func sameSchema(as other: TablePattern, caseSensitive: Bool) -> Bool {
        caseSensitive ? schema == other.schema : schema.lowercased() == other.schema.lowercased()
    }

    private static func glob(_ pattern: ArraySlice<Character>, _ name: ArraySlice<Character>) -> Bool {
        // Iterative with one backtrack point: linear in practice, never exponential.
        var p = pattern.startIndex
        var n = name.startIndex
        var star: ArraySlice<Character>.Index?
        var resume = name.startIndex
        while n < name.endIndex {
            if p < pattern.endIndex, pattern[p] == "?" || pattern[p] == name[n] {
                p += 1
                n += 1
            } else if p < pattern.endIndex, pattern[p] == "*" {
                star = p
                resume = n
                p += 1
            } else if let star {
                p = star + 1
                resume += 1
                n = resume
            } else {
                return false
            }
        }
        while p < pattern.endIndex, pattern[p] == "*" { p += 1 }
        return p == pattern.endIndex
    }

    private static func parts(of text: String) throws(TablePatternError) -> [String] {
        var parts: [String] = []
        var current = ""
        var quoted = false
        var wasQuoted = false
        var characters = text.makeIterator()
        while let character = characters.next() {
            if quoted {
                if character == "\"" {
                    // `""` inside quotes is one quote; a lone one closes.
                    var lookahead = characters
                    if lookahead.next() == "\"" {
                        current.append("\"")
                        characters = lookahead
                    } else {
                        quoted = false
                    }
                } else {
                    current.append(character)
                }
            } else if character == "\"", current.isEmpty, !wasQuoted {
                quoted = true
                wasQuoted = true
            } else if character == "." {
                parts.append(current)
                current = ""
                wasQuoted = false
            } else if wasQuoted {
                throw TablePatternError("\"\(text)\": text after a closing quote")
            } else {
                current.append(character)
            }
        }
        if quoted { throw TablePatternError("\"\(text)\": a quote is not closed") }
        parts.append(current)
        if parts.dropLast().contains(where: \.isEmpty) { throw TablePatternError("\"\(text)\" has an empty part") }
        return parts
    }
}

struct TablePatternError: Error, Equatable, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
