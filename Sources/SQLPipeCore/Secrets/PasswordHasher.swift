import Foundation
import HummingbirdBcrypt

/// Hashes user passwords with bcrypt. The cost is 12 or more outside tests.
public struct PasswordHasher: Sendable {
    public static let productionCost: UInt8 = 12
    public let cost: UInt8
    /// Shared by the copies of one hasher: how many verifications it ran (the login limiter's tests count them).
    private let verifications = Mutex(0)

    public init(cost: UInt8 = PasswordHasher.productionCost) {
        self.cost = cost
    }

    public func hash(_ password: String) -> String {
        Bcrypt.hash(password, cost: cost)
    }

    public func verify(_ password: String, hash: String) -> Bool {
        verifications.withLock { $0 += 1 }
        return Bcrypt.verify(password, hash: hash)
    }

    public var verificationCount: Int { verifications.withLock { $0 } }
}
