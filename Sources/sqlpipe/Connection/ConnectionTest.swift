import ArgumentParser
import Foundation
import SQLPipeCore

extension ConnectionCommand {
    struct Test: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Connect to a stored connection and report the server's version, or its error.")

        @Argument(help: "The connection's id or name.")
        var connection: String
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let started = ContinuousClock.now
            let (tested, version) = try await global.open().connections.test(connection)
            let elapsed = ContinuousClock.now - started
            let milliseconds =
                elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000
            if global.json {
                try Output(json: true).printJSON(TestReport(connection: tested, serverVersion: version))
            } else {
                global.output.confirmation("\(tested.name): connected to \(version) in \(milliseconds) ms")
            }
        }
    }
}

/// `connection test --json`: the connection with `canConnect`, and what the server said it is.
private struct TestReport: Encodable {
    var connection: Connection
    var serverVersion: String
}
