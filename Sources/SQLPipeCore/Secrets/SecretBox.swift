import Crypto
import Foundation

/// Encrypts connection passwords at rest with AES-GCM. The key comes from `SQLPIPE_SECRET_KEY` (base64 of
/// 32 bytes) or from a key file beside the store (mode 0600), made on first use.
public final class SecretBox: Sendable {
    public static let environmentVariable = "SQLPIPE_SECRET_KEY"
    private static let formatVersion: UInt8 = 1

    private let keyFile: String
    private let keyFromEnvironment: String?
    private let loadedKey: Mutex<SymmetricKey?>

    public init(storePath: String, environment: [String: String] = ProcessInfo.processInfo.environment) {
        keyFile = storePath + ".key"
        keyFromEnvironment = environment[Self.environmentVariable].flatMap { $0.isEmpty ? nil : $0 }
        loadedKey = Mutex(nil)
    }

    public func seal(_ secret: String) throws -> Data {
        let box = try AES.GCM.seal(Data(secret.utf8), using: key(creating: true))
        guard let combined = box.combined else { throw SQLPipeError.store("AES-GCM gave no sealed box") }
        return Data([Self.formatVersion]) + combined
    }

    public func open(_ sealed: Data) throws -> String {
        guard sealed.first == Self.formatVersion else {
            throw SQLPipeError.store("a stored password has an unknown format")
        }
        do {
            let box = try AES.GCM.SealedBox(combined: sealed.dropFirst())
            let plain = try AES.GCM.open(box, using: key(creating: false))
            return String(decoding: plain, as: UTF8.self)
        } catch let error as SQLPipeError {
            throw error
        } catch {
            throw SQLPipeError.store(
                "a stored password cannot be decrypted with this key (\(keySourceDescription)): was the key replaced?")
        }
    }

    private var keySourceDescription: String {
        keyFromEnvironment != nil ? Self.environmentVariable : keyFile
    }

    private func key(creating: Bool) throws -> SymmetricKey {
        try loadedKey.withLock { cached in
            if let cached { return cached }
            let key = try loadKey(creating: creating)
            cached = key
            return key
        }
    }

    private func loadKey(creating: Bool) throws -> SymmetricKey {
        if let text = keyFromEnvironment {
            guard let bytes = Data(base64Encoded: text), bytes.count == 32 else {
                throw SQLPipeError.store(
                    "\(Self.environmentVariable) must be 32 bytes in base64 (make one with: openssl rand -base64 32)")
            }
            return SymmetricKey(data: bytes)
        }
        if let existing = FileManager.default.contents(atPath: keyFile) {
            return try decodeKeyFile(existing)
        }
        guard creating else {
            throw SQLPipeError.store("the key file \(keyFile) is missing: stored passwords cannot be decrypted")
        }
        return try createKeyFile()
    }

    private func decodeKeyFile(_ contents: Data) throws -> SymmetricKey {
        let text = String(decoding: contents, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let bytes = Data(base64Encoded: text), bytes.count == 32 else {
            throw SQLPipeError.store("the key file \(keyFile) does not hold 32 bytes in base64")
        }
        return SymmetricKey(data: bytes)
    }

    /// Writes a new key to a private temporary file and links it into place, so that two processes that
    /// start at once end up with the same key: the one that loses the race reads the winner's.
    private func createKeyFile() throws -> SymmetricKey {
        let key = SymmetricKey(size: .bits256)
        let encoded = key.withUnsafeBytes { Data($0).base64EncodedString() } + "\n"
        let temporary = keyFile + ".\(getpid()).tmp"
        let descriptor = Foundation.open(temporary, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw SQLPipeError.store("cannot create the key file \(keyFile): \(String(cString: strerror(errno)))")
        }
        defer { unlink(temporary) }
        let written = encoded.utf8CString.withUnsafeBufferPointer { write(descriptor, $0.baseAddress, $0.count - 1) }
        let synced = fsync(descriptor)
        close(descriptor)
        guard written == encoded.utf8.count, synced == 0 else {
            throw SQLPipeError.store("cannot write the key file \(keyFile): \(String(cString: strerror(errno)))")
        }
        if link(temporary, keyFile) != 0 {
            guard errno == EEXIST, let existing = FileManager.default.contents(atPath: keyFile) else {
                throw SQLPipeError.store("cannot create the key file \(keyFile): \(String(cString: strerror(errno)))")
            }
            return try decodeKeyFile(existing)
        }
        return key
    }
}
