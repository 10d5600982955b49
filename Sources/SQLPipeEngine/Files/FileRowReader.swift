import Foundation

/// The rows of a CSV, TSV or NDJSON file, plain or compressed, with each column's type inferred from its
/// values or given by an override. A regular file is read twice: once whole to infer the types, once to
/// convert. A pipe can be read only once, so the types are inferred from its first rows, which are kept
/// meanwhile; a later value that does not fit fails naming its line.
public final class FileRowReader: RowReader {
    public let columns: [ColumnDescription]
    public let warnings: [String]

    /// How many rows of a stream are kept to infer its types from, at most, and how many bytes they may
    /// take: enough to see a column's forms, little enough to keep memory bounded.
    static let streamSampleRows = 10_000
    static let streamSampleBytes = 32 << 20

    private var descriptor: Int32
    private let parser: any RecordParser
    private let converters: [CellConverter]
    private let isCancelled: @Sendable () -> Bool
    /// The first rows of a stream, handed out before the parser's.
    @exclusivity(unchecked) private var sample: RecordSample?
    @exclusivity(unchecked) private var sampleIndex = 0
    @exclusivity(unchecked) private var finished = false

    /// Opens the reader on `descriptor`, which it owns from now on: `close()` closes it, and so does a
    /// failing initialiser.
    public convenience init(
        spec: FileSpec, descriptor: Int32, isRegularFile: Bool, isCancelled: @escaping @Sendable () -> Bool = { false }
    ) throws {
        try self.init(
            spec: spec, descriptor: descriptor, isRegularFile: isRegularFile, isCancelled: isCancelled,
            recordLimit: RecordFields.maximumBytes)
    }

    /// `recordLimit`: the most bytes one record (an NDJSON line) may hold.
    init(
        spec: FileSpec, descriptor: Int32, isRegularFile: Bool, isCancelled: @escaping @Sendable () -> Bool,
        recordLimit: Int
    ) throws {
        self.descriptor = descriptor
        self.isCancelled = isCancelled
        do {
            let input = try FileInputs.open(
                spec: spec, descriptor: descriptor, isRegularFile: isRegularFile, isCancelled: isCancelled)
            let parser: any RecordParser =
                spec.format == .ndjson
                ? try NDJSONParser(reading: input, recordLimit: recordLimit)
                : try DelimitedParser(spec: spec, input: input, recordLimit: recordLimit)
            self.parser = parser
            let overrides = try spec.overrides()
            var given: [String: ColumnType] = [:]
            for override in overrides { given[override.name] = override.type }

            if spec.format != .ndjson { try Self.check(overrides, against: parser.columnNames) }
            let needsSample = spec.format == .ndjson || parser.columnNames.contains { given[$0] == nil }
            var inferences: [ColumnInference] = []
            var sampledRows = 0
            if needsSample {
                if isRegularFile {
                    (inferences, sampledRows) = try Self.inferFromWholeFile(
                        parser, given: given, isCancelled: isCancelled)
                } else {
                    let sample = RecordSample()
                    inferences = try Self.inferFromSample(parser, given: given, keepingIn: sample)
                    self.sample = sample
                    sampledRows = sample.count
                }
            }
            if let parser = parser as? NDJSONParser {
                if isRegularFile {
                    try Self.check(overrides, against: parser.columnNames)
                } else {
                    for override in overrides { parser.addColumn(override.name) }
                }
                let seenRows = Self.formatted(sampledRows)
                parser.fixColumns { [unowned parser] key in
                    DriverError(
                        isRegularFile
                            ? "line \(parser.recordLine): key \"\(key)\" was not in the file when it was first read; did it change while it was read?"
                            : "line \(parser.recordLine): key \"\(key)\" first appears after the columns were fixed from the first \(seenRows) rows; give the file as a regular file or add --column \(key):TYPE"
                    )
                }
                guard !parser.columnNames.isEmpty else {
                    throw DriverError("the file holds no JSON object, so nothing names its columns")
                }
            }
            if needsSample, isRegularFile { try parser.rewind() }

            var columns: [ColumnDescription] = []
            var converters: [CellConverter] = []
            var warnings: [String] = []
            for (index, name) in parser.columnNames.enumerated() {
                let origin: CellConverter.Origin
                let type: ColumnType
                if let givenType = given[name] {
                    type = givenType
                    origin = .given
                } else {
                    let inference = index < inferences.count ? inferences[index] : ColumnInference()
                    type = inference.inferredType
                    origin = isRegularFile ? .inferredFromFile : .inferredFromStream(rows: sampledRows)
                    if !inference.sawValue, sampledRows > 0 {
                        warnings.append(
                            isRegularFile
                                ? "column \"\(name)\" holds only NULLs, so it was read as text"
                                : "column \"\(name)\" holds only NULLs in the first \(Self.formatted(sampledRows)) rows, so it was read as text"
                        )
                    }
                }
                columns.append(
                    ColumnDescription(
                        name: name, type: type, sourceType: "\(type) (\(origin == .given ? "given" : "inferred"))"))
                converters.append(
                    CellConverter(column: name, type: type, origin: origin, isNDJSON: spec.format == .ndjson))
            }
            self.columns = columns
            self.converters = converters
            self.warnings = warnings
        } catch {
            Foundation.close(descriptor)
            throw error
        }
    }

