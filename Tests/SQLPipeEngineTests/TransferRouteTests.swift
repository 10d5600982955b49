import Foundation
import SQLPipeTestSupport
import Testing

@testable import SQLPipeEngine

/// One table of hard values moved over every route, every value read back and compared.
@Suite struct TransferRouteTests {
    static let systems: [DataSystem] = [.postgresql, .mariadb, .sqlite]
    static let routes: [(DataSystem, DataSystem)] = systems.flatMap { source in systems.map { (source, $0) } }

    @Test(arguments: routes)
    func hardValuesSurviveEveryRoute(source: DataSystem, target: DataSystem) throws {
        let world = try TestWorld()
        let fixture = HardValues.values(from: source, to: target)
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
            query: "SELECT * FROM \(sourceSession.dialect.quote(sourceTable)) ORDER BY id", table: TableName(name: targetTable),
            overwrite: true, stagingName: world.uniqueName("staging"))
        let outcome = try TransferEngine.run(request, control: TransferControl())
        #expect(outcome.rows == HardValues.rowCount)

        let targetSession = try Drivers.open(targetConfig)
        defer {
            try? targetSession.execute("DROP TABLE \(targetSession.dialect.quote(targetTable))")
            targetSession.close()
        }
        let (columns, rows) = try HardValues.read(
            "SELECT * FROM \(targetSession.dialect.quote(targetTable)) ORDER BY id", from: targetSession)
        #expect(columns.map(\.name) == fixture.map(\.name))
        #expect(rows.count == HardValues.rowCount)
        for (index, column) in fixture.enumerated() {
            for row in 0..<min(rows.count, HardValues.rowCount) {
                let actual = rows[row][index]
                let expected = column.values[row]
                #expect(
                    HardValues.same(expected, actual, type: column.type),
                    "\(source)→\(target) \(column.name) row \(row + 1): expected \(expected.map { String($0.prefix(80)) } ?? "NULL"), got \(actual.map { String($0.prefix(80)) } ?? "NULL")")
            }
        }
        #expect(try targetSession.tableColumns(TableName(name: request.stagingName)) == nil)
    }
}

/// The paths a transfer takes when its first choice is not available.
@Suite struct FallbackPathTests {
    @Test func mysqlTargetsFallBackToInsertsWithoutLocalInfile() throws {
        let world = try TestWorld()
        let fixture = HardValues.values(from: .postgresql, to: .mariadb)
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
                source: source, target: target, query: "SELECT * FROM \(sourceSession.dialect.quote(sourceTable)) ORDER BY id",
                table: TableName(name: targetTable), overwrite: true, stagingName: world.uniqueName("staging")),
            control: TransferControl())
        #expect(outcome.rows == HardValues.rowCount)
        let targetSession = try Drivers.open(target)
        defer {
            try? targetSession.execute("DROP TABLE \(targetSession.dialect.quote(targetTable))")
            targetSession.close()
        }
        #expect(try targetSession.scalar("SELECT @@local_infile") == "1", "the server allows it; the client refused")
        let (_, rows) = try HardValues.read("SELECT * FROM \(targetSession.dialect.quote(targetTable)) ORDER BY id", from: targetSession)
        for (index, column) in fixture.enumerated() {
            for row in 0..<HardValues.rowCount {
                #expect(HardValues.same(column.values[row], rows[row][index], type: column.type), "\(column.name) row \(row + 1)")
            }
        }
    }

    @Test func postgresStatementsCOPYCannotWrapAreReadRowByRow() throws {
        let world = try TestWorld()
        let target = try world.config(.sqlite, file: "show.db")
        let outcome = try TransferEngine.run(
            TransferRequest(
                source: try world.config(.postgresql), target: target, query: "SHOW TimeZone",
                table: TableName(name: "settings"), overwrite: true, stagingName: "sqlpipe_staging_show"),
            control: TransferControl())
        #expect(outcome.rows == 1)
        let session = try Drivers.open(target)
        defer { session.close() }
        #expect(try session.scalar("SELECT \"TimeZone\" FROM settings") == "UTC")
    }
}
