import Hummingbird
import SQLPipeCore

/// `/api/v1/users` (admins only), and the reference's singular `DELETE /api/v1/user/{id}`.
struct UsersController {
    static let fields = ["username", "password", "admin"]

    let users: UserService

    func addRoutes(to routes: RouteTable) {
        routes.add(.post, "/api/v1/users", access: .admin, handler: create)
        routes.add(.get, "/api/v1/users", access: .admin, handler: list)
        routes.add(.get, "/api/v1/users/:id", access: .admin, handler: show)
        routes.add(.patch, "/api/v1/users/:id", access: .admin, handler: update)
        routes.add(.delete, "/api/v1/users/:id", access: .admin, handler: delete)
        routes.add(.delete, "/api/v1/user/:id", access: .admin, handler: delete)
    }

    @Sendable func create(_ request: Request, context: APIRequestContext) async throws -> Response {
        let input = try await RequestBody.decode(UserInput.self, fields: Self.fields, from: request, context: context)
        let user = try await users.create(input)
        return JSONResponse.make(.created, Envelope("user", user))
    }

    @Sendable func list(_ request: Request, context: APIRequestContext) async throws -> Response {
        let page = try await users.list(try request.pageRequest())
        return JSONResponse.make(.ok, Envelope<[User]>.page("users", page))
    }

    @Sendable func show(_ request: Request, context: APIRequestContext) async throws -> Response {
        let user = try await users.get(String(try context.parameters.id("user")))
        return JSONResponse.make(.ok, Envelope("user", user))
    }

    /// Any subset of `username`, `password`, `admin`. A new password or name takes effect at once: the
    /// credential cache notices the change on the user's next request.
    @Sendable func update(_ request: Request, context: APIRequestContext) async throws -> Response {
        let id = try context.parameters.id("user")
        let patch = try await RequestBody.decode(UserInput.self, fields: Self.fields, from: request, context: context)
        let user = try await users.update(String(id), patch)
        return JSONResponse.make(.ok, Envelope("user", user))
    }

    @Sendable func delete(_ request: Request, context: APIRequestContext) async throws -> Response {
        let id = try context.parameters.id("user")
        try await users.delete(String(id))
        return JSONResponse.make(.ok, Envelope.message("user \(id) deleted"))
    }
}
