/// Byte-level encoders of canonical cells (see `RowBatch`) into the text of CSV, TSV and JSON, shared by file
/// targets and `sqlpipe query --format csv|tsv|json`. They append to a `[UInt8]` and never build a String.

/// How a cell of a neutral type turns into text; resolved once a column, not once a cell.
public enum CellForm: Sendable {
    case boolean, integer, decimal, float, bytes, timestamp, instant, json, text

    public init(_ type: ColumnType) {
        switch type {
        case .bool: self = .boolean
        case .int16, .int32, .int64, .uint64: self = .integer
        case .decimal: self = .decimal
        case .float32, .float64: self = .float
        case .bytes: self = .bytes
        case .timestamp: self = .timestamp
        case .timestamptz: self = .instant
        case .json: self = .json
        case .string, .text, .date, .time, .uuid: self = .text
        }
    }
}

/// The text of a cell in CSV, TSV and tables: canonical, but bool `true`/`false`, bytes `\x` and lowercase
/// hex, and instants with a `Z`.
public enum CellText {
    /// Calls `body` with the cell's text, made in temporary memory only where it differs from the cell.
    @inline(__always)
    public static func withText<Result>(
        of cell: UnsafeBufferPointer<UInt8>, form: CellForm, _ body: (UnsafeBufferPointer<UInt8>) -> Result
    ) -> Result {
        switch form {
        case .boolean:
            let word: StaticString = cell.first == UInt8(ascii: "t") ? "true" : "false"
            return body(UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount))
        case .bytes:
            return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 2 + 2 * cell.count) { text in
                text[0] = UInt8(ascii: "\\")
                text[1] = UInt8(ascii: "x")
                writeHex(cell, to: text.baseAddress! + 2)
                return body(UnsafeBufferPointer(text))
            }
        case .instant:
            return withInstantText(cell, separator: UInt8(ascii: " "), body)
        case .integer, .decimal, .float, .timestamp, .json, .text:
            return body(cell)
        }
    }

    /// Appends the cell's text, unescaped.
    public static func append(_ cell: UnsafeBufferPointer<UInt8>, type: ColumnType, to buffer: inout [UInt8]) {
        withText(of: cell, form: CellForm(type)) { buffer.append(contentsOf: $0) }
    }

    /// An instant's text: the timestamp with `Z`, which goes before PostgreSQL's ` BC` suffix; `infinity`
    /// and `-infinity` take none. `separator` replaces the space between date and time.
    static func withInstantText<Result>(
        _ cell: UnsafeBufferPointer<UInt8>, separator: UInt8, zone: Bool = true,
        _ body: (UnsafeBufferPointer<UInt8>) -> Result
    ) -> Result {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: cell.count + 1) { text in
            let special = DateTimeShape.special(cell)
            var count = special == .beforeChrist ? cell.count - 3 : cell.count
            _ = UnsafeMutableBufferPointer(rebasing: text[0..<count]).initialize(
                from: UnsafeBufferPointer(rebasing: cell[0..<count]))
            if count > 10 && text[10] == UInt8(ascii: " ") && special != .infinity { text[10] = separator }
            if zone && special != .infinity {
                text[count] = UInt8(ascii: "Z")
                count += 1
            }
            if special == .beforeChrist {
                for byte in cell.suffix(3) {
                    text[count] = byte
                    count += 1
                }
            }
            return body(UnsafeBufferPointer(rebasing: text[0..<count]))
        }
    }

    /// The value of one hex digit, either case; nil for any other byte. `writeHex`'s reverse.
    public static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    @inline(__always)
    static func writeHex(_ bytes: UnsafeBufferPointer<UInt8>, to output: UnsafeMutablePointer<UInt8>) {
        let digits: StaticString = "0123456789abcdef"
        let digit = digits.utf8Start
        var position = output
        for byte in bytes {
            position[0] = digit[Int(byte >> 4)]
            position[1] = digit[Int(byte & 0x0F)]
            position += 2
        }
    }
}

