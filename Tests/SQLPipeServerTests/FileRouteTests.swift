import Foundation
import HTTPTypes
import SQLPipeCore
import SQLPipeEngine
import SQLPipeTestSupport
import Testing

@testable import SQLPipeServer

/// Files through the API: only inside `serve --data-dir`, never the host's others.
@Suite struct FileRouteTests {
    /// A server with a data directory holding `in/prices.csv`, a SQLite connection (target) and a secret
    /// file outside the directory that no request may reach.
    struct Setup {
        let harness: APIHarness
        let world: TestWorld
        let dataDirectory: URL
        let outside: URL
        let connection: Connection

        init(dataDirectory withDirectory: Bool = true, runWorkers: Bool = true) async throws {
            let root = try TemporaryDirectory.make()
            let data = root.appendingPathComponent("data")
            try FileManager.default.createDirectory(
                at: data.appendingPathComponent("in"), withIntermediateDirectories: true)
            try FileManager.default.createDirectory(
                at: data.appendingPathComponent("out"), withIntermediateDirectories: true)
            try Data("id,price\n1,12.50\n2,\n3,0.99\n".utf8).write(to: data.appendingPathComponent("in/prices.csv"))
            outside = root.appendingPathComponent("secret.csv")
            try Data("secret\nhost-only\n".utf8).write(to: outside)
            dataDirectory = data
            harness = try await APIHarness(runWorkers: runWorkers) { configuration in
                if withDirectory { configuration.dataDirectory = data.path }
            }
            world = try TestWorld()
            connection = try await harness.sqlpipe.connections.create(
                try world.input(.sqlite, name: "local", file: "local.db"))
        }
    }

    static func finished(_ id: Int, in harness: APIHarness) async throws -> Transfer {
        var transfer = try await harness.sqlpipe.transfers.get(Int64(id))
        try await eventually("transfer \(id) finishes") {
            transfer = try await harness.sqlpipe.transfers.get(Int64(id))
            return transfer.status.isFinished
        }
        return transfer
    }