    deinit { close() }

    public func read(into batch: inout RowBatch) throws -> Bool {
        guard !finished else { return false }
        if isCancelled() { throw RunCancelled() }
        let fields = parser.fields
        while !batch.isFull {
            let line: Int
            if let sample, sampleIndex < sample.count {
                line = sample.load(sampleIndex, into: fields, columnCount: converters.count)
                sampleIndex += 1
                if sampleIndex == sample.count { self.sample = nil }
            } else {
                guard try parser.next() else {
                    finished = true
                    return !batch.isEmpty
                }
                line = parser.recordLine
            }
            do {
                try converters.withUnsafeBufferPointer { converters in
                    for column in 0..<converters.count {
                        let kind = fields.kind(column)
                        if kind == .null {
                            batch.appendNull()
                        } else {
                            try converters[column].append(fields.bytes(column), kind: kind, line: line, to: &batch)
                        }
                    }
                }
            } catch {
                batch.dropPartialRow()
                throw error
            }
        }
        return true
    }

    public func close() {
        guard descriptor >= 0 else { return }
        Foundation.close(descriptor)
        descriptor = -1
    }

    private static func check(_ overrides: [ColumnOverride], against names: [String]) throws {
        for override in overrides where !names.contains(override.name) {
            throw DriverError(
                "--column \(override.name): the file has no column \"\(override.name)\"; its columns are \(names.map { "\"\($0)\"" }.joined(separator: ", "))"
            )
        }
    }

    private static func inferFromWholeFile(
        _ parser: any RecordParser, given: [String: ColumnType], isCancelled: () -> Bool
    ) throws -> (inferences: [ColumnInference], records: Int) {
        var inferences: [ColumnInference] = []
        var inferred: [Int] = []
        var records = 0
        while try parser.next() {
            records += 1
            if records % RowBatch.targetRows == 0, isCancelled() { throw RunCancelled() }
            if inferences.count < parser.fields.count {
                updateInferred(&inferences, &inferred, names: parser.columnNames, count: parser.fields.count, given)
            }
            observe(parser.fields, into: &inferences, columns: &inferred)
        }
        return (inferences, records)
    }

    private static func inferFromSample(
        _ parser: any RecordParser, given: [String: ColumnType], keepingIn sample: RecordSample
    ) throws -> [ColumnInference] {
        var inferences: [ColumnInference] = []
        var inferred: [Int] = []
        while sample.count < streamSampleRows, sample.byteCount < streamSampleBytes, try parser.next() {
            if inferences.count < parser.fields.count {
                updateInferred(&inferences, &inferred, names: parser.columnNames, count: parser.fields.count, given)
            }
            observe(parser.fields, into: &inferences, columns: &inferred)
            sample.append(parser.fields, line: parser.recordLine)
        }
        return inferences
    }

    /// Grows the inferences to `count` columns (NDJSON's keys come as the rows do), and lists the columns
    /// whose type is not given.
    private static func updateInferred(
        _ inferences: inout [ColumnInference], _ inferred: inout [Int], names: [String], count: Int,
        _ given: [String: ColumnType]
    ) {
        for column in inferences.count..<count {
            inferences.append(ColumnInference())
            if given[names[column]] == nil { inferred.append(column) }
        }
    }

    @inline(__always)
    private static func observe(_ fields: RecordFields, into inferences: inout [ColumnInference], columns: inout [Int])
    {
        var settled = false
        for column in columns {
            let kind = fields.kind(column)
            if kind == .null { continue }
            inferences[column].observe(fields.bytes(column), nested: kind == .nested)
            if inferences[column].isText { settled = true }
        }
        // A column known to be text needs no more looking at.
        if settled { columns.removeAll { inferences[$0].isText } }
    }

    static func formatted(_ count: Int) -> String {
        var digits = String(count)
        var index = digits.endIndex
        while digits.distance(from: digits.startIndex, to: index) > 3 {
            index = digits.index(index, offsetBy: -3)
            digits.insert(",", at: index)
        }
        return digits
    }
}

