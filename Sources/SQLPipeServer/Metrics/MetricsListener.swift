import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import SQLPipeCore
import ServiceLifecycle

/// `GET /metrics` in the Prometheus text format. It reads the gauges (queue depth, busy workers) at the
/// moment of the scrape, so that keeping them current costs nothing between scrapes.
struct MetricsController: Sendable {
    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    let metrics: ServerMetrics
    let queue: WorkQueue
    /// nil when this server runs no workers.
    let workers: WorkerPool?

    func addRoutes(to router: Router<BasicRequestContext>) {
        router.get("/metrics") { _, _ in try await scrape() }
    }

    func scrape() async throws -> Response {
        let counts: [QueuedWork.Kind: Int]?
        do {
            counts = try await queue.depth()
        } catch {
            metrics.storeFailed(.scrape)
            counts = nil
        }
        metrics.observe(
            queued: counts, workersBusy: workers?.runningCount ?? 0,
            workersMax: workers?.options.maxConcurrency ?? 0)
        return Response(
            status: .ok, headers: [.contentType: Self.contentType],
            body: .init(byteBuffer: ByteBuffer(bytes: metrics.exposition())))
    }
}

/// The listener of `--metrics-port`: plain HTTP with `GET /metrics` only, and no authentication, which is
/// why it listens on loopback unless told otherwise. It runs as a service of the API's application, so that
/// it starts and stops with it.
func metricsListener(
    _ controller: MetricsController, configuration: ServerConfiguration, port: Int, logger: Logger,
    onRunning: @escaping @Sendable (String) async -> Void
) -> some Service {
    let router = Router(context: BasicRequestContext.self)
    controller.addRoutes(to: router)
    let host = configuration.metricsHost
    return Application(
        router: router,
        server: .http1(configuration: http1Configuration(configuration)),
        configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "sqlpipe"),
        onServerRunning: { channel in
            let url = "http://\(ListenAddress.shown(host)):\(channel.localAddress?.port ?? port)/metrics"
            // Not "listening": scripts that wait for the API's "listening" line must not take this one.
            logger.info("serving metrics", metadata: ["url": "\(url)"])
            await onRunning(url)
        },
        logger: logger)
}

public enum ListenAddress {
    /// An IPv6 address in brackets, as a URL writes it.
    static func shown(_ host: String) -> String { host.contains(":") ? "[\(host)]" : host }

    /// Whether only this machine can reach `host`: 127.0.0.0/8, ::1 or localhost.
    public static func isLoopback(_ host: String) -> Bool {
        let host = host.lowercased()
        if host == "localhost" || host == "::1" || host == "0:0:0:0:0:0:0:1" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }
}
