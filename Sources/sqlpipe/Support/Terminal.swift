import Foundation
import SQLPipeCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

enum Terminal {
    static var inputIsTerminal: Bool { isatty(STDIN_FILENO) == 1 }
    static var errorIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    /// Reads a line from the terminal with echo off.
    static func askPassword(_ prompt: String, confirm: Bool = false) throws -> String {
        guard inputIsTerminal else {
            throw SQLPipeError.badInput(
                "cannot ask for a password: standard input is not a terminal (use --password-stdin or --password-env)")
        }
        let first = try readHidden(prompt)
        if confirm {
            let second = try readHidden("Again: ")
            guard first == second else { throw SQLPipeError.badInput("the two passwords differ") }
        }
        return first
    }

    private static func readHidden(_ prompt: String) throws -> String {
        printError(prompt, terminator: "")
        var saved = termios()
        tcgetattr(STDIN_FILENO, &saved)
        var silent = saved
        silent.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &silent)
        defer {
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved)
            printError("")
        }
        guard let line = readLine(strippingNewline: true) else {
            throw SQLPipeError.badInput("no password was entered")
        }
        return line
    }
}

/// One line on stderr, its control characters escaped (`TerminalText`): messages quote what databases and
/// API users wrote.
func printError(_ text: String, terminator: String = "\n") {
    FileHandle.standardError.write(Data((TerminalText.escaped(text) + terminator).utf8))
}

/// One line on stdout, its control characters escaped.
func printLine(_ text: String) {
    print(TerminalText.escaped(text))
}