/// Records kept in one buffer, with the line each starts on: the sample of a stream.
final class RecordSample {
    private var bytes: [UInt8] = []
    private var ends: [Int] = []
    private var kinds: [RecordFields.Kind] = []
    /// End, in `ends`, of each record's fields.
    private var recordEnds: [Int] = []
    private var lines: [Int] = []

    var count: Int { lines.count }
    var byteCount: Int { bytes.count }

    func append(_ fields: RecordFields, line: Int) {
        let base = bytes.count
        bytes.append(contentsOf: UnsafeBufferPointer(start: fields.storage, count: fields.byteCount))
        for index in 0..<fields.count {
            ends.append(base + fields.end(of: index))
            kinds.append(fields.kind(index))
        }
        recordEnds.append(ends.count)
        lines.append(line)
    }

    /// Puts record `index` into `fields`, NULL in the columns that came after it; returns its line.
    func load(_ index: Int, into fields: RecordFields, columnCount: Int) -> Int {
        fields.removeAll()
        let first = index == 0 ? 0 : recordEnds[index - 1]
        let last = recordEnds[index]
        bytes.withUnsafeBufferPointer { all in
            for field in first..<last {
                let start = field == 0 ? 0 : ends[field - 1]
                if let base = all.baseAddress { fields.append(base + start, count: ends[field] - start) }
                fields.end(kinds[field])
            }
        }
        for _ in (last - first)..<max(last - first, columnCount) { fields.end(.null) }
        return lines[index]
    }
}

/// Turns the text of one column's values into the canonical cells of its type, checking that they fit.
/// Inferred types take the strict forms inference accepted; given types also take the looser forms a
/// database would (`+5`, `007`, `yes`, a date for a timestamp).
final class CellConverter {
    enum Origin: Equatable {
        case given
        case inferredFromFile
        case inferredFromStream(rows: Int)
    }

    let column: String
    let type: ColumnType
    let origin: Origin
    let isNDJSON: Bool
    private let isStrict: Bool

    init(column: String, type: ColumnType, origin: Origin, isNDJSON: Bool) {
        self.column = column
        self.type = type
        self.origin = origin
        self.isNDJSON = isNDJSON
        isStrict = origin != .given
    }

