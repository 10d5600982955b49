import Foundation
import SQLPipeTestSupport
import Testing

@Suite struct UserCommandTests {
    @Test func userLifecycleNeverShowsThePassword() async throws {
        let cli = try CLI()
        let password = "Admin-Password-\(UUID().uuidString.prefix(8))"
        var outputs: [String] = []
        outputs.append(
            try await cli.succeed(
                "user", "create", "--username", "admin_1", "--admin", "--password-stdin", stdin: password + "\n"))
        #expect(outputs.last?.contains("created admin admin_1 (id 1)") == true)
        outputs.append(
            try await cli.succeed(
                "user", "create", "--username", "viewer_1", "--password-env", "VIEWER_PASSWORD", "--json",
                environment: ["VIEWER_PASSWORD": password]))
        let created = try #require(try JSONSerialization.jsonObject(with: Data(outputs.last!.utf8)) as? [String: Any])
        let user = try #require(created["user"] as? [String: Any])
        #expect(user["admin"] as? Bool == false)
        #expect(user["password"] == nil)
        #expect(Set(user.keys) == ["id", "createdAt", "username", "admin"])

        let listed = try await cli.json("user", "list", "--sort=-id")
        let users = try #require(listed["users"] as? [[String: Any]])
        #expect(users.map { $0["username"] as? String } == ["viewer_1", "admin_1"])
        outputs.append(try await cli.succeed("user", "list"))
        outputs.append(try await cli.succeed("user", "show", "viewer_1"))
        let adminLine = outputs.last?.split(separator: "\n").first { $0.hasPrefix("admin ") }
        #expect(adminLine?.hasSuffix(" no") == true)

        let demote = try await cli.fail("user", "update", "admin_1", "--no-admin")
        #expect(demote.contains("last admin"))
        outputs.append(try await cli.succeed("user", "update", "viewer_1", "--admin", "--username", "viewer_2"))
        #expect(outputs.last?.contains("updated admin viewer_2") == true)
        outputs.append(
            try await cli.succeed("user", "update", "viewer_2", "--password-stdin", stdin: "another password\n"))
        outputs.append(try await cli.succeed("user", "delete", "admin_1"))
        let last = try await cli.fail("user", "delete", "viewer_2")
        #expect(last.contains("last admin"))
        for output in outputs {
            #expect(!output.contains(password))
        }
    }

    @Test func badUserInputIsExplained() async throws {
        let cli = try CLI()
        let noPassword = try await cli.fail("user", "create", "--username", "someone")
        #expect(noPassword.contains("no password given"))
        let short = try await cli.fail(
            "user", "create", "--username", "abc", "--password-stdin", stdin: "long enough\n")
        #expect(short.contains("username: must be 5 to 30 characters long"))
        let weak = try await cli.fail("user", "create", "--username", "someone", "--password-stdin", stdin: "short\n")
        #expect(weak.contains("password: must be at least 8 characters long"))
        let nothing = try await cli.fail("user", "update", "someone")
        #expect(nothing.contains("Nothing to change"))
        let unknown = try await cli.fail("user", "show", "nobody_here")
        #expect(unknown.contains("no user with id or username 'nobody_here'"))
        let emptyStdin = try await cli.fail("user", "create", "--username", "someone", "--password-stdin", stdin: "")
        #expect(emptyStdin.contains("standard input is empty"))
    }
}
