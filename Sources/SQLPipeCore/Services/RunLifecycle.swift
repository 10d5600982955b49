import Foundation
import SQLPipeEngine

/// The run path that transfers and queries share.
enum RunLifecycle {
    /// Runs a claimed record to its end and records how it ended: the one path of transfers and queries.
    /// `prepare` gathers what the run needs from the store (its failure fails the run); `work` runs it,
    /// blocking, on a thread of its own while the watcher renews the lease and reads cancel requests;
    /// `record` adds what is particular to the kind to the finished row, given the work's output when it
    /// succeeded. A cancelled run ends `cancelled` with `cancelledMessage`, a failed one `error` with the
    /// failure's message.
    static func execute<Record: RunRecord, Prepared: Sendable, Output: Sendable>(
        _ type: Record.Type, _ claim: RunClaim, in store: any MetadataStoring, control: RunControl,
        cancelledMessage: String,
        prepare: () async throws -> Prepared,
        work: @escaping @Sendable (Prepared) throws -> Output,
        record: @escaping @Sendable (inout Record, Prepared?, Output?) -> Void
    ) async throws -> Record {
        var prepared: Prepared?
        let outcome: Result<Output, any Error>
        do {
            let ready = try await prepare()
            prepared = ready
            outcome = await RunWatcher.run(Record.runTable, claim: claim, store: store, control: control) {
                try control.checkCancelled()
                do {
                    return try work(ready)
                } catch {
                    // A statement stopped by the cancel fails with the server's own words: it was the cancel.
                    if control.isCancelled { throw RunCancelled() }
                    throw error
                }
            }
        } catch {
            outcome = .failure(error)
        }
        let cancelled = control.isCancelled
        let ready = prepared
        return try await store.finishRun(Record.self, claim) { row in
            switch outcome {
            case .success(let output):
                row.status = RunStatus.complete.rawValue
                record(&row, ready, output)
            case .failure(let error):
                if error is RunCancelled || cancelled {
                    row.status = RunStatus.cancelled.rawValue
                    row.error = cancelledMessage
                } else {
                    row.status = RunStatus.error.rawValue
                    row.error = message(of: error)
                }
                record(&row, ready, nil)
            }
        }
    }

    /// A failure as a record's `error` says it: the driver's or sqlpipe's own words.
    static func message(of error: any Error) -> String {
        switch error {
        case let error as DriverError: error.message
        case let error as SQLPipeError: error.description
        default: "\(error)"
        }
    }
}
