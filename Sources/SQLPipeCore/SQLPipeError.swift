/// Every failure the services report. The CLI prints it as one line; the server maps it to a status once.
public enum SQLPipeError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Input that breaks a rule, keyed by the API's field name.
    case validation([String: String])
    /// No record with that id or name.
    case notFound(String)
    /// The request clashes with what is stored: a duplicate name, a record in use, a finished transfer.
    case conflict(String)
    /// The database refused the connection, in the server's own words (never with the password).
    case connectionFailed(String)
    /// The store, the key file or the environment is not usable.
    case store(String)
    /// Input that is malformed rather than invalid: bad JSON, a bad URL.
    case badInput(String)
    /// The caller may not do this: a restricted connection named by a user who is not an admin.
    case forbidden(String)
    /// The caller has too much work queued or running already.
    case limitReached(String)
    /// Too busy to take this now; the same request may succeed a moment later.
    case overloaded(String)

    public var description: String {
        switch self {
        case .validation(let fields):
            let details = fields.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }
            return "invalid input: " + details.joined(separator: "; ")
        case .notFound(let message), .conflict(let message), .store(let message), .badInput(let message),
            .forbidden(let message), .limitReached(let message), .overloaded(let message):
            return message
        case .connectionFailed(let message):
            return "cannot connect: " + message
        }
    }
}
