import Foundation
import SQLPipeEngine
import Yams

/// The settings a stream may take from the replication's `defaults`.
public struct StreamSettings: Codable, Equatable, Sendable {
    public var targetSchema: String?
    /// As written: a name that is no mode is refused when the definition is checked, naming its field.
    public var mode: String?
    public var primaryKey: [String]?
    public var cursorColumn: String?
    public var deleteMissing: Bool?

    public init(
        targetSchema: String? = nil, mode: String? = nil, primaryKey: [String]? = nil, cursorColumn: String? = nil,
        deleteMissing: Bool? = nil
    ) {
        self.targetSchema = targetSchema
        self.mode = mode
        self.primaryKey = primaryKey
        self.cursorColumn = cursorColumn
        self.deleteMissing = deleteMissing
    }

    /// These settings with `overrides` laid over them, field by field.
    func overlaid(by overrides: StreamSettings) -> StreamSettings {
        StreamSettings(
            targetSchema: overrides.targetSchema ?? targetSchema, mode: overrides.mode ?? mode,
            primaryKey: overrides.primaryKey ?? primaryKey, cursorColumn: overrides.cursorColumn ?? cursorColumn,
            deleteMissing: overrides.deleteMissing ?? deleteMissing)
    }
}

/// One stream of a replication: a source table (or a pattern of them), or a query, and how it lands.
public struct ReplicationStream: Codable, Equatable, Sendable {
    /// `schema.table` or a plain name; `*` and `?` match in the table part.
    public var table: String?
    public var query: String?
    public var targetTable: String?
    public var settings: StreamSettings

    public init(
        table: String? = nil, query: String? = nil, targetTable: String? = nil, settings: StreamSettings = .init()
    ) {
        self.table = table
        self.query = query
        self.targetTable = targetTable
        self.settings = settings
    }

    /// What names the stream in messages and summaries: its table or pattern, else its target table.
    public var label: String { table ?? targetTable ?? "query" }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case table, query, targetTable, targetSchema, mode, primaryKey, cursorColumn, deleteMissing
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        table = try container.decodeIfPresent(String.self, forKey: .table)
        query = try container.decodeIfPresent(String.self, forKey: .query)
        targetTable = try container.decodeIfPresent(String.self, forKey: .targetTable)
        settings = try StreamSettings(from: decoder)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(table, forKey: .table)
        try container.encodeIfPresent(query, forKey: .query)
        try container.encodeIfPresent(targetTable, forKey: .targetTable)
        try settings.encode(to: encoder)
    }
}

/// A replication as written, in YAML or JSON: connections by name or id, streams and their defaults. Its
/// shape is checked when it is read (known fields, each of the right kind); what it means (connections,
/// modes, names, the schedule) when a service stores it.
public struct ReplicationDefinition: Codable, Equatable, Sendable {
    public var name: String?
    public var source: String?
    public var target: String?
    public var defaults: StreamSettings
    public var streams: [ReplicationStream]
    /// Patterns of tables that pattern streams leave out.
    public var exclude: [String]
    public var concurrency: Int?
    public var schedule: String?
    public var timezone: String?

    public init(
        name: String? = nil, source: String? = nil, target: String? = nil, defaults: StreamSettings = .init(),
        streams: [ReplicationStream] = [], exclude: [String] = [], concurrency: Int? = nil, schedule: String? = nil,
        timezone: String? = nil
    ) {
        self.name = name
        self.source = source
        self.target = target
        self.defaults = defaults
        self.streams = streams
        self.exclude = exclude
        self.concurrency = concurrency
        self.schedule = schedule
        self.timezone = timezone
    }

    static let fields = [
        "name", "source", "target", "defaults", "streams", "exclude", "concurrency", "schedule", "timezone",
    ]
    static let settingFields = ["targetSchema", "mode", "primaryKey", "cursorColumn", "deleteMissing"]
    static let streamFields = ["table", "query", "targetTable"] + settingFields

    /// Reads a definition from YAML or JSON text (JSON is read as the YAML it also is). Text that is no
    /// YAML is `badInput` naming the line; a field that is unknown or of the wrong kind is a `validation`
    /// problem under its path (`streams[2].mode`), with every other such problem.
    public static func parse(_ text: String) throws -> ReplicationDefinition {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw SQLPipeError.badInput("the replication is not valid YAML or JSON: " + describe(error))
        }
        guard let root else { throw SQLPipeError.badInput("the replication is empty") }
        var reader = NodeReader()
        let definition = reader.definition(root)
        guard reader.problems.isEmpty else { throw SQLPipeError.validation(reader.problems) }
        return definition
    }

    /// The fields present in a JSON object, to know which a PATCH replaces.
    public static func presentFields(in text: String) -> Set<String> {
        guard let root = try? Yams.compose(yaml: text), case .mapping(let mapping) = root else { return [] }
        return Set(mapping.compactMap { $0.key.string })
    }

    private static func describe(_ error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
            .composer(_, let problem, let mark, _):
            return "line \(mark.line), column \(mark.column): \(problem)"
        case .reader(let problem, _, _, _):
            return problem
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.sorted().map { "\"\($0)\"" }.joined(separator: ", ")
            return "line \(context.mark.line): \(keys) given twice in one mapping"
        default:
            return "\(error)"
        }
    }
}

