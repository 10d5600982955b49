import Foundation
import GRDB
import SQLPipeEngine

/// Runs the blocking part of a transfer or query on a thread of its own while another thread, four times a
/// second, writes its progress to the store and reads whether another process asked to cancel it. Both
/// are threads rather than tasks, so that a busy cooperative pool cannot delay a cancel.
enum RunWatcher {
    enum Table: String {
        case transfers, queries
    }

    static let interval: TimeInterval = 0.25

    static func run<T: Sendable>(
        _ table: Table, id: Int64, store: MetadataStore, control: TransferControl,
        _ work: @escaping @Sendable () throws -> T
    ) async -> Result<T, any Error> {
        let watching = WatchFlag()
        let watcher = Thread {
            while watching.isOn {
                watching.sleep(interval)
                guard watching.isOn else { break }
                let rows = control.rowsTransferred
                let requested = try? store.database.write { db -> Bool in
                    if table == .transfers {
                        try db.execute(sql: "UPDATE transfers SET rows_transferred = ? WHERE id = ?", arguments: [rows, id])
                    }
                    return try Bool.fetchOne(
                        db, sql: "SELECT cancel_requested FROM \(table.rawValue) WHERE id = ?", arguments: [id]) ?? false
                }
                if requested == true { control.cancel() }
            }
        }
        watcher.start()
        defer { watching.turnOff() }
        do {
            return .success(try await runBlocking(work))
        } catch {
            return .failure(error)
        }
    }
}

/// Keeps the watcher going until the work is done, and wakes it from its sleep then.
private final class WatchFlag: @unchecked Sendable {
    private let condition = NSCondition()
    private var on = true

    var isOn: Bool {
        condition.lock()
        defer { condition.unlock() }
        return on
    }

    func sleep(_ seconds: TimeInterval) {
        condition.lock()
        if on { _ = condition.wait(until: Date(timeIntervalSinceNow: seconds)) }
        condition.unlock()
    }

    func turnOff() {
        condition.lock()
        on = false
        condition.broadcast()
        condition.unlock()
    }
}
