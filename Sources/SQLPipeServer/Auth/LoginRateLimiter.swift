import Foundation

/// Limits password checks per client address with a token bucket: `burst` at once, then one more every
/// `refill`. A check takes its token before bcrypt runs, and a successful login gives it back, so parallel
/// wrong passwords cannot all start before the first failure counts. An address with no token left is
/// refused (429) without a check. Addresses are bucketed as `ClientAddress.bucket` says (IPv6 by /64).
final class LoginRateLimiter: @unchecked Sendable {
    struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    enum Admission: Equatable {
        case granted
        case refused(retryAfterSeconds: Int)
    }

    let burst: Int
    let refill: Duration
    private let lock = NSLock()
    private var buckets: [String: Bucket] = [:]

    init(burst: Int = 10, refill: Duration = .seconds(6)) {
        self.burst = burst
        self.refill = refill
    }

    private var refillSeconds: Double { refill.seconds }

    private func current(_ key: String, now: ContinuousClock.Instant) -> Bucket {
        guard var bucket = buckets[key] else { return Bucket(tokens: Double(burst), updated: now) }
        bucket.tokens = min(Double(burst), bucket.tokens + (now - bucket.updated).seconds / refillSeconds)
        bucket.updated = now
        return bucket
    }

    /// Takes a token of `key` for one password check, or says how many seconds to wait for the next.
    func take(_ key: String, now: ContinuousClock.Instant = .now) -> Admission {
        lock.withLock {
            var bucket = current(key, now: now)
            guard bucket.tokens >= 1 else {
                return .refused(retryAfterSeconds: max(1, Int(((1 - bucket.tokens) * refillSeconds).rounded(.up))))
            }
            bucket.tokens -= 1
            buckets[key] = bucket
            if buckets.count > 10_000 {
                // Forget the addresses whose buckets are full again.
                buckets = buckets.filter { current($0.key, now: now).tokens < Double(burst) }
            }
            return .granted
        }
    }

    /// Gives back the token of a check that succeeded: only failures use the budget up.
    func refund(_ key: String, now: ContinuousClock.Instant = .now) {
        lock.withLock {
            guard var bucket = buckets[key] else { return }
            bucket = current(key, now: now)
            bucket.tokens = min(Double(burst), bucket.tokens + 1)
            buckets[key] = bucket
        }
    }
}

extension Duration {
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
