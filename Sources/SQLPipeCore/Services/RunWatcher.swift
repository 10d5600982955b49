import Foundation
import GRDB
import SQLPipeEngine

/// Runs the blocking part of a transfer or query on a thread of its own while, twice a second, writing
/// its progress to the store and reading whether another process asked to cancel it.
enum RunWatcher {
    enum Table: String {
        case transfers, queries
    }

    static let interval: Duration = .milliseconds(500)

    static func run<T: Sendable>(
        _ table: Table, id: Int64, store: MetadataStore, control: TransferControl,
        _ work: @escaping @Sendable () throws -> T
    ) async -> Result<T, any Error> {
        await withTaskGroup(of: Result<T, any Error>?.self) { group in
            group.addTask {
                do {
                    return .success(try await runBlocking(work))
                } catch {
                    return .failure(error)
                }
            }
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: interval)
                    if Task.isCancelled { break }
                    let rows = control.rowsTransferred
                    let requested = try? await store.write { db -> Bool in
                        if table == .transfers {
                            try db.execute(sql: "UPDATE transfers SET rows_transferred = ? WHERE id = ?", arguments: [rows, id])
                        }
                        return try Bool.fetchOne(
                            db, sql: "SELECT cancel_requested FROM \(table.rawValue) WHERE id = ?", arguments: [id]) ?? false
                    }
                    if requested == true { control.cancel() }
                }
                return nil
            }
            var outcome: Result<T, any Error> = .failure(TransferCancelled())
            for await result in group {
                if let result {
                    outcome = result
                    group.cancelAll()
                }
            }
            return outcome
        }
    }
}
