import ArgumentParser
import SQLPipeCore

extension UserCommand {
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a user.")

        @Argument(help: "The user's id or username.")
        var user: String
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let found = try await global.open().users.get(user)
            try Output(json: global.json).one("user", found, fields: found.detailFields)
        }
    }
}
