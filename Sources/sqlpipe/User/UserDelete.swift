import ArgumentParser
import SQLPipeCore

extension UserCommand {
    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a user (never the last admin).")

        @Argument(help: "The user's id or username.")
        var user: String
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let users = try await global.open().users
            let found = try await users.get(user)
            try await users.delete(String(found.id))
            try global.output.message("user '\(found.username)' (id \(found.id)) deleted")
        }
    }
}
