import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdAuth
import Logging
import SQLPipeCore

/// Replaces the peer address with the client's when the peer is a trusted proxy (`ClientResolver`).
struct ClientAddressMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext

    let resolver: ClientResolver

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard !resolver.trustedProxies.isEmpty else { return try await next(request, context) }
        var context = context
        context.clientAddress = resolver.client(
            peer: context.clientAddress, forwardedFor: request.headers[values: .xForwardedFor])
        return try await next(request, context)
    }
}

extension HTTPField.Name {
    static let xForwardedFor = Self("X-Forwarded-For")!
}

/// HTTP Basic Auth on every route but the healthcheck. A request without valid credentials stops here
/// with 401 (and `WWW-Authenticate`). Credentials in use need no bcrypt, and overlapping checks of the same
/// credentials run it once (`VerificationFlights`); a check takes a token of the client's address first,
/// and an address with none left gets 429 before any bcrypt.
struct BasicAuthMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext

    let users: UserService
    let cache: CredentialCache
    let limiter: LoginRateLimiter
    let maximumQueuedPerUser: Int
    let flights = VerificationFlights()

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let basic = request.headers.basic else {
            throw APIError.unauthorized("authentication required (HTTP Basic Auth)")
        }
        guard
            let user = try await authenticate(
                username: basic.username, password: basic.password, client: context.clientAddress)
        else {
            context.logger.notice(
                "failed login", metadata: ["user": "\(basic.username)", "client": "\(context.clientAddress)"])
            throw APIError.unauthorized("wrong username or password")
        }
        var context = context
        context.identity = AuthenticatedUser(
            id: user.id, username: user.username, admin: user.admin,
            maximumActiveRuns: user.admin ? nil : maximumQueuedPerUser)
        context.note.user = user.username
        return try await next(request, context)
    }

    /// The user these credentials belong to now, or nil. `client` is the address whose tokens a check takes.
    func authenticate(username: String, password: String, client: String) async throws -> User? {
        let key = cache.key(username: username, password: password)
        if let entry = cache.entry(key) {
            // Verified before: valid while the stored credentials are still the ones verified.
            if let current = try await users.credentials(username: username),
                constantTimeEqual(current.fingerprint, entry.fingerprint)
            {
                return current.user
            }
            cache.remove(key)
        }
        let bucket = IPAddress(client)?.bucket ?? client
        let verified = try await flights.verify(key) {
            if case .refused(let seconds) = limiter.take(bucket) {
                throw APIError.tooManyRequests(retryAfterSeconds: seconds)
            }
            let verified: UserService.Credentials?
            do {
                verified = try await users.verify(username: username, password: password)
            } catch SQLPipeError.overloaded(let message) {
                // Refused before bcrypt ran: nothing was tried, so nothing is spent.
                limiter.refund(bucket)
                throw SQLPipeError.overloaded(message)
            }
            guard let verified else { return nil }
            limiter.refund(bucket)
            cache.store(key, username: username, fingerprint: verified.fingerprint)
            return verified
        }
        return verified?.user
    }
}
