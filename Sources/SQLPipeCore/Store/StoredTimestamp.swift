import Foundation
import SQLPipeEngine

/// A timestamp as the stores write it, `2026-12-02 07:40:32.123` in UTC: GRDB's text for a `Date`, and
/// PostgreSQL's `timestamptz` in ISO style with `+00` after it. Read digit by digit: GRDB's own reading,
/// through `DateComponents` and a `Calendar`, was a fifth of decoding a row of transfers.
enum StoredTimestamp {
    /// Nil when `text` is not such a timestamp; fractions are kept to the millisecond, as the stores
    /// write them, so that the same `Date` comes back as went in.
    static func date(_ text: UnsafeRawBufferPointer) -> Date? {
        let count = text.count
        guard count >= 19, text[4] == UInt8(ascii: "-"), text[7] == UInt8(ascii: "-"),
            text[10] == UInt8(ascii: " ") || text[10] == UInt8(ascii: "T"), text[13] == UInt8(ascii: ":"),
            text[16] == UInt8(ascii: ":")
        else { return nil }
        func number(_ start: Int, _ length: Int) -> Int? {
            var value = 0
            for index in start..<start + length {
                let digit = Int(text[index]) &- 48
                guard digit >= 0, digit <= 9 else { return nil }
                value = value * 10 + digit
            }
            return value
        }
        guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2), (1...12).contains(month),
            (1...31).contains(day), let hour = number(11, 2), let minute = number(14, 2),
            let second = number(17, 2), hour < 24, minute < 60, second < 60
        else { return nil }
        var index = 19
        var fraction = 0.0
        if index < count, text[index] == UInt8(ascii: ".") {
            index += 1
            var scale = 0.1
            while index < count, text[index] >= UInt8(ascii: "0"), text[index] <= UInt8(ascii: "9") {
                fraction += Double(text[index] - UInt8(ascii: "0")) * scale
                scale /= 10
                index += 1
            }
        }
        let zone = UnsafeRawBufferPointer(rebasing: text[index...])
        guard zone.isEmpty || zone.elementsEqual("+00".utf8) || zone.elementsEqual("Z".utf8) else { return nil }
        let seconds = (CivilDate.days(year: year, month: month, day: day) * 86_400) + hour * 3600 + minute * 60 + second
        return Date(timeIntervalSince1970: Double(seconds) + (fraction * 1000).rounded() / 1000)
    }

    static func date(_ text: String) -> Date? {
        var text = text
        return text.withUTF8 { date(UnsafeRawBufferPointer($0)) }
    }
}
