import Foundation
import SQLPipeTestSupport
import Testing

/// `sqlpipe store copy`, and the CLI on the PostgreSQL store it made, as a user moving to several servers
/// would run them. The first pass only: it makes a PostgreSQL store of its own.
@Suite(.enabled(if: TestStore.onSQLite)) struct StoreCommandTests {
    @Test func storeCopyThenTheSameCommandsOnThePostgreSQLStore() async throws {
        let cli = try CLI()
        let world = try TestWorld()
        let file = world.directory.appendingPathComponent("a.db").path
        try await cli.succeed("connection", "create", "--name", "lite", "--url", "sqlite://\(file)", "--skip-test")
        try await cli.succeed(
            "user", "create", "--username", "admin_1", "--admin", "--password-env", "P",
            environment: ["P": "long enough"])
        let (url, environment) = try TestStore.fresh(in: world.directory, kind: .postgresql)

        let copied = try await cli.succeed(
            "store", "copy", "--from", cli.storePath, "--to", url, "--to-password-env", TestStore.passwordVariable,
            environment: environment)
        #expect(copied.contains("1 users, 1 connections"), "\(copied)")
        #expect(copied.contains(url), "the target as given, without a password")

        let listed = try await cli.succeed("connection", "list", "--store", url, environment: environment)
        #expect(listed.contains("lite"))
        let again = try await cli.fail(
            "store", "copy", "--from", cli.storePath, "--to", url, "--to-password-env", TestStore.passwordVariable,
            environment: environment)
        #expect(again.contains("is not empty"))
        let url404 = try await cli.fail("store", "copy", "--from", cli.storePath, "--to", cli.storePath)
        #expect(url404.contains("--to must be a postgresql:// URL"))
    }
}
