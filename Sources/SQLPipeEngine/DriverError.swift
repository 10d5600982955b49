import Foundation

/// A failure reported by a database or its client library, in its own words.
public struct DriverError: Error, CustomStringConvertible, Sendable {
    public var message: String
    /// The server's or library's error code, where it has one (SQLSTATE for PostgreSQL).
    public var code: String?

    public init(_ message: String, code: String? = nil) {
        self.message = message
        self.code = code
    }

    /// Builds the error from a client library's message, on one line (libpq breaks its messages with
    /// "\n\t", and the CLI prints an error on one line).
    ///
    /// A connect error has the connection's secrets cut out: a server may echo what it was sent. Errors of
    /// statements hide nothing, as a masked password in the answer to a user's own query would tell a
    /// guesser that the guess was right.
    init(clientMessage: String, code: String? = nil, hiding secrets: [String] = []) {
        var text = clientMessage.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }.joined(separator: " ")
        for secret in secrets where !secret.isEmpty {
            text = text.replacingOccurrences(of: secret, with: "********")
        }
        self.init(text.isEmpty ? "unknown error" : text, code: code)
    }

    public var description: String { message }
}
