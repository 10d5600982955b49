import Hummingbird
import SQLPipeCore

/// `/api/v1/connections` (admins only), and the reference's singular `DELETE /api/v1/connection/{id}`.
struct ConnectionsController {
    static let fields = [
        "name", "dsType", "hostname", "port", "dbName", "username", "accountId", "params", "password", "restricted",
    ]

    let connections: ConnectionService

    func addRoutes(to routes: RouteTable) {
        routes.add(.post, "/api/v1/connections", access: .admin, handler: create)
        routes.add(.get, "/api/v1/connections", access: .admin, handler: list)
        routes.add(.get, "/api/v1/connections/:id", access: .admin, handler: show)
        routes.add(.patch, "/api/v1/connections/:id", access: .admin, handler: update)
        routes.add(.delete, "/api/v1/connections/:id", access: .admin, handler: delete)
        routes.add(.delete, "/api/v1/connection/:id", access: .admin, handler: delete)
    }

    /// 201. The connection must connect first, unless `?skip_test=true` (the CLI's `--skip-test`).
    @Sendable func create(_ request: Request, context: APIRequestContext) async throws -> Response {
        let skipTest = try request.flag("skip_test")
        let input = try await RequestBody.decode(
            ConnectionInput.self, fields: Self.fields, from: request, context: context)
        let connection = try await connections.create(input, checkConnectivity: !skipTest)
        return JSONResponse.make(.created, Envelope("connection", connection))
    }

    @Sendable func list(_ request: Request, context: APIRequestContext) async throws -> Response {
        let page = try await connections.list(try request.pageRequest())
        return JSONResponse.make(.ok, Envelope<[Connection]>.page("connections", page))
    }

    /// Details, with `canConnect` from a live check of a few seconds at most.
    @Sendable func show(_ request: Request, context: APIRequestContext) async throws -> Response {
        let id = try context.parameters.id("connection")
        let connection = try await connections.get(String(id), checkConnectivity: true)
        return JSONResponse.make(.ok, Envelope("connection", connection))
    }

    /// Any subset of the create fields. A change of where it connects must connect, unless `?skip_test=true`.
    @Sendable func update(_ request: Request, context: APIRequestContext) async throws -> Response {
        let id = try context.parameters.id("connection")
        let skipTest = try request.flag("skip_test")
        let patch = try await RequestBody.decode(
            ConnectionInput.self, fields: Self.fields, from: request, context: context)
        let connection = try await connections.update(String(id), patch, checkConnectivity: !skipTest)
        return JSONResponse.make(.ok, Envelope("connection", connection))
    }

    @Sendable func delete(_ request: Request, context: APIRequestContext) async throws -> Response {
        let id = try context.parameters.id("connection")
        try await connections.delete(String(id))
        return JSONResponse.make(.ok, Envelope.message("connection \(id) deleted"))
    }
}
