import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import SQLPipeCore

/// Failures that belong to HTTP rather than to the services.
public enum APIError: Error, Equatable, Sendable {
    /// Missing or wrong credentials: 401 with `WWW-Authenticate: Basic realm="sqlpipe"`.
    case unauthorized(String)
    /// Authenticated, but the route is for admins: 403.
    case forbidden(String)
    /// The path exists, the method does not: 405 with `Allow`.
    case methodNotAllowed(method: String, path: String, allowed: [String])
    /// Malformed JSON, an unknown field, a value of the wrong type: 400, saying what was wrong.
    case badRequest(String)
    /// No route, or an id that is not one: 404.
    case notFound(String)
    /// A body over the limit: 413.
    case contentTooLarge
    /// A body that is not declared `application/json`: 415.
    case unsupportedMediaType(String?)
    /// Too many failed logins from one address: 429 with `Retry-After`.
    case tooManyRequests(retryAfterSeconds: Int)
    /// The route exists but this build cannot serve it yet: 501.
}

/// The one place where every error becomes an HTTP response. Service errors (`SQLPipeError`) map as follows:
///
/// | error | status | body |
/// |---|---|---|
/// | `validation` | 422 | `{"error": {"field": "message"}}` |
/// | `connectionFailed` | 422 | `{"error": "cannot connect: ..."}`: the request was well formed, but the database it names refused or could not be reached, which the client fixes by changing its input |
/// | `notFound` | 404 | `{"error": "..."}` |
/// | `conflict` | 409 | `{"error": "..."}` |
/// | `badInput` | 400 | `{"error": "..."}` |
/// | `forbidden` | 403 | `{"error": "..."}`: a restricted connection named by a user who is not an admin |
/// | `limitReached` | 429 | `{"error": "..."}`: too much work queued or running |
/// | `overloaded` | 503 | `{"error": "..."}` + `Retry-After: 1`: too many password checks waiting |
/// | `store` | 500 | `{"error": "..."}` |
enum ErrorMapping {
    static let realmHeader = #"Basic realm="sqlpipe""#

    static func response(for error: any Error, logger: Logger) -> Response {
        switch error {
        case let error as SQLPipeError:
            switch error {
            case .validation(let fields):
                return JSONResponse.make(.unprocessableContent, ErrorBody(fields: fields))
            case .connectionFailed:
                return plain(.unprocessableContent, error.description)
            case .notFound(let message):
                return plain(.notFound, message)
            case .conflict(let message):
                return plain(.conflict, message)
            case .badInput(let message):
                return plain(.badRequest, message)
            case .forbidden(let message):
                return plain(.forbidden, message)
            case .limitReached(let message):
                return plain(.tooManyRequests, message)
            case .overloaded(let message):
                var response = plain(.serviceUnavailable, message)
                response.headers[.retryAfter] = "1"
                return response
            case .store(let message):
                logger.error("store failure", metadata: ["error": "\(message)"])
                return plain(.internalServerError, message)
            }
        case let error as APIError:
            switch error {
            case .unauthorized(let message):
                var response = plain(.unauthorized, message)
                response.headers[.wwwAuthenticate] = realmHeader
                return response
            case .forbidden(let message):
                return plain(.forbidden, message)
            case .methodNotAllowed(let method, let path, let allowed):
                var response = plain(
                    .methodNotAllowed,
                    "\(method) is not allowed on \(path) (allowed: \(allowed.joined(separator: ", ")))")
                response.headers[.allow] = allowed.joined(separator: ", ")
                return response
            case .badRequest(let message):
                return plain(.badRequest, message)
            case .notFound(let message):
                return plain(.notFound, message)
            case .contentTooLarge:
                return plain(
                    .contentTooLarge, "the request body is larger than \(APILimits.maximumBodySize) bytes (1 MiB)")
            case .unsupportedMediaType(let given):
                return plain(
                    .unsupportedMediaType,
                    "a request body must be JSON, sent with Content-Type: application/json (got \(given ?? "none"))")
            case .tooManyRequests(let seconds):
                var response = plain(
                    .tooManyRequests, "too many failed logins from this address: try again in \(seconds) s")
                response.headers[.retryAfter] = String(seconds)
                return response
            }
        case is NIOTooManyBytesError:
            return response(for: APIError.contentTooLarge, logger: logger)
        case let error as HTTPError:
            if error.status == .unauthorized {
                return response(for: APIError.unauthorized(error.body ?? "authentication required"), logger: logger)
            }
            var response = plain(error.status, error.body ?? error.status.reasonPhrase.lowercased())
            response.headers.append(contentsOf: error.headers)
            return response
        case let error as any HTTPResponseError:
            return plain(error.status, error.status.reasonPhrase.lowercased())
        default:
            logger.error("unexpected error", metadata: ["error": "\(String(reflecting: error))"])
            return plain(.internalServerError, "internal error")
        }
    }

