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
    /// How much work it may have queued or running at once (`--max-queued-per-user`); nil for admins.
    public var maximumActiveRuns: Int?
}

/// What one request carries through the middlewares: the verified user, the client's address (for the
/// failed-login limit) and a note for the request log of who it was.
public struct APIRequestContext: AuthRequestContext, RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var identity: AuthenticatedUser?
    /// The client's IP address, or "local" when there is no socket (in-process tests). Behind a trusted
    /// proxy, `ClientAddressMiddleware` replaces the proxy's address with the client's.
    public var clientAddress: String
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

    /// The verified user as the services know a caller.
    public func caller() throws -> Caller {
        let user = try requireUser()
        return Caller(username: user.username, admin: user.admin, maximumActiveRuns: user.maximumActiveRuns)
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
