/// Who asks a service for something: the services decide by it what may be used and seen.
public struct Caller: Sendable, Equatable {
    public var username: String
    /// Admins may use restricted connections and see every query's result.
    public var admin: Bool
    /// How many transfers and queries this caller may have queued or running at once; nil for no cap.
    public var maximumActiveRuns: Int?

    public init(username: String, admin: Bool, maximumActiveRuns: Int? = nil) {
        self.username = username
        self.admin = admin
        self.maximumActiveRuns = maximumActiveRuns
    }

    /// The CLI: whoever runs it can read the store and its key anyway, so it may use every connection.
    public static var machine: Caller { Caller(username: Runner.osUser, admin: true) }

    /// Whether this caller may see what `createdBy` made privately (a query's result).
    func owns(_ createdBy: String) -> Bool { admin || createdBy == username }
}

/// The cap on a caller's queued and running work, shared by transfers and queries.
enum ActiveRunQuota {
    /// Keeps `inserted`, just stored for `caller`, only while the caller is within its cap. The count is
    /// taken after the insert, in one write with the removal, so parallel requests cannot all slip under it.
    static func admit<Record: RunRecord>(_ inserted: Record, of caller: Caller, in store: any MetadataStoring)
        async throws
    {
        guard let maximum = caller.maximumActiveRuns else { return }
        let username = caller.username
        let active = try await store.keepRun(inserted, ifActiveRunsOf: username, areAtMost: maximum)
        if active > maximum {
            throw SQLPipeError.limitReached(
                "\(username) has \(maximum) transfers and queries queued or running, the most a user may have: "
                    + "wait for some to finish or cancel some")
        }
    }
}
