import Foundation
import SQLPipeCore
import SQLPipeEngine

/// The databases of one test: the shared servers under names no other test uses, and SQLite files in a
/// folder of its own.
public struct TestWorld: Sendable {
    public let directory: URL
    public let tag: String

    public init() throws {
        directory = try TemporaryDirectory.make()
        tag = String(UUID().uuidString.prefix(8)).lowercased()
    }

    /// A table name no other test uses: `base_tag`.
    public func uniqueName(_ base: String) -> String { "\(base)_\(tag)" }

    public func config(_ system: DataSystem, file: String = "data.db") throws -> ConnectionConfig {
        var input = try TestDatabases.input(for: system, sqlitePath: directory.appendingPathComponent(file).path)
        input.dsType = system.rawValue
        return TestDatabases.config(input)
    }

    public func input(_ system: DataSystem, name: String, file: String = "data.db") throws -> ConnectionInput {
        var input = try TestDatabases.input(for: system, sqlitePath: directory.appendingPathComponent(file).path)
        input.dsType = system.rawValue
        input.name = name
        return input
    }
}
