import ArgumentParser
import Foundation
import Logging
import SQLPipeCore
import SQLPipeServer

/// `sqlpipe serve`: the REST API on the same store as the CLI.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the REST API (HTTP Basic Auth), run queued work and start scheduled replication runs.",
        discussion: """
            Listens on loopback unless --host says otherwise. Every route but GET /api/v1/healthcheck needs \
            HTTP Basic Auth with a user of the store; the store must have one (create the first admin with \
            `sqlpipe user create --username NAME --admin`). Work queued through the API, or with \
            `transfer create --detach` from another process, runs on --max-concurrency workers in creation order.

            SIGTERM or SIGINT stops it gracefully: no new requests, running work gets --shutdown-grace seconds \
            to finish, then it is cancelled (its target left as it was), and the exit status is 0.

            With --metrics-port, GET /metrics on a listener of its own gives Prometheus the server's numbers \
            (docs/operations.md). That listener asks for no credentials, so it stays on loopback, whatever \
            --host says, unless --metrics-host names another address. The log has one line when a transfer or \
            query starts and one when it ends; --quiet keeps only errors.

            Example:
              sqlpipe serve --port 9000 --log-format json --metrics-port 9100
              sqlpipe serve --host 0.0.0.0 --tls-cert cert.pem --tls-key key.pem
            """)

    @Option(help: "The address to listen on.")
    var host = "127.0.0.1"
    @Option(help: "The TCP port to listen on (0 picks a free one).")
    var port = 9000
    @Option(help: "How many transfers, queries and replication runs run at once.")
    var maxConcurrency = 4
    @Option(
        help: ArgumentHelp(
            "Seconds that running work may go on after SIGTERM or SIGINT before it is cancelled.", valueName: "seconds")
    )
    var shutdownGrace: Double = 30
    @Option(
        help: ArgumentHelp("Serve HTTPS with this PEM certificate chain (with --tls-key).", valueName: "file"),
        completion: .file())
    var tlsCert: String?
    @Option(help: ArgumentHelp("The PEM private key of --tls-cert.", valueName: "file"), completion: .file())
    var tlsKey: String?
    @Option(
        help: ArgumentHelp(
            "A proxy (address or CIDR block) whose X-Forwarded-For names the client (repeatable; without one the "
                + "header is ignored).",
            valueName: "address"))
    var trustedProxy: [String] = []
    @Option(help: "Transfers and queries a user who is not an admin may have queued or running at once.")
    var maxQueuedPerUser = 100
    @Option(help: "Open connections at most; beyond them new ones are closed at once.")
    var maxConnections = 512
    @Option(help: ArgumentHelp("Seconds a keep-alive connection may wait for its next request.", valueName: "seconds"))
    var idleTimeout: Double = 60
    @Option(
        help: ArgumentHelp(
            "Seconds a client has to send a request's headers (and finish the TLS handshake).", valueName: "seconds"))
    var headerTimeout: Double = 10
    @Option(help: "The log's format: text (key=value) or json, one line per event on stderr.")
    var logFormat: LogFormat = .text
    @Option(
        help: ArgumentHelp(
            "Serve GET /metrics (Prometheus, no authentication) on this port (0 picks a free one); none without it.",
            valueName: "port"))
    var metricsPort: Int?
    @Option(
        help: ArgumentHelp(
            "The address of the metrics listener (default 127.0.0.1, whatever --host is): its metrics are "
                + "unauthenticated, so give another address only where a firewall keeps strangers out.",
            valueName: "address"))
    var metricsHost: String?
    @Option(
        help: ArgumentHelp(
            "The directory whose files API transfers may read and write (sourceFile, targetFile: paths relative "
                + "to it). Without it the API refuses files: a client never reaches the host's own.",
            valueName: "directory"),
        completion: .directory)
    var dataDir: String?
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535.") }
        guard (1...256).contains(maxConcurrency) else {
            throw ValidationError("--max-concurrency must be between 1 and 256.")
        }
        guard shutdownGrace >= 0, shutdownGrace <= 86_400 else {
            throw ValidationError("--shutdown-grace must be between 0 and 86400 seconds.")
        }
        guard maxQueuedPerUser >= 1 else { throw ValidationError("--max-queued-per-user must be at least 1.") }
        guard maxConnections >= 1 else { throw ValidationError("--max-connections must be at least 1.") }
        for (name, seconds) in [("--idle-timeout", idleTimeout), ("--header-timeout", headerTimeout)]
        where !(0.1...86_400).contains(seconds) {
            throw ValidationError("\(name) must be between 0.1 and 86400 seconds.")
        }
        if (tlsCert == nil) != (tlsKey == nil) {
            throw ValidationError("--tls-cert and --tls-key go together: give both or neither.")
        }
        try validateMetrics()
        if let dataDir {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: dataDir, isDirectory: &isDirectory), isDirectory.boolValue
            else {
                throw ValidationError("--data-dir: \(dataDir) is not a directory.")
            }
        }
    }

    private func validateMetrics() throws {
        guard let metricsPort else {
            if metricsHost != nil { throw ValidationError("--metrics-host needs --metrics-port.") }
            return
        }
        guard (0...65535).contains(metricsPort) else {
            throw ValidationError("--metrics-port must be between 0 and 65535.")
        }
        if metricsPort != 0, metricsPort == port {
            throw ValidationError("--metrics-port must differ from --port: the metrics have a listener of their own.")
        }
        if let metricsHost, metricsHost.trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("--metrics-host is empty: leave it out for 127.0.0.1, or name an address.")
        }
    }

    func run() async throws {
        let format = logFormat
        var logger = Logger(label: "sqlpipe") { label in LineLogHandler(label: label, format: format) }
        if global.quiet { logger.logLevel = .error }
        let sqlpipe = try await global.open()
        let configuration = serverConfiguration()
        if configuration.metricsPort != nil, !ListenAddress.isLoopback(configuration.metricsHost) {
            logger.warning(
                "metrics are served without authentication beyond loopback",
                metadata: ["metrics_host": "\(configuration.metricsHost)"])
        }
        let metrics = ServerMetrics()
        metrics.reportLibraryMetrics()
        try await runServer(sqlpipe: sqlpipe, configuration: configuration, metrics: metrics, logger: logger)
    }

    /// What the flags say. The metrics listener never follows --host: only --metrics-host moves it off
    /// loopback, since it asks for no credentials.
    func serverConfiguration() -> ServerConfiguration {
        var configuration = ServerConfiguration()
        configuration.host = host
        configuration.port = port
        configuration.workers.maxConcurrency = maxConcurrency
        configuration.workers.shutdownGrace = .seconds(shutdownGrace)
        configuration.trustedProxies = trustedProxy
        configuration.maxQueuedPerUser = maxQueuedPerUser
        configuration.maxConnections = maxConnections
        configuration.idleTimeout = .seconds(idleTimeout)
        configuration.headerTimeout = .seconds(headerTimeout)
        configuration.tlsCertificate = tlsCert
        configuration.tlsKey = tlsKey
        configuration.metricsPort = metricsPort
        configuration.metricsHost = metricsHost ?? "127.0.0.1"
        configuration.dataDirectory = dataDir.map {
            URL(fileURLWithPath: $0, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
                .standardizedFileURL.path
        }
        return configuration
    }
}

extension LogFormat: ExpressibleByArgument {}
