import Hummingbird
import SQLPipeCore

/// `GET /api/v1/healthcheck`: no credentials; says whether the store answers, and the version.
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
            return JSONResponse.make(
                .serviceUnavailable, Health(status: "unavailable", version: SQLPipe.version, error: "\(error)"))
        }
    }
}
