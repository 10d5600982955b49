import Foundation
import SQLPipeTestSupport
import Testing

@testable import SQLPipeEngine

/// PostgreSQL read in COPY's binary form and decoded must give, cell for cell, what its text form gives:
/// the two readers run on the same rows, edges of every type among them, and their cells are compared.
@Suite struct PostgresBinaryCellsTests {
    /// Every type with a decoder, a few without (cast to text), edge values, then 5,000 generated rows.
    static let setup = [
        """
        CREATE TABLE {t} (id int, b boolean, i2 smallint, i4 int, i8 bigint, n numeric, n2 numeric(12,2),
            f4 real, f8 double precision, t text, v varchar(10), c char(5), nm name, by bytea, j json, jb jsonb,
            u uuid, d date, tm time, ts timestamp, tz timestamptz, iv interval, ar int[], tt timetz, ip inet)
        """,
        """
        INSERT INTO {t} (id, b, i2, i4, i8, n, n2, f4, f8, t, v, c, nm, by, j, jb, u, d, tm, ts, tz, iv, ar, tt, ip)
        VALUES
        (1, true, -32768, -2147483648, -9223372036854775808, 0, 0, 'NaN', 'NaN', '', '', '', '', '\\x', 'null',
            '{}', '00000000-0000-0000-0000-000000000000', '4713-11-24 BC', '00:00:00', '4713-11-24 00:00:00 BC',
            '4713-11-24 00:00:00+00 BC', '0', '{}', '00:00+00', '0.0.0.0'),
        (2, false, 32767, 2147483647, 9223372036854775807, 'NaN', -0.01, 'Infinity', '-Infinity',
            E'tab\\there\\nnew line \\\\ back é', 'ünïcödé', 'ab', 'some name', '\\x00ff5c0a09',
            '{"a": [1, 2.50, "x\\ty"]}', '{"b": 1, "a": [true, null, 1.50]}', 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11',
            '0001-01-01 BC', '23:59:59.999999', '0001-12-31 23:59:59.999999 BC', '0001-01-01 00:00:00+00 BC',
            '1 year 2 mons -3 days 04:05:06.7', '{1,NULL,-3}', '23:59:59.5-05:30', '::1'),
        (3, NULL, 0, 0, 0, 'Infinity', 9999999999.99, '-0', '-0', 'x', 'y', 'abcde', 'n', '\\x5c', '[]', '[]',
            'ffffffff-ffff-ffff-ffff-ffffffffffff', '0001-01-01', '24:00:00', '0001-01-01 00:00:00',
            '1969-12-31 23:59:59.5+00', '-178000000 years', NULL, NULL, '192.168.0.1/24'),
        (4, true, 1, 1, 1, '-Infinity', -9999999999.99, 3.4028235e38, 1.7976931348623157e308, NULL, NULL, NULL,
            NULL, NULL, NULL, NULL, NULL, '9999-12-31', '12:34:56.5', '1999-12-31 23:59:59.999999',
            '2024-06-01 12:00:00+05:30', NULL, NULL, NULL, NULL),
        (5, false, -1, -1, -1, 0.0000000000000000000000000001, 12.3, 1.4e-45, 5e-324, 'a', 'b', 'c', 'd',
            '\\xdeadbeef', '1', '"s"', '123e4567-e89b-12d3-a456-426614174000', '10000-01-01', '01:02:03.000001',
            '294276-12-31 23:59:59.999999', '294276-12-31 23:59:59.999999+00', NULL, NULL, NULL, NULL),
        (6, true, 2, 2, 2, 123456789012345678901234567890.123456789012345678901234567890, 0.5, 1e-10, 1e16, 'é',
            'é', 'é', 'é', '\\x00', '{}', '{"k": "v"}', '123e4567-e89b-12d3-a456-426614174001', '5874897-12-31',
            '00:00:00.1', 'infinity', 'infinity', NULL, NULL, NULL, NULL),
        (7, true, 3, 3, 3, 1e100, 100, 1e-5, 1e15, 'z', 'z', 'z', 'z', '\\x01', '{}', '{}',
            '123e4567-e89b-12d3-a456-426614174002', 'infinity', '00:00:01', '-infinity', '-infinity', NULL, NULL,
            NULL, NULL),
        (8, false, 4, 4, 4, -0.000, 0.00, 0.1, 0.1, 'z', 'z', 'z', 'z', '\\x02', '{}', '{}',
            '123e4567-e89b-12d3-a456-426614174003', '-infinity', '10:00:00', '2000-01-01 00:00:00',
            '1900-01-01 00:00:00.1+00', NULL, NULL, NULL, NULL),
        (9, true, 5, 5, 5, 10000, 10000, 100, 100, 'z', 'z', 'z', 'z', '\\x03', '{}', '{}',
            '123e4567-e89b-12d3-a456-426614174004', '2024-02-29', '10:00:00', '2024-02-29 12:00:00.000010',
            '1582-10-04 23:59:59+00', NULL, NULL, NULL, NULL)
        """,
        """
        INSERT INTO {t} (id, b, i2, i4, i8, n, n2, f4, f8, t, v, by, j, jb, u, d, tm, ts, tz, iv)
        SELECT 100 + i, i % 3 = 0, (i * 7 % 65536 - 32768)::smallint, i * 104729 - 2000000000,
            i::bigint * 1000000007 * (1 - 2 * (i % 2)), (i * 12345.6789 - 30000000)::numeric / 7,
            round((i % 100000) * 1.37 / 100, 2), i * 0.37::real, i * 0.001::double precision / 7,
            left(md5(i::text), i % 33), 'v' || i, decode(md5(i::text), 'hex'), ('{"i": ' || i || '}')::json,
            ('{"i": ' || i || ', "h": "' || md5(i::text) || '"}')::jsonb, md5(i::text)::uuid,
            date '0001-01-01' + i * 731, time '00:00' + i * interval '17.123457 second',
            timestamp '0100-01-01' + i * interval '1234567.891011 second',
            timestamptz '1800-01-01 00:00:00+00' + i * interval '987654.3210 second', i * interval '1.5 hour'
        FROM generate_series(1, 5000) AS i
        """,
        // Types without a decoder whose cast to text is not their output function: "char", and inet above;
        // and types of the database's own, one of which has a cast its owner made.
        "CREATE TYPE {y}_mood AS ENUM ('sad', 'ok')",
        "CREATE TYPE {y}_range AS RANGE (subtype = int4)",
        "CREATE FUNCTION {y}_show({y}_range) RETURNS text LANGUAGE sql IMMUTABLE AS $$SELECT 'not the output'$$",
        "CREATE CAST ({y}_range AS text) WITH FUNCTION {y}_show({y}_range)",
        "ALTER TABLE {t} ADD COLUMN ch \"char\", ADD COLUMN e {y}_mood, ADD COLUMN r {y}_range",
        """
        UPDATE {t} SET ch = CASE WHEN id % 7 = 0 THEN NULL ELSE chr(65 + id % 26) END,
            e = CASE WHEN id % 3 = 0 THEN NULL WHEN id % 2 = 0 THEN 'sad' ELSE 'ok' END::{y}_mood,
            r = CASE WHEN id % 4 = 0 THEN NULL WHEN id % 5 = 0 THEN 'empty' ELSE {y}_range(id, id + 10) END
        """,
    ]

