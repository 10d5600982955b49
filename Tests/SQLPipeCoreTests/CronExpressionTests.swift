import Foundation
import Testing

@testable import SQLPipeCore

@Suite struct CronExpressionTests {
    struct Due: CustomTestStringConvertible, Sendable {
        let expression: String
        let timeZone: String
        let after: String
        let next: String
        var testDescription: String { "\(expression) in \(timeZone) after \(after)" }

        init(_ expression: String, in timeZone: String = "UTC", after: String, next: String) {
            self.expression = expression
            self.timeZone = timeZone
            self.after = after
            self.next = next
        }
    }

    static let dueTimes: [Due] = [
        Due("* * * * *", after: "2026-01-01T00:00:00Z", next: "2026-01-01T00:01:00Z"),
        Due("* * * * *", after: "2026-01-01T00:00:30Z", next: "2026-01-01T00:01:00Z"),
        Due("0 2 * * *", after: "2026-01-01T01:59:59Z", next: "2026-01-01T02:00:00Z"),
        Due("0 2 * * *", after: "2026-01-01T02:00:00Z", next: "2026-01-02T02:00:00Z"),
        Due("*/15 * * * *", after: "2026-01-01T10:07:00Z", next: "2026-01-01T10:15:00Z"),
        Due("*/15 * * * *", after: "2026-01-01T10:45:00Z", next: "2026-01-01T11:00:00Z"),
        Due("5/15 * * * *", after: "2026-01-01T10:50:00Z", next: "2026-01-01T11:05:00Z"),
        Due("10-20/5 8 * * *", after: "2026-01-01T08:15:00Z", next: "2026-01-01T08:20:00Z"),
        Due("10-20/5 8 * * *", after: "2026-01-01T08:20:00Z", next: "2026-01-02T08:10:00Z"),
        Due("0 6,18 * * *", after: "2026-01-01T06:00:00Z", next: "2026-01-01T18:00:00Z"),
        Due("59 23 31 12 *", after: "2026-12-31T23:59:00Z", next: "2027-12-31T23:59:00Z"),
        // Month ends: the 31st skips short months, the 30th skips February.
        Due("0 0 31 * *", after: "2026-04-01T00:00:00Z", next: "2026-05-31T00:00:00Z"),
        Due("0 0 30 * *", after: "2027-01-30T00:00:00Z", next: "2027-03-30T00:00:00Z"),
        Due("0 0 1 jan,jul *", after: "2026-02-01T00:00:00Z", next: "2026-07-01T00:00:00Z"),
        Due("0 0 1 Mar-May/2 *", after: "2026-03-01T00:00:00Z", next: "2026-05-01T00:00:00Z"),
        // 29 February: leap years only, and 2100 is not one.
        Due("0 0 29 2 *", after: "2026-01-01T00:00:00Z", next: "2028-02-29T00:00:00Z"),
        Due("0 0 29 feb *", after: "2096-03-01T00:00:00Z", next: "2104-02-29T00:00:00Z"),
        // Days of the week: 2026-01-01 is a Thursday; 0 and 7 are both Sunday.
        Due("0 0 * * 0", after: "2026-01-01T00:00:00Z", next: "2026-01-04T00:00:00Z"),
        Due("0 0 * * 7", after: "2026-01-01T00:00:00Z", next: "2026-01-04T00:00:00Z"),
        Due("0 0 * * SUN", after: "2026-01-01T00:00:00Z", next: "2026-01-04T00:00:00Z"),
        Due("0 9 * * mon-fri", after: "2026-01-02T09:00:00Z", next: "2026-01-05T09:00:00Z"),
        Due("0 9 * * 5-7", after: "2026-01-03T09:00:00Z", next: "2026-01-04T09:00:00Z"),
        Due("0 12 * * 1-7/2", after: "2026-01-05T12:00:00Z", next: "2026-01-07T12:00:00Z"),
        // Both day fields restricted: either matches. One starting with `*`: both must.
        Due("0 0 13 * fri", after: "2026-01-01T00:00:00Z", next: "2026-01-02T00:00:00Z"),
        Due("0 0 13 * fri", after: "2026-01-10T00:00:00Z", next: "2026-01-13T00:00:00Z"),
        Due("0 0 */2 * sun", after: "2026-01-01T00:00:00Z", next: "2026-01-11T00:00:00Z"),
        // Shorthands.
        Due("@hourly", after: "2026-01-01T10:30:00Z", next: "2026-01-01T11:00:00Z"),
        Due("@daily", after: "2026-01-01T10:30:00Z", next: "2026-01-02T00:00:00Z"),
        Due("@weekly", after: "2026-01-01T10:30:00Z", next: "2026-01-04T00:00:00Z"),
        Due("@monthly", after: "2026-01-01T10:30:00Z", next: "2026-02-01T00:00:00Z"),
        Due("@yearly", after: "2026-01-01T10:30:00Z", next: "2027-01-01T00:00:00Z"),
        // Time zones: a half-hour offset, and New York's changes (8 March and 1 November 2026).
        Due("0 9 * * *", in: "Asia/Kolkata", after: "2026-01-01T00:00:00Z", next: "2026-01-01T03:30:00Z"),
        Due("0 2 * * *", in: "America/New_York", after: "2026-01-01T00:00:00Z", next: "2026-01-01T07:00:00Z"),
        Due("0 2 * * *", in: "America/New_York", after: "2026-07-01T00:00:00Z", next: "2026-07-01T06:00:00Z"),
        // 02:30 does not occur on 8 March: it fires when the clocks reach 03:00, then as usual.
        Due("30 2 * * *", in: "America/New_York", after: "2026-03-07T12:00:00Z", next: "2026-03-08T07:00:00Z"),
        Due("30 2 * * *", in: "America/New_York", after: "2026-03-08T07:00:00Z", next: "2026-03-09T06:30:00Z"),
        Due("*/30 * * * *", in: "America/New_York", after: "2026-03-08T06:45:00Z", next: "2026-03-08T07:00:00Z"),
        Due("*/30 * * * *", in: "America/New_York", after: "2026-03-08T07:00:00Z", next: "2026-03-08T07:30:00Z"),
        // 01:30 occurs twice on 1 November: only the first fires.
        Due("30 1 * * *", in: "America/New_York", after: "2026-10-31T12:00:00Z", next: "2026-11-01T05:30:00Z"),
        Due("30 1 * * *", in: "America/New_York", after: "2026-11-01T05:30:00Z", next: "2026-11-02T06:30:00Z"),
        Due("0 * * * *", in: "America/New_York", after: "2026-11-01T05:00:00Z", next: "2026-11-01T07:00:00Z"),
        Due("0 * * * *", in: "America/New_York", after: "2026-11-01T05:30:00Z", next: "2026-11-01T07:00:00Z"),
        Due("0 * * * *", in: "America/New_York", after: "2026-11-01T06:30:00Z", next: "2026-11-01T07:00:00Z"),
    ]