    func append(
        _ bytes: UnsafeBufferPointer<UInt8>, kind: RecordFields.Kind, line: Int, to batch: inout RowBatch
    ) throws {
        if kind == .nested {
            switch type {
            case .json, .text, .string(length: nil):
                batch.append(UnsafeRawBufferPointer(bytes))
                return
            default:
                throw failure(bytes, line: line)
            }
        }
        switch type {
        case .text, .string(length: nil):
            batch.append(UnsafeRawBufferPointer(bytes))
        case .string(let length?):
            var characters = 0
            for byte in bytes where byte & 0xc0 != 0x80 { characters += 1 }
            guard characters <= length else { throw failure(bytes, line: line) }
            batch.append(UnsafeRawBufferPointer(bytes))
        case .bool:
            guard let value = isStrict ? BoolText.value(bytes) : Self.looseBool(bytes) else {
                throw failure(bytes, line: line)
            }
            batch.appendByte(value ? UInt8(ascii: "t") : UInt8(ascii: "f"))
            batch.endCell()
        case .int16, .int32, .int64:
            if isStrict {
                // The strict form is canonical already, but for the sign of a zero.
                guard case .integer? = NumberForm.of(bytes) else { throw failure(bytes, line: line) }
                if bytes.count == 2, bytes[0] == UInt8(ascii: "-"), bytes[1] == UInt8(ascii: "0") {
                    batch.appendByte(UInt8(ascii: "0"))
                    batch.endCell()
                } else {
                    batch.append(UnsafeRawBufferPointer(bytes))
                }
            } else {
                guard let value = Canonical.integer(bytes), Self.range(of: type).contains(value) else {
                    throw failure(bytes, line: line)
                }
                Canonical.appendInteger(value, to: &batch)
            }
        case .uint64:
            guard let value = Self.unsigned(bytes) else { throw failure(bytes, line: line) }
            batch.append(String(value))
        case .decimal(let precision, let scale):
            guard appendDecimal(bytes, precision: precision, scale: scale ?? 0, to: &batch) else {
                throw failure(bytes, line: line)
            }
        case .float32, .float64:
            guard isStrict ? NumberForm.of(bytes) != nil : Self.looksLikeFloat(bytes) else {
                throw failure(bytes, line: line)
            }
            if type == .float64 {
                guard let value = Canonical.double(bytes), value.isFinite || FloatSpelling.isSpecial(bytes) else {
                    throw failure(bytes, line: line)
                }
                batch.append(Canonical.text(of: value))
            } else {
                guard let value = Canonical.float(bytes), value.isFinite || FloatSpelling.isSpecial(bytes) else {
                    throw failure(bytes, line: line)
                }
                batch.append(Canonical.text(of: value))
            }
        case .date, .timestamp, .timestamptz:
            if ISODateTime.isInfinity(bytes) {
                batch.append(UnsafeRawBufferPointer(bytes))
                return
            }
            guard let text = ISODateTime.parse(bytes), appendDateTime(text, bytes, to: &batch) else {
                throw failure(bytes, line: line)
            }
        case .time:
            guard Self.appendTime(bytes, to: &batch) else { throw failure(bytes, line: line) }
        case .uuid:
            guard UUIDText.isValid(bytes) else { throw failure(bytes, line: line) }
            batch.append(UnsafeRawBufferPointer(bytes))
        case .json:
            guard !isStrict, JSONScanner.isValidDocument(bytes) else { throw failure(bytes, line: line) }
            batch.append(UnsafeRawBufferPointer(bytes))
        case .bytes:
            guard isNDJSON ? Self.appendBase64(bytes, to: &batch) : Self.appendHex(bytes, to: &batch) else {
                batch.dropPartialRow()
                throw failure(bytes, line: line)
            }
        }
    }

    private func failure(_ bytes: UnsafeBufferPointer<UInt8>, line: Int) -> DriverError {
        var shown = String(decoding: bytes.prefix(80), as: UTF8.self)
        if bytes.count > 80 { shown = String(shown.dropLast()) + "…" }
        let prefix = "line \(line), column \"\(column)\": '\(shown)'"
        let article = type.description.hasPrefix("int") ? "an" : "a"
        switch origin {
        case .given:
            return DriverError("\(prefix) is not a valid \(type)")
        case .inferredFromFile:
            return DriverError(
                "\(prefix) is not \(article) \(type) (the type was inferred from the whole file, which changed while it was read)"
            )
        case .inferredFromStream(let rows):
            return DriverError(
                "\(prefix) is not \(article) \(type) (the type was inferred from the first \(FileRowReader.formatted(rows)) rows of a stream; give --column \(column):TYPE)"
            )
        }
    }

    private static func range(of type: ColumnType) -> ClosedRange<Int64> {
        switch type {
        case .int16: Int64(Int16.min)...Int64(Int16.max)
        case .int32: Int64(Int32.min)...Int64(Int32.max)
        default: Int64.min...Int64.max
        }
    }

    private static func looseBool(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool? {
        if let value = BoolText.value(bytes) { return value }
        let word = String(decoding: bytes, as: UTF8.self).lowercased()
        switch word {
        case "t", "yes", "y", "on", "1": return true
        case "f", "no", "n", "off", "0": return false
        default: return nil
        }
    }

    private static func unsigned(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64? {
        Canonical.digits(bytes, from: bytes.first == UInt8(ascii: "+") ? 1 : 0)
    }

    /// Digits, signs, a point and exponents only: what strtod is then asked to read whole (which rules
    /// out hex floats and `inf`).
    private static func looksLikeFloat(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        if FloatSpelling.isSpecial(bytes) { return true }
        guard !bytes.isEmpty else { return false }
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
                UInt8(ascii: "e"), UInt8(ascii: "E"):
                continue
            default: return false
            }
        }
        return true
    }

