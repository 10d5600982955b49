import Foundation
import SQLPipeTestSupport
import Testing

@testable import SQLPipeEngine

/// The hard-values table written to a file and read back into a new table of the same database, for every
/// format and compression: every value compared.
@Suite struct FileRouteTests {
    static let systems: [DataSystem] = [.postgresql, .mariadb, .sqlite]
    static let cases: [(DataSystem, FileFormat, FileCompression)] = systems.flatMap { system in
        FileFormat.allCases.flatMap { format in FileCompression.allCases.map { (system, format, $0) } }
    }

    struct RoundTrip: Sendable {
        var written: Int
        var read: Int
        var columns: [String]
        var values: [[String?]]
        var leftovers: [String]
    }

    static func roundTrip(
        _ fixture: [HardValues.Column], in system: DataSystem, format: FileFormat, compression: FileCompression
    ) throws -> RoundTrip {
        let world = try TestWorld()
        let directory = try TemporaryDirectory.make()
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = try world.config(system, file: "data.db")
        let session = try Drivers.open(config)
        defer { session.close() }
        let sourceTable = world.uniqueName("file_src")
        let targetTable = world.uniqueName("file_dst")
        try HardValues.create(sourceTable, with: fixture, in: session, sqlitePath: config.database)
        defer {
            try? session.execute("DROP TABLE IF EXISTS \(session.dialect.quote(sourceTable))")
            try? session.execute("DROP TABLE IF EXISTS \(session.dialect.quote(targetTable))")
        }
        let suffix = [FileCompression.none: "", .gzip: ".gz", .zstd: ".zst"][compression]!
        let path = directory.appendingPathComponent("hard.\(format.rawValue)\(suffix)").path
        let spec = FileSpec(path: path, format: format, compression: compression)
        let written = try TransferEngine.run(
            TransferRequest(
                from: .query(config, "SELECT * FROM \(session.dialect.quote(sourceTable)) ORDER BY id"),
                to: .file(spec, access: .host), mode: .overwrite, stagingName: world.uniqueName("staging")),
            control: RunControl())
        // Bytes look like text in every format: only a given type reads them back as bytes.
        var readSpec = spec
        readSpec.columns = fixture.filter { $0.type == .bytes }.map { "\($0.name):bytes" }
        let read = try TransferEngine.run(
            TransferRequest(
                from: .file(readSpec, access: .host), to: .table(config, TableName(name: targetTable)),
                mode: .overwrite, stagingName: world.uniqueName("staging")),
            control: RunControl())
        let (columns, rows) = try HardValues.read(
            "SELECT * FROM \(session.dialect.quote(targetTable)) ORDER BY id", from: session)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter {
            $0 != (path as NSString).lastPathComponent
        }
        return RoundTrip(
            written: written.rows, read: read.rows, columns: columns.map(\.name), values: rows, leftovers: leftovers)
    }

    @Test(arguments: cases)
    func hardValuesSurviveAFile(system: DataSystem, format: FileFormat, compression: FileCompression) async throws {
        let fixture = HardValues.values(from: system, to: system)
        let run = try await offPoolSharingServers {
            try Self.roundTrip(fixture, in: system, format: format, compression: compression)
        }
        let label = "\(system) → \(format) \(compression) → \(system)"
        #expect(run.written == HardValues.rowCount, "\(label)")
        #expect(run.read == HardValues.rowCount, "\(label)")
        #expect(run.columns == fixture.map(\.name), "\(label)")
        #expect(run.leftovers.isEmpty, "\(label): \(run.leftovers)")
        for (index, column) in fixture.enumerated() where index < run.columns.count {
            for row in 0..<min(run.values.count, HardValues.rowCount) {
                let actual = run.values[row][index]
                let expected = column.values[row]
                #expect(
                    HardValues.same(expected, actual, type: column.type),
                    "\(label) \(column.name) row \(row + 1): expected \(expected.map { String($0.prefix(80)) } ?? "NULL"), got \(actual.map { String($0.prefix(80)) } ?? "NULL")"
                )
            }
        }
    }
}
