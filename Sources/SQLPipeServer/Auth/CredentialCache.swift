import Crypto
import Foundation
import SQLPipeCore

/// Verified credentials while they are in use, so that bcrypt (tens of milliseconds at cost 12) runs once per
/// client and password rather than once per request. An entry goes once it has not been used for
/// `lifetime`: one that expired under steady use made every connection of that client run bcrypt at once,
/// a stall of seconds and 429s once the client's tokens ran out (seen under load every 60 seconds).
///
/// Entries are keyed by an HMAC-SHA256 of username and password under a key made at start and never
/// stored: the cache holds no password and nothing from which one could be tested offline. Each entry
/// keeps the fingerprint of the user's stored credentials (`UserService.Credentials`); the authenticator
/// compares it, in constant time, with the store's current one on every request, so a password change,
/// a rename or a deletion, by this server or by the CLI in another process, takes effect at once.
final class CredentialCache: @unchecked Sendable {
    struct Entry {
        var username: String
        var fingerprint: [UInt8]
        var expires: ContinuousClock.Instant
    }

    let lifetime: Duration
    let capacity: Int
    private let key = SymmetricKey(size: .bits256)
    private let lock = NSLock()
    private var entries: [Data: Entry] = [:]

    init(lifetime: Duration = .seconds(60), capacity: Int = 10_000) {
        self.lifetime = lifetime
        self.capacity = capacity
    }

    func key(username: String, password: String) -> Data {
        var message = Data(username.utf8)
        message.append(0)
        message.append(contentsOf: password.utf8)
        return Data(HMAC<SHA256>.authenticationCode(for: message, using: key))
    }

    /// The live entry for `key`, if any, kept for another `lifetime` from `now`.
    func entry(_ key: Data, now: ContinuousClock.Instant = .now) -> Entry? {
        lock.withLock {
            guard var entry = entries[key] else { return nil }
            if entry.expires <= now {
                entries[key] = nil
                return nil
            }
            entry.expires = now + lifetime
            entries[key] = entry
            return entry
        }
    }

    func store(_ key: Data, username: String, fingerprint: [UInt8], now: ContinuousClock.Instant = .now) {
        lock.withLock {
            if entries.count >= capacity {
                entries = entries.filter { $0.value.expires > now }
                if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            }
            entries[key] = Entry(username: username, fingerprint: fingerprint, expires: now + lifetime)
        }
    }

    func remove(_ key: Data) {
        lock.withLock { entries[key] = nil }
    }

    /// Drops every entry of `username` (after this server changed or deleted it).
    func removeAll(username: String) {
        lock.withLock { entries = entries.filter { $0.value.username != username } }
    }

    var count: Int { lock.withLock { entries.count } }
}

/// One password check per set of credentials at a time: requests that arrive while one runs wait for its
/// answer rather than running bcrypt again, each with a token of its own. The check is removed once it
/// has answered, so no answer is reused after that: the cache, checked against the store, serves then.
final class VerificationFlights: @unchecked Sendable {
    private let lock = NSLock()
    private var running: [Data: Task<UserService.Credentials?, any Error>] = [:]

    func verify(
        _ key: Data, _ check: @escaping @Sendable () async throws -> UserService.Credentials?
    ) async throws -> UserService.Credentials? {
        let (task, leads) = lock.withLock { () -> (Task<UserService.Credentials?, any Error>, Bool) in
            if let running = running[key] { return (running, false) }
            let task = Task { try await check() }
            running[key] = task
            return (task, true)
        }
        guard leads else { return try await task.value }
        // The one that started the check removes it: only after it has answered, whatever it answered.
        defer { lock.withLock { running[key] = nil } }
        return try await task.value
    }

    var count: Int { lock.withLock { running.count } }
}

/// Compares two byte strings in time that depends only on their length.
func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
    guard lhs.count == rhs.count else { return false }
    var difference: UInt8 = 0
    for index in lhs.indices { difference |= lhs[index] ^ rhs[index] }
    return difference == 0
}
