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

/// Like `runBlocking`, but gives up waiting after `seconds`: `onTimeout` is thrown then, and the work, left
/// to end on its thread, has its result dropped. For checks whose caller must answer within a bound
/// whatever the server does.
func runBlocking<T: Sendable>(
    within seconds: TimeInterval, onTimeout: @escaping @Sendable () -> any Error,
    _ body: @escaping @Sendable () throws -> T
) async throws -> T {
    let once = ResumeOnce<T>()
    return try await withCheckedThrowingContinuation { continuation in
        once.set(continuation)
        Thread.detachNewThread {
            once.resume(with: Result { try body() })
        }
        Thread.detachNewThread {
            Thread.sleep(forTimeInterval: seconds)
            once.resume(with: .failure(onTimeout()))
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
