import Foundation
import HTTPTypes
import SQLPipeCore
import SQLPipeTestSupport
import Testing

@testable import SQLPipeServer

/// The cache of verified credentials must never outlive what it verified.
@Suite struct CredentialTests {
    @Test func aWrongPasswordIsRejectedEvenRightAfterTheRightOneWasCached() async throws {
        let harness = try await APIHarness()
        try await harness.test { (api: APIClient) async throws in
            _ = api
            #expect(try await api.request(.get, "/api/v1/transfers").status == .ok)
            let wrong = APIHarness.Credentials(username: "admin_1", password: APIHarness.admin.password + "x")
            #expect(try await api.request(.get, "/api/v1/transfers", as: wrong).status == .unauthorized)
            let prefix = APIHarness.Credentials(
                username: "admin_1", password: String(APIHarness.admin.password.dropLast()))
            #expect(try await api.request(.get, "/api/v1/transfers", as: prefix).status == .unauthorized)
            #expect(try await api.request(.get, "/api/v1/transfers").status == .ok)
        }
    }

    /// Changes made by another process (the CLI) on the same store count at the next request.
    @Test func aDeletedUserIsRejectedAtOnce() async throws {
        let harness = try await APIHarness()
        let cli = try harness.store.reopen()
        try await harness.test { (api: APIClient) async throws in
            #expect(try await api.request(.get, "/api/v1/transfers", as: APIHarness.plain).status == .ok)
            try await cli.users.delete("plain_1")
            #expect(try await api.request(.get, "/api/v1/transfers", as: APIHarness.plain).status == .unauthorized)
        }
    }

    @Test func aChangedPasswordIsRejectedAtOnceAndTheNewOneAccepted() async throws {
        let harness = try await APIHarness()
        let cli = try harness.store.reopen()
        try await harness.test { (api: APIClient) async throws in
            #expect(try await api.request(.get, "/api/v1/transfers", as: APIHarness.plain).status == .ok)
            _ = try await cli.users.update("plain_1", UserInput(password: "a-new-password"))
            #expect(try await api.request(.get, "/api/v1/transfers", as: APIHarness.plain).status == .unauthorized)
            let renewed = APIHarness.Credentials(username: "plain_1", password: "a-new-password")
            #expect(try await api.request(.get, "/api/v1/transfers", as: renewed).status == .ok)

            // Set again to the same password: a new hash, so the cached entry is checked again (and passes).
            _ = try await cli.users.update("plain_1", UserInput(password: "a-new-password"))
            #expect(try await api.request(.get, "/api/v1/transfers", as: renewed).status == .ok)
        }
    }

    @Test func aRenamedUserIsRejectedUnderTheOldNameAndADemotedAdminAt403() async throws {
        let harness = try await APIHarness()
        let cli = try harness.store.reopen()
        _ = try await cli.users.update("plain_1", UserInput(admin: true))
        try await harness.test { (api: APIClient) async throws in
            #expect(try await api.request(.get, "/api/v1/users", as: APIHarness.plain).status == .ok)
            _ = try await cli.users.update("plain_1", UserInput(admin: false))
            #expect(try await api.request(.get, "/api/v1/users", as: APIHarness.plain).status == .forbidden)
            _ = try await cli.users.update("plain_1", UserInput(username: "plain_2"))
            #expect(try await api.request(.get, "/api/v1/transfers", as: APIHarness.plain).status == .unauthorized)
            let renamed = APIHarness.Credentials(username: "plain_2", password: APIHarness.plain.password)
            #expect(try await api.request(.get, "/api/v1/transfers", as: renamed).status == .ok)
        }
    }

