import Foundation
import Testing

@testable import SQLPipeEngine

/// The file writer: exact bytes of CSV, TSV and NDJSON for hard values, compressed streams that the usual
/// tools read back, and the atomic replacement of the file.
@Suite struct FileWritingTests {
    /// A cell for building batches: NULL, text, or raw bytes.
    enum Cell: ExpressibleByStringLiteral, ExpressibleByNilLiteral {
        case null
        case text(String)
        case bytes([UInt8])

        init(stringLiteral value: String) { self = .text(value) }
        init(nilLiteral: ()) { self = .null }
    }

    /// Collects what a writer writes, counting the writes and the finishes.
    final class MemoryOutput: ByteOutput {
        var bytes: [UInt8] = []
        var writes = 0
        var finishes = 0
        func write(_ bytes: UnsafeRawBufferPointer) throws {
            self.bytes.append(contentsOf: bytes)
            writes += 1
        }
        func finish() throws { finishes += 1 }
    }

    static func batch(_ rows: [[Cell]], columnCount: Int) -> RowBatch {
        var batch = RowBatch(columnCount: columnCount)
        for row in rows {
            for cell in row {
                switch cell {
                case .null: batch.appendNull()
                case .text(let text): batch.append(text)
                case .bytes(let bytes): batch.append(bytes)
                }
            }
        }
        return batch
    }

    static func columns(_ list: [(String, ColumnType)]) -> [ColumnDescription] {
        list.map { ColumnDescription(name: $0.0, type: $0.1, sourceType: $0.1.description) }
    }

    /// What a writer makes of these batches, as text, and the writer's row count.
    static func written(
        _ columns: [ColumnDescription], _ batches: [RowBatch], spec: FileSpec
    ) throws -> (text: String, bytes: [UInt8], rows: Int) {
        let output = MemoryOutput()
        let writer = FileRowWriter(columns: columns, spec: spec, output: output)
        var pending = batches[...]
        let rows = try writer.write { pending.popFirst() }
        #expect(output.finishes == 1)
        return (String(decoding: output.bytes, as: UTF8.self), output.bytes, rows)
    }

