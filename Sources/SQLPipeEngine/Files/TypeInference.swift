import Foundation

/// How a value is written as a number, by the strict rules of inference: an optional `-`, no `+`, no
/// leading zero but for a lone `0` before the point.
enum NumberForm: Equatable {
    /// Fits Int64; `digits` counts the significant digits before the point.
    case integer(digits: Int)
    /// An integer beyond Int64.
    case bigInteger(digits: Int)
    case decimal(integerDigits: Int, scale: Int)
    /// An exponent, `NaN` or an infinity.
    case float

    static func of(_ bytes: UnsafeBufferPointer<UInt8>) -> NumberForm? {
        let count = bytes.count
        guard count > 0 else { return nil }
        var index = 0
        let negative = bytes[0] == UInt8(ascii: "-")
        if negative { index = 1 }
        guard index < count else { return nil }
        if !JSONScanner.isDigit(bytes[index]) {
            return FloatSpelling.isSpecial(bytes) ? .float : nil
        }
        let integerStart = index
        while index < count, JSONScanner.isDigit(bytes[index]) { index += 1 }
        var integerDigits = index - integerStart
        if bytes[integerStart] == UInt8(ascii: "0") {
            guard integerDigits == 1 else { return nil }
            integerDigits = 0
        }
        if index == count {
            return fitsInt64(UnsafeBufferPointer(rebasing: bytes[integerStart..<count]), negative: negative)
                ? .integer(digits: integerDigits) : .bigInteger(digits: integerDigits)
        }
        var scale = 0
        if bytes[index] == UInt8(ascii: ".") {
            index += 1
            let fractionStart = index
            while index < count, JSONScanner.isDigit(bytes[index]) { index += 1 }
            scale = index - fractionStart
            guard scale > 0 else { return nil }
            if index == count { return .decimal(integerDigits: integerDigits, scale: scale) }
        }
        guard bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") else { return nil }
        index += 1
        if index < count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
        let exponentStart = index
        while index < count, JSONScanner.isDigit(bytes[index]) { index += 1 }
        return index == count && index > exponentStart ? .float : nil
    }

    private static let int64Maximum = Array("9223372036854775807".utf8)

    /// Whether unsigned digits without a leading zero fit Int64, one more for a negative value.
    private static func fitsInt64(_ digits: UnsafeBufferPointer<UInt8>, negative: Bool) -> Bool {
        if digits.count < 19 { return true }
        if digits.count > 19 { return false }
        for (index, limit) in int64Maximum.enumerated() where digits[index] != limit {
            return digits[index] < limit || (negative && index == 18 && digits[index] == limit + 1)
        }
        return true
    }
}

/// The spellings of the special floats that are read: PostgreSQL's and their lowercase forms.
enum FloatSpelling {
    static func isSpecial(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        switch bytes.count {
        case 3: return matches(bytes, "NaN") || matches(bytes, "nan")
        case 8: return matches(bytes, "Infinity") || matches(bytes, "infinity")
        case 9: return matches(bytes, "-Infinity") || matches(bytes, "-infinity")
        default: return false
        }
    }

    static func matches(_ bytes: UnsafeBufferPointer<UInt8>, _ word: StaticString) -> Bool {
        bytes.count == word.utf8CodeUnitCount && memcmp(bytes.baseAddress!, word.utf8Start, bytes.count) == 0
    }
}

/// A date, a timestamp or a timestamp with an offset, in the ISO 8601 forms inference knows:
/// `YYYY-MM-DD`, then ` HH:MM:SS` or `THH:MM:SS`, up to six fraction digits, and `Z`, `±HH:MM`, `±HHMM`
/// or `±HH`.
public struct ISODateTime {
    public enum Kind: Sendable { case date, timestamp, timestamptz }

