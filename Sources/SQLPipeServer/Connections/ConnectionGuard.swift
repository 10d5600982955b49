import Foundation
import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Counts the open connections of one server: beyond `maximum`, a new one is closed at once.
final class ConnectionCounter: @unchecked Sendable {
    let maximum: Int
    private let lock = NSLock()
    private var open = 0

    init(maximum: Int) {
        self.maximum = maximum
    }

    func tryOpen() -> Bool {
        lock.withLock {
            guard open < maximum else { return false }
            open += 1
            return true
        }
    }

    func close() {
        lock.withLock { open -= 1 }
    }

    var count: Int { lock.withLock { open } }
}

/// Bounds what one connection may hold: it counts against the `ConnectionCounter`, and each request head
/// must arrive within `headerTimeout` of the connection opening or of the request's first byte (a client
/// sending headers a byte at a time would otherwise keep a connection forever). Idle keep-alive
/// connections are Hummingbird's `idleTimeout`.
///
/// It sits after the HTTP decoder, where it sees request heads; a `FirstByteWatcher` at the front of the
/// pipeline tells it when a request's first bytes come (before TLS too, so a slow handshake counts).
final class ConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private enum State {
        /// Between requests: the idle timeout applies, not this one.
        case waitingForRequest
        case readingHead
        case inRequest
    }

    private let counter: ConnectionCounter
    private let headerTimeout: TimeAmount
    private var counted = false
    private var started = false
    private var state = State.readingHead
    private var deadline: Scheduled<Void>?

    init(counter: ConnectionCounter, headerTimeout: TimeAmount) {
        self.counter = counter
        self.headerTimeout = headerTimeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { start(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context)
        context.fireChannelActive()
    }

    private func start(_ context: ChannelHandlerContext) {
        guard !started else { return }
        started = true
        guard counter.tryOpen() else {
            context.close(promise: nil)
            return
        }
        counted = true
        try? context.pipeline.syncOperations.addHandler(
            FirstByteWatcher(owner: self, context: context), position: .first)
        armDeadline(context)
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        finish()
    }

    private func finish() {
        deadline?.cancel()
        deadline = nil
        if counted {
            counted = false
            counter.close()
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head = unwrapInboundIn(data) {
            state = .inRequest
            deadline?.cancel()
            deadline = nil
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data), state == .inRequest { state = .waitingForRequest }
        context.write(data, promise: promise)
    }

    /// Bytes came in: between requests, they start the next request's head.
    fileprivate func bytesArrived(_ context: ChannelHandlerContext) {
        guard state == .waitingForRequest else { return }
        state = .readingHead
        armDeadline(context)
    }

    private func armDeadline(_ context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = context.eventLoop.assumeIsolated().scheduleTask(in: headerTimeout) { [self] in
            deadline = nil
            if state == .readingHead { context.close(promise: nil) }
        }
    }
}

/// The first handler of a connection's pipeline: tells its `ConnectionGuard` when bytes arrive.
private final class FirstByteWatcher: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let owner: ConnectionGuard
    /// The guard's own context, for its timer.
    private let ownerContext: ChannelHandlerContext

    init(owner: ConnectionGuard, context: ChannelHandlerContext) {
        self.owner = owner
        self.ownerContext = context
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        owner.bytesArrived(ownerContext)
        context.fireChannelRead(data)
    }
}

@available(*, unavailable)
extension ConnectionGuard: Sendable {}
