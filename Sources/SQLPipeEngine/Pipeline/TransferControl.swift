import Foundation

/// The handle on a running transfer shared with other threads: progress to read, cancel to call.
public final class TransferControl: @unchecked Sendable {
    private let lock = NSLock()
    private var rows = 0
    private var cancelled = false
    private var cancellers: [any QueryCanceller] = []
    private var queue: BatchQueue?

    public init() {}

    public var rowsTransferred: Int { lock.withLock { rows } }
    public var isCancelled: Bool { lock.withLock { cancelled } }

    /// Stops the transfer: the source query is stopped on its server and the target rolled back.
    public func cancel() {
        let (cancellers, queue) = lock.withLock { () -> ([any QueryCanceller], BatchQueue?) in
            if cancelled { return ([], nil) }
            cancelled = true
            return (self.cancellers, self.queue)
        }
        queue?.close(reason: TransferCancelled())
        cancellers.forEach { $0.cancel() }
    }

    func add(rows count: Int) {
        lock.withLock { rows += count }
    }

    func set(rows count: Int) {
        lock.withLock { rows = count }
    }

    /// Registers what cancel must stop; when cancel came first, stops it at once.
    public func attach(canceller: any QueryCanceller) throws {
        let already = lock.withLock { () -> Bool in
            cancellers.append(canceller)
            return cancelled
        }
        if already {
            canceller.cancel()
            throw TransferCancelled()
        }
    }

    func attach(queue: BatchQueue) {
        let already = lock.withLock { () -> Bool in
            self.queue = queue
            return cancelled
        }
        if already { queue.close(reason: TransferCancelled()) }
    }

    public func checkCancelled() throws {
        if isCancelled { throw TransferCancelled() }
    }
}

/// The transfer was cancelled; the target was left as it was.
public struct TransferCancelled: Error, CustomStringConvertible {
    public init() {}
    public var description: String { "the transfer was cancelled" }
}
