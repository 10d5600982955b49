import Foundation
import SQLPipeCore
import SQLPipeTestSupport
import Testing

@testable import sqlpipe

/// The fast half of the release checks: what `--version` says, and docs/man/ matching the parser. The slow
/// half (the tarball's binary without the toolchain, install.sh and --uninstall) is in scripts/check-release.sh
/// and scripts/check-install.sh, which scripts/test.sh runs with --release or CI=true.
@Suite struct ReleaseTests {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let manuals = repository.appendingPathComponent("docs/man")

    /// `sqlpipe 0.1.0 (commit unknown)` from a development build; scripts/release.sh writes the commit in (run
    /// with SQLPIPE_BIN set to a release binary to check one).
    @Test func versionNamesTheVersionAndTheCommit() async throws {
        let printed = try await CLI().succeed("--version")
        let pattern = #/sqlpipe (?<version>\S+) \(commit (?<commit>unknown|[0-9a-f]{7,40}(-dirty)?)\)\n/#
        let match = try #require(printed.wholeMatch(of: pattern), "--version printed \(printed.debugDescription)")
        #expect(match.version == SQLPipe.version)

        #expect(BuildInfo.versionLine(version: "1.2.3", commit: nil) == "sqlpipe 1.2.3 (commit unknown)")
        #expect(
            BuildInfo.versionLine(version: "1.2.3", commit: "0123456789ab") == "sqlpipe 1.2.3 (commit 0123456789ab)")
    }

    /// scripts/release.sh replaces this line for a release build and puts it back: a commit left in the
    /// committed file would be printed by every development build.
    @Test func buildInfoHoldsThePlaceholder() throws {
        let source = try String(
            contentsOf: Self.repository.appendingPathComponent("Sources/sqlpipe/Generated/BuildInfo.swift"),
            encoding: .utf8)
        #expect(source.contains("    static let commit: String? = nil\n"))
    }

    /// One page per command, named `sqlpipe-transfer-create.1`, none for a command that is gone, and each
    /// naming every option and carrying every abstract the parser has now. scripts/generate-manuals.sh
    /// regenerates them; its --check compares them byte for byte (but for the date).
    @Test func manPagesAreCurrent() async throws {
        let dump = try await CLI().succeed("--experimental-dump-help")
        let tool = try #require(try JSONSerialization.jsonObject(with: Data(dump.utf8)) as? [String: Any])
        let root = try #require(tool["command"] as? [String: Any])
        var commands: [String: [String: Any]] = [:]
        func collect(_ command: [String: Any], path: [String]) {
            let path = path + [command["commandName"] as? String ?? "?"]
            commands[path.joined(separator: "-") + ".1"] = command
            for subcommand in command["subcommands"] as? [[String: Any]] ?? [] { collect(subcommand, path: path) }
        }
        collect(root, path: [])
        #expect(commands.keys.contains("sqlpipe-transfer-create.1"))

        let stale = "docs/man/ is stale: run scripts/generate-manuals.sh (or scripts/generate-completions.sh)"
        let committed = try FileManager.default.contentsOfDirectory(atPath: Self.manuals.path)
            .filter { $0.hasSuffix(".1") }
        #expect(Set(committed) == Set(commands.keys), "\(stale)")

        for (file, command) in commands.sorted(by: { $0.key < $1.key }) {
            guard let page = try? String(contentsOf: Self.manuals.appendingPathComponent(file), encoding: .utf8)
            else { continue }
            let text = Self.plainText(ofPage: page)
            if let abstract = command["abstract"] as? String {
                #expect(text.contains(Self.plainText(of: abstract)), "\(file) lacks its abstract: \(stale)")
            }
            // Option names are written after `.Fl`, with one dash less: `.It Fl -host , -hostname Ar host`.
            let optionTokens = Set(
                page.split(separator: "\n").filter { $0.hasPrefix(".") && $0.contains("Fl ") }
                    .flatMap { $0.split(separator: " ").map(String.init) })
            for argument in command["arguments"] as? [[String: Any]] ?? []
            where argument["shouldDisplay"] as? Bool != false {
                for name in argument["names"] as? [[String: Any]] ?? [] {
                    guard let kind = name["kind"] as? String, let spelled = name["name"] as? String else { continue }
                    let token = kind == "long" ? "-\(spelled)" : spelled
                    #expect(
                        optionTokens.contains(token), "\(file) lacks \(kind == "long" ? "--" : "-")\(spelled): \(stale)"
                    )
                }
                if let abstract = argument["abstract"] as? String, !abstract.isEmpty {
                    #expect(text.contains(Self.plainText(of: abstract)), "\(file) lacks \"\(abstract)\": \(stale)")
                }
            }
        }
    }

    /// A man page's words with mdoc's escapes undone and its spacing collapsed.
    static func plainText(ofPage page: String) -> String {
        plainText(
            of: page.replacingOccurrences(of: "\\(dq", with: "\"").replacingOccurrences(of: "\\&", with: "")
                .replacingOccurrences(of: "\\e", with: "\\"))
    }

    /// Text as the GenerateManual tool keeps it (ASCII only), spacing collapsed.
    static func plainText(of text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.filter(\.isASCII)))
            .split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}
