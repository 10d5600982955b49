import Foundation
import Logging
import SQLPipeCore
import SQLPipeEngine
import ServiceLifecycle

/// Runs queued transfers and queries, at most `maxConcurrency` at a time, oldest first: those created
/// through the API at once, and those queued by another process (the CLI's `--detach`) when the store is
/// next polled.
///
/// On graceful shutdown (SIGTERM, SIGINT) it takes no new work, lets running work go on for
/// `shutdownGrace`, then cancels what is left: the engine stops the source query and rolls the target
/// back, and the record ends `cancelled`.
public final class WorkerPool: Service, @unchecked Sendable {
    public struct Options: Sendable {
        public var maxConcurrency: Int
        public var shutdownGrace: Duration
        /// How often the store is read for work queued by other processes.
        public var pollInterval: Duration
        /// How often runs whose runners died are looked for.
        public var recoveryInterval: Duration

        public init(
            maxConcurrency: Int = 4, shutdownGrace: Duration = .seconds(30),
            pollInterval: Duration = .milliseconds(250),
            recoveryInterval: Duration = .seconds(10)
        ) {
            self.maxConcurrency = maxConcurrency
            self.shutdownGrace = shutdownGrace
            self.pollInterval = pollInterval
            self.recoveryInterval = recoveryInterval
        }
    }

    struct State {
        var running: [String: RunControl] = [:]
        var stopping = false
        var sleeper: Task<Void, Never>?
        var wakePending = false
    }

    let sqlpipe: SQLPipe
    let queue: WorkQueue
    let runner: WorkRunner
    public let options: Options
    let metrics: ServerMetrics
    let logger: Logger
    let runLog: RunLog
    private let lock = NSLock()
    private var state = State()

    public init(sqlpipe: SQLPipe, options: Options, metrics: ServerMetrics, logger: Logger) {
        self.sqlpipe = sqlpipe
        self.queue = WorkQueue(sqlpipe: sqlpipe)
        self.runner = WorkRunner(sqlpipe: sqlpipe)
        self.options = options
        self.metrics = metrics
        self.logger = logger
        self.runLog = RunLog(logger: logger)
    }

    /// How many items run now.
    public var runningCount: Int { lock.withLock { state.running.count } }

    /// Work created through the API: taken on the next turn, without waiting for the poll. (The CLI's
    /// foreground runs are stored already claimed, so everything queued is the pool's to take.)
    public func submitted() {
        wake()
    }

    /// Cancels at once what this process runs (the store's cancel request would stop it within half a second).
    public func cancelRunning(_ kind: QueuedWork.Kind, id: Int64) {
        let control = lock.withLock { state.running[QueuedWork.key(kind, id)] }
        control?.cancel()
    }

    public func run() async throws {
        logger.info(
            "workers started",
            metadata: [
                "max_concurrency": "\(options.maxConcurrency)",
                "shutdown_grace_s": "\(options.shutdownGrace.components.seconds)",
            ])
        await withDiscardingTaskGroup { group in
            group.addTask { await self.recoverPeriodically() }
            await withGracefulShutdownHandler {
                while !lock.withLock({ state.stopping }) {
                    for (item, control) in await nextItems() {
                        group.addTask { await self.execute(item, control: control) }
                    }
                    await pause()
                }
            } onGracefulShutdown: {
                self.lock.withLock { self.state.stopping = true }
                self.wake()
            }
            await drain()
        }
        logger.info("workers stopped")
    }

