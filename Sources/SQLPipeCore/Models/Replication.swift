import Foundation

/// A stored replication as the API and `--json` show it: its definition with the connections resolved to
/// ids, and when its schedule next comes due.
public struct Replication: Codable, Equatable, Sendable {
    public var id: Int64
    public var name: String
    public var sourceID: Int64?
    public var targetID: Int64?
    public var defaults: StreamSettings
    public var streams: [ReplicationStream]
    public var exclude: [String]
    public var concurrency: Int
    public var schedule: String?
    /// The IANA time zone of `schedule`; null is UTC.
    public var timezone: String?
    public var createdAt: Date
    public var createdBy: String
    public var updatedAt: Date
    /// When `serve` next starts a run; null without a schedule.
    public var nextRunAt: Date?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, name, sourceID, targetID, defaults, streams, exclude, concurrency, schedule, timezone, createdAt
        case createdBy, updatedAt, nextRunAt
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(name, forKey: .name)
        try container.encode(sourceID, forKey: .sourceID)
        try container.encode(targetID, forKey: .targetID)
        try container.encode(defaults, forKey: .defaults)
        try container.encode(streams, forKey: .streams)
        try container.encode(exclude, forKey: .exclude)
        try container.encode(concurrency, forKey: .concurrency)
        try container.encode(schedule, forKey: .schedule)
        try container.encode(timezone, forKey: .timezone)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(createdBy, forKey: .createdBy)
        try container.encode(updatedAt, forKey: .updatedAt)
        try container.encode(nextRunAt, forKey: .nextRunAt)
    }
}

/// One run of a replication: its streams, each one transfer, and how each ended.
public struct ReplicationRun: Codable, Equatable, Sendable {
    public var id: Int64
    public var replicationID: Int64?
    public var status: RunStatus
    public var createdAt: Date
    public var createdBy: String
    public var startedAt: Date?
    public var stoppedAt: Date?
    /// Why the run as a whole failed (it could not list the source's tables, say), or how many streams did.
    public var error: String?
    /// The `--stream` pattern that chose the streams run; null for all.
    public var streamFilter: String?
    /// The due time a schedule started it for; null when it was started by hand.
    public var scheduledFor: Date?
    /// Due times that passed while the run before it was still going, and so started no run of their own.
    public var skippedDueTimes: Int
    public var streams: [StreamResult]

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, replicationID, status, createdAt, createdBy, startedAt, stoppedAt, error, streamFilter
        case scheduledFor, skippedDueTimes, streams
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(replicationID, forKey: .replicationID)
        try container.encode(status, forKey: .status)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(createdBy, forKey: .createdBy)
        try container.encode(startedAt, forKey: .startedAt)
        try container.encode(stoppedAt, forKey: .stoppedAt)
        try container.encode(error, forKey: .error)
        try container.encode(streamFilter, forKey: .streamFilter)
        try container.encode(scheduledFor, forKey: .scheduledFor)
        try container.encode(skippedDueTimes, forKey: .skippedDueTimes)
        try container.encode(streams, forKey: .streams)
    }
}

/// How one stream of a run went: the source table it read (a pattern's each match is a stream of its own),
/// the transfer that moved it, and its counts.
public struct StreamResult: Codable, Equatable, Sendable {
    /// The stream of the definition, by its `table` (or pattern) or `targetTable`.
    public var stream: String
    /// The source table, for table streams.
    public var sourceTable: String?
    /// `schema.table` on the target.
    public var targetTable: String?
    public var status: RunStatus
    public var transferID: Int64?
    public var rowsTransferred: Int?
    public var rowsInserted: Int?
    public var rowsUpdated: Int?
    public var rowsDeleted: Int?
    public var error: String?

    public init(
        stream: String, sourceTable: String? = nil, targetTable: String? = nil, status: RunStatus,
        transferID: Int64? = nil, rowsTransferred: Int? = nil, rowsInserted: Int? = nil, rowsUpdated: Int? = nil,
        rowsDeleted: Int? = nil, error: String? = nil
    ) {
        self.stream = stream
        self.sourceTable = sourceTable
        self.targetTable = targetTable
        self.status = status
        self.transferID = transferID
        self.rowsTransferred = rowsTransferred
        self.rowsInserted = rowsInserted
        self.rowsUpdated = rowsUpdated
        self.rowsDeleted = rowsDeleted
        self.error = error
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case stream, sourceTable, targetTable, status, transferID, rowsTransferred, rowsInserted, rowsUpdated
        case rowsDeleted, error
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(stream, forKey: .stream)
        try container.encode(sourceTable, forKey: .sourceTable)
        try container.encode(targetTable, forKey: .targetTable)
        try container.encode(status, forKey: .status)
        try container.encode(transferID, forKey: .transferID)
        try container.encode(rowsTransferred, forKey: .rowsTransferred)
        try container.encode(rowsInserted, forKey: .rowsInserted)
        try container.encode(rowsUpdated, forKey: .rowsUpdated)
        try container.encode(rowsDeleted, forKey: .rowsDeleted)
        try container.encode(error, forKey: .error)
    }
}
