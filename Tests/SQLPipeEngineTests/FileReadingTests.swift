import Foundation
import Testing

@testable import SQLPipeEngine

/// The file reader: types inferred from the values, the canonical cells they become, the formats'
/// quoting and escapes, compressed input, and the errors of bad files, each naming its line.
@Suite(.serialized) struct FileReadingTests {
    /// What a file read gives: its columns and its rows, NULL as nil.
    struct Table {
        var columns: [ColumnDescription]
        var rows: [[String?]]
        var warnings: [String]
        var types: [ColumnType] { columns.map(\.type) }
        var names: [String] { columns.map(\.name) }
        func column(_ index: Int) -> [String?] { rows.map { $0[index] } }
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sqlpipe-read-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func write(_ bytes: [UInt8], name: String) throws -> String {
        let path = try temporaryDirectory().appendingPathComponent(name).path
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
            throw DriverError("cannot write \(path)")
        }
        return path
    }

    static func drain(_ reader: FileRowReader) throws -> Table {
        defer { reader.close() }
        var rows: [[String?]] = []
        while true {
            var batch = RowBatch(columnCount: reader.columns.count)
            let more = try reader.read(into: &batch)
            for row in 0..<batch.rowCount {
                rows.append((0..<batch.columnCount).map { batch.string(row: row, column: $0) })
            }
            if !more { break }
        }
        return Table(columns: reader.columns, rows: rows, warnings: reader.warnings)
    }

