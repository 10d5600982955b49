import Dispatch
import Foundation
import SQLPipeCore

#if canImport(Glibc)
    import Glibc
#endif

/// Runs work in the foreground as cron and shells expect: live progress on stderr when it is a terminal,
/// and Ctrl-C (or SIGTERM) turned into a clean cancel instead of a dead process.
final class ForegroundRun: @unchecked Sendable {
    private var sources: [any DispatchSourceSignal] = []
    private let lock = NSLock()
    private var signalled: Int32 = 0

    /// The signal that interrupted the run, if any.
    var interruptedBy: Int32 { lock.withLock { signalled } }

    /// Calls `onInterrupt` once on the first SIGINT or SIGTERM.
    init(onInterrupt: @escaping @Sendable () -> Void) {
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [weak self] in
                guard let self else { return }
                let first = self.lock.withLock { () -> Bool in
                    defer { if self.signalled == 0 { self.signalled = number } }
                    return self.signalled == 0
                }
                if first {
                    if Terminal.errorIsTerminal { printError("", terminator: "\ncancelling…\n") }
                    onInterrupt()
                }
            }
            source.resume()
            sources.append(source)
        }
    }

    func stop() {
        for source in sources { source.cancel() }
        for number in [SIGINT, SIGTERM] { signal(number, SIG_DFL) }
    }

    /// The exit code of an interrupted run: 130 for Ctrl-C, as shells report it.
    var exitCode: Int32 { interruptedBy == SIGTERM ? 143 : 130 }

    /// Runs `work` with a control that the first Ctrl-C or SIGTERM cancels. Returns its result and the
    /// status a cancelled run exits with: 130 or 143 when a signal cancelled it, else 1 (cancelled from
    /// another shell).
    static func run<T>(_ work: (RunControl) async throws -> T) async throws -> (result: T, cancelledStatus: Int32) {
        let control = RunControl()
        let foreground = ForegroundRun { control.cancel() }
        defer { foreground.stop() }
        let result = try await work(control)
        return (result, foreground.interruptedBy != 0 ? foreground.exitCode : 1)
    }

    /// Prints `rows  rate  elapsed` on one stderr line while `work` runs, when stderr is a terminal (never
    /// into a file or a pipe, where it would be noise) and it is `shown` (not with --quiet).
    static func withProgress<T>(
        rows: @escaping @Sendable () -> Int, shown: Bool = true, _ work: () async throws -> T
    ) async rethrows -> T {
        guard shown, Terminal.errorIsTerminal else { return try await work() }
        let started = ContinuousClock.now
        let ticker = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(250))
                if Task.isCancelled { break }
                let seconds = max(0.001, (ContinuousClock.now - started).seconds)
                let count = rows()
                let line =
                    "  \(count.grouped) rows  \(Int(Double(count) / seconds).grouped) rows/s  \(Formatting.elapsed(seconds))"
                FileHandle.standardError.write(Data(("\r\u{1B}[K" + line).utf8))
            }
        }
        defer {
            ticker.cancel()
            FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
        }
        return try await work()
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

extension Int {
    /// 1234567 → "1,234,567".
    var grouped: String {
        let digits = String(magnitude)
        var result = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { result.append(",") }
            result.append(digit)
        }
        return self < 0 ? "-" + result : result
    }
}

extension Formatting {
    static func elapsed(_ seconds: Double) -> String {
        let whole = Int(seconds)
        return String(format: "%d:%02d", whole / 60, whole % 60)
    }
}
