import ArgumentParser
import SQLPipeCore

extension ReplicationCommand {
    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete a replication without a queued or running run, and its runs; their transfers stay.")

        @Argument(help: "The replication's name or id.")
        var replication: String
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await global.open().replications.delete(replication, by: .machine)
            try global.output.message("replication \(replication) deleted")
        }
    }
}
