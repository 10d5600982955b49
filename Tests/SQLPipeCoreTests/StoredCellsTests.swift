import Foundation
import GRDB
import SQLPipeEngine
import SQLPipeTestSupport
import Testing

@testable import SQLPipeCore

/// Rows read by position (`StoredCells`) against what was written, and the stores' timestamps read digit
/// by digit against GRDB's own reading.
struct StoredCellsTests {
    static var everyColumnSet: TransferRow {
        let file = StoredFile(
            spec: FileSpec(path: "in/orders.tsv", format: .tsv, nullString: "NA", columns: ["price:decimal(8,2)"]),
            onHost: false)
        return TransferRow(
            id: nil, createdAt: Date(timeIntervalSince1970: 1_764_000_000.123), createdBy: "ana \"q\" ü",
            createdByAdmin: true, sourceId: nil, targetId: nil, query: "SELECT 1\n\t-- é", targetSchema: "public",
            targetTable: "orders", overwrite: false, mode: "upsert", primaryKey: ["id", "day"], deleteMissing: true,
            cursorColumn: "updated_at", status: "running", error: "the server \\ went away",
            warnings: ["a warning", "ünïcode"], rowsTransferred: 9_000_000_001, rowsInserted: 7, rowsUpdated: 0,
            rowsDeleted: 3, cursorFrom: "2026-01-01", cursorTo: "2026-02-01",
            startedAt: Date(timeIntervalSince1970: 1_764_000_001.999), stoppedAt: Date(timeIntervalSince1970: 0),
            runnerPid: 4242, runnerHost: "host-1", cancelRequested: true, stagingTable: "_sqlpipe_staging_1",
            cleanupPending: true, leaseExpiresAt: Date(timeIntervalSince1970: -86_400.5), runnerToken: "token",
            replicationRunId: nil, sourceFile: file, targetFile: nil)
    }

    /// Every column set, on whichever store the tests run on: the row comes back as it went in.
    @Test func aTransferWithEveryColumnSetReadsBackAsWritten() async throws {
        let store = try TestStore()
        let written = Self.everyColumnSet
        let (inserted, _) = try await store.sqlpipe.store.insertRun(written, claimed: false)
        let read = try await store.sqlpipe.store.findRun(TransferRow.self, try #require(inserted.id))
        let encoder = JSONCoding.encoder()
        var expected = written
        expected.id = inserted.id
        #expect(
            String(decoding: try encoder.encode(read), as: UTF8.self)
                == String(decoding: try encoder.encode(expected), as: UTF8.self))
    }

    /// Read from SQLite's statement (a store read) and from a row copied out of it (the path of any other row).
    @Test func aValueOfAnotherTypeIsNamedWithItsColumn() async throws {
        let store = try TestStore(kind: .sqlite)
        let (inserted, _) = try await store.sqlpipe.store.insertRun(Self.everyColumnSet, claimed: false)
        let id = try #require(inserted.id)
        let database = try store.sqlpipe.sqliteStore.database
        for (change, error) in [
            ("rows_transferred = 'many'", "rows_transferred holds \"many\", not an integer"),
            ("rows_transferred = 1, started_at = 'soon'", "started_at holds \"soon\", not a timestamp"),
            ("started_at = NULL, created_by = x'FF'", "created_by holds Data(1 bytes), not text"),
        ] {
            try await database.write { db in
                try db.execute(sql: "UPDATE transfers SET \(change) WHERE id = ?", arguments: [id])
            }
            let expected = SQLPipeError.store("the store's transfers column \(error)")
            await #expect(throws: expected) { try await store.sqlpipe.store.findRun(TransferRow.self, id) }
            let copied = try #require(
                try await database.read { db in
                    try Row.fetchOne(db, sql: "SELECT * FROM transfers WHERE id = ?", arguments: [id])
                })
            #expect(throws: expected) { try TransferRow(row: copied) }
        }
    }

    /// Timestamps over five centuries, with and without milliseconds: the same `Date`, to the millisecond,
    /// as GRDB's reading, and GRDB writes the same text for it again.
    @Test func storedTimestampsReadAsGRDBReadsThem() throws {
        var generator = SystemRandomNumberGenerator()
        for round in 0..<5000 {
            let any = Int64.random(in: -2_208_988_800_000...7_258_118_400_000, using: &generator)
            let milliseconds = round.isMultiple(of: 2) ? any : any / 1000 * 1000
            let date = Date(timeIntervalSince1970: Double(milliseconds) / 1000)
            let text = try #require(String.fromDatabaseValue(date.databaseValue))
            let grdb = try #require(Date.fromDatabaseValue(text.databaseValue))
            let ours = try #require(StoredTimestamp.date(text), "\(text)")
            #expect(JSONCoding.timestamp(ours) == JSONCoding.timestamp(grdb), "\(text)")
            #expect(String.fromDatabaseValue(ours.databaseValue) == text)
        }
        #expect(StoredTimestamp.date("2026-12-02 07:40:32.123+00") == StoredTimestamp.date("2026-12-02T07:40:32.123Z"))
        #expect(StoredTimestamp.date("2026-12-02 07:40:32") == Date(timeIntervalSince1970: 1_796_197_232))
        for text in [
            "2026-13-02 07:40:32", "2026-12-02 24:00:00", "2026-12-02", "2026-12-02 07:40:32+02", "soon",
            "12026-12-02 07:40:32",
        ] {
            #expect(StoredTimestamp.date(text) == nil, "\(text)")
        }
    }
}
