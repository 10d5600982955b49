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

    /// A source that fails after thousands of rows were written, and a cancelled run: the old file stays
    /// byte for byte, and no temporary file is left beside it.
    @Test func aFailedOrCancelledWriteKeepsTheOldFile() async throws {
        let outcome = try await offPoolSharingServers { () -> (String, String, [String], String) in
            let world = try TestWorld()
            let directory = try TemporaryDirectory.make()
            defer { try? FileManager.default.removeItem(at: directory) }
            let path = directory.appendingPathComponent("kept.csv.gz").path
            try Data("old bytes".utf8).write(to: URL(fileURLWithPath: path))
            let config = try world.config(.postgresql)
            let failing = TransferRequest(
                from: .query(config, "SELECT i, 100 / (200000 - i) AS q FROM generate_series(1, 300000) AS i"),
                to: .file(FileSpec(path: path, format: .csv, compression: .gzip), access: .host), mode: .overwrite,
                stagingName: world.uniqueName("staging"))
            var failure = ""
            do { _ = try TransferEngine.run(failing, control: RunControl()) } catch { failure = "\(error)" }
            let control = RunControl()
            let slow = TransferRequest(
                from: .query(config, "SELECT i, pg_sleep(0.001) FROM generate_series(1, 100000) AS i"),
                to: .file(FileSpec(path: path, format: .csv, compression: .gzip), access: .host), mode: .overwrite,
                stagingName: world.uniqueName("staging"))
            DispatchQueue.global().asyncAfter(deadline: .now() + 1) { control.cancel() }
            var cancelled = ""
            do { _ = try TransferEngine.run(slow, control: control) } catch { cancelled = "\(type(of: error))" }
            let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            return (failure, cancelled, names, try String(contentsOfFile: path, encoding: .utf8))
        }
        #expect(outcome.0.contains("division by zero"), "\(outcome.0)")
        #expect(outcome.1 == "RunCancelled")
        #expect(outcome.2 == ["kept.csv.gz"])
        #expect(outcome.3 == "old bytes")
    }
}