/// CSV fields, RFC 4180 as `sqlpipe query --format csv` writes them: a field is quoted when it holds the
/// delimiter, the quote, CR or LF, when it is empty, or when it reads as the NULL string; a quote inside is
/// doubled. NULL is an empty unquoted field, or the NULL string unquoted.
public struct CSVFieldEncoder: Sendable {
    public let delimiter: UInt8
    public let quote: UInt8
    public let nullString: [UInt8]?
    /// Whether `\x` and hex digits hold no byte that must be quoted, so bytes skip the quoting scan.
    private let hexNeedsNoQuotes: Bool

    public init(delimiter: UInt8 = UInt8(ascii: ","), quote: UInt8 = UInt8(ascii: "\""), nullString: String? = nil) {
        self.delimiter = delimiter
        self.quote = quote
        self.nullString = nullString.map { Array($0.utf8) }
        let hexAlphabet = Array("\\x0123456789abcdef".utf8)
        hexNeedsNoQuotes = !hexAlphabet.contains(delimiter) && !hexAlphabet.contains(quote) && nullString == nil
    }

    public init(spec: FileSpec) {
        self.init(delimiter: spec.delimiterByte, quote: spec.quoteByte, nullString: spec.nullString)
    }

    public func appendNull(to buffer: inout [UInt8]) {
        if let nullString { buffer.append(contentsOf: nullString) }
    }

    /// Appends a cell, NULL or not, of a column of this type.
    public func appendCell(_ cell: UnsafeBufferPointer<UInt8>?, type: ColumnType, to buffer: inout [UInt8]) {
        guard let cell else { return appendNull(to: &buffer) }
        appendCell(cell, form: CellForm(type), to: &buffer)
    }

    @inline(__always)
    public func appendCell(_ cell: UnsafeBufferPointer<UInt8>, form: CellForm, to buffer: inout [UInt8]) {
        if form == .bytes && hexNeedsNoQuotes {
            buffer.appendFilling(count: 2 + 2 * cell.count) { output in
                output[0] = UInt8(ascii: "\\")
                output[1] = UInt8(ascii: "x")
                CellText.writeHex(cell, to: output + 2)
            }
            return
        }
        CellText.withText(of: cell, form: form) { appendField($0, to: &buffer) }
    }

    /// Appends a text as one field (a header name, say).
    public func appendField(_ text: String, to buffer: inout [UInt8]) {
        var text = text
        text.withUTF8 { appendField($0, to: &buffer) }
    }

    public func appendField(_ text: UnsafeBufferPointer<UInt8>, to buffer: inout [UInt8]) {
        var firstQuote = -1
        var needsQuotes = text.isEmpty
        for index in text.indices {
            let byte = text[index]
            if byte == quote {
                firstQuote = index
                needsQuotes = true
                break
            }
            if byte == delimiter || byte == 0x0A || byte == 0x0D { needsQuotes = true }
        }
        if !needsQuotes, let nullString, nullString.elementsEqual(text) { needsQuotes = true }
        guard needsQuotes else {
            buffer.append(contentsOf: text)
            return
        }
        buffer.append(quote)
        if firstQuote < 0 {
            buffer.append(contentsOf: text)
        } else {
            var runStart = 0
            for index in firstQuote..<text.count where text[index] == quote {
                // The quote ends the run, so that it is written twice.
                buffer.append(contentsOf: UnsafeBufferPointer(rebasing: text[runStart...index]))
                runStart = index
            }
            buffer.append(contentsOf: UnsafeBufferPointer(rebasing: text[runStart...]))
        }
        buffer.append(quote)
    }
}

/// TSV fields in PostgreSQL's COPY text format: the CSV text, with backslash, tab, LF and CR written `\\`, `\t`,
/// `\n`, `\r` and a delimiter other than the tab escaped with a backslash; NULL is `\N` or the NULL string.
public struct TSVFieldEncoder: Sendable {
    public let delimiter: UInt8
    public let nullString: [UInt8]
    private let customNull: Bool
    private let hexNeedsNoEscapes: Bool