    @Test func aRelativePathIsReadAndWrittenInsideTheDataDirectory() async throws {
        let setup = try await Setup()
        try await setup.harness.test { (api: APIClient) async throws in
            let load = try await api.request(
                .post, "/api/v1/transfers", as: APIHarness.plain,
                json: [
                    "sourceFile": ["path": "in/prices.csv", "columns": ["price:decimal(12,2)"]]
                        as [String: any Sendable],
                    "targetID": setup.connection.id, "targetTable": "prices",
                ])
            #expect(load.status == .accepted, "\(load.json)")
            let created = load.object("transfer")
            let file = created["sourceFile"] as? [String: Any]
            #expect(file?["path"] as? String == "in/prices.csv")
            #expect(file?["format"] as? String == "csv")
            #expect(created["sourceID"] is NSNull)
            let loaded = try await Self.finished(created["id"] as? Int ?? 0, in: setup.harness)
            #expect(loaded.status == .complete, "\(loaded.error ?? "")")
            #expect(loaded.rowsTransferred == 3)

            let dump = try await api.request(
                .post, "/api/v1/transfers", as: APIHarness.plain,
                json: [
                    "sourceID": setup.connection.id, "query": "SELECT * FROM prices ORDER BY id",
                    "targetFile": "out/prices.ndjson.gz",
                ])
            #expect(dump.status == .accepted, "\(dump.json)")
            let dumped = try await Self.finished(dump.object("transfer")["id"] as? Int ?? 0, in: setup.harness)
            #expect(dumped.status == .complete, "\(dumped.error ?? "")")
            #expect(dumped.targetFile?.compression == .gzip)
            let text = try shellOutput(
                "gzip -dc \"$0\"", setup.dataDirectory.appendingPathComponent("out/prices.ndjson.gz").path)
            #expect(
                text == "{\"id\":1,\"price\":\"12.50\"}\n{\"id\":2,\"price\":null}\n{\"id\":3,\"price\":\"0.99\"}\n")
        }
    }

    @Test func pathsThatLeaveTheDataDirectoryAre422() async throws {
        let setup = try await Setup(runWorkers: false)
        try FileManager.default.createSymbolicLink(
            at: setup.dataDirectory.appendingPathComponent("in/link.csv"), withDestinationURL: setup.outside)
        try FileManager.default.createSymbolicLink(
            at: setup.dataDirectory.appendingPathComponent("away"),
            withDestinationURL: setup.outside.deletingLastPathComponent())
        try await setup.harness.test { (api: APIClient) async throws in
            let reads: [(String, String)] = [
                ("../secret.csv", "must not contain '..'"), (setup.outside.path, "not an absolute one"),
                ("in/link.csv", "leads out of the server's data directory"), ("-", "only for the command line"),
                ("away/secret.csv", "leads out of the server's data directory"),
            ]
            for (path, problem) in reads {
                let response = try await api.request(
                    .post, "/api/v1/transfers", as: APIHarness.plain,
                    json: ["sourceFile": path, "targetID": setup.connection.id, "targetTable": "stolen"])
                #expect(response.status == .unprocessableContent, "\(path)")
                #expect(
                    response.errorFields?["sourceFile.path"]?.contains(problem) == true, "\(path): \(response.json)")
            }
            let writes = ["../planted.csv", "/tmp/planted.csv", "away/planted.csv"]
            for path in writes {
                let response = try await api.request(
                    .post, "/api/v1/transfers", as: APIHarness.plain,
                    json: ["sourceID": setup.connection.id, "query": "SELECT 1 AS a", "targetFile": path])
                #expect(response.status == .unprocessableContent, "\(path): \(response.json)")
                #expect(response.errorFields?["targetFile.path"] != nil, "\(path)")
            }
            #expect(
                !FileManager.default.fileExists(
                    atPath: setup.outside.deletingLastPathComponent().appendingPathComponent("planted.csv").path))
        }
        #expect(try await setup.harness.sqlpipe.transfers.list(PageRequest()).items.isEmpty)
    }

    @Test func aSymlinkSwappedInAfterTheCheckIsRefusedWhenTheTransferRuns() async throws {
        let setup = try await Setup(runWorkers: false)
        let path = setup.dataDirectory.appendingPathComponent("in/swap.csv")
        try Data("a\n1\n".utf8).write(to: path)
        let confined = setup.harness.sqlpipe.withFileAccess(.confined(to: setup.dataDirectory.path))
        let created = try await confined.transfers.create(
            TransferInput(
                targetID: setup.connection.id, targetTable: "swapped", sourceFile: FileInput(path: "in/swap.csv")),
            by: Caller(username: APIHarness.plain.username, admin: false))
        try FileManager.default.removeItem(at: path)
        try FileManager.default.createSymbolicLink(at: path, withDestinationURL: setup.outside)
        let finished = try await confined.transfers.run(created.id)
        #expect(finished.status == .error)
        #expect(finished.error?.contains("leads out of the server's data directory") == true, "\(finished.error ?? "")")
    }

    @Test func withoutADataDirectoryEveryFileFieldIs422() async throws {
        let setup = try await Setup(dataDirectory: false, runWorkers: false)
        try await setup.harness.test { (api: APIClient) async throws in
            let read = try await api.request(
                .post, "/api/v1/transfers", as: APIHarness.admin,
                json: ["sourceFile": "in/prices.csv", "targetID": setup.connection.id, "targetTable": "prices"])
            #expect(read.status == .unprocessableContent)
            #expect(read.errorFields?["sourceFile"]?.contains("--data-dir") == true, "\(read.json)")
            let write = try await api.request(
                .post, "/api/v1/transfers", as: APIHarness.admin,
                json: ["sourceID": setup.connection.id, "query": "SELECT 1 AS a", "targetFile": "out.csv"])
            #expect(write.status == .unprocessableContent)
            #expect(write.errorFields?["targetFile"]?.contains("--data-dir") == true)
        }
    }

    @Test func fileFieldsAreCheckedWithTheOtherProblems() async throws {
        let setup = try await Setup(runWorkers: false)
        try await setup.harness.test { (api: APIClient) async throws in
            let response = try await api.request(
                .post, "/api/v1/transfers", as: APIHarness.plain,
                json: [
                    "sourceFile": ["path": "in/prices.dat", "compression": "lz4", "delimiter": "ab", "colour": 1]
                        as [String: any Sendable],
                    "query": "SELECT 1", "targetID": setup.connection.id, "targetTable": "t", "mode": "upsert",
                ])
            #expect(response.status == .unprocessableContent)
            let fields = response.errorFields ?? [:]
            #expect(fields["sourceFile.format"]?.contains("cannot be told from the name") == true, "\(fields)")
            #expect(fields["sourceFile.compression"] == "must be one of none, gzip, zstd")
            #expect(fields["sourceFile.colour"] == "is not a field of a file")
            #expect(fields["query"]?.contains("cannot be given with sourceFile") == true)
            #expect(fields["primaryKey"] != nil, "upsert still needs its key")

            let toFile = try await api.request(
                .post, "/api/v1/transfers", as: APIHarness.plain,
                json: [
                    "sourceID": setup.connection.id, "query": "SELECT 1 AS a", "targetFile": "out/a.csv",
                    "mode": "append", "targetTable": "t",
                ])
            #expect(toFile.status == .unprocessableContent)
            #expect(toFile.errorFields?["mode"]?.contains("replaced whole") == true, "\(toFile.json)")
            #expect(toFile.errorFields?["targetTable"]?.contains("cannot be given with targetFile") == true)
        }
    }
}
