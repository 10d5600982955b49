import Foundation
import GRDB
import SQLPipeEngine

/// Runs the blocking part of a transfer or query on a thread of its own while another thread, four times a
/// second, writes its progress to the store, renews its lease and reads whether another process asked to
/// cancel it. Both are threads rather than tasks, so that a busy cooperative pool cannot delay a cancel.
///
/// When the store cannot be written for longer than the lease, or the run was taken from this process
/// (recovered after its lease expired), the run is cancelled: it can no longer be recorded as its own.
enum RunWatcher {
    static let interval: TimeInterval = 0.25

    static func run<T: Sendable>(
        _ table: RunTable, claim: RunClaim, store: any MetadataStoring, control: RunControl,
        _ work: @escaping @Sendable () throws -> T
    ) async -> Result<T, any Error> {
        await watching(table, claim: claim, store: store, control: control) { try await runBlocking(work) }
    }

    /// Runs `work`, which must not block its thread, while the watcher keeps the run's lease: the form of
    /// a run that is made of other runs (a replication's streams).
    static func watching<T: Sendable>(
        _ table: RunTable, claim: RunClaim, store: any MetadataStoring, control: RunControl,
        _ work: () async throws -> T
    ) async -> Result<T, any Error> {
        let watching = WatchFlag()
        let watcher = Thread {
            var lastRenewal = Date()
            var reported = false
            while watching.isOn {
                watching.sleep(interval)
                guard watching.isOn else { break }
                do {
                    let state = try store.renew(
                        table, claim: claim, rows: control.rowsTransferred,
                        until: Date().addingTimeInterval(RunLease.duration))
                    lastRenewal = Date()
                    switch state {
                    case .ownedByOther:
                        control.cancel()
                        return
                    case .cancelRequested:
                        control.cancel()
                    case .running:
                        break
                    }
                } catch {
                    if !reported {
                        FileHandle.standardError.write(
                            Data(
                                "sqlpipe: cannot renew the lease of \(table.rawValue) \(claim.id) in the store: \(error)\n"
                                    .utf8))
                        reported = true
                    }
                    // Past the lease another process may take the run: stop before it does.
                    if Date().timeIntervalSince(lastRenewal) > RunLease.duration * 0.8 { control.cancel() }
                }
            }
        }
        watcher.start()
        defer { watching.turnOff() }
        do {
            return .success(try await work())
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
