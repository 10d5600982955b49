import Hummingbird
import SQLPipeCore

/// `/api/v1/transfers` and `/api/v1/cancel-transfer/{id}`.
struct TransfersController {
    static let createFields = [
        "sourceID", "targetID", "sourceFile", "targetFile", "query", "targetSchema", "targetTable", "overwrite",
        "mode", "primaryKey", "deleteMissing", "cursorColumn",
    ]

    let transfers: TransferService
    let workers: WorkerPool?

    func addRoutes(to routes: RouteTable) {
        routes.add(.post, "/api/v1/transfers", access: .user, handler: create)
        routes.add(.get, "/api/v1/transfers", access: .user, handler: list)
        routes.add(.get, "/api/v1/transfers/:id", access: .user, handler: show)
        routes.add(.patch, "/api/v1/cancel-transfer/:id", access: .user, handler: cancel)
        routes.add(.delete, "/api/v1/transfers/:id", access: .admin, handler: delete)
    }

    /// 202: it runs in the background.
    @Sendable func create(_ request: Request, context: APIRequestContext) async throws -> Response {
        let caller = try context.caller()
        let input = try await RequestBody.decode(
            TransferInput.self, fields: Self.createFields, from: request, context: context)
        let transfer = try await transfers.create(input, by: caller)
        workers?.submitted()
        return JSONResponse.transfer(.accepted, transfer)
    }

    @Sendable func list(_ request: Request, context: APIRequestContext) async throws -> Response {
        let page = try await transfers.list(try request.pageRequest())
        return JSONResponse.transfers(.ok, page)
    }

    @Sendable func show(_ request: Request, context: APIRequestContext) async throws -> Response {
        let transfer = try await transfers.get(try context.parameters.id("transfer"))
        return JSONResponse.transfer(.ok, transfer)
    }

    /// A queued transfer ends `cancelled` at once; a running one is asked to stop (its target is rolled back).
    @Sendable func cancel(_ request: Request, context: APIRequestContext) async throws -> Response {
        let id = try context.parameters.id("transfer")
        let transfer = try await transfers.cancel(id)
        workers?.cancelRunning(.transfer, id: id)
        return JSONResponse.transfer(.ok, transfer)
    }

    @Sendable func delete(_ request: Request, context: APIRequestContext) async throws -> Response {
        let id = try context.parameters.id("transfer")
        try await transfers.delete(id)
        return JSONResponse.make(.ok, Envelope.message("transfer \(id) deleted"))
    }
}
