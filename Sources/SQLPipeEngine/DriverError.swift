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
        var text = clientMessage.trimmingCharacters(in: .whitespacesAndNewlines)
        if !secret.isEmpty {
            text = text.replacingOccurrences(of: secret, with: "********")
        }
        self.init(text.isEmpty ? "unknown error" : text, code: code)
    }

    public var description: String { message }
}
