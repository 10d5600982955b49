import Foundation
import Prometheus
import SQLPipeCore

/// What `serve` counts for `GET /metrics`, in a Prometheus registry of its own (tests give each server a
/// fresh one). The registry is used directly rather than through swift-metrics' global factory, so that every
/// metric carries its HELP line and a test's numbers are its own.
///
/// Every label has a bounded set of values: HTTP routes are the router's patterns (`/api/v1/transfers/{id}`,
/// never the path a client sent, which would make one series per id), statuses and kinds are fixed sets.
/// Counting costs a dictionary lookup under the registry's lock per request or per run, never per row: a
/// run's rows and bytes are added once, when it ends.
public final class ServerMetrics: Sendable {
    /// The `route` of a request that matched no route: one label for every unknown path.
    public static let unmatchedRoute = "unmatched"

    /// Where a store operation failed, for `sqlpipe_store_errors_total{operation}`.
    public enum StoreOperation: String, Sendable, CaseIterable {
        /// An API request answered 500 because the store failed.
        case request
        /// The worker pool could not read the queue.
        case poll
        /// The worker pool could not claim a run or record its end.
        case run
        /// Marking dead runs as interrupted, or dropping what they left, failed.
        case recovery
        /// Counting the queue for a scrape failed.
        case scrape
    }

    public let registry: PrometheusCollectorRegistry

