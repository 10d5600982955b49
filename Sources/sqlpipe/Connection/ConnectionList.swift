import ArgumentParser
import SQLPipeCore

extension ConnectionCommand {
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List connections.")

        @OptionGroup var paging: ListOptions
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let request = try paging.request()
            let page = try await global.open().connections.list(request)
            try Output(json: global.json).page(
                "connections", page, columns: ["ID", "NAME", "TYPE", "HOST", "PORT", "DATABASE", "USER", "CREATED"]
            ) { connection in
                [
                    String(connection.id), connection.name, connection.dsType.rawValue, connection.hostname,
                    connection.port.map(String.init) ?? "", connection.dbName, connection.username,
                    Formatting.timestamp(connection.createdAt),
                ]
            }
        }
    }
}
