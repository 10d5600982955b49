import Foundation
import Hummingbird
import SQLPipeCore

/// `/api/v1/replications`, their runs, `/api/v1/replication-runs/{id}` and
/// `/api/v1/cancel-replication-run/{id}`. Admins define replications; any user may run them and read runs.
struct ReplicationsController {
    let replications: ReplicationService
    let workers: WorkerPool?

    func addRoutes(to routes: RouteTable) {
        routes.add(.post, "/api/v1/replications", access: .admin, handler: create)
        routes.add(.get, "/api/v1/replications", access: .user, handler: list)
        routes.add(.get, "/api/v1/replications/:id", access: .user, handler: show)
        routes.add(.patch, "/api/v1/replications/:id", access: .admin, handler: update)
        routes.add(.delete, "/api/v1/replications/:id", access: .admin, handler: delete)
        routes.add(.post, "/api/v1/replications/:id/runs", access: .user, handler: startRun)
        routes.add(.get, "/api/v1/replications/:id/runs", access: .user, handler: runs)
        routes.add(.get, "/api/v1/replication-runs/:id", access: .user, handler: showRun)
        routes.add(.patch, "/api/v1/cancel-replication-run/:id", access: .user, handler: cancelRun)
    }

    /// The body is the definition, as JSON: the same fields as the YAML, checked the same way.
    @Sendable func create(_ request: Request, context: APIRequestContext) async throws -> Response {
        let text = try await Self.text(of: request, context: context)
        let replication = try await replications.create(
            try ReplicationDefinition.parse(text), by: try context.caller())
        return JSONResponse.make(.created, Envelope("replication", replication))
    }

    @Sendable func list(_ request: Request, context: APIRequestContext) async throws -> Response {
        let page = try await replications.list(try request.pageRequest())
        return JSONResponse.make(.ok, Envelope<[Replication]>.page("replications", page))
    }

    @Sendable func show(_ request: Request, context: APIRequestContext) async throws -> Response {
        let replication = try await replications.get(String(try context.parameters.id("replication")))
        return JSONResponse.make(.ok, Envelope("replication", replication))
    }

    /// The fields given replace the stored ones (`streams` as a whole); the others stay.
    @Sendable func update(_ request: Request, context: APIRequestContext) async throws -> Response {
        let id = try context.parameters.id("replication")
        let text = try await Self.text(of: request, context: context)
        let replication = try await replications.update(
            String(id), with: try ReplicationDefinition.parse(text),
            onlyFields: ReplicationDefinition.presentFields(in: text), by: try context.caller())
        return JSONResponse.make(.ok, Envelope("replication", replication))
    }

    @Sendable func delete(_ request: Request, context: APIRequestContext) async throws -> Response {
        let id = try context.parameters.id("replication")
        try await replications.delete(String(id), by: try context.caller())
        return JSONResponse.make(.ok, Envelope.message("replication \(id) deleted"))
    }

    /// 202: a worker runs it. An optional body `{"stream": "pattern"}` runs only the streams it matches.
    @Sendable func startRun(_ request: Request, context: APIRequestContext) async throws -> Response {
        let id = try context.parameters.id("replication")
        var filter: String?
        if request.hasBody {
            filter = try await RequestBody.decode(
                RunRequest.self, fields: ["stream"], from: request, context: context
            ).stream
        }
        let run = try await replications.startRun(String(id), streams: filter, by: try context.caller())
        workers?.submitted()
        return JSONResponse.make(.accepted, Envelope("run", run))
    }

    @Sendable func runs(_ request: Request, context: APIRequestContext) async throws -> Response {
        let id = try context.parameters.id("replication")
        let page = try await replications.runs(of: String(id), try request.pageRequest(defaultSort: "-id"))
        return JSONResponse.make(.ok, Envelope<[ReplicationRun]>.page("runs", page))
    }

    @Sendable func showRun(_ request: Request, context: APIRequestContext) async throws -> Response {
        let run = try await replications.getRun(try context.parameters.id("replication run"))
        return JSONResponse.make(.ok, Envelope("run", run))
    }

    /// A queued run ends `cancelled` at once; a running one is asked to stop (its streams' targets are
    /// rolled back).
    @Sendable func cancelRun(_ request: Request, context: APIRequestContext) async throws -> Response {
        let id = try context.parameters.id("replication run")
        let run = try await replications.cancelRun(id)
        workers?.cancelRunning(.replicationRun, id: id)
        return JSONResponse.make(.ok, Envelope("run", run))
    }

    private static func text(of request: Request, context: APIRequestContext) async throws -> String {
        let data = try await RequestBody.data(of: request, context: context)
        guard let text = String(data: data, encoding: .utf8) else {
            throw APIError.badRequest("the request body is not UTF-8")
        }
        return text
    }
}

private struct RunRequest: Decodable {
    var stream: String?
}