    /// Marks the runs whose runners died (in this or any other process on the store) as interrupted once
    /// their leases expire, and drops the staging tables they left, every `recoveryInterval`.
    private func recoverPeriodically() async {
        while !lock.withLock({ state.stopping }), !Task.isCancelled {
            do {
                try await sqlpipe.recoverInterrupted()
                try await sqlpipe.dropLeftovers()
            } catch {
                metrics.storeFailed(.recovery)
                logger.error("recovery failed", metadata: ["error": "\(error)"])
            }
            let deadline = ContinuousClock.now + options.recoveryInterval
            while ContinuousClock.now < deadline, !lock.withLock({ state.stopping }), !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    /// Ends the loop without a graceful shutdown (tests that run the pool by hand).
    public func stop() {
        lock.withLock { state.stopping = true }
        wake()
    }

    private func nextItems() async -> [(QueuedWork, RunControl)] {
        let (free, running) = lock.withLock { (options.maxConcurrency - state.running.count, Set(state.running.keys)) }
        guard free > 0 else { return [] }
        let candidates: [QueuedWork]
        do {
            candidates = try await queue.next(limit: free + running.count + 32)
        } catch {
            metrics.storeFailed(.poll)
            logger.error("cannot read the queue", metadata: ["error": "\(error)"])
            return []
        }
        return lock.withLock {
            var chosen: [(QueuedWork, RunControl)] = []
            for item in candidates where chosen.count < free && state.running[item.key] == nil {
                let control = RunControl()
                state.running[item.key] = control
                chosen.append((item, control))
            }
            return chosen
        }
    }

    /// Runs one item, and leaves its `started` and `finished` lines in the log and its numbers in the
    /// metrics, both only once this process has claimed it.
    private func execute(_ item: QueuedWork, control: RunControl) async {
        defer {
            _ = lock.withLock { state.running.removeValue(forKey: item.key) }
            wake()
        }
        var claimedAt: ContinuousClock.Instant?
        var subject: Logger.Metadata = ["id": "\(item.id)"]
        let outcome: WorkOutcome
        do {
            outcome = try await runner.run(item, control: control) { claimed in
                claimedAt = .now
                subject = claimed
                metrics.runStarted(item.kind)
                runLog.started(item.kind, claimed)
            }
        } catch {
            guard claimedAt != nil else {
                if case SQLPipeError.conflict(let message) = error {
                    // Taken by another process, or cancelled, since it was read: nothing to do.
                    logger.debug("work skipped", metadata: subject.merging(["reason": "\(message)"]) { $1 })
                } else {
                    metrics.storeFailed(.run)
                    logger.error(
                        "cannot claim \(item.kind.rawValue)", metadata: subject.merging(["error": "\(error)"]) { $1 })
                }
                return
            }
            // Claimed, but its end could not be recorded: the store failed under it.
            metrics.storeFailed(.run)
            outcome = WorkOutcome(status: .error, rows: nil, error: "\(error)")
        }
        let duration = ContinuousClock.now - (claimedAt ?? .now)
        metrics.runFinished(
            item.kind, status: outcome.status, duration: duration, rows: control.rowsTransferred,
            bytes: control.bytesTransferred)
        runLog.finished(
            item.kind, subject, status: outcome.status, rows: outcome.rows, seconds: duration.seconds,
            error: outcome.error)
    }

    /// Waits up to the grace period for running work, then cancels the rest and waits for it to stop.
    private func drain() async {
        let deadline = ContinuousClock.now + options.shutdownGrace
        var announced = false
        while true {
            let count = runningCount
            if count == 0 { return }
            if !announced {
                logger.notice(
                    "waiting for running work",
                    metadata: ["running": "\(count)", "grace_s": "\(options.shutdownGrace.components.seconds)"])
                announced = true
            }
            if ContinuousClock.now >= deadline { break }
            try? await Task.sleep(for: min(.milliseconds(100), deadline - ContinuousClock.now))
        }
        let controls = lock.withLock { Array(state.running.values) }
        logger.notice("grace period over: cancelling running work", metadata: ["running": "\(controls.count)"])
        for control in controls { control.cancel() }
    }

    private func pause() async {
        let sleeper: Task<Void, Never>? = lock.withLock {
            if state.wakePending || state.stopping {
                state.wakePending = false
                return nil
            }
            let interval = options.pollInterval
            let task = Task<Void, Never> { _ = try? await Task.sleep(for: interval) }
            state.sleeper = task
            return task
        }
        await sleeper?.value
        lock.withLock { state.sleeper = nil }
    }

    private func wake() {
        lock.withLock {
            if let sleeper = state.sleeper {
                sleeper.cancel()
            } else {
                state.wakePending = true
            }
        }
    }

}

/// How an item ended, for the log and the metrics.
struct WorkOutcome {
    var status: RunStatus
    /// A transfer's rows, a query's rows affected (nil when its statements did not say).
    var rows: Int?
    var error: String?
}

/// Runs one queued item to its end through its service. `onClaimed` gets the fields that name it in the
/// log once this process has claimed it.
struct WorkRunner: Sendable {
    let sqlpipe: SQLPipe

    func run(
        _ item: QueuedWork, control: RunControl, onClaimed: (Logger.Metadata) async -> Void = { _ in }
    ) async throws -> WorkOutcome {
        switch item.kind {
        case .transfer:
            let transfer = try await sqlpipe.transfers.run(item.id, control: control) { claimed in
                await onClaimed(await RunLog.subject(of: claimed, in: sqlpipe.connections))
            }
            return WorkOutcome(status: transfer.status, rows: transfer.rowsTransferred, error: transfer.error)
        case .query:
            let query = try await sqlpipe.queries.run(item.id, control: control) { claimed in
                await onClaimed(await RunLog.subject(of: claimed, in: sqlpipe.connections))
            }
            return WorkOutcome(status: query.status, rows: query.rowsAffected, error: query.error)
        case .replicationRun:
            let run = try await sqlpipe.replications.run(item.id, control: control) { claimed in
                await onClaimed(["id": "\(claimed.id)", "replication": "\(claimed.replicationID ?? 0)"])
            }
            let rows = run.streams.reduce(0) { $0 + ($1.rowsTransferred ?? 0) }
            return WorkOutcome(status: run.status, rows: rows, error: run.error)
        }
    }
}
