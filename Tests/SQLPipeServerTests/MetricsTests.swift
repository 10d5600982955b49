import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SQLPipeCore
import SQLPipeEngine
import SQLPipeTestSupport
import Testing

@testable import SQLPipeServer

/// `GET /metrics` on the listener of `--metrics-port`: scraped over HTTP after real work through the API on
/// a real port, with the exact numbers of what was done, in a format `promtool` accepts.
@Suite struct MetricsTests {
    /// A server with workers and a metrics listener on free ports, and two SQLite connections.
    struct Setup {
        let harness: APIHarness
        let world: TestWorld

        init() async throws {
            harness = try await APIHarness(runWorkers: true) { configuration in
                configuration.metricsPort = 0
                configuration.workers.maxConcurrency = 3
            }
            world = try TestWorld()
        }

        /// Runs `body` with the API on a real port and the metrics listener's URL.
        func live(_ body: @Sendable (APIClient, Scraper) async throws -> Void) async throws {
            let address = MetricsAddress()
            try await harness.application(onMetricsRunning: { url in await address.set(url) })
                .test(.live) { client in
                    var url: String?
                    try await eventually("the metrics listener to listen") {
                        url = await address.url
                        return url != nil
                    }
                    try await body(APIClient(client: client), Scraper(url: try #require(url)))
                }
        }

        /// Creates a connection through the API, and returns its id.
        func connection(_ api: APIClient, _ input: ConnectionInput) async throws -> Int {
            let created = try await api.request(.post, "/api/v1/connections", json: input.jsonObject)
            #expect(created.status == .created, "\(created.text)")
            return try #require(created.object("connection")["id"] as? Int)
        }

        /// Queues a transfer through the API and waits, in the store, until it ended (not through the API: the
        /// polling would change the request counts).
        func transfer(_ api: APIClient, _ body: [String: any Sendable]) async throws -> Transfer {
            let created = try await api.request(.post, "/api/v1/transfers", json: body)
            #expect(created.status == .accepted, "\(created.text)")
            let id = Int64(try #require(created.object("transfer")["id"] as? Int))
            var last: Transfer?
            try await eventually("transfer \(id) to end") {
                last = try await harness.sqlpipe.transfers.get(id)
                return [.complete, .error, .cancelled].contains(last?.status)
            }
            return try #require(last)
        }
    }

    static func rows(_ count: Int) -> String {
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < \(count)) "
            + "SELECT i, 'row ' || i AS label FROM n"
    }

    @Test func aScrapeAfterATransferAndFailedRequestsShowsTheirExactNumbers() async throws {
        let setup = try await Setup()
        try await setup.live { api, scraper in
            let source = try await setup.connection(api, try setup.world.input(.sqlite, name: "src", file: "s.db"))
            let target = try await setup.connection(api, try setup.world.input(.sqlite, name: "dst", file: "t.db"))
            let body: [String: any Sendable] = [
                "sourceID": source, "targetID": target, "query": Self.rows(1000), "targetTable": "copied",
            ]
            let done = try await setup.transfer(api, body)
            #expect(done.status == .complete)
            #expect(done.rowsTransferred == 1000)
            var failing = body
            failing["query"] = "SELECT * FROM no_such_table"
            let failed = try await setup.transfer(api, failing)
            #expect(failed.status == .error)

            let unknown = try await api.request(.get, "/api/v1/no-such-route/42")
            #expect(unknown.status == .notFound)
            let anonymous = try await api.request(.get, "/api/v1/transfers/7", as: nil)
            #expect(anonymous.status == .unauthorized)
            let missing = try await api.request(.get, "/api/v1/transfers/999")
            #expect(missing.status == .notFound)

            // The end of a run is counted just after the store has it: wait for the count, not a moment.
            var scrape = try await scraper.scrape()
            try await eventually("both runs to be counted") {
                scrape = try await scraper.scrape()
                return scrape.total("sqlpipe_runs_finished_total") == 2
            }
            let requests = "sqlpipe_http_requests_total"
            #expect(scrape[requests, ["method": "POST", "route": "/api/v1/connections", "status": "201"]] == 2)
            #expect(scrape[requests, ["method": "POST", "route": "/api/v1/transfers", "status": "202"]] == 2)
            #expect(scrape[requests, ["method": "GET", "route": "unmatched", "status": "404"]] == 1)
            #expect(scrape[requests, ["method": "GET", "route": "/api/v1/transfers/{id}", "status": "401"]] == 1)
            #expect(scrape[requests, ["method": "GET", "route": "/api/v1/transfers/{id}", "status": "404"]] == 1)
            #expect(scrape.total(requests) == 7, "no other request was made: \(scrape.lines(requests))")
            #expect(
                !scrape.text.contains("/999") && !scrape.text.contains("/42"),
                "routes are patterns, never the paths clients sent")
            let duration = "sqlpipe_http_request_duration_seconds_count"
            #expect(scrape[duration, ["method": "POST", "route": "/api/v1/transfers"]] == 2)
            #expect(scrape[duration, ["method": "GET", "route": "unmatched"]] == 1)

            #expect(scrape["sqlpipe_runs_started_total", ["kind": "transfer"]] == 2)
            #expect(scrape["sqlpipe_runs_started_total", ["kind": "query"]] == 0)
            #expect(scrape["sqlpipe_runs_finished_total", ["kind": "transfer", "status": "complete"]] == 1)
            #expect(scrape["sqlpipe_runs_finished_total", ["kind": "transfer", "status": "error"]] == 1)
            #expect(scrape["sqlpipe_runs_finished_total", ["kind": "transfer", "status": "cancelled"]] == 0)
            #expect(scrape["sqlpipe_run_duration_seconds_count", ["kind": "transfer"]] == 2)
            #expect(scrape["sqlpipe_transfer_rows_total", [:]] == 1000)
            // At least the text of every value: the digits of 1...1000 (2,893), and "row " and them again.
            #expect((scrape["sqlpipe_transfer_bytes_total", [:]] ?? 0) >= 2 * 2893 + 4000)
            #expect(scrape["sqlpipe_runs_queued", ["kind": "transfer"]] == 0)
            #expect(scrape["sqlpipe_runs_queued", ["kind": "query"]] == 0)
            #expect(scrape["sqlpipe_workers_busy", [:]] == 0)
            #expect(scrape["sqlpipe_workers_max", [:]] == 3)
            #expect(scrape["sqlpipe_build_info", ["version": SQLPipe.version]] == 1)
            for operation in ServerMetrics.StoreOperation.allCases {
                #expect(scrape["sqlpipe_store_errors_total", ["operation": operation.rawValue]] == 0)
            }
            #expect(scrape.text.contains("# HELP sqlpipe_http_requests_total "))
            try await PromTool.check(scrape.text)

            // Only GET /metrics is there, and it counts nothing of its own.
            let other = try await LiveClient(base: scraper.base, user: nil).request("GET", "/api/v1/transfers")
            #expect(other.status == .notFound)
            #expect(try await scraper.scrape().total(requests) == 7)
        }
    }

