import Foundation
import GRDB
import SQLPipeEngine
import SQLPipeTestSupport
import Testing

@testable import SQLPipeCore

/// Who may use which connection, who sees which result, how much work one user may queue, and the size of
/// the stored preview.
@Suite struct AccessRuleTests {
    static let admin = Caller(username: "admin_1", admin: true)
    static let alice = Caller(username: "alice_1", admin: false)
    static let bob = Caller(username: "bob_1", admin: false)

    struct Setup {
        let store: TestStore
        let world: TestWorld
        let open: Connection
        let restricted: Connection

        init() async throws {
            store = try TestStore()
            world = try TestWorld()
            open = try await store.sqlpipe.connections.create(try world.input(.sqlite, name: "open", file: "open.db"))
            var input = try world.input(.sqlite, name: "powerful", file: "powerful.db")
            input.restricted = true
            restricted = try await store.sqlpipe.connections.create(input)
        }

        func transfer(source: Connection, target: Connection) -> TransferInput {
            TransferInput(sourceID: source.id, targetID: target.id, query: "SELECT 1 AS one", targetTable: "t")
        }
    }

    @Test func workQueuedBeforeItsConnectionWasRestrictedIsRefusedWhenItRuns() async throws {
        let setup = try await Setup()
        let sqlpipe = setup.store.sqlpipe
        let query = try await sqlpipe.queries.create(
            QueryInput(connectionId: setup.open.id, query: "SELECT 1"), by: Self.alice)
        let transfer = try await sqlpipe.transfers.create(
            setup.transfer(source: setup.open, target: setup.open), by: Self.alice)
        let byAdmin = try await sqlpipe.queries.create(
            QueryInput(connectionId: setup.open.id, query: "SELECT 1"), by: Self.admin)
        _ = try await sqlpipe.connections.update(
            String(setup.open.id), ConnectionInput(restricted: true), checkConnectivity: false)

        let refused = try await sqlpipe.queries.run(query.id)
        #expect(refused.status == .error)
        #expect(refused.error?.contains("connectionId: connection 'open'") == true, "\(refused.error ?? "")")
        #expect(refused.error?.contains("only admins may use it") == true)
        let refusedTransfer = try await sqlpipe.transfers.run(transfer.id)
        #expect(refusedTransfer.status == .error)
        #expect(
            refusedTransfer.error?.contains("sourceID: connection 'open'") == true, "\(refusedTransfer.error ?? "")")
        // An admin's work still runs.
        #expect(try await sqlpipe.queries.run(byAdmin.id).status == .complete)
    }

    @Test func aRestrictedConnectionIsForAdminsOnlyInEveryField() async throws {
        let setup = try await Setup()
        #expect(setup.restricted.restricted && !setup.open.restricted)
        let sqlpipe = setup.store.sqlpipe
        let query = QueryInput(connectionId: setup.restricted.id, query: "SELECT 1")
        await #expect(
            throws: SQLPipeError.forbidden(
                "connectionId: connection 'powerful' (id \(setup.restricted.id)) is restricted: only admins may use it")
        ) { try await sqlpipe.queries.create(query, by: Self.alice) }
        for (input, field) in [
            (setup.transfer(source: setup.restricted, target: setup.open), "sourceID"),
            (setup.transfer(source: setup.open, target: setup.restricted), "targetID"),
        ] {
            let error = await #expect(throws: SQLPipeError.self) {
                try await sqlpipe.transfers.create(input, by: Self.alice)
            }
            guard case .forbidden(let message) = error else {
                Issue.record("\(String(describing: error))")
                continue
            }
            #expect(message.hasPrefix("\(field): connection 'powerful'"))
        }
        #expect(try await sqlpipe.queries.create(query, by: Self.admin).status == .queued)
        #expect(
            try await sqlpipe.transfers.create(
                setup.transfer(source: setup.restricted, target: setup.open), by: Self.admin
            ).status == .queued)
        // Unrestricted connections stay open to every user, and the flag can be lifted.
        #expect(
            try await sqlpipe.queries.create(QueryInput(connectionId: setup.open.id, query: "SELECT 1"), by: Self.alice)
                .status == .queued)
        let lifted = try await sqlpipe.connections.update(
            "powerful", ConnectionInput(restricted: false), checkConnectivity: false)
        #expect(!lifted.restricted)
        #expect(try await sqlpipe.queries.create(query, by: Self.alice).status == .queued)
        // A change of anything else keeps the flag.
        _ = try await sqlpipe.connections.update(
            "powerful", ConnectionInput(restricted: true), checkConnectivity: false)
        #expect(
            try await sqlpipe.connections.update("powerful", ConnectionInput(name: "mighty"), checkConnectivity: false)
                .restricted)
    }

    @Test func aResultIsSeenByItsCreatorAndAdminsOnlyAndNeverInLists() async throws {
        let setup = try await Setup()
        let sqlpipe = setup.store.sqlpipe
        let created = try await sqlpipe.queries.create(
            QueryInput(connectionId: setup.open.id, query: "SELECT 42 AS answer"), by: Self.alice)
        _ = try await sqlpipe.queries.run(created.id)
        let encoder = JSONCoding.encoder()
        func json(_ query: Query) throws -> [String: Any] {
            try JSONSerialization.jsonObject(with: try encoder.encode(query)) as? [String: Any] ?? [:]
        }
        for caller in [Self.alice, Self.admin] {
            let seen = try await sqlpipe.queries.get(created.id, for: caller)
            #expect(seen.result?.rows == [[.int(42)]], "\(caller.username)")
            #expect(try json(seen)["result"] is [String: Any])
        }
        let other = try await sqlpipe.queries.get(created.id, for: Self.bob)
        #expect(other.result == nil)
        #expect(try json(other).keys.contains("result") == false)
        #expect(try json(other)["status"] as? String == "complete")

        let listed = try await sqlpipe.queries.list(try PageRequest(page: nil, pageSize: nil, sort: nil))
        #expect(listed.items.count == 1)
        #expect(try listed.items.allSatisfy { try json($0).keys.contains("result") == false })
        // A query not run yet shows its empty result as null to its creator.
        let queued = try await sqlpipe.queries.create(
            QueryInput(connectionId: setup.open.id, query: "SELECT 1"), by: Self.bob)
        #expect(try json(queued).keys.contains("result"))
    }

    @Test func aUserMayHaveAtMostItsCapOfWorkQueuedOrRunning() async throws {
        let setup = try await Setup()
        let sqlpipe = setup.store.sqlpipe
        let capped = Caller(username: "alice_1", admin: false, maximumActiveRuns: 3)
        let query = QueryInput(connectionId: setup.open.id, query: "SELECT 1")
        let first = try await sqlpipe.queries.create(query, by: capped)
        _ = try await sqlpipe.queries.create(query, by: capped)
        _ = try await sqlpipe.transfers.create(setup.transfer(source: setup.open, target: setup.open), by: capped)
        let expected = SQLPipeError.limitReached(
            "alice_1 has 3 transfers and queries queued or running, the most a user may have: "
                + "wait for some to finish or cancel some")
        await #expect(throws: expected) { try await sqlpipe.queries.create(query, by: capped) }
        await #expect(throws: expected) {
            try await sqlpipe.transfers.create(setup.transfer(source: setup.open, target: setup.open), by: capped)
        }
        // The refused ones were not kept; others are not counted against alice; finished work frees a place.
        #expect(
            try await sqlpipe.queries.list(try PageRequest(page: nil, pageSize: nil, sort: nil)).metadata.totalRecords
                == 2)
        _ = try await sqlpipe.queries.create(query, by: Caller(username: "bob_1", admin: false, maximumActiveRuns: 3))
        _ = try await sqlpipe.queries.cancel(first.id, for: capped)
        #expect(try await sqlpipe.queries.create(query, by: capped).status == .queued)
    }

    @Test func theStoredPreviewIsCappedByTheSizeOfItsJSON() async throws {
        let setup = try await Setup()
        let sqlpipe = setup.store.sqlpipe
        // 1,000 rows of 2,000 control characters: 2 KB of cells, 12 KB of JSON (\u0001) a row.
        let sql = """
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000)
            SELECT i, replace(hex(zeroblob(1000)), '0', char(1)) AS c FROM n
            """
        let created = try await sqlpipe.queries.create(
            QueryInput(connectionId: setup.open.id, query: sql), by: Self.admin)
        let finished = try await sqlpipe.queries.run(created.id)
        #expect(finished.status == .complete, "\(finished.error ?? "")")
        let result = try #require(finished.result)
        #expect(result.truncated)
        #expect(result.rows.count > 50)
        let stored = try await setup.store.sqlpipe.store.read { tx -> Int? in
            let text: String? = try tx.rows("SELECT result FROM queries WHERE id = ?", created.id).first?["result"]
            return text?.utf8.count
        }
        #expect(try #require(stored) <= QueryService.previewBytes)
        #expect(try JSONCoding.encoder().encode(result).count <= QueryService.previewBytes)
        #expect(
            try JSONCoding.encoder().encode(result).count > QueryService.previewBytes - 13_000, "filled up to the cap")
    }
}