    public init(delimiter: UInt8 = UInt8(ascii: "\t"), nullString: String? = nil) {
        self.delimiter = delimiter
        self.nullString = Array((nullString ?? "\\N").utf8)
        customNull = nullString != nil
        hexNeedsNoEscapes = !Array("x0123456789abcdef".utf8).contains(delimiter) && !customNull
    }

    public init(spec: FileSpec) {
        self.init(delimiter: spec.delimiterByte, nullString: spec.nullString)
    }

    public func appendNull(to buffer: inout [UInt8]) {
        buffer.append(contentsOf: nullString)
    }

    /// Appends a cell, NULL or not; false (and nothing appended) when the value would read back as NULL:
    /// the empty string when the NULL string is empty.
    @discardableResult
    public func appendCell(_ cell: UnsafeBufferPointer<UInt8>?, type: ColumnType, to buffer: inout [UInt8]) -> Bool {
        guard let cell else {
            appendNull(to: &buffer)
            return true
        }
        return appendCell(cell, form: CellForm(type), to: &buffer)
    }

    @inline(__always)
    public func appendCell(_ cell: UnsafeBufferPointer<UInt8>, form: CellForm, to buffer: inout [UInt8]) -> Bool {
        if form == .bytes && hexNeedsNoEscapes {
            buffer.appendFilling(count: 3 + 2 * cell.count) { output in
                output[0] = UInt8(ascii: "\\")
                output[1] = UInt8(ascii: "\\")
                output[2] = UInt8(ascii: "x")
                CellText.writeHex(cell, to: output + 3)
            }
            return true
        }
        return CellText.withText(of: cell, form: form) { appendField($0, to: &buffer) }
    }

    @discardableResult
    public func appendField(_ text: String, to buffer: inout [UInt8]) -> Bool {
        var text = text
        return text.withUTF8 { appendField($0, to: &buffer) }
    }

    /// Appends a text as one field; false (and nothing appended) when it would read back as NULL.
    @discardableResult
    public func appendField(_ text: UnsafeBufferPointer<UInt8>, to buffer: inout [UInt8]) -> Bool {
        let start = buffer.count
        appendEscaped(text, from: 0, to: &buffer)
        // COPY compares the raw field with the NULL string before it undoes escapes, so a value that reads as
        // it has its first byte written in octal (`\116ULL`), which COPY reads as that byte.
        if customNull && buffer.count - start == nullString.count
            && buffer[start...].elementsEqual(nullString)
        {
            guard let first = text.first else {
                buffer.removeSubrange(start...)
                return false
            }
            buffer.removeSubrange(start...)
            buffer.append(UInt8(ascii: "\\"))
            buffer.append(UInt8(ascii: "0") + (first >> 6))
            buffer.append(UInt8(ascii: "0") + ((first >> 3) & 7))
            buffer.append(UInt8(ascii: "0") + (first & 7))
            appendEscaped(text, from: 1, to: &buffer)
        }
        return true
    }

    @inline(__always)
    private func appendEscaped(_ text: UnsafeBufferPointer<UInt8>, from start: Int, to buffer: inout [UInt8]) {
        var runStart = start
        for index in start..<text.count {
            let byte = text[index]
            let escape: UInt8
            switch byte {
            case UInt8(ascii: "\\"): escape = UInt8(ascii: "\\")
            case 0x09: escape = UInt8(ascii: "t")
            case 0x0A: escape = UInt8(ascii: "n")
            case 0x0D: escape = UInt8(ascii: "r")
            case delimiter: escape = delimiter
            default: continue
            }
            buffer.append(contentsOf: UnsafeBufferPointer(rebasing: text[runStart..<index]))
            buffer.append(UInt8(ascii: "\\"))
            buffer.append(escape)
            runStart = index + 1
        }
        buffer.append(contentsOf: UnsafeBufferPointer(rebasing: text[runStart...]))
    }
}

