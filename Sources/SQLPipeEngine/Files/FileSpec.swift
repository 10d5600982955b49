import Foundation

/// How the rows of a file are written down.
public enum FileFormat: String, Codable, Sendable, CaseIterable {
    /// RFC 4180, with a header: NULL an empty unquoted field, the empty string `""`.
    case csv
    /// PostgreSQL's COPY text format, with a header: NULL `\N`, backslash escapes.
    case tsv
    /// One JSON object per line.
    case ndjson
}

/// How the bytes of a file are compressed.
public enum FileCompression: String, Codable, Sendable, CaseIterable {
    case none, gzip, zstd
}

/// A file at one end of a transfer, and how its text is read or written. `path` `-` is standard input
/// (as a source) or standard output (as a target).
public struct FileSpec: Codable, Equatable, Sendable {
    public var path: String
    public var format: FileFormat
    public var compression: FileCompression
    /// One ASCII character between fields; nil for the format's own (`,` for CSV, a tab for TSV).
    public var delimiter: String?
    /// CSV's quote character, one ASCII character; nil for `"`.
    public var quote: String?
    /// Whether the first record names the columns (read) or is written with their names (write).
    public var header: Bool
    /// The text that stands for NULL; nil for the format's own (an empty unquoted CSV field, TSV's `\N`).
    public var nullString: String?
    /// Types given for columns of a file read, `NAME:TYPE` with the neutral type names, in place of the
    /// inferred ones.
    public var columns: [String]

    public init(
        path: String, format: FileFormat, compression: FileCompression = .none, delimiter: String? = nil,
        quote: String? = nil, header: Bool = true, nullString: String? = nil, columns: [String] = []
    ) {
        self.path = path
        self.format = format
        self.compression = compression
        self.delimiter = delimiter
        self.quote = quote
        self.header = header
        self.nullString = nullString
        self.columns = columns
    }

    /// The format and compression a file name's extensions say (`orders.csv.gz`: CSV, gzip); nil parts
    /// where they say nothing.
    public static func detected(from path: String) -> (format: FileFormat?, compression: FileCompression?) {
        var name = Substring((path as NSString).lastPathComponent.lowercased())
        var compression: FileCompression?
        for (suffix, kind) in [(".gz", FileCompression.gzip), (".gzip", .gzip), (".zst", .zstd), (".zstd", .zstd)]
        where name.hasSuffix(suffix) {
            compression = kind
            name = name.dropLast(suffix.count)
            break
        }
        var format: FileFormat?
        for (suffix, kind) in [
            (".csv", FileFormat.csv), (".tsv", .tsv), (".tab", .tsv), (".ndjson", .ndjson), (".jsonl", .ndjson),
        ]
        where name.hasSuffix(suffix) {
            format = kind
            break
        }
        return (format, compression)
    }

    /// The delimiter as a byte.
    public var delimiterByte: UInt8 {
        delimiter?.utf8.first ?? (format == .tsv ? UInt8(ascii: "\t") : UInt8(ascii: ","))
    }

    /// The quote as a byte.
    public var quoteByte: UInt8 { quote?.utf8.first ?? UInt8(ascii: "\"") }

