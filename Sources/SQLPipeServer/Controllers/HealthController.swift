import Hummingbird
import SQLPipeCore

/// `GET /api/v1/healthcheck`: no credentials; says whether the store answers, which kind it is, and the
/// version. Why it does not answer goes to the log only: the store's error names its path, which is nobody
/// else's business.
struct HealthController {
    struct Health: Encodable, Sendable {
        struct Store: Encodable, Sendable {
            /// `sqlite` or `postgresql`.
            var kind: String
            var reachable: Bool
        }

        var status: String
        var version: String
        var store: Store
        var error: String?
    }

    let users: UserService
    let storeKind: String

    func addRoutes(to routes: RouteTable) {
        routes.add(.get, "/api/v1/healthcheck", access: .open, handler: check)
    }

    @Sendable func check(_ request: Request, context: APIRequestContext) async throws -> Response {
        do {
            _ = try await users.count()
            return JSONResponse.make(
                .ok,
                Health(
                    status: "available", version: SQLPipe.version, store: .init(kind: storeKind, reachable: true)))
        } catch {
            context.logger.error("healthcheck: the store does not answer", metadata: ["error": "\(error)"])
            return JSONResponse.make(
                .serviceUnavailable,
                Health(
                    status: "unavailable", version: SQLPipe.version, store: .init(kind: storeKind, reachable: false),
                    error: "the metadata store does not answer"))
        }
    }
}
