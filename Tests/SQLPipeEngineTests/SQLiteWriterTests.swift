import Foundation
import SQLPipeTestSupport
import Testing

@testable import SQLPipeEngine

/// Rows go into SQLite many to a statement; a row SQLite refuses is still named by its number, and the
/// rows before it in its statement and batch are not kept.
@Suite struct SQLiteWriterTests {
    @Test(arguments: [1, 31, 33, 5000, 5999])
    func aRefusedRowIsNamedAndTheTargetKeepsWhatItHad(refused: Int) async throws {
        try await offPool {
            let world = try TestWorld()
            let targetConfig = try world.config(.sqlite, file: "target.db")
            let target = try Drivers.open(targetConfig)
            defer { target.close() }
            let table = world.uniqueName("checked")
            let quoted = target.dialect.quote(table)
            try target.execute("CREATE TABLE \(quoted) (i INTEGER, v TEXT CHECK (i <> \(refused)))")
            try target.execute("INSERT INTO \(quoted) VALUES (-1, 'before')")
            let request = TransferRequest(
                source: try world.config(.postgresql),
                target: targetConfig,
                query: "SELECT i, 'v' || i AS v FROM generate_series(1, 6000) AS i ORDER BY i",
                table: TableName(name: table), mode: .append, stagingName: world.uniqueName("staging"))
            let error = #expect(throws: DriverError.self) { try TransferEngine.run(request, control: RunControl()) }
            let message = error.map { "\($0)" } ?? ""
            #expect(message.contains("row \(refused):") && message.contains("CHECK constraint failed"), "\(message)")
            #expect(try target.query("SELECT i, v FROM \(quoted)", []) == [["-1", "before"]])
        }
    }

    /// Every row arrives, whatever the rows left over after the many-row statements.
    @Test(arguments: [0, 1, 31, 32, 33, 4096, 4097, 10_001])
    func everyRowArrivesInOrder(rows: Int) async throws {
        try await offPool {
            let world = try TestWorld()
            let targetConfig = try world.config(.sqlite, file: "target.db")
            let target = try Drivers.open(targetConfig)
            defer { target.close() }
            let table = world.uniqueName("rows")
            let request = TransferRequest(
                source: try world.config(.postgresql),
                target: targetConfig,
                query:
                    "SELECT i, md5(i::text) AS h, i * 0.5::float8 AS x FROM generate_series(1, \(rows)) AS i ORDER BY i",
                table: TableName(name: table), mode: .overwrite, stagingName: world.uniqueName("staging"))
            let outcome = try TransferEngine.run(request, control: RunControl())
            #expect(outcome.rows == rows)
            let quoted = target.dialect.quote(table)
            let summary = try target.query(
                "SELECT count(*), coalesce(sum(i), 0), coalesce(sum(rowid = i AND x = i * 0.5), 0) FROM \(quoted)", [])
            #expect(summary == [[String(rows), String(rows * (rows + 1) / 2), String(rows)]])
            if rows > 0 {
                #expect(
                    try target.query("SELECT h FROM \(quoted) WHERE i = 1", []) == [
                        ["c4ca4238a0b923820dcc509a6f75849b"]
                    ])
            }
        }
    }
}
