import HTTPTypes
import Hummingbird
import NIOCore

/// Who may call a route.
public enum Access: String, Sendable {
    /// No credentials (only the healthcheck).
    case open
    /// Any authenticated user.
    case user
    /// An authenticated admin; others get 403.
    case admin
}

/// One route the server registers: what the OpenAPI document must list, and what 405 answers are made from.
public struct Endpoint: Sendable, Hashable, CustomStringConvertible {
    public var method: HTTPRequest.Method
    /// As the router takes it, e.g. `/api/v1/transfers/:id`.
    public var path: String
    public var access: Access

    /// The path as OpenAPI writes it: `/api/v1/transfers/{id}`.
    public var openAPIPath: String {
        path.split(separator: "/", omittingEmptySubsequences: false).map { part in
            part.hasPrefix(":") ? "{\(part.dropFirst())}" : String(part)
        }.joined(separator: "/")
    }

    public var description: String { "\(method.rawValue) \(openAPIPath)" }
}

/// A controller adds its routes through this, which records each endpoint and puts the access check in
/// front of its handler.
public final class RouteTable: @unchecked Sendable {
    typealias Context = APIRequestContext
    typealias Handler = @Sendable (Request, Context) async throws -> Response

    private let open: Router<Context>
    private let authenticated: RouterGroup<Context>
    public private(set) var endpoints: [Endpoint] = []

    init(open: Router<Context>, authenticated: RouterGroup<Context>) {
        self.open = open
        self.authenticated = authenticated
    }

    func add(_ method: HTTPRequest.Method, _ path: String, access: Access, handler: @escaping Handler) {
        endpoints.append(Endpoint(method: method, path: path, access: access))
        switch access {
        case .open:
            open.on(RouterPath(path), method: method, use: { request, context in try await handler(request, context) })
        case .user:
            authenticated.on(
                RouterPath(path), method: method,
                use: { request, context in
                    _ = try context.requireUser()
                    return try await handler(request, context)
                })
        case .admin:
            authenticated.on(
                RouterPath(path), method: method,
                use: { request, context in
                    let user = try context.requireUser()
                    guard user.admin else {
                        throw APIError.forbidden("\(request.method.rawValue) \(request.uri.path) is for admins only")
                    }
                    return try await handler(request, context)
                })
        }
    }

    /// Every method a path does not have answers 405 with the ones it has, before any authentication.
    func addMethodNotAllowed() {
        let methods: [HTTPRequest.Method] = [.get, .head, .post, .put, .patch, .delete, .options]
        var byPath: [String: [HTTPRequest.Method]] = [:]
        var order: [String] = []
        for endpoint in endpoints {
            if byPath[endpoint.path] == nil { order.append(endpoint.path) }
            byPath[endpoint.path, default: []].append(endpoint.method)
        }
        for path in order {
            let allowed = byPath[path] ?? []
            let allowedNames = allowed.map(\.rawValue)
            for method in methods where !allowed.contains(method) {
                open.on(
                    RouterPath(path), method: method,
                    use: { request, _ -> Response in
                        throw APIError.methodNotAllowed(
                            method: request.method.rawValue, path: request.uri.path, allowed: allowedNames)
                    })
            }
        }
    }
}

extension Parameters {
    /// The `{id}` of a path as a record id; anything else names no record.
    func id(_ noun: String, key: String = "id") throws -> Int64 {
        let raw = self.get(key) ?? ""
        guard let id = Int64(raw), id > 0 else {
            throw APIError.notFound("no \(noun) with id '\(raw)' (an id is a positive integer)")
        }
        return id
    }
}
