import Foundation
import SQLPipeEngine

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
    /// The file read in place of a source connection and query; null for a database source.
    public var sourceFile: FileSpec?
    /// The file written in place of a target connection and table; null for a database target.
    public var targetFile: FileSpec?
    public var query: String
    public var targetSchema: String
    public var targetTable: String
    /// Whether `mode` is `overwrite`: the field of clients from before `mode`.
    public var overwrite: Bool
    public var mode: TransferMode
    /// The key columns; `[]` when none were given.
    public var primaryKey: [String]
    public var deleteMissing: Bool
    public var cursorColumn: String?
    public var status: RunStatus
    public var error: String?
    public var warnings: [String]
    /// Rows read from the source.
    public var rowsTransferred: Int
    /// Rows the target gained, changed and lost; null until the run completes, and where the database
    /// cannot tell.
    public var rowsInserted: Int?
    public var rowsUpdated: Int?
    public var rowsDeleted: Int?
    /// An incremental run's high-water mark before and after it, as text; null for the other modes.
    public var cursorFrom: String?
    public var cursorTo: String?
    public var startedAt: Date?
    public var stoppedAt: Date?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, createdAt, createdBy, sourceID, targetID, sourceFile, targetFile, query, targetSchema, targetTable
        case overwrite, mode, primaryKey, deleteMissing, cursorColumn, status, error, warnings, rowsTransferred
        case rowsInserted, rowsUpdated, rowsDeleted, cursorFrom, cursorTo, startedAt, stoppedAt
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(createdBy, forKey: .createdBy)
        try container.encode(sourceID, forKey: .sourceID)
        try container.encode(targetID, forKey: .targetID)
        try container.encode(sourceFile, forKey: .sourceFile)
        try container.encode(targetFile, forKey: .targetFile)
        try container.encode(query, forKey: .query)
        try container.encode(targetSchema, forKey: .targetSchema)
        try container.encode(targetTable, forKey: .targetTable)
        try container.encode(overwrite, forKey: .overwrite)
        try container.encode(mode, forKey: .mode)
        try container.encode(primaryKey, forKey: .primaryKey)
        try container.encode(deleteMissing, forKey: .deleteMissing)
        try container.encode(cursorColumn, forKey: .cursorColumn)
        try container.encode(status, forKey: .status)
        try container.encode(error, forKey: .error)
        try container.encode(warnings, forKey: .warnings)
        try container.encode(rowsTransferred, forKey: .rowsTransferred)
        try container.encode(rowsInserted, forKey: .rowsInserted)
        try container.encode(rowsUpdated, forKey: .rowsUpdated)
        try container.encode(rowsDeleted, forKey: .rowsDeleted)
        try container.encode(cursorFrom, forKey: .cursorFrom)
        try container.encode(cursorTo, forKey: .cursorTo)
        try container.encode(startedAt, forKey: .startedAt)
        try container.encode(stoppedAt, forKey: .stoppedAt)
    }
}

/// The fields a client sends to create a transfer.
public struct TransferInput: Codable, Equatable, Sendable {
    public var sourceID: Int64?
    public var targetID: Int64?
    /// A file to read in place of `sourceID` and `query`.
    public var sourceFile: FileInput?
    /// A file to write in place of `targetID`, `targetSchema` and `targetTable`.
    public var targetFile: FileInput?
    public var query: String?
    public var targetSchema: String?
    public var targetTable: String?
    /// `true` is `mode: overwrite`, from before `mode`.
    public var overwrite: Bool?
    /// Nil: `overwrite` when `overwrite` is true, else `append`.
    public var mode: TransferMode?
    public var primaryKey: [String]?
    public var deleteMissing: Bool?
    public var cursorColumn: String?
    /// A `mode` in a request body that names no mode. Kept to be refused with the other problems of the
    /// input (422 naming `mode`), rather than as a body that cannot be read (400).
    var unknownMode: String?

    public init(
        sourceID: Int64? = nil, targetID: Int64? = nil, query: String? = nil, targetSchema: String? = nil,
        targetTable: String? = nil, overwrite: Bool? = nil, mode: TransferMode? = nil, primaryKey: [String]? = nil,
        deleteMissing: Bool? = nil, cursorColumn: String? = nil, sourceFile: FileInput? = nil,
        targetFile: FileInput? = nil
    ) {
        self.sourceID = sourceID
        self.targetID = targetID
        self.sourceFile = sourceFile
        self.targetFile = targetFile
        self.query = query
        self.targetSchema = targetSchema
        self.targetTable = targetTable
        self.overwrite = overwrite
        self.mode = mode
        self.primaryKey = primaryKey
        self.deleteMissing = deleteMissing
        self.cursorColumn = cursorColumn
    }

