import Foundation

/// A five-field cron expression (`minute hour day-of-month month day-of-week`) as crontab(5) reads it: lists,
/// ranges, steps, month and day names, 0 and 7 both Sunday, and the `@daily`-style shorthands.
///
/// The day fields follow Vixie cron: when both are restricted a day matches either one, and when either starts
/// with `*` a day must match both (so `*/2` in the day of the month with `sun` means odd-numbered Sundays). Times are wall-clock times in a time zone, and each one fires at most once: in the
/// hour that repeats when clocks go back only its first pass fires, and a time that a jump forward skips fires
/// when the jump ends.
public struct CronExpression: Sendable, Hashable, CustomStringConvertible {
    /// The expression as written.
    public let description: String
    let minutes: FieldSet
    let hours: FieldSet
    let daysOfMonth: FieldSet
    let months: FieldSet
    let daysOfWeek: FieldSet
    /// Whether a day must match both day fields rather than either.
    let daysMatchBoth: Bool

    public init(_ text: String) throws(CronExpressionError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let expanded = try Self.expandingShorthand(trimmed)
        let fields = expanded.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard fields.count == 5 else {
            throw CronExpressionError(
                "\(fields.count) field\(fields.count == 1 ? "" : "s") where cron needs five: "
                    + "minute hour day-of-month month day-of-week (e.g. \"0 2 * * *\")")
        }
        description = trimmed
        minutes = try Field.minute.parse(fields[0])
        hours = try Field.hour.parse(fields[1])
        daysOfMonth = try Field.dayOfMonth.parse(fields[2])
        months = try Field.month.parse(fields[3])
        daysOfWeek = try Field.dayOfWeek.parse(fields[4])
        daysMatchBoth = fields[2].hasPrefix("*") || fields[4].hasPrefix("*")
        // Matching both, every listed day falls on every weekday in some year, if it exists in a listed month.
        if daysMatchBoth, !Self.someMonthHasADay(of: daysOfMonth, in: months) {
            throw CronExpressionError(
                "day-of-month \"\(fields[2])\" never occurs in month \"\(fields[3])\": the schedule would never run")
        }
    }

    /// The first time after `instant` at which the expression is due, on a minute boundary.
    public func nextRun(after instant: Date, in timeZone: TimeZone) -> Date? {
        let after = Int(instant.timeIntervalSince1970.rounded(.down))
        let localStart = after + timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(after)))
        // Resolving wall times keeps their order, so no wall time before this minute can resolve past `after`.
        let startMinute = Self.floorDiv(localStart, 60) + 1
        let startDay = Self.floorDiv(startMinute, 1440)
        // Every valid expression is due within eight years (a 29 February can be eight years away).
        for day in startDay..<(startDay + 366 * 9) {
            let date = CivilDate(daysSinceEpoch: day)
            guard months.contains(date.month), matches(date) else { continue }
            let firstMinuteOfDay = day == startDay ? startMinute - day * 1440 : 0
            for hour in hours.members where hour >= firstMinuteOfDay / 60 {
                for minute in minutes.members where hour * 60 + minute >= firstMinuteOfDay {
                    let wallTime = (day * 1440 + hour * 60 + minute) * 60
                    let due = Self.resolve(wallTime: wallTime, in: timeZone)
                    if due > after { return Date(timeIntervalSince1970: TimeInterval(due)) }
                }
            }
        }
        return nil
    }

    private func matches(_ date: CivilDate) -> Bool {
        let byDayOfMonth = daysOfMonth.contains(date.day)
        let byDayOfWeek = daysOfWeek.contains(date.weekday)
        return daysMatchBoth ? byDayOfMonth && byDayOfWeek : byDayOfMonth || byDayOfWeek
    }

    /// The instant (seconds since 1970) of a wall-clock time given as seconds since 1970-01-01 00:00 local.
    /// A time that occurs twice resolves to its first occurrence; one that does not occur, to the end of the
    /// jump that skipped it.
    static func resolve(wallTime: Int, in timeZone: TimeZone) -> Int {
        func offset(_ instant: Int) -> Int {
            timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(instant)))
        }
        let nearbyOffsets = Set([offset(wallTime - 86_400), offset(wallTime), offset(wallTime + 86_400)])
        let occurrences = nearbyOffsets.map { wallTime - $0 }.filter { wallTime - offset($0) == $0 }
        if let first = occurrences.min() { return first }
        // In a gap: the jump happened after the instant this time would have had under the later offset.
        let latest = nearbyOffsets.max() ?? 0
        let searchFrom = Date(timeIntervalSince1970: TimeInterval(wallTime - latest))
        if let jump = timeZone.nextDaylightSavingTimeTransition(after: searchFrom) {
            return Int(jump.timeIntervalSince1970.rounded(.down))
        }
        return wallTime - (nearbyOffsets.min() ?? 0)
    }

    private static func someMonthHasADay(of days: FieldSet, in months: FieldSet) -> Bool {
        // 29 February counts: it comes round in leap years.
        let longest = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return months.members.contains { month in days.members.contains { $0 <= longest[month - 1] } }
    }

    private static func expandingShorthand(_ text: String) throws(CronExpressionError) -> String {
        guard text.hasPrefix("@") else { return text }
        switch text.lowercased() {
        case "@yearly", "@annually": return "0 0 1 1 *"
        case "@monthly": return "0 0 1 * *"
        case "@weekly": return "0 0 * * 0"
        case "@daily", "@midnight": return "0 0 * * *"
        case "@hourly": return "0 * * * *"
        default:
            throw CronExpressionError(
                "unknown shorthand \"\(text)\": use @yearly, @annually, @monthly, @weekly, @daily, @midnight or @hourly"
            )
        }
    }

    static func floorDiv(_ value: Int, _ divisor: Int) -> Int {
        value >= 0 ? value / divisor : -((-value + divisor - 1) / divisor)
    }
}

