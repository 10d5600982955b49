import ArgumentParser
import SQLPipeCore

extension ConnectionCommand {
    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete a connection that no queued or running transfer or query uses.")

        @Argument(help: "The connection's id or name.")
        var connection: String
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let connections = try await global.open().connections
            let found = try await connections.get(connection)
            try await connections.delete(String(found.id))
            try global.output.message("connection '\(found.name)' (id \(found.id)) deleted")
        }
    }
}
