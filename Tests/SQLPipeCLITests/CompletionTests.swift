import Foundation
import SQLPipeTestSupport
import Testing

/// The scripts in completions/ must be what the parser generates now: regenerate them with
/// scripts/generate-completions.sh after changing a command.
@Suite struct CompletionTests {
    static let completions = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("completions")

    @Test(arguments: [("bash", "sqlpipe.bash"), ("zsh", "_sqlpipe"), ("fish", "sqlpipe.fish")])
    func completionsAreCurrent(shell: String, file: String) async throws {
        let cli = try CLI()
        let generated = try await cli.succeed("--generate-completion-script", shell)
        let committed = try String(contentsOf: Self.completions.appendingPathComponent(file), encoding: .utf8)
        #expect(generated == committed, "completions/\(file) is stale: run scripts/generate-completions.sh")
        #expect(generated.contains("connection"))
    }
}
