import Foundation
import Logging
import SQLPipeCore
import ServiceLifecycle

/// Queues a replication's run when its schedule comes due, for the worker pool to run. Every `serve` on a
/// store may run one: a due time starts one run whichever server sees it first. Due times that passed
/// while no server ran (more than `missedAfter` before the first look) are skipped, not made up.
public final class ReplicationScheduler: Service, Sendable {
    public struct Options: Sendable {
        /// How often the schedules are read.
        public var interval: Duration
        /// How late a due time may be seen at start and still start its run.
        public var missedAfter: TimeInterval
        /// The time now: the wall clock, or a test's.
        public var now: @Sendable () -> Date

        public init(
            interval: Duration = .seconds(1), missedAfter: TimeInterval = 60,
            now: @escaping @Sendable () -> Date = Date.init
        ) {
            self.interval = interval
            self.missedAfter = missedAfter
            self.now = now
        }
    }

    let replications: ReplicationService
    let workers: WorkerPool?
    let options: Options
    let logger: Logger

    public init(replications: ReplicationService, workers: WorkerPool?, options: Options, logger: Logger) {
        self.replications = replications
        self.workers = workers
        self.options = options
        self.logger = logger
    }

    public func run() async throws {
        let stopping = StopFlag()
        // Not cancelWhenGracefulShutdown: run without a service group (in-process tests), it would cancel at
        // once, and a service that ends takes the others down with it.
        await withGracefulShutdownHandler {
            var first = true
            while !stopping.isSet, !Task.isCancelled {
                await self.tick(first: first)
                first = false
                try? await Task.sleep(for: self.options.interval)
            }
        } onGracefulShutdown: {
            stopping.set()
        }
    }

    /// One look at the schedules; `first` skips the due times that passed while no server ran.
    @discardableResult
    public func tick(first: Bool = false) async -> [ReplicationRun] {
        let now = options.now()
        do {
            let started = try await replications.startDueRuns(
                at: now, missedBefore: first ? now.addingTimeInterval(-options.missedAfter) : nil)
            for run in started {
                logger.info(
                    "scheduled run queued",
                    metadata: [
                        "replication": "\(run.replicationID ?? 0)", "run": "\(run.id)",
                        "due": "\(run.scheduledFor.map { $0.formatted(.iso8601) } ?? "-")",
                        "skipped_due_times": "\(run.skippedDueTimes)",
                    ])
            }
            if !started.isEmpty { workers?.submitted() }
            return started
        } catch {
            logger.error("reading the schedules failed", metadata: ["error": "\(error)"])
            return []
        }
    }
}

private final class StopFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }
}
