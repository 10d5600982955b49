import ArgumentParser
import SQLPipeCore

extension ReplicationCommand {
    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replace a replication's definition with the one in a file, checked whole first.")

        @Argument(help: "The replication's name or id.")
        var replication: String
        @OptionGroup var definition: DefinitionFile
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let updated = try await global.open().replications.update(
                replication, with: try definition.definition(), by: .machine)
            try global.output.recordOrQuiet("replication", updated, fields: updated.detailFields)
        }
    }
}
