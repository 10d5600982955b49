import Foundation
import Testing

@testable import SQLPipeCore
@testable import sqlpipe

/// The line a completed foreground run prints: only the counts the target could tell, and an
/// incremental run's cursor marks.
@Suite struct TransferSummaryTests {
    static func finished(
        _ mode: TransferMode, rows: Int, inserted: Int? = nil, updated: Int? = nil, deleted: Int? = nil,
        cursorFrom: String? = nil, cursorTo: String? = nil
    ) -> Transfer {
        Transfer(
            id: 7, createdAt: Date(), createdBy: "cron", sourceID: 1, targetID: 2, query: "SELECT * FROM orders",
            targetSchema: "public", targetTable: "orders", overwrite: mode == .overwrite, mode: mode,
            primaryKey: mode == .upsert ? ["id"] : [], deleteMissing: mode == .upsert,
            cursorColumn: mode == .incremental ? "updated_at" : nil, status: .complete, error: nil, warnings: [],
            rowsTransferred: rows, rowsInserted: inserted, rowsUpdated: updated, rowsDeleted: deleted,
            cursorFrom: cursorFrom, cursorTo: cursorTo, startedAt: Date(), stoppedAt: Date())
    }

    @Test func theSummaryHasTheCountsThatAreKnown() {
        #expect(
            Self.finished(.upsert, rows: 1000, inserted: 400, updated: 600, deleted: 3).summary(seconds: 0.52)
                == "transfer 7 complete: 1,000 rows read into public.orders in 0.52 s (1,923 rows/s): 400 inserted, 600 updated, 3 deleted"
        )
        #expect(
            Self.finished(.append, rows: 1, inserted: 1).summary(seconds: 0.5)
                == "transfer 7 complete: 1 row read into public.orders in 0.50 s (2 rows/s): 1 inserted")
        #expect(
            Self.finished(.truncate, rows: 2500, deleted: nil).summary(seconds: 1)
                == "transfer 7 complete: 2,500 rows read into public.orders in 1.00 s (2,500 rows/s)")
    }

    @Test func anIncrementalSummaryHasTheCursorMarks() {
        #expect(
            Self.finished(
                .incremental, rows: 12, inserted: 10, updated: 2, cursorFrom: "2024-01-01 00:00:00",
                cursorTo: "2024-02-01 08:30:00"
            ).summary(seconds: 1)
                == "transfer 7 complete: 12 rows read into public.orders in 1.00 s (12 rows/s): 10 inserted, 2 updated; cursor 2024-01-01 00:00:00 → 2024-02-01 08:30:00"
        )
        // A first run loads everything: there was no mark before it.
        #expect(
            Self.finished(.incremental, rows: 0, inserted: 0, cursorTo: nil).summary(seconds: 1)
                == "transfer 7 complete: 0 rows read into public.orders in 1.00 s (0 rows/s): 0 inserted; cursor none → none"
        )
    }
}
