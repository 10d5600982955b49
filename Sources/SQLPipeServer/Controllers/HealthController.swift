import Hummingbird
import SQLPipeCore

/// `GET /api/v1/healthcheck`: no credentials; says whether the store answers, and the version. Why it does
/// not answer goes to the log only: the store's error names its path, which is nobody else's business.
struct HealthController {
    struct Health: Encodable, Sendable {
        var status: String
        var version: String
        var error: String?
    }

    let users: UserService

    func addRoutes(to routes: RouteTable) {
        routes.add(.get, "/api/v1/healthcheck", access: .open, handler: check)
    }

    @Sendable func check(_ request: Request, context: APIRequestContext) async throws -> Response {
        do {
            _ = try await users.count()
            return JSONResponse.make(.ok, Health(status: "available", version: SQLPipe.version))
        } catch {
            context.logger.error("healthcheck: the store does not answer", metadata: ["error": "\(error)"])
            return JSONResponse.make(
                .serviceUnavailable,
                Health(status: "unavailable", version: SQLPipe.version, error: "the metadata store does not answer"))
        }
    }
}