    @Test func aQueuedQueryAndAPostgreSQLTransferAreCountedByKind() async throws {
        let setup = try await Setup()
        try await setup.live { api, scraper in
            let postgres = try await setup.connection(api, try setup.world.input(.postgresql, name: "pg"))
            let local = try await setup.connection(api, try setup.world.input(.sqlite, name: "local"))
            let done = try await setup.transfer(
                api,
                [
                    "sourceID": postgres, "targetID": local, "targetTable": "series",
                    "query": "SELECT i, md5(i::text) AS digest FROM generate_series(1, 750) AS i",
                ])
            #expect(done.status == .complete, "\(done.error ?? "")")
            let query = try await api.request(
                .post, "/api/v1/queries", json: ["connectionId": postgres, "query": "SELECT 1"])
            #expect(query.status == .accepted)
            var scrape = try await scraper.scrape()
            try await eventually("the query to be counted") {
                scrape = try await scraper.scrape()
                return scrape["sqlpipe_runs_finished_total", ["kind": "query", "status": "complete"]] == 1
            }
            #expect(scrape["sqlpipe_runs_started_total", ["kind": "transfer"]] == 1)
            #expect(scrape["sqlpipe_runs_started_total", ["kind": "query"]] == 1)
            #expect(scrape["sqlpipe_runs_finished_total", ["kind": "transfer", "status": "complete"]] == 1)
            #expect(scrape["sqlpipe_transfer_rows_total", [:]] == 750, "a query's rows are not a transfer's")
            // 750 digests of 32 characters alone.
            #expect((scrape["sqlpipe_transfer_bytes_total", [:]] ?? 0) >= 750 * 32)
            try await PromTool.check(scrape.text)
        }
    }
}

/// `sqlpipe serve --metrics-port` as a user starts it: the real binary, its log line, a scrape.
@Suite struct ServeMetricsTests {
    @Test func theServeBinaryServesMetricsOnLoopbackAndSaysWhere() async throws {
        let store = try TestStore()
        _ = try await store.sqlpipe.users.create(
            UserInput(username: APIHarness.admin.username, password: APIHarness.admin.password, admin: true))
        let server = try ServerProcess(
            storePath: store.path, arguments: ["--metrics-port", "0", "--max-concurrency", "2"])
        defer { server.stop() }
        var line: String?
        try await eventually("the metrics line") {
            line = server.log.all.first { $0.contains("serving metrics") }
            return line != nil
        }
        let url = try #require(
            line.flatMap { $0.range(of: #"http://127\.0\.0\.1:[0-9]+/metrics"#, options: .regularExpression) }
                .map { String(line![$0]) }, "\(line ?? "")")
        let health = try await LiveClient(base: server.url, user: nil).request("GET", "/api/v1/healthcheck")
        #expect(health.status == .ok)
        let scrape = try await Scraper(url: url).scrape()
        #expect(scrape["sqlpipe_build_info", ["version": SQLPipe.version]] == 1)
        #expect(scrape["sqlpipe_workers_max", [:]] == 2)
        #expect(
            scrape[
                "sqlpipe_http_requests_total", ["method": "GET", "route": "/api/v1/healthcheck", "status": "200"]]
                == 1)
        try await PromTool.check(scrape.text)
    }

