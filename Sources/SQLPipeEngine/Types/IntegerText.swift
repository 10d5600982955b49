/// An integer's decimal text, made in place without a `String`: for the writers of cells and of JSON,
/// which write millions of them.
public enum IntegerText {
    /// Calls `body` with the text of `value` (a `-` and up to 19 digits).
    @inlinable @inline(__always)
    public static func withText<Result>(of value: Int64, _ body: (UnsafeRawBufferPointer) -> Result) -> Result {
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        return withUnsafeMutableBytes(of: &digits) { buffer in
            var magnitude = value.magnitude
            var start = buffer.count
            repeat {
                start -= 1
                buffer[start] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            if value < 0 {
                start -= 1
                buffer[start] = UInt8(ascii: "-")
            }
            return body(UnsafeRawBufferPointer(rebasing: buffer[start...]))
        }
    }
}
