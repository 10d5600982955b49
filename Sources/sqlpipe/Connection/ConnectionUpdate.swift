import ArgumentParser
import SQLPipeCore

extension ConnectionCommand {
    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change a connection's fields; it must connect again unless --skip-test is given.",
            discussion: "Only the fields given change. A password changes only with a --password-* option.")

        @Argument(help: "The connection's id or name.")
        var connection: String
        @OptionGroup var fields: ConnectionFields
        @OptionGroup var password: PasswordOptions
        @Flag(help: "Store the change without connecting first.")
        var skipTest = false
        @Option(
            help: ArgumentHelp(
                "Whether only admins may name it in transfers and queries through the API.", valueName: "true|false"))
        var restricted: Bool?
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let connections = try await global.open().connections
            let stored = try await connections.get(connection)
            var patch = try fields.input(fillDefaults: false, storedSystem: stored.dsType)
            patch.restricted = restricted
            if let given = try password.read(prompt: "New password for \(connection): ") {
                patch.password = given
            }
            let updated = try await connections.update(String(stored.id), patch, checkConnectivity: !skipTest)
            if global.json {
                try Output(json: true).one("connection", updated, fields: [])
            } else {
                global.output.confirmation("updated connection \(updated.name) (id \(updated.id)): \(updated.summary)")
            }
        }
    }
}
