import Foundation

/// A value of a query result in JSON: numbers that JSON readers cannot hold exactly (decimals, integers
/// beyond 2^53, NaN and infinities) are strings.
public enum JSONValue: Codable, Equatable, Sendable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .int(value)
        } else if let value = try? container.decode(Double.self) {
            self = .double(value)
        } else {
            self = .string(try container.decode(String.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .double(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        }
    }
}

/// The first rows of a query's last result set, as stored with the query.
public struct QueryResult: Codable, Equatable, Sendable {
    public struct Column: Codable, Equatable, Sendable {
        public var name: String
        /// The neutral type, e.g. `int64`, `decimal(38,10)`, `timestamptz` (see docs/type-mapping.md).
        public var type: String
    }

    public var columns: [Column]
    public var rows: [[JSONValue]]
    /// Whether rows were left out to keep the preview within its limits (1,000 rows, 1 MiB of JSON).
    public var truncated: Bool
}

/// A query as the API and `--json` show it. Its `result` is in details only, and only for its creator and
/// admins: elsewhere the field is absent (`includesResult` false), while null means no result (yet).
public struct Query: Codable, Equatable, Sendable {
    public var id: Int64
    public var createdAt: Date
    public var createdBy: String
    public var connectionId: Int64?
    public var query: String
    public var status: RunStatus
    public var error: String?
    public var rowsAffected: Int?
    public var result: QueryResult?
    public var startedAt: Date?
    public var stoppedAt: Date?
    /// Whether `result` is part of this view of the query (not a field of its own).
    public var includesResult = true

    enum CodingKeys: String, CodingKey {
        case id, createdAt, createdBy, connectionId, query, status, error, rowsAffected, result, startedAt, stoppedAt
    }

    /// Fields that have not happened yet are null, not absent.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(createdBy, forKey: .createdBy)
        try container.encode(connectionId, forKey: .connectionId)
        try container.encode(query, forKey: .query)
        try container.encode(status, forKey: .status)
        try container.encode(error, forKey: .error)
        try container.encode(rowsAffected, forKey: .rowsAffected)
        if includesResult { try container.encode(result, forKey: .result) }
        try container.encode(startedAt, forKey: .startedAt)
        try container.encode(stoppedAt, forKey: .stoppedAt)
    }
}

/// The fields a client sends to create a query.
public struct QueryInput: Codable, Equatable, Sendable {
    public var connectionId: Int64?
    public var query: String?

    public init(connectionId: Int64? = nil, query: String? = nil) {
        self.connectionId = connectionId
        self.query = query
    }
}
