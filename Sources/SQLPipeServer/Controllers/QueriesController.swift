import Hummingbird
import SQLPipeCore

/// `/api/v1/queries` and `/api/v1/cancel-query/{id}`.
struct QueriesController {
    static let createFields = ["connectionId", "query"]

    let queries: QueryService
    let workers: WorkerPool?

    func addRoutes(to routes: RouteTable) {
        routes.add(.post, "/api/v1/queries", access: .user, handler: create)
        routes.add(.get, "/api/v1/queries", access: .user, handler: list)
        routes.add(.get, "/api/v1/queries/:id", access: .user, handler: show)
        routes.add(.patch, "/api/v1/cancel-query/:id", access: .user, handler: cancel)
        routes.add(.delete, "/api/v1/queries/:id", access: .admin, handler: delete)
    }

    /// 202: it runs in the background; its result preview appears in `result` when it completes.
    @Sendable func create(_ request: Request, context: APIRequestContext) async throws -> Response {
        let caller = try context.caller()
        let input = try await RequestBody.decode(
            QueryInput.self, fields: Self.createFields, from: request, context: context)
        let query = try await queries.create(input, by: caller)
        workers?.submitted()
        return JSONResponse.make(.accepted, Envelope("query", query))
    }

    /// Never with `result`: that is in details only.
    @Sendable func list(_ request: Request, context: APIRequestContext) async throws -> Response {
        let page = try await queries.list(try request.pageRequest())
        return JSONResponse.make(.ok, Envelope<[Query]>.page("queries", page))
    }

    /// `result` only for the query's creator and admins; to anyone else the field is absent.
    @Sendable func show(_ request: Request, context: APIRequestContext) async throws -> Response {
        let query = try await queries.get(try context.parameters.id("query"), for: try context.caller())
        return JSONResponse.make(.ok, Envelope("query", query))
    }

    /// A queued query ends `cancelled` at once; a running one is stopped on its server.
    @Sendable func cancel(_ request: Request, context: APIRequestContext) async throws -> Response {
        let id = try context.parameters.id("query")
        let query = try await queries.cancel(id, for: try context.caller())
        workers?.cancelRunning(.query, id: id)
        return JSONResponse.make(.ok, Envelope("query", query))
    }

    @Sendable func delete(_ request: Request, context: APIRequestContext) async throws -> Response {
        let id = try context.parameters.id("query")
        try await queries.delete(id)
        return JSONResponse.make(.ok, Envelope.message("query \(id) deleted"))
    }
}
