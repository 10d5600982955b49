/// The tab-separated text both bulk loaders read — PostgreSQL's `COPY … FROM STDIN` and MySQL's
/// `LOAD DATA … FIELDS TERMINATED BY '\t' ESCAPED BY '\\'` — and its escaping.
enum BulkText {
    /// Appends a value with backslash, tab, newline, carriage return and NUL escaped. (PostgreSQL text
    /// never holds NUL; MySQL reads `\0` as one.)
    @inline(__always)
    static func appendEscaped(_ value: UnsafeBufferPointer<UInt8>, to buffer: inout [UInt8]) {
        for byte in value {
            switch byte {
            case 0x5C: buffer.append(0x5C); buffer.append(0x5C)
            case 0x09: buffer.append(0x5C); buffer.append(UInt8(ascii: "t"))
            case 0x0A: buffer.append(0x5C); buffer.append(UInt8(ascii: "n"))
            case 0x0D: buffer.append(0x5C); buffer.append(UInt8(ascii: "r"))
            case 0x00: buffer.append(0x5C); buffer.append(UInt8(ascii: "0"))
            default: buffer.append(byte)
            }
        }
    }
}