/// Reads the nodes of a definition field by field, keeping each problem under its path.
private struct NodeReader {
    var problems: [String: String] = [:]

    mutating func definition(_ root: Node) -> ReplicationDefinition {
        var definition = ReplicationDefinition()
        guard let pairs = mapping(root, at: "", allowed: ReplicationDefinition.fields) else { return definition }
        for (key, value) in pairs {
            switch key {
            case "name": definition.name = string(value, at: key)
            case "source": definition.source = string(value, at: key)
            case "target": definition.target = string(value, at: key)
            case "defaults":
                definition.defaults = settings(value, at: key, allowed: ReplicationDefinition.settingFields)
            case "streams": definition.streams = streams(value, at: key)
            case "exclude": definition.exclude = strings(value, at: key) ?? []
            case "concurrency": definition.concurrency = integer(value, at: key)
            case "schedule": definition.schedule = string(value, at: key)
            case "timezone": definition.timezone = string(value, at: key)
            default: break
            }
        }
        return definition
    }

    private mutating func streams(_ node: Node, at path: String) -> [ReplicationStream] {
        guard case .sequence(let sequence) = node else {
            if !isNull(node) { problems[path] = "must be a list of streams" }
            return []
        }
        return sequence.enumerated().map { index, item in stream(item, at: "\(path)[\(index)]") }
    }

    private mutating func stream(_ node: Node, at path: String) -> ReplicationStream {
        var stream = ReplicationStream()
        stream.settings = settings(node, at: path, allowed: ReplicationDefinition.streamFields)
        guard let pairs = mapping(node, at: path, allowed: ReplicationDefinition.streamFields, reportUnknown: false)
        else { return stream }
        for (key, value) in pairs {
            switch key {
            case "table": stream.table = string(value, at: "\(path).\(key)")
            case "query": stream.query = string(value, at: "\(path).\(key)")
            case "targetTable": stream.targetTable = string(value, at: "\(path).\(key)")
            default: break
            }
        }
        return stream
    }

    private mutating func settings(_ node: Node, at path: String, allowed: [String]) -> StreamSettings {
        var settings = StreamSettings()
        guard let pairs = mapping(node, at: path, allowed: allowed) else { return settings }
        for (key, value) in pairs {
            let field = "\(path).\(key)"
            switch key {
            case "targetSchema": settings.targetSchema = string(value, at: field)
            case "mode": settings.mode = string(value, at: field)
            case "primaryKey": settings.primaryKey = strings(value, at: field)
            case "cursorColumn": settings.cursorColumn = string(value, at: field)
            case "deleteMissing": settings.deleteMissing = boolean(value, at: field)
            default: break
            }
        }
        return settings
    }

    /// The pairs of a mapping with string keys; unknown keys are problems (once, by the first reader).
    private mutating func mapping(
        _ node: Node, at path: String, allowed: [String], reportUnknown: Bool = true
    ) -> [(String, Node)]? {
        guard case .mapping(let mapping) = node else {
            if !isNull(node) || path.isEmpty {
                problems[path.isEmpty ? "definition" : path] = "must be a mapping of fields"
            }
            return nil
        }
        var pairs: [(String, Node)] = []
        for (keyNode, value) in mapping {
            guard let key = keyNode.scalar?.string else {
                problems[path.isEmpty ? "definition" : path] = "has a key that is not a name"
                continue
            }
            if allowed.contains(key) {
                pairs.append((key, value))
            } else if reportUnknown {
                let field = path.isEmpty ? key : "\(path).\(key)"
                let belongsToStream = ReplicationDefinition.streamFields.contains(key) && path == "defaults"
                problems[field] =
                    belongsToStream
                    ? "belongs to one stream, not to the defaults"
                    : "unknown field; the fields here are \(allowed.joined(separator: ", "))"
            }
        }
        return pairs
    }

    private func isNull(_ node: Node) -> Bool {
        guard let scalar = node.scalar else { return false }
        return scalar.style == .plain && node.null != nil
    }

    private mutating func string(_ node: Node, at path: String) -> String? {
        guard let scalar = node.scalar else {
            problems[path] = "must be text"
            return nil
        }
        if isNull(node) { return nil }
        return scalar.string
    }

    private mutating func strings(_ node: Node, at path: String) -> [String]? {
        if case .sequence(let sequence) = node {
            var values: [String] = []
            for (index, item) in sequence.enumerated() {
                guard let scalar = item.scalar, !isNull(item) else {
                    problems["\(path)[\(index)]"] = "must be text"
                    continue
                }
                values.append(scalar.string)
            }
            return values
        }
        // One name alone stands for a list of one.
        return string(node, at: path).map { [$0] }
    }

    private mutating func integer(_ node: Node, at path: String) -> Int? {
        if isNull(node) { return nil }
        guard let value = node.int, node.scalar?.style == .plain else {
            problems[path] = "must be a whole number"
            return nil
        }
        return value
    }

    private mutating func boolean(_ node: Node, at path: String) -> Bool? {
        if isNull(node) { return nil }
        guard let value = node.bool, node.scalar?.style == .plain else {
            problems[path] = "must be true or false"
            return nil
        }
        return value
    }
}
