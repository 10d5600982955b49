import Foundation
import SQLPipeEngine

/// What a replication's definition must meet before it is stored: its name, connections, schedule, and
/// every stream as the transfer it will make, each problem under its path (`streams[2].mode`).
enum ReplicationRules {
    static let maximumConcurrency = 16

    struct Valid {
        var name: String
        var source: Connection
        var target: Connection
        var definition: ReplicationDefinition
        var concurrency: Int
        var schedule: CronExpression?
        var timeZone: TimeZone
    }

    static func validate(
        _ definition: ReplicationDefinition, by caller: Caller, in connections: ConnectionService
    ) async throws -> Valid {
        var problems: [String: String] = [:]
        let name = (definition.name ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if let problem = ConnectionRules.nameProblem(name, noun: "replication") { problems["name"] = problem }
        let source = try await connection(definition.source, field: "source", by: caller, in: connections, &problems)
        let target = try await connection(definition.target, field: "target", by: caller, in: connections, &problems)

        let concurrency = definition.concurrency ?? 1
        if !(1...maximumConcurrency).contains(concurrency) {
            problems["concurrency"] = "must be between 1 and \(maximumConcurrency)"
        }
        var schedule: CronExpression?
        if let text = definition.schedule {
            do { schedule = try CronExpression(text) } catch { problems["schedule"] = error.description }
        }
        var timeZone = TimeZone(secondsFromGMT: 0) ?? .current
        if let zone = definition.timezone {
            if let known = TimeZone(identifier: zone) {
                timeZone = known
            } else {
                problems["timezone"] =
                    "\"\(zone)\" is not an IANA time zone (e.g. Europe/Berlin, America/New_York, UTC)"
            }
            if definition.schedule == nil { problems["timezone"] = "only with a schedule" }
        }
        for (index, pattern) in definition.exclude.enumerated() {
            do { _ = try TablePattern(pattern) } catch { problems["exclude[\(index)]"] = error.description }
        }
        if definition.streams.isEmpty { problems["streams"] = "must list at least one stream" }
        let sourceDialect = source.map { Drivers.dialect(for: $0.dsType) }
        let targetDialect = target.map { Drivers.dialect(for: $0.dsType) }
        var targets: [String: Int] = [:]
        for (index, stream) in definition.streams.enumerated() {
            let path = "streams[\(index)]"
            streamProblems(
                stream, at: path, defaults: definition.defaults, source: sourceDialect, target: targetDialect,
                into: &problems)
            // Two streams into one table would each replace or merge over the other.
            if let table = stream.targetTable
                ?? stream.table.flatMap({ try? TablePattern($0) }).flatMap({
                    $0.isPattern ? nil : $0.table
                })
            {
                let schema = stream.settings.targetSchema ?? definition.defaults.targetSchema ?? ""
                let key =
                    targetDialect?.caseSensitiveNames == false
                    ? "\(schema).\(table)".lowercased() : "\(schema).\(table)"
                if let first = targets[key] {
                    problems["\(path).targetTable"] =
                        "streams[\(first)] writes to \(schema.isEmpty ? table : "\(schema).\(table)") too"
                } else {
                    targets[key] = index
                }
            }
        }
        guard problems.isEmpty, let source, let target else { throw SQLPipeError.validation(problems) }
        return Valid(
            name: name, source: source, target: target, definition: definition, concurrency: concurrency,
            schedule: schedule, timeZone: timeZone)
    }

    /// The transfer a stream makes, as the stream's settings over the defaults say it; what it reads comes
    /// from the stream. A default that only one mode takes (`cursorColumn`, `deleteMissing`) passes to
    /// the streams of that mode alone: `defaults: {mode: incremental, cursorColumn: updated_at}` leaves a
    /// stream of `mode: upsert` without a cursor.
    static func transferInput(
        of stream: ReplicationStream, defaults: StreamSettings, query: String, targetTable: String,
        primaryKey catalogKey: [String]
    ) -> TransferInput {
        var settings = defaults.overlaid(by: stream.settings)
        let mode = settings.mode.flatMap { TransferMode(rawValue: $0.lowercased()) }
        if stream.settings.cursorColumn == nil, mode != .incremental { settings.cursorColumn = nil }
        if stream.settings.deleteMissing == nil, mode != .upsert { settings.deleteMissing = nil }
        var input = TransferInput(
            query: query, targetSchema: settings.targetSchema, targetTable: targetTable,
            mode: settings.mode.flatMap { TransferMode(rawValue: $0.lowercased()) },
            primaryKey: settings.primaryKey ?? catalogKey, deleteMissing: settings.deleteMissing,
            cursorColumn: settings.cursorColumn)
        if input.mode == nil { input.unknownMode = settings.mode }
        return input
    }

    private static func streamProblems(
        _ stream: ReplicationStream, at path: String, defaults: StreamSettings, source: (any Dialect)?,
        target: (any Dialect)?, into problems: inout [String: String]
    ) {
        var streamProblems: [String: String] = [:]
        var fromCatalog = false
        switch (stream.table, stream.query) {
        case (nil, nil):
            problems[path] = "needs a table or a query"
        case (_?, _?):
            problems[path] = "has both a table and a query: give one"
        case (let table?, nil):
            fromCatalog = true
            do {
                let pattern = try TablePattern(table)
                if pattern.isPattern, stream.targetTable != nil {
                    problems["\(path).targetTable"] =
                        "cannot be given for a pattern: each table it matches keeps its own name"
                }
                if let source, !pattern.isPattern {
                    for part in [pattern.schema, pattern.table] where !part.isEmpty {
                        if let problem = TransferRules.nameProblem(part, role: "name", dialect: source) {
                            problems["\(path).table"] = problem
                        }
                    }
                }
            } catch {
                problems["\(path).table"] = error.description
            }
        case (nil, let query?):
            _ = RunRules.queryText(query, into: &streamProblems)
            if stream.targetTable == nil { problems["\(path).targetTable"] = "must be provided for a query stream" }
        }
        let targetTable = stream.targetTable ?? "placeholder"
        if let target, let table = stream.targetTable {
            if let problem = TransferRules.nameProblem(table, role: "name", dialect: target) {
                problems["\(path).targetTable"] = problem
            }
        }
        let settings = defaults.overlaid(by: stream.settings)
        if let target, let schema = settings.targetSchema, !schema.isEmpty {
            if let problem = TransferRules.nameProblem(schema, role: "name", dialect: target) {
                problems[field("targetSchema", of: stream, at: path, defaults: defaults)] = problem
            }
        }
        let input = transferInput(
            of: stream, defaults: defaults, query: stream.query ?? "", targetTable: targetTable, primaryKey: [])
        _ = TransferRules.sync(input, dialect: target, into: &streamProblems)
        // A table stream's key comes from the source's catalog when none is given: checked when it runs.
        if fromCatalog, settings.primaryKey == nil { streamProblems["primaryKey"] = nil }
        for (key, problem) in streamProblems {
            problems[field(key, of: stream, at: path, defaults: defaults)] = problem
        }
    }

    /// The path a problem of a stream's setting goes under: the stream's, unless only the defaults set it.
    private static func field(
        _ key: String, of stream: ReplicationStream, at path: String, defaults: StreamSettings
    ) -> String {
        let setByStream = isSet(key, in: stream.settings)
        return !setByStream && isSet(key, in: defaults) ? "defaults.\(key)" : "\(path).\(key)"
    }

    private static func isSet(_ key: String, in settings: StreamSettings) -> Bool {
        switch key {
        case "targetSchema": settings.targetSchema != nil
        case "mode": settings.mode != nil
        case "primaryKey": settings.primaryKey != nil
        case "cursorColumn": settings.cursorColumn != nil
        case "deleteMissing": settings.deleteMissing != nil
        default: false
        }
    }

    private static func connection(
        _ reference: String?, field: String, by caller: Caller, in connections: ConnectionService,
        _ problems: inout [String: String]
    ) async throws -> Connection? {
        guard let reference, !reference.isEmpty else {
            problems[field] = "must be provided: a connection's name or id"
            return nil
        }
        do {
            return try await connections.usable(reference: reference, field: field, by: caller).0
        } catch SQLPipeError.notFound {
            problems[field] = "no connection with name or id '\(reference)'"
            return nil
        }
    }
}
