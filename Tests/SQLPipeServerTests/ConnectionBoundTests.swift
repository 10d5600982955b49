import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import NIOTLS
import SQLPipeCore
import SQLPipeTestSupport
import Testing

/// The server's bounds on connections, over raw TCP against the real binary: slow headers, idle
/// keep-alive connections, too many connections, old TLS versions.
@Suite(.serialized) struct ConnectionBoundTests {
    static func server(_ arguments: [String]) async throws -> (TestStore, ServerProcess) {
        let store = try TestStore()
        _ = try await store.sqlpipe.users.create(
            UserInput(username: APIHarness.admin.username, password: APIHarness.admin.password, admin: true))
        return (store, try ServerProcess(storePath: store.path, arguments: arguments))
    }

    static func port(of url: String) throws -> UInt16 {
        try #require(URL(string: url)?.port.flatMap { UInt16($0) })
    }

    @Test func aClientSendingItsHeadersSlowlyIsDisconnectedWithinTheHeaderTimeout() async throws {
        let (_, server) = try await Self.server(["--header-timeout", "1", "--idle-timeout", "60"])
        defer { server.stop() }
        let socket = try RawSocket(port: try Self.port(of: server.url))
        let started = ContinuousClock.now
        var closed = false
        for byte in "GET /api/v1/healthcheck HTTP/1.1\r\nHost: x\r\nX-Slow: ".utf8 {
            if !socket.send([byte]) || socket.isClosedByPeer(waiting: .milliseconds(200)) {
                closed = true
                break
            }
        }
        let elapsed = ContinuousClock.now - started
        #expect(closed, "the server kept a connection that sent headers a byte at a time")
        #expect(elapsed < .seconds(3), "closed after \(elapsed)")
    }

    @Test func aKeepAliveConnectionLeftIdleIsClosed() async throws {
        let (_, server) = try await Self.server(["--idle-timeout", "1", "--header-timeout", "60"])
        defer { server.stop() }
        let socket = try RawSocket(port: try Self.port(of: server.url))
        #expect(socket.send(Array("GET /api/v1/healthcheck HTTP/1.1\r\nHost: x\r\n\r\n".utf8)))
        let answer = socket.receive(waiting: .seconds(5))
        #expect(String(decoding: answer, as: UTF8.self).hasPrefix("HTTP/1.1 200"))
        // Still open at first (keep-alive), closed once idle past the timeout.
        #expect(!socket.isClosedByPeer(waiting: .milliseconds(300)))
        #expect(socket.isClosedByPeer(waiting: .seconds(3)))
    }

    @Test func connectionsBeyondTheLimitAreClosedAtOnce() async throws {
        let (_, server) = try await Self.server([
            "--max-connections", "2", "--header-timeout", "60", "--idle-timeout", "60",
        ])
        defer { server.stop() }
        let port = try Self.port(of: server.url)
        let first = try RawSocket(port: port)
        let second = try RawSocket(port: port)
        #expect(!first.isClosedByPeer(waiting: .milliseconds(300)))
        #expect(!second.isClosedByPeer(waiting: .milliseconds(300)))
        let third = try RawSocket(port: port)
        #expect(third.isClosedByPeer(waiting: .seconds(2)), "a third connection was kept")
        // A place that comes free is given to the next connection.
        first.close()
        try await eventually(timeout: .seconds(5), "a connection to be accepted again") {
            let next = try RawSocket(port: port)
            defer { next.close() }
            guard next.send(Array("GET /api/v1/healthcheck HTTP/1.1\r\nHost: x\r\n\r\n".utf8)) else { return false }
            return String(decoding: next.receive(waiting: .seconds(2)), as: UTF8.self).hasPrefix("HTTP/1.1 200")
        }
        second.close()
    }

