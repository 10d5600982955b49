import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import SQLPipeCore
import SQLPipeEngine
import ServiceLifecycle
import Synchronization

/// Everything `sqlpipe serve` can be told.
public struct ServerConfiguration: Sendable {
    public var host = "127.0.0.1"
    public var port = 9000
    public var workers = WorkerPool.Options()
    /// When replication schedules are read, and by which clock.
    public var schedules = ReplicationScheduler.Options()
    /// Run the worker pool (in-process router tests may leave it out).
    public var runWorkers = true
    /// PEM files of the certificate chain and private key; both or neither.
    public var tlsCertificate: String?
    public var tlsKey: String?
    /// How long verified credentials are kept (they are re-checked against the store on every request).
    public var credentialLifetime: Duration = .seconds(60)
    /// Failed logins per client address: `failedLoginBurst` at once, then one more every `failedLoginRefill`.
    public var failedLoginBurst = 10
    public var failedLoginRefill: Duration = .seconds(6)
    /// Proxies (addresses or CIDR blocks) whose `X-Forwarded-For` names the client; no other peer's is read.
    public var trustedProxies: [String] = []
    /// Transfers and queries a user who is not an admin may have queued or running at once.
    public var maxQueuedPerUser = 100
    /// Open connections at most; beyond them a new one is closed at once.
    public var maxConnections = 512
    /// A keep-alive connection with no request for this long is closed.
    public var idleTimeout: Duration = .seconds(60)
    /// A request head (and TLS handshake) must arrive within this of the connection or its first byte.
    public var headerTimeout: Duration = .seconds(10)
    /// The port of the `GET /metrics` listener (0 picks a free one); nil: no metrics listener.
    public var metricsPort: Int?
    /// Where the metrics listener listens: loopback unless told otherwise, as it asks for no credentials.
    public var metricsHost = "127.0.0.1"
    /// The only directory whose files API transfers may read and write (`serve --data-dir`); nil: none.
    public var dataDirectory: String?

    public init() {}

    /// What API clients may name as files: never the host's, only the data directory's.
    var fileAccess: FileAccess? { dataDirectory.map { .confined(to: $0) } }
}

/// The router with every route of the API, and the table of what it registered.
public struct APIRouter {
    public let router: Router<APIRequestContext>
    public let routes: RouteTable
}

/// Builds the router: request log and error mapping around everything, Basic Auth around all but the
/// healthcheck, and 405 for the methods a path does not have.
public func buildRouter(
    sqlpipe: SQLPipe, configuration: ServerConfiguration, workers: WorkerPool?, metrics: ServerMetrics
) throws -> APIRouter {
    let sqlpipe = sqlpipe.withFileAccess(configuration.fileAccess)
    let router = Router(context: APIRequestContext.self)
    let clients = try ClientResolver(trustedProxies: configuration.trustedProxies)
    router.add(middleware: ClientAddressMiddleware(resolver: clients))
    router.add(middleware: RequestLogMiddleware(metrics: metrics))
    router.add(middleware: ErrorMiddleware(metrics: metrics))
    router.add(middleware: JSONBodyMiddleware())
    let authenticated = router.group()
        .add(
            middleware: BasicAuthMiddleware(
                users: sqlpipe.users, cache: CredentialCache(lifetime: configuration.credentialLifetime),
                limiter: LoginRateLimiter(
                    burst: configuration.failedLoginBurst, refill: configuration.failedLoginRefill),
                maximumQueuedPerUser: configuration.maxQueuedPerUser))
    let routes = RouteTable(open: router, authenticated: authenticated)
    HealthController(users: sqlpipe.users, storeKind: sqlpipe.storeKind).addRoutes(to: routes)
    TransfersController(transfers: sqlpipe.transfers, workers: workers).addRoutes(to: routes)
    QueriesController(queries: sqlpipe.queries, workers: workers).addRoutes(to: routes)
    ReplicationsController(replications: sqlpipe.replications, workers: workers).addRoutes(to: routes)
    ConnectionsController(connections: sqlpipe.connections).addRoutes(to: routes)
    UsersController(users: sqlpipe.users).addRoutes(to: routes)
    routes.addMethodNotAllowed()
    return APIRouter(router: router, routes: routes)
}

