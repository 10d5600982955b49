import ArgumentParser
import SQLPipeCore

extension QueryCommand {
    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a query that is not running.")

        @Argument(help: "The query's id.")
        var id: Int64
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await global.open().queries.delete(id)
            try global.output.message("query \(id) deleted")
        }
    }
}
