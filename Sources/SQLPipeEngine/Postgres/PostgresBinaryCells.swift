/// PostgreSQL's binary COPY output decoded into the canonical cells its text output gives: the server then
/// spends no time formatting numbers, dates and bytea as text, nor sqlpipe unescaping them. Each decoder
/// writes exactly what the type's output function writes (in the session's UTC, ISO dates, as `PostgresText`
/// turns it into a cell); a column without one is cast to text in the query, so that it arrives as that
/// very text. A value's bytes come from a server that may be hostile: every length is checked.
enum PostgresBinaryCells {
    enum Decoder {
        case bool, int16, int32, int64, numeric, uuid, date, time, timestamp
        /// The bytes as they are: text, varchar, bytea, json, and a column cast to text.
        case raw
        /// A version byte (1), then the text.
        case jsonb

        init?(oid: UInt32) {
            switch oid {
            case 16: self = .bool
            case 20: self = .int64
            case 21: self = .int16
            case 23: self = .int32
            case 1700: self = .numeric
            case 2950: self = .uuid
            case 1082: self = .date
            case 1083: self = .time
            // A timestamptz's instant is the same count, and its canonical text (UTC) has no zone.
            case 1114, 1184: self = .timestamp
            case 17, 19, 25, 114, 1042, 1043: self = .raw
            case 3802: self = .jsonb
            default: return nil
            }
        }
    }

    /// The query to COPY in binary and each column's decoder, or nil when binary would gain nothing (no
    /// column has a decoder of its own) or the columns cannot be cast by name (two share one).
    static func plan(for query: String, _ description: PostgresResultDescription) -> (
        query: String, decoders: [Decoder]
    )? {
        let own = description.fields.map { Decoder(oid: $0.oid) }
        guard own.contains(where: { $0 != nil }) else { return nil }
        let decoders = own.map { $0 ?? .raw }
        guard own.contains(where: { $0 == nil }) else { return (query, decoders) }
        let fields = description.fields
        guard Set(fields.map(\.name)).count == fields.count else { return nil }
        let dialect = PostgresDialect()
        let source = dialect.quote("sqlpipe_source")
        let selected = fields.indices.map { index -> String in
            let column = source + "." + dialect.quote(fields[index].name)
            guard own[index] == nil else { return column }
            return asText(column, oid: fields[index].oid) + " AS " + dialect.quote(fields[index].name)
        }
        let inner = PostgresCopyReader.trimmed(query)
        return ("SELECT \(selected.joined(separator: ", ")) FROM (\(inner)) AS \(source)", decoders)
    }

    /// The column as its type's output function writes it. `::text` is that conversion for the built-in
    /// types, but for those few whose cast to text is a function of its own ("char", and inet and cidr,
    /// which then show their netmask), and for types made in the database, whose owner may have made one:
    /// `format`'s `%s` calls the output function whatever the casts (and gives '' for NULL, hence the CASE).
    private static func asText(_ column: String, oid: UInt32) -> String {
        let ownTextCasts: Set<UInt32> = [18, 650, 869]
        // Below 16384 (FirstNormalObjectId): the system's own types.
        guard oid >= 16384 || ownTextCasts.contains(oid) else { return column + "::pg_catalog.text" }
        return "CASE WHEN \(column) IS NULL THEN NULL ELSE pg_catalog.format('%s', \(column)) END"
    }

    /// `PGCOPY\n\377\r\n\0`.
    private static let signature: [UInt8] = Array("PGCOPY\n".utf8) + [0xFF, 0x0D, 0x0A, 0x00]

    /// The size of the stream's header at the start of `message`: signature, flags, extension.
    static func headerLength(_ message: UnsafeRawBufferPointer) throws -> Int {
        guard message.count >= 19, message.prefix(11).elementsEqual(signature) else {
            throw DriverError("the server's binary COPY stream does not begin with PGCOPY's signature")
        }
        let flags = read(UInt32.self, message, 11)
        // Bit 16: each row carries an OID first. Other high bits are ones this reader would not know.
        guard flags & 0xFFFF_0000 == 0 else {
            throw DriverError("the server's binary COPY stream has flags \(flags) that sqlpipe does not read")
        }
        let extensionLength = Int(read(UInt32.self, message, 15))
        guard extensionLength <= message.count - 19 else {
            throw DriverError("the server's binary COPY header is cut short")
        }
        return 19 + extensionLength
    }

