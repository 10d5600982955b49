import ArgumentParser
import SQLPipeCore

extension ReplicationCommand {
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a replication and its streams.")

        @Argument(help: "The replication's name or id.")
        var replication: String
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let found = try await global.open().replications.get(replication)
            try Output(json: global.json).one("replication", found, fields: found.detailFields)
        }
    }
}
