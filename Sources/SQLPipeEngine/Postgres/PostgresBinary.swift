import Foundation

/// Canonical cells in COPY's binary form, for a target column whose type is the one each encoder writes:
/// PostgreSQL then stores the value without parsing text, which was most of its work on rows from SQLite
/// and MySQL. An encoder gives up (false, nothing written) on any value it does not know to have the very
/// value that PostgreSQL's text input would give it; the writer then sends that batch, and the rest, as text.
enum PostgresBinary {
    enum Kind {
        case bool, int16, int32, int64, float32, float64, numeric, bytes, uuid, date, timestamp, jsonb

        /// The encoder for a cell of `type` going into a column of `targetType` (`format_type`'s name),
        /// or nil when the two are not the same type.
        init?(_ type: ColumnType, targetType: String) {
            let target = targetType.lowercased()
            func isVarchar() -> Bool { target == "text" || target.hasPrefix("character varying") }
            switch type {
            case .bool where target == "boolean": self = .bool
            case .int16 where target == "smallint": self = .int16
            case .int32 where target == "integer": self = .int32
            case .int64 where target == "bigint": self = .int64
            case .float32 where target == "real": self = .float32
            case .float64 where target == "double precision": self = .float64
            case .decimal, .uint64:
                guard target == "numeric" || target.hasPrefix("numeric(") else { return nil }
                self = .numeric
            case .string, .text:
                guard isVarchar() else { return nil }
                self = .bytes
            case .json where target == "json": self = .bytes
            case .json where target == "jsonb": self = .jsonb
            case .bytes where target == "bytea": self = .bytes
            case .uuid where target == "uuid": self = .uuid
            case .date where target == "date": self = .date
            case .timestamp where target == "timestamp without time zone": self = .timestamp
            case .timestamptz where target == "timestamp with time zone": self = .timestamp
            default: return nil
            }
        }
    }

    /// `PGCOPY\n\377\r\n\0`, no flags, no header extension.
    static let header: [UInt8] = Array("PGCOPY\n".utf8) + [0xFF, 0x0D, 0x0A, 0x00] + [0, 0, 0, 0] + [0, 0, 0, 0]
    static let trailer: [UInt8] = [0xFF, 0xFF]

    /// Days and microseconds count from 2000-01-01 in PostgreSQL's binary dates and timestamps.
    private static let epochDays = CivilDate.days(year: 2000, month: 1, day: 1)

    /// Appends the rows of `batch` (field count, then each field's length and bytes); false when a value
    /// is not one to send in binary, with `buffer` as it was.
    static func append(_ batch: RowBatch, kinds: [Kind], to buffer: inout [UInt8]) -> Bool {
        let start = buffer.count
        let encoded = batch.bytes.withUnsafeBufferPointer { all -> Bool in
            var cell = 0
            for _ in 0..<batch.rowCount {
                appendInteger(Int16(kinds.count), to: &buffer)
                for kind in kinds {
                    defer { cell += 1 }
                    if batch.isNull(cell) {
                        appendInteger(Int32(-1), to: &buffer)
                        continue
                    }
                    guard append(UnsafeBufferPointer(rebasing: all[batch.cellRange(cell)]), kind, to: &buffer) else {
                        return false
                    }
                }
            }
            return true
        }
        if !encoded { buffer.removeSubrange(start...) }
        return encoded
    }

