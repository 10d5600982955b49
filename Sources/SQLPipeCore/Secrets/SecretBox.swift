import Crypto
import Foundation

/// Encrypts connection passwords at rest with AES-GCM. The key comes from `SQLPIPE_SECRET_KEY` (base64 of
/// 32 bytes) or, for a SQLite store, from a key file beside it (mode 0600), made on first use. A store
/// that several hosts share has no such place: every host must be given the same key.
public final class SecretBox: Sendable {
    public static let environmentVariable = "SQLPIPE_SECRET_KEY"
    private static let formatVersion: UInt8 = 1

    /// Nil where the key must come from the environment (a PostgreSQL store).
    private let keyFile: String?
    private let keyFromEnvironment: String?
    private let loadedKey: Mutex<SymmetricKey?>

    public init(storePath: String, environment: [String: String] = ProcessInfo.processInfo.environment) {
        keyFile = storePath + ".key"
        keyFromEnvironment = environment[Self.environmentVariable].flatMap { $0.isEmpty ? nil : $0 }
        loadedKey = Mutex(nil)
    }

    /// A box whose key must come from `SQLPIPE_SECRET_KEY`; refused at once without one.
    public init(requiringKeyFrom environment: [String: String], for store: String) throws {
        keyFile = nil
        keyFromEnvironment = environment[Self.environmentVariable].flatMap { $0.isEmpty ? nil : $0 }
        loadedKey = Mutex(nil)
        guard keyFromEnvironment != nil else {
            throw SQLPipeError.store(
                "the store \(store) is on PostgreSQL: set \(Self.environmentVariable) to the same key on every host that uses it (make one with: openssl rand -base64 32)"
            )
        }
        _ = try key(creating: false)
    }

    /// What a shared store keeps to tell whether a host was given its key: a value sealed with it.
    static let keyCheckPlaintext = "sqlpipe key check"

    /// Makes sure `check` (a store's key check, in base64) opens with this box's key; returns the check to
    /// keep when the store has none yet.
    func verify(keyCheck check: String?, store: String) throws -> String {
        guard let check else { return try seal(Self.keyCheckPlaintext).base64EncodedString() }
        guard let sealed = Data(base64Encoded: check),
            (try? open(sealed)) == Self.keyCheckPlaintext
        else {
            throw SQLPipeError.store(
                "\(Self.environmentVariable) is not the key the store \(store) was made with: give every host the same key"
            )
        }
        return check
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
        keyFromEnvironment != nil ? Self.environmentVariable : keyFile ?? Self.environmentVariable
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
        guard let keyFile else {
            throw SQLPipeError.store("\(Self.environmentVariable) is not set: stored passwords cannot be decrypted")
        }
        if let existing = try readPrivateKeyFile(keyFile) {
            return try decodeKeyFile(existing, keyFile)
        }
        guard creating else {
            throw SQLPipeError.store("the key file \(keyFile) is missing: stored passwords cannot be decrypted")
        }
        return try createKeyFile(keyFile)
    }

    /// The key file's bytes, or nil when there is none. A key that others could read, or that someone
    /// else put there, is refused: whoever can read or choose the key can read or forge every secret.
    private func readPrivateKeyFile(_ keyFile: String) throws -> Data? {
        let descriptor = Foundation.open(keyFile, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else {
            if errno == ENOENT { return nil }
            if errno == ELOOP { throw SQLPipeError.store("the key file \(keyFile) is a symbolic link: refused") }
            throw SQLPipeError.store("cannot read the key file \(keyFile): \(String(cString: strerror(errno)))")
        }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw SQLPipeError.store("cannot read the key file \(keyFile): \(String(cString: strerror(errno)))")
        }
        if status.st_uid != geteuid() {
            throw SQLPipeError.store(
                "the key file \(keyFile) belongs to user id \(status.st_uid), not to this user (\(geteuid())): refused")
        }
        if status.st_mode & 0o077 != 0 {
            throw SQLPipeError.store(
                "the key file \(keyFile) may be read by others (mode \(String(status.st_mode & 0o777, radix: 8))): run chmod 600 \(keyFile)"
            )
        }
        return try handle.readToEnd() ?? Data()
    }

    private func decodeKeyFile(_ contents: Data, _ keyFile: String) throws -> SymmetricKey {
        let text = String(decoding: contents, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let bytes = Data(base64Encoded: text), bytes.count == 32 else {
            throw SQLPipeError.store("the key file \(keyFile) does not hold 32 bytes in base64")
        }
        return SymmetricKey(data: bytes)
    }

    /// Writes a new key to a private temporary file and links it into place, so that two processes that
    /// start at once end up with the same key: the one that loses the race reads the winner's.
    private func createKeyFile(_ keyFile: String) throws -> SymmetricKey {
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
            guard errno == EEXIST, let existing = try readPrivateKeyFile(keyFile) else {
                throw SQLPipeError.store("cannot create the key file \(keyFile): \(String(cString: strerror(errno)))")
            }
            return try decodeKeyFile(existing, keyFile)
        }
        return key
    }
}
