import Foundation

/// Runs blocking work (a C client library call, bcrypt) on a thread of its own, off the cooperative
/// pool: a call stuck on a server that never answers holds that thread only, never a shared one.
func runBlocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread {
            continuation.resume(with: Result { try body() })
        }
    }
}

/// Like `runBlocking`, but gives up waiting after `seconds`: `timeout` is thrown then, and the work, left to
/// end on its thread, has its result dropped. For checks whose caller must answer within a bound whatever
/// the server does.
func runBlocking<T: Sendable>(
    within seconds: TimeInterval, failingWith timeout: any Error & Sendable,
    _ body: @escaping @Sendable () throws -> T
) async throws -> T {
    let once = ResumeOnce<T>()
    return try await withCheckedThrowingContinuation { continuation in
        once.set(continuation)
        Thread.detachNewThread {
            once.resume(with: Result { try body() })
        }
        // A timer, not a sleeping thread: the deadline holds no thread while it waits.
        DispatchQueue.global().asyncAfter(deadline: .now() + seconds) {
            once.resume(with: .failure(timeout))
        }
    }
}

/// A continuation resumed by whichever comes first, the work or its deadline.
private final class ResumeOnce<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<T, any Error>?

    func set(_ continuation: CheckedContinuation<T, any Error>) {
        lock.withLock { self.continuation = continuation }
    }

    func resume(with result: Result<T, any Error>) {
        let waiting = lock.withLock { () -> CheckedContinuation<T, any Error>? in
            defer { continuation = nil }
            return continuation
        }
        waiting?.resume(with: result)
    }
}

/// Runs blocking work off the cooperative pool with at most `width` items at once (bcrypt: one core each).
/// At most `queueLimit` more wait their turn, in order; beyond that `run` refuses at once, so that a flood
/// of logins cannot queue without bound.
final class BoundedBlockingExecutor: @unchecked Sendable {
    let width: Int
    let queueLimit: Int
    private let lock = NSLock()
    private var running = 0
    private var waiting: [CheckedContinuation<Void, any Error>] = []

    init(width: Int = ProcessInfo.processInfo.activeProcessorCount, queueLimit: Int? = nil) {
        self.width = max(1, width)
        self.queueLimit = queueLimit ?? max(1, width) * 32
    }

    func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await acquire()
        defer { release() }
        return try await runBlocking(body)
    }

    private enum Admission { case now, queued, refused }

    private func acquire() async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let admission: Admission = lock.withLock {
                if running < width {
                    running += 1
                    return .now
                }
                guard waiting.count < queueLimit else { return .refused }
                waiting.append(continuation)
                return .queued
            }
            switch admission {
            case .now: continuation.resume()
            case .queued: break
            case .refused:
                continuation.resume(
                    throwing: SQLPipeError.overloaded("too many password checks are waiting: try again in a moment"))
            }
        }
    }

    /// Hands the slot to the next in line, or frees it.
    private func release() {
        let next: CheckedContinuation<Void, any Error>? = lock.withLock {
            if waiting.isEmpty {
                running -= 1
                return nil
            }
            return waiting.removeFirst()
        }
        next?.resume()
    }
}