    @Test func tlsBelowVersion12IsRefused() async throws {
        let directory = try TemporaryDirectory.make()
        let certificate = directory.appendingPathComponent("cert.pem").path
        let key = directory.appendingPathComponent("key.pem").path
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        openssl.arguments = [
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", certificate, "-days", "1",
            "-subj", "/CN=127.0.0.1",
        ]
        openssl.standardOutput = FileHandle.nullDevice
        openssl.standardError = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        let (_, server) = try await Self.server(["--tls-cert", certificate, "--tls-key", key])
        defer { server.stop() }
        let port = try Self.port(of: server.url)
        #expect(try await Self.handshake(port: port, maximum: .tlsv11) == false)
        #expect(try await Self.handshake(port: port, maximum: .tlsv1) == false)
        #expect(try await Self.handshake(port: port, maximum: .tlsv12) == true)
    }

    /// Whether a TLS handshake with at most `maximum` succeeds.
    static func handshake(port: UInt16, maximum: TLSVersion) async throws -> Bool {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = .tlsv1
        configuration.maximumTLSVersion = maximum
        configuration.certificateVerification = .none
        let context = try NIOSSLContext(configuration: configuration)
        let group = MultiThreadedEventLoopGroup.singleton
        let handshake = group.next().makePromise(of: Bool.self)
        let channel = try await ClientBootstrap(group: group).channelInitializer { channel in
            channel.eventLoop.makeCompletedFuture {
                let handler = try NIOSSLClientHandler(context: context, serverHostname: nil)
                try channel.pipeline.syncOperations.addHandler(handler)
                try channel.pipeline.syncOperations.addHandler(HandshakeWatcher(promise: handshake))
            }
        }.connect(host: "127.0.0.1", port: Int(port)).get()
        let result = try await handshake.futureResult.get()
        try? await channel.close()
        return result
    }
}

/// Completes its promise with true once TLS is up, false when the handshake fails or the channel closes.
private final class HandshakeWatcher: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    let promise: EventLoopPromise<Bool>

    init(promise: EventLoopPromise<Bool>) { self.promise = promise }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case TLSUserEvent.handshakeCompleted = event { promise.succeed(true) }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        promise.succeed(false)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        promise.succeed(false)
        context.fireChannelInactive()
    }
}

/// A blocking TCP connection to 127.0.0.1, for clients that misbehave on purpose.
final class RawSocket: @unchecked Sendable {
    private var descriptor: Int32

    init(port: UInt16) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw ServerFailure("socket: \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw ServerFailure("connect: \(errno)") }
        var ignore: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_KEEPALIVE, &ignore, socklen_t(MemoryLayout<Int32>.size))
    }

    /// False when the peer has closed the connection.
    func send(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } == bytes.count
    }

    /// What arrives within `waiting` (up to the first pause once something came).
    func receive(waiting: Duration) -> [UInt8] {
        var received: [UInt8] = []
        while let chunk = read(waiting: received.isEmpty ? waiting : .milliseconds(200)), !chunk.isEmpty {
            received += chunk
        }
        return received
    }

    /// Whether the peer closes the connection within `waiting` (data that comes first is read and dropped).
    func isClosedByPeer(waiting: Duration) -> Bool {
        let deadline = ContinuousClock.now + waiting
        while ContinuousClock.now < deadline {
            guard let chunk = read(waiting: deadline - ContinuousClock.now) else { return false }
            if chunk.isEmpty { return true }
        }
        return false
    }

    /// nil on timeout, empty at end of stream (or reset), else the bytes read.
    private func read(waiting: Duration) -> [UInt8]? {
        var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        let milliseconds = Int32(
            max(0, waiting.components.seconds * 1000 + waiting.components.attoseconds / 1_000_000_000_000_000))
        guard poll(&poller, 1, milliseconds) > 0 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = recv(descriptor, &buffer, buffer.count, 0)
        return count <= 0 ? [] : Array(buffer.prefix(count))
    }

    func close() {
        if descriptor >= 0 { Glibc.close(descriptor) }
        descriptor = -1
    }

    deinit { close() }
}
