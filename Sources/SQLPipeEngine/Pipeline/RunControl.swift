import Foundation

/// The handle on a running transfer or query shared with other threads: progress to read, cancel to call.
public final class RunControl: @unchecked Sendable {
    /// How long a cancelled run may take to stop by itself before its connections are broken: a server
    /// that no longer answers would otherwise hold the run, and its threads, for as long as it likes.
    public static let defaultAbortGrace: TimeInterval = 3

    private let lock = NSLock()
    private var rows = 0
    private var bytes = 0
    private var cancelled = false
    /// Sessions to stop on cancel (`stops`), and to break if the run has not ended after the grace.
    private var cancellers: [(canceller: any QueryCanceller, stops: Bool)] = []
    private var queue: BatchQueue?

    public init() {}

    public var rowsTransferred: Int { lock.withLock { rows } }
    /// The size of the values that went from the reader to the writer: the cells' bytes in their canonical
    /// form (for PostgreSQL to PostgreSQL, the binary COPY messages), counted a batch at a time.
    public var bytesTransferred: Int { lock.withLock { bytes } }
    public var isCancelled: Bool { lock.withLock { cancelled } }

    /// Stops the run: the source's statement is stopped on its server and a target rolled back. It
    /// returns at once, whatever the servers do: the cancel requests go out on a thread of their own.
    public func cancel() {
        let (cancellers, queue) = lock.withLock { () -> ([(canceller: any QueryCanceller, stops: Bool)], BatchQueue?) in
            if cancelled { return ([], nil) }
            cancelled = true
            return (self.cancellers, self.queue)
        }
        queue?.close(reason: RunCancelled())
        let stopping = cancellers.filter(\.stops).map(\.canceller)
        if !stopping.isEmpty {
            Thread.detachNewThread { for canceller in stopping { canceller.cancel() } }
        }
        scheduleAbort()
    }

    /// After the grace, breaks the connections of every session still open; closed ones ignore it. Breaking
    /// never waits, so a timer does it, without a thread held for the grace.
    private func scheduleAbort() {
        DispatchQueue.global().asyncAfter(deadline: .now() + Self.defaultAbortGrace) { [self] in
            let all = lock.withLock { cancellers.map(\.canceller) }
            for canceller in all { canceller.abort() }
        }
    }

    /// Called once a batch (up to 4,096 rows), never once a value: the hot row path takes no lock.
    func add(rows count: Int, bytes size: Int) {
        lock.withLock {
            rows += count
            bytes += size
        }
    }

    func set(rows count: Int) {
        lock.withLock { rows = count }
    }

    /// Registers a session whose statement cancel must stop; when cancel came first, stops it at once.
    public func attach(canceller: any QueryCanceller) throws {
        try register(canceller, stops: true)
    }

    /// Registers a session that cancel leaves to finish by itself (a target rolls back when its writer
    /// stops), but whose connection is broken if the run has not ended after the grace.
    public func attach(abortingOnly canceller: any QueryCanceller) throws {
        try register(canceller, stops: false)
    }

    private func register(_ canceller: any QueryCanceller, stops: Bool) throws {
        let already = lock.withLock { () -> Bool in
            cancellers.append((canceller, stops))
            return cancelled
        }
        if already {
            if stops { Thread.detachNewThread { canceller.cancel() } }
            throw RunCancelled()
        }
    }

    func attach(queue: BatchQueue) {
        let already = lock.withLock { () -> Bool in
            self.queue = queue
            return cancelled
        }
        if already { queue.close(reason: RunCancelled()) }
    }

    public func checkCancelled() throws {
        if isCancelled { throw RunCancelled() }
    }
}

/// The run was cancelled: its statement stopped, a transfer's target left as it was.
public struct RunCancelled: Error, CustomStringConvertible {
    public init() {}
    public var description: String { "cancelled" }
}
