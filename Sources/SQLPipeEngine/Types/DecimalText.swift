/// Checks of decimal and date-time text, for sources (SQLite) that do not enforce their declared types.
enum DecimalText {
    /// Whether a number in text (optionally signed, with a fraction and an exponent) fits DECIMAL(p,s)
    /// without rounding: at most p - s digits before the point and s after it, trailing zeros aside.
    /// `fits` on bytes: plain decimal notation is counted in place; anything else (an exponent) goes the
    /// slower way through a String.
    static func fits(_ bytes: UnsafeBufferPointer<UInt8>, precision: Int, scale: Int) -> Bool {
        var index = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") { index += 1 }
        guard index < bytes.count else { return false }
        var integerDigits = 0
        var leading = true
        while index < bytes.count, bytes[index] != UInt8(ascii: ".") {
            let byte = bytes[index]
            guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else {
                return fits(String(decoding: bytes, as: UTF8.self), precision: precision, scale: scale)
            }
            if !(leading && byte == UInt8(ascii: "0")) {
                leading = false
                integerDigits += 1
            }
            index += 1
        }
        var fractionDigits = 0
        var position = 0
        if index < bytes.count {
            index += 1
            while index < bytes.count {
                let byte = bytes[index]
                guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else {
                    return fits(String(decoding: bytes, as: UTF8.self), precision: precision, scale: scale)
                }
                position += 1
                if byte != UInt8(ascii: "0") { fractionDigits = position }
                index += 1
            }
        }
        return integerDigits <= precision - scale && fractionDigits <= scale
    }

    static func fits(_ text: String, precision: Int, scale: Int) -> Bool {
        var body = Substring(text)
        if body.first == "-" || body.first == "+" { body = body.dropFirst() }
        var exponent = 0
        if let mark = body.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            guard let value = Int(body[body.index(after: mark)...]) else { return false }
            exponent = value
            body = body[..<mark]
        }
        let parts = body.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count <= 2, !body.isEmpty, body.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }) else {
            return false
        }
        var integer = String(parts[0])
        var fraction = parts.count > 1 ? String(parts[1]) : ""
        // Move the point by the exponent.
        if exponent > 0 {
            let moved = String(fraction.prefix(exponent))
            integer += moved + String(repeating: "0", count: max(0, exponent - moved.count))
            fraction = String(fraction.dropFirst(exponent))
        } else if exponent < 0 {
            let shift = -exponent
            let padded = String(repeating: "0", count: max(0, shift - integer.count)) + integer
            fraction = String(padded.suffix(shift)) + fraction
            integer = String(padded.dropLast(shift))
        }
        let integerDigits = integer.drop(while: { $0 == "0" }).count
        let fractionDigits = fraction.reversed().drop(while: { $0 == "0" }).count
        return integerDigits <= precision - scale && fractionDigits <= scale
    }
}

enum DateTimeShape {
    /// The date and timestamp values PostgreSQL writes that are no calendar day of SQLite or MySQL.
    enum Special { case infinity, beforeChrist }

    /// `infinity` or `-infinity`, or a date before Christ (PostgreSQL's ` BC` suffix); nil for any other text.
    @inline(__always)
    static func special(_ bytes: UnsafeBufferPointer<UInt8>) -> Special? {
        guard let last = bytes.last, last >= UInt8(ascii: "A") else { return nil }
        if isInfinity(bytes) { return .infinity }
        return bytes.count > 3 && bytes[bytes.count - 3] == 32 && bytes[bytes.count - 2] == UInt8(ascii: "B")
            && last == UInt8(ascii: "C") ? .beforeChrist : nil
    }

    static func isInfinity(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let word = bytes.first == UInt8(ascii: "-") ? UnsafeBufferPointer(rebasing: bytes.dropFirst()) : bytes
        return word.elementsEqual("infinity".utf8)
    }

    /// Whether text is a date (`YYYY-MM-DD`), time (`HH:MM[:SS[.f]]`) or timestamp (both, with a space).
    static func isValid(_ text: String, as type: ColumnType) -> Bool {
        Array(text.utf8).withUnsafeBufferPointer { isValid($0, as: type) }
    }

    static func isValid(_ bytes: UnsafeBufferPointer<UInt8>, as type: ColumnType) -> Bool {
        func digits(_ range: Range<Int>) -> Bool {
            range.upperBound <= bytes.count && bytes[range].allSatisfy { $0 >= 48 && $0 <= 57 }
        }
        func date(_ start: Int) -> Bool {
            digits(start..<start + 4) && bytes.count > start + 9 && bytes[start + 4] == 45
                && digits(start + 5..<start + 7)
                && bytes[start + 7] == 45 && digits(start + 8..<start + 10)
        }
        func time(_ start: Int) -> Bool {
            guard digits(start..<start + 2), bytes.count > start + 4, bytes[start + 2] == 58,
                digits(start + 3..<start + 5)
            else { return false }
            var index = start + 5
            if index == bytes.count { return true }
            guard bytes[index] == 58, digits(index + 1..<index + 3) else { return false }
            index += 3
            if index == bytes.count { return true }
            guard bytes[index] == 46, index + 1 < bytes.count else { return false }
            return digits(index + 1..<bytes.count)
        }
        // PostgreSQL's infinite dates and timestamps, kept as their text.
        if type != .time && isInfinity(bytes) { return true }
        switch type {
        case .date: return bytes.count == 10 && date(0)
        case .time: return time(0)
        case .timestamp, .timestamptz:
            if bytes.count == 10 { return date(0) }
            return bytes.count > 11 && date(0) && bytes[10] == 32 && time(11)
        default: return true
        }
    }
}