    static func read(path: String, _ spec: FileSpec) throws -> Table {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw DriverError("cannot open \(path)") }
        return try drain(FileRowReader(spec: spec, descriptor: descriptor, isRegularFile: true))
    }

    static func read(
        _ text: String, _ format: FileFormat = .csv, compression: FileCompression = .none, delimiter: String? = nil,
        header: Bool = true, nullString: String? = nil, columns: [String] = []
    ) throws -> Table {
        try read(
            bytes: Array(text.utf8), format, compression: compression, delimiter: delimiter, header: header,
            nullString: nullString, columns: columns)
    }

    static func read(
        bytes: [UInt8], _ format: FileFormat = .csv, compression: FileCompression = .none, delimiter: String? = nil,
        header: Bool = true, nullString: String? = nil, columns: [String] = []
    ) throws -> Table {
        let path = try write(bytes, name: "data.\(format.rawValue)")
        let spec = FileSpec(
            path: path, format: format, compression: compression, delimiter: delimiter, header: header,
            nullString: nullString, columns: columns)
        return try read(path: path, spec)
    }

    /// Reads `bytes` through a pipe fed by another thread, as `cat file | sqlpipe` would.
    static func readPipe(
        _ bytes: [UInt8], _ format: FileFormat = .csv, columns: [String] = [],
        isCancelled: @escaping @Sendable () -> Bool = { false }
    ) throws -> Table {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { throw DriverError("pipe failed") }
        let (readEnd, writeEnd) = (ends[0], ends[1])
        let writer = Thread {
            var offset = 0
            bytes.withUnsafeBytes { buffer in
                while offset < buffer.count {
                    let written = Foundation.write(
                        writeEnd, buffer.baseAddress! + offset, min(65536, buffer.count - offset))
                    if written <= 0 { break }
                    offset += written
                }
            }
            Foundation.close(writeEnd)
        }
        writer.start()
        let spec = FileSpec(path: "-", format: format, columns: columns)
        return try drain(FileRowReader(spec: spec, descriptor: readEnd, isRegularFile: false, isCancelled: isCancelled))
    }

    static func message(_ body: () throws -> Any) -> String {
        do {
            _ = try body()
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    static func shell(_ command: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw DriverError("`\(command)` failed") }
    }

    // MARK: Inference

    static let inferenceCases: [(String, FileFormat, String, ColumnType)] = [
        ("booleans", .csv, "v\ntrue\nFALSE\nTrue\n", .bool),
        ("t is not a bool", .csv, "v\nt\nf\n", .text),
        ("yes is not a bool", .csv, "v\nyes\n", .text),
        ("1 and 0 are ints", .csv, "v\n1\n0\n", .int64),
        ("ints", .csv, "v\n1\n-42\n0\n9223372036854775807\n-9223372036854775808\n", .int64),
        ("a leading zero is text", .csv, "v\n007\n1\n", .text),
        ("a plus sign is text", .csv, "v\n+5\n", .text),
        ("ints and decimals", .csv, "v\n12345\n1.5\n-0.25\n", .decimal(precision: 7, scale: 2)),
        ("decimal below one", .csv, "v\n0.5\n", .decimal(precision: 1, scale: 1)),
        ("00.5 is text", .csv, "v\n00.5\n", .text),
        (".5 is text", .csv, "v\n.5\n", .text),
        ("beyond int64", .csv, "v\n9223372036854775808\n", .decimal(precision: 19, scale: 0)),
        (
            "beyond int64 negative", .csv, "v\n-9223372036854775809\n12345678901234567890\n",
            .decimal(precision: 20, scale: 0)
        ),
        ("precision beyond 38 is text", .csv, "v\n1234567890123456789012345678901234567890\n", .text),
        ("exponent alone", .csv, "v\n1e5\n", .float64),
        ("exponent with decimals", .csv, "v\n1.5\n1.5E-3\n2\n", .float64),
        ("NaN with numbers", .csv, "v\n1\nNaN\n2.5\n", .float64),
        ("infinities", .csv, "v\nInfinity\n-Infinity\n", .float64),
        ("inf is text", .csv, "v\ninf\n", .text),
        ("dates", .csv, "v\n2024-02-29\n1999-12-31\n", .date),
        ("no such day", .csv, "v\n2024-02-30\n", .text),
        ("not a leap year", .csv, "v\n2023-02-29\n", .text),
        ("1900 was no leap year", .csv, "v\n1900-02-29\n", .text),
        ("2000 was a leap year", .csv, "v\n2000-02-29\n", .date),
        ("timestamps", .csv, "v\n2024-01-02 03:04:05\n2024-01-02T03:04:05.123456\n", .timestamp),
        ("seven fraction digits are text", .csv, "v\n2024-01-02 03:04:05.1234567\n", .text),
        ("dates widen to timestamps", .csv, "v\n2024-01-02\n2024-01-02 03:04:05\n", .timestamp),
        (
            "offsets", .csv,
            "v\n2024-01-02T03:04:05Z\n2024-01-02 03:04:05+02:00\n2024-01-02 03:04:05-0530\n2024-01-02T03:04:05.5+01\n",
            .timestamptz
        ),
        ("an offset on some rows only", .csv, "v\n2024-01-02 03:04:05\n2024-01-02 03:04:05Z\n", .text),
        ("a date with offsets", .csv, "v\n2024-01-02\n2024-01-02 03:04:05Z\n", .text),
        ("times", .csv, "v\n23:59:59.999999\n00:00:00\n", .time),
        ("24:00:00 is text", .csv, "v\n24:00:00\n", .text),
        ("times and dates are text", .csv, "v\n12:00:00\n2024-01-02\n", .text),
        ("infinity beside dates", .csv, "v\n2024-01-02\ninfinity\n-infinity\n", .date),
        ("infinity beside offsets", .csv, "v\n2024-01-02 03:04:05Z\ninfinity\n", .timestamptz),
        ("infinity alone is a float", .csv, "v\ninfinity\n", .float64),
        ("uuids", .csv, "v\n123e4567-e89b-12d3-a456-426614174000\nA23E4567-E89B-12D3-A456-426614174000\n", .uuid),
        ("a bad uuid", .csv, "v\n123e4567-e89b-12d3-a456-42661417400g\n", .text),
        ("all NULL", .csv, "v,w\n,1\n,2\n", .text),
        ("empty string", .csv, "v\n\"\"\n1\n", .text),
        ("ndjson objects", .ndjson, "{\"v\": {\"a\": 1}}\n{\"v\": [1, 2]}\n", .json),
        ("ndjson objects and strings", .ndjson, "{\"v\": {\"a\": 1}}\n{\"v\": \"x\"}\n", .text),
        ("ndjson decimal string", .ndjson, "{\"v\": \"12.50\"}\n", .decimal(precision: 4, scale: 2)),
        ("ndjson numbers", .ndjson, "{\"v\": 1}\n{\"v\": 2.25}\n", .decimal(precision: 3, scale: 2)),
        ("ndjson exponent", .ndjson, "{\"v\": 1E+2}\n{\"v\": \"NaN\"}\n", .float64),
        ("ndjson booleans", .ndjson, "{\"v\": true}\n{\"v\": \"FALSE\"}\n", .bool),
        ("ndjson timestamps", .ndjson, "{\"v\": \"2024-01-02T03:04:05Z\"}\n", .timestamptz),
        ("ndjson uuid", .ndjson, "{\"v\": \"123e4567-e89b-12d3-a456-426614174000\"}\n", .uuid),
        (
            "ndjson big integer string", .ndjson, "{\"v\": \"99999999999999999999\"}\n",
            .decimal(precision: 20, scale: 0)
        ),
    ]

    @Test(arguments: inferenceCases.indices)
    func infersTheNarrowestType(_ index: Int) throws {
        let (name, format, text, expected) = Self.inferenceCases[index]
        let table = try Self.read(text, format)
        #expect(table.types.first == expected, "\(name)")
        #expect(table.columns.first?.sourceType == "\(expected) (inferred)", "\(name)")
    }

    @Test func allNullColumnWarns() throws {
        let table = try Self.read("a,b\n,1\n,2\n")
        #expect(table.types == [.text, .int64])
        #expect(table.warnings == ["column \"a\" holds only NULLs, so it was read as text"])
    }

    @Test func headerOnlyFileHasNoRowsAndNoWarnings() throws {
        let table = try Self.read("a,b\n")
        #expect(table.names == ["a", "b"])
        #expect(table.rows.isEmpty)
        #expect(table.warnings.isEmpty)
        let streamed = try Self.readPipe(Array("a\tb\n1\t\\N\n".utf8), .tsv, columns: ["a:int16", "b:text"])
        #expect(streamed.rows == [["1", nil]])
        #expect(streamed.types == [.int16, .text])
    }

    @Test func overridesReplaceInference() throws {
        let table = try Self.read("a,b,c\n1,x,2\n2,y,3\n", columns: ["a:int32", "c:decimal(5,1)"])
        #expect(table.types == [.int32, .text, .decimal(precision: 5, scale: 1)])
        #expect(table.columns.map(\.sourceType) == ["int32 (given)", "text (inferred)", "decimal(5,1) (given)"])
        #expect(table.rows == [["1", "x", "2"], ["2", "y", "3"]])
    }

    @Test func overrideNamingNoColumnListsTheColumns() throws {
        let error = Self.message { try Self.read("a,b\n1,2\n", columns: ["z:int64"]) }
        #expect(error.contains("no column \"z\""))
        #expect(error.contains("\"a\", \"b\""))
    }

    // MARK: Canonical cells

    @Test func timestampsWithOffsetsBecomeUTC() throws {
        let values = [
            "2024-03-31T02:30:00+02:00", "2024-03-31 02:30:00-05:30", "2024-01-01T00:30:00+01:00",
            "2023-12-31 23:30:00-01:00", "2024-02-28T23:00:00-01", "2024-03-01 00:15:00.120000+0030",
            "2024-01-02T03:04:05.000001Z", "2024-01-02T03:04:05.500z", "2023-03-01T00:00:00+00:00",
        ]
        let table = try Self.read("v\n" + values.joined(separator: "\n") + "\n")
        #expect(table.types == [.timestamptz])
        #expect(
            table.column(0) == [
                "2024-03-31 00:30:00", "2024-03-31 08:00:00", "2023-12-31 23:30:00", "2024-01-01 00:30:00",
                "2024-02-29 00:00:00", "2024-02-29 23:45:00.12", "2024-01-02 03:04:05.000001", "2024-01-02 03:04:05.5",
                "2023-03-01 00:00:00",
            ])
    }

    @Test func canonicalCellsOfEachType() throws {
        let table = try Self.read(
            "b,i,d,f,t,day\nTRUE,-0,1.50,1e5,2024-01-02T03:04:05.100,2024-01-02\nfalse,12,-0.5,-1.5E-3,2024-01-02 03:04:05.000,2024-01-03\n,,,NaN,2024-01-02,\n"
        )
        #expect(table.types == [.bool, .int64, .decimal(precision: 3, scale: 2), .float64, .timestamp, .date])
        #expect(table.rows[0] == ["t", "0", "1.50", "100000.0", "2024-01-02 03:04:05.1", "2024-01-02"])
        #expect(table.rows[1] == ["f", "12", "-0.5", "-0.0015", "2024-01-02 03:04:05", "2024-01-03"])
        #expect(table.rows[2] == [nil, nil, nil, "NaN", "2024-01-02 00:00:00", nil])
    }

    /// Only `-0` loses its sign: `10`, `-10` and `100` are kept as they are.
    @Test func integersOfTwoCharactersKeepTheirDigits() throws {
        let table = try Self.read("i\n10\n-0\n-10\n20\n100\n-1\n")
        #expect(table.types == [.int64])
        #expect(table.rows.map { $0[0] } == ["10", "0", "-10", "20", "100", "-1"])
    }

    @Test func infinityAndTimeCells() throws {
        let table = try Self.read("d,t\n2024-01-02,12:30:00.500\n-infinity,23:59:59\n")
        #expect(table.types == [.date, .time])
        #expect(table.rows == [["2024-01-02", "12:30:00.5"], ["-infinity", "23:59:59"]])
    }

    @Test func givenTypesAcceptTheirLooserForms() throws {
        let table = try Self.read(
            "a,b,c,d,e,f,g,h\n+7,007,yes,00012.5000,12:30:00.500,\\x00FFab,2024-01-02,18446744073709551615\n",
            columns: [
                "a:int16", "b:int64", "c:bool", "d:decimal(6,2)", "e:time", "f:bytes", "g:timestamptz", "h:uint64",
            ])
        #expect(
            table.rows == [
                [
                    "7", "7", "t", "12.50", "12:30:00.5", "\u{0}\u{FFFD}\u{FFFD}", "2024-01-02 00:00:00",
                    "18446744073709551615",
                ]
            ])
    }

    @Test func givenBytesFromNDJSONAreBase64() throws {
        let path = try Self.write(Array("{\"b\": \"AP+r\"}\n{\"b\": \"YQ==\"}\n".utf8), name: "b.ndjson")
        let descriptor = open(path, O_RDONLY)
        let reader = try FileRowReader(
            spec: FileSpec(path: path, format: .ndjson, columns: ["b:bytes"]), descriptor: descriptor,
            isRegularFile: true)
        var batch = RowBatch(columnCount: 1)
        _ = try reader.read(into: &batch)
        reader.close()
        #expect(batch.withCell(row: 0, column: 0) { Array($0) } == [0x00, 0xff, 0xab])
        #expect(batch.withCell(row: 1, column: 0) { Array($0) } == [0x61])
    }

    // MARK: CSV

    @Test func csvQuotingNullsAndLineEnds() throws {
        let text = "\u{FEFF}id,note\r\n1,\"a, \"\"quoted\"\"\r\nline\"\r\n2,\r\n3,\"\"\r\n"
        let table = try Self.read(text)
        #expect(table.names == ["id", "note"])
        #expect(table.rows == [["1", "a, \"quoted\"\r\nline"], ["2", nil], ["3", ""]])
    }

    @Test func csvNullString() throws {
        let table = try Self.read("a,b\nNULL,\n\"NULL\",x\n", nullString: "NULL")
        #expect(table.rows == [[nil, ""], ["NULL", "x"]])
    }

    @Test func csvDelimiterAndNoHeader() throws {
        let table = try Self.read("1;x;\n2;\"y;z\";3\n", delimiter: ";", header: false)
        #expect(table.names == ["column_1", "column_2", "column_3"])
        #expect(table.rows == [["1", "x", nil], ["2", "y;z", "3"]])
        #expect(table.types == [.int64, .text, .int64])
    }

    @Test func csvEmptyHeaderNameAndLastLineWithoutLineFeed() throws {
        let table = try Self.read("a,,c\n1,2,3")
        #expect(table.names == ["a", "column_2", "c"])
        #expect(table.rows == [["1", "2", "3"]])
    }

    @Test func csvBlankLineInOneColumnIsNull() throws {
        let table = try Self.read("v\n1\n\n2\n")
        #expect(table.rows == [["1"], [nil], ["2"]])
    }

    @Test func csvRecordSpanningBuffers() throws {
        let long = String(repeating: "x\"\"y,\n", count: 100_000)
        let table = try Self.read("a,b\n\"\(long)\",2\n3,4\n")
        #expect(table.rows.count == 2)
        #expect(table.rows[0][0] == String(repeating: "x\"y,\n", count: 100_000))
        #expect(table.rows[1] == ["3", "4"])
    }

    // MARK: TSV

    @Test func tsvEscapesAndNull() throws {
        let text = "a\tb\r\nx\\ty\\\\z\\n\\r\\b\\f\\v\\q\t\\N\r\n\\N\\N\t\n"
        let table = try Self.read(text, .tsv)
        #expect(table.names == ["a", "b"])
        #expect(table.rows == [["x\ty\\z\n\r\u{8}\u{C}\u{B}q", nil], ["NN", ""]])
    }

    /// COPY's numeric escapes, as sqlpipe's own writer uses one for a value that equals --null-string.
    @Test func tsvOctalAndHexEscapes() throws {
        let table = try Self.read("v\n\\116ULL\na\\101\\x42\\x4\\7z\n\\xg\\08\n", .tsv)
        #expect(table.column(0) == ["NULL", "aAB\u{4}\u{7}z", "xg\u{0}8"])
    }

    @Test func tsvNullString() throws {
        let table = try Self.read("a\tb\nNULL\t\\N\n", .tsv, nullString: "NULL")
        #expect(table.rows == [[nil, "N"]])
    }

    @Test func tsvEscapedLineFeedKeepsLineNumbers() throws {
        #expect(try Self.read("a\tb\nx\\\ny\t1\n", .tsv).rows == [["x\ny", "1"]])
        #expect(
            Self.message { try Self.read("a\tb\nx\\\ny\t1\n2\n", .tsv) } == "line 4: 1 field where the header has 2")
    }

    @Test func csvCustomQuote() throws {
        let path = try Self.write(Array("a|b\n'x|''y'|\"z\"\n".utf8), name: "q.csv")
        let table = try Self.read(path: path, FileSpec(path: path, format: .csv, delimiter: "|", quote: "'"))
        #expect(table.rows == [["x|'y", "\"z\""]])
    }

    // MARK: NDJSON

    @Test func ndjsonUnionOfKeysNestedAndEscapes() throws {
        let text = """
            {"id": 1, "name": "caf\\u00e9 \\ud83d\\ude00"}

            {"name": "x\\"y\\\\z\\n", "tags": ["a", {"b": null}], "id": 2}\r
            {"id": 3, "extra": null}
            {"id": 4, "tags": {"k": [1, 2.5e3, true]}, "extra": false}
            """
        let table = try Self.read(text, .ndjson)
        #expect(table.names == ["id", "name", "tags", "extra"])
        #expect(table.types == [.int64, .text, .json, .bool])
        #expect(
            table.rows == [
                ["1", "café 😀", nil, nil],
                ["2", "x\"y\\z\n", "[\"a\", {\"b\": null}]", nil],
                ["3", nil, nil, nil],
                ["4", nil, "{\"k\": [1, 2.5e3, true]}", "f"],
            ])
    }

    @Test func ndjsonBadLinesNameTheLine() throws {
        #expect(Self.message { try Self.read("{\"a\": 1}\n[1, 2]\n", .ndjson) } == "line 2: not a JSON object")
        #expect(
            Self.message { try Self.read("{\"a\": 1}\n\n{\"a\": \"\\ud800\"}\n", .ndjson) }.hasPrefix(
                "line 3: invalid JSON"))
        #expect(Self.message { try Self.read("{\"a\": 01}\n", .ndjson) }.hasPrefix("line 1: invalid JSON"))
        #expect(Self.message { try Self.read("{\"a\": 1} x\n", .ndjson) }.hasPrefix("line 1: invalid JSON"))
        #expect(Self.message { try Self.read("{\"a\": [1,]}\n", .ndjson) }.hasPrefix("line 1: invalid JSON"))
        #expect(
            Self.message { try Self.read(bytes: Array("{\"a\": \"x".utf8) + [0xff] + Array("\"}\n".utf8), .ndjson) }
                == "line 1, column \"a\": invalid UTF-8")
    }

    // MARK: Bad files

    /// One endless quoted field, or one endless NDJSON line, fails at the record limit instead of taking
    /// the host's memory. The limit is 64 MiB; 1 MiB here, so that the test does not raise the memory of the
    /// suites running beside it.
    @Test func aRecordPastTheLimitFailsNamingItsLine() throws {
        #expect(RecordFields.maximumBytes == 64 << 20)
        let filler = [UInt8](repeating: UInt8(ascii: "x"), count: (1 << 20) + 1024)
        func message(_ bytes: [UInt8], _ format: FileFormat) throws -> String {
            let path = try Self.write(bytes, name: "endless.\(format.rawValue)")
            let descriptor = open(path, O_RDONLY)
            do {
                let reader = try FileRowReader(
                    spec: FileSpec(path: path, format: format), descriptor: descriptor, isRegularFile: true,
                    isCancelled: { false }, recordLimit: 1 << 20)
                reader.close()
                return "no error"
            } catch let error as DriverError {
                return error.message
            }
        }
        let csv = try message(Array("a,b\n1,2\n3,\"".utf8) + filler + Array("\"\n".utf8), .csv)
        #expect(csv == "line 3: a record of more than 1 MiB (a quote never closed?)", "\(csv)")
        #expect(
            try message(Array("{\"a\":1}\n{\"a\":\"".utf8) + filler, .ndjson) == "line 2: a line of more than 1 MiB")
    }

    @Test func badFilesNameTheLine() throws {
        #expect(Self.message { try Self.read("a,b\n1,2\n3\n") } == "line 3: 1 field where the header has 2")
        #expect(Self.message { try Self.read("a,b\n1,2\n\n3,4\n") } == "line 3: 1 field where the header has 2")
        #expect(
            Self.message { try Self.read("1,2\n3,4,5\n", header: false) }
                == "line 2: 3 fields where the first record has 2")
        #expect(
            Self.message { try Self.read("a,b\n1,\"x\ny\n2,3\n") }
                == "line 2: a quoted field opened here is not closed before the end of the file")
        #expect(Self.message { try Self.read("a,b\n1,x\"y\n") }.hasPrefix("line 2: a quote inside an unquoted field"))
        #expect(
            Self.message { try Self.read("a,b\n1,\"x\"y\n") }
                == "line 2: text after the closing quote of a quoted field")
        #expect(
            Self.message { try Self.read(bytes: Array("a,b\n1,2\n3,x".utf8) + [0xc0, 0xaf] + [0x0a]) }
                == "line 3, column \"b\": invalid UTF-8")
        #expect(
            Self.message { try Self.read(bytes: Array("a\n\"x\n".utf8) + [0xed, 0xa0, 0x80] + Array("\"\n".utf8)) }
                == "line 2, column \"a\": invalid UTF-8")
        #expect(
            Self.message { try Self.read("a,b\n1,2\n70000,3\n", columns: ["a:int16"]) }
                == "line 3, column \"a\": '70000' is not a valid int16")
        #expect(
            Self.message { try Self.read("a\n1.234\n", columns: ["a:decimal(5,2)"]) }
                == "line 2, column \"a\": '1.234' is not a valid decimal(5,2)")
        #expect(
            Self.message { try Self.read("a\nabc\n", columns: ["a:bytes"]) }
                == "line 2, column \"a\": 'abc' is not a valid bytes")
        #expect(Self.message { try Self.read("") } == "the file is empty: its first line should name the columns")
        let path = try Self.write(Array("a\n1\n".utf8), name: "x.csv")
        let descriptor = open(path, O_RDONLY)
        #expect(throws: DriverError.self) {
            try FileRowReader(
                spec: FileSpec(path: path, format: .csv, compression: .gzip), descriptor: descriptor,
                isRegularFile: true)
        }
    }

    @Test func utf8ValidationIsStrict() {
        let valid: [[UInt8]] = [
            [0x41], [0xc2, 0x80], [0xe0, 0xa0, 0x80], [0xed, 0x9f, 0xbf], [0xf0, 0x90, 0x80, 0x80],
            [0xf4, 0x8f, 0xbf, 0xbf],
        ]
        let invalid: [[UInt8]] = [
            [0x80], [0xc0, 0x80], [0xc1, 0xbf], [0xe0, 0x9f, 0xbf], [0xed, 0xa0, 0x80], [0xf0, 0x8f, 0xbf, 0xbf],
            [0xf4, 0x90, 0x80, 0x80], [0xf5, 0x80, 0x80, 0x80], [0xe2, 0x82], [0xff],
        ]
        for bytes in valid { #expect(bytes.withUnsafeBufferPointer(UTF8Check.isValid), "\(bytes)") }
        for bytes in invalid { #expect(!bytes.withUnsafeBufferPointer(UTF8Check.isValid), "\(bytes)") }
    }

    @Test func streamValueThatDoesNotFitTheSampledType() throws {
        var text = "id,amount\n"
        for row in 1...20_000 { text += "\(row),\(row == 20_000 ? "abc" : String(row * 3))\n" }
        let error = Self.message { try Self.readPipe(Array(text.utf8)) }
        #expect(
            error
                == "line 20001, column \"amount\": 'abc' is not an int64 (the type was inferred from the first 10,000 rows of a stream; give --column amount:TYPE)"
        )
        let given = try Self.readPipe(Array(text.utf8), columns: ["amount:text"])
        #expect(given.rows.count == 20_000)
        #expect(given.rows.last == ["20000", "abc"])
        #expect(given.types == [.int64, .text])
    }

    @Test func streamOfNDJSONWithALateKey() throws {
        var text = ""
        for row in 1...10_001 { text += row == 10_001 ? "{\"id\": \(row), \"late\": 1}\n" : "{\"id\": \(row)}\n" }
        #expect(
            Self.message { try Self.readPipe(Array(text.utf8), .ndjson) }
                == "line 10001: key \"late\" first appears after the columns were fixed from the first 10,000 rows; give the file as a regular file or add --column late:TYPE"
        )
        let table = try Self.readPipe(Array(text.utf8), .ndjson, columns: ["late:int32"])
        #expect(table.names == ["id", "late"])
        #expect(table.rows.last == ["10001", "1"])
        let regular = try Self.read(text, .ndjson)
        #expect(regular.names == ["id", "late"])
    }

    @Test func silentPipeEndsWhenCancelled() throws {
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        defer { close(ends[1]) }
        let start = Date()
        let deadline = start.addingTimeInterval(0.4)
        let outcome = Self.message {
            try FileRowReader(
                spec: FileSpec(path: "-", format: .csv), descriptor: ends[0], isRegularFile: false,
                isCancelled: { Date() > deadline })
        }
        #expect(outcome == "cancelled")
        #expect(Date().timeIntervalSince(start) < 2)
    }

    // MARK: Round trip

    /// What sqlpipe's own writer writes, in each format and compression, reads back with the same types
    /// and the same canonical cells.
    @Test(arguments: [FileFormat.csv, .tsv, .ndjson], [FileCompression.none, .gzip])
    func roundTripsTheWritersOutput(_ format: FileFormat, _ compression: FileCompression) throws {
        let columns: [(String, ColumnType)] = [
            ("flag", .bool), ("count", .int64), ("big", .decimal(precision: 20, scale: 0)),
            ("amount", .decimal(precision: 12, scale: 2)), ("ratio", .float64), ("day", .date),
            ("at", .timestamp), ("instant", .timestamptz), ("id", .uuid), ("note", .text), ("raw", .bytes),
        ]
        let rows: [[[UInt8]?]] = [
            [
                "t", "-9223372036854775808", "12345678901234567890", "-1234567890.25", "100000.0", "2024-02-29",
                "2024-01-02 03:04:05.123456", "1999-12-31 23:59:59", "123e4567-e89b-12d3-a456-426614174000",
                "tab\there, \"quoted\"\nnew line \\N é😀", nil,
            ].map { $0.map { Array($0.utf8) } },
            [
                "f", "0", "-1", "0.50", "NaN", "0001-01-01", "2024-01-02 03:04:05", "2024-06-30 12:00:00.5",
                "A23E4567-E89B-12D3-A456-426614174000", "", nil,
            ].map { $0.map { Array($0.utf8) } },
            [nil, nil, nil, nil, "-Infinity", "infinity", "-infinity", "infinity", nil, "\\N", nil].map {
                $0.map { Array($0.utf8) }
            },
        ]
        var batch = RowBatch(columnCount: columns.count)
        for (index, row) in rows.enumerated() {
            for (column, cell) in row.enumerated() {
                if column == columns.count - 1 {
                    batch.append(index == 2 ? [] : [0x00, 0xff, UInt8(index)])
                } else if let cell {
                    batch.append(cell)
                } else {
                    batch.appendNull()
                }
            }
        }
        let path = try Self.temporaryDirectory().appendingPathComponent("round.\(format.rawValue)").path
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let descriptions = columns.map { ColumnDescription(name: $0.0, type: $0.1, sourceType: "") }
        let writeSpec = FileSpec(path: path, format: format, compression: compression)
        var pending: RowBatch? = batch
        _ = try FileRowWriter(
            columns: descriptions, spec: writeSpec, output: makeOutput(descriptor: descriptor, compression: compression)
        ).write {
            defer { pending = nil }
            return pending
        }
        close(descriptor)
        let table = try Self.read(path: path, FileSpec(path: path, format: format, columns: ["raw:bytes"]))
        var expectedTypes = columns.map(\.1)
        expectedTypes[3] = .decimal(precision: 12, scale: 2)
        #expect(table.types == expectedTypes)
        for (index, row) in rows.enumerated() {
            for column in 0..<(columns.count - 1) {
                #expect(
                    table.rows[index][column] == row[column].map { String(decoding: $0, as: UTF8.self) },
                    "row \(index), \(columns[column].0)")
            }
        }
    }

    // MARK: Compression

    @Test func gzipAndZstdInputs() throws {
        let directory = try Self.temporaryDirectory().path
        let text = "id,v\n" + (1...50_000).map { "\($0),\($0 % 7 == 0 ? "x" : "y")" }.joined(separator: "\n") + "\n"
        try Data(text.utf8).write(to: URL(fileURLWithPath: directory + "/plain.csv"))
        try Self.shell("cd \(directory) && gzip -c plain.csv > data.csv.gz && zstd -q -c plain.csv > data.csv.zst")
        try Self.shell(
            "cd \(directory) && head -c 100000 plain.csv | gzip -c > a.gz && tail -c +100001 plain.csv | gzip -c > b.gz && cat a.gz b.gz > joined.csv.gz"
        )
        try Self.shell(
            "cd \(directory) && head -c 100000 plain.csv | zstd -q -c > a.zst && tail -c +100001 plain.csv | zstd -q -c > b.zst && cat a.zst b.zst > joined.csv.zst"
        )
        for (name, compression) in [
            ("data.csv.gz", FileCompression.gzip), ("data.csv.zst", .zstd), ("joined.csv.gz", .gzip),
            ("joined.csv.zst", .zstd), ("data.csv.gz", .none), ("data.csv.zst", .none),
        ] {
            let table = try Self.read(
                path: directory + "/" + name, FileSpec(path: name, format: .csv, compression: compression))
            #expect(table.rows.count == 50_000, "\(name)")
            #expect(table.rows.last == ["50000", "y"], "\(name)")
            #expect(table.types == [.int64, .text], "\(name)")
        }
        try Self.shell(
            "cd \(directory) && head -c 2000 data.csv.gz > cut.csv.gz && head -c 2000 data.csv.zst > cut.csv.zst")
        #expect(
            Self.message {
                try Self.read(
                    path: directory + "/cut.csv.gz", FileSpec(path: "cut.csv.gz", format: .csv, compression: .gzip))
            } == "the gzip data is truncated: it ends inside a compressed member")
        #expect(
            Self.message {
                try Self.read(
                    path: directory + "/cut.csv.zst", FileSpec(path: "cut.csv.zst", format: .csv, compression: .zstd))
            } == "the zstd data is truncated: it ends inside a frame")
        #expect(
            Self.message {
                try Self.read(
                    path: directory + "/plain.csv", FileSpec(path: "plain.csv.gz", format: .csv, compression: .gzip))
            } == "the file is not gzip data (it was read as gzip because its name ends in .gz)")
        #expect(
            Self.message {
                try Self.read(
                    path: directory + "/plain.csv", FileSpec(path: "plain.csv", format: .csv, compression: .zstd))
            } == "the file is not zstd data (it was read as zstd because --compression zstd was given)")
        try Self.shell(
            "cd \(directory) && cp data.csv.gz bad.csv.gz && printf 'garbage' | dd of=bad.csv.gz bs=1 seek=100 conv=notrunc 2>/dev/null"
        )
        #expect(
            Self.message {
                try Self.read(
                    path: directory + "/bad.csv.gz", FileSpec(path: "bad.csv.gz", format: .csv, compression: .gzip))
            }.hasPrefix("the gzip data is corrupt"))
    }

    @Test func gzipThroughAPipe() throws {
        let directory = try Self.temporaryDirectory().path
        try Data("a,b\n1,2\n".utf8).write(to: URL(fileURLWithPath: directory + "/p.csv"))
        try Self.shell("gzip -c \(directory)/p.csv > \(directory)/p.csv.gz")
        let compressed = try [UInt8](Data(contentsOf: URL(fileURLWithPath: directory + "/p.csv.gz")))
        let table = try Self.readPipe(compressed)
        #expect(table.rows == [["1", "2"]])
    }

    // MARK: Memory

    /// A debug build reads some 30,000 rows a second, so the file is smaller than a release build could
    /// take in the same time; it is still many times the reader's buffers.
    @Test func largeFileInBoundedMemory() throws {
        let directory = try Self.temporaryDirectory().path
        let path = directory + "/big.csv"
        let rows = 200_000
        guard let file = fopen(path, "w") else { throw DriverError("cannot write \(path)") }
        fputs("id,amount,day,name,flag\n", file)
        var chunk = ""
        for row in 1...rows {
            chunk +=
                "\(row),\(row % 1000).\(row % 100),2024-01-\(row % 28 + 1 < 10 ? "0" : "")\(row % 28 + 1),name \(row),\(row % 2 == 0)\n"
            if row % 10_000 == 0 {
                fputs(chunk, file)
                chunk = ""
            }
        }
        fclose(file)
        var before = rusage()
        getrusage(RUSAGE_SELF.rawValue, &before)
        let descriptor = open(path, O_RDONLY)
        let reader = try FileRowReader(
            spec: FileSpec(path: path, format: .csv), descriptor: descriptor, isRegularFile: true)
        #expect(reader.columns.map(\.type) == [.int64, .decimal(precision: 5, scale: 2), .date, .text, .bool])
        var count = 0
        var batch = RowBatch(columnCount: reader.columns.count)
        var last: String?
        while true {
            batch.removeAll()
            let more = try reader.read(into: &batch)
            count += batch.rowCount
            if batch.rowCount > 0 { last = batch.string(row: batch.rowCount - 1, column: 3) }
            if !more { break }
        }
        reader.close()
        var after = rusage()
        getrusage(RUSAGE_SELF.rawValue, &after)
        #expect(count == rows)
        #expect(last == "name \(rows)")
        // ru_maxrss is in kilobytes on Linux.
        #expect(after.ru_maxrss - before.ru_maxrss < 64 * 1024)
    }
}
