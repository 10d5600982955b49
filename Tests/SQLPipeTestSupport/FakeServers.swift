import Foundation

/// A TCP server on 127.0.0.1 that plays a hostile or dead database: each accepted connection is handed to
/// `serve` on a thread of its own. Stopping it closes the listener and every connection it accepted.
public final class LoopbackServer: @unchecked Sendable {
    public let port: Int
    private let listener: Int32
    private let lock = NSLock()
    private var clients: [Int32] = []
    private var stopped = false

    public init(serve: @escaping @Sendable (LoopbackConnection) -> Void) throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.listener = listener
        var reuse: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) }
        }
        guard bound == 0, listen(listener, 16) == 0 else {
            close(listener)
            throw POSIXError(.EADDRINUSE)
        }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread.detachNewThread { [self] in
            while true {
                let client = accept(listener, nil, nil)
                guard client >= 0 else {
                    // Shut down by `stop`: closed here, where nothing will use the number again.
                    close(listener)
                    return
                }
                let accepted = lock.withLock { () -> Bool in
                    if stopped { return false }
                    clients.append(client)
                    return true
                }
                guard accepted else {
                    close(client)
                    return
                }
                Thread.detachNewThread { [self] in
                    serve(LoopbackConnection(descriptor: client))
                    closeClient(client)
                }
            }
        }
    }

    /// Closes a served connection under the lock, so that `stop` never touches a descriptor number that
    /// has been reused since.
    private func closeClient(_ client: Int32) {
        lock.withLock {
            clients.removeAll { $0 == client }
            close(client)
        }
    }

    /// Stops accepting and ends every open connection; the serving threads close them. Once only: a
    /// descriptor closed twice could be another test's file by the second time.
    public func stop() {
        lock.withLock {
            guard !stopped else { return }
            stopped = true
            shutdown(listener, Int32(SHUT_RDWR))
            // Shut down, not closed: the serving thread is still reading from it.
            for client in clients { shutdown(client, Int32(SHUT_RDWR)) }
        }
    }

    deinit { stop() }
}

/// One accepted connection, read and written whole.
public struct LoopbackConnection: Sendable {
    public let descriptor: Int32

    /// Exactly `count` bytes, or nil when the peer closed first.
    public func read(_ count: Int) -> [UInt8]? {
        var bytes = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let got = bytes.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress! + filled, count - filled, 0) }
            if got <= 0 { return nil }
            filled += got
        }
        return bytes
    }

    public func write(_ bytes: [UInt8]) {
        var sent = 0
        while sent < bytes.count {
            let wrote = bytes.withUnsafeBytes {
                send(descriptor, $0.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL))
            }
            if wrote <= 0 { return }
            sent += wrote
        }
    }

    /// Blocks until the peer goes away: a server that accepted and never answers.
    public func hold() {
        var byte: UInt8 = 0
        while recv(descriptor, &byte, 1, 0) > 0 {}
    }
}

/// A MySQL server that speaks just enough of the protocol to let Connector/C log in, then answers each
/// COM_QUERY as `reply` says: OK, a request for a local file (recording whatever the client sends back),
/// or never.
public final class FakeMySQLServer: @unchecked Sendable {
    public enum Reply: Sendable {
        case ok
        /// Asks the client for this local file, as LOAD DATA LOCAL INFILE would.
        case requestFile(String)
        /// Reads the query and never answers.
        case silence
    }

    private let lock = NSLock()
    private var queries: [String] = []
    private var fileBytes: [[UInt8]] = []
    private var server: LoopbackServer?
    public var port: Int { server?.port ?? 0 }

    /// `reply` gets the text of each query or statement to prepare, and its number on its connection (0 is
    /// the connect-time init command). Only `.silence` suits a statement to prepare.
    public init(reply: @escaping @Sendable (_ query: String, _ index: Int) -> Reply) throws {
        server = try LoopbackServer { [weak self] connection in
            self?.serve(connection, reply: reply)
        }
    }

    /// The queries received, in order, over all connections.
    public var receivedQueries: [String] { lock.withLock { queries } }
    /// What the client sent after each file request: its content, empty when it refused.
    public var receivedFiles: [[UInt8]] { lock.withLock { fileBytes } }

    public func stop() { server?.stop() }

    private func serve(_ connection: LoopbackConnection, reply: (String, Int) -> Reply) {
        connection.write(Self.packet(Self.greeting, sequence: 0))
        guard readPacket(connection) != nil else { return }
        connection.write(Self.packet(Self.okPayload, sequence: 2))
        var index = 0
        while let (payload, _) = readPacket(connection), let command = payload.first {
            switch command {
            case 0x01:  // COM_QUIT
                return
            case 0x03, 0x16:  // COM_QUERY, COM_STMT_PREPARE
                let text = String(decoding: payload.dropFirst(), as: UTF8.self)
                lock.withLock { queries.append(text) }
                let answer = reply(text, index)
                index += 1
                switch answer {
                case .ok:
                    connection.write(Self.packet(Self.okPayload, sequence: 1))
                case .silence:
                    connection.hold()
                    return
                case .requestFile(let name):
                    connection.write(Self.packet([0xFB] + Array(name.utf8), sequence: 1))
                    var content: [UInt8] = []
                    var sequence: UInt8 = 2
                    while let (chunk, chunkSequence) = readPacket(connection) {
                        sequence = chunkSequence &+ 1
                        if chunk.isEmpty { break }
                        content += chunk
                    }
                    lock.withLock { fileBytes.append(content) }
                    connection.write(Self.packet(Self.okPayload, sequence: sequence))
                }
            default:
                connection.write(Self.packet(Self.okPayload, sequence: 1))
            }
        }
    }

    private func readPacket(_ connection: LoopbackConnection) -> ([UInt8], UInt8)? {
        guard let header = connection.read(4) else { return nil }
        let length = Int(header[0]) | Int(header[1]) << 8 | Int(header[2]) << 16
        guard length > 0 else { return ([], header[3]) }
        guard let payload = connection.read(length) else { return nil }
        return (payload, header[3])
    }

    public static func packet(_ payload: [UInt8], sequence: UInt8) -> [UInt8] {
        let length = payload.count
        return [UInt8(length & 0xFF), UInt8((length >> 8) & 0xFF), UInt8((length >> 16) & 0xFF), sequence] + payload
    }

    /// OK: no rows affected, no insert id, autocommit on, no warnings.
    static let okPayload: [UInt8] = [0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00]

    /// Protocol 10 greeting of a "MySQL" server with mysql_native_password, no TLS, local files allowed.
    public static var greeting: [UInt8] {
        let capabilities: UInt32 =
            1 | 2 | 4 | 8 | 128 | 512 | 8192 | 32768 | (1 << 16) | (1 << 17) | (1 << 19)
        var payload: [UInt8] = [10]
        payload += Array("5.7.99-fake".utf8) + [0]
        payload += [1, 0, 0, 0]  // connection id
        payload += Array("abcdefgh".utf8) + [0]
        payload += [UInt8(capabilities & 0xFF), UInt8((capabilities >> 8) & 0xFF)]
        payload += [45]  // utf8mb4_general_ci
        payload += [0x02, 0x00]  // autocommit
        payload += [UInt8((capabilities >> 16) & 0xFF), UInt8((capabilities >> 24) & 0xFF)]
        payload += [21]
        payload += [UInt8](repeating: 0, count: 10)
        payload += Array("ijklmnopqrst".utf8) + [0]
        payload += Array("mysql_native_password".utf8) + [0]
        return payload
    }
}
