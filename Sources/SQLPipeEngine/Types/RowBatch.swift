/// Rows in transit between a reader and a writer: every cell as bytes in its type's canonical form, in
/// one buffer, so that a batch of thousands of rows costs a handful of allocations.
///
/// Canonical forms, by neutral type:
/// - bool `t` / `f`; integers in decimal; decimals in plain decimal notation (PostgreSQL may add `NaN`).
/// - floats: the shortest text that reads back to the same bits, `NaN`, `Infinity`, `-Infinity`, `-0`.
/// - text, string, json, uuid: UTF-8. bytes: the raw bytes.
/// - date `YYYY-MM-DD`; time `HH:MM:SS[.ffffff]`; timestamp `YYYY-MM-DD HH:MM:SS[.ffffff]`;
///   timestamptz the same, in UTC, with no zone suffix.
public struct RowBatch: Sendable {
    /// Readers stop filling a batch at this many rows or bytes, whichever comes first: big enough to
    /// amortise the queue's hand-over, small enough to keep memory bounded.
    public static let targetRows = 4096
    /// Under a power of two: the row that crosses it would otherwise double the buffer to 2 MiB, in each of
    /// the batches the queue holds.
    public static let targetBytes = (1 << 19) - (1 << 15)

    public let columnCount: Int
    public private(set) var bytes: [UInt8] = []
    /// End offset in `bytes` of each cell; a NULL cell is marked in `nulls`.
    /// 32 bits are plenty: a batch stops growing at about a megabyte.
    private(set) var ends: [UInt32] = []
    private(set) var nulls: [Bool] = []

    /// Whether a reader should hand this batch over and start the next.
    public var isFull: Bool { rowCount >= Self.targetRows || byteCount >= Self.targetBytes }

    public init(columnCount: Int, reservingRows rows: Int = 0, bytesPerRow: Int = 64) {
        self.columnCount = columnCount
        ends.reserveCapacity(rows * columnCount)
        nulls.reserveCapacity(rows * columnCount)
        bytes.reserveCapacity(rows * bytesPerRow)
    }

    public var rowCount: Int { columnCount == 0 ? 0 : ends.count / columnCount }
    public var byteCount: Int { bytes.count }
    public var isEmpty: Bool { ends.isEmpty }

    public mutating func appendNull() {
        ends.append(UInt32(truncatingIfNeeded: bytes.count))
        nulls.append(true)
    }

    public mutating func append<Bytes: Sequence>(_ cell: Bytes) where Bytes.Element == UInt8 {
        bytes.append(contentsOf: cell)
        ends.append(UInt32(truncatingIfNeeded: bytes.count))
        nulls.append(false)
    }

    public mutating func append(_ buffer: UnsafeRawBufferPointer) {
        bytes.append(contentsOf: buffer)
        ends.append(UInt32(truncatingIfNeeded: bytes.count))
        nulls.append(false)
    }

    public mutating func append(_ text: String) {
        var text = text
        text.withUTF8 { bytes.append(contentsOf: $0) }
        ends.append(UInt32(truncatingIfNeeded: bytes.count))
        nulls.append(false)
    }

    /// Builds a cell piece by piece: `appendByte` / `appendBytes` then `endCell`.
    public mutating func appendByte(_ byte: UInt8) { bytes.append(byte) }
    public mutating func appendBytes(_ buffer: UnsafeRawBufferPointer) { bytes.append(contentsOf: buffer) }
    public mutating func endCell() {
        ends.append(UInt32(truncatingIfNeeded: bytes.count))
        nulls.append(false)
    }

    /// Drops the cells of a row that was begun but cannot be finished.
    public mutating func dropPartialRow() {
        let complete = rowCount * columnCount
        guard ends.count > complete else { return }
        let keep = complete == 0 ? 0 : Int(ends[complete - 1])
        ends.removeLast(ends.count - complete)
        nulls.removeLast(nulls.count - complete)
        bytes.removeLast(bytes.count - keep)
    }

    public func isNull(row: Int, column: Int) -> Bool {
        nulls[row * columnCount + column]
    }

    /// The cell's bytes, valid for the duration of `body`.
    @inline(__always)
    public func withCell<Result>(row: Int, column: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows
        -> Result
    {
        let index = row * columnCount + column
        let start = index == 0 ? 0 : Int(ends[index - 1])
        let end = Int(ends[index])
        return try bytes.withUnsafeBufferPointer { all in
            try body(UnsafeBufferPointer(rebasing: all[start..<end]))
        }
    }

    public func cellRange(_ index: Int) -> Range<Int> {
        (index == 0 ? 0 : Int(ends[index - 1]))..<Int(ends[index])
    }

    public func isNull(_ index: Int) -> Bool { nulls[index] }

    public func string(row: Int, column: Int) -> String? {
        if isNull(row: row, column: column) { return nil }
        return withCell(row: row, column: column) { String(decoding: $0, as: UTF8.self) }
    }

    public mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
        nulls.removeAll(keepingCapacity: true)
    }
}
