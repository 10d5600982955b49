/// The tab-separated text both bulk loaders read — PostgreSQL's `COPY … FROM STDIN` and MySQL's
/// `LOAD DATA … FIELDS TERMINATED BY '\t' ESCAPED BY '\\'` — and its escaping.
enum BulkText {
    /// Appends a batch as lines of tab-separated fields, `\N` for NULL; `field` writes each other cell
    /// (by its column) and `startRow` learns of each row before its fields.
    @inline(__always)
    static func encode(
        _ batch: RowBatch, to buffer: inout [UInt8], startRow: () -> Void = {},
        field: (UnsafeBufferPointer<UInt8>, Int, inout [UInt8]) throws -> Void
    ) rethrows {
        let columns = batch.columnCount
        try batch.bytes.withUnsafeBufferPointer { all in
            var cell = 0
            for _ in 0..<batch.rowCount {
                startRow()
                for column in 0..<columns {
                    if column > 0 { buffer.append(0x09) }
                    defer { cell += 1 }
                    if batch.isNull(cell) {
                        buffer.append(0x5C)
                        buffer.append(UInt8(ascii: "N"))
                        continue
                    }
                    try field(UnsafeBufferPointer(rebasing: all[batch.cellRange(cell)]), column, &buffer)
                }
                buffer.append(0x0A)
            }
        }
    }

    /// Appends a value with backslash, tab, newline, carriage return and NUL escaped. (PostgreSQL text
    /// never holds NUL; MySQL reads `\0` as one.)
    @inline(__always)
    static func appendEscaped(_ value: UnsafeBufferPointer<UInt8>, to buffer: inout [UInt8]) {
        for byte in value {
            switch byte {
            case 0x5C:
                buffer.append(0x5C)
                buffer.append(0x5C)
            case 0x09:
                buffer.append(0x5C)
                buffer.append(UInt8(ascii: "t"))
            case 0x0A:
                buffer.append(0x5C)
                buffer.append(UInt8(ascii: "n"))
            case 0x0D:
                buffer.append(0x5C)
                buffer.append(UInt8(ascii: "r"))
            case 0x00:
                buffer.append(0x5C)
                buffer.append(UInt8(ascii: "0"))
            default: buffer.append(byte)
            }
        }
    }
}
