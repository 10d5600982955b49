import Foundation
import SQLPipeTestSupport
import Testing

@testable import SQLPipeCore
@testable import SQLPipeServer

/// docs/openapi.yaml must describe exactly the routes the server registers.
@Suite struct OpenAPITests {
    struct Operation: Hashable, CustomStringConvertible {
        var method: String
        var path: String
        var adminOnly: Bool
        var open: Bool
        var description: String {
            "\(method.uppercased()) \(path)\(adminOnly ? " (admins only)" : "")\(open ? " (no auth)" : "")"
        }
    }

    static var documentURL: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
            .appendingPathComponent("docs/openapi.yaml")
    }

    /// The operations under `paths:`: two-space-indented paths, four-space-indented methods, and whether
    /// the operation's summary says "admins only" or it has `security: []`.
    static func documentedOperations() throws -> [Operation] {
        let text = try String(contentsOf: documentURL, encoding: .utf8)
        var operations: [Operation] = []
        var inPaths = false
        var path: String?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line == "paths:" {
                inPaths = true
                continue
            }
            if inPaths, !line.isEmpty, !line.hasPrefix(" ") { break }
            guard inPaths else { continue }
            if line.hasPrefix("  /"), line.hasSuffix(":"), !line.hasPrefix("   ") {
                path = String(line.dropFirst(2).dropLast())
            } else if let path, line.hasPrefix("    "), !line.hasPrefix("     "), line.hasSuffix(":") {
                let key = line.trimmingCharacters(in: .whitespaces).dropLast()
                if ["get", "post", "put", "patch", "delete", "head", "options"].contains(String(key)) {
                    operations.append(Operation(method: String(key), path: path, adminOnly: false, open: false))
                }
            } else if !operations.isEmpty, line.hasPrefix("      summary:"), line.contains("admins only") {
                operations[operations.count - 1].adminOnly = true
            } else if !operations.isEmpty, line == "      security: []" {
                operations[operations.count - 1].open = true
            }
        }
        return operations
    }

    @Test func theDocumentListsExactlyTheRegisteredRoutesWithTheirAccess() async throws {
        let store = try TestStore()
        let api = try buildRouter(
            sqlpipe: store.sqlpipe, configuration: ServerConfiguration(), workers: nil, metrics: ServerMetrics())
        let registered = Set(
            api.routes.endpoints.map {
                Operation(
                    method: $0.method.rawValue.lowercased(), path: $0.openAPIPath, adminOnly: $0.access == .admin,
                    open: $0.access == .open)
            })
        let documented = try Self.documentedOperations()
        #expect(documented.count == Set(documented).count, "no operation twice")
        let missing = registered.subtracting(documented).map(\.description).sorted()
        let extra = Set(documented).subtracting(registered).map(\.description).sorted()
        #expect(missing.isEmpty, "registered but not documented (or with other access): \(missing)")
        #expect(extra.isEmpty, "documented but not registered (or with other access): \(extra)")
        #expect(registered.count == 32)
    }

    /// The property names of a schema under `components: schemas:` (four-space-indented names, their
    /// properties eight spaces in).
    static func schemaProperties(_ schema: String) throws -> [String] {
        let lines = try String(contentsOf: documentURL, encoding: .utf8).split(separator: "\n").map(String.init)
        guard let start = lines.firstIndex(of: "    \(schema):") else { return [] }
        var names: [String] = []
        var inProperties = false
        for line in lines[(start + 1)...] {
            if line.hasPrefix("    "), !line.hasPrefix("     ") { break }
            if line.hasPrefix("      "), !line.hasPrefix("       ") {
                inProperties = line == "      properties:"
            } else if inProperties, line.hasPrefix("        "), !line.hasPrefix("         "),
                let colon = line.firstIndex(of: ":")
            {
                names.append(line[..<colon].trimmingCharacters(in: .whitespaces))
            }
        }
        return names
    }

    @Test func theTransferSchemasHaveTheFieldsOfTheModel() throws {
        let documented = try Self.schemaProperties("Transfer")
        #expect(documented.sorted() == Transfer.CodingKeys.allCases.map(\.rawValue).sorted())
        let input = try Self.schemaProperties("TransferInput")
        #expect(input.sorted() == TransfersController.createFields.sorted())
    }

    @Test func theDocumentIsOpenAPI31() throws {
        let text = try String(contentsOf: Self.documentURL, encoding: .utf8)
        #expect(text.hasPrefix("openapi: 3.1.0\n"))
        #expect(text.contains("version: \(SQLPipe.version)\n"))
    }

    /// The routes of design §3, written out: the server must have each of them.
    @Test func everyRouteOfTheDesignIsRegistered() throws {
        let store = try TestStore()
        let router = try buildRouter(
            sqlpipe: store.sqlpipe, configuration: ServerConfiguration(), workers: nil, metrics: ServerMetrics())
        let routes = Set(router.routes.endpoints.map(\.description))
        let design = [
            "POST /api/v1/transfers", "GET /api/v1/transfers", "GET /api/v1/transfers/{id}",
            "PATCH /api/v1/cancel-transfer/{id}", "DELETE /api/v1/transfers/{id}", "POST /api/v1/queries",
            "GET /api/v1/queries", "GET /api/v1/queries/{id}", "PATCH /api/v1/cancel-query/{id}",
            "DELETE /api/v1/queries/{id}", "POST /api/v1/connections", "GET /api/v1/connections",
            "GET /api/v1/connections/{id}", "PATCH /api/v1/connections/{id}", "DELETE /api/v1/connections/{id}",
            "DELETE /api/v1/connection/{id}", "POST /api/v1/users", "GET /api/v1/users", "GET /api/v1/users/{id}",
            "PATCH /api/v1/users/{id}", "DELETE /api/v1/users/{id}", "DELETE /api/v1/user/{id}",
            "GET /api/v1/healthcheck",
        ]
        #expect(Set(design).subtracting(routes).isEmpty)
    }
}