    /// One field: its length, then its value.
    static func append(_ value: UnsafeBufferPointer<UInt8>, _ kind: Kind, to buffer: inout [UInt8]) -> Bool {
        switch kind {
        case .bool:
            guard value.count == 1, value[0] == UInt8(ascii: "t") || value[0] == UInt8(ascii: "f") else { return false }
            appendInteger(Int32(1), to: &buffer)
            buffer.append(value[0] == UInt8(ascii: "t") ? 1 : 0)
        case .int16:
            guard let number = Canonical.integer(value), let narrow = Int16(exactly: number) else { return false }
            appendInteger(Int32(2), to: &buffer)
            appendInteger(narrow, to: &buffer)
        case .int32:
            guard let number = Canonical.integer(value), let narrow = Int32(exactly: number) else { return false }
            appendInteger(Int32(4), to: &buffer)
            appendInteger(narrow, to: &buffer)
        case .int64:
            guard let number = Canonical.integer(value) else { return false }
            appendInteger(Int32(8), to: &buffer)
            appendInteger(number, to: &buffer)
        case .float32:
            guard let number = Canonical.float(value), isPlain(number, value) else { return false }
            appendInteger(Int32(4), to: &buffer)
            appendInteger(number.bitPattern, to: &buffer)
        case .float64:
            guard let number = Canonical.double(value), isPlain(number, value) else { return false }
            appendInteger(Int32(8), to: &buffer)
            appendInteger(number.bitPattern, to: &buffer)
        case .numeric:
            return appendNumeric(value, to: &buffer)
        case .bytes:
            appendInteger(Int32(value.count), to: &buffer)
            buffer.append(contentsOf: value)
        case .jsonb:
            appendInteger(Int32(value.count + 1), to: &buffer)
            buffer.append(1)
            buffer.append(contentsOf: value)
        case .uuid:
            return appendUUID(value, to: &buffer)
        case .date:
            guard value.count == 10, let days = days(value) else { return false }
            appendInteger(Int32(4), to: &buffer)
            appendInteger(Int32(days - epochDays), to: &buffer)
        case .timestamp:
            guard let microseconds = microseconds(value) else { return false }
            appendInteger(Int32(8), to: &buffer)
            appendInteger(microseconds, to: &buffer)
        }
        return true
    }

    @inline(__always)
    private static func appendInteger<Number: FixedWidthInteger>(_ value: Number, to buffer: inout [UInt8]) {
        var shift = Number.bitWidth - 8
        while shift >= 0 {
            buffer.append(UInt8(truncatingIfNeeded: value >> shift))
            shift -= 8
        }
    }

    /// A finite number that the text read without overflow or underflow: PostgreSQL's input refuses those
    /// (out of range), and NaN and the infinities are left to it too.
    private static func isPlain<Number: BinaryFloatingPoint>(_ number: Number, _ text: UnsafeBufferPointer<UInt8>)
        -> Bool
    {
        guard number.isFinite else { return false }
        if number.isSubnormal { return false }
        if number == 0 {
            // Zero only if every digit of the mantissa is: anything else underflowed.
            for byte in text {
                if byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") { break }
                if byte >= UInt8(ascii: "1") && byte <= UInt8(ascii: "9") { return false }
            }
        }
        return true
    }

    /// `YYYY-MM-DD` of a real calendar day (years 1 to 9999), as days since 1970-01-01.
    private static func days(_ text: UnsafeBufferPointer<UInt8>) -> Int? {
        guard text.count >= 10, let date = ISODateTime.parse(UnsafeBufferPointer(rebasing: text[0..<10])) else {
            return nil
        }
        return CivilDate.days(year: date.year, month: date.month, day: date.day)
    }

    /// `YYYY-MM-DD[ HH:MM[:SS[.f…]]]` with at most six digits of fraction (PostgreSQL rounds more), as
    /// microseconds since 2000-01-01.
    private static func microseconds(_ text: UnsafeBufferPointer<UInt8>) -> Int64? {
        guard let days = days(text) else { return nil }
        var seconds = 0
        var fraction = 0
        if text.count > 10 {
            guard text.count >= 16, text[10] == 32, text[13] == UInt8(ascii: ":"),
                let hour = ISODateTime.number(text, 11, 2), let minute = ISODateTime.number(text, 14, 2), hour <= 23,
                minute <= 59
            else { return nil }
            seconds = hour * 3600 + minute * 60
            if text.count > 16 {
                guard text.count >= 19, text[16] == UInt8(ascii: ":"), let second = ISODateTime.number(text, 17, 2),
                    second <= 59
                else { return nil }
                seconds += second
                if text.count > 19 {
                    let places = text.count - 20
                    guard text[19] == UInt8(ascii: "."), (1...6).contains(places),
                        let value = ISODateTime.number(text, 20, places)
                    else { return nil }
                    fraction = value
                    for _ in places..<6 { fraction *= 10 }
                }
            }
        }
        return (Int64(days - epochDays) * 86_400 + Int64(seconds)) * 1_000_000 + Int64(fraction)
    }

