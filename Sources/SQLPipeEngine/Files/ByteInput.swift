import CZlib
import CZstd
import Foundation

/// A source of bytes, read in pieces.
protocol ByteInput: AnyObject {
    /// Fills the start of `buffer` and says how many bytes it wrote; 0 only at the end.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
}

/// Bytes that can be read again from the start: a regular file, decompressed or not.
protocol RewindableByteInput: ByteInput {
    func rewind() throws
}

enum FileInputs {
    /// The decompressed bytes of the file open on `descriptor`. Compression is told by the first bytes as
    /// well as by `spec`: a gzip or zstd stream given as plain (`curl … | sqlpipe`) is decompressed anyway,
    /// and one said to be compressed that is not fails here rather than as garbled rows later.
    static func open(
        spec: FileSpec, descriptor: Int32, isRegularFile: Bool, isCancelled: @escaping @Sendable () -> Bool
    ) throws -> any RewindableByteInput {
        let raw = DescriptorInput(descriptor: descriptor, isRegularFile: isRegularFile, isCancelled: isCancelled)
        let magic = try raw.peek(4)
        let found: FileCompression =
            if magic.starts(with: [0x1f, 0x8b]) {
                .gzip
            } else if magic.starts(with: [0x28, 0xb5, 0x2f, 0xfd]) {
                .zstd
            } else {
                .none
            }
        if spec.compression != .none, found != spec.compression {
            throw DriverError(
                "the file is not \(spec.compression.rawValue) data (it was read as \(spec.compression.rawValue) because \(compressionReason(spec)))"
            )
        }
        switch found {
        case .none: return raw
        case .gzip: return try GzipInput(source: raw)
        case .zstd: return try ZstdInput(source: raw)
        }
    }

    private static func compressionReason(_ spec: FileSpec) -> String {
        if FileSpec.detected(from: spec.path).compression == spec.compression {
            let name = (spec.path as NSString).pathExtension
            return "its name ends in .\(name)"
        }
        return "--compression \(spec.compression.rawValue) was given"
    }
}

/// The bytes of a file descriptor as they are. A pipe is waited on in short slices, so that a writer that
/// stays silent never keeps a cancelled run from ending.
final class DescriptorInput: RewindableByteInput {
    private let descriptor: Int32
    private let isRegularFile: Bool
    private let isCancelled: @Sendable () -> Bool
    /// Bytes read ahead by `peek`, handed out before any new ones.
    private var pending: [UInt8] = []

    private static let waitSliceMilliseconds: Int32 = 250

    init(descriptor: Int32, isRegularFile: Bool, isCancelled: @escaping @Sendable () -> Bool) {
        self.descriptor = descriptor
        self.isRegularFile = isRegularFile
        self.isCancelled = isCancelled
    }

    /// Up to `count` first bytes, fewer only when the input ends first; they are read again afterwards.
    func peek(_ count: Int) throws -> [UInt8] {
        var scratch = [UInt8](repeating: 0, count: count)
        while pending.count < count {
            let got = try scratch.withUnsafeMutableBytes { buffer in
                try readDescriptor(into: UnsafeMutableRawBufferPointer(rebasing: buffer[..<(count - pending.count)]))
            }
            if got == 0 { break }
            pending.append(contentsOf: scratch[..<got])
        }
        return pending
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard buffer.count > 0 else { return 0 }
        if !pending.isEmpty {
            let count = min(pending.count, buffer.count)
            pending.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: count) }
            pending.removeFirst(count)
            return count
        }
        return try readDescriptor(into: buffer)
    }

    func rewind() throws {
        guard isRegularFile, lseek(descriptor, 0, SEEK_SET) == 0 else {
            throw DriverError("cannot read the file a second time: \(String(cString: strerror(errno)))")
        }
        pending.removeAll()
    }

    private func readDescriptor(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while true {
            if !isRegularFile { try waitUntilReadable() }
            let count = Foundation.read(descriptor, buffer.baseAddress, buffer.count)
            if count >= 0 { return count }
            if errno == EINTR || errno == EAGAIN { continue }
            throw DriverError("cannot read the file: \(String(cString: strerror(errno)))")
        }
    }

    private func waitUntilReadable() throws {
        var watched = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        while true {
            if isCancelled() { throw RunCancelled() }
            let ready = poll(&watched, 1, Self.waitSliceMilliseconds)
            if ready > 0 { return }
            if ready < 0, errno != EINTR {
                throw DriverError("cannot wait for the file's bytes: \(String(cString: strerror(errno)))")
            }
        }
    }
}

/// Compressed bytes are read from their source in pieces of this size.
private let compressedChunkSize = 128 * 1024

