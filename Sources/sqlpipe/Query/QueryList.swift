import ArgumentParser
import SQLPipeCore

extension QueryCommand {
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List queries.")

        @OptionGroup var paging: ListOptions
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let request = try paging.request()
            let page = try await global.open().queries.list(request)
            try Output(json: global.json).page(
                "queries", page, columns: ["ID", "STATUS", "CONNECTION", "ROWS AFFECTED", "CREATED", "BY", "QUERY"]
            ) { query in
                [
                    String(query.id), query.status.rawValue, query.connectionId.map(String.init) ?? "-",
                    query.rowsAffected.map(String.init) ?? "", Formatting.timestamp(query.createdAt), query.createdBy,
                    String(query.query.prefix(50)),
                ]
            }
        }
    }
}
