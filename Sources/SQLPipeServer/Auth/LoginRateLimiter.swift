import Foundation

/// Limits failed logins per client address with a token bucket: `burst` failures at once, then one more
/// every `refill`. An address with no token left is refused (429) before its credentials are even checked.
final class LoginRateLimiter: @unchecked Sendable {
    struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    let burst: Int
    let refill: Duration
    private let lock = NSLock()
    private var buckets: [String: Bucket] = [:]

    init(burst: Int = 10, refill: Duration = .seconds(6)) {
        self.burst = burst
        self.refill = refill
    }

    private var refillSeconds: Double {
        Double(refill.components.seconds) + Double(refill.components.attoseconds) / 1e18
    }

    private func current(_ address: String, now: ContinuousClock.Instant) -> Bucket {
        guard var bucket = buckets[address] else { return Bucket(tokens: Double(burst), updated: now) }
        let elapsed = now - bucket.updated
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        bucket.tokens = min(Double(burst), bucket.tokens + seconds / refillSeconds)
        bucket.updated = now
        return bucket
    }

    /// Seconds to wait before `address` may try again, or nil when it may try now.
    func retryAfter(_ address: String, now: ContinuousClock.Instant = .now) -> Int? {
        lock.withLock {
            let bucket = current(address, now: now)
            guard bucket.tokens < 1 else { return nil }
            return max(1, Int(((1 - bucket.tokens) * refillSeconds).rounded(.up)))
        }
    }

    /// Counts a failed login of `address`.
    func recordFailure(_ address: String, now: ContinuousClock.Instant = .now) {
        lock.withLock {
            var bucket = current(address, now: now)
            bucket.tokens = max(0, bucket.tokens - 1)
            buckets[address] = bucket
            if buckets.count > 10_000 {
                // Forget the addresses whose buckets are full again.
                buckets = buckets.filter { current($0.key, now: now).tokens < Double(burst) }
            }
        }
    }
}
