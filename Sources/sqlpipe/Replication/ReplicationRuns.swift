import ArgumentParser
import SQLPipeCore

extension ReplicationCommand {
    struct Runs: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a replication's runs, newest first.")

        @Argument(help: "The replication's name or id.")
        var replication: String
        @Option(help: "The page to show, from 1.")
        var page: Int = 1
        @Option(help: "Records per page, 1 to \(PageRequest.maximumPageSize).")
        var pageSize: Int = 20
        @Option(help: "Order: id, created_at, -id or -created_at (descending).")
        var sort: PageRequest.Sort = .idDescending
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let request = try PageRequest(page: page, pageSize: pageSize, sort: sort.rawValue)
            let runs = try await global.open().replications.runs(of: replication, request)
            try Output(json: global.json).page(
                "runs", runs, columns: ["ID", "STATUS", "STREAMS", "FAILED", "STARTED", "STOPPED", "BY", "ERROR"]
            ) { run in
                [
                    String(run.id), run.status.rawValue, String(run.streams.count),
                    String(run.streams.filter { $0.status == .error }.count), Formatting.timestamp(run.startedAt),
                    Formatting.timestamp(run.stoppedAt), run.createdBy, run.error ?? "",
                ]
            }
        }
    }

    struct ShowRun: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show-run", abstract: "Show a replication run and how each of its streams went.")

        @Argument(help: "The run's id.")
        var id: Int64
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let run = try await global.open().replications.getRun(id)
            try Output(json: global.json).one("run", run, fields: run.detailFields)
            if !global.json, !run.streams.isEmpty { print(run.streamTable.rendered, terminator: "") }
        }
    }

    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Cancel a queued or running replication run, from any process.",
            discussion: "Its running streams stop and leave their targets as they were; the others do not start.")

        @Argument(help: "The run's id.")
        var id: Int64
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let run = try await global.open().replications.cancelRun(id)
            if global.json {
                try Output(json: true).one("run", run, fields: [])
            } else if run.status == .cancelled {
                global.output.confirmation("replication run \(run.id) cancelled")
            } else {
                global.output.confirmation(
                    "replication run \(run.id): cancel requested; its streams stop within a second")
            }
        }
    }
}
