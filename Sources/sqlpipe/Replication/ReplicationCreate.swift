import ArgumentParser
import SQLPipeCore

extension ReplicationCommand {
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Store a replication from its definition, checked whole first.",
            discussion: """
                Example definition (docs/replications.md has every field):
                  name: nightly
                  source: shop
                  target: warehouse
                  defaults: {mode: incremental, cursorColumn: updated_at}
                  streams:
                    - table: public.orders
                    - table: "public.audit_*"
                      mode: append
                  schedule: "0 2 * * *"
                """)

        @OptionGroup var definition: DefinitionFile
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let replication = try await global.open().replications.create(try definition.definition(), by: .machine)
            try global.output.recordOrQuiet("replication", replication, fields: replication.detailFields)
        }
    }
}
