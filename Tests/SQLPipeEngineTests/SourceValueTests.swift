import Foundation
import GRDB
import SQLPipeTestSupport
import Testing

@testable import SQLPipeEngine

/// Values a loosely typed source holds that no exact transfer can move: they fail, naming column and row.
@Suite struct SourceValueTests {
    /// The error of a transfer from a SQLite database made by `setup`, nil when it succeeds. Into SQLite
    /// itself every value keeps its storage class, so the default target is PostgreSQL.
    static func transfer(
        fromSQLite setup: String, query: String, to target: DataSystem = .postgresql
    ) async throws -> String? {
        try await offPool { try Self.blockingTransfer(fromSQLite: setup, query: query, to: target) }
    }

    static func blockingTransfer(fromSQLite setup: String, query: String, to target: DataSystem) throws -> String? {
        let world = try TestWorld()
        let source = try world.config(.sqlite, file: "loose.db")
        try DatabaseQueue(path: source.database).write { try $0.execute(sql: setup) }
        let targetConfig = try world.config(target, file: "target.db")
        let table = world.uniqueName("t")
        let request = TransferRequest(
            source: source, target: targetConfig, query: query,
            table: TableName(name: table), mode: .overwrite, stagingName: world.uniqueName("staging"))
        do {
            _ = try TransferEngine.run(request, control: RunControl())
            let session = try Drivers.open(targetConfig)
            defer { session.close() }
            try session.execute("DROP TABLE \(session.dialect.quote(table))")
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test func aDecimalBeyondItsDeclaredScaleFails() async throws {
        let error = try await Self.transfer(
            fromSQLite: "CREATE TABLE d (v DECIMAL(5,2)); INSERT INTO d VALUES ('1.25'), ('1.234')",
            query: "SELECT v FROM d")
        #expect((error ?? "no error").contains("column \"v\", row 2: '1.234' does not fit the declared DECIMAL(5,2)"))
        #expect(
            try await Self.transfer(
                fromSQLite: "CREATE TABLE d (v DECIMAL(5,2)); INSERT INTO d VALUES ('123.40'), (1e2)",
                query: "SELECT v FROM d") == nil)
    }

    @Test func textThatIsNoDateFails() async throws {
        let error = try await Self.transfer(
            fromSQLite: "CREATE TABLE d (day DATE); INSERT INTO d VALUES ('2024-01-02'), ('garbage')",
            query: "SELECT day FROM d")
        #expect((error ?? "no error").contains("column \"day\", row 2"))
    }

    @Test func decimalTextFitsAsExpected() {
        #expect(DecimalText.fits("123.45", precision: 5, scale: 2))
        #expect(DecimalText.fits("-123.4500", precision: 5, scale: 2))
        #expect(!DecimalText.fits("1234.5", precision: 5, scale: 2))
        #expect(!DecimalText.fits("1.234", precision: 5, scale: 2))
        #expect(DecimalText.fits("1.5e2", precision: 5, scale: 2))
        #expect(!DecimalText.fits("1e-3", precision: 5, scale: 2))
        #expect(!DecimalText.fits("abc", precision: 5, scale: 2))
        for text in ["123.45", "-123.4500", "1234.5", "1.234", "0.00", "-0.001", "00012.1", "1.5e2", "abc", "", "-"] {
            let bytes = Array(text.utf8)
            let fast = bytes.withUnsafeBufferPointer { DecimalText.fits($0, precision: 5, scale: 2) }
            #expect(fast == DecimalText.fits(text, precision: 5, scale: 2), "\(text)")
        }
    }

    @Test func dateShapes() {
        #expect(DateTimeShape.isValid("2024-03-31", as: .date))
        #expect(!DateTimeShape.isValid("2024-3-31", as: .date))
        #expect(DateTimeShape.isValid("23:59:59.999999", as: .time))
        #expect(DateTimeShape.isValid("2024-03-31 01:30", as: .timestamp))
        #expect(!DateTimeShape.isValid("2024-03-31T01:30:00", as: .timestamp))
        #expect(DateTimeText.utc("2024-10-27 02:30:00+02:00") == "2024-10-27 00:30:00")
        #expect(DateTimeText.utc("2024-01-01 01:00:00-05:30") == "2024-01-01 06:30:00")
        #expect(DateTimeText.utc("2024-12-31 23:30:00-01:00") == "2025-01-01 00:30:00")
    }

    /// The byte-level rewrite of UTC forms gives what the text-level one gives, and leaves the rest to it.
    @Test func utcFormsRewrittenOnTheirBytes() {
        func fast(_ text: String, _ type: ColumnType = .timestamptz) -> String? {
            var batch = RowBatch(columnCount: 1)
            let done = Array(text.utf8).withUnsafeBufferPointer { DateTimeText.appendUTC($0, as: type, into: &batch) }
            return done ? String(decoding: batch.bytes, as: UTF8.self) : nil
        }
        let rewritten = [
            "2020-01-01 00:00:00.5+00:00", "2020-01-01T00:00:00Z", "2020-01-01t10:11:12.123456z",
            "2020-01-01 10:11+0000", "2020-01-01T10:11:12+00", "2020-01-01 10:11:12-00:00", "2020-01-01T10:11:12",
        ]
        for text in rewritten {
            var slow = text
            if let separator = slow.firstIndex(of: "T") { slow.replaceSubrange(separator...separator, with: " ") }
            #expect(fast(text) == DateTimeText.utc(slow.replacingOccurrences(of: "t", with: " ")), "\(text)")
            #expect(fast(text, .timestamp) == fast(text), "\(text)")
        }
        #expect(fast("2020-01-01T00:00:00Z") == "2020-01-01 00:00:00")
        // Offsets that move the time, malformed text, dates and canonical text are not this path's.
        for text in [
            "2020-01-01 00:00:00+02:00", "2020-01-01 00:00:00-05:30", "2020-01-01X00:00:00Z", "2020-01-01 0:00Z",
            "2020-01-01", "2020-01-01 00:00:00", "Z", "+00:00", "2020-01-01 00:00:00+00:0",
        ] {
            #expect(fast(text) == nil, "\(text)")
        }
        #expect(fast("2020-01-01T00:00:00Z", .date) == nil)
    }
}
