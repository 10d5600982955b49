import Foundation
import SQLPipeTestSupport
import Testing

@testable import SQLPipeEngine

/// One table of hard values moved over every route, every value read back and compared.
@Suite struct TransferRouteTests {
    static let systems: [DataSystem] = [.postgresql, .mariadb, .sqlite]
    static let routes: [(DataSystem, DataSystem)] = systems.flatMap { source in systems.map { (source, $0) } }

    /// Everything a route's check needs, gathered off the cooperative pool.
    struct RouteRun: Sendable {
        var rows: Int
        var columns: [String]
        var values: [[String?]]
        var stagingLeft: Bool
    }

    static func move(_ fixture: [HardValues.Column], from source: DataSystem, to target: DataSystem) throws -> RouteRun
    {
        let world = try TestWorld()
        let sourceTable = world.uniqueName("hard_src")
        let targetTable = world.uniqueName("Hard Dst")
        let sourceConfig = try world.config(source, file: "source.db")
        let targetConfig = try world.config(target, file: "target.db")
        let sourceSession = try Drivers.open(sourceConfig)
        defer { sourceSession.close() }
        try HardValues.create(sourceTable, with: fixture, in: sourceSession, sqlitePath: sourceConfig.database)
        defer { try? sourceSession.execute("DROP TABLE \(sourceSession.dialect.quote(sourceTable))") }

        let request = TransferRequest(
            source: sourceConfig, target: targetConfig,
            query: "SELECT * FROM \(sourceSession.dialect.quote(sourceTable)) ORDER BY id",
            table: TableName(name: targetTable),
            mode: .overwrite, stagingName: world.uniqueName("staging"))
        let outcome = try TransferEngine.run(request, control: RunControl())

        let targetSession = try Drivers.open(targetConfig)
        defer {
            try? targetSession.execute("DROP TABLE \(targetSession.dialect.quote(targetTable))")
            targetSession.close()
        }
        let (columns, rows) = try HardValues.read(
            "SELECT * FROM \(targetSession.dialect.quote(targetTable)) ORDER BY id", from: targetSession)
        return RouteRun(
            rows: outcome.rows, columns: columns.map(\.name), values: rows,
            stagingLeft: try targetSession.tableColumns(TableName(name: request.stagingName)) != nil)
    }

    @Test(arguments: routes)
    func hardValuesSurviveEveryRoute(source: DataSystem, target: DataSystem) async throws {
        let fixture = HardValues.values(from: source, to: target)
        let run = try await offPool { try Self.move(fixture, from: source, to: target) }
        #expect(run.rows == HardValues.rowCount)
        #expect(run.columns == fixture.map(\.name))
        #expect(run.values.count == HardValues.rowCount)
        for (index, column) in fixture.enumerated() {
            for row in 0..<min(run.values.count, HardValues.rowCount) {
                let actual = run.values[row][index]
                let expected = column.values[row]
                #expect(
                    HardValues.same(expected, actual, type: column.type),
                    "\(source)→\(target) \(column.name) row \(row + 1): expected \(expected.map { String($0.prefix(80)) } ?? "NULL"), got \(actual.map { String($0.prefix(80)) } ?? "NULL")"
                )
            }
        }
        #expect(!run.stagingLeft)
    }
}

/// The paths a transfer takes when its first choice is not available.
@Suite struct FallbackPathTests {
    @Test func mysqlTargetsFallBackToInsertsWithoutLocalInfile() async throws {
        let fixture = HardValues.values(from: .postgresql, to: .mariadb)
        let run = try await offPool { () -> (Int, String?, [[String?]]) in
            let world = try TestWorld()
            let source = try world.config(.postgresql)
            var target = try world.config(.mariadb)
            target.params["local_infile"] = "0"
            let sourceTable = world.uniqueName("fallback_src")
            let targetTable = world.uniqueName("fallback_dst")
            let sourceSession = try Drivers.open(source)
            defer {
                try? sourceSession.execute("DROP TABLE \(sourceSession.dialect.quote(sourceTable))")
                sourceSession.close()
            }
            try HardValues.create(sourceTable, with: fixture, in: sourceSession)
            let outcome = try TransferEngine.run(
                TransferRequest(
                    source: source, target: target,
                    query: "SELECT * FROM \(sourceSession.dialect.quote(sourceTable)) ORDER BY id",
                    table: TableName(name: targetTable), mode: .overwrite, stagingName: world.uniqueName("staging")),
                control: RunControl())
            let targetSession = try Drivers.open(target)
            defer {
                try? targetSession.execute("DROP TABLE \(targetSession.dialect.quote(targetTable))")
                targetSession.close()
            }
            let (_, rows) = try HardValues.read(
                "SELECT * FROM \(targetSession.dialect.quote(targetTable)) ORDER BY id", from: targetSession)
            return (outcome.rows, try targetSession.scalar("SELECT @@local_infile"), rows)
        }
        #expect(run.0 == HardValues.rowCount)
        #expect(run.1 == "1", "the server allows it; the client refused")
        for (index, column) in fixture.enumerated() {
            for row in 0..<HardValues.rowCount {
                #expect(
                    HardValues.same(column.values[row], run.2[row][index], type: column.type),
                    "\(column.name) row \(row + 1)")
            }
        }
    }

    @Test func postgresStatementsCOPYCannotWrapAreReadRowByRow() async throws {
        let (rows, zone) = try await offPool { () -> (Int, String?) in
            let world = try TestWorld()
            let target = try world.config(.sqlite, file: "show.db")
            let outcome = try TransferEngine.run(
                TransferRequest(
                    source: try world.config(.postgresql), target: target, query: "SHOW TimeZone",
                    table: TableName(name: "settings"), mode: .overwrite, stagingName: "sqlpipe_staging_show"),
                control: RunControl())
            let session = try Drivers.open(target)
            defer { session.close() }
            return (outcome.rows, try session.scalar("SELECT \"TimeZone\" FROM settings"))
        }
        #expect(rows == 1)
        #expect(zone == "UTC")

        // Into PostgreSQL too, where the plan would otherwise ask the source to describe the statement.
        let (pgRows, pgZone) = try await offPool { () -> (Int, String?) in
            let world = try TestWorld()
            let target = try world.config(.postgresql)
            let table = world.uniqueName("settings")
            let outcome = try TransferEngine.run(
                TransferRequest(
                    source: try world.config(.postgresql), target: target, query: "SHOW TimeZone",
                    table: TableName(name: table), mode: .overwrite, stagingName: world.uniqueName("staging")),
                control: RunControl())
            let session = try Drivers.open(target)
            defer {
                try? session.execute("DROP TABLE \(session.dialect.quote(table))")
                session.close()
            }
            return (outcome.rows, try session.scalar("SELECT \"TimeZone\" FROM \(session.dialect.quote(table))"))
        }
        #expect(pgRows == 1)
        #expect(pgZone == "UTC")
    }
}