/// The whole server as a Hummingbird application: router, worker pool, (with the files) TLS and (with a
/// metrics port) the metrics listener, which counts into `metrics`. It is separate from `sqlpipe serve` so
/// that tests run it in-process. `onMetricsRunning` gets the metrics listener's URL once it listens.
public func buildApplication(
    sqlpipe: SQLPipe, configuration: ServerConfiguration, metrics: ServerMetrics, logger: Logger,
    onServerRunning: @escaping @Sendable (String) async -> Void = { _ in },
    onMetricsRunning: @escaping @Sendable (String) async -> Void = { _ in }
) throws -> some ApplicationProtocol {
    let sqlpipe = sqlpipe.withFileAccess(configuration.fileAccess)
    let workers = WorkerPool(sqlpipe: sqlpipe, options: configuration.workers, metrics: metrics, logger: logger)
    let runningWorkers = configuration.runWorkers ? workers : nil
    let api = try buildRouter(
        sqlpipe: sqlpipe, configuration: configuration, workers: runningWorkers, metrics: metrics)
    var services: [any Service] = []
    if let metricsPort = configuration.metricsPort {
        let controller = MetricsController(
            metrics: metrics, queue: WorkQueue(sqlpipe: sqlpipe), workers: runningWorkers)
        services.append(
            metricsListener(
                controller, configuration: configuration, port: metricsPort, logger: logger,
                onRunning: onMetricsRunning))
    }
    // Listed before the workers, so that it is stopped after them and a scrape sees their drain.
    if let runningWorkers {
        services.append(runningWorkers)
        services.append(
            ReplicationScheduler(
                replications: sqlpipe.replications, workers: runningWorkers, options: configuration.schedules,
                logger: logger))
    }
    let scheme: String
    let server: HTTPServerBuilder
    let http = HTTPServerBuilder.http1(configuration: http1Configuration(configuration))
    switch (configuration.tlsCertificate, configuration.tlsKey) {
    case (nil, nil):
        scheme = "http"
        server = http
    case (let certificate?, let key?):
        scheme = "https"
        server = try .tls(http, tlsConfiguration: try tlsConfiguration(certificate: certificate, key: key))
    default:
        throw SQLPipeError.badInput("--tls-cert and --tls-key go together: give both or neither")
    }
    let host = configuration.host
    return Application(
        router: api.router,
        server: server,
        configuration: ApplicationConfiguration(
            address: .hostname(host, port: configuration.port), serverName: "sqlpipe"),
        services: services,
        onServerRunning: { channel in
            let port = channel.localAddress?.port ?? configuration.port
            let url = "\(scheme)://\(ListenAddress.shown(host)):\(port)"
            logger.info("listening", metadata: ["url": "\(url)", "version": "\(SQLPipe.version)"])
            await onServerRunning(url)
        },
        eventLoopGroupProvider: .shared(APIEventLoops.group),
        logger: logger
    )
}

/// The event loops of the API, shared by every server of the process.
///
/// `sqlpipe serve` makes NIO's loops, one a core, Swift's global executor as well
/// (`runHandlersOnLoops`): a request is then read, handled and answered on one thread, where each handler
/// otherwise ran on Swift's cooperative pool, two thread switches a request away from its loop. Without
/// that (in-process tests) the handlers run on the pool and the server has one loop for every two cores:
/// with a loop per core as well, twice as many threads as cores were runnable, and one preempted held its
/// connections' requests (on 2 cores a page of transfers had a p99 of 23 ms with two loops, 11 with one).
enum APIEventLoops {
    private static let handlersOnLoops = Mutex(false)
    private static let apart = MultiThreadedEventLoopGroup(numberOfThreads: max(1, System.coreCount / 2))

    static var group: MultiThreadedEventLoopGroup {
        handlersOnLoops.withLock { $0 } ? .singleton : apart
    }

    /// Once, before the server starts; the work that blocks (transfers, bcrypt, the PostgreSQL store) runs on
    /// threads of its own, never on a loop.
    static func runHandlersOnLoops() {
        handlersOnLoops.withLock { onLoops in
            guard !onLoops else { return }
            onLoops = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        }
    }
}

/// Bounds on connections: how many, how long idle, how long to send a request head.
func http1Configuration(_ configuration: ServerConfiguration) -> HTTP1Channel.Configuration {
    let counter = ConnectionCounter(maximum: configuration.maxConnections)
    let headerTimeout = TimeAmount(configuration.headerTimeout)
    return HTTP1Channel.Configuration(
        additionalChannelHandlers: [ConnectionGuard(counter: counter, headerTimeout: headerTimeout)],
        idleTimeout: TimeAmount(configuration.idleTimeout))
}

/// TLS 1.2 at least: 1.0 and 1.1 have known weaknesses and every current client speaks 1.2.
func tlsConfiguration(certificate: String, key: String) throws -> TLSConfiguration {
    do {
        let chain = try NIOSSLCertificate.fromPEMFile(certificate).map { NIOSSLCertificateSource.certificate($0) }
        guard !chain.isEmpty else { throw SQLPipeError.badInput("--tls-cert: no certificate in \(certificate)") }
        let privateKey = try NIOSSLPrivateKey(file: key, format: .pem)
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain, privateKey: .privateKey(privateKey))
        configuration.minimumTLSVersion = .tlsv12
        return configuration
    } catch let error as SQLPipeError {
        throw error
    } catch {
        throw SQLPipeError.badInput("cannot read the TLS certificate \(certificate) or key \(key): \(error)")
    }
}

/// Runs the server until SIGTERM or SIGINT: then it stops accepting requests, lets running work finish
/// within the grace period, cancels the rest, and returns.
public func runServer(
    sqlpipe: SQLPipe, configuration: ServerConfiguration, metrics: ServerMetrics, logger: Logger
) async throws {
    guard try await sqlpipe.users.count() > 0 else {
        throw SQLPipeError.conflict(
            "the store \(sqlpipe.storeDescription) has no users: create the first admin with `sqlpipe user create --username NAME --admin`, then start the server again"
        )
    }
    APIEventLoops.runHandlersOnLoops()
    let app = try buildApplication(sqlpipe: sqlpipe, configuration: configuration, metrics: metrics, logger: logger)
    try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint])
    logger.info("stopped")
}