    @Test func loopbackIsTheLoopbackAddressesOnly() {
        for host in ["127.0.0.1", "127.1.2.3", "::1", "localhost", "LOCALHOST"] {
            #expect(ListenAddress.isLoopback(host), "\(host)")
        }
        for host in ["0.0.0.0", "::", "10.0.0.1", "127.0.0.256", "127.0.0", "db.internal", "128.0.0.1"] {
            #expect(!ListenAddress.isLoopback(host), "\(host)")
        }
    }
}

/// The URL the metrics listener reports once it listens.
actor MetricsAddress {
    private(set) var url: String?
    func set(_ url: String) { self.url = url }
}

/// Reads `/metrics` over HTTP.
struct Scraper: Sendable {
    let url: String

    /// `http://127.0.0.1:PORT`.
    var base: String { String(url.dropLast("/metrics".count)) }

    func scrape() async throws -> Scrape {
        let response = try await LiveClient(base: base, user: nil).request("GET", "/metrics")
        #expect(response.status == .ok)
        #expect(response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
        return Scrape(text: response.text)
    }
}

/// The samples of one scrape, by name and labels.
struct Scrape {
    let text: String

    /// Each sample line as its name, its labels and its value.
    var samples: [(name: String, labels: [String: String], value: Double)] {
        text.split(separator: "\n").compactMap { line -> (String, [String: String], Double)? in
            guard !line.hasPrefix("#"), let space = line.lastIndex(of: " "),
                let value = Double(line[line.index(after: space)...])
            else { return nil }
            let series = line[..<space]
            guard let brace = series.firstIndex(of: "{") else { return (String(series), [:], value) }
            var labels: [String: String] = [:]
            // Label values here hold no comma, quote or brace: routes, methods, statuses, kinds, versions.
            for pair in series[series.index(after: brace)..<series.index(before: series.endIndex)].split(separator: ",")
            {
                let parts = pair.split(separator: "=", maxSplits: 1)
                guard parts.count == 2 else { continue }
                labels[String(parts[0])] = String(parts[1].dropFirst().dropLast())
            }
            return (String(series[..<brace]), labels, value)
        }
    }

    /// The value of the series with exactly these labels.
    subscript(name: String, labels: [String: String]) -> Double? {
        samples.first { $0.name == name && $0.labels == labels }?.value
    }

    /// The sum over every series of `name`.
    func total(_ name: String) -> Double {
        samples.filter { $0.name == name }.reduce(0) { $0 + $1.value }
    }

    func lines(_ name: String) -> String {
        text.split(separator: "\n").filter { $0.hasPrefix(name) }.joined(separator: "\n")
    }
}

/// `promtool check metrics`, Prometheus's own parser and linter of the text format (Debian's `prometheus`
/// package, which `scripts/test.sh` installs). In CI a missing promtool fails the test.
enum PromTool {
    static func check(_ exposition: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        guard
            let path = ["/usr/bin/promtool", "/usr/local/bin/promtool"].first(where: {
                FileManager.default.isExecutableFile(atPath: $0)
            })
        else {
            if ProcessInfo.processInfo.environment["CI"] == "true" {
                Issue.record(
                    "promtool is missing: install Debian's prometheus package (scripts/test.sh does)",
                    sourceLocation: sourceLocation)
            } else {
                print("note: promtool is missing (apt-get install prometheus): the format was not checked")
            }
            return
        }
        let result = try await offPool {
            try CommandRunner.run(program: URL(fileURLWithPath: path), ["check", "metrics"], stdin: exposition)
        }
        #expect(
            result.status == 0 && result.output.isEmpty, "promtool check metrics: \(result.output)",
            sourceLocation: sourceLocation)
    }
}