/// Why a cron expression was refused, naming the field and the part of it that is wrong.
public struct CronExpressionError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// The values one field allows, as bits.
struct FieldSet: Sendable, Hashable {
    var bits: UInt64 = 0
    func contains(_ value: Int) -> Bool { bits & (1 << UInt64(value)) != 0 }
    mutating func insert(_ value: Int) { bits |= 1 << UInt64(value) }
    var members: [Int] { (0..<64).filter(contains) }
}

private struct Field {
    let name: String
    let range: ClosedRange<Int>
    /// Names in order from the first value of `range`.
    let names: [String]
    /// Values that stand for another: 7 is Sunday as well as 0.
    let aliases: [Int: Int]

    static let minute = Field(name: "minute", range: 0...59, names: [], aliases: [:])
    static let hour = Field(name: "hour", range: 0...23, names: [], aliases: [:])
    static let dayOfMonth = Field(name: "day-of-month", range: 1...31, names: [], aliases: [:])
    static let month = Field(
        name: "month", range: 1...12,
        names: ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], aliases: [:])
    static let dayOfWeek = Field(
        name: "day-of-week", range: 0...7, names: ["sun", "mon", "tue", "wed", "thu", "fri", "sat"], aliases: [7: 0])

    func parse(_ text: String) throws(CronExpressionError) -> FieldSet {
        var set = FieldSet()
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            for value in try values(of: String(item), in: text) { set.insert(aliases[value] ?? value) }
        }
        return set
    }

    private func values(of item: String, in text: String) throws(CronExpressionError) -> [Int] {
        func fail(_ why: String) -> CronExpressionError {
            CronExpressionError("\(name) field \"\(text)\": \(why)")
        }
        guard !item.isEmpty else { throw fail("an empty list item") }
        let parts = item.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2 else { throw fail("\"\(item)\" has more than one step") }
        var step = 1
        if parts.count == 2 {
            guard let given = Int(parts[1]), given > 0 else {
                throw fail("the step \"\(parts[1])\" is not a whole number above 0")
            }
            step = given
        }
        let span = String(parts[0])
        let bounds: ClosedRange<Int>
        if span == "*" {
            bounds = range.lowerBound...(aliases.isEmpty ? range.upperBound : range.upperBound - 1)
        } else if let dash = span.firstIndex(of: "-") {
            let low = try value(String(span[..<dash]), item: item, fail: fail)
            let high = try value(String(span[span.index(after: dash)...]), item: item, fail: fail)
            guard low <= high else { throw fail("the range \"\(span)\" runs backwards") }
            bounds = low...high
        } else {
            let single = try value(span, item: item, fail: fail)
            // `5/15` is `5-59/15`, as in Vixie cron.
            bounds = parts.count == 2 ? single...range.upperBound : single...single
        }
        return Array(stride(from: bounds.lowerBound, through: bounds.upperBound, by: step))
    }

    private func value(
        _ text: String, item: String, fail: (String) -> CronExpressionError
    ) throws(CronExpressionError) -> Int {
        if !text.isEmpty, text.allSatisfy({ $0.isASCII && $0.isNumber }), let number = Int(text) {
            guard range.contains(number) else {
                throw fail("\(number) is out of range \(range.lowerBound)-\(range.upperBound)")
            }
            return number
        }
        if let index = names.firstIndex(of: text.lowercased()) { return range.lowerBound + index }
        if names.isEmpty { throw fail("\"\(text)\" is not a number") }
        throw fail("\"\(text)\" is neither a number nor a name (\(names.joined(separator: ", ")))")
    }
}

/// A day of the proleptic Gregorian calendar, from its number of days since 1970-01-01.
private struct CivilDate {
    let year: Int
    let month: Int
    let day: Int
    /// 0 is Sunday.
    let weekday: Int

    init(daysSinceEpoch days: Int) {
        // Howard Hinnant's civil_from_days.
        let shifted = days + 719_468
        let era = CronExpression.floorDiv(shifted, 146_097)
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        weekday = ((days % 7) + 11) % 7
    }
}
