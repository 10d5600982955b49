import Foundation
import SQLPipeTestSupport
import Testing

@testable import SQLPipeEngine

/// Rows from SQLite go into PostgreSQL in COPY's binary form when the target's types are the encoders'
/// own, and as text from the first value binary would not carry as text input reads it: either way the
/// stored values are the same, to the text PostgreSQL gives back.
@Suite struct PostgresBinaryTests {
    /// 5,000 rows, more than a batch, of every type that has a binary encoder, with edges of each.
    static let source = [
        """
        CREATE TABLE {src} (id INTEGER, n NUMERIC(14,4), d DATE, ts DATETIME, tz TIMESTAMPTZ, r DOUBLE, u UUID,
            b BOOLEAN, s SMALLINT, i INTEGER, t TEXT, v VARCHAR(20), j JSON, bl BLOB)
        """,
        """
        INSERT INTO {src}
        WITH RECURSIVE g(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM g WHERE k < 5000)
        SELECT k,
            CASE k % 7 WHEN 0 THEN NULL WHEN 1 THEN 0 WHEN 2 THEN -(k * 37 % 100000) / 16.0
                WHEN 3 THEN 10000 * k ELSE (k * 37 % 100000) / 16.0 END,
            CASE k % 5 WHEN 0 THEN date('0001-01-01', '+' || k || ' days') WHEN 1 THEN '2024-02-29'
                ELSE date('2000-01-01', '+' || (k * 1997 % 2900000) || ' days') END,
            CASE k % 4 WHEN 0 THEN strftime('%Y-%m-%d %H:%M:%f', 946684800 + k * 86461.123, 'unixepoch')
                WHEN 1 THEN date('1999-12-31', '+' || k || ' days') WHEN 2 THEN '1970-01-01 00:00'
                ELSE strftime('%Y-%m-%d %H:%M:%S', -62135596800 + k * 7777777, 'unixepoch') || '.000001' END,
            strftime('%Y-%m-%dT%H:%M:%f', 1577836800 + k * 0.5, 'unixepoch') || CASE k % 2 WHEN 0 THEN 'Z' ELSE '+00:00' END,
            CASE k % 6 WHEN 0 THEN -0.0 WHEN 1 THEN k * 0.1 WHEN 2 THEN 1.7976931348623157e308 ELSE -k / 3.0 END,
            printf('%08X-%04x-%04x-%04x-%012x', k * 2654435761 % 4294967296, k % 65536, k * 7 % 65536, 43690, k),
            k % 2, (k * 13 % 65536) - 32768, k * 1000003 * (1 - 2 * (k % 2)),
            'text ' || k || char(9) || '\\' || char(10) || 'é', substr('abcdefghijklmnopqrstuvwxyz', 1, k % 21),
            '{"a": ' || k || ', "b": [true, null]}', CAST(printf('%x', k) AS BLOB)
        FROM g
        """,
    ]

    /// What PostgreSQL holds: a digest of every row's text but the extra one, the rows, and that row's text.
    static let check = """
        SELECT md5(string_agg((t.*)::text, '|' ORDER BY id) FILTER (WHERE id BETWEEN 1 AND 5000)), count(*),
            max((t.*)::text) FILTER (WHERE id NOT BETWEEN 1 AND 5000)
        FROM {dst} AS t
        """

    /// A row binary leaves to text: seven digits of a second, which PostgreSQL rounds.
    static func extraRow(id: Int) -> String {
        """
        INSERT INTO {src} VALUES (\(id), 2.5, '2024-01-01', '2024-01-01 10:00:00.1234567', '2024-01-01T00:00:00Z', 1.5,
            'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 1, 1, 1, 'x', 'y', '{}', x'00')
        """
    }

    @Test func binaryAndTextStoreTheSameValues() async throws {
        // All of it in binary; a first row that sends everything as text; a last one that sends the last batch so.
        let binary = try await SpecialValueTests.move(
            from: .sqlite, setup: Self.source, query: "SELECT * FROM {src} ORDER BY id", to: .postgresql,
            check: Self.check)
        let text = try await SpecialValueTests.move(
            from: .sqlite, setup: Self.source + [Self.extraRow(id: 0)], query: "SELECT * FROM {src} ORDER BY id",
            to: .postgresql, check: Self.check)
        let switched = try await SpecialValueTests.move(
            from: .sqlite, setup: Self.source + [Self.extraRow(id: 9999)], query: "SELECT * FROM {src} ORDER BY id",
            to: .postgresql, check: Self.check)
        for outcome in [binary, text, switched] {
            #expect(outcome.error == nil, "\(outcome.error ?? "")")
            #expect(outcome.warnings.isEmpty, "\(outcome.warnings)")
        }
        let digest = try #require(binary.rows.first?[0])
        #expect(binary.rows.first?[1] == "5000")
        #expect(text.rows.first?[0] == digest)
        #expect(switched.rows.first?[0] == digest)
        #expect(text.rows.first?[1] == "5001" && switched.rows.first?[1] == "5001")
        let rounded = "2.5000,2024-01-01,\"2024-01-01 10:00:00.123457\",\"2024-01-01 00:00:00+00\""
        #expect(text.rows.first?[2]?.contains(rounded) == true, "\(text.rows.first?[2] ?? "")")
        #expect(switched.rows.first?[2]?.contains(rounded) == true, "\(switched.rows.first?[2] ?? "")")
    }

