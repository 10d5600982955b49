import Foundation
import Hummingbird
import HummingbirdAuth
import Logging
import SQLPipeCore

/// HTTP Basic Auth on every route but the healthcheck. A request without valid credentials stops here
/// with 401 (and `WWW-Authenticate`); an address with too many recent failures gets 429.
struct BasicAuthMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext

    let users: UserService
    let cache: CredentialCache
    let limiter: LoginRateLimiter

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let basic = request.headers.basic else {
            throw APIError.unauthorized("authentication required (HTTP Basic Auth)")
        }
        if let seconds = limiter.retryAfter(context.clientAddress) {
            throw APIError.tooManyRequests(retryAfterSeconds: seconds)
        }
        guard let user = try await authenticate(username: basic.username, password: basic.password) else {
            limiter.recordFailure(context.clientAddress)
            context.logger.notice(
                "failed login", metadata: ["user": "\(basic.username)", "client": "\(context.clientAddress)"])
            throw APIError.unauthorized("wrong username or password")
        }
        var context = context
        context.identity = AuthenticatedUser(id: user.id, username: user.username, admin: user.admin)
        context.note.user = user.username
        return try await next(request, context)
    }

    /// The user these credentials belong to now, or nil.
    func authenticate(username: String, password: String) async throws -> User? {
        let key = cache.key(username: username, password: password)
        if let entry = cache.entry(key) {
            // Verified a moment ago: valid while the stored credentials are still the ones verified.
            if let current = try await users.credentials(username: username),
                constantTimeEqual(current.fingerprint, entry.fingerprint)
            {
                return current.user
            }
            cache.remove(key)
        }
        guard let verified = try await users.verify(username: username, password: password) else { return nil }
        cache.store(key, username: username, fingerprint: verified.fingerprint)
        return verified.user
    }
}
