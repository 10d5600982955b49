import Foundation

/// The bounded buffer between the reader and the writer: the reader blocks when it is full, so memory
/// stays the same whatever the number of rows.
final class BatchQueue: @unchecked Sendable {
    private let condition = NSCondition()
    private var batches: [RowBatch] = []
    private var finished = false
    private var failure: (any Error)?
    private var closed = false
    private let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// Adds a batch; false when the consumer has gone away and the producer should stop.
    func put(_ batch: RowBatch) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while batches.count >= capacity && !closed { condition.wait() }
        guard !closed else { return false }
        batches.append(batch)
        condition.broadcast()
        return true
    }

    /// The producer is done: with an error, the consumer throws it after the batches before it.
    func finish(throwing error: (any Error)? = nil) {
        condition.lock()
        finished = true
        failure = error
        condition.broadcast()
        condition.unlock()
    }

    /// The next batch, nil at the end, or the producer's error (or the reason the queue was closed).
    func take() throws -> RowBatch? {
        condition.lock()
        defer { condition.unlock() }
        while batches.isEmpty && !finished && !closed { condition.wait() }
        if closed, let failure { throw failure }
        if !batches.isEmpty {
            let batch = batches.removeFirst()
            condition.broadcast()
            return batch
        }
        if let failure { throw failure }
        return nil
    }

    /// Stops both sides: the producer's next put returns false, the consumer's next take throws `reason`.
    func close(reason: any Error) {
        condition.lock()
        if !closed {
            closed = true
            if failure == nil { failure = reason }
            batches.removeAll()
        }
        condition.broadcast()
        condition.unlock()
    }
}
