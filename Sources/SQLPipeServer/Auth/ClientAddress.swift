import Foundation
import SQLPipeCore

/// IP addresses as the server judges clients by them: parsed, matched against trusted proxies, bucketed.
struct IPAddress: Equatable, CustomStringConvertible {
    /// 4 bytes for IPv4 (also for an IPv4-mapped IPv6 address), 16 for IPv6.
    let bytes: [UInt8]

    init?(_ text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let unbracketed =
            trimmed.hasPrefix("[") && trimmed.hasSuffix("]") ? String(trimmed.dropFirst().dropLast()) : trimmed
        var v4 = in_addr()
        var v6 = in6_addr()
        if inet_pton(AF_INET, unbracketed, &v4) == 1 {
            bytes = withUnsafeBytes(of: &v4) { Array($0) }
        } else if inet_pton(AF_INET6, unbracketed, &v6) == 1 {
            let all = withUnsafeBytes(of: &v6) { Array($0) }
            let mappedPrefix: [UInt8] = Array(repeating: 0, count: 10) + [0xFF, 0xFF]
            bytes = Array(all.prefix(12)) == mappedPrefix ? Array(all.suffix(4)) : all
        } else {
            return nil
        }
    }

    var description: String {
        if bytes.count == 4 { return bytes.map(String.init).joined(separator: ".") }
        return stride(from: 0, to: 16, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }
            .joined(separator: ":")
    }

    /// The key of the failed-login bucket: the whole IPv4 address, an IPv6 address's /64 (one host usually
    /// holds a whole /64, so single addresses would give it millions of budgets).
    var bucket: String {
        guard bytes.count == 16 else { return description }
        return stride(from: 0, to: 8, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }
            .joined(separator: ":") + "::/64"
    }
}

/// An address or a CIDR block (`10.0.0.0/8`, `fd00::/8`) of proxies whose `X-Forwarded-For` is believed.
struct AddressBlock: Equatable {
    let address: IPAddress
    let prefixLength: Int

    init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1).map(String.init)
        guard let address = IPAddress(parts[0]) else { return nil }
        let maximum = address.bytes.count * 8
        let length = parts.count == 2 ? Int(parts[1]) : maximum
        guard let length, (0...maximum).contains(length) else { return nil }
        self.address = address
        prefixLength = length
    }

    func contains(_ other: IPAddress) -> Bool {
        guard other.bytes.count == address.bytes.count else { return false }
        var remaining = prefixLength
        for (mine, theirs) in zip(address.bytes, other.bytes) where remaining > 0 {
            let mask: UInt8 = remaining >= 8 ? 0xFF : ~(0xFF >> UInt8(remaining))
            if mine & mask != theirs & mask { return false }
            remaining -= 8
        }
        return true
    }
}

/// Who the client is: the peer, unless the peer is a trusted proxy; then the rightmost address of
/// `X-Forwarded-For` that is not a trusted proxy (what the nearest trusted proxy saw). Without trusted
/// proxies the header is ignored: any client could write it.
struct ClientResolver: Sendable {
    let trustedProxies: [AddressBlock]

    init(trustedProxies: [String]) throws {
        self.trustedProxies = try trustedProxies.map { text in
            guard let block = AddressBlock(text) else {
                throw SQLPipeError.badInput("--trusted-proxy: '\(text)' is not an IP address or CIDR block")
            }
            return block
        }
    }

    func isTrusted(_ address: IPAddress) -> Bool { trustedProxies.contains { $0.contains(address) } }

    func client(peer: String, forwardedFor: [String]) -> String {
        guard let peerAddress = IPAddress(peer), isTrusted(peerAddress) else { return peer }
        let hops = forwardedFor.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
        for hop in hops.reversed() {
            guard let address = IPAddress(hop) else { return peer }
            if !isTrusted(address) { return hop }
        }
        return peer
    }
}
