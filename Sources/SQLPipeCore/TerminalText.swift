/// Text from the API or a database on its way to a terminal or a log line: control characters there could
/// move the cursor, rewrite what was printed before, or forge a line, so they are written as escapes.
public enum TerminalText {
    /// C0 controls, DEL and C1 controls.
    public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }

    /// One line of plain text: `\n`, `\r`, `\t`, else `\xHH` for C0 and DEL, `\u{HH}` for C1.
    public static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var result = ""
        result.unicodeScalars.reserveCapacity(text.unicodeScalars.count + 8)
        for scalar in text.unicodeScalars {
            guard isControl(scalar) else {
                result.unicodeScalars.append(scalar)
                continue
            }
            result += escape(scalar)
        }
        return result
    }

    /// The escape of one control character.
    public static func escape(_ scalar: Unicode.Scalar) -> String {
        switch scalar {
        case "\n": return "\\n"
        case "\r": return "\\r"
        case "\t": return "\\t"
        default:
            let hex = String(scalar.value, radix: 16, uppercase: true)
            let padded = hex.count < 2 ? "0" + hex : hex
            return scalar.value < 0x80 ? "\\x" + padded : "\\u{" + padded + "}"
        }
    }
}