/// JSON values of cells, one object a line being the use (NDJSON):
/// - bool `true`/`false`; integers numbers up to 2^53 in magnitude, strings beyond (readers that use doubles
///   would lose digits); decimals always strings, for the same reason.
/// - floats the canonical shortest text as a number (`-0` as `-0.0`, which integer-minded readers keep
///   negative), `NaN`, `Infinity`, `-Infinity` as strings.
/// - bytes standard base64; timestamps RFC 3339 (`2024-03-31T01:30:00.5`, instants with `Z`).
/// - json embedded as JSON when it is valid JSON without raw CR or LF; otherwise, as everything else, a string.
public enum JSONCellEncoder {
    /// 2^53: integers beyond it lose digits in JSON readers that use doubles.
    static let exactIntegerLimit: UInt64 = 1 << 53

    /// Appends a cell, NULL or not; false (and nothing appended) when it is text that is not UTF-8, which JSON
    /// cannot hold.
    @discardableResult
    public static func appendValue(_ cell: UnsafeBufferPointer<UInt8>?, type: ColumnType, to buffer: inout [UInt8])
        -> Bool
    {
        guard let cell else {
            appendNull(to: &buffer)
            return true
        }
        return appendValue(cell, form: CellForm(type), to: &buffer)
    }

    public static func appendNull(to buffer: inout [UInt8]) {
        let word: StaticString = "null"
        buffer.append(contentsOf: UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount))
    }

    @inline(__always)
    public static func appendValue(_ cell: UnsafeBufferPointer<UInt8>, form: CellForm, to buffer: inout [UInt8])
        -> Bool
    {
        switch form {
        case .boolean:
            let word: StaticString = cell.first == UInt8(ascii: "t") ? "true" : "false"
            buffer.append(contentsOf: UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount))
            return true
        case .integer:
            if isExactInteger(cell) {
                buffer.append(contentsOf: cell)
                return true
            }
            return appendString(cell, to: &buffer)
        case .float:
            return appendFloat(cell, to: &buffer)
        case .bytes:
            buffer.append(UInt8(ascii: "\""))
            appendBase64(cell, to: &buffer)
            buffer.append(UInt8(ascii: "\""))
            return true
        case .timestamp:
            return CellText.withInstantText(cell, separator: UInt8(ascii: "T"), zone: false) {
                appendString($0, to: &buffer)
            }
        case .instant:
            return CellText.withInstantText(cell, separator: UInt8(ascii: "T")) { appendString($0, to: &buffer) }
        case .json:
            if JSONSyntax.isSingleLineValue(cell) {
                buffer.append(contentsOf: cell)
                return true
            }
            return appendString(cell, to: &buffer)
        case .decimal, .text:
            return appendString(cell, to: &buffer)
        }
    }

    /// Appends `"key":` for an object's member.
    public static func appendKey(_ name: String, to buffer: inout [UInt8]) {
        appendString(name, to: &buffer)
        buffer.append(UInt8(ascii: ":"))
    }

    public static func appendString(_ text: String, to buffer: inout [UInt8]) {
        var text = text
        text.withUTF8 { _ = appendString($0, to: &buffer) }
    }

    /// Appends UTF-8 text as a JSON string: `"` and `\` escaped, control characters as `\n`, `\r`, `\t`, `\b`,
    /// `\f` or `\u00XX`, all else raw (U+2028 and U+2029 too). False (and nothing appended) when the text is
    /// not valid UTF-8.
    @discardableResult
    public static func appendString(_ text: UnsafeBufferPointer<UInt8>, to buffer: inout [UInt8]) -> Bool {
        let start = buffer.count
        buffer.append(UInt8(ascii: "\""))
        var runStart = 0
        var index = 0
        let count = text.count
        while index < count {
            let byte = text[index]
            if byte >= 0x20 && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\") {
                if byte < 0x80 {
                    index += 1
                } else {
                    let length = UTF8Check.sequenceLength(text, at: index)
                    if length == 0 {
                        buffer.removeSubrange(start...)
                        return false
                    }
                    index += length
                }
                continue
            }
            buffer.append(contentsOf: UnsafeBufferPointer(rebasing: text[runStart..<index]))
            appendEscape(of: byte, to: &buffer)
            index += 1
            runStart = index
        }
        buffer.append(contentsOf: UnsafeBufferPointer(rebasing: text[runStart...]))
        buffer.append(UInt8(ascii: "\""))
        return true
    }

    @inline(__always)
    private static func appendEscape(of byte: UInt8, to buffer: inout [UInt8]) {
        let short: UInt8? =
            switch byte {
            case UInt8(ascii: "\""): UInt8(ascii: "\"")
            case UInt8(ascii: "\\"): UInt8(ascii: "\\")
            case 0x0A: UInt8(ascii: "n")
            case 0x0D: UInt8(ascii: "r")
            case 0x09: UInt8(ascii: "t")
            case 0x08: UInt8(ascii: "b")
            case 0x0C: UInt8(ascii: "f")
            default: nil
            }
        if let short {
            buffer.append(UInt8(ascii: "\\"))
            buffer.append(short)
            return
        }
        let digits: StaticString = "0123456789abcdef"
        buffer.appendFilling(count: 6) { output in
            output[0] = UInt8(ascii: "\\")
            output[1] = UInt8(ascii: "u")
            output[2] = UInt8(ascii: "0")
            output[3] = UInt8(ascii: "0")
            output[4] = digits.utf8Start[Int(byte >> 4)]
            output[5] = digits.utf8Start[Int(byte & 0x0F)]
        }
    }

    /// Whether an integer cell is a JSON integer (`-?(0|[1-9][0-9]*)`) of at most 2^53 in magnitude.
    @inline(__always)
    static func isExactInteger(_ cell: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = cell.first == UInt8(ascii: "-") ? 1 : 0
        let digitCount = cell.count - index
        // 2^53 has 16 digits: anything shorter is within it.
        guard digitCount > 0, digitCount <= 16 else { return false }
        if cell[index] == UInt8(ascii: "0") && digitCount > 1 { return false }
        var magnitude: UInt64 = 0
        while index < cell.count {
            let digit = cell[index] &- UInt8(ascii: "0")
            guard digit < 10 else { return false }
            magnitude = magnitude * 10 + UInt64(digit)
            index += 1
        }
        return magnitude <= exactIntegerLimit
    }

    private static func appendFloat(_ cell: UnsafeBufferPointer<UInt8>, to buffer: inout [UInt8]) -> Bool {
        if cell.count == 2 && cell[0] == UInt8(ascii: "-") && cell[1] == UInt8(ascii: "0") {
            buffer.append(contentsOf: [UInt8(ascii: "-"), UInt8(ascii: "0"), UInt8(ascii: "."), UInt8(ascii: "0")])
            return true
        }
        if JSONSyntax.isNumber(cell) {
            buffer.append(contentsOf: cell)
            return true
        }
        // A finite value in a form JSON lacks (`.5`, `+1`): its shortest text, which is JSON.
        if let value = Canonical.double(cell), value.isFinite {
            var text = Canonical.text(of: value)
            let number = text.withUTF8 { JSONSyntax.isNumber($0) }
            if number {
                buffer.append(contentsOf: text.utf8)
                return true
            }
        }
        return appendString(cell, to: &buffer)
    }

    /// Appends bytes in standard base64, with padding.
    public static func appendBase64(_ bytes: UnsafeBufferPointer<UInt8>, to buffer: inout [UInt8]) {
        let alphabet: StaticString = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
        let symbol = alphabet.utf8Start
        let whole = bytes.count / 3
        let rest = bytes.count % 3
        buffer.appendFilling(count: (whole + (rest > 0 ? 1 : 0)) * 4) { output in
            var input = 0
            var position = output
            for _ in 0..<whole {
                let group = UInt32(bytes[input]) << 16 | UInt32(bytes[input + 1]) << 8 | UInt32(bytes[input + 2])
                position[0] = symbol[Int(group >> 18)]
                position[1] = symbol[Int((group >> 12) & 0x3F)]
                position[2] = symbol[Int((group >> 6) & 0x3F)]
                position[3] = symbol[Int(group & 0x3F)]
                input += 3
                position += 4
            }
            guard rest > 0 else { return }
            let group = UInt32(bytes[input]) << 16 | (rest == 2 ? UInt32(bytes[input + 1]) << 8 : 0)
            position[0] = symbol[Int(group >> 18)]
            position[1] = symbol[Int((group >> 12) & 0x3F)]
            position[2] = rest == 2 ? symbol[Int((group >> 6) & 0x3F)] : UInt8(ascii: "=")
            position[3] = UInt8(ascii: "=")
        }
    }
}