    /// `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` in either case, as its 16 bytes.
    private static func appendUUID(_ text: UnsafeBufferPointer<UInt8>, to buffer: inout [UInt8]) -> Bool {
        guard text.count == 36, text[8] == 45, text[13] == 45, text[18] == 45, text[23] == 45 else { return false }
        let start = buffer.count
        appendInteger(Int32(16), to: &buffer)
        var index = 0
        while index < 36 {
            if index == 8 || index == 13 || index == 18 || index == 23 { index += 1 }
            guard let high = CellText.hexValue(text[index]), let low = CellText.hexValue(text[index + 1]) else {
                buffer.removeSubrange(start...)
                return false
            }
            buffer.append(high << 4 | low)
            index += 2
        }
        return true
    }

    /// `[-]digits[.digits]` as PostgreSQL's numeric: base-10000 digits around the point, a weight (the
    /// power of 10000 of the first), the sign and the display scale (the digits given after the point,
    /// which the column's typmod then rounds, as it does text). Exponents, NaN and infinities are not.
    private static func appendNumeric(_ text: UnsafeBufferPointer<UInt8>, to buffer: inout [UInt8]) -> Bool {
        var index = 0
        var negative = false
        if index < text.count, text[index] == UInt8(ascii: "-") || text[index] == UInt8(ascii: "+") {
            negative = text[index] == UInt8(ascii: "-")
            index += 1
        }
        var integer: [UInt8] = []
        while index < text.count, text[index] != UInt8(ascii: ".") {
            let byte = text[index]
            guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return false }
            if !(integer.isEmpty && byte == UInt8(ascii: "0")) { integer.append(byte - UInt8(ascii: "0")) }
            index += 1
        }
        var fraction: [UInt8] = []
        var sawPoint = false
        if index < text.count {
            sawPoint = true
            index += 1
            while index < text.count {
                let byte = text[index]
                guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return false }
                fraction.append(byte - UInt8(ascii: "0"))
                index += 1
            }
        }
        // A sign alone, a point alone, or nothing: no number.
        let digitCount = text.count - (negative || text.first == UInt8(ascii: "+") ? 1 : 0) - (sawPoint ? 1 : 0)
        guard digitCount > 0, fraction.count <= 1000, integer.count <= 131_072 else { return false }
        let scale = fraction.count
        // Groups of four digits, aligned on the point.
        let integerPad = (4 - integer.count % 4) % 4
        let fractionPad = (4 - fraction.count % 4) % 4
        let padded =
            [UInt8](repeating: 0, count: integerPad) + integer + fraction
            + [UInt8](repeating: 0, count: fractionPad)
        var groups: [Int16] = []
        groups.reserveCapacity(padded.count / 4)
        var position = 0
        while position < padded.count {
            groups.append(
                Int16(padded[position]) * 1000 + Int16(padded[position + 1]) * 100 + Int16(padded[position + 2]) * 10
                    + Int16(padded[position + 3]))
            position += 4
        }
        var weight = (integer.count + integerPad) / 4 - 1
        var first = 0
        while first < groups.count, groups[first] == 0 {
            first += 1
            weight -= 1
        }
        var last = groups.count
        while last > first, groups[last - 1] == 0 { last -= 1 }
        let kept = groups[first..<last]
        if kept.isEmpty {
            weight = 0
            negative = false
        }
        guard let weight16 = Int16(exactly: weight) else { return false }
        appendInteger(Int32(8 + 2 * kept.count), to: &buffer)
        appendInteger(Int16(kept.count), to: &buffer)
        appendInteger(weight16, to: &buffer)
        appendInteger(UInt16(negative ? 0x4000 : 0x0000), to: &buffer)
        appendInteger(Int16(scale), to: &buffer)
        for group in kept { appendInteger(group, to: &buffer) }
        return true
    }
}
