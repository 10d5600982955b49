import Foundation

/// Which files a transfer may read and write. The command line works on its user's own files; a server
/// only inside the directory its operator named, so that an API client never reaches the host's files.
public enum FileAccess: Sendable, Equatable {
    /// Any path this process can open, and `-` for standard input or output.
    case host
    /// Only regular files inside `directory`, named by paths relative to it.
    case confined(to: String)

    /// Why `path` cannot name a file inside a data directory, judged by its text alone (the API's 422);
    /// nil when it can. Symlinks are judged when the file is opened.
    public static func confinementProblem(_ path: String) -> String? {
        if path == "-" { return "standard input and output are only for the command line" }
        if path.hasPrefix("/") { return "must be a path relative to the server's data directory, not an absolute one" }
        if path.split(separator: "/", omittingEmptySubsequences: false).contains("..") {
            return "must not contain '..': it must stay inside the server's data directory"
        }
        if path.hasSuffix("/") || path.isEmpty { return "must name a file, not a directory" }
        return nil
    }

    /// Opens `path` for reading, and says whether it is a regular file (one that can be read twice).
    public func openForReading(_ path: String) throws -> (descriptor: Int32, isRegularFile: Bool) {
        switch self {
        case .host:
            if path == "-" { return (try duplicate(STDIN_FILENO, "standard input"), isRegular(STDIN_FILENO)) }
            let descriptor = open(path, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else { throw Self.error(errno, "cannot open", path) }
            if isDirectory(descriptor) {
                close(descriptor)
                throw DriverError("cannot read \(path): it is a directory")
            }
            return (descriptor, isRegular(descriptor))
        case .confined(let directory):
            if let problem = Self.confinementProblem(path) { throw DriverError("cannot read \(path): it \(problem)") }
            let root = try Self.realDirectory(directory)
            // O_NONBLOCK: a FIFO put in the directory must not hold the open; it is refused below anyway.
            let descriptor = open(root + "/" + path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
            guard descriptor >= 0 else { throw Self.error(errno, "cannot open", path) }
            // Judged by what was opened, not by the path again: a symlink swapped in later changes nothing.
            guard let opened = Self.openedPath(descriptor), Self.isInside(opened, root: root) else {
                close(descriptor)
                throw DriverError("cannot read \(path): it leads out of the server's data directory")
            }
            guard isRegular(descriptor) else {
                close(descriptor)
                throw DriverError("cannot read \(path): it is not a regular file")
            }
            _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) & ~O_NONBLOCK)
            return (descriptor, true)
        }
    }

    /// A new file that replaces `path` only once it is complete.
    public func destination(_ path: String) throws -> FileDestination {
        switch self {
        case .host:
            return try FileDestination(path: path)
        case .confined(let directory):
            let (folder, name) = try Self.confinedDirectory(of: path, in: directory)
            defer { close(folder) }
            return try FileDestination(directory: folder, name: name)
        }
    }

    /// Whether `path` can be read, or written, here: what opening it would find, without writing anything.
    public func check(_ path: String, reading: Bool) throws {
        if reading {
            close(try openForReading(path).descriptor)
        } else if case .confined(let directory) = self {
            close(try Self.confinedDirectory(of: path, in: directory).descriptor)
        }
    }

    /// The open directory a confined file is written in, and the file's name in it.
    private static func confinedDirectory(of path: String, in directory: String) throws -> (
        descriptor: Int32, name: String
    ) {
        if let problem = confinementProblem(path) { throw DriverError("cannot write \(path): it \(problem)") }
        let root = try realDirectory(directory)
        let parent = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        guard name != ".", name != "..", !name.isEmpty else {
            throw DriverError("cannot write \(path): it must name a file")
        }
        let folder = open(parent.isEmpty ? root : root + "/" + parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard folder >= 0 else { throw error(errno, "cannot write into the directory of", path) }
        guard let opened = openedPath(folder), opened == root || isInside(opened, root: root) else {
            close(folder)
            throw DriverError("cannot write \(path): its directory leads out of the server's data directory")
        }
        return (folder, name)
    }

    private static func realDirectory(_ directory: String) throws -> String {
        guard let resolved = realpath(directory, nil) else {
            throw error(errno, "cannot use the data directory", directory)
        }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// The path the kernel resolved for an open descriptor.
    private static func openedPath(_ descriptor: Int32) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink("/proc/self/fd/\(descriptor)", &buffer, buffer.count - 1)
        guard count > 0 else { return nil }
        return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func isInside(_ path: String, root: String) -> Bool {
        path.hasPrefix(root == "/" ? "/" : root + "/")
    }

    private static func error(_ code: Int32, _ action: String, _ path: String) -> DriverError {
        DriverError("\(action) \(path): \(String(cString: strerror(code)))")
    }
}

private func duplicate(_ descriptor: Int32, _ name: String) throws -> Int32 {
    let copy = fcntl(descriptor, F_DUPFD_CLOEXEC, 0)
    guard copy >= 0 else { throw DriverError("cannot read \(name): \(String(cString: strerror(errno)))") }
    return copy
}

private func isRegular(_ descriptor: Int32) -> Bool {
    var status = stat()
    return fstat(descriptor, &status) == 0 && (status.st_mode & S_IFMT) == S_IFREG
}

private func isDirectory(_ descriptor: Int32) -> Bool {
    var status = stat()
    return fstat(descriptor, &status) == 0 && (status.st_mode & S_IFMT) == S_IFDIR
}
