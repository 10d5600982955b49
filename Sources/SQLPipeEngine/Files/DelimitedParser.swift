import Foundation

/// The fields of one record, unescaped, side by side in one growing buffer that is reused record after
/// record, so that parsing allocates only while records keep getting longer.
final class RecordFields {
    enum Kind: UInt8 {
        case value
        case null
        /// A JSON object or array, as its text.
        case nested
    }

    // Plain buffers rather than arrays, and unchecked: these are touched for every byte run and field,
    // and arrays' uniqueness checks and the run-time exclusivity checks of class properties would cost
    // a third of the parse.
    @exclusivity(unchecked) private(set) var storage: UnsafeMutablePointer<UInt8>
    @exclusivity(unchecked) private var capacity: Int
    @exclusivity(unchecked) private(set) var byteCount = 0
    /// End offset in `storage` of each field, and its kind.
    @exclusivity(unchecked) private var ends: UnsafeMutablePointer<Int>
    @exclusivity(unchecked) private var kinds: UnsafeMutablePointer<Kind>
    @exclusivity(unchecked) private var fieldCapacity: Int
    @exclusivity(unchecked) private(set) var count = 0
    /// Set when a record would need more than `maximumBytes`: its bytes past that are dropped, and the
    /// parser fails it, so that a hostile file (one endless quoted field) cannot take the host's memory.
    @exclusivity(unchecked) private(set) var overflowed = false
    static let maximumBytes = 64 << 20
    let maximumBytes: Int

    init(maximumBytes: Int = RecordFields.maximumBytes) {
        self.maximumBytes = maximumBytes
        capacity = 4096
        storage = .allocate(capacity: capacity)
        fieldCapacity = 64
        ends = .allocate(capacity: fieldCapacity)
        kinds = .allocate(capacity: fieldCapacity)
    }

    deinit {
        storage.deallocate()
        ends.deallocate()
        kinds.deallocate()
    }

    @inline(__always)
    func start(of index: Int) -> Int { index == 0 ? 0 : ends[index - 1] }

    @inline(__always)
    func end(of index: Int) -> Int { ends[index] }

    @inline(__always)
    func bytes(_ index: Int) -> UnsafeBufferPointer<UInt8> {
        let start = start(of: index)
        return UnsafeBufferPointer(start: storage + start, count: ends[index] - start)
    }

    @inline(__always)
    func kind(_ index: Int) -> Kind { kinds[index] }

    /// Where the field being built starts: the end of the last one.
    @inline(__always)
    private var openFieldStart: Int { count == 0 ? 0 : ends[count - 1] }

    /// Bytes of the field being built, since its last `end`.
    var openFieldLength: Int { byteCount - openFieldStart }

    @inline(__always)
    func removeAll() {
        byteCount = 0
        count = 0
        overflowed = false
    }

    @inline(__always)
    func append(_ source: UnsafePointer<UInt8>, count: Int) {
        guard count > 0 else { return }
        if byteCount + count > capacity {
            grow(to: byteCount + count)
            if overflowed { return }
        }
        (storage + byteCount).update(from: source, count: count)
        byteCount += count
    }

    @inline(__always)
    func append(_ byte: UInt8) {
        if byteCount == capacity {
            grow(to: byteCount + 1)
            if overflowed { return }
        }
        storage[byteCount] = byte
        byteCount += 1
    }

    @inline(__always)
    func end(_ kind: Kind) {
        if count == fieldCapacity { growFields() }
        ends[count] = byteCount
        kinds[count] = kind
        count += 1
    }

    /// Ends the open field as NULL, dropping whatever bytes it had.
    func endNull() {
        byteCount = openFieldStart
        end(.null)
    }

    /// Copies a field of another record.
    func append(field index: Int, of other: RecordFields) {
        let field = other.bytes(index)
        if let base = field.baseAddress { append(base, count: field.count) }
        end(other.kind(index))
    }

    private func growFields() {
        let newCapacity = fieldCapacity * 2
        let largerEnds = UnsafeMutablePointer<Int>.allocate(capacity: newCapacity)
        largerEnds.update(from: ends, count: count)
        ends.deallocate()
        ends = largerEnds
        let largerKinds = UnsafeMutablePointer<Kind>.allocate(capacity: newCapacity)
        largerKinds.update(from: kinds, count: count)
        kinds.deallocate()
        kinds = largerKinds
        fieldCapacity = newCapacity
    }

    private func grow(to needed: Int) {
        guard needed <= maximumBytes else {
            overflowed = true
            return
        }
        var newCapacity = capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let larger = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        larger.update(from: storage, count: byteCount)
        storage.deallocate()
        storage = larger
        capacity = newCapacity
    }