    /// The tables sqlpipe makes have every column in the type of its encoder: those rows go in binary.
    @Test func everyTypeOfTheSourceGoesInBinaryIntoTheTableMadeForIt() async throws {
        try await offPool {
            let world = try TestWorld()
            let sqlite = try Drivers.open(try world.config(.sqlite, file: "source.db"))
            let postgres = try #require(try Drivers.open(try world.config(.postgresql)) as? PostgresSession)
            let source = world.uniqueName("src")
            let table = TableName(name: world.uniqueName("dst"))
            defer {
                try? postgres.execute("DROP TABLE IF EXISTS \(postgres.dialect.quote(table.name))")
                postgres.close()
                sqlite.close()
            }
            for statement in Self.source.prefix(1) {
                try sqlite.execute(statement.replacingOccurrences(of: "{src}", with: sqlite.dialect.quote(source)))
            }
            let reader = try sqlite.openReader("SELECT * FROM \(sqlite.dialect.quote(source))")
            defer { reader.close() }
            try postgres.execute(
                postgres.dialect.createTableStatement(table, columns: reader.columns, primaryKey: []))
            let kinds = try PostgresCopyWriter.binaryKinds(of: reader.columns, in: table, on: postgres)
            #expect(kinds?.count == reader.columns.count, "\(reader.columns.map(\.type))")
            // A column of another type than the encoder's: the whole table goes as text.
            var other = reader.columns
            other[0].type = .int32
            #expect(try PostgresCopyWriter.binaryKinds(of: other, in: table, on: postgres) == nil)
        }
    }

    /// The encoders on their own: what they write, and what they leave to text.
    @Test func encodersWriteBinaryOrGiveUp() {
        func encoded(_ text: String, _ kind: PostgresBinary.Kind) -> [UInt8]? {
            var buffer: [UInt8] = []
            let done = Array(text.utf8).withUnsafeBufferPointer { PostgresBinary.append($0, kind, to: &buffer) }
            return done ? buffer : nil
        }
        // -123.4500: the digits 0123 and 4500, weight 0, negative, scale 4.
        #expect(encoded("-123.4500", .numeric) == [0, 0, 0, 12, 0, 2, 0, 0, 0x40, 0, 0, 4, 0, 123, 0x11, 0x94])
        #expect(encoded("0.00", .numeric) == [0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 2])
        #expect(encoded("-0", .numeric) == [0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0])
        #expect(encoded("10000", .numeric) == [0, 0, 0, 10, 0, 1, 0, 1, 0, 0, 0, 0, 0, 1])
        #expect(encoded(".5", .numeric) == [0, 0, 0, 10, 0, 1, 0xFF, 0xFF, 0, 0, 0, 1, 0x13, 0x88])
        for refused in ["1e5", "NaN", "Infinity", "-", ".", "", "1.2.3", " 1"] {
            #expect(encoded(refused, .numeric) == nil, "\(refused)")
        }
        #expect(encoded("2000-01-02", .date) == [0, 0, 0, 4, 0, 0, 0, 1])
        #expect(encoded("2000-01-01 00:00:00.000001", .timestamp) == [0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 1])
        for refused in [
            "2023-02-29", "2024-13-01", "0000-01-01", "infinity", "2024-01-01 BC", "2024-01-01 24:00:00",
            "2024-01-01 10:00:60", "2024-01-01 10:00:00.1234567", "2024-01-01T10:00:00",
        ] {
            #expect(encoded(refused, .timestamp) == nil, "\(refused)")
        }
        #expect(encoded("1e39", .float32) == nil)
        #expect(encoded("1e-50", .float32) == nil)
        #expect(encoded("NaN", .float64) == nil)
        #expect(encoded("0.0e5", .float64) == [0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0])
        #expect(encoded("40000", .int16) == nil)
        #expect(encoded("yes", .bool) == nil)
        #expect(encoded("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1", .uuid) == nil)
        #expect(encoded("{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}", .uuid) == nil)
        #expect(encoded("{}", .jsonb) == [0, 0, 0, 3, 1, 0x7B, 0x7D])
    }
}
