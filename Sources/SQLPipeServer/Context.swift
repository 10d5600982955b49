import Foundation
import Hummingbird
import HummingbirdAuth
import NIOCore
import SQLPipeCore

/// Who made a request: the user that HTTP Basic Auth verified.
public struct AuthenticatedUser: Sendable, Equatable {
    public var id: Int64
    public var username: String
    public var admin: Bool
}

/// What one request carries through the middlewares: the verified user, the client's address (for the
/// failed-login limit) and a note for the request log of who it was.
public struct APIRequestContext: AuthRequestContext, RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var identity: AuthenticatedUser?
    /// The client's IP address, or "local" when there is no socket (in-process tests).
    public let clientAddress: String
    /// Shared with the request log, which wraps the authenticator and so cannot see `identity`.
    let note: RequestNote

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        identity = nil
        clientAddress = source.channel.remoteAddress?.ipAddress ?? "local"
        note = RequestNote()
    }

    /// Bodies over 1 MiB are refused with 413.
    public var maxUploadSize: Int { APILimits.maximumBodySize }

    public func requireUser() throws -> AuthenticatedUser {
        guard let identity else { throw APIError.unauthorized("authentication required") }
        return identity
    }
}

public enum APILimits {
    public static let maximumBodySize = 1 << 20
}

/// A per-request box the request log reads after the inner middlewares ran.
final class RequestNote: @unchecked Sendable {
    private let lock = NSLock()
    private var _user: String?

    var user: String? {
        get { lock.withLock { _user } }
        set { lock.withLock { _user = newValue } }
    }
}
