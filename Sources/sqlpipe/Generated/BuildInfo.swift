// scripts/release.sh writes the commit of a release build here and puts this placeholder back afterwards.
// Keep the placeholder committed: a development build prints "(commit unknown)".

/// What `sqlpipe --version` says about the build.
enum BuildInfo {
    /// The git commit the binary was built from, or nil in a development build.
    static let commit: String? = nil

    /// `sqlpipe 0.1.0 (commit 0123456789ab)`, or `sqlpipe 0.1.0 (commit unknown)`.
    static func versionLine(version: String, commit: String? = commit) -> String {
        "sqlpipe \(version) (commit \(commit ?? "unknown"))"
    }
}
