import Foundation

/// Conversions between native values and the canonical cell forms of `RowBatch`.
enum Canonical {
    /// Appends an integer in decimal, without going through a String.
    @inline(__always)
    static func appendInteger(_ value: Int64, to batch: inout RowBatch) {
        IntegerText.withText(of: value) { batch.appendBytes($0) }
        batch.endCell()
    }

    /// The shortest text that reads back to the same double, in the forms PostgreSQL writes and reads.
    static func text(of value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
        if value == 0 { return value.sign == .minus ? "-0" : "0" }
        return "\(value)"
    }

    /// The shortest text that reads back to the same float4.
    static func text(of value: Float) -> String {
        value.isFinite && value != 0 ? "\(value)" : text(of: Double(value))
    }

    /// Reads a canonical integer cell.
    @inline(__always)
    static func integer(_ cell: UnsafeBufferPointer<UInt8>) -> Int64? {
        guard !cell.isEmpty else { return nil }
        var index = 0
        var negative = false
        if cell[0] == UInt8(ascii: "-") || cell[0] == UInt8(ascii: "+") {
            negative = cell[0] == UInt8(ascii: "-")
            index = 1
            guard cell.count > 1 else { return nil }
        }
        guard let magnitude = digits(cell, from: index) else { return nil }
        if negative {
            guard magnitude <= UInt64(Int64.max) + 1 else { return nil }
            return magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude)
        }
        guard magnitude <= UInt64(Int64.max) else { return nil }
        return Int64(magnitude)
    }

    /// The decimal digits of `cell` from `index` on, as an unsigned number; nil for any other byte, for no
    /// digit, and past 2^64 - 1.
    @inline(__always)
    static func digits(_ cell: UnsafeBufferPointer<UInt8>, from start: Int) -> UInt64? {
        guard start < cell.count else { return nil }
        var value: UInt64 = 0
        var index = start
        while index < cell.count {
            let digit = cell[index] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            let (times, overflow) = value.multipliedReportingOverflow(by: 10)
            let (sum, carry) = times.addingReportingOverflow(UInt64(digit))
            guard !overflow, !carry else { return nil }
            value = sum
            index += 1
        }
        return value
    }

    /// Reads a canonical float cell (also NaN, Infinity, -Infinity and -0) exactly, as strtod does.
    static func double(_ cell: UnsafeBufferPointer<UInt8>) -> Double? {
        parse(cell, with: strtod)
    }

    /// Reads a canonical float cell as the float4 nearest its decimal, as strtof does: reading it as a
    /// double first and narrowing that can round twice.
    static func float(_ cell: UnsafeBufferPointer<UInt8>) -> Float? {
        parse(cell, with: strtof)
    }

    private static func parse<Number>(
        _ cell: UnsafeBufferPointer<UInt8>,
        with convert: (UnsafePointer<CChar>, UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Number
    ) -> Number? {
        guard !cell.isEmpty, cell.count < 400 else { return nil }
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: cell.count + 1) { buffer in
            guard let start = buffer.baseAddress else { return nil }
            for index in 0..<cell.count { buffer[index] = CChar(bitPattern: cell[index]) }
            buffer[cell.count] = 0
            var end: UnsafeMutablePointer<CChar>?
            let value = convert(start, &end)
            guard let end, end - start == cell.count else { return nil }
            return value
        }
    }
}