    /// Every cell of `query`, read by `reader`; NULL as nil.
    static func cells(_ reader: PostgresCopyReader) throws -> [[[UInt8]?]] {
        defer { reader.close() }
        var rows: [[[UInt8]?]] = []
        var batch = RowBatch(columnCount: reader.batchColumnCount)
        while try reader.read(into: &batch) {
            for row in 0..<batch.rowCount {
                rows.append(
                    (0..<batch.columnCount).map { column in
                        batch.isNull(row: row, column: column)
                            ? nil : batch.withCell(row: row, column: column, Array.init)
                    })
            }
            batch.removeAll()
        }
        return rows
    }

    static func readBothWays(_ query: String, on session: PostgresSession) throws -> (
        binary: [[[UInt8]?]], text: [[[UInt8]?]], decoded: Bool
    ) {
        let decoded = try PostgresCopyReader.open(session: session, query: query)
        let decodes = decoded.decodesBinary
        let binary = try cells(decoded)
        let description = try session.describe(query)
        let text = try cells(
            try PostgresCopyReader(session: session, query: query, description: description, format: .text))
        return (binary, text, decodes)
    }

    @Test func binaryCellsAreTheTextCells() async throws {
        try await offPool {
            let world = try TestWorld()
            let session = try #require(try Drivers.open(try world.config(.postgresql)) as? PostgresSession)
            let name = world.uniqueName("cells")
            let table = session.dialect.quote(name)
            defer {
                try? session.execute("DROP TABLE IF EXISTS \(table)")
                try? session.execute("DROP TYPE IF EXISTS \(name)_mood, \(name)_range CASCADE")
                session.close()
            }
            for statement in Self.setup {
                let named = statement.replacingOccurrences(of: "{y}", with: name)
                try session.execute(named.replacingOccurrences(of: "{t}", with: table))
            }
            let read = try Self.readBothWays("SELECT * FROM \(table) ORDER BY id", on: session)
            #expect(read.decoded)
            #expect(read.text.count == 5009)
            #expect(read.binary.count == read.text.count)
            let notTheOutput = Array("not the output".utf8)
            #expect(!read.binary.contains { $0.contains { $0 == notTheOutput } })
            for (index, (binary, text)) in zip(read.binary, read.text).enumerated() where binary != text {
                let columns = (0..<text.count).filter { binary[$0] != text[$0] }
                for column in columns {
                    let shown = { (cell: [UInt8]?) in cell.map { String(decoding: $0, as: UTF8.self) } ?? "NULL" }
                    Issue.record(
                        "row \(index), column \(column): binary \(shown(binary[column])), text \(shown(text[column]))")
                }
            }
        }
    }

