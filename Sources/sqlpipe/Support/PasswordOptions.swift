import ArgumentParser
import Foundation
import SQLPipeCore

/// Where a password comes from. Never the command line itself: it would show in `ps` and shell history.
struct PasswordOptions: ParsableArguments {
    @Flag(help: "Read the password from the first line of standard input.")
    var passwordStdin = false

    @Option(help: ArgumentHelp("Read the password from this environment variable.", valueName: "var"))
    var passwordEnv: String?

    @Flag(help: "Ask for the password on the terminal.")
    var promptPassword = false

    func validate() throws {
        let sources = [passwordStdin, passwordEnv != nil, promptPassword].filter { $0 }.count
        if sources > 1 {
            throw ValidationError(
                "Give the password one way only: --password-stdin, --password-env or --prompt-password.")
        }
    }

    /// Whether the user named a source of a password.
    var isGiven: Bool { passwordStdin || passwordEnv != nil || promptPassword }

    /// The password from the named source, or nil when none was named.
    func read(prompt: String, confirm: Bool = false) throws -> String? {
        if passwordStdin {
            guard let line = readLine(strippingNewline: true) else {
                throw SQLPipeError.badInput("--password-stdin: standard input is empty")
            }
            return line
        }
        if let passwordEnv {
            guard let value = ProcessInfo.processInfo.environment[passwordEnv] else {
                throw SQLPipeError.badInput("--password-env: the environment variable \(passwordEnv) is not set")
            }
            return value
        }
        if promptPassword {
            return try Terminal.askPassword(prompt, confirm: confirm)
        }
        return nil
    }
}
