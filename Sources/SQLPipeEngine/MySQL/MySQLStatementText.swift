/// The statements of a text as MySQL's multi-statement protocol runs them, told apart by their first
/// keyword: the protocol reports no count for the rows a change returns (MariaDB's `INSERT … RETURNING`),
/// so those are counted as they arrive.
enum MySQLStatementText {
    /// The first keyword of each statement, upper-cased; nil when a
    /// statement may hold semicolons of its own or give several results (a compound statement, a routine
    /// body, a CALL), so that results could not be matched to statements.
    static func leadingKeywords(_ sql: String) -> [String]? {
        var statements: [String] = []
        var compound = false
        var current: [UInt8] = []
        let bytes = Array(sql.utf8)
        var index = 0
        let routines: Set<Substring> = ["PROCEDURE", "FUNCTION", "TRIGGER", "EVENT", "PACKAGE"]
        func finish() {
            let words = String(decoding: current, as: UTF8.self).uppercased()
                .split(whereSeparator: { !($0.isLetter || $0 == "_") })
            current.removeAll()
            guard let first = words.first else { return }
            statements.append(String(first))
            if first == "CALL" || (first == "BEGIN" && words.dropFirst().first == "NOT")
                || ((first == "CREATE" || first == "ALTER") && words.contains(where: routines.contains))
            {
                compound = true
            }
        }
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "'"), UInt8(ascii: "\""), UInt8(ascii: "`"):
                // A quoted string or name, with backslash escapes in strings; a doubled quote closes and reopens.
                var end = index + 1
                while end < bytes.count, bytes[end] != byte {
                    end += bytes[end] == UInt8(ascii: "\\") && byte != UInt8(ascii: "`") ? 2 : 1
                }
                current.append(UInt8(ascii: " "))
                index = min(end + 1, bytes.count)
                continue
            case UInt8(ascii: "#"):
                index = skipLine(bytes, from: index)
                continue
            case UInt8(ascii: "-") where index + 2 < bytes.count && bytes[index + 1] == byte && bytes[index + 2] <= 32:
                index = skipLine(bytes, from: index)
                continue
            case UInt8(ascii: "/") where index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "*"):
                var end = index + 2
                while end + 1 < bytes.count, !(bytes[end] == UInt8(ascii: "*") && bytes[end + 1] == UInt8(ascii: "/")) {
                    end += 1
                }
                current.append(UInt8(ascii: " "))
                index = min(end + 2, bytes.count)
                continue
            case UInt8(ascii: ";"):
                finish()
            default:
                current.append(byte)
            }
            index += 1
        }
        finish()
        return compound ? nil : statements
    }

    /// Whether rows that a statement of this first keyword returns are rows it changed.
    static func returnsChangedRows(_ keyword: String) -> Bool {
        ["INSERT", "REPLACE", "DELETE", "UPDATE"].contains(keyword)
    }

    private static func skipLine(_ bytes: [UInt8], from start: Int) -> Int {
        var index = start
        while index < bytes.count, bytes[index] != 0x0A { index += 1 }
        return index
    }
}
