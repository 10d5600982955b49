import ArgumentParser
import SQLPipeCore

struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract: "Manage the users who may call the REST API of `sqlpipe serve`.",
        discussion: "A user is named by its id or its username.",
        subcommands: [Create.self, List.self, Show.self, Update.self, Delete.self]
    )
}

extension User {
    var detailFields: [(String, String)] {
        [
            ("id", String(id)), ("username", username), ("admin", admin ? "yes" : "no"),
            ("createdAt", Formatting.timestamp(createdAt)),
        ]
    }
}
