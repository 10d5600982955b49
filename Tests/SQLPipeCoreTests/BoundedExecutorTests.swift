import Foundation
import Testing

@testable import SQLPipeCore

/// bcrypt's executor: a bounded number of hashes at once, a bounded queue, and a refusal beyond it.
@Suite struct BoundedExecutorTests {
    final class Gauge: @unchecked Sendable {
        private let lock = NSLock()
        private var current = 0
        private(set) var highest = 0
        func enter() {
            lock.withLock {
                current += 1
                highest = max(highest, current)
            }
        }
        func leave() { lock.withLock { current -= 1 } }
        var running: Int { lock.withLock { current } }
    }

    @Test func atMostWidthRunAtOnceTheQueueWaitsAndBeyondItIsRefused() async throws {
        let executor = BoundedBlockingExecutor(width: 2, queueLimit: 1)
        let gauge = Gauge()
        let release = DispatchSemaphore(value: 0)
        let work: @Sendable () -> Int = {
            gauge.enter()
            defer { gauge.leave() }
            release.wait()
            return 1
        }
        let running = (0..<3).map { _ in Task { try await executor.run(work) } }
        let deadline = ContinuousClock.now + .seconds(5)
        while gauge.running < 2 && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        try await Task.sleep(for: .milliseconds(100))
        #expect(gauge.running == 2, "the third waits its turn")
        await #expect(throws: SQLPipeError.overloaded("too many password checks are waiting: try again in a moment")) {
            try await executor.run(work)
        }
        for _ in 0..<3 { release.signal() }
        var total = 0
        for task in running { total += try await task.value }
        #expect(total == 3)
        #expect(gauge.highest == 2)
    }
}