    private let queued: [QueuedWork.Kind: Gauge]
    private let workersBusy: Gauge
    private let workersMax: Gauge
    private let transferRows: Counter
    private let transferBytes: Counter

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        queued = Dictionary(
            uniqueKeysWithValues: QueuedWork.Kind.allCases.map { kind in
                (kind, registry.makeGauge(descriptor: Name.runsQueued, labels: [("kind", kind.rawValue)]))
            })
        workersBusy = registry.makeGauge(descriptor: Name.workersBusy)
        transferRows = registry.makeCounter(descriptor: Name.transferRows)
        transferBytes = registry.makeCounter(descriptor: Name.transferBytes)
        workersMax = registry.makeGauge(descriptor: Name.workersMax)
        registry.makeGauge(descriptor: Name.buildInfo, labels: [("version", SQLPipe.version)]).set(Int64(1))
        // Every series of a fixed label set starts at 0, so that a rate over it exists before the first event.
        for kind in QueuedWork.Kind.allCases {
            _ = registry.makeCounter(descriptor: Name.runsStarted, labels: [("kind", kind.rawValue)])
            for status in Self.endStatuses {
                _ = registry.makeCounter(
                    descriptor: Name.runsFinished, labels: [("kind", kind.rawValue), ("status", status.rawValue)])
            }
        }
        for operation in StoreOperation.allCases {
            _ = registry.makeCounter(descriptor: Name.storeErrors, labels: [("operation", operation.rawValue)])
        }
    }

    private static let endStatuses: [RunStatus] = [.complete, .error, .cancelled]

    /// One answered API request. `route` is the router's pattern, nil when none matched.
    func requestAnswered(method: String, route: String?, status: Int, duration: Duration) {
        let route = route.flatMap { $0 == "NotFound" ? nil : $0 } ?? Self.unmatchedRoute
        registry.makeCounter(
            descriptor: Name.httpRequests, labels: [("method", method), ("route", route), ("status", String(status))]
        ).increment()
        registry.makeDurationHistogram(
            descriptor: Name.httpDuration, labels: [("method", method), ("route", route)],
            buckets: Self.requestBuckets
        ).record(duration)
    }

    /// A worker claimed a run.
    func runStarted(_ kind: QueuedWork.Kind) {
        registry.makeCounter(descriptor: Name.runsStarted, labels: [("kind", kind.rawValue)]).increment()
    }

    /// A run ended; a transfer adds the rows and bytes that went through its pipeline (also those of a run
    /// that failed and was rolled back: the work was done).
    func runFinished(
        _ kind: QueuedWork.Kind, status: RunStatus, duration: Duration, rows: Int = 0, bytes: Int = 0
    ) {
        registry.makeCounter(
            descriptor: Name.runsFinished, labels: [("kind", kind.rawValue), ("status", status.rawValue)]
        ).increment()
        registry.makeDurationHistogram(
            descriptor: Name.runDuration, labels: [("kind", kind.rawValue)], buckets: Self.runBuckets
        ).record(duration)
        if kind == .transfer {
            transferRows.increment(by: Int64(rows))
            transferBytes.increment(by: Int64(bytes))
        }
    }

    func storeFailed(_ operation: StoreOperation) {
        registry.makeCounter(descriptor: Name.storeErrors, labels: [("operation", operation.rawValue)]).increment()
    }

    /// The gauges, as a scrape sees them: read then rather than kept up to date on every change. Counts
    /// the store could not give keep their last values.
    func observe(queued counts: [QueuedWork.Kind: Int]?, workersBusy busy: Int, workersMax maximum: Int) {
        if let counts {
            for (kind, gauge) in queued { gauge.set(Int64(counts[kind] ?? 0)) }
        }
        workersBusy.set(Int64(busy))
        workersMax.set(Int64(maximum))
    }

    /// The Prometheus text format of everything above.
    public func exposition() -> [UInt8] {
        registry.emitToBuffer()
    }

    /// From a quick API call to a slow page of results.
    static let requestBuckets: [Duration] = [
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
    ]

    /// From a one-row query to a transfer of hours.
    static let runBuckets: [Duration] = [
        .milliseconds(100), .milliseconds(500), .seconds(1), .seconds(5), .seconds(15), .seconds(60),
        .seconds(300), .seconds(900), .seconds(1800), .seconds(3600), .seconds(10800),
    ]

    /// The names and HELP texts, in one place (computed: a descriptor is not `Sendable`, so no static one).
    enum Name {
        static var httpRequests: MetricNameDescriptor {
            named("sqlpipe_http_requests_total", "API requests answered, by route pattern.")
        }
        static var httpDuration: MetricNameDescriptor {
            named("sqlpipe_http_request_duration_seconds", "Time to answer an API request, by route pattern.")
        }
        static var runsStarted: MetricNameDescriptor {
            named("sqlpipe_runs_started_total", "Transfers and queries the workers started.")
        }
        static var runsFinished: MetricNameDescriptor {
            named("sqlpipe_runs_finished_total", "Transfers and queries the workers finished, by final status.")
        }
        static var runDuration: MetricNameDescriptor {
            named("sqlpipe_run_duration_seconds", "Time from a worker's claim of a transfer or query to its end.")
        }
        static var transferRows: MetricNameDescriptor {
            named("sqlpipe_transfer_rows_total", "Rows the workers' transfers read from their sources.")
        }
        static var transferBytes: MetricNameDescriptor {
            named("sqlpipe_transfer_bytes_total", "Bytes of values the workers' transfers moved from source to target.")
        }
        static var runsQueued: MetricNameDescriptor {
            named("sqlpipe_runs_queued", "Transfers and queries waiting in the queue.")
        }
        static var workersBusy: MetricNameDescriptor {
            named("sqlpipe_workers_busy", "Workers running a transfer or query now.")
        }
        static var workersMax: MetricNameDescriptor {
            named("sqlpipe_workers_max", "Workers at most (--max-concurrency).")
        }
        static var storeErrors: MetricNameDescriptor {
            named("sqlpipe_store_errors_total", "Failed operations on the metadata store, by what was being done.")
        }
        static var buildInfo: MetricNameDescriptor {
            named("sqlpipe_build_info", "Always 1; the version is in the label.")
        }

        /// The full name as given: the descriptor's parts would only be joined again with underscores.
        private static func named(_ name: String, _ help: String) -> MetricNameDescriptor {
            MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
        }
    }
}