    /// What is wrong with the options, by the field that holds it; empty when they are fine.
    public func problems(reading: Bool) -> [String: String] {
        var problems: [String: String] = [:]
        if path.isEmpty { problems["path"] = "must not be empty" }
        if path.utf8.contains(0) { problems["path"] = "must not contain a NUL character" }
        for (field, value) in [("delimiter", delimiter), ("quote", quote)] {
            guard let value else { continue }
            if value.utf8.count != 1 || !(value.utf8.first.map { $0 >= 0x09 && $0 < 0x7f } ?? false) {
                problems[field] = "must be one ASCII character"
            } else if value == "\n" || value == "\r" {
                problems[field] = "cannot be a line end"
            }
        }
        if format == .ndjson {
            for (field, value) in [("delimiter", delimiter), ("quote", quote), ("nullString", nullString)]
            where value != nil {
                problems[field] = "does not apply to NDJSON"
            }
            if !header { problems["header"] = "does not apply to NDJSON: its keys name the columns" }
        }
        if format == .tsv, quote != nil { problems["quote"] = "does not apply to TSV: it escapes with backslashes" }
        if let delimiter, delimiter == (quote ?? "\"") && format == .csv {
            problems["delimiter"] = "must differ from the quote"
        }
        if format == .tsv, let delimiter, let byte = delimiter.utf8.first, delimiter.utf8.count == 1,
            byte == UInt8(ascii: "\\") || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: ".")
        {
            // A backslash before them is an escape of the COPY text format (\n, \t, \N, octal digits).
            problems["delimiter"] = "cannot be a backslash, a lowercase letter, a digit or a dot in TSV"
        }
        if let nullString {
            let special =
                [delimiter ?? (format == .tsv ? "\t" : ","), "\n", "\r"] + (format == .csv ? [quote ?? "\""] : [])
            if special.contains(where: { nullString.contains($0) }) {
                problems["nullString"] = "must not contain the delimiter, the quote or a line end"
            }
            if format == .tsv, nullString.isEmpty {
                problems["nullString"] = "cannot be empty in TSV: an empty field is the empty string"
            }
        }
        if !reading, !columns.isEmpty { problems["columns"] = "apply to a file that is read, not to one written" }
        for column in columns {
            do { _ = try ColumnOverride(column) } catch let error as DriverError {
                problems["columns"] = error.message
            } catch {}
        }
        return problems
    }

    /// The overrides, parsed.
    public func overrides() throws -> [ColumnOverride] {
        try columns.map(ColumnOverride.init)
    }
}

/// A type given for one column of a file, `NAME:TYPE`.
public struct ColumnOverride: Equatable, Sendable {
    public var name: String
    public var type: ColumnType

    public init(_ text: String) throws {
        guard let colon = text.lastIndex(of: ":"), colon != text.startIndex else {
            throw DriverError("'\(text)' is not NAME:TYPE (e.g. amount:decimal(12,2))")
        }
        name = String(text[..<colon])
        let typeName = String(text[text.index(after: colon)...])
        guard let type = ColumnType(neutralName: typeName) else {
            throw DriverError(
                "'\(typeName)' in '\(text)' is not a neutral type (bool, int16, int32, int64, uint64, float32, float64, decimal, decimal(p,s), string, string(n), text, bytes, date, time, timestamp, timestamptz, json, uuid)"
            )
        }
        self.type = type
    }
}

extension ColumnType {
    /// The type its neutral name (`description`) names, e.g. `decimal(12,2)`; nil for none.
    public init?(neutralName: String) {
        let name = neutralName.trimmingCharacters(in: .whitespaces).lowercased()
        let simple: [String: ColumnType] = [
            "bool": .bool, "boolean": .bool, "int16": .int16, "int32": .int32, "int64": .int64, "uint64": .uint64,
            "float32": .float32, "float64": .float64, "decimal": .decimal(precision: nil, scale: nil),
            "string": .string(length: nil), "text": .text, "bytes": .bytes, "date": .date, "time": .time,
            "timestamp": .timestamp, "timestamptz": .timestamptz, "json": .json, "uuid": .uuid,
        ]
        if let type = simple[name] {
            self = type
            return
        }
        guard name.hasSuffix(")"), let open = name.firstIndex(of: "(") else { return nil }
        let base = name[..<open]
        let arguments = name[name.index(after: open)..<name.index(before: name.endIndex)]
            .split(separator: ",", omittingEmptySubsequences: false)
            .map { Int($0.trimmingCharacters(in: .whitespaces)) }
        switch (base, arguments.count) {
        case ("decimal", 1):
            guard let precision = arguments[0], (1...1000).contains(precision) else { return nil }
            self = .decimal(precision: precision, scale: 0)
        case ("decimal", 2):
            guard let precision = arguments[0], let scale = arguments[1], (1...1000).contains(precision),
                (0...precision).contains(scale)
            else { return nil }
            self = .decimal(precision: precision, scale: scale)
        case ("string", 1):
            guard let length = arguments[0], length > 0 else { return nil }
            self = .string(length: length)
        default:
            return nil
        }
    }
}
