import Foundation

/// A JSON syntax error, at a byte offset of the text scanned.
struct JSONSyntaxError: Error {
    var message: String
    var offset: Int
}

/// A small byte-level JSON scanner over one line of text: it validates, unescapes strings and finds the
/// extent of values, without building any objects.
struct JSONScanner {
    let base: UnsafePointer<UInt8>
    let end: Int
    var index = 0

    static let maximumDepth = 512

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        base = bytes.baseAddress ?? UnsafePointer(bitPattern: 1)!
        end = bytes.count
    }

    /// Whether `bytes` is one JSON value, blanks around it aside.
    static func isValidDocument(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var scanner = JSONScanner(bytes)
        do {
            scanner.skipSpace()
            try scanner.skipValue(depth: 0)
            scanner.skipSpace()
            return scanner.index == scanner.end && UTF8Check.isValid(bytes)
        } catch {
            return false
        }
    }

    var atEnd: Bool { index >= end }

    @inline(__always)
    var current: UInt8? { index < end ? base[index] : nil }

    func fail(_ message: String) -> JSONSyntaxError {
        JSONSyntaxError(message: message, offset: index)
    }

    @inline(__always)
    mutating func skipSpace() {
        while index < end {
            let byte = base[index]
            guard byte == 0x20 || byte == 0x09 || byte == 0x0a || byte == 0x0d else { return }
            index += 1
        }
    }

    mutating func expect(_ byte: UInt8, _ what: String) throws {
        guard current == byte else { throw fail("expected \(what)") }
        index += 1
    }

    /// A string whose opening quote is at `index`, unescaped into `output` (nil: only checked).
    mutating func readString(into output: RecordFields?) throws {
        index += 1
        while true {
            var cursor = index
            while cursor < end {
                let byte = base[cursor]
                if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 { break }
                cursor += 1
            }
            output?.append(base + index, count: cursor - index)
            index = cursor
            guard cursor < end else { throw fail("a string is not closed") }
            let byte = base[cursor]
            index += 1
            if byte == UInt8(ascii: "\"") { return }
            if byte < 0x20 { throw fail("a control character inside a string must be escaped") }
            guard let escaped = current else { throw fail("a string is not closed") }
            index += 1
            switch escaped {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): output?.append(escaped)
            case UInt8(ascii: "b"): output?.append(0x08)
            case UInt8(ascii: "f"): output?.append(0x0c)
            case UInt8(ascii: "n"): output?.append(0x0a)
            case UInt8(ascii: "r"): output?.append(0x0d)
            case UInt8(ascii: "t"): output?.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try readHexQuad()
                if (0xd800..<0xdc00).contains(scalar) {
                    guard current == UInt8(ascii: "\\"), index + 1 < end, base[index + 1] == UInt8(ascii: "u") else {
                        throw fail("a \\u escape of a high surrogate is not followed by its low surrogate")
                    }
                    index += 2
                    let low = try readHexQuad()
                    guard (0xdc00..<0xe000).contains(low) else {
                        throw fail("a \\u escape of a high surrogate is not followed by its low surrogate")
                    }
                    scalar = 0x10000 + ((scalar - 0xd800) << 10) + (low - 0xdc00)
                } else if (0xdc00..<0xe000).contains(scalar) {
                    throw fail("a \\u escape of a low surrogate has no high surrogate before it")
                }
                if let output { Self.appendUTF8(scalar, to: output) }
            default:
                throw fail("'\\\(Character(Unicode.Scalar(escaped)))' is not a JSON escape")
            }
        }
    }

    private mutating func readHexQuad() throws -> UInt32 {
        guard index + 4 <= end else { throw fail("a \\u escape needs four hex digits") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = base[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw fail("a \\u escape needs four hex digits")
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }

    private static func appendUTF8(_ scalar: UInt32, to output: RecordFields) {
        switch scalar {
        case 0..<0x80:
            output.append(UInt8(scalar))
        case 0x80..<0x800:
            output.append(UInt8(0xc0 | scalar >> 6))
            output.append(UInt8(0x80 | scalar & 0x3f))
        case 0x800..<0x10000:
            output.append(UInt8(0xe0 | scalar >> 12))
            output.append(UInt8(0x80 | scalar >> 6 & 0x3f))
            output.append(UInt8(0x80 | scalar & 0x3f))
        default:
            output.append(UInt8(0xf0 | scalar >> 18))
            output.append(UInt8(0x80 | scalar >> 12 & 0x3f))
            output.append(UInt8(0x80 | scalar >> 6 & 0x3f))
            output.append(UInt8(0x80 | scalar & 0x3f))
        }
    }

    /// A number as JSON writes it: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
    mutating func skipNumber() throws {
        if current == UInt8(ascii: "-") { index += 1 }
        guard let first = current, Self.isDigit(first) else { throw fail("a number needs a digit") }
        index += 1
        if first != UInt8(ascii: "0") { skipDigits() }
        if current == UInt8(ascii: ".") {
            index += 1
            guard let digit = current, Self.isDigit(digit) else { throw fail("a number needs digits after its point") }
            skipDigits()
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            index += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { index += 1 }
            guard let digit = current, Self.isDigit(digit) else { throw fail("a number needs digits in its exponent") }
            skipDigits()
        }
    }

    @inline(__always)
    private mutating func skipDigits() {
        while let byte = current, Self.isDigit(byte) { index += 1 }
    }

    @inline(__always)
    static func isDigit(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "0") < 10 }

    mutating func skipLiteral(_ word: StaticString) throws {
        let length = word.utf8CodeUnitCount
        guard index + length <= end, memcmp(base + index, word.utf8Start, length) == 0 else {
            throw fail("not a JSON value")
        }
        index += length
    }

    mutating func skipValue(depth: Int) throws {
        guard let byte = current else { throw fail("a value is missing") }
        switch byte {
        case UInt8(ascii: "\""): try readString(into: nil)
        case UInt8(ascii: "{"), UInt8(ascii: "["): try skipContainer(depth: depth + 1)
        case UInt8(ascii: "t"): try skipLiteral("true")
        case UInt8(ascii: "f"): try skipLiteral("false")
        case UInt8(ascii: "n"): try skipLiteral("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try skipNumber()
        default: throw fail("not a JSON value")
        }
    }

    /// An object or array whose opening bracket is at `index`.
    mutating func skipContainer(depth: Int) throws {
        guard depth <= Self.maximumDepth else { throw fail("values are nested more than \(Self.maximumDepth) deep") }
        let isObject = base[index] == UInt8(ascii: "{")
        let closing = isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")
        index += 1
        skipSpace()
        if current == closing {
            index += 1
            return
        }
        while true {
            if isObject {
                guard current == UInt8(ascii: "\"") else { throw fail("expected a key in quotes") }
                try readString(into: nil)
                skipSpace()
                try expect(UInt8(ascii: ":"), "':' after a key")
                skipSpace()
            }
            try skipValue(depth: depth)
            skipSpace()
            if current == UInt8(ascii: ",") {
                index += 1
                skipSpace()
                continue
            }
            try expect(closing, isObject ? "',' or '}'" : "',' or ']'")
            return
        }
    }
}

/// NDJSON: one JSON object per line. Its columns are the keys, in the order they first appear; a key an
/// object lacks is NULL there.
final class NDJSONParser: BufferedScanner, RecordParser {
    /// The current record, one field per column.
    let fields = RecordFields()
    @exclusivity(unchecked) private(set) var recordLine = 1
    private(set) var columnNames: [String] = []

    /// The current object's values in the order of its keys, and the column of each.
    private let values = RecordFields()
    @exclusivity(unchecked) private var columnOfValue: [Int] = []
    private let key = RecordFields()
    private var keyBytes: [[UInt8]] = []
    private var columnOfKey: [[UInt8]: Int] = [:]
    /// The columns of the previous object's keys, in its order: the next object most likely has the same.
    @exclusivity(unchecked) private var previousKeyColumns: [Int] = []
    @exclusivity(unchecked) private var valueOfColumn: [Int] = []
    /// A line that straddles a refill of the buffer is gathered here.
    private let straddling: RecordFields
    /// Once set, a key not seen before is an error, told by this.
    private var newKeyError: ((String) -> DriverError)?

    /// `recordLimit`: the most bytes one line may hold.
    init(reading input: any RewindableByteInput, recordLimit: Int = RecordFields.maximumBytes) throws {
        straddling = RecordFields(maximumBytes: recordLimit)
        super.init(input: input)
        try skipByteOrderMark()
    }

    /// Makes `name` a column, if it is none yet.
    func addColumn(_ name: String) {
        let bytes = Array(name.utf8)
        guard columnOfKey[bytes] == nil else { return }
        columnOfKey[bytes] = keyBytes.count
        keyBytes.append(bytes)
        columnNames.append(name)
        valueOfColumn.append(-1)
    }

    /// Keeps the columns as they are from now on; a new key fails with the error `error` makes of it.
    func fixColumns(_ error: @escaping (String) -> DriverError) {
        newKeyError = error
    }

    func rewind() throws {
        try restart()
        previousKeyColumns.removeAll()
    }

    func next() throws -> Bool {
        while true {
            recordLine = line
            guard let text = try nextLine() else { return false }
            if straddling.overflowed {
                throw DriverError("line \(recordLine): a line of more than \(straddling.maximumBytes >> 20) MiB")
            }
            var length = text.count
            if length > 0, text[length - 1] == UInt8(ascii: "\r") { length -= 1 }
            var scanner = JSONScanner(UnsafeBufferPointer(rebasing: text[..<length]))
            scanner.skipSpace()
            if scanner.atEnd { continue }
            do {
                try parseObject(&scanner)
            } catch let error as JSONSyntaxError {
                throw DriverError("line \(recordLine): invalid JSON: \(error.message) (at byte \(error.offset + 1))")
            }
            assembleRecord()
            return true
        }
    }

    /// The next line without its line feed, valid until the next call; nil at the end of the input.
    private func nextLine() throws -> UnsafeBufferPointer<UInt8>? {
        straddling.removeAll()
        var gathered = false
        while true {
            if position == limit {
                guard try refill() else {
                    return gathered ? UnsafeBufferPointer(start: straddling.storage, count: straddling.byteCount) : nil
                }
            }
            let start = buffer + position
            if let found = memchr(start, Int32(UInt8(ascii: "\n")), limit - position) {
                let length = found.assumingMemoryBound(to: UInt8.self) - start
                position += length + 1
                line += 1
                if !gathered { return UnsafeBufferPointer(start: start, count: length) }
                straddling.append(start, count: length)
                return UnsafeBufferPointer(start: straddling.storage, count: straddling.byteCount)
            }
            straddling.append(start, count: limit - position)
            gathered = true
            position = limit
        }
    }

    private func parseObject(_ scanner: inout JSONScanner) throws {
        guard scanner.current == UInt8(ascii: "{") else {
            throw DriverError("line \(recordLine): not a JSON object")
        }
        values.removeAll()
        columnOfValue.removeAll(keepingCapacity: true)
        scanner.index += 1
        scanner.skipSpace()
        if scanner.current == UInt8(ascii: "}") {
            scanner.index += 1
        } else {
            while true {
                guard scanner.current == UInt8(ascii: "\"") else { throw scanner.fail("expected a key in quotes") }
                key.removeAll()
                try scanner.readString(into: key)
                let column = try column(ofKeyAt: columnOfValue.count)
                scanner.skipSpace()
                try scanner.expect(UInt8(ascii: ":"), "':' after a key")
                scanner.skipSpace()
                try readValue(&scanner, column: column)
                columnOfValue.append(column)
                scanner.skipSpace()
                if scanner.current == UInt8(ascii: ",") {
                    scanner.index += 1
                    scanner.skipSpace()
                    continue
                }
                try scanner.expect(UInt8(ascii: "}"), "',' or '}'")
                break
            }
        }
        scanner.skipSpace()
        guard scanner.atEnd else { throw scanner.fail("text after the object") }
        if previousKeyColumns != columnOfValue { previousKeyColumns = columnOfValue }
    }

    private func column(ofKeyAt position: Int) throws -> Int {
        let length = key.byteCount
        if position < previousKeyColumns.count {
            let guess = previousKeyColumns[position]
            let matches = keyBytes[guess].withUnsafeBufferPointer {
                $0.count == length && memcmp($0.baseAddress!, key.storage, length) == 0
            }
            if matches { return guess }
        }
        let bytes = Array(UnsafeBufferPointer(start: key.storage, count: length))
        if let column = columnOfKey[bytes] { return column }
        guard UTF8Check.isValid(UnsafeBufferPointer(start: key.storage, count: length)) else {
            throw DriverError("line \(recordLine): a key is not valid UTF-8")
        }
        let name = String(decoding: bytes, as: UTF8.self)
        if let newKeyError { throw newKeyError(name) }
        addColumn(name)
        return keyBytes.count - 1
    }

    private func readValue(_ scanner: inout JSONScanner, column: Int) throws {
        guard let byte = scanner.current else { throw scanner.fail("a value is missing") }
        switch byte {
        case UInt8(ascii: "\""):
            let start = values.byteCount
            try scanner.readString(into: values)
            try checkUTF8(from: start, column: column)
            values.end(.value)
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            let start = scanner.index
            try scanner.skipContainer(depth: 1)
            let first = values.byteCount
            values.append(scanner.base + start, count: scanner.index - start)
            try checkUTF8(from: first, column: column)
            values.end(.nested)
        case UInt8(ascii: "t"):
            try scanner.skipLiteral("true")
            values.append(scanner.base + scanner.index - 4, count: 4)
            values.end(.value)
        case UInt8(ascii: "f"):
            try scanner.skipLiteral("false")
            values.append(scanner.base + scanner.index - 5, count: 5)
            values.end(.value)
        case UInt8(ascii: "n"):
            try scanner.skipLiteral("null")
            values.end(.null)
        default:
            let start = scanner.index
            try scanner.skipNumber()
            values.append(scanner.base + start, count: scanner.index - start)
            values.end(.value)
        }
    }

    private func checkUTF8(from start: Int, column: Int) throws {
        let written = UnsafeBufferPointer(start: values.storage + start, count: values.byteCount - start)
        guard UTF8Check.isValid(written) else {
            throw DriverError("line \(recordLine), column \"\(columnNames[column])\": invalid UTF-8")
        }
    }

    private func assembleRecord() {
        for (value, column) in columnOfValue.enumerated() { valueOfColumn[column] = value }
        fields.removeAll()
        for column in 0..<columnNames.count {
            let value = valueOfColumn[column]
            if value < 0 {
                fields.end(.null)
            } else {
                fields.append(field: value, of: values)
                valueOfColumn[column] = -1
            }
        }
    }
}
