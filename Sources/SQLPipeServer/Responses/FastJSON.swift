import Foundation
import SQLPipeCore
import SQLPipeEngine

/// Writes the compact JSON of the most listed resources by hand, byte for byte what `JSONCoding.encoder()`
/// writes (a test holds the two together): a page of transfers is the server's busiest answer, and
/// `JSONEncoder` spends more on it than everything else in the request.
protocol FastJSONEncodable {
    func writeJSON(to output: inout JSONBytes)
}

/// A growing buffer of JSON, with the encoder's escaping of strings.
struct JSONBytes {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 1024) {
        bytes.reserveCapacity(capacity)
    }

    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    mutating func key(_ name: StaticString) {
        bytes.append(UInt8(ascii: "\""))
        raw(name)
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
    }

    mutating func comma() { bytes.append(UInt8(ascii: ",")) }

    /// Digits written in place, without the `String` that `description` would make.
    mutating func integer<Number: FixedWidthInteger & SignedInteger>(_ value: Number) {
        IntegerText.withText(of: Int64(value)) { bytes.append(contentsOf: $0) }
    }

    mutating func integer<Number: FixedWidthInteger & SignedInteger>(_ value: Number?) {
        guard let value else { return null() }
        integer(value)
    }

    mutating func bool(_ value: Bool) {
        if value { raw("true") } else { raw("false") }
    }

    mutating func null() { raw("null") }

    mutating func date(_ value: Date?) {
        guard let value else { return null() }
        bytes.append(UInt8(ascii: "\""))
        JSONCoding.appendTimestamp(value, to: &bytes)
        bytes.append(UInt8(ascii: "\""))
    }

    mutating func string(_ value: String?) {
        guard let value else { return null() }
        bytes.append(UInt8(ascii: "\""))
        // Most strings need no escape: then they are copied whole.
        if !value.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            bytes.append(contentsOf: value.utf8)
            bytes.append(UInt8(ascii: "\""))
            return
        }
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): raw("\\\"")
            case UInt8(ascii: "\\"): raw("\\\\")
            case 0x0A: raw("\\n")
            case 0x0D: raw("\\r")
            case 0x09: raw("\\t")
            case 0x08: raw("\\b")
            case 0x0C: raw("\\f")
            case 0x00..<0x20:
                raw("\\u00")
                bytes.append(Self.hex[Int(byte >> 4)])
                bytes.append(Self.hex[Int(byte & 0x0F)])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    mutating func strings(_ values: [String]) {
        bytes.append(UInt8(ascii: "["))
        for (index, value) in values.enumerated() {
            if index > 0 { comma() }
            string(value)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    static let hex: [UInt8] = Array("0123456789abcdef".utf8)
}

extension Transfer: FastJSONEncodable {
    /// Keys in the sorted order the encoder uses.
    func writeJSON(to output: inout JSONBytes) {
        output.raw("{")
        output.key("createdAt")
        output.date(createdAt)
        output.comma()
        output.key("createdBy")
        output.string(createdBy)
        output.comma()
        output.key("cursorColumn")
        output.string(cursorColumn)
        output.comma()
        output.key("cursorFrom")
        output.string(cursorFrom)
        output.comma()
        output.key("cursorTo")
        output.string(cursorTo)
        output.comma()
        output.key("deleteMissing")
        output.bool(deleteMissing)
        output.comma()
        output.key("error")
        output.string(error)
        output.comma()
        output.key("id")
        output.integer(id)
        output.comma()
        output.key("mode")
        output.string(mode.rawValue)
        output.comma()
        output.key("overwrite")
        output.bool(overwrite)
        output.comma()
        output.key("primaryKey")
        output.strings(primaryKey)
        output.comma()
        output.key("query")
        output.string(query)
        output.comma()
        output.key("rowsDeleted")
        output.integer(rowsDeleted)
        output.comma()
        output.key("rowsInserted")
        output.integer(rowsInserted)
        output.comma()
        output.key("rowsTransferred")
        output.integer(rowsTransferred)
        output.comma()
        output.key("rowsUpdated")
        output.integer(rowsUpdated)
        output.comma()
        output.key("sourceFile")
        output.file(sourceFile)
        output.comma()
        output.key("sourceID")
        output.integer(sourceID)
        output.comma()
        output.key("startedAt")
        output.date(startedAt)
        output.comma()
        output.key("status")
        output.string(status.rawValue)
        output.comma()
        output.key("stoppedAt")
        output.date(stoppedAt)
        output.comma()
        output.key("targetFile")
        output.file(targetFile)
        output.comma()
        output.key("targetID")
        output.integer(targetID)
        output.comma()
        output.key("targetSchema")
        output.string(targetSchema)
        output.comma()
        output.key("targetTable")
        output.string(targetTable)
        output.comma()
        output.key("warnings")
        output.strings(warnings)
        output.raw("}")
    }
}

extension JSONBytes {
    /// A file of a transfer, its keys sorted; the options a spec leaves out are absent, as the encoder
    /// leaves them.
    mutating func file(_ spec: FileSpec?) {
        guard let spec else { return null() }
        raw("{")
        key("columns")
        strings(spec.columns)
        comma()
        key("compression")
        string(spec.compression.rawValue)
        if let delimiter = spec.delimiter {
            comma()
            key("delimiter")
            string(delimiter)
        }
        comma()
        key("format")
        string(spec.format.rawValue)
        comma()
        key("header")
        bool(spec.header)
        if let nullString = spec.nullString {
            comma()
            key("nullString")
            string(nullString)
        }
        comma()
        key("path")
        string(spec.path)
        if let quote = spec.quote {
            comma()
            key("quote")
            string(quote)
        }
        raw("}")
    }
}

extension PageMetadata: FastJSONEncodable {
    func writeJSON(to output: inout JSONBytes) {
        output.raw("{")
        output.key("current_page")
        output.integer(currentPage)
        output.comma()
        output.key("first_page")
        output.integer(firstPage)
        output.comma()
        output.key("last_page")
        output.integer(lastPage)
        output.comma()
        output.key("page_size")
        output.integer(pageSize)
        output.comma()
        output.key("total_records")
        output.integer(totalRecords)
        output.raw("}")
    }
}

extension Envelope where Value == Transfer {
    /// `{"transfer":{…}}`.
    func fastJSON() -> [UInt8] {
        var output = JSONBytes(capacity: 512)
        output.raw("{")
        output.key("transfer")
        value.writeJSON(to: &output)
        output.raw("}")
        return output.bytes
    }
}

extension Envelope where Value == [Transfer] {
    /// `{"metadata":{…},"transfers":[…]}`.
    func fastJSON() -> [UInt8] {
        var output = JSONBytes(capacity: 512 * (value.count + 1))
        output.raw("{")
        if let metadata {
            output.key("metadata")
            metadata.writeJSON(to: &output)
            output.comma()
        }
        output.key("transfers")
        output.raw("[")
        for (index, transfer) in value.enumerated() {
            if index > 0 { output.comma() }
            transfer.writeJSON(to: &output)
        }
        output.raw("]}")
        return output.bytes
    }
}
