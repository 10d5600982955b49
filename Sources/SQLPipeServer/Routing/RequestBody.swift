import Foundation
import Hummingbird
import NIOCore
import SQLPipeCore

/// Reads a JSON request body strictly: declared `application/json` (415), at most 1 MiB (413), well-formed
/// (400 with where it broke), an object, no field outside `fields` (400 naming it), each value of the right type (400 naming the field).
enum RequestBody {
    static func decode<Value: Decodable>(
        _ type: Value.Type, fields: [String], from request: Request, context: APIRequestContext
    ) async throws -> Value {
        try decode(type, fields: fields, from: try await data(of: request, context: context))
    }

    /// The body's bytes, once it is declared JSON and within the size limit.
    static func data(of request: Request, context: APIRequestContext) async throws -> Data {
        // Also here: a chunked body need not say so in a header the middleware sees.
        guard isJSON(request.headers[.contentType]) else {
            throw APIError.unsupportedMediaType(request.headers[.contentType])
        }
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > context.maxUploadSize {
            throw APIError.contentTooLarge
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: context.maxUploadSize)
        } catch is NIOTooManyBytesError {
            throw APIError.contentTooLarge
        }
        return Data(buffer.readableBytesView)
    }

    static func decode<Value: Decodable>(_ type: Value.Type, fields: [String], from data: Data) throws -> Value {
        if data.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            throw APIError.badRequest("the request body is empty: expected a JSON object")
        }
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            throw APIError.badRequest("malformed JSON: \(describe(error))")
        }
        guard let dictionary = object as? [String: Any] else {
            throw APIError.badRequest("expected a JSON object, got \(kind(of: object))")
        }
        let unknown = dictionary.keys.filter { !fields.contains($0) }.sorted()
        if !unknown.isEmpty {
            let names = unknown.map { "'\($0)'" }.joined(separator: ", ")
            throw APIError.badRequest(
                "unknown field\(unknown.count > 1 ? "s" : "") \(names) (known: \(fields.joined(separator: ", ")))")
        }
        do {
            return try JSONCoding.decoder().decode(Value.self, from: data)
        } catch let error as DecodingError {
            throw APIError.badRequest(describe(error))
        }
    }

    private static func describe(_ error: any Error) -> String {
        let nsError = error as NSError
        if let detail = nsError.userInfo["NSDebugDescription"] as? String { return detail }
        if let decoding = error as? DecodingError { return describe(decoding) }
        return nsError.localizedDescription
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let parts = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
            return parts.isEmpty ? "the body" : "field '\(parts.joined(separator: "."))'"
        }
        switch error {
        case .typeMismatch(let expected, let context):
            return "\(path(context)): expected \(name(of: expected))"
        case .valueNotFound(let expected, let context):
            return "\(path(context)): expected \(name(of: expected)), got null"
        case .keyNotFound(let key, _):
            return "field '\(key.stringValue)' is missing"
        case .dataCorrupted(let context):
            return "\(path(context)): \(context.debugDescription)"
        @unknown default:
            return "cannot read the body: \(error)"
        }
    }

    private static func name(of type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        case is Int.Type, is Int64.Type, is Int32.Type: "an integer"
        case is Double.Type: "a number"
        case is [String: String].Type, is [String: Any].Type: "an object of strings"
        case is [Any].Type: "an array"
        default: "a value of type \(type)"
        }
    }

    private static func kind(of value: Any) -> String {
        switch value {
        case is [Any]: "an array"
        case is String: "a string"
        case is NSNull: "null"
        case is NSNumber: "a number"
        default: "\(type(of: value))"
        }
    }
}

/// Refuses a body that is not declared JSON (415) before anything reads it or checks credentials. A web
/// page may post `text/plain` to any address without asking, and the browser would add its cached Basic
/// credentials; `application/json` from another origin needs a CORS preflight, which this server never grants.
struct JSONBodyMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        if request.hasBody, !RequestBody.isJSON(request.headers[.contentType]) {
            throw APIError.unsupportedMediaType(request.headers[.contentType])
        }
        return try await next(request, context)
    }
}

extension RequestBody {
    /// `application/json`, with or without parameters such as `; charset=utf-8`.
    static func isJSON(_ contentType: String?) -> Bool {
        guard let contentType else { return false }
        let mediaType = contentType.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false)[0]
        return mediaType.trimmingCharacters(in: .whitespaces).lowercased() == "application/json"
    }
}

extension Request {
    /// Whether the request carries a body: a non-zero `Content-Length`, or chunks.
    var hasBody: Bool {
        if let length = headers[.contentLength] { return length.trimmingCharacters(in: .whitespaces) != "0" }
        return headers[.transferEncoding] != nil
    }

    /// A query parameter as an integer; a value that is not one is a validation error on that parameter.
    func integerQuery(_ name: String, into problems: inout [String: String]) -> Int? {
        guard let raw = uri.queryParameters.get(name) else { return nil }
        guard let value = Int(raw) else {
            problems[name] = "must be an integer"
            return nil
        }
        return value
    }

    /// `page`, `page_size` and `sort`, checked as the CLI checks them (422 naming each bad one).
    /// `page`, `page_size` and `sort` of the query string; `defaultSort` when no sort is given.
    func pageRequest(defaultSort: String? = nil) throws -> PageRequest {
        var problems: [String: String] = [:]
        let page = integerQuery("page", into: &problems)
        let pageSize = integerQuery("page_size", into: &problems)
        let sort = uri.queryParameters.get("sort") ?? defaultSort
        do {
            let request = try PageRequest(page: page, pageSize: pageSize, sort: sort)
            if !problems.isEmpty { throw SQLPipeError.validation(problems) }
            return request
        } catch SQLPipeError.validation(let more) {
            throw SQLPipeError.validation(more.merging(problems) { _, new in new })
        }
    }

    /// A boolean query flag: `true`/`1`/`yes` or `false`/`0`/`no`.
    func flag(_ name: String) throws -> Bool {
        guard let raw = uri.queryParameters.get(name) else { return false }
        switch raw.lowercased() {
        case "", "true", "1", "yes": return true
        case "false", "0", "no": return false
        default: throw SQLPipeError.validation([name: "must be true or false"])
        }
    }
}
