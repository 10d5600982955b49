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