    @Test(arguments: dueTimes)
    func nextDueTime(_ due: Due) throws {
        let expression = try CronExpression(due.expression)
        let timeZone = try #require(TimeZone(identifier: due.timeZone))
        let next = expression.nextRun(after: try Self.instant(due.after), in: timeZone)
        #expect(next == (try Self.instant(due.next)))
    }

    @Test func successiveRunsOfAMinuteScheduleAreOneMinuteApart() throws {
        let expression = try CronExpression("* * * * *")
        let timeZone = try #require(TimeZone(identifier: "Europe/Berlin"))
        var instant = try Self.instant("2026-03-29T00:30:00Z")
        for _ in 0..<180 {
            let next = try #require(expression.nextRun(after: instant, in: timeZone))
            #expect(next.timeIntervalSince(instant) == 60)
            instant = next
        }
    }

    static let refused: [(String, String)] = [
        ("", "0 fields where cron needs five"),
        ("* * * *", "4 fields where cron needs five"),
        ("* * * * * *", "6 fields where cron needs five"),
        ("60 * * * *", "minute field \"60\": 60 is out of range 0-59"),
        ("* 24 * * *", "hour field \"24\": 24 is out of range 0-23"),
        ("* * 0 * *", "day-of-month field \"0\": 0 is out of range 1-31"),
        ("* * 32 * *", "day-of-month field \"32\": 32 is out of range 1-31"),
        ("* * * 13 *", "month field \"13\": 13 is out of range 1-12"),
        ("* * * * 8", "day-of-week field \"8\": 8 is out of range 0-7"),
        ("*/0 * * * *", "minute field \"*/0\": the step \"0\" is not a whole number above 0"),
        ("*/x * * * *", "minute field \"*/x\": the step \"x\" is not a whole number above 0"),
        ("1/2/3 * * * *", "minute field \"1/2/3\": \"1/2/3\" has more than one step"),
        ("5-1 * * * *", "minute field \"5-1\": the range \"5-1\" runs backwards"),
        ("1,,2 * * * *", "minute field \"1,,2\": an empty list item"),
        ("+5 * * * *", "minute field \"+5\": \"+5\" is not a number"),
        ("-5 * * * *", "minute field \"-5\": \"\" is not a number"),
        ("a * * * *", "minute field \"a\": \"a\" is not a number"),
        ("* * * foo *", "month field \"foo\": \"foo\" is neither a number nor a name (jan, feb, mar"),
        ("* * * * monday", "day-of-week field \"monday\": \"monday\" is neither a number nor a name (sun, mon"),
        ("0 0 30 2 *", "day-of-month \"30\" never occurs in month \"2\""),
        ("0 0 31 4,6,9,11 *", "day-of-month \"31\" never occurs in month \"4,6,9,11\""),
        ("0 0 31 apr */7", "day-of-month \"31\" never occurs in month \"apr\""),
        ("@reboot", "unknown shorthand \"@reboot\""),
    ]

    @Test(arguments: refused)
    func refusedExpressionsSayWhy(_ text: String, _ reason: String) {
        #expect {
            try CronExpression(text)
        } throws: { error in
            "\(error)".contains(reason)
        }
    }

    @Test func anImpossibleDayWithAWeekdayIsAccepted() throws {
        // Both day fields restricted: the weekday alone can make the day due.
        let expression = try CronExpression("0 0 30 2 mon")
        let timeZone = try #require(TimeZone(identifier: "UTC"))
        let next = expression.nextRun(after: try Self.instant("2026-01-01T00:00:00Z"), in: timeZone)
        #expect(next == (try Self.instant("2026-02-02T00:00:00Z")))
    }

    static func instant(_ text: String) throws -> Date {
        try #require(ISO8601DateFormatter().date(from: text), "bad test instant \(text)")
    }
}
