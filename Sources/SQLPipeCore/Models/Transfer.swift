import Foundation

/// The life of a transfer or a query: queued → running → complete | error | cancelled.
public enum RunStatus: String, Codable, Sendable, CaseIterable {
    case queued, running, complete, error, cancelled

    public var isFinished: Bool { self == .complete || self == .error || self == .cancelled }
}

/// A transfer as the API and `--json` show it. Fields that have not happened yet are null, not absent.
public struct Transfer: Codable, Equatable, Sendable {
    public var id: Int64
    public var createdAt: Date
    public var createdBy: String
    public var sourceID: Int64?
    public var targetID: Int64?
    public var query: String
    public var targetSchema: String
    public var targetTable: String
    public var overwrite: Bool
    public var status: RunStatus
    public var error: String?
    public var warnings: [String]
    public var rowsTransferred: Int
    public var startedAt: Date?
    public var stoppedAt: Date?

    enum CodingKeys: String, CodingKey {
        case id, createdAt, createdBy, sourceID, targetID, query, targetSchema, targetTable, overwrite, status, error
        case warnings, rowsTransferred, startedAt, stoppedAt
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(createdBy, forKey: .createdBy)
        try container.encode(sourceID, forKey: .sourceID)
        try container.encode(targetID, forKey: .targetID)
        try container.encode(query, forKey: .query)
        try container.encode(targetSchema, forKey: .targetSchema)
        try container.encode(targetTable, forKey: .targetTable)
        try container.encode(overwrite, forKey: .overwrite)
        try container.encode(status, forKey: .status)
        try container.encode(error, forKey: .error)
        try container.encode(warnings, forKey: .warnings)
        try container.encode(rowsTransferred, forKey: .rowsTransferred)
        try container.encode(startedAt, forKey: .startedAt)
        try container.encode(stoppedAt, forKey: .stoppedAt)
    }
}

/// The fields a client sends to create a transfer.
public struct TransferInput: Codable, Equatable, Sendable {
    public var sourceID: Int64?
    public var targetID: Int64?
    public var query: String?
    public var targetSchema: String?
    public var targetTable: String?
    public var overwrite: Bool?

    public init(
        sourceID: Int64? = nil, targetID: Int64? = nil, query: String? = nil, targetSchema: String? = nil,
        targetTable: String? = nil, overwrite: Bool? = nil
    ) {
        self.sourceID = sourceID
        self.targetID = targetID
        self.query = query
        self.targetSchema = targetSchema
        self.targetTable = targetTable
        self.overwrite = overwrite
    }
}
