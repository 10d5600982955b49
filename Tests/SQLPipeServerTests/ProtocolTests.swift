import Foundation
import HTTPTypes
import SQLPipeCore
import SQLPipeTestSupport
import Testing

@testable import SQLPipeServer

/// What every route shares: 405, 413, 404 for unknown paths, JSON errors.
@Suite struct ProtocolTests {
    /// Each path of the API with the methods it has.
    static let paths: [(String, Set<String>)] = [
        ("/api/v1/transfers", ["GET", "POST"]), ("/api/v1/transfers/1", ["GET", "DELETE"]),
        ("/api/v1/cancel-transfer/1", ["PATCH"]), ("/api/v1/queries", ["GET", "POST"]),
        ("/api/v1/queries/1", ["GET", "DELETE"]), ("/api/v1/cancel-query/1", ["PATCH"]),
        ("/api/v1/connections", ["GET", "POST"]), ("/api/v1/connections/1", ["GET", "PATCH", "DELETE"]),
        ("/api/v1/connection/1", ["DELETE"]), ("/api/v1/users", ["GET", "POST"]),
        ("/api/v1/users/1", ["GET", "PATCH", "DELETE"]), ("/api/v1/user/1", ["DELETE"]),
        ("/api/v1/healthcheck", ["GET"]),
    ]

    @Test(arguments: paths)
    func aMethodAPathDoesNotHaveAnswers405WithAllow(path: String, allowed: Set<String>) async throws {
        let harness = try await APIHarness()
        try await harness.test { (api: APIClient) async throws in
            for method in [HTTPRequest.Method.get, .post, .put, .patch, .delete]
            where !allowed.contains(method.rawValue) {
                let response = try await api.request(method, path, as: APIHarness.plain)
                #expect(response.status == .methodNotAllowed, "\(method) \(path)")
                #expect(Set((response.headers[.allow] ?? "").components(separatedBy: ", ")) == allowed)
                #expect(
                    response.errorMessage
                        == "\(method.rawValue) is not allowed on \(path) (allowed: \(response.headers[.allow] ?? ""))")
            }
        }
    }

    @Test func anUnknownPathAnswers404() async throws {
        let harness = try await APIHarness()
        try await harness.test { (api: APIClient) async throws in
            let response = try await api.request(.get, "/api/v1/transfer")
            #expect(response.status == .notFound)
            #expect(response.errorMessage == "no route for GET /api/v1/transfer")
            #expect(try await api.request(.get, "/api/v2/transfers").status == .notFound)
            #expect(try await api.request(.get, "/").status == .notFound)
        }
    }

    @Test(arguments: ["/api/v1/transfers", "/api/v1/connections", "/api/v1/users"])
    func aBodyOver1MiBAnswers413(path: String) async throws {
        let harness = try await APIHarness()
        let big = #"{"query": ""# + String(repeating: "x", count: (1 << 20) + 10) + #""}"#
        try await harness.test { (api: APIClient) async throws in
            let response = try await api.request(.post, path, body: big)
            #expect(response.status == .contentTooLarge)
            #expect(response.errorMessage == "the request body is larger than 1048576 bytes (1 MiB)")
        }
    }

    @Test func aBodyJustUnder1MiBIsRead() async throws {
        let harness = try await APIHarness()
        let query = String(repeating: "x", count: (1 << 20) - 100)
        try await harness.test { (api: APIClient) async throws in
            let response = try await api.request(.post, "/api/v1/transfers", json: ["query": query])
            // Read and checked: the connections are missing, the size is fine.
            #expect(response.status == .unprocessableContent)
            #expect(response.errorFields?["sourceID"] == "must be provided")
        }
    }

    @Test func decodingNamesTheFieldAndTheProblem() throws {
        func message(_ body: String) -> String? {
            do {
                _ = try RequestBody.decode(
                    ConnectionInput.self, fields: ConnectionsController.fields, from: Data(body.utf8))
                return nil
            } catch let APIError.badRequest(message) {
                return message
            } catch {
                return "\(error)"
            }
        }
        #expect(message(#"{"port": "5432"}"#) == "field 'port': expected an integer")
        #expect(message(#"{"params": {"a": 1}}"#) == "field 'params.a': expected a string")
        #expect(message(#"{"name": null}"#) == nil)
        #expect(message(#"{"a": 1, "b": 2}"#)?.hasPrefix("unknown fields 'a', 'b' (known: name, dsType,") == true)
        #expect(message("nope")?.hasPrefix("malformed JSON: ") == true)
        #expect(message("\"text\"") == "expected a JSON object, got a string")
        #expect(message("  \n") == "the request body is empty: expected a JSON object")
    }
}