    static func plain(_ status: HTTPResponse.Status, _ message: String) -> Response {
        JSONResponse.make(status, ErrorBody(message: message))
    }
}

/// `{"error": "message"}` or, for validation, `{"error": {"field": "message"}}`.
struct ErrorBody: Encodable {
    var message: String?
    var fields: [String: String]?

    init(message: String) { self.message = message }
    init(fields: [String: String]) { self.fields = fields }

    enum CodingKeys: String, CodingKey { case error }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        if let fields {
            try container.encode(fields, forKey: .error)
        } else {
            try container.encode(message ?? "", forKey: .error)
        }
    }
}

/// Turns whatever the inner middlewares and handlers throw into a response, through `ErrorMapping`, and
/// counts the store's failures.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext

    let metrics: ServerMetrics

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound && error.body == nil {
            return ErrorMapping.plain(.notFound, "no route for \(request.method.rawValue) \(request.uri.path)")
        } catch {
            if case SQLPipeError.store = error { metrics.storeFailed(.request) }
            return ErrorMapping.response(for: error, logger: context.logger)
        }
    }
}

/// JSON responses through the one shared encoder (`JSONCoding.encoder()`): the same bytes as `--json`.
enum JSONResponse {
    static let encoder = JSONCoding.encoder()
    static let contentType = "application/json; charset=utf-8"

    static func make<Value: Encodable>(_ status: HTTPResponse.Status, _ value: Value) -> Response {
        let data: Data
        do {
            data = try encoder.encode(value)
        } catch {
            return Response(
                status: .internalServerError, headers: [.contentType: contentType],
                body: .init(byteBuffer: ByteBuffer(string: #"{"error":"cannot encode the response"}"#)))
        }
        return make(status, bytes: data)
    }

    /// Transfers, the busiest answers, are written by hand: the same bytes as the encoder (`FastJSONTests`
    /// holds them together), at a fraction of the cost. Named apart from `make`, which an
    /// `Envelope<Transfer>` also fits: an overload was passed over for the generic one.
    static func transfer(_ status: HTTPResponse.Status, _ transfer: Transfer) -> Response {
        make(status, bytes: Envelope("transfer", transfer).fastJSON())
    }

    static func transfers(_ status: HTTPResponse.Status, _ page: Page<Transfer>) -> Response {
        make(status, bytes: Envelope<[Transfer]>.page("transfers", page).fastJSON())
    }

    private static func make<Bytes: Collection>(_ status: HTTPResponse.Status, bytes: Bytes) -> Response
    where Bytes.Element == UInt8 {
        var buffer = ByteBufferAllocator().buffer(capacity: bytes.count + 1)
        buffer.writeBytes(bytes)
        buffer.writeInteger(UInt8(ascii: "\n"))
        return Response(status: status, headers: [.contentType: contentType], body: .init(byteBuffer: buffer))
    }
}