    /// The tuples of one COPY message from `offset` on, into `batch`: true when it was the trailer.
    static func decode(
        _ message: UnsafeRawBufferPointer, from offset: Int, decoders: [Decoder], into batch: inout RowBatch,
        scratch: inout [UInt8]
    ) throws -> Bool {
        var position = offset
        while position < message.count {
            guard position + 2 <= message.count else { throw cutShort() }
            let fields = Int(read(Int16.self, message, position))
            position += 2
            if fields == -1 { return true }
            guard fields == decoders.count else {
                throw DriverError("COPY sent a row with \(fields) fields, expected \(decoders.count)")
            }
            for decoder in decoders {
                guard position + 4 <= message.count else {
                    batch.dropPartialRow()
                    throw cutShort()
                }
                let length = Int(read(Int32.self, message, position))
                position += 4
                if length == -1 {
                    batch.appendNull()
                    continue
                }
                guard length >= 0, length <= message.count - position else {
                    batch.dropPartialRow()
                    throw cutShort()
                }
                let value = UnsafeRawBufferPointer(rebasing: message[position..<position + length])
                position += length
                do {
                    try append(value, decoder, into: &batch, scratch: &scratch)
                } catch {
                    batch.dropPartialRow()
                    throw error
                }
            }
        }
        return false
    }

    private static func cutShort() -> DriverError {
        DriverError("the server sent a binary COPY row that is cut short")
    }

    @inline(__always)
    private static func read<Number: FixedWidthInteger>(_: Number.Type, _ bytes: UnsafeRawBufferPointer, _ at: Int)
        -> Number
    {
        Number(bigEndian: bytes.loadUnaligned(fromByteOffset: at, as: Number.self))
    }

