import Foundation
import SQLPipeTestSupport
import Testing

@testable import SQLPipeCore

@Suite struct UserServiceTests {
    static let cases: [(String, UserInput, String, String)] = [
        ("no username", UserInput(password: "long enough"), "username", "must be provided"),
        ("short username", UserInput(username: "abcd", password: "long enough"), "username", "5 to 30"),
        (
            "long username", UserInput(username: "a" + String(repeating: "b", count: 30), password: "long enough"),
            "username", "5 to 30"
        ),
        (
            "username with a dash", UserInput(username: "ann-marie", password: "long enough"), "username",
            "letters, digits and underscores"
        ),
        (
            "username with a space", UserInput(username: "ann marie", password: "long enough"), "username",
            "letters, digits and underscores"
        ),
        (
            "non-ASCII username", UserInput(username: "jürgen_1", password: "long enough"), "username",
            "letters, digits and underscores"
        ),
        (
            "username starting with a digit", UserInput(username: "1admin", password: "long enough"), "username",
            "start with a letter"
        ),
        (
            "username starting with an underscore", UserInput(username: "_admin", password: "long enough"), "username",
            "start with a letter"
        ),
        ("no password", UserInput(username: "someone"), "password", "must be provided"),
        ("short password", UserInput(username: "someone", password: "1234567"), "password", "at least 8"),
        (
            "long password", UserInput(username: "someone", password: String(repeating: "p", count: 73)), "password",
            "at most 72"
        ),
        (
            "password over 72 bytes", UserInput(username: "someone", password: String(repeating: "é", count: 40)),
            "password", "72 bytes"
        ),
    ]

    @Test(arguments: cases)
    func eachRuleIsAValidationErrorNamingItsField(label: String, input: UserInput, field: String, message: String)
        async throws
    {
        let store = try TestStore()
        let error = await #expect(throws: SQLPipeError.self, "\(label)") { try await store.sqlpipe.users.create(input) }
        guard case .validation(let fields) = error else {
            Issue.record("\(label): expected a validation error, got \(String(describing: error))")
            return
        }
        #expect(fields[field]?.contains(message) == true, "\(label): \(fields)")
        #expect(try await store.sqlpipe.users.count() == 0)
    }

    @Test func boundaryValuesAreAccepted() async throws {
        let store = try TestStore()
        _ = try await store.sqlpipe.users.create(UserInput(username: "abcde", password: "12345678"))
        _ = try await store.sqlpipe.users.create(
            UserInput(username: "a" + String(repeating: "_", count: 29), password: String(repeating: "p", count: 72)))
        #expect(try await store.sqlpipe.users.count() == 2)
    }

    @Test func passwordsAreStoredAsBcryptHashesAndVerified() async throws {
        let store = try TestStore()
        let user = try await store.sqlpipe.users.create(
            UserInput(username: "alice_1", password: "correct horse", admin: true))
        #expect(user.admin)
        let stored = try await store.storedBytes()
        #expect(!stored.contains("correct horse"))
        #expect(stored.contains("$2b$04$"))
        #expect(try await store.sqlpipe.users.verify(username: "alice_1", password: "correct horse")?.user == user)
        #expect(try await store.sqlpipe.users.verify(username: "alice_1", password: "wrong horse")?.user == nil)
        #expect(try await store.sqlpipe.users.verify(username: "nobody_1", password: "correct horse")?.user == nil)
    }

    @Test func theProductionCostIsAtLeastTwelve() {
        #expect(PasswordHasher().cost >= 12)
        #expect(PasswordHasher().hash("x-password").hasPrefix("$2b$12$"))
    }

    @Test func duplicateUsernamesAreAConflict() async throws {
        let store = try TestStore()
        _ = try await store.sqlpipe.users.create(UserInput(username: "twin_1", password: "long enough"))
        await #expect(throws: SQLPipeError.conflict("username: a user named 'twin_1' already exists")) {
            try await store.sqlpipe.users.create(UserInput(username: "twin_1", password: "other enough"))
        }
    }

    @Test func updateChangesPasswordUsernameAndAdmin() async throws {
        let store = try TestStore()
        _ = try await store.sqlpipe.users.create(
            UserInput(username: "first_admin", password: "long enough", admin: true))
        let user = try await store.sqlpipe.users.create(UserInput(username: "bob_the_user", password: "old password"))
        let updated = try await store.sqlpipe.users.update(
            "bob_the_user", UserInput(username: "robert_1", password: "new password", admin: true))
        #expect(updated.id == user.id)
        #expect(updated.username == "robert_1")
        #expect(updated.admin)
        #expect(try await store.sqlpipe.users.verify(username: "robert_1", password: "old password")?.user == nil)
        #expect(try await store.sqlpipe.users.verify(username: "robert_1", password: "new password")?.user != nil)
        await #expect(throws: SQLPipeError.self) {
            try await store.sqlpipe.users.update(String(user.id), UserInput(password: "short"))
        }
        await #expect(throws: SQLPipeError.notFound("no user with id or username 'bob_the_user'")) {
            try await store.sqlpipe.users.get("bob_the_user")
        }
    }

    @Test func theLastAdminCannotBeDeletedOrDemoted() async throws {
        let store = try TestStore()
        _ = try await store.sqlpipe.users.create(
            UserInput(username: "only_admin", password: "long enough", admin: true))
        await #expect(throws: SQLPipeError.conflict("cannot delete 'only_admin': it is the last admin")) {
            try await store.sqlpipe.users.delete("only_admin")
        }
        await #expect(throws: SQLPipeError.conflict("cannot demote 'only_admin': it is the last admin")) {
            try await store.sqlpipe.users.update("only_admin", UserInput(admin: false))
        }
        _ = try await store.sqlpipe.users.create(
            UserInput(username: "second_admin", password: "long enough", admin: true))
        try await store.sqlpipe.users.delete("only_admin")
        #expect(try await store.sqlpipe.users.count() == 1)
        await #expect(throws: SQLPipeError.self) { try await store.sqlpipe.users.delete("only_admin") }
    }
}