    // The rows of the exact-bytes tests: NULL and the empty string, `\N` and `NULL` as text, quotes, commas,
    // line ends, tabs, emoji, bytes, bools, instants (infinite and before Christ).
    static let mixedColumns = columns([
        ("id", .int64), ("name", .text), ("note", .text), ("data", .bytes), ("flag", .bool), ("at", .timestamptz),
    ])
    static let mixedRows: [[Cell]] = [
        ["1", "a, b", #"say "hi""#, .bytes([0x00, 0xFF]), "t", "2024-03-30 23:30:00.123456"],
        ["2", "", nil, nil, "f", nil],
        ["3", "line\nbreak", "tab\there", .bytes([]), nil, "infinity"],
        ["-9223372036854775808", #"\N"#, "NULL", .bytes([0x5C]), "t", "0044-03-15 12:00:00 BC"],
        ["5", "cr\r", "😀 é", nil, nil, nil],
    ]

    @Test func csvWritesTheQueryFormatsText() throws {
        let result = try Self.written(
            Self.mixedColumns, [Self.batch(Self.mixedRows, columnCount: 6)], spec: FileSpec(path: "-", format: .csv))
        #expect(result.rows == 5)
        #expect(
            result.text == #"""
                id,name,note,data,flag,at
                1,"a, b","say ""hi""",\x00ff,true,2024-03-30 23:30:00.123456Z
                2,"",,,false,
                3,"line
                break",tab\#there,\x,,infinity
                -9223372036854775808,\N,NULL,\x5c,true,0044-03-15 12:00:00Z BC
                5,"cr\#r",😀 é,,,

                """#)
    }

    @Test func csvQuotesAValueThatReadsAsTheNullString() throws {
        let spec = FileSpec(path: "-", format: .csv, delimiter: ";", quote: "'", nullString: "NULL")
        let columns = Self.columns([("it's", .text), ("b;c", .text), ("n", .int32)])
        let rows: [[Cell]] = [["NULL", nil, "1"], ["a;b", "it's", nil], ["", "say \"x\"", "-3"]]
        let result = try Self.written(columns, [Self.batch(rows, columnCount: 3)], spec: spec)
        #expect(
            result.text == """
                'it''s';'b;c';n
                'NULL';NULL;1
                'a;b';'it''s';NULL
                '';say "x";-3

                """)
    }

    @Test func csvWithoutHeaderAndADelimiterAmongHexDigits() throws {
        // A delimiter that hex digits hold makes bytes fields quoted.
        let spec = FileSpec(path: "-", format: .csv, delimiter: "a", header: false)
        let columns = Self.columns([("data", .bytes), ("word", .text)])
        let rows: [[Cell]] = [[.bytes([0xAB, 0x01]), "banana"], [.bytes([0x01]), "xyz"]]
        let result = try Self.written(columns, [Self.batch(rows, columnCount: 2)], spec: spec)
        #expect(result.text == "\"\\xab01\"a\"banana\"\n\\x01axyz\n")
    }

    @Test func tsvWritesCopyTextFormat() throws {
        let result = try Self.written(
            Self.mixedColumns, [Self.batch(Self.mixedRows, columnCount: 6)], spec: FileSpec(path: "-", format: .tsv))
        #expect(
            result.text == #"""
                id\#tname\#tnote\#tdata\#tflag\#tat
                1\#ta, b\#tsay "hi"\#t\\x00ff\#ttrue\#t2024-03-30 23:30:00.123456Z
                2\#t\#t\N\#t\N\#tfalse\#t\N
                3\#tline\nbreak\#ttab\there\#t\\x\#t\N\#tinfinity
                -9223372036854775808\#t\\N\#tNULL\#t\\x5c\#ttrue\#t0044-03-15 12:00:00Z BC
                5\#tcr\r\#t😀 é\#t\N\#t\N\#t\N

                """#)
    }

    @Test func tsvEscapesAnotherDelimiterAndAValueThatReadsAsTheNullString() throws {
        let spec = FileSpec(path: "-", format: .tsv, delimiter: "|", nullString: "NULL")
        let columns = Self.columns([("a|b", .text), ("n", .int16)])
        let rows: [[Cell]] = [["NULL", nil], ["x|y\tz", "7"], ["", "8"]]
        let result = try Self.written(columns, [Self.batch(rows, columnCount: 2)], spec: spec)
        // COPY reads `\116` as `N`, and compares the raw field with the NULL string.
        #expect(
            result.text == #"""
                a\|b|n
                \116ULL|NULL
                x\|y\tz|7
                |8

                """#)
    }

    @Test func tsvRefusesTheEmptyStringWhenTheNullStringIsEmpty() throws {
        let spec = FileSpec(path: "-", format: .tsv, nullString: "")
        let columns = Self.columns([("name", .text)])
        let error = #expect(throws: DriverError.self) {
            _ = try Self.written(columns, [Self.batch([["a"], [nil], [""]], columnCount: 1)], spec: spec)
        }
        #expect(error?.message.contains(#"column "name" of row 3"#) == true)
    }

    @Test func ndjsonWritesOneObjectALine() throws {
        let result = try Self.written(
            Self.mixedColumns, [Self.batch(Self.mixedRows, columnCount: 6)], spec: FileSpec(path: "-", format: .ndjson))
        #expect(
            result.text == #"""
                {"id":1,"name":"a, b","note":"say \"hi\"","data":"AP8=","flag":true,"at":"2024-03-30T23:30:00.123456Z"}
                {"id":2,"name":"","note":null,"data":null,"flag":false,"at":null}
                {"id":3,"name":"line\nbreak","note":"tab\there","data":"","flag":null,"at":"infinity"}
                {"id":"-9223372036854775808","name":"\\N","note":"NULL","data":"XA==","flag":true,"at":"0044-03-15T12:00:00Z BC"}
                {"id":5,"name":"cr\r","note":"😀 é","data":null,"flag":null,"at":null}

                """#)
    }

    @Test func ndjsonNumbersStringsAndEmbeddedJSON() throws {
        let columns = Self.columns([
            ("i", .int64), ("u", .uint64), ("d", .decimal(precision: 38, scale: 10)), ("f", .float64),
            ("g", .float32), ("ts", .timestamp), ("j", .json), ("q\"k\\\n", .text),
        ])
        let rows: [[Cell]] = [
            [
                "9007199254740992", "18446744073709551615", "1234567890123456789012345678.1234567890", "5e-324",
                "1e-45", "2024-03-31 01:30:00.5", #"{"a": [1, 2.5, "x\ny"], "b": null}"#, "\u{1}\u{1F}\u{7F}",
            ],
            ["9007199254740993", "0", "NaN", "-0", "NaN", "infinity", "{\"a\":\n1}", "\u{2028}\u{8}\u{C}"],
            [
                "-9007199254740992", "9007199254740993", "-0.5", "1.7976931348623157e+308", "Infinity",
                "0044-03-15 12:00:00 BC", "not json", "é",
            ],
            ["0", "12", "0", "-Infinity", "-3.4028235e+38", "2024-01-01 00:00:00", "  [ ]  ", ""],
            ["-0", "07", "1", ".5", "0", "2024-01-01", "\"\\u00e9\"", nil],
        ]
        let result = try Self.written(
            columns, [Self.batch(rows, columnCount: 8)], spec: FileSpec(path: "-", format: .ndjson))
        let lines = result.text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 6 && lines[5].isEmpty)
        #expect(
            lines[0]
                == #"{"i":9007199254740992,"u":"18446744073709551615","d":"1234567890123456789012345678.1234567890","f":5e-324,"g":1e-45,"ts":"2024-03-31T01:30:00.5","j":{"a": [1, 2.5, "x\ny"], "b": null},"q\"k\\\n":"\u0001\u001f\#u{7F}"}"#
        )
        #expect(
            lines[1]
                == #"{"i":"9007199254740993","u":0,"d":"NaN","f":-0.0,"g":"NaN","ts":"infinity","j":"{\"a\":\n1}","q\"k\\\n":"\#u{2028}\b\f"}"#
        )
        let objects = try lines.dropLast().map { line in
            try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
        #expect(objects[0]["i"] as? Int == 9_007_199_254_740_992)
        #expect(objects[0]["u"] as? String == "18446744073709551615")
        #expect(objects[0]["d"] as? String == "1234567890123456789012345678.1234567890")
        #expect((objects[0]["f"] as? Double)?.bitPattern == Double.leastNonzeroMagnitude.bitPattern)
        #expect((objects[0]["g"] as? Double).map(Float.init) == Float.leastNonzeroMagnitude)
        #expect(((objects[0]["j"] as? [String: Any])?["a"] as? [Any])?.count == 3)
        #expect(objects[0]["q\"k\\\n"] as? String == "\u{1}\u{1F}\u{7F}")
        #expect(objects[1]["i"] as? String == "9007199254740993")
        #expect((objects[1]["f"] as? Double).map { $0 == 0 && $0.sign == .minus } == true)
        #expect(objects[1]["j"] as? String == "{\"a\":\n1}")
        #expect(objects[1]["q\"k\\\n"] as? String == "\u{2028}\u{8}\u{C}")
        #expect(objects[2]["i"] as? Int == -9_007_199_254_740_992)
        #expect(objects[2]["u"] as? String == "9007199254740993")
        #expect((objects[2]["f"] as? Double)?.bitPattern == Double.greatestFiniteMagnitude.bitPattern)
        #expect(objects[2]["g"] as? String == "Infinity")
        #expect(objects[2]["ts"] as? String == "0044-03-15T12:00:00 BC")
        #expect(objects[2]["j"] as? String == "not json")
        #expect(objects[3]["f"] as? String == "-Infinity")
        #expect((objects[3]["g"] as? Double).map(Float.init) == -Float.greatestFiniteMagnitude)
        #expect(objects[3]["ts"] as? String == "2024-01-01T00:00:00")
        #expect((objects[3]["j"] as? [Any])?.isEmpty == true)
        #expect(objects[3]["q\"k\\\n"] as? String == "")
        // Forms JSON lacks become strings (integers) or their shortest JSON text (floats).
        #expect(objects[4]["u"] as? String == "07")
        #expect(objects[4]["f"] as? Double == 0.5)
        #expect(objects[4]["ts"] as? String == "2024-01-01")
        #expect(objects[4]["j"] as? String == "é")
        #expect(objects[4]["q\"k\\\n"] is NSNull)
    }

    @Test func ndjsonIntegerLimitsAndAllByteValues() throws {
        let columns = Self.columns([("a", .int64), ("b", .int64), ("c", .uint64), ("bytes", .bytes)])
        let allBytes = (0...255).map { UInt8($0) }
        let rows: [[Cell]] = [
            ["-9223372036854775808", "9223372036854775807", "18446744073709551615", .bytes(allBytes)],
            ["-9007199254740993", "-9007199254740992", "9007199254740992", .bytes([0, 0, 0, 0])],
        ]
        let result = try Self.written(
            columns, [Self.batch(rows, columnCount: 4)], spec: FileSpec(path: "-", format: .ndjson))
        let objects = try result.text.split(separator: "\n").map { line in
            try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
        #expect(objects[0]["a"] as? String == "-9223372036854775808")
        #expect(objects[0]["b"] as? String == "9223372036854775807")
        #expect(objects[0]["c"] as? String == "18446744073709551615")
        #expect((objects[0]["bytes"] as? String).flatMap { Data(base64Encoded: $0) } == Data(allBytes))
        #expect(objects[1]["a"] as? String == "-9007199254740993")
        #expect(objects[1]["b"] as? Int == -9_007_199_254_740_992)
        #expect(objects[1]["c"] as? Int == 9_007_199_254_740_992)
        #expect(objects[1]["bytes"] as? String == "AAAAAA==")
    }

    @Test func ndjsonRefusesTextThatIsNotUTF8() throws {
        let columns = Self.columns([("ok", .text), ("bad", .text)])
        let rows: [[Cell]] = [["a", "b"], ["c", .bytes([0x61, 0xC3])]]
        let error = #expect(throws: DriverError.self) {
            _ = try Self.written(
                columns, [Self.batch(rows, columnCount: 2)], spec: FileSpec(path: "-", format: .ndjson))
        }
        #expect(error?.message.contains(#"column "bad" of row 2"#) == true)
    }

    @Test func csvAndTSVKeepEveryByteOfText() throws {
        // Control characters, NUL and invalid UTF-8 pass through CSV and TSV unchanged (escaped only for TSV's
        // four).
        let text = (0...255).map { UInt8($0) }
        let columns = Self.columns([("t", .text)])
        let batch = Self.batch([[.bytes(text)]], columnCount: 1)
        let csv = try Self.written(columns, [batch], spec: FileSpec(path: "-", format: .csv, header: false)).bytes
        let doubled: [UInt8] = text.flatMap { (byte: UInt8) -> [UInt8] in byte == 0x22 ? [0x22, 0x22] : [byte] }
        let csvExpected: [UInt8] = [0x22] + doubled + [0x22, 0x0A]
        #expect(csv == csvExpected)
        let tsv = try Self.written(columns, [batch], spec: FileSpec(path: "-", format: .tsv, header: false)).bytes
        let escapes: [UInt8: [UInt8]] = [
            0x09: Array(#"\t"#.utf8), 0x0A: Array(#"\n"#.utf8), 0x0D: Array(#"\r"#.utf8), 0x5C: Array(#"\\"#.utf8),
        ]
        let tsvExpected: [UInt8] = text.flatMap { (byte: UInt8) -> [UInt8] in escapes[byte] ?? [byte] } + [0x0A]
        #expect(tsv == tsvExpected)
    }

    @Test func base64MatchesFoundation() {
        var generator = SystemRandomNumberGenerator()
        for length in Array(0...10) + [255, 256, 257, 1000] {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            var encoded: [UInt8] = []
            bytes.withUnsafeBufferPointer { JSONCellEncoder.appendBase64($0, to: &encoded) }
            #expect(String(decoding: encoded, as: UTF8.self) == Data(bytes).base64EncodedString())
        }
    }

    @Test func jsonSyntaxChecks() {
        let embeddable = [
            "0", "-0", "1.5e+10", "true", "null", "\"a\\u00e9\\/\"", "[]", "{}", " {\"a\" : [ true , false ]}\t",
            "\"😀\"", "[[[[1]]]]",
        ]
        let notEmbeddable = [
            "", "01", "1.", ".5", "+1", "[1,]", "{\"a\"}", "{\"a\":1,}", "\"\\x\"", "\"a", "tru", "nul", "[1]x",
            "\"\u{1}\"", "{\"a\":\r1}", "[\n]", "NaN", "1 2", String(repeating: "[", count: 600),
        ]
        for text in embeddable {
            #expect(Array(text.utf8).withUnsafeBufferPointer(JSONSyntax.isSingleLineValue), "\(text)")
        }
        for text in notEmbeddable {
            #expect(!Array(text.utf8).withUnsafeBufferPointer(JSONSyntax.isSingleLineValue), "\(text)")
        }
        #expect(!([0x22, 0xED, 0xA0, 0x80, 0x22] as [UInt8]).withUnsafeBufferPointer(JSONSyntax.isSingleLineValue))
    }

    @Test func bigOutputsFlushInMegabyteWrites() throws {
        let columns = Self.columns([("id", .int64), ("text", .text)])
        let filler = String(repeating: "x", count: 200)
        let batches = (0..<10).map { batchIndex in
            Self.batch(
                (0..<1000).map { row in [.text(String(batchIndex * 1000 + row)), .text(filler)] }, columnCount: 2)
        }
        let output = MemoryOutput()
        let writer = FileRowWriter(columns: columns, spec: FileSpec(path: "-", format: .csv), output: output)
        var pending = batches[...]
        #expect(try writer.write { pending.popFirst() } == 10_000)
        #expect(output.writes == 2)
        #expect(output.finishes == 1)
        let lines = String(decoding: output.bytes, as: UTF8.self).split(separator: "\n")
        #expect(lines.count == 10_001)
        #expect(lines[9_999] == "9998,\(filler)")
    }

    // MARK: - Compression

    static func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "sqlpipe-writer-\(UInt64.random(in: 0...UInt64.max))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        return path
    }

    static func run(_ arguments: [String]) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(arguments)")
        return data
    }

    @Test(arguments: [FileCompression.gzip, .zstd])
    func compressedOutputDecompressesToThePlainOne(_ compression: FileCompression) throws {
        let columns = Self.mixedColumns
        let batches = (0..<30).map { _ in
            Self.batch(Array(repeating: Self.mixedRows, count: 1000).flatMap { $0 }, columnCount: 6)
        }
        let plain = try Self.written(columns, batches, spec: FileSpec(path: "-", format: .csv)).bytes
        #expect(plain.count > 3 << 20)
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/rows.csv" + (compression == .gzip ? ".gz" : ".zst")
        let destination = try FileDestination(path: path)
        let writer = FileRowWriter(
            columns: columns, spec: FileSpec(path: path, format: .csv, compression: compression),
            output: makeOutput(descriptor: destination.descriptor, compression: compression))
        var pending = batches[...]
        #expect(try writer.write { pending.popFirst() } == 150_000)
        try destination.commit()
        let compressedSize = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0
        #expect(compressedSize > 0 && compressedSize < plain.count / 10)
        let tool = compression == .gzip ? "gzip" : "zstd"
        #expect(try Self.run([tool, "-dc", path]) == Data(plain))
        // The zstd tool checks the frame's checksum; gzip its CRC and length.
        _ = try Self.run([tool, "-t", path])
    }

    @Test(arguments: [FileCompression.gzip, .zstd])
    func anEmptyCompressedFileIsAValidStream(_ compression: FileCompression) throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/empty"
        let destination = try FileDestination(path: path)
        let writer = FileRowWriter(
            columns: Self.columns([("a", .text)]), spec: FileSpec(path: path, format: .ndjson),
            output: makeOutput(descriptor: destination.descriptor, compression: compression))
        #expect(try writer.write { nil } == 0)
        try destination.commit()
        #expect(try Self.run([compression == .gzip ? "gzip" : "zstd", "-dc", path]).isEmpty)
    }

    @Test func aFailedWriteNamesTheSystemsError() throws {
        let output = DescriptorOutput(descriptor: open("/dev/full", O_WRONLY | O_CLOEXEC))
        defer { close(output.descriptor) }
        let error = #expect(throws: DriverError.self) {
            try [UInt8](repeating: 0x41, count: 100).withUnsafeBytes { try output.write($0) }
        }
        #expect(error?.message.contains("No space left on device (ENOSPC)") == true)
    }

    // MARK: - Atomic replacement

    static func entries(_ directory: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
    }

    static func write(_ text: String, to destination: FileDestination) throws {
        try Array(text.utf8).withUnsafeBytes { try DescriptorOutput(descriptor: destination.descriptor).write($0) }
    }

    @Test func commitReplacesAnExistingFile() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/out.csv"
        try "old\n".write(toFile: path, atomically: false, encoding: .utf8)
        let destination = try FileDestination(path: path)
        try Self.write("new\n", to: destination)
        // Until the commit, readers see the old file, and the new one waits beside it.
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "old\n")
        let during = try Self.entries(directory)
        #expect(during.count == 2 && during.contains { $0.hasPrefix(".out.csv.sqlpipe-") && $0.hasSuffix(".tmp") })
        try destination.commit()
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "new\n")
        #expect(try Self.entries(directory) == ["out.csv"])
        destination.abandon()
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "new\n")
    }

    @Test func abandonLeavesAnExistingFileAndNoTemporaryOne() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/out.csv"
        try "old\n".write(toFile: path, atomically: false, encoding: .utf8)
        let destination = try FileDestination(path: path)
        try Self.write("half a fi", to: destination)
        destination.abandon()
        destination.abandon()
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "old\n")
        #expect(try Self.entries(directory) == ["out.csv"])
        #expect(throws: DriverError.self) { try destination.commit() }
    }

    @Test func aDestinationLeftAloneIsAbandoned() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        do {
            let destination = try FileDestination(path: directory + "/new.ndjson")
            try Self.write("{}\n", to: destination)
        }
        #expect(try Self.entries(directory).isEmpty)
    }

    @Test func aSymlinkIsReplacedNotFollowed() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let target = directory + "/target.csv"
        let link = directory + "/link.csv"
        try "precious\n".write(toFile: target, atomically: false, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        let destination = try FileDestination(path: link)
        try Self.write("rows\n", to: destination)
        try destination.commit()
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "precious\n")
        #expect(try String(contentsOfFile: link, encoding: .utf8) == "rows\n")
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: link)) == nil)
    }

    @Test func theFileIsCreatedWithModeSixFortyFourLessTheUmask() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/mode.csv"
        let destination = try FileDestination(path: path)
        try destination.commit()
        // umask(2) would change the mask for the tests running meanwhile; /proc tells it without changing it.
        let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        let maskLine = try #require(status.split(separator: "\n").first { $0.hasPrefix("Umask:") })
        let mask = try #require(Int(maskLine.dropFirst(6).trimmingCharacters(in: .whitespaces), radix: 8))
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o644 & ~mask)
    }

    @Test func problemsNameThePathAndTheSystemsWords() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let missing = #expect(throws: DriverError.self) { try FileDestination(path: directory + "/nowhere/out.csv") }
        #expect(missing?.message.contains("\(directory)/nowhere/out.csv") == true)
        #expect(missing?.message.contains("No such file or directory") == true)
        try FileManager.default.createDirectory(atPath: directory + "/sub", withIntermediateDirectories: false)
        let isDirectory = #expect(throws: DriverError.self) { try FileDestination(path: directory + "/sub") }
        #expect(isDirectory?.message.contains("Is a directory") == true)
        #expect(throws: DriverError.self) { try FileDestination(path: directory + "/") }
        if getuid() != 0 {
            chmod(directory + "/sub", 0o555)
            let denied = #expect(throws: DriverError.self) { try FileDestination(path: directory + "/sub/x.csv") }
            #expect(denied?.message.contains("Permission denied") == true)
            chmod(directory + "/sub", 0o755)
        }
        #expect(try Self.entries(directory) == ["sub"])
    }

    @Test func aDirectoryDescriptorConfinesTheFile() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let descriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        defer { close(descriptor) }
        #expect(throws: DriverError.self) { try FileDestination(directory: descriptor, name: "../escape.csv") }
        #expect(throws: DriverError.self) { try FileDestination(directory: descriptor, name: "..") }
        let destination = try FileDestination(directory: descriptor, name: "inside.csv")
        try Self.write("a\n", to: destination)
        // The directory moves; the file still lands in it, not at its old path.
        try FileManager.default.moveItem(atPath: directory, toPath: directory + "-moved")
        defer { try? FileManager.default.removeItem(atPath: directory + "-moved") }
        try destination.commit()
        #expect(try String(contentsOfFile: directory + "-moved/inside.csv", encoding: .utf8) == "a\n")
        #expect(!FileManager.default.fileExists(atPath: directory))
    }

    @Test func standardOutputNeedsNoRename() throws {
        let destination = try FileDestination(path: "-")
        #expect(destination.descriptor == STDOUT_FILENO)
        try destination.commit()
        destination.abandon()
    }
}
