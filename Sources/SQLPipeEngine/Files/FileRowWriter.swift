/// Writes rows into a file as CSV, TSV or NDJSON: the header first (CSV and TSV), then one record a row, each
/// ending with `\n`, through a buffer of a megabyte handed to the output as it fills. A writer writes one file:
/// `write(from:)` ends the output's stream.
public final class FileRowWriter: RowWriter {
    static let bufferSize = 1 << 20

    private let columns: [ColumnDescription]
    private let forms: [CellForm]
    private let spec: FileSpec
    private let output: any ByteOutput
    /// NDJSON's `{"name":` for the first column, `,"name":` for the others.
    private let objectKeys: [[UInt8]]
    private var rowsWritten = 0

    public init(columns: [ColumnDescription], spec: FileSpec, output: any ByteOutput) {
        self.columns = columns
        self.forms = columns.map { CellForm($0.type) }
        self.spec = spec
        self.output = output
        objectKeys = columns.enumerated().map { index, column in
            var key: [UInt8] = [index == 0 ? UInt8(ascii: "{") : UInt8(ascii: ",")]
            JSONCellEncoder.appendKey(column.name, to: &key)
            return key
        }
    }

    public func write(from next: () throws -> RowBatch?) throws -> Int {
        // A local buffer, not a property: every access to a class's stored property is checked for
        // exclusivity, and there are several a cell.
        var buffer = Self.emptyBuffer()
        switch spec.format {
        case .csv:
            let encoder = CSVFieldEncoder(spec: spec)
            if spec.header {
                appendHeader(to: &buffer) { encoder.appendField($0, to: &$1) }
            }
            while let batch = try next() {
                try writeRows(of: batch, to: &buffer) { cell, form, buffer in
                    if let cell {
                        encoder.appendCell(cell, form: form, to: &buffer)
                    } else {
                        encoder.appendNull(to: &buffer)
                    }
                    return true
                }
            }
        case .tsv:
            let encoder = TSVFieldEncoder(spec: spec)
            if spec.header {
                appendHeader(to: &buffer) { encoder.appendField($0, to: &$1) }
            }
            while let batch = try next() {
                try writeRows(of: batch, to: &buffer) { cell, form, buffer in
                    guard let cell else {
                        encoder.appendNull(to: &buffer)
                        return true
                    }
                    return encoder.appendCell(cell, form: form, to: &buffer)
                }
            }
        case .ndjson:
            while let batch = try next() {
                try writeObjects(of: batch, to: &buffer)
            }
        }
        try flush(&buffer)
        try output.finish()
        return rowsWritten
    }

    private func appendHeader(to buffer: inout [UInt8], _ appendName: (String, inout [UInt8]) -> Void) {
        for (index, column) in columns.enumerated() {
            if index > 0 { buffer.append(spec.delimiterByte) }
            appendName(column.name, &buffer)
        }
        buffer.append(0x0A)
    }

    /// Writes the batch's rows as delimited records; `appendCell` is given nil for NULL and returns false for a
    /// value the format cannot tell from NULL.
    @inline(__always)
    private func writeRows(
        of batch: RowBatch, to buffer: inout [UInt8],
        _ appendCell: (UnsafeBufferPointer<UInt8>?, CellForm, inout [UInt8]) -> Bool
    ) throws {
        let delimiter = spec.delimiterByte
        let columnCount = columns.count
        try checkShape(of: batch)
        try batch.bytes.withUnsafeBufferPointer { bytes in
            var cell = 0
            for row in 0..<batch.rowCount {
                for column in 0..<columnCount {
                    if column > 0 { buffer.append(delimiter) }
                    let value =
                        batch.isNull(cell) ? nil : UnsafeBufferPointer(rebasing: bytes[batch.cellRange(cell)])
                    if !appendCell(value, forms[column], &buffer) {
                        throw failure(
                            row: row, column: column,
                            "the empty string cannot be told from NULL when the NULL string is empty")
                    }
                    cell += 1
                }
                buffer.append(0x0A)
                if buffer.count >= Self.bufferSize { try flush(&buffer) }
            }
        }
        rowsWritten += batch.rowCount
    }

    private func writeObjects(of batch: RowBatch, to buffer: inout [UInt8]) throws {
        try checkShape(of: batch)
        let columnCount = columns.count
        try batch.bytes.withUnsafeBufferPointer { bytes in
            var cell = 0
            for row in 0..<batch.rowCount {
                for column in 0..<columnCount {
                    buffer.append(contentsOf: objectKeys[column])
                    if batch.isNull(cell) {
                        JSONCellEncoder.appendNull(to: &buffer)
                    } else {
                        let value = UnsafeBufferPointer(rebasing: bytes[batch.cellRange(cell)])
                        if !JSONCellEncoder.appendValue(value, form: forms[column], to: &buffer) {
                            throw failure(
                                row: row, column: column, "the text is not valid UTF-8, which JSON cannot hold")
                        }
                    }
                    cell += 1
                }
                buffer.append(UInt8(ascii: "}"))
                buffer.append(0x0A)
                if buffer.count >= Self.bufferSize { try flush(&buffer) }
            }
        }
        rowsWritten += batch.rowCount
    }

    /// Room for the row that crosses the mark, so that the buffer rarely grows.
    private static func emptyBuffer() -> [UInt8] {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(bufferSize + (1 << 16))
        return buffer
    }

    private func checkShape(of batch: RowBatch) throws {
        guard batch.columnCount == columns.count else {
            throw DriverError("a batch of \(batch.columnCount) columns came for a file of \(columns.count)")
        }
    }

    private func failure(row: Int, column: Int, _ why: String) -> DriverError {
        DriverError("cannot write column \"\(columns[column].name)\" of row \(rowsWritten + row + 1): \(why)")
    }

    private func flush(_ buffer: inout [UInt8]) throws {
        guard !buffer.isEmpty else { return }
        try buffer.withUnsafeBytes { try output.write($0) }
        // A huge cell may have grown the buffer; it goes back to its size rather than keep the memory.
        if buffer.capacity > 4 * Self.bufferSize {
            buffer = Self.emptyBuffer()
        } else {
            buffer.removeAll(keepingCapacity: true)
        }
    }
}
