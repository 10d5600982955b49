import ArgumentParser
import Foundation
import SQLPipeCore

extension ReplicationCommand {
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a replication now, in the foreground (or queue it for `sqlpipe serve` with --detach).",
            discussion: """
                Up to the definition's concurrency streams run at once, each one transfer, atomic on its own: a \
                stream that fails leaves its target as it was and the others run to their end. Ctrl-C cancels the \
                running streams, which leave their targets as they were. Exit status: 0 when every stream \
                completed, 1 when any failed, 130 interrupted.

                Example crontab line:
                  0 2 * * *  sqlpipe replication run nightly --quiet   # only errors on stderr
                """)

        @Argument(help: "The replication's name or id.")
        var replication: String
        @Option(
            help: ArgumentHelp(
                "Run only the streams whose source table, pattern or target table this matches (* and ? match).",
                valueName: "pattern"))
        var stream: String?
        @Flag(help: "Only queue the run: a running `sqlpipe serve` on the same store runs it.")
        var detach = false
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let sqlpipe = try await global.open()
            let output = global.output
            if detach {
                let queued = try await sqlpipe.replications.startRun(replication, streams: stream, by: .machine)
                try output.queued("run", queued, id: queued.id)
                return
            }
            let progress = ReplicationProgress()
            let started = ContinuousClock.now
            let (finished, cancelledStatus) = try await ForegroundRun.run { control in
                try await Self.withLiveLines(progress, shown: !global.quiet) {
                    try await sqlpipe.replications.runNow(
                        replication, streams: stream, by: .machine, control: control, progress: progress)
                }
            }
            let seconds = (ContinuousClock.now - started).seconds
            try? await sqlpipe.dropLeftovers()
            if global.json {
                try output.one("run", finished, fields: [])
            } else if !finished.streams.isEmpty, !global.quiet {
                print(finished.streamTable.rendered, terminator: "")
            }
            let complete = finished.streams.filter { $0.status == .complete }.count
            let summary =
                "replication run \(finished.id): \(complete) of \(finished.streams.count) streams complete in \(String(format: "%.2f", seconds)) s"
            switch finished.status {
            case .complete:
                if !global.json { output.confirmation(summary) }
            case .cancelled:
                printError("\(summary); cancelled: the running streams left their targets as they were")
                throw ExitCode(cancelledStatus)
            default:
                printError("Error: \(summary); \(finished.error ?? "it failed")")
                throw ExitCode.failure
            }
        }

        /// A line per running stream on stderr while `work` runs, when stderr is a terminal.
        static func withLiveLines<T>(
            _ progress: ReplicationProgress, shown: Bool, _ work: () async throws -> T
        ) async rethrows -> T {
            guard shown, Terminal.errorIsTerminal else { return try await work() }
            let lines = LiveLines()
            let ticker = Task {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .milliseconds(250))
                    if Task.isCancelled { break }
                    let results = progress.results
                    let live = progress.liveRows
                    let running = live.keys.sorted().compactMap { index -> String? in
                        guard index < results.count else { return nil }
                        let stream = results[index]
                        return "  \(stream.sourceTable ?? stream.stream) → \(stream.targetTable ?? "-")  "
                            + "\((live[index] ?? 0).grouped) rows"
                    }
                    let done = results.filter { $0.status.isFinished }.count
                    lines.show(running + ["  \(done) of \(results.count) streams done"])
                }
            }
            defer {
                ticker.cancel()
                lines.show([])
            }
            return try await work()
        }
    }
}

/// A block of lines on stderr redrawn in place: each draw replaces the last.
private final class LiveLines: @unchecked Sendable {
    private let lock = NSLock()
    private var shown = 0

    func show(_ lines: [String]) {
        lock.withLock {
            var text = shown > 0 ? "\u{1B}[\(shown)A" : ""
            for line in lines { text += "\r\u{1B}[K" + TerminalText.escaped(line) + "\n" }
            // Lines left over from a longer block are cleared, and the cursor goes back above them.
            let extra = max(0, shown - lines.count)
            for _ in 0..<extra { text += "\r\u{1B}[K\n" }
            if extra > 0 { text += "\u{1B}[\(extra)A" }
            shown = lines.count
            FileHandle.standardError.write(Data(text.utf8))
        }
    }
}
