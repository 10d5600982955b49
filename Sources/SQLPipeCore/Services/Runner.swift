import Foundation

/// Which process runs a transfer or query, so that another process can tell a live run from one whose
/// process died.
enum Runner {
    static var pid: Int { Int(getpid()) }

    /// This machine and pid namespace: the hostname, the boot and the namespace's inode. Two containers
    /// with one hostname differ in their namespace, so neither takes the other's pids for its own.
    static let host: String = {
        var buffer = [CChar](repeating: 0, count: 256)
        gethostname(&buffer, buffer.count)
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let boot =
            (try? String(contentsOfFile: "/proc/sys/kernel/random/boot_id", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? "?"
        var namespace = stat()
        let space = stat("/proc/self/ns/pid", &namespace) == 0 ? String(namespace.st_ino) : "?"
        return "\(name) boot:\(boot) pidns:\(space)"
    }()

    /// Whether the runner of a running record is gone: its lease expired, or it ran in this machine and
    /// pid namespace and its process has exited (or the pid now belongs to something that is no sqlpipe).
    /// A record from before leases has none: it lives only while its process provably does.
    static func isGone(pid: Int?, host: String?, leaseExpiresAt: Date?, now: Date) -> Bool {
        if let leaseExpiresAt, leaseExpiresAt < now { return true }
        let lives = processLives(pid: pid, host: host)
        return leaseExpiresAt == nil ? lives != true : lives == false
    }

    /// Whether the process lives, where this process can tell: nil for another machine or namespace.
    private static func processLives(pid: Int?, host: String?) -> Bool? {
        guard let pid, let host, host == Self.host, !host.contains("?") else { return nil }
        if kill(pid_t(pid), 0) != 0 && errno == ESRCH { return false }
        guard let commandLine = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return nil }
        return String(decoding: commandLine, as: UTF8.self).contains("sqlpipe")
    }

    /// The OS user, for `createdBy` of work started from the CLI.
    static var osUser: String {
        if let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name { return String(cString: name) }
        return ProcessInfo.processInfo.environment["USER"] ?? "unknown"
    }
}
