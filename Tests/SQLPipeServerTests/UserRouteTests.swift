import Foundation
import HTTPTypes
import SQLPipeCore
import SQLPipeTestSupport
import Testing

@testable import SQLPipeServer

/// `/api/v1/users` and `DELETE /api/v1/user/{id}` in-process.
@Suite struct UserRouteTests {
    @Test func createAnswers201AndTheNewUserCanLogIn() async throws {
        let harness = try await APIHarness()
        try await harness.test { (api: APIClient) async throws in
            let response = try await api.request(
                .post, "/api/v1/users", json: ["username": "carol_1", "password": "carol-password", "admin": false])
            #expect(response.status == .created)
            let user = response.object("user")
            #expect(user["username"] as? String == "carol_1")
            #expect(user["admin"] as? Bool == false)
            #expect(Set(user.keys) == ["id", "createdAt", "username", "admin"])
            #expect(!response.text.contains("carol-password"))
            let carol = APIHarness.Credentials(username: "carol_1", password: "carol-password")
            #expect(try await api.request(.get, "/api/v1/transfers", as: carol).status == .ok)
            #expect(try await api.request(.get, "/api/v1/users", as: carol).status == .forbidden)
        }
    }

    @Test func createAnswers422ForEachRuleAnd409ForATakenName() async throws {
        let harness = try await APIHarness()
        let cases: [([String: any Sendable], String, String)] = [
            (["password": "long-enough"], "username", "must be provided"),
            (["username": "abc", "password": "long-enough"], "username", "must be 5 to 30 characters long"),
            (
                ["username": "has space", "password": "long-enough"], "username",
                "may contain only letters, digits and underscores"
            ),
            (["username": "1abcde", "password": "long-enough"], "username", "must start with a letter"),
            (["username": "abcdef"], "password", "must be provided"),
            (["username": "abcdef", "password": "short"], "password", "must be at least 8 characters long"),
            (
                ["username": "abcdef", "password": String(repeating: "p", count: 73)], "password",
                "must be at most 72 characters (72 bytes) long"
            ),
        ]
        try await harness.test { (api: APIClient) async throws in
            for (body, field, message) in cases {
                let response = try await api.request(.post, "/api/v1/users", json: body)
                #expect(response.status == .unprocessableContent)
                #expect(response.errorFields?[field] == message, "\(body): \(response.text)")
            }
            let taken = try await api.request(
                .post, "/api/v1/users", json: ["username": "plain_1", "password": "long-enough"])
            #expect(taken.status == .conflict)
            #expect(taken.errorMessage == "username: a user named 'plain_1' already exists")
            let wrongType = try await api.request(
                .post, "/api/v1/users", json: ["username": "abcdef", "password": "long-enough", "admin": "yes"])
            #expect(wrongType.status == .badRequest)
            #expect(wrongType.errorMessage == "field 'admin': expected true or false")
        }
        #expect(try await harness.sqlpipe.users.count() == 2)
    }

    @Test func listShowAndUpdate() async throws {
        let harness = try await APIHarness()
        try await harness.test { (api: APIClient) async throws in
            let listed = try await api.request(.get, "/api/v1/users?sort=-id&page_size=1")
            #expect(listed.list("users").map { $0["username"] as? String } == ["plain_1"])
            #expect(
                listed.metadata == [
                    "current_page": 1, "page_size": 1, "first_page": 1, "last_page": 2, "total_records": 2,
                ])

            #expect(try await api.request(.get, "/api/v1/users/2").object("user")["username"] as? String == "plain_1")
            #expect(try await api.request(.get, "/api/v1/users/99").status == .notFound)

            let promoted = try await api.request(.patch, "/api/v1/users/2", json: ["admin": true])
            #expect(promoted.status == .ok)
            #expect(promoted.object("user")["admin"] as? Bool == true)
            // The promotion counts from the next request.
            #expect(try await api.request(.get, "/api/v1/users", as: APIHarness.plain).status == .ok)

            let invalid = try await api.request(.patch, "/api/v1/users/2", json: ["password": "short"])
            #expect(invalid.status == .unprocessableContent)
            #expect(invalid.errorFields == ["password": "must be at least 8 characters long"])
            #expect(try await api.request(.patch, "/api/v1/users/99", json: ["admin": true]).status == .notFound)
        }
    }

    @Test func theLastAdminCannotBeDemotedOrDeleted() async throws {
        let harness = try await APIHarness()
        try await harness.test { (api: APIClient) async throws in
            let demote = try await api.request(.patch, "/api/v1/users/1", json: ["admin": false])
            #expect(demote.status == .conflict)
            #expect(demote.errorMessage == "cannot demote 'admin_1': it is the last admin")
            #expect(try await api.request(.delete, "/api/v1/users/1").status == .conflict)
        }
    }

    @Test(arguments: ["/api/v1/users", "/api/v1/user"])
    func deleteWorksUnderBothSpellings(prefix: String) async throws {
        let harness = try await APIHarness()
        try await harness.test { (api: APIClient) async throws in
            let deleted = try await api.request(.delete, "\(prefix)/2")
            #expect(deleted.status == .ok)
            #expect(deleted.json as? [String: String] == ["message": "user 2 deleted"])
            #expect(try await api.request(.delete, "\(prefix)/2").status == .notFound)
            #expect(try await api.request(.get, "/api/v1/transfers", as: APIHarness.plain).status == .unauthorized)
        }
    }
}