/// gzip through zlib. Every member of a concatenated file is read, as `gzip -d` does.
final class GzipInput: RewindableByteInput {
    private let source: DescriptorInput
    /// zlib keeps a pointer back to its stream, so the stream must stay where it was initialised.
    private let stream: UnsafeMutablePointer<z_stream>
    private let compressed: UnsafeMutableRawBufferPointer
    /// Whether the bytes read so far end exactly at the end of a member.
    private var atMemberEnd = false
    private var sawAnyMember = false

    init(source: DescriptorInput) throws {
        self.source = source
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        compressed = .allocate(byteCount: compressedChunkSize, alignment: 16)
        // 15 + 32: the largest window, and a gzip (or zlib) header detected from the bytes.
        let status = inflateInit2_(stream, 15 + 32, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else {
            stream.deallocate()
            compressed.deallocate()
            throw DriverError("cannot start reading gzip data: zlib error \(status)")
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deallocate()
        compressed.deallocate()
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard buffer.count > 0 else { return 0 }
        stream.pointee.next_out = buffer.baseAddress!.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_out = UInt32(clamping: buffer.count)
        let capacity = Int(stream.pointee.avail_out)
        while Int(stream.pointee.avail_out) == capacity {
            if stream.pointee.avail_in == 0 {
                let count = try source.read(into: compressed)
                if count == 0 {
                    if atMemberEnd { return 0 }
                    throw DriverError(
                        sawAnyMember
                            ? "the gzip data is truncated: it ends inside a compressed member"
                            : "the gzip data is truncated: it ends inside its header")
                }
                stream.pointee.next_in = compressed.baseAddress!.assumingMemoryBound(to: Bytef.self)
                stream.pointee.avail_in = UInt32(count)
            }
            if atMemberEnd {
                // Another member follows the one that ended.
                inflateReset(stream)
                atMemberEnd = false
            }
            let status = inflate(stream, Z_NO_FLUSH)
            switch status {
            case Z_OK, Z_BUF_ERROR:
                sawAnyMember = true
            case Z_STREAM_END:
                sawAnyMember = true
                atMemberEnd = true
                if Int(stream.pointee.avail_out) < capacity { return capacity - Int(stream.pointee.avail_out) }
            default:
                let detail = stream.pointee.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                throw DriverError("the gzip data is corrupt: \(detail)")
            }
        }
        return capacity - Int(stream.pointee.avail_out)
    }

    func rewind() throws {
        try source.rewind()
        inflateReset(stream)
        stream.pointee.avail_in = 0
        atMemberEnd = false
        sawAnyMember = false
    }
}

/// zstd through libzstd, every frame of the file.
final class ZstdInput: RewindableByteInput {
    private let source: DescriptorInput
    private let context: OpaquePointer
    private let compressed: UnsafeMutableRawBufferPointer
    private var input = ZSTD_inBuffer(src: nil, size: 0, pos: 0)
    /// What the last call left to do: 0 once a frame is complete and flushed, the state an input may end in.
    private var frameRemainder = 0

    init(source: DescriptorInput) throws {
        self.source = source
        guard let context = ZSTD_createDCtx() else { throw DriverError("cannot start reading zstd data") }
        self.context = context
        compressed = .allocate(byteCount: compressedChunkSize, alignment: 16)
    }

    deinit {
        ZSTD_freeDCtx(context)
        compressed.deallocate()
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard buffer.count > 0 else { return 0 }
        var output = ZSTD_outBuffer(dst: buffer.baseAddress, size: buffer.count, pos: 0)
        while output.pos == 0 {
            if input.pos == input.size {
                let count = try source.read(into: compressed)
                if count == 0 {
                    if frameRemainder == 0 { return 0 }
                    // Decoded bytes zstd could not hand over yet, when the output filled up last time.
                    frameRemainder = try decompress(&output)
                    if output.pos > 0 { return output.pos }
                    throw DriverError("the zstd data is truncated: it ends inside a frame")
                }
                input = ZSTD_inBuffer(src: compressed.baseAddress, size: count, pos: 0)
            }
            frameRemainder = try decompress(&output)
        }
        return output.pos
    }

    private func decompress(_ output: inout ZSTD_outBuffer) throws -> Int {
        let result = ZSTD_decompressStream(context, &output, &input)
        if ZSTD_isError(result) != 0 {
            throw DriverError("the zstd data is corrupt: \(String(cString: ZSTD_getErrorName(result)))")
        }
        return result
    }

    func rewind() throws {
        try source.rewind()
        ZSTD_DCtx_reset(context, ZSTD_reset_session_only)
        input = ZSTD_inBuffer(src: nil, size: 0, pos: 0)
        frameRemainder = 0
    }
}
