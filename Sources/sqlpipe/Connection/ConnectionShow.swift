import ArgumentParser
import SQLPipeCore

extension ConnectionCommand {
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a connection, with a live check of whether it connects (canConnect).")

        @Argument(help: "The connection's id or name.")
        var connection: String
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let found = try await global.open().connections.get(connection, checkConnectivity: true)
            try Output(json: global.json).one("connection", found, fields: found.detailFields)
        }
    }
}
