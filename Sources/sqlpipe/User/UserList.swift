import ArgumentParser
import SQLPipeCore

extension UserCommand {
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List users.")

        @OptionGroup var paging: ListOptions
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let request = try paging.request()
            let page = try await global.open().users.list(request)
            try Output(json: global.json).page("users", page, columns: ["ID", "USERNAME", "ADMIN", "CREATED"]) { user in
                [String(user.id), user.username, user.admin ? "yes" : "no", Formatting.timestamp(user.createdAt)]
            }
        }
    }
}
