import Foundation
import SQLPipeEngine

/// A timestamp as the stores write it, `2026-12-02 07:40:32.123` in UTC: GRDB's text for a `Date`, and
/// PostgreSQL's `timestamptz` in ISO style with `+00` after it. Read by the file reader's `ISODateTime`
/// into a `Date` without a calendar: GRDB's own reading, through `DateComponents` and a `Calendar`, was a
/// fifth of decoding a row of transfers.
enum StoredTimestamp {
    /// Nil when `text` is not such a timestamp in UTC; fractions are kept to the millisecond, as the stores
    /// write them, so that the same `Date` comes back as went in.
    static func date(_ text: UnsafeBufferPointer<UInt8>) -> Date? {
        guard let parsed = ISODateTime.parse(text), parsed.kind != .date, (parsed.offsetMinutes ?? 0) == 0 else {
            return nil
        }
        var fraction = 0.0
        var scale = 0.1
        for index in parsed.fraction {
            fraction += Double(text[index] - UInt8(ascii: "0")) * scale
            scale /= 10
        }
        let days = CivilDate.days(year: parsed.year, month: parsed.month, day: parsed.day)
        let seconds = days * 86_400 + parsed.hour * 3600 + parsed.minute * 60 + parsed.second
        return Date(timeIntervalSince1970: Double(seconds) + (fraction * 1000).rounded() / 1000)
    }

    static func date(_ text: String) -> Date? {
        var text = text
        return text.withUTF8 { date($0) }
    }
}