    /// Whether every byte is ASCII: the common case, which needs no further UTF-8 check.
    func isAllASCII() -> Bool {
        var index = 0
        let words = byteCount / 8
        let raw = UnsafeRawPointer(storage)
        var folded: UInt64 = 0
        for word in 0..<words { folded |= raw.loadUnaligned(fromByteOffset: word * 8, as: UInt64.self) }
        index = words * 8
        while index < byteCount {
            folded |= UInt64(storage[index])
            index += 1
        }
        return folded & 0x8080_8080_8080_8080 == 0
    }

    /// The first field that is not valid UTF-8.
    func firstInvalidUTF8Field() -> Int? {
        if isAllASCII() { return nil }
        for index in 0..<count where !UTF8Check.isValid(bytes(index)) { return index }
        return nil
    }
}

extension UTF8Check {
    /// Whether all of `bytes` is well-formed UTF-8.
    static func isValid(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        while index < bytes.count {
            if bytes[index] < 0x80 {
                index += 1
                continue
            }
            let length = sequenceLength(bytes, at: index)
            if length == 0 { return false }
            index += length
        }
        return true
    }
}

/// Reads records one at a time; the current one is in `fields`, one field per column.
protocol RecordParser: AnyObject {
    var fields: RecordFields { get }
    /// The physical line, 1-based, the current record starts on.
    var recordLine: Int { get }
    /// The columns' names: the header's, or those the records made so far (NDJSON's keys).
    var columnNames: [String] { get }
    /// Parses the next record; false at the end.
    func next() throws -> Bool
    /// Goes back to the first record, the header read again and skipped.
    func rewind() throws
}

/// Reads input through one buffer refilled in place; every byte of a record is copied out before the
/// buffer is refilled, so nothing refers into it across a refill.
class BufferedScanner {
    static let bufferSize = 256 * 1024

    let input: any RewindableByteInput
    let buffer: UnsafeMutablePointer<UInt8>
    // Unchecked for speed, as in `RecordFields`.
    @exclusivity(unchecked) var position = 0
    @exclusivity(unchecked) var limit = 0
    @exclusivity(unchecked) var exhausted = false
    /// The physical line, 1-based, `position` is on.
    @exclusivity(unchecked) var line = 1

    init(input: any RewindableByteInput) {
        self.input = input
        buffer = .allocate(capacity: Self.bufferSize)
    }

    deinit { buffer.deallocate() }

    /// Reads the next piece of input; false at the end.
    @inline(__always)
    func refill() throws -> Bool {
        if exhausted { return false }
        position = 0
        limit = try input.read(into: UnsafeMutableRawBufferPointer(start: buffer, count: Self.bufferSize))
        if limit == 0 { exhausted = true }
        return limit > 0
    }

    /// The byte at `position`, reading more input when needed; nil at the end.
    @inline(__always)
    func peek() throws -> UInt8? {
        if position == limit, !(try refill()) { return nil }
        return buffer[position]
    }

    /// Goes back to the start of the input and steps over a UTF-8 byte order mark.
    func restart() throws {
        try input.rewind()
        position = 0
        limit = 0
        exhausted = false
        line = 1
        try skipByteOrderMark()
    }

    func skipByteOrderMark() throws {
        // A pipe may hand the three bytes over one at a time.
        while limit < 3 {
            let count = try input.read(
                into: UnsafeMutableRawBufferPointer(start: buffer + limit, count: Self.bufferSize - limit))
            if count == 0 {
                exhausted = true
                break
            }
            limit += count
        }
        if limit >= 3, buffer[0] == 0xef, buffer[1] == 0xbb, buffer[2] == 0xbf { position = 3 }
    }
}

/// CSV (RFC 4180) and TSV (PostgreSQL's COPY text format) records, byte by byte.
final class DelimitedParser: BufferedScanner, RecordParser {
    let fields: RecordFields
    @exclusivity(unchecked) private(set) var recordLine = 1
    private(set) var columnNames: [String] = []

    private let isCSV: Bool
    private let delimiter: UInt8
    private let quote: UInt8
    private let hasHeader: Bool
    private let nullBytes: [UInt8]?
    /// Bytes that end a run of ordinary bytes, one flag per byte value.
    private let stops: UnsafeMutablePointer<Bool>
    private let quotedStops: UnsafeMutablePointer<Bool>
    /// The number of fields every record must have, once known.
    @exclusivity(unchecked) private var expectedFieldCount: Int?
    /// With no header, the first record is parsed to count the columns and handed out first.
    @exclusivity(unchecked) private var firstRecordPending = false

    private static let lineFeed = UInt8(ascii: "\n")
    private static let carriageReturn = UInt8(ascii: "\r")
    private static let backslash = UInt8(ascii: "\\")

    private enum Ending { case delimiter, record, input }