    public internal(set) var year = 0
    public internal(set) var month = 0
    public internal(set) var day = 0
    public internal(set) var hour = 0
    public internal(set) var minute = 0
    public internal(set) var second = 0
    /// The fraction's digits, trailing zeros trimmed, as a range of the text.
    public internal(set) var fraction: Range<Int> = 0..<0
    public internal(set) var offsetMinutes: Int?
    public internal(set) var kind = Kind.date

    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> ISODateTime? {
        let count = bytes.count
        guard count >= 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            let year = number(bytes, 0, 4), let month = number(bytes, 5, 2), let day = number(bytes, 8, 2),
            year >= 1, (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year)
        else { return nil }
        var text = ISODateTime(year: year, month: month, day: day)
        if count == 10 { return text }
        guard count >= 19, bytes[10] == UInt8(ascii: " ") || bytes[10] == UInt8(ascii: "T"),
            bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
            let hour = number(bytes, 11, 2), let minute = number(bytes, 14, 2), let second = number(bytes, 17, 2),
            hour < 24, minute < 60, second < 60
        else { return nil }
        text.hour = hour
        text.minute = minute
        text.second = second
        text.kind = .timestamp
        var index = 19
        if index < count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            let start = index
            while index < count, JSONScanner.isDigit(bytes[index]) { index += 1 }
            guard (1...6).contains(index - start) else { return nil }
            var end = index
            while end > start, bytes[end - 1] == UInt8(ascii: "0") { end -= 1 }
            text.fraction = start..<end
        }
        if index == count { return text }
        switch bytes[index] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            guard index + 1 == count else { return nil }
            text.offsetMinutes = 0
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            let sign = bytes[index] == UInt8(ascii: "-") ? -1 : 1
            guard let hours = number(bytes, index + 1, 2), hours <= 18 else { return nil }
            var minutes = 0
            var next = index + 3
            if next < count, bytes[next] == UInt8(ascii: ":") { next += 1 }
            if next < count {
                guard let value = number(bytes, next, 2), value < 60 else { return nil }
                minutes = value
                next += 2
            } else if bytes[next - 1] == UInt8(ascii: ":") {
                return nil
            }
            guard next == count else { return nil }
            text.offsetMinutes = sign * (hours * 60 + minutes)
        default:
            return nil
        }
        text.kind = .timestamptz
        return text
    }

    /// PostgreSQL's `infinity` or `-infinity`, which a date or timestamp of any kind may hold.
    @inline(__always)
    static func isInfinity(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        (bytes.count == 8 && FloatSpelling.matches(bytes, "infinity"))
            || (bytes.count == 9 && FloatSpelling.matches(bytes, "-infinity"))
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// The decimal number of `length` digits at `start`; nil unless they are all digits.
    @inline(__always)
    static func number(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ length: Int) -> Int? {
        guard start + length <= bytes.count else { return nil }
        var value = 0
        for index in start..<(start + length) {
            let digit = bytes[index] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            value = value * 10 + Int(digit)
        }
        return value
    }
}

enum TimeText {
    /// `HH:MM:SS` and up to six fraction digits: the end of the text without the fraction's trailing zeros
    /// (and without a point left bare), or nil when it is no time of day.
    static func canonicalEnd(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard bytes.count >= 8, bytes[2] == UInt8(ascii: ":"), bytes[5] == UInt8(ascii: ":"),
            let hour = ISODateTime.number(bytes, 0, 2), let minute = ISODateTime.number(bytes, 3, 2),
            let second = ISODateTime.number(bytes, 6, 2), hour < 24, minute < 60, second < 60
        else { return nil }
        guard bytes.count > 8 else { return 8 }
        guard bytes[8] == UInt8(ascii: "."), (10...15).contains(bytes.count),
            ISODateTime.number(bytes, 9, bytes.count - 9) != nil
        else { return nil }
        var end = bytes.count
        while end > 9, bytes[end - 1] == UInt8(ascii: "0") { end -= 1 }
        return end == 9 ? 8 : end
    }
}

enum UUIDText {
    /// 8-4-4-4-12 hex digits, of either case.
    static func isValid(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count == 36 else { return false }
        for index in 0..<36 {
            let byte = bytes[index]
            if index == 8 || index == 13 || index == 18 || index == 23 {
                guard byte == UInt8(ascii: "-") else { return false }
            } else {
                guard
                    JSONScanner.isDigit(byte) || (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "f"))
                else { return false }
            }
        }
        return true
    }
}

