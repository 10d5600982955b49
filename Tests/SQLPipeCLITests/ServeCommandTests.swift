import Foundation
import SQLPipeServer
import SQLPipeTestSupport
import Testing

@testable import sqlpipe

/// `serve --metrics-port` and `--metrics-host`: refused when they make no sense, before any store is opened,
/// and a metrics listener that stays on loopback unless told otherwise.
@Suite struct ServeCommandTests {
    @Test(arguments: [
        (["--metrics-port", "70000"], "--metrics-port must be between 0 and 65535."),
        (["--metrics-port=-1"], "--metrics-port must be between 0 and 65535."),
        (["--metrics-port", "nine"], "The value 'nine' is invalid for '--metrics-port <port>'"),
        (["--port", "9100", "--metrics-port", "9100"], "--metrics-port must differ from --port"),
        (["--metrics-host", "0.0.0.0"], "--metrics-host needs --metrics-port."),
        (["--metrics-port", "9100", "--metrics-host", " "], "--metrics-host is empty"),
    ])
    func badMetricsFlagsAreUsageErrors(arguments: [String], message: String) async throws {
        let cli = try CLI()
        let result = try await cli.runner.execute(["serve"] + arguments)
        #expect(result.status == 64, "\(result.output)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: cli.storePath), "refused before the store was opened")
    }

    @Test func theMetricsListenerDoesNotFollowANonLoopbackHost() throws {
        let everywhere = try ServeCommand.parse(["--host", "0.0.0.0", "--metrics-port", "9100"]).serverConfiguration()
        #expect(everywhere.host == "0.0.0.0")
        #expect(everywhere.metricsPort == 9100)
        #expect(everywhere.metricsHost == "127.0.0.1", "unauthenticated metrics stay on loopback unless named")

        let named = try ServeCommand.parse(["--metrics-port", "9100", "--metrics-host", "10.1.2.3"])
            .serverConfiguration()
        #expect(named.metricsHost == "10.1.2.3", "an address given explicitly is taken")

        let none = try ServeCommand.parse([]).serverConfiguration()
        #expect(none.metricsPort == nil, "no metrics listener without --metrics-port")
        #expect(try ServeCommand.parse(["--metrics-port", "0"]).serverConfiguration().metricsPort == 0)
    }
}