    /// `recordLimit`: the most bytes one record may hold.
    init(spec: FileSpec, input: any RewindableByteInput, recordLimit: Int = RecordFields.maximumBytes) throws {
        fields = RecordFields(maximumBytes: recordLimit)
        isCSV = spec.format == .csv
        delimiter = spec.delimiterByte
        quote = spec.quoteByte
        hasHeader = spec.header
        nullBytes = spec.nullString.map { Array($0.utf8) }
        stops = .allocate(capacity: 256)
        stops.initialize(repeating: false, count: 256)
        quotedStops = .allocate(capacity: 256)
        quotedStops.initialize(repeating: false, count: 256)
        super.init(input: input)
        for byte in [delimiter, Self.lineFeed, Self.carriageReturn, isCSV ? quote : Self.backslash] {
            stops[Int(byte)] = true
        }
        quotedStops[Int(quote)] = true
        quotedStops[Int(Self.lineFeed)] = true
        try skipByteOrderMark()
        try readHeader()
    }

    deinit {
        stops.deallocate()
        quotedStops.deallocate()
    }

    private func readHeader() throws {
        guard try parseRecord() else {
            throw DriverError(
                hasHeader
                    ? "the file is empty: its first line should name the columns"
                    : "the file is empty: it has no record to count the columns of")
        }
        let count = fields.count
        if columnNames.isEmpty {
            columnNames = (0..<count).map { index in
                guard hasHeader, fields.kind(index) != .null, fields.bytes(index).count > 0 else {
                    return "column_\(index + 1)"
                }
                return String(decoding: fields.bytes(index), as: UTF8.self)
            }
        }
        if let invalid = fields.firstInvalidUTF8Field() {
            throw DriverError("line \(recordLine), column \"\(columnNames[invalid])\": invalid UTF-8")
        }
        expectedFieldCount = count
        firstRecordPending = !hasHeader
    }

    func next() throws -> Bool {
        if firstRecordPending {
            firstRecordPending = false
            return true
        }
        guard try parseRecord() else { return false }
        if fields.overflowed {
            throw DriverError(
                "line \(recordLine): a record of more than \(fields.maximumBytes >> 20) MiB (a quote never closed?)"
            )
        }
        if let expectedFieldCount, fields.count != expectedFieldCount {
            throw DriverError(
                "line \(recordLine): \(fields.count) field\(fields.count == 1 ? "" : "s") where the \(hasHeader ? "header" : "first record") has \(expectedFieldCount)"
            )
        }
        if let invalid = fields.firstInvalidUTF8Field() {
            throw DriverError("line \(recordLine), column \"\(columnNames[invalid])\": invalid UTF-8")
        }
        return true
    }

    func rewind() throws {
        try restart()
        firstRecordPending = false
        if hasHeader { _ = try parseRecord() }
    }

    /// Parses one record into `fields`; false when the input ends where a record would start (so a last
    /// line ending in a line feed makes no empty record).
    private func parseRecord() throws -> Bool {
        fields.removeAll()
        recordLine = line
        guard try peek() != nil else { return false }
        while true {
            let ending: Ending
            if isCSV {
                if try peek() == quote {
                    position += 1
                    ending = try readQuotedField()
                } else {
                    ending = try readUnquotedField()
                }
            } else {
                ending = try readTextField()
            }
            if ending != .delimiter { return true }
        }
    }

    private func endUnquotedField() {
        let isNull: Bool
        if let nullBytes {
            let length = fields.openFieldLength
            isNull =
                length == nullBytes.count
                && nullBytes.withUnsafeBufferPointer {
                    memcmp(fields.storage + (fields.byteCount - length), $0.baseAddress!, length) == 0
                }
        } else {
            isNull = fields.openFieldLength == 0
        }
        if isNull { fields.endNull() } else { fields.end(.value) }
    }

    private func readUnquotedField() throws -> Ending {
        while true {
            var cursor = position
            while cursor < limit && !stops[Int(buffer[cursor])] { cursor += 1 }
            fields.append(buffer + position, count: cursor - position)
            position = cursor
            if cursor == limit {
                if try refill() { continue }
                endUnquotedField()
                return .input
            }
            let byte = buffer[cursor]
            position += 1
            if byte == delimiter {
                endUnquotedField()
                return .delimiter
            }
            if byte == Self.lineFeed {
                line += 1
                endUnquotedField()
                return .record
            }
            if byte == Self.carriageReturn {
                if try peek() == Self.lineFeed {
                    position += 1
                    line += 1
                    endUnquotedField()
                    return .record
                }
                fields.append(byte)
                continue
            }
            throw DriverError(
                "line \(line): a quote inside an unquoted field (a field holding quotes must be quoted whole, its quotes doubled)"
            )
        }
    }

