import ArgumentParser
import SQLPipeCore

extension QueryCommand {
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a query, with its stored result preview in --json.")

        @Argument(help: "The query's id.")
        var id: Int64
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let query = try await global.open().queries.get(id, for: .machine)
            try Output(json: global.json).one("query", query, fields: query.detailFields)
        }
    }
}
