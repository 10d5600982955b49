import ArgumentParser
import SQLPipeCore

extension ReplicationCommand {
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List replications.")

        @OptionGroup var paging: ListOptions
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let page = try await global.open().replications.list(try paging.request())
            try Output(json: global.json).page(
                "replications", page,
                columns: ["ID", "NAME", "SOURCE", "TARGET", "STREAMS", "SCHEDULE", "NEXT RUN", "CREATED"]
            ) { replication in
                [
                    String(replication.id), replication.name, replication.sourceID.map(String.init) ?? "-",
                    replication.targetID.map(String.init) ?? "-", String(replication.streams.count),
                    replication.schedule ?? "-", Formatting.timestamp(replication.nextRunAt),
                    Formatting.timestamp(replication.createdAt),
                ]
            }
        }
    }
}