    /// Columns without a decoder are cast by name; two of the same name are read as text instead, and
    /// columns that all have decoders need no cast whatever their names.
    @Test func queriesThatCannotBeCastByNameAreReadAsText() async throws {
        try await offPool {
            let session = try #require(try Drivers.open(try TestWorld().config(.postgresql)) as? PostgresSession)
            defer { session.close() }
            let repeated = try Self.readBothWays("SELECT 1.5::float8 AS a, 2.5::float8 AS a, 3 AS b;", on: session)
            #expect(!repeated.decoded)
            #expect(repeated.binary == [[Array("1.5".utf8), Array("2.5".utf8), Array("3".utf8)]])
            let decodable = try Self.readBothWays("SELECT 1 AS a, 'x'::text AS a", on: session)
            #expect(decodable.decoded)
            #expect(decodable.binary == decodable.text)
            let floats = try Self.readBothWays("SELECT 1.5::float8 AS a", on: session)
            #expect(!floats.decoded, "a float alone gains nothing from binary")
            let failing = try PostgresCopyReader.open(
                session: session, query: "SELECT 1 / (5000 - i) FROM generate_series(1, 6000) AS i")
            #expect(throws: DriverError.self) { _ = try Self.cells(failing) }
            #expect(try session.scalar("SELECT 42") == "42", "the session is usable after the failed COPY")
        }
    }

    /// Bytes a hostile server could send: each is an error, never a crash or a wrong cell.
    @Test func malformedBinaryIsAnError() throws {
        let header = Array("PGCOPY\n".utf8) + [0xFF, 0x0D, 0x0A, 0x00, 0, 0, 0, 0, 0, 0, 0, 0]
        func decode(_ message: [UInt8], _ decoders: [PostgresBinaryCells.Decoder]) throws -> RowBatch {
            var batch = RowBatch(columnCount: decoders.count)
            var scratch: [UInt8] = []
            try message.withUnsafeBytes { bytes in
                let start = try PostgresBinaryCells.headerLength(bytes)
                _ = try PostgresBinaryCells.decode(
                    bytes, from: start, decoders: decoders, into: &batch, scratch: &scratch)
            }
            return batch
        }
        let good = try decode(header + [0, 2, 0, 0, 0, 2, 0xFF, 0xFE, 0xFF, 0xFF, 0xFF, 0xFF], [.int16, .raw])
        #expect(good.string(row: 0, column: 0) == "-2" && good.isNull(row: 0, column: 1))
        let numeric: [UInt8] = [0, 1, 0, 0, 0, 0, 0, 2, 0x27, 0x10]  // a digit of 10000
        let bad: [([UInt8], [PostgresBinaryCells.Decoder])] = [
            (Array("PGCOPX\n".utf8) + header.dropFirst(7), [.raw]),
            (Array(header.prefix(15)) + [0, 0, 0, 9], [.raw]),
            (Array(header.prefix(11)) + [0, 1, 0, 0, 0, 0, 0, 0], [.raw]),
            (header + [0, 2, 0, 0, 0, 1, 0x41], [.raw]),
            (header + [0, 1, 0, 0, 0, 9, 0x41], [.raw]),
            (header + [0, 1, 0x80, 0, 0, 0], [.raw]),
            (header + [0, 1, 0, 0, 0, 4, 0, 0, 0, 1], [.int16]),
            (header + [0, 1, 0, 0, 0, 10] + numeric, [.numeric]),
            (header + [0, 1, 0, 0, 0, 8, 0, 1, 0, 0, 0, 0, 0, 0], [.numeric]),
            (header + [0, 1, 0, 0, 0, 8, 0, 0, 0, 0, 0x12, 0x34, 0, 0], [.numeric]),
            (header + [0, 1, 0, 0, 0, 8, 0, 0, 0, 0x15, 0, 0, 0, 0], [.time]),
            (header + [0, 1, 0, 0, 0, 2, 2, 0x41], [.jsonb]),
            (header + [0, 1, 0, 0, 0, 15] + [UInt8](repeating: 0, count: 15), [.uuid]),
        ]
        for (message, decoders) in bad {
            #expect(throws: DriverError.self, "\(message)") { _ = try decode(message, decoders) }
        }
    }
}
