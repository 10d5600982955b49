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

    /// Builds the error from a client library's message, with the password cut out: a server may echo
    /// what it was sent, and no message may ever show a secret.
    init(clientMessage: String, code: String? = nil, hiding secret: String) {
        // One line: libpq breaks its messages with "\n\t", and the CLI prints an error on one line.
        var text = clientMessage.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }.joined(separator: " ")
        if !secret.isEmpty {
            text = text.replacingOccurrences(of: secret, with: "********")
        }
        self.init(text.isEmpty ? "unknown error" : text, code: code)
    }

    public var description: String { message }
}
