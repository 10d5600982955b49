import Foundation

/// A file written whole or not at all: the rows go to a temporary file beside it, which `commit` renames over
/// the final name, so that readers never see half a file and a failed run leaves what was there.
public final class FileDestination {
    private enum State { case open, committed, abandoned }

    /// The path as given, for messages.
    private let path: String
    private let isStandardOutput: Bool
    /// The directory, held open so that every step happens in the same one whatever is renamed meanwhile.
    private let directory: Int32
    private let name: String
    private let temporaryName: String
    public let descriptor: Int32
    private var state = State.open

    /// Opens a new temporary file beside `path` (same directory, name `.<name>.sqlpipe-<random>.tmp`, mode
    /// 0644 minus umask), or standard output for "-".
    public init(path: String) throws {
        self.path = path
        if path == "-" {
            isStandardOutput = true
            directory = -1
            name = path
            temporaryName = ""
            descriptor = STDOUT_FILENO
            return
        }
        isStandardOutput = false
        let slash = path.lastIndex(of: "/")
        let directoryPath = slash.map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "."
        name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        try Self.checkName(name, path: path)
        directory = open(directoryPath, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard directory >= 0 else {
            throw DriverError("cannot write '\(path)': \(directoryPath): \(systemErrorText(errno))")
        }
        do {
            (temporaryName, descriptor) = try Self.createTemporary(in: directory, name: name, path: path)
        } catch {
            close(directory)
            throw error
        }
    }

    /// For confinement by the caller: the directory is an open descriptor (O_DIRECTORY) and the name one path
    /// component; the temporary file is created with openat and renamed with renameat in that directory, and
    /// no path is followed again. The directory descriptor stays the caller's (this keeps a duplicate).
    public init(directory: Int32, name: String) throws {
        path = name
        isStandardOutput = false
        self.name = name
        try Self.checkName(name, path: name)
        let duplicate = fcntl(directory, F_DUPFD_CLOEXEC, 0)
        guard duplicate >= 0 else { throw DriverError("cannot write '\(name)': \(systemErrorText(errno))") }
        self.directory = duplicate
        do {
            (temporaryName, descriptor) = try Self.createTemporary(in: duplicate, name: name, path: name)
        } catch {
            close(duplicate)
            throw error
        }
    }

    deinit {
        abandon()
        if directory >= 0 { close(directory) }
    }

    /// Makes the file durable and puts it in place: fsync, rename over the final name (replacing a file there,
    /// or a symlink itself, never what it points to), fsync of the directory so that the rename survives too.
    public func commit() throws {
        guard state == .open else {
            if state == .committed { return }
            throw DriverError("cannot commit '\(path)': it was abandoned")
        }
        if isStandardOutput {
            // Whatever went to stdio's buffer (a print) goes out before the caller goes on.
            fflush(nil)
            state = .committed
            return
        }
        var descriptorOpen = true
        do {
            try retryingInterrupts("cannot write '\(path)'") { fsync(descriptor) }
            // close reports the errors a network file system kept for it; after EINTR the descriptor is gone too.
            descriptorOpen = false
            if close(descriptor) != 0 && errno != EINTR {
                throw DriverError("cannot write '\(path)': \(systemErrorText(errno))")
            }
            guard renameat(directory, temporaryName, directory, name) == 0 else {
                throw DriverError("cannot replace '\(path)': \(systemErrorText(errno))")
            }
        } catch {
            if descriptorOpen { close(descriptor) }
            unlinkat(directory, temporaryName, 0)
            state = .abandoned
            throw error
        }
        state = .committed
        // The file is in place; a directory that cannot be synced (some file systems refuse) changes nothing.
        _ = fsync(directory)
    }

    /// Removes the temporary file; the final name is untouched, so an existing file stays as it was. Does
    /// nothing after `commit` or a first `abandon`.
    public func abandon() {
        guard state == .open else { return }
        state = .abandoned
        guard !isStandardOutput else { return }
        close(descriptor)
        unlinkat(directory, temporaryName, 0)
    }

    private static func checkName(_ name: String, path: String) throws {
        if name.isEmpty || name == "." || name == ".." {
            throw DriverError("cannot write '\(path)': it names a directory, not a file")
        }
        if name.contains("/") { throw DriverError("cannot write '\(path)': the name must be one path component") }
        if name.utf8.contains(0) { throw DriverError("cannot write '\(path)': the name contains a NUL character") }
    }

    private static func createTemporary(in directory: Int32, name: String, path: String) throws -> (String, Int32) {
        var status = stat()
        if fstatat(directory, name, &status, AT_SYMLINK_NOFOLLOW) == 0 && (status.st_mode & S_IFMT) == S_IFDIR {
            throw DriverError("cannot write '\(path)': \(systemErrorText(EISDIR))")
        }
        // The name is cut so that the temporary one stays within NAME_MAX (255 bytes).
        var stem = Substring(name)
        while stem.utf8.count > 200 { stem = stem.dropLast() }
        for _ in 0..<16 {
            let random = String(UInt64.random(in: 0...UInt64.max), radix: 16)
            let temporaryName = ".\(stem).sqlpipe-\(random).tmp"
            let descriptor = openat(
                directory, temporaryName, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
            if descriptor >= 0 { return (temporaryName, descriptor) }
            if errno == EEXIST || errno == EINTR { continue }
            throw DriverError("cannot write '\(path)': \(systemErrorText(errno))")
        }
        throw DriverError("cannot write '\(path)': no free temporary name beside it")
    }

    private func retryingInterrupts(_ what: String, _ call: () -> Int32) throws {
        while call() != 0 {
            if errno == EINTR { continue }
            throw DriverError("\(what): \(systemErrorText(errno))")
        }
    }
}
