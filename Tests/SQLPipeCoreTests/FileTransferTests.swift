import Foundation
import SQLPipeEngine
import SQLPipeTestSupport
import Testing

@testable import SQLPipeCore

/// Transfers with a file at one end, through the service: what the store keeps, and the sync modes with a
/// file source, against the real servers.
@Suite struct FileTransferTests {
    static let targets: [DataSystem] = [.postgresql, .mariadb, .sqlite]

    struct Setup {
        let store: TestStore
        let world: TestWorld
        let target: Connection
        let targetConfig: ConnectionConfig
        let directory: URL

        init(target system: DataSystem) async throws {
            store = try TestStore()
            world = try TestWorld()
            target = try await store.sqlpipe.connections.create(try world.input(system, name: "target", file: "t.db"))
            targetConfig = try world.config(system, file: "t.db")
            directory = try TemporaryDirectory.make()
        }

        func write(_ name: String, _ text: String) throws -> String {
            let url = directory.appendingPathComponent(name)
            try Data(text.utf8).write(to: url)
            return url.path
        }

        func load(_ path: String, into table: String, _ configure: (inout TransferInput) -> Void = { _ in })
            async throws -> Transfer
        {
            var input = TransferInput(targetID: target.id, targetTable: table, sourceFile: FileInput(path: path))
            configure(&input)
            return try await store.sqlpipe.transfers.runNow(input, by: .machine)
        }

        func rows(_ sql: String) throws -> [[String?]] {
            let session = try Drivers.open(targetConfig)
            defer { session.close() }
            return try session.query(sql, [])
        }

        func drop(_ table: String) {
            guard let session = try? Drivers.open(targetConfig) else { return }
            defer { session.close() }
            try? session.execute("DROP TABLE IF EXISTS \(session.dialect.quote(table))")
        }
    }

    @Test func theStoreKeepsTheFilesAndTheirOptions() async throws {
        let setup = try await Setup(target: .sqlite)
        let path = try setup.write("prices.tsv", "id\tprice\n1\t2.50\n")
        let created = try await setup.store.sqlpipe.transfers.create(
            TransferInput(
                targetID: setup.target.id, targetTable: "prices",
                sourceFile: FileInput(path: path, nullString: "NA", columns: ["price:decimal(8,2)"])),
            by: .machine)
        let stored = try await setup.store.sqlpipe.transfers.get(created.id)
        #expect(
            stored.sourceFile
                == FileSpec(path: path, format: .tsv, nullString: "NA", columns: ["price:decimal(8,2)"]))
        #expect(stored.sourceID == nil && stored.query == "")
        let finished = try await setup.store.sqlpipe.transfers.run(created.id)
        #expect(finished.status == .complete, "\(finished.error ?? "")")
        #expect(finished.sourceFile == stored.sourceFile, "a finished run keeps its file")
        #expect(try setup.rows("SELECT id, price FROM prices") == [["1", "2.50"]])

        // A relative path is the caller's working directory's.
        let relative = try await setup.store.sqlpipe.transfers.create(
            TransferInput(targetID: setup.target.id, targetTable: "t", sourceFile: FileInput(path: "in/x.csv")),
            by: .machine)
        #expect(relative.sourceFile?.path == FileManager.default.currentDirectoryPath + "/in/x.csv")
    }

    @Test(arguments: targets)
    func incrementalFromAFileLoadsOnlyTheRowsPastTheMark(target: DataSystem) async throws {
        let setup = try await Setup(target: target)
        let table = setup.world.uniqueName("inc_file")
        defer { setup.drop(table) }
        let first = try setup.write("events1.csv", "id,at,note\n1,2024-01-01 10:00:00,a\n2,2024-01-02 10:00:00,b\n")
        let run1 = try await setup.load(first, into: table) {
            $0.mode = .incremental
            $0.cursorColumn = "at"
        }
        #expect(run1.status == .complete, "\(run1.error ?? "")")
        #expect(run1.rowsTransferred == 2)
        let second = try setup.write(
            "events2.csv",
            "id,at,note\n1,2024-01-01 10:00:00,a\n2,2024-01-02 10:00:00,b\n3,2024-01-02 10:00:00.5,c\n4,,d\n5,2024-01-03 00:00:00,e\n"
        )
        let run2 = try await setup.load(second, into: table) {
            $0.mode = .incremental
            $0.cursorColumn = "at"
        }
        #expect(run2.status == .complete, "\(run2.error ?? "")")
        #expect(run2.rowsTransferred == 2, "only 3 and 5 are past the mark")
        #expect(run2.cursorFrom.map(HardValues.trimFraction) == "2024-01-02 10:00:00")
        #expect(run2.cursorTo.map(HardValues.trimFraction) == "2024-01-03 00:00:00")
        #expect(run2.warnings.contains { $0.contains("1 source row has a NULL in the cursor column \"at\"") })
        let ids = try setup.rows("SELECT id FROM \(Drivers.dialect(for: target).quote(table)) ORDER BY id")
        #expect(ids == [["1"], ["2"], ["3"], ["5"]])
    }

    @Test(arguments: targets)
    func upsertFromAFileUpdatesAndInserts(target: DataSystem) async throws {
        let setup = try await Setup(target: target)
        let table = setup.world.uniqueName("up_file")
        defer { setup.drop(table) }
        let first = try setup.write("a.ndjson", "{\"id\":1,\"v\":\"one\"}\n{\"id\":2,\"v\":\"two\"}\n")
        let created = try await setup.load(first, into: table) { $0.primaryKey = ["id"] }
        #expect(created.status == .complete, "\(created.error ?? "")")
        let second = try setup.write("b.ndjson", "{\"id\":2,\"v\":\"TWO\"}\n{\"id\":3,\"v\":\"three\"}\n")
        let upserted = try await setup.load(second, into: table) {
            $0.mode = .upsert
            $0.primaryKey = ["id"]
        }
        #expect(upserted.status == .complete, "\(upserted.error ?? "")")
        #expect(upserted.rowsInserted == 1)
        #expect(upserted.rowsUpdated == 1)
        let rows = try setup.rows("SELECT id, v FROM \(Drivers.dialect(for: target).quote(table)) ORDER BY id")
        #expect(rows == [["1", "one"], ["2", "TWO"], ["3", "three"]])
    }

    @Test(arguments: targets)
    func aBadRowDeepInTheFileLeavesTheTableAsItWas(target: DataSystem) async throws {
        let setup = try await Setup(target: target)
        let table = setup.world.uniqueName("bad_file")
        defer { setup.drop(table) }
        let good = try setup.write("good.csv", "n,label\n1,one\n")
        #expect(try await setup.load(good, into: table).status == .complete)
        var text = "n,label\n"
        for n in 2...6000 { text += "\(n),row \(n)\n" }
        text += "oops,bad\n"
        let bad = try setup.write("bad.csv", text)
        let failed = try await setup.load(bad, into: table) { $0.sourceFile?.columns = ["n:int64"] }
        #expect(failed.status == .error)
        #expect(failed.error?.contains("line 6001") == true, "\(failed.error ?? "")")
        #expect(failed.error?.contains("\"n\"") == true)
        #expect(try setup.rows("SELECT count(*) FROM \(Drivers.dialect(for: target).quote(table))") == [["1"]])
    }
}