    enum CodingKeys: String, CodingKey {
        case sourceID, targetID, sourceFile, targetFile, query, targetSchema, targetTable, overwrite, mode
        case primaryKey, deleteMissing, cursorColumn
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        sourceID = try container.decodeIfPresent(Int64.self, forKey: .sourceID)
        targetID = try container.decodeIfPresent(Int64.self, forKey: .targetID)
        sourceFile = try container.decodeIfPresent(FileInput.self, forKey: .sourceFile)
        targetFile = try container.decodeIfPresent(FileInput.self, forKey: .targetFile)
        query = try container.decodeIfPresent(String.self, forKey: .query)
        targetSchema = try container.decodeIfPresent(String.self, forKey: .targetSchema)
        targetTable = try container.decodeIfPresent(String.self, forKey: .targetTable)
        overwrite = try container.decodeIfPresent(Bool.self, forKey: .overwrite)
        let modeName = try container.decodeIfPresent(String.self, forKey: .mode)
        mode = modeName.flatMap { TransferMode(rawValue: $0.lowercased()) }
        unknownMode = mode == nil ? modeName : nil
        primaryKey = try container.decodeIfPresent([String].self, forKey: .primaryKey)
        deleteMissing = try container.decodeIfPresent(Bool.self, forKey: .deleteMissing)
        cursorColumn = try container.decodeIfPresent(String.self, forKey: .cursorColumn)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(sourceID, forKey: .sourceID)
        try container.encodeIfPresent(targetID, forKey: .targetID)
        try container.encodeIfPresent(sourceFile, forKey: .sourceFile)
        try container.encodeIfPresent(targetFile, forKey: .targetFile)
        try container.encodeIfPresent(query, forKey: .query)
        try container.encodeIfPresent(targetSchema, forKey: .targetSchema)
        try container.encodeIfPresent(targetTable, forKey: .targetTable)
        try container.encodeIfPresent(overwrite, forKey: .overwrite)
        try container.encodeIfPresent(mode?.rawValue ?? unknownMode, forKey: .mode)
        try container.encodeIfPresent(primaryKey, forKey: .primaryKey)
        try container.encodeIfPresent(deleteMissing, forKey: .deleteMissing)
        try container.encodeIfPresent(cursorColumn, forKey: .cursorColumn)
    }
}

/// A file as a client names it: its path alone (`"orders.csv.gz"`), or an object with the path and how to
/// read or write it. Format and compression follow the name's extensions unless given.
public struct FileInput: Codable, Equatable, Sendable {
    public var path: String?
    /// `csv`, `tsv` or `ndjson`; kept as text so that an unknown one is refused with the other problems.
    public var format: String?
    /// `none`, `gzip` or `zstd`.
    public var compression: String?
    public var delimiter: String?
    public var quote: String?
    public var header: Bool?
    public var nullString: String?
    /// `NAME:TYPE` for a file read.
    public var columns: [String]?
    /// Fields of the object that a file does not have, refused with the input's other problems.
    var unknownFields: [String] = []

    public init(
        path: String?, format: String? = nil, compression: String? = nil, delimiter: String? = nil,
        quote: String? = nil, header: Bool? = nil, nullString: String? = nil, columns: [String]? = nil
    ) {
        self.path = path
        self.format = format
        self.compression = compression
        self.delimiter = delimiter
        self.quote = quote
        self.header = header
        self.nullString = nullString
        self.columns = columns
    }

    enum CodingKeys: String, CodingKey {
        case path, format, compression, delimiter, quote, header, nullString, columns
    }

    public init(from decoder: any Decoder) throws {
        if let path = try? decoder.singleValueContainer().decode(String.self) {
            self.init(path: path)
            return
        }
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let unknown = try decoder.container(keyedBy: AnyFieldName.self).allKeys.map(\.stringValue)
            .filter { CodingKeys(stringValue: $0) == nil }.sorted()
        self.init(
            path: try container.decodeIfPresent(String.self, forKey: .path),
            format: try container.decodeIfPresent(String.self, forKey: .format),
            compression: try container.decodeIfPresent(String.self, forKey: .compression),
            delimiter: try container.decodeIfPresent(String.self, forKey: .delimiter),
            quote: try container.decodeIfPresent(String.self, forKey: .quote),
            header: try container.decodeIfPresent(Bool.self, forKey: .header),
            nullString: try container.decodeIfPresent(String.self, forKey: .nullString),
            columns: try container.decodeIfPresent([String].self, forKey: .columns))
        unknownFields = unknown
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(path, forKey: .path)
        try container.encodeIfPresent(format, forKey: .format)
        try container.encodeIfPresent(compression, forKey: .compression)
        try container.encodeIfPresent(delimiter, forKey: .delimiter)
        try container.encodeIfPresent(quote, forKey: .quote)
        try container.encodeIfPresent(header, forKey: .header)
        try container.encodeIfPresent(nullString, forKey: .nullString)
        try container.encodeIfPresent(columns, forKey: .columns)
    }
}

/// Any field name of a JSON object: to find the ones a type does not know.
struct AnyFieldName: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