    /// A decimal in plain notation. An inferred type takes the strict form as written; a given one also
    /// takes `+`, leading zeros and a bare point, and is written in canonical form. Either must fit the
    /// precision and scale: digits beyond the scale only when they are zeros, which are dropped.
    private func appendDecimal(
        _ bytes: UnsafeBufferPointer<UInt8>, precision: Int?, scale: Int, to batch: inout RowBatch
    ) -> Bool {
        if isStrict {
            switch NumberForm.of(bytes) {
            case .integer(let digits)?, .bigInteger(let digits)?:
                guard precision.map({ digits <= $0 - scale }) ?? true else { return false }
            case .decimal(let digits, let valueScale)?:
                guard precision.map({ digits <= $0 - scale && valueScale <= scale }) ?? true else { return false }
            default:
                return false
            }
            batch.append(UnsafeRawBufferPointer(bytes))
            return true
        }
        if precision == nil, bytes.count == 3, String(decoding: bytes, as: UTF8.self).lowercased() == "nan" {
            batch.append("NaN")
            return true
        }
        var index = 0
        let negative = bytes.first == UInt8(ascii: "-")
        if negative || bytes.first == UInt8(ascii: "+") { index = 1 }
        while index < bytes.count, bytes[index] == UInt8(ascii: "0"), index + 1 < bytes.count,
            JSONScanner.isDigit(bytes[index + 1])
        {
            index += 1
        }
        let integerStart = index
        while index < bytes.count, JSONScanner.isDigit(bytes[index]) { index += 1 }
        var integer = integerStart..<index
        var fraction = index..<index
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            let start = index
            while index < bytes.count, JSONScanner.isDigit(bytes[index]) { index += 1 }
            fraction = start..<index
        }
        guard index == bytes.count, integer.count + fraction.count > 0 else { return false }
        if integer.count == 1, bytes[integer.lowerBound] == UInt8(ascii: "0") {
            integer = integer.lowerBound..<integer.lowerBound
        }
        if let precision {
            var significant = fraction.upperBound
            while significant > fraction.lowerBound, bytes[significant - 1] == UInt8(ascii: "0") { significant -= 1 }
            guard integer.count <= precision - scale, significant - fraction.lowerBound <= scale else { return false }
            fraction = fraction.lowerBound..<min(fraction.upperBound, fraction.lowerBound + scale)
        }
        if negative { batch.appendByte(UInt8(ascii: "-")) }
        if integer.isEmpty {
            batch.appendByte(UInt8(ascii: "0"))
        } else {
            batch.appendBytes(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[integer])))
        }
        if !fraction.isEmpty {
            batch.appendByte(UInt8(ascii: "."))
            batch.appendBytes(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[fraction])))
        }
        batch.endCell()
        return true
    }

    /// A date as it is; a timestamp with a space for its `T` and its fraction's trailing zeros trimmed; an
    /// instant moved to UTC. False when the value is not of the column's kind.
    private func appendDateTime(_ text: ISODateTime, _ bytes: UnsafeBufferPointer<UInt8>, to batch: inout RowBatch)
        -> Bool
    {
        switch (type, text.kind) {
        case (.date, .date):
            batch.append(UnsafeRawBufferPointer(bytes))
            return true
        case (.timestamp, .date), (.timestamp, .timestamp):
            batch.appendBytes(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[0..<10])))
            batch.appendByte(UInt8(ascii: " "))
            if text.kind == .date {
                let midnight: StaticString = "00:00:00"
                batch.appendBytes(UnsafeRawBufferPointer(start: midnight.utf8Start, count: midnight.utf8CodeUnitCount))
            } else {
                batch.appendBytes(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[11..<19])))
            }
            Self.appendFraction(text, bytes, to: &batch)
            batch.endCell()
            return true
        case (.timestamptz, let kind) where kind == .timestamptz || !isStrict:
            let offset = text.offsetMinutes ?? 0
            let minutes =
                CivilDate.days(year: text.year, month: text.month, day: text.day) * 1440 + text.hour * 60
                + text.minute - offset
            let days = minutes >= 0 ? minutes / 1440 : (minutes - 1439) / 1440
            let minuteOfDay = minutes - days * 1440
            let date = CivilDate.date(fromDays: days)
            guard (1...9999).contains(date.year) else { return false }
            Self.appendDigits(date.year, count: 4, to: &batch)
            batch.appendByte(UInt8(ascii: "-"))
            Self.appendDigits(date.month, count: 2, to: &batch)
            batch.appendByte(UInt8(ascii: "-"))
            Self.appendDigits(date.day, count: 2, to: &batch)
            batch.appendByte(UInt8(ascii: " "))
            Self.appendDigits(minuteOfDay / 60, count: 2, to: &batch)
            batch.appendByte(UInt8(ascii: ":"))
            Self.appendDigits(minuteOfDay % 60, count: 2, to: &batch)
            batch.appendByte(UInt8(ascii: ":"))
            Self.appendDigits(text.second, count: 2, to: &batch)
            Self.appendFraction(text, bytes, to: &batch)
            batch.endCell()
            return true
        default:
            return false
        }
    }

    private static func appendFraction(
        _ text: ISODateTime, _ bytes: UnsafeBufferPointer<UInt8>, to batch: inout RowBatch
    ) {
        guard !text.fraction.isEmpty else { return }
        batch.appendByte(UInt8(ascii: "."))
        batch.appendBytes(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[text.fraction])))
    }

    @inline(__always)
    private static func appendDigits(_ value: Int, count: Int, to batch: inout RowBatch) {
        var divisor = 1
        for _ in 1..<count { divisor *= 10 }
        var rest = value
        while divisor > 0 {
            batch.appendByte(UInt8(ascii: "0") + UInt8(rest / divisor))
            rest %= divisor
            divisor /= 10
        }
    }

    /// `HH:MM:SS[.f{1,6}]`, written with the fraction's trailing zeros trimmed.
    private static func appendTime(_ bytes: UnsafeBufferPointer<UInt8>, to batch: inout RowBatch) -> Bool {
        guard let end = TimeText.canonicalEnd(bytes) else { return false }
        batch.append(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[0..<end])))
        return true
    }

    /// `\x` and hex digits of either case, as sqlpipe's CSV and TSV writers write bytes.
    private static func appendHex(_ bytes: UnsafeBufferPointer<UInt8>, to batch: inout RowBatch) -> Bool {
        guard bytes.count >= 2, bytes[0] == UInt8(ascii: "\\"), bytes[1] | 0x20 == UInt8(ascii: "x"),
            bytes.count % 2 == 0
        else { return false }
        var index = 2
        while index < bytes.count {
            guard let high = CellText.hexValue(bytes[index]), let low = CellText.hexValue(bytes[index + 1]) else {
                return false
            }
            batch.appendByte(high << 4 | low)
            index += 2
        }
        batch.endCell()
        return true
    }

    /// Standard base64 with its padding, as sqlpipe's NDJSON writer writes bytes.
    private static func appendBase64(_ bytes: UnsafeBufferPointer<UInt8>, to batch: inout RowBatch) -> Bool {
        guard bytes.count % 4 == 0 else { return false }
        var index = 0
        while index < bytes.count {
            var group: UInt32 = 0
            var padding = 0
            for offset in 0..<4 {
                let byte = bytes[index + offset]
                let value: UInt8
                switch byte {
                case UInt8(ascii: "A")...UInt8(ascii: "Z"): value = byte - UInt8(ascii: "A")
                case UInt8(ascii: "a")...UInt8(ascii: "z"): value = byte - UInt8(ascii: "a") + 26
                case UInt8(ascii: "0")...UInt8(ascii: "9"): value = byte - UInt8(ascii: "0") + 52
                case UInt8(ascii: "+"): value = 62
                case UInt8(ascii: "/"): value = 63
                case UInt8(ascii: "="):
                    // Padding only at the end of the last group, and at most two.
                    guard index + 4 == bytes.count, offset >= 2 else { return false }
                    padding += 1
                    value = 0
                default: return false
                }
                if padding > 0, byte != UInt8(ascii: "=") { return false }
                group = group << 6 | UInt32(value)
            }
            batch.appendByte(UInt8(truncatingIfNeeded: group >> 16))
            if padding < 2 { batch.appendByte(UInt8(truncatingIfNeeded: group >> 8)) }
            if padding < 1 { batch.appendByte(UInt8(truncatingIfNeeded: group)) }
            index += 4
        }
        batch.endCell()
        return true
    }
}