/// Checks of JSON text (RFC 8259), without building anything.
enum JSONSyntax {
    /// Nesting deeper than this is written as a string rather than checked further.
    static let maximumDepth = 512

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`
    static func isNumber(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        return scanNumber(text, &index) && index == text.count
    }

    /// Whether the text is one JSON value, with no CR or LF anywhere (inside strings JSON has none raw).
    static func isSingleLineValue(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        skipSpace(text, &index)
        guard scanValue(text, &index, depth: 0) else { return false }
        skipSpace(text, &index)
        return index == text.count
    }

    /// Spaces and tabs; a CR or LF is left where it is, and fails the check.
    private static func skipSpace(_ text: UnsafeBufferPointer<UInt8>, _ index: inout Int) {
        while index < text.count && (text[index] == 0x20 || text[index] == 0x09) { index += 1 }
    }

    private static func scanValue(_ text: UnsafeBufferPointer<UInt8>, _ index: inout Int, depth: Int) -> Bool {
        guard index < text.count, depth < maximumDepth else { return false }
        switch text[index] {
        case UInt8(ascii: "{"):
            index += 1
            skipSpace(text, &index)
            if index < text.count && text[index] == UInt8(ascii: "}") {
                index += 1
                return true
            }
            while true {
                guard index < text.count, text[index] == UInt8(ascii: "\""), scanString(text, &index) else {
                    return false
                }
                skipSpace(text, &index)
                guard index < text.count, text[index] == UInt8(ascii: ":") else { return false }
                index += 1
                skipSpace(text, &index)
                guard scanValue(text, &index, depth: depth + 1) else { return false }
                skipSpace(text, &index)
                guard index < text.count else { return false }
                if text[index] == UInt8(ascii: "}") {
                    index += 1
                    return true
                }
                guard text[index] == UInt8(ascii: ",") else { return false }
                index += 1
                skipSpace(text, &index)
            }
        case UInt8(ascii: "["):
            index += 1
            skipSpace(text, &index)
            if index < text.count && text[index] == UInt8(ascii: "]") {
                index += 1
                return true
            }
            while true {
                guard scanValue(text, &index, depth: depth + 1) else { return false }
                skipSpace(text, &index)
                guard index < text.count else { return false }
                if text[index] == UInt8(ascii: "]") {
                    index += 1
                    return true
                }
                guard text[index] == UInt8(ascii: ",") else { return false }
                index += 1
                skipSpace(text, &index)
            }
        case UInt8(ascii: "\""):
            return scanString(text, &index)
        case UInt8(ascii: "t"):
            return scanWord("true", text, &index)
        case UInt8(ascii: "f"):
            return scanWord("false", text, &index)
        case UInt8(ascii: "n"):
            return scanWord("null", text, &index)
        default:
            return scanNumber(text, &index)
        }
    }

    private static func scanWord(_ word: StaticString, _ text: UnsafeBufferPointer<UInt8>, _ index: inout Int) -> Bool {
        let length = word.utf8CodeUnitCount
        guard text.count - index >= length else { return false }
        for offset in 0..<length where text[index + offset] != word.utf8Start[offset] { return false }
        index += length
        return true
    }

    /// A string from its opening quote: escapes as JSON has them, no control characters, valid UTF-8.
    private static func scanString(_ text: UnsafeBufferPointer<UInt8>, _ index: inout Int) -> Bool {
        index += 1
        while index < text.count {
            let byte = text[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return true
            case UInt8(ascii: "\\"):
                index += 1
                guard index < text.count else { return false }
                switch text[index] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                    UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    index += 1
                case UInt8(ascii: "u"):
                    guard text.count - index > 4 else { return false }
                    for offset in 1...4 where !isHexDigit(text[index + offset]) { return false }
                    index += 5
                default:
                    return false
                }
            case 0..<0x20:
                return false
            case 0x80...:
                let length = UTF8Check.sequenceLength(text, at: index)
                guard length > 0 else { return false }
                index += length
            default:
                index += 1
            }
        }
        return false
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
            || (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "f"))
    }

    private static func scanNumber(_ text: UnsafeBufferPointer<UInt8>, _ index: inout Int) -> Bool {
        func isDigit(_ at: Int) -> Bool { at < text.count && text[at] &- UInt8(ascii: "0") < 10 }
        if index < text.count && text[index] == UInt8(ascii: "-") { index += 1 }
        guard isDigit(index) else { return false }
        if text[index] == UInt8(ascii: "0") {
            index += 1
        } else {
            while isDigit(index) { index += 1 }
        }
        if index < text.count && text[index] == UInt8(ascii: ".") {
            index += 1
            guard isDigit(index) else { return false }
            while isDigit(index) { index += 1 }
        }
        if index < text.count && text[index] | 0x20 == UInt8(ascii: "e") {
            index += 1
            if index < text.count && (text[index] == UInt8(ascii: "+") || text[index] == UInt8(ascii: "-")) {
                index += 1
            }
            guard isDigit(index) else { return false }
            while isDigit(index) { index += 1 }
        }
        return true
    }
}

enum UTF8Check {
    /// The length of the well-formed UTF-8 sequence starting at `index` (a byte of 0x80 or more), or 0 when
    /// it is not one: no overlong forms, no surrogates, nothing beyond U+10FFFF.
    @inline(__always)
    static func sequenceLength(_ text: UnsafeBufferPointer<UInt8>, at index: Int) -> Int {
        let lead = text[index]
        let remaining = text.count - index
        func continuation(_ offset: Int, _ low: UInt8 = 0x80, _ high: UInt8 = 0xBF) -> Bool {
            let byte = text[index + offset]
            return byte >= low && byte <= high
        }
        switch lead {
        case 0xC2...0xDF:
            return remaining >= 2 && continuation(1) ? 2 : 0
        case 0xE0...0xEF:
            guard remaining >= 3 else { return 0 }
            let low: UInt8 = lead == 0xE0 ? 0xA0 : 0x80
            let high: UInt8 = lead == 0xED ? 0x9F : 0xBF
            return continuation(1, low, high) && continuation(2) ? 3 : 0
        case 0xF0...0xF4:
            guard remaining >= 4 else { return 0 }
            let low: UInt8 = lead == 0xF0 ? 0x90 : 0x80
            let high: UInt8 = lead == 0xF4 ? 0x8F : 0xBF
            return continuation(1, low, high) && continuation(2) && continuation(3) ? 4 : 0
        default:
            return 0
        }
    }
}

extension Array where Element == UInt8 {
    /// Appends `count` bytes that `fill` writes in place.
    @inline(__always)
    mutating func appendFilling(count: Int, _ fill: (UnsafeMutablePointer<UInt8>) -> Void) {
        let start = self.count
        append(contentsOf: repeatElement(0, count: count))
        withUnsafeMutableBufferPointer { fill($0.baseAddress! + start) }
    }
}