    private func readQuotedField() throws -> Ending {
        let openedOn = line
        while true {
            var cursor = position
            while cursor < limit {
                let byte = buffer[cursor]
                if quotedStops[Int(byte)] {
                    if byte == quote { break }
                    line += 1
                }
                cursor += 1
            }
            fields.append(buffer + position, count: cursor - position)
            position = cursor
            if cursor == limit {
                if try refill() { continue }
                throw DriverError(
                    "line \(openedOn): a quoted field opened here is not closed before the end of the file")
            }
            position += 1
            guard let next = try peek() else {
                fields.end(.value)
                return .input
            }
            if next == quote {
                fields.append(quote)
                position += 1
                continue
            }
            position += 1
            if next == delimiter {
                fields.end(.value)
                return .delimiter
            }
            if next == Self.lineFeed {
                line += 1
                fields.end(.value)
                return .record
            }
            if next == Self.carriageReturn, try peek() == Self.lineFeed {
                position += 1
                line += 1
                fields.end(.value)
                return .record
            }
            throw DriverError("line \(line): text after the closing quote of a quoted field")
        }
    }

    /// A field of PostgreSQL's text format. The NULL string is compared with the field as written, before
    /// its escapes are undone, as COPY does.
    private func readTextField() throws -> Ending {
        var rawLength = 0
        var rawMatchesNull = true
        var onlyBackslashN = false
        func matchRaw(_ bytes: UnsafePointer<UInt8>, _ count: Int) {
            guard rawMatchesNull, let nullBytes else { return }
            if rawLength + count > nullBytes.count {
                rawMatchesNull = false
            } else if count > 0 {
                rawMatchesNull = nullBytes.withUnsafeBufferPointer {
                    memcmp($0.baseAddress! + rawLength, bytes, count) == 0
                }
            }
        }
        func matchRaw(_ byte: UInt8) {
            guard rawMatchesNull, let nullBytes else { return }
            rawMatchesNull = rawLength < nullBytes.count && nullBytes[rawLength] == byte
        }
        func endField() {
            let isNull =
                nullBytes.map { rawMatchesNull && rawLength == $0.count } ?? (onlyBackslashN && rawLength == 2)
            if isNull { fields.endNull() } else { fields.end(.value) }
        }
        while true {
            var cursor = position
            while cursor < limit && !stops[Int(buffer[cursor])] { cursor += 1 }
            let run = cursor - position
            matchRaw(buffer + position, run)
            rawLength += run
            fields.append(buffer + position, count: run)
            position = cursor
            if cursor == limit {
                if try refill() { continue }
                endField()
                return .input
            }
            let byte = buffer[cursor]
            position += 1
            if byte == delimiter {
                endField()
                return .delimiter
            }
            if byte == Self.lineFeed {
                line += 1
                endField()
                return .record
            }
            if byte == Self.carriageReturn {
                if try peek() == Self.lineFeed {
                    position += 1
                    line += 1
                    endField()
                    return .record
                }
                matchRaw(byte)
                rawLength += 1
                fields.append(byte)
                continue
            }
            guard let escaped = try peek() else {
                matchRaw(byte)
                rawLength += 1
                fields.append(byte)
                continue
            }
            position += 1
            matchRaw(byte)
            rawLength += 1
            matchRaw(escaped)
            rawLength += 1
            if escaped == UInt8(ascii: "N"), rawLength == 2 { onlyBackslashN = true }
            if escaped == Self.lineFeed { line += 1 }
            // COPY's numeric escapes: up to three octal digits, or x and up to two hex digits.
            if let first = Self.octalValue(escaped) {
                var value = first
                for _ in 0..<2 {
                    guard let next = try peek(), let digit = Self.octalValue(next) else { break }
                    position += 1
                    matchRaw(next)
                    rawLength += 1
                    value = value << 3 | digit
                }
                fields.append(UInt8(truncatingIfNeeded: value))
                continue
            }
            if escaped == UInt8(ascii: "x"), let next = try peek(), let high = CellText.hexValue(next) {
                position += 1
                matchRaw(next)
                rawLength += 1
                var value = high
                if let last = try peek(), let low = CellText.hexValue(last) {
                    position += 1
                    matchRaw(last)
                    rawLength += 1
                    value = value << 4 | low
                }
                fields.append(UInt8(value))
                continue
            }
            fields.append(Self.unescaped(escaped))
        }
    }

    private static func octalValue(_ byte: UInt8) -> Int? {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "7") ? Int(byte - UInt8(ascii: "0")) : nil
    }

    private static func unescaped(_ byte: UInt8) -> UInt8 {
        switch byte {
        case UInt8(ascii: "t"): 0x09
        case UInt8(ascii: "n"): 0x0a
        case UInt8(ascii: "r"): 0x0d
        case UInt8(ascii: "b"): 0x08
        case UInt8(ascii: "f"): 0x0c
        case UInt8(ascii: "v"): 0x0b
        default: byte
        }
    }
}