    @Test func changesThroughTheAPIItselfCountAtOnceToo() async throws {
        let harness = try await APIHarness()
        try await harness.test { (api: APIClient) async throws in
            #expect(try await api.request(.get, "/api/v1/transfers", as: APIHarness.plain).status == .ok)
            #expect(
                try await api.request(.patch, "/api/v1/users/2", json: ["password": "changed-password"]).status == .ok)
            #expect(try await api.request(.get, "/api/v1/transfers", as: APIHarness.plain).status == .unauthorized)
        }
    }

    @Test func verifiedCredentialsAreCachedUnderAKeyedHashAndExpire() async throws {
        let harness = try await APIHarness()
        let cache = CredentialCache(lifetime: .seconds(60))
        let middleware = BasicAuthMiddleware(
            users: harness.sqlpipe.users, cache: cache, limiter: LoginRateLimiter(), maximumQueuedPerUser: 100)
        let verified = try await middleware.authenticate(
            username: "admin_1", password: APIHarness.admin.password, client: "local")
        #expect(verified?.username == "admin_1")
        #expect(cache.count == 1)
        #expect(
            try await middleware.authenticate(username: "admin_1", password: "wrong-password", client: "local") == nil)
        #expect(cache.count == 1)

        let key = cache.key(username: "admin_1", password: APIHarness.admin.password)
        #expect(key.count == 32)
        #expect(!key.contains(APIHarness.admin.password))
        #expect(
            CredentialCache().key(username: "admin_1", password: APIHarness.admin.password) != key,
            "a new key per process")
        // "ab" + "c" and "a" + "bc" are different credentials.
        #expect(cache.key(username: "ab", password: "c") != cache.key(username: "a", password: "bc"))
        #expect(cache.entry(key, now: .now + .seconds(61)) == nil)
        #expect(cache.count == 0)
    }

    /// Under steady use an entry stays: when it expired, every connection of the client ran bcrypt at
    /// once, and the ones past the client's tokens got 429.
    @Test func anEntryInUseStaysAndAnIdleOneExpires() {
        let cache = CredentialCache(lifetime: .seconds(60))
        let start = ContinuousClock.now
        let key = cache.key(username: "admin_1", password: "secret")
        cache.store(key, username: "admin_1", fingerprint: [1, 2, 3], now: start)
        #expect(cache.entry(key, now: start + .seconds(50))?.fingerprint == [1, 2, 3])
        #expect(cache.entry(key, now: start + .seconds(100)) != nil, "used at 50 s: kept until 110 s")
        #expect(cache.entry(key, now: start + .seconds(159)) != nil, "used at 100 s: kept until 160 s")
        #expect(cache.entry(key, now: start + .seconds(220)) == nil, "unused for 61 s")
        #expect(cache.count == 0)
    }

    /// Checks of the same credentials that overlap share one: the check runs once, everyone gets its
    /// answer, and a check that starts after it answered runs again (no answer is kept past its check).
    @Test func overlappingChecksOfTheSameCredentialsRunOnce() async throws {
        let flights = VerificationFlights()
        let runs = CheckCount()
        let key = Data([1, 2, 3])
        let check: @Sendable () async throws -> UserService.Credentials? = {
            await runs.add()
            try await Task.sleep(for: .milliseconds(300))
            return nil
        }
        let answers = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<16 { group.addTask { try await flights.verify(key, check) == nil } }
            return try await group.reduce(into: 0) { count, answered in count += answered ? 1 : 0 }
        }
        #expect(answers == 16)
        #expect(await runs.value == 1)
        #expect(flights.count == 0)
        _ = try await flights.verify(key, check)
        #expect(await runs.value == 2)
        _ = try await flights.verify(Data([4]), check)
        #expect(await runs.value == 3, "other credentials have checks of their own")
    }

    /// One client's parallel first requests with the right password all pass on the one token they need.
    @Test func parallelFirstRequestsOfOneClientPassOnOneToken() async throws {
        let harness = try await APIHarness()
        let middleware = BasicAuthMiddleware(
            users: harness.sqlpipe.users, cache: CredentialCache(),
            limiter: LoginRateLimiter(burst: 1, refill: .seconds(600)), maximumQueuedPerUser: 100)
        let passed = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<24 {
                group.addTask {
                    try await middleware.authenticate(
                        username: "admin_1", password: APIHarness.admin.password, client: "10.0.0.9")?.username
                        == "admin_1"
                }
            }
            return try await group.reduce(into: 0) { count, passed in count += passed ? 1 : 0 }
        }
        #expect(passed == 24)
        // Wrong passwords still take a token each: the second one is refused.
        #expect(
            try await middleware.authenticate(username: "admin_1", password: "wrong-1", client: "10.0.0.9") == nil)
        await #expect(throws: APIError.self) {
            try await middleware.authenticate(username: "admin_1", password: "wrong-2", client: "10.0.0.9")
        }
    }

    @Test func constantTimeEqualityComparesWholeValues() {
        #expect(constantTimeEqual([1, 2, 3], [1, 2, 3]))
        #expect(!constantTimeEqual([1, 2, 3], [1, 2, 4]))
        #expect(!constantTimeEqual([1, 2, 3], [1, 2]))
        #expect(constantTimeEqual([], []))
    }
}

private actor CheckCount {
    private(set) var value = 0
    func add() { value += 1 }
}