enum BoolText {
    /// `true` or `false` in any case.
    static func value(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool? {
        if bytes.count == 4, lowercased(bytes) == lowercasedTrue { return true }
        if bytes.count == 5, lowercased(bytes) == lowercasedFalse { return false }
        return nil
    }

    private static let lowercasedTrue = UInt64(0x6575_7274)
    private static let lowercasedFalse = UInt64(0x65_736c_6166)

    /// The bytes, ASCII letters in lowercase, packed little-endian.
    private static func lowercased(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var packed: UInt64 = 0
        for index in (0..<bytes.count).reversed() { packed = packed << 8 | UInt64(bytes[index] | 0x20) }
        return packed
    }
}

/// The narrowest neutral type that every non-NULL value of a column fits, learnt one value at a time.
struct ColumnInference {
    private struct Families: OptionSet {
        let rawValue: UInt8
        static let bool = Families(rawValue: 1)
        static let number = Families(rawValue: 2)
        static let temporal = Families(rawValue: 4)
        static let uuid = Families(rawValue: 8)
        static let json = Families(rawValue: 16)
        static let time = Families(rawValue: 32)
        static let all: Families = [.bool, .number, .temporal, .uuid, .json, .time]
    }

    /// The decimals of precision beyond this are read as text (unless floats make the column float64).
    static let maximumDecimalPrecision = 38

    private var families = Families.all
    private(set) var sawValue = false
    private var sawFloat = false
    private var sawDecimal = false
    private var integerDigits = 0
    private var scale = 0
    private var sawDate = false
    private var sawTimestamp = false
    private var sawTimestamptz = false

    /// Whether the type is settled as text whatever follows.
    var isText: Bool { sawValue && families.isEmpty }

    mutating func observe(_ bytes: UnsafeBufferPointer<UInt8>, nested: Bool) {
        sawValue = true
        if nested {
            families.formIntersection(.json)
            return
        }
        families.remove(.json)
        if families.isEmpty { return }
        if families.contains(.bool), BoolText.value(bytes) == nil { families.remove(.bool) }
        if families.contains(.number) {
            switch NumberForm.of(bytes) {
            case .integer(let digits)?:
                integerDigits = max(integerDigits, digits)
            case .bigInteger(let digits)?:
                sawDecimal = true
                integerDigits = max(integerDigits, digits)
            case .decimal(let digits, let valueScale)?:
                sawDecimal = true
                integerDigits = max(integerDigits, digits)
                scale = max(scale, valueScale)
            case .float?:
                sawFloat = true
            case nil:
                families.remove(.number)
            }
        }
        // PostgreSQL's `infinity` and `-infinity` fit a date or a timestamp of any kind.
        if families.contains(.temporal), !ISODateTime.isInfinity(bytes) {
            switch ISODateTime.parse(bytes)?.kind {
            case .date?: sawDate = true
            case .timestamp?: sawTimestamp = true
            case .timestamptz?: sawTimestamptz = true
            case nil: families.remove(.temporal)
            }
            if sawTimestamptz && (sawDate || sawTimestamp) { families.remove(.temporal) }
        }
        if families.contains(.uuid), !UUIDText.isValid(bytes) { families.remove(.uuid) }
        if families.contains(.time), TimeText.canonicalEnd(bytes) == nil { families.remove(.time) }
    }

    var inferredType: ColumnType {
        guard sawValue else { return .text }
        if families.contains(.bool) { return .bool }
        if families.contains(.number) {
            if sawFloat { return .float64 }
            if !sawDecimal { return .int64 }
            let precision = max(1, integerDigits + scale)
            if precision <= Self.maximumDecimalPrecision { return .decimal(precision: precision, scale: scale) }
        }
        if families.contains(.temporal), sawDate || sawTimestamp || sawTimestamptz {
            if sawTimestamptz { return .timestamptz }
            return sawTimestamp ? .timestamp : .date
        }
        if families.contains(.time) { return .time }
        if families.contains(.uuid) { return .uuid }
        if families.contains(.json) { return .json }
        return .text
    }
}
