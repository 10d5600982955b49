import Foundation

/// Which process runs a transfer or query, so that another process can tell a live run from one whose
/// process died.
enum Runner {
    static var pid: Int { Int(getpid()) }

    static var host: String {
        var buffer = [CChar](repeating: 0, count: 256)
        gethostname(&buffer, buffer.count)
        return String(cString: buffer)
    }

    /// A run is alive while its process exists and is an sqlpipe (a reused pid belongs to something else).
    static func isAlive(pid: Int?, host: String?) -> Bool {
        guard let pid, let host else { return false }
        // Another machine's process cannot be checked from here: assume it lives.
        guard host == Self.host else { return true }
        if kill(pid_t(pid), 0) != 0 && errno == ESRCH { return false }
        guard let commandLine = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return true }
        return String(decoding: commandLine, as: UTF8.self).contains("sqlpipe")
    }

    /// The OS user, for `createdBy` of work started from the CLI.
    static var osUser: String {
        if let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name { return String(cString: name) }
        return ProcessInfo.processInfo.environment["USER"] ?? "unknown"
    }
}
