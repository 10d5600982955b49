import ArgumentParser
import SQLPipeCore

extension UserCommand {
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Add a user. The password is asked for on a terminal, or read with --password-stdin or --password-env.",
            discussion: """
                Usernames are 5 to 30 letters, digits and underscores, starting with a letter; passwords 8 to 72 \
                characters. Example, the first admin of a new store:
                  sqlpipe user create --username admin_1 --admin
                """)

        @Option(help: "Letters, digits and underscores, 5 to 30, starting with a letter.")
        var username: String
        @Flag(help: "May manage connections and users, and delete transfers and queries.")
        var admin = false
        @OptionGroup var password: PasswordOptions
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let given: String?
            if password.isGiven {
                given = try password.read(prompt: "Password for \(username): ", confirm: true)
            } else if Terminal.inputIsTerminal {
                given = try Terminal.askPassword("Password for \(username): ", confirm: true)
            } else {
                throw SQLPipeError.badInput("no password given: use --password-stdin or --password-env VAR")
            }
            let user = try await global.open().users.create(
                UserInput(username: username, password: given, admin: admin))
            if global.json {
                try Output(json: true).one("user", user, fields: [])
            } else {
                global.output.confirmation("created \(user.admin ? "admin" : "user") \(user.username) (id \(user.id))")
            }
        }
    }
}
