import ArgumentParser
import SQLPipeCore

extension QueryCommand {
    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Cancel a queued or running query, from any process; the statement stops on its server.")

        @Argument(help: "The query's id.")
        var id: Int64
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let query = try await global.open().queries.cancel(id, for: .machine)
            if global.json {
                try Output(json: true).one("query", query, fields: [])
            } else if query.status == .cancelled {
                global.output.confirmation("query \(query.id) cancelled")
            } else {
                global.output.confirmation("query \(query.id): cancel requested; it stops within a second")
            }
        }
    }
}
