import ArgumentParser
import SQLPipeCore

extension UserCommand {
    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change a user's username, password or admin right.",
            discussion: "Only what is given changes. The store always keeps at least one admin.")

        @Argument(help: "The user's id or username.")
        var user: String
        @Option(help: "A new username.")
        var username: String?
        @Flag(inversion: .prefixedNo, help: "Grant or revoke the admin right.")
        var admin: Bool?
        @OptionGroup var password: PasswordOptions
        @OptionGroup var global: GlobalOptions

        func validate() throws {
            if username == nil, admin == nil, !password.isGiven {
                throw ValidationError(
                    "Nothing to change: give --username, --admin/--no-admin or a --password-* option.")
            }
        }

        func run() async throws {
            let newPassword = try password.read(prompt: "New password for \(user): ", confirm: true)
            let updated = try await global.open().users.update(
                user, UserInput(username: username, password: newPassword, admin: admin))
            if global.json {
                try Output(json: true).one("user", updated, fields: [])
            } else {
                global.output.confirmation(
                    "updated \(updated.admin ? "admin" : "user") \(updated.username) (id \(updated.id))")
            }
        }
    }
}