    static func append(
        _ value: UnsafeRawBufferPointer, _ decoder: Decoder, into batch: inout RowBatch, scratch: inout [UInt8]
    ) throws {
        switch decoder {
        case .raw:
            batch.append(value)
        case .jsonb:
            guard value.first == 1 else { throw invalid("jsonb", "version \(value.first ?? 0)") }
            batch.append(UnsafeRawBufferPointer(rebasing: value.dropFirst()))
        case .bool:
            guard value.count == 1 else { throw invalid("boolean", "\(value.count) bytes") }
            batch.appendByte(value[0] != 0 ? UInt8(ascii: "t") : UInt8(ascii: "f"))
            batch.endCell()
        case .int16:
            guard value.count == 2 else { throw invalid("smallint", "\(value.count) bytes") }
            Canonical.appendInteger(Int64(read(Int16.self, value, 0)), to: &batch)
        case .int32:
            guard value.count == 4 else { throw invalid("integer", "\(value.count) bytes") }
            Canonical.appendInteger(Int64(read(Int32.self, value, 0)), to: &batch)
        case .int64:
            guard value.count == 8 else { throw invalid("bigint", "\(value.count) bytes") }
            Canonical.appendInteger(read(Int64.self, value, 0), to: &batch)
        case .uuid:
            guard value.count == 16 else { throw invalid("uuid", "\(value.count) bytes") }
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 36) { text in
                var out = 0
                for index in 0..<16 {
                    if index == 4 || index == 6 || index == 8 || index == 10 {
                        text[out] = UInt8(ascii: "-")
                        out += 1
                    }
                    text[out] = Hex.digits[Int(value[index] >> 4)]
                    text[out + 1] = Hex.digits[Int(value[index] & 0x0F)]
                    out += 2
                }
                batch.append(UnsafeRawBufferPointer(text))
            }
        case .date:
            guard value.count == 4 else { throw invalid("date", "\(value.count) bytes") }
            appendDate(read(Int32.self, value, 0), into: &batch)
        case .time:
            guard value.count == 8 else { throw invalid("time", "\(value.count) bytes") }
            let microseconds = read(Int64.self, value, 0)
            guard (0...86_400_000_000).contains(microseconds) else { throw invalid("time", "\(microseconds) µs") }
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 16) { text in
                let end = writeTime(microseconds, into: text, at: 0)
                batch.append(UnsafeRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(text)[0..<end]))
            }
        case .timestamp:
            guard value.count == 8 else { throw invalid("timestamp", "\(value.count) bytes") }
            appendTimestamp(read(Int64.self, value, 0), into: &batch)
        case .numeric:
            try appendNumeric(value, into: &batch, scratch: &scratch)
        }
    }

    private static func invalid(_ type: String, _ what: String) -> DriverError {
        DriverError("the server sent a binary \(type) of \(what), which is not one")
    }

    /// Days since 2000-01-01 in PostgreSQL's binary dates and timestamps; from 1970-01-01 in `CivilDate`.
    private static let epochDays = CivilDate.days(year: 2000, month: 1, day: 1)

    /// `date_out` in ISO style: `YYYY-MM-DD`, a year of more digits past 9999, ` BC` before year 1
    /// (year 0 is 1 BC), and `infinity` / `-infinity` at the ends.
    private static func appendDate(_ days: Int32, into batch: inout RowBatch) {
        if days == .max || days == .min {
            appendInfinity(negative: days == .min, into: &batch)
            return
        }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { text in
            let (end, beforeChrist) = writeDate(Int(days) + epochDays, into: text)
            appendEnding(text, end, beforeChrist: beforeChrist, into: &batch)
        }
    }

    /// `timestamp_out` in ISO style: the date, then `HH:MM:SS` and a fraction without trailing zeros.
    private static func appendTimestamp(_ microseconds: Int64, into batch: inout RowBatch) {
        if microseconds == .max || microseconds == .min {
            appendInfinity(negative: microseconds == .min, into: &batch)
            return
        }
        let perDay: Int64 = 86_400_000_000
        var days = microseconds / perDay
        var time = microseconds - days * perDay
        if time < 0 {
            time += perDay
            days -= 1
        }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 40) { text in
            var (end, beforeChrist) = writeDate(Int(days) + epochDays, into: text)
            text[end] = UInt8(ascii: " ")
            end = writeTime(time, into: text, at: end + 1)
            appendEnding(text, end, beforeChrist: beforeChrist, into: &batch)
        }
    }

    private static func appendInfinity(negative: Bool, into batch: inout RowBatch) {
        if negative { batch.appendByte(UInt8(ascii: "-")) }
        for byte in "infinity".utf8 { batch.appendByte(byte) }
        batch.endCell()
    }

    private static func appendEnding(
        _ text: UnsafeMutableBufferPointer<UInt8>, _ end: Int, beforeChrist: Bool, into batch: inout RowBatch
    ) {
        batch.appendBytes(UnsafeRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(text)[0..<end]))
        if beforeChrist {
            batch.appendByte(UInt8(ascii: " "))
            batch.appendByte(UInt8(ascii: "B"))
            batch.appendByte(UInt8(ascii: "C"))
        }
        batch.endCell()
    }

    /// `YYYY-MM-DD` of a day counted from 1970-01-01, and whether it is before Christ (its year then
    /// written as 1 - year, as PostgreSQL does).
    private static func writeDate(_ days: Int, into text: UnsafeMutableBufferPointer<UInt8>) -> (Int, Bool) {
        let date = CivilDate.date(fromDays: days)
        let beforeChrist = date.year <= 0
        var end = writePadded(beforeChrist ? 1 - date.year : date.year, width: 4, into: text, at: 0)
        text[end] = UInt8(ascii: "-")
        end = writePadded(date.month, width: 2, into: text, at: end + 1)
        text[end] = UInt8(ascii: "-")
        return (writePadded(date.day, width: 2, into: text, at: end + 1), beforeChrist)
    }

    /// `HH:MM:SS[.ffffff]`, the fraction's trailing zeros left out (`AppendSeconds`).
    private static func writeTime(_ microseconds: Int64, into text: UnsafeMutableBufferPointer<UInt8>, at start: Int)
        -> Int
    {
        let seconds = Int(microseconds / 1_000_000)
        var fraction = Int(microseconds % 1_000_000)
        var end = writePadded(seconds / 3600, width: 2, into: text, at: start)
        text[end] = UInt8(ascii: ":")
        end = writePadded(seconds / 60 % 60, width: 2, into: text, at: end + 1)
        text[end] = UInt8(ascii: ":")
        end = writePadded(seconds % 60, width: 2, into: text, at: end + 1)
        guard fraction != 0 else { return end }
        var digits = 6
        while fraction % 10 == 0 {
            fraction /= 10
            digits -= 1
        }
        text[end] = UInt8(ascii: ".")
        return writePadded(fraction, width: digits, into: text, at: end + 1)
    }

    /// `value` (not negative) in decimal, zero-padded to `width` digits at least.
    @inline(__always)
    private static func writePadded(
        _ value: Int, width: Int, into text: UnsafeMutableBufferPointer<UInt8>, at start: Int
    )
        -> Int
    {
        var count = 1
        var bound = 10
        while value >= bound && count < 19 {
            count += 1
            bound *= 10
        }
        let digits = max(count, width)
        var remaining = value
        for index in stride(from: start + digits - 1, through: start, by: -1) {
            text[index] = UInt8(ascii: "0") + UInt8(remaining % 10)
            remaining /= 10
        }
        return start + digits
    }

    /// `numeric_out`: NaN and the infinities by name; otherwise the digits before the point (at least a
    /// 0), then exactly the display scale's digits after it.
    private static func appendNumeric(
        _ value: UnsafeRawBufferPointer, into batch: inout RowBatch, scratch: inout [UInt8]
    )
        throws
    {
        guard value.count >= 8 else { throw invalid("numeric", "\(value.count) bytes") }
        let count = Int(read(Int16.self, value, 0))
        let weight = Int(read(Int16.self, value, 2))
        let sign = read(UInt16.self, value, 4)
        let scale = Int(read(Int16.self, value, 6))
        guard count >= 0, value.count == 8 + 2 * count, scale >= 0 else {
            throw invalid("numeric", "\(count) digits in \(value.count) bytes, scale \(scale)")
        }
        switch sign {
        case 0x0000, 0x4000: break
        case 0xC000: return batch.append(Self.notANumber)
        case 0xD000: return batch.append(Self.infinity)
        case 0xF000: return batch.append(Self.negativeInfinity)
        default: throw invalid("numeric", "sign \(sign)")
        }
        func group(_ index: Int) throws -> Int {
            guard index >= 0, index < count else { return 0 }
            let digit = Int(read(Int16.self, value, 8 + 2 * index))
            guard (0...9999).contains(digit) else { throw invalid("numeric", "digit \(digit)") }
            return digit
        }
        scratch.removeAll(keepingCapacity: true)
        if sign == 0x4000 { scratch.append(UInt8(ascii: "-")) }
        var index = 0
        if weight < 0 {
            index = weight + 1
            scratch.append(UInt8(ascii: "0"))
        } else {
            while index <= weight {
                let digits = try group(index)
                // The first group's leading zeros are left out.
                var divisor = 1000
                var started = index > 0
                while divisor > 0 {
                    let digit = digits / divisor % 10
                    if started || digit > 0 || divisor == 1 {
                        scratch.append(UInt8(ascii: "0") + UInt8(digit))
                        started = true
                    }
                    divisor /= 10
                }
                index += 1
            }
        }
        if scale > 0 {
            scratch.append(UInt8(ascii: "."))
            let end = scratch.count + scale
            var written = 0
            while written < scale {
                let digits = try group(index)
                var divisor = 1000
                while divisor > 0 {
                    scratch.append(UInt8(ascii: "0") + UInt8(digits / divisor % 10))
                    divisor /= 10
                }
                index += 1
                written += 4
            }
            scratch.removeLast(scratch.count - end)
        }
        scratch.withUnsafeBytes { batch.append($0) }
    }

    private static let notANumber: [UInt8] = Array("NaN".utf8)
    private static let infinity: [UInt8] = Array("Infinity".utf8)
    private static let negativeInfinity: [UInt8] = Array("-Infinity".utf8)
}
