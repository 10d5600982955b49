import Foundation
import HTTPTypes
import SQLPipeCore
import SQLPipeEngine
import SQLPipeTestSupport
import Testing

@testable import SQLPipeServer

/// `/api/v1/transfers` and `/api/v1/cancel-transfer/{id}` in-process.
@Suite struct TransferRouteTests {
    /// A harness with two SQLite connections (ids 1 and 2), and the body of a valid transfer between them.
    struct Setup {
        let harness: APIHarness
        let world: TestWorld
        let source: Connection
        let target: Connection

        init(runWorkers: Bool = false) async throws {
            harness = try await APIHarness(runWorkers: runWorkers)
            world = try TestWorld()
            source = try await harness.sqlpipe.connections.create(
                try world.input(.sqlite, name: "source", file: "source.db"))
            target = try await harness.sqlpipe.connections.create(
                try world.input(.sqlite, name: "target", file: "target.db"))
        }

        var body: [String: any Sendable] {
            [
                "sourceID": source.id, "targetID": target.id, "query": "SELECT 1 AS a", "targetTable": "t1",
                "overwrite": true,
            ]
        }
    }

    @Test func createAnswers202WithTheQueuedTransferCreatedByTheCaller() async throws {
        let setup = try await Setup()
        try await setup.harness.test { (api: APIClient) async throws in
            let response = try await api.request(.post, "/api/v1/transfers", as: APIHarness.plain, json: setup.body)
            #expect(response.status == .accepted)
            let transfer = response.object("transfer")
            #expect(transfer["status"] as? String == "queued")
            #expect(transfer["createdBy"] as? String == "plain_1")
            #expect(transfer["sourceID"] as? Int == Int(setup.source.id))
            #expect(transfer["targetID"] as? Int == Int(setup.target.id))
            #expect(transfer["targetTable"] as? String == "t1")
            #expect(transfer["overwrite"] as? Bool == true)
            #expect(transfer["mode"] as? String == "overwrite", "overwrite: true alone is the mode overwrite")
            #expect(transfer["primaryKey"] as? [String] == [])
            #expect(transfer["deleteMissing"] as? Bool == false)
            #expect(transfer["targetSchema"] as? String == "")
            #expect(transfer["rowsTransferred"] as? Int == 0)
            for key in [
                "startedAt", "stoppedAt", "error", "cursorColumn", "rowsInserted", "rowsUpdated", "rowsDeleted",
                "cursorFrom", "cursorTo",
            ] {
                #expect(transfer.keys.contains(key) && transfer[key] is NSNull, "\(key) is null, not absent")
            }
            #expect(try await setup.harness.sqlpipe.transfers.get(Int64(transfer["id"] as? Int ?? 0)).status == .queued)
        }
    }

    @Test func createChecksEachRuleAnswering422PerField() async throws {
        let setup = try await Setup()
        try await setup.harness.test { (api: APIClient) async throws in
            let empty = try await api.request(.post, "/api/v1/transfers", json: [:])
            #expect(empty.status == .unprocessableContent)
            #expect(
                empty.errorFields == [
                    "sourceID": "must be provided", "targetID": "must be provided", "query": "must be provided",
                    "targetTable": "must be provided",
                ])
            var unknownSource = setup.body
            unknownSource["sourceID"] = 999
            let noSource = try await api.request(.post, "/api/v1/transfers", json: unknownSource)
            #expect(noSource.status == .unprocessableContent)
            #expect(noSource.errorFields == ["sourceID": "no connection with id 999"])

            var blankQuery = setup.body
            blankQuery["query"] = "   "
            #expect(
                try await api.request(.post, "/api/v1/transfers", json: blankQuery).errorFields?["query"]
                    == "must be provided")

            var badTable = setup.body
            badTable["targetTable"] = "a\u{0}b"
            badTable["targetSchema"] = "s\u{0}"
            let table = try await api.request(.post, "/api/v1/transfers", json: badTable)
            #expect(table.status == .unprocessableContent)
            #expect(
                table.errorFields == [
                    "targetTable": "name must not contain a NUL character",
                    "targetSchema": "name must not contain a NUL character",
                ])
        }
    }

    @Test func createStoresTheModeAndTheFieldsThatGoWithIt() async throws {
        let setup = try await Setup()
        try await setup.harness.test { (api: APIClient) async throws in
            var upsert = setup.body
            upsert["overwrite"] = nil
            upsert["mode"] = "upsert"
            upsert["primaryKey"] = ["id", "Region name"]
            upsert["deleteMissing"] = true
            let created = try await api.request(.post, "/api/v1/transfers", json: upsert)
            #expect(created.status == .accepted, "\(created.text)")
            let transfer = created.object("transfer")
            #expect(transfer["mode"] as? String == "upsert")
            #expect(transfer["overwrite"] as? Bool == false)
            #expect(transfer["primaryKey"] as? [String] == ["id", "Region name"])
            #expect(transfer["deleteMissing"] as? Bool == true)
            for key in ["cursorColumn", "rowsInserted", "rowsUpdated", "rowsDeleted", "cursorFrom", "cursorTo"] {
                #expect(transfer.keys.contains(key) && transfer[key] is NSNull, "\(key) is null while queued")
            }
            let id = try #require(transfer["id"] as? Int)
            let shown = try await api.request(.get, "/api/v1/transfers/\(id)").object("transfer")
            #expect(shown["primaryKey"] as? [String] == ["id", "Region name"])
            #expect(shown["deleteMissing"] as? Bool == true)

            var incremental = setup.body
            incremental["overwrite"] = false
            incremental["mode"] = "incremental"
            incremental["cursorColumn"] = "updated_at"
            let queued = try await api.request(.post, "/api/v1/transfers", json: incremental)
            #expect(queued.status == .accepted, "\(queued.text)")
            #expect(queued.object("transfer")["mode"] as? String == "incremental")
            #expect(queued.object("transfer")["cursorColumn"] as? String == "updated_at")
            #expect(queued.object("transfer")["primaryKey"] as? [String] == [])

            let listed = try await api.request(.get, "/api/v1/transfers").list("transfers")
            #expect(listed.map { $0["mode"] as? String } == ["upsert", "incremental"])
        }
    }

    @Test func createChecksTheModeAndItsFieldsAnswering422PerField() async throws {
        let setup = try await Setup()
        var plain = setup.body
        plain["overwrite"] = nil
        func with(_ fields: [String: any Sendable]) -> [String: any Sendable] {
            plain.merging(fields) { _, new in new }
        }
        let cases: [([String: any Sendable], [String: String])] = [
            (with(["mode": "merge"]), ["mode": "must be one of append, overwrite, truncate, upsert, incremental"]),
            (
                with(["mode": "upsert"]),
                ["primaryKey": "upsert needs the key columns: the columns whose values identify a row"]
            ),
            (with(["mode": "upsert", "primaryKey": ["id", ""]]), ["primaryKey": "a key column must not be empty"]),
            (
                with(["mode": "upsert", "primaryKey": ["id", "ID"]]),
                ["primaryKey": #"names the column "ID" twice (SQLite ignores the case of names)"#]
            ),
            (
                with(["mode": "incremental"]),
                [
                    "cursorColumn":
                        "incremental needs the cursor column: the column whose largest value in the target says where to go on"
                ]
            ),
            (
                with(["mode": "incremental", "cursorColumn": "a\u{0}b"]),
                ["cursorColumn": "the cursor column must not contain a NUL character"]
            ),
            (with(["mode": "append", "cursorColumn": "updated_at"]), ["cursorColumn": "only with mode incremental"]),
            (with(["deleteMissing": true]), ["deleteMissing": "only with mode upsert"]),
            (with(["mode": "truncate", "deleteMissing": true]), ["deleteMissing": "only with mode upsert"]),
            (
                with(["mode": "incremental", "cursorColumn": "id", "deleteMissing": true]),
                [
                    "deleteMissing":
                        "cannot be used with incremental: a run reads only the new rows, so every other row would look missing"
                ]
            ),
            (
                with(["mode": "upsert", "primaryKey": ["id"], "overwrite": true]),
                ["mode": "overwrite: true is the mode overwrite; it cannot be combined with mode upsert"]
            ),
            (
                with(["mode": "overwrite", "overwrite": false]),
                ["mode": "overwrite: false contradicts mode overwrite; leave overwrite out"]
            ),
            // Every problem at once, the mode's among the others.
            (
                with(["mode": "merge", "targetTable": "", "deleteMissing": true]),
                [
                    "mode": "must be one of append, overwrite, truncate, upsert, incremental",
                    "targetTable": "must be provided",
                ]
            ),
        ]
        // A mode is a name, whatever its case; `overwrite: true` with the mode overwrite says it twice.
        let accepted = [with(["mode": "Truncate"]), with(["mode": "overwrite", "overwrite": true])]
        try await setup.harness.test { (api: APIClient) async throws in
            for (body, problems) in cases {
                let response = try await api.request(.post, "/api/v1/transfers", json: body)
                #expect(response.status == .unprocessableContent, "\(body): \(response.text)")
                #expect(response.errorFields == problems, "\(body)")
            }
            for body in accepted {
                let response = try await api.request(.post, "/api/v1/transfers", json: body)
                #expect(response.status == .accepted, "\(body): \(response.text)")
            }
            #expect(
                try await setup.harness.sqlpipe.transfers.list(try PageRequest()).items.map(\.mode) == [
                    .truncate, .overwrite,
                ])
        }
    }

    @Test func createRefusesMalformedBodiesWith400SayingWhatWasWrong() async throws {
        let setup = try await Setup()
        try await setup.harness.test { (api: APIClient) async throws in
            let malformed = try await api.request(.post, "/api/v1/transfers", body: #"{"sourceID": 1,"#)
            #expect(malformed.status == .badRequest)
            #expect(malformed.errorMessage?.hasPrefix("malformed JSON") == true)

            let unknown = try await api.request(.post, "/api/v1/transfers", body: #"{"sourceId": 1, "query": "x"}"#)
            #expect(unknown.status == .badRequest)
            #expect(unknown.errorMessage?.contains("unknown field 'sourceId'") == true)

            let wrongType = try await api.request(.post, "/api/v1/transfers", body: #"{"sourceID": "one"}"#)
            #expect(wrongType.status == .badRequest)
            #expect(
                wrongType.errorMessage == "field 'sourceID': expected a value of type Int64"
                    || wrongType.errorMessage == "field 'sourceID': expected an integer")

            let keyText = try await api.request(.post, "/api/v1/transfers", body: #"{"primaryKey": "id"}"#)
            #expect(keyText.status == .badRequest)
            #expect(keyText.errorMessage == "field 'primaryKey': expected an array", "\(keyText.text)")
            let keyNumber = try await api.request(.post, "/api/v1/transfers", body: #"{"primaryKey": ["id", 2]}"#)
            #expect(keyNumber.status == .badRequest)
            #expect(keyNumber.errorMessage == "field 'primaryKey.[1]': expected a string", "\(keyNumber.text)")

            let modeNumber = try await api.request(.post, "/api/v1/transfers", body: #"{"mode": 2}"#)
            #expect(modeNumber.status == .badRequest)
            #expect(modeNumber.errorMessage == "field 'mode': expected a string", "\(modeNumber.text)")

            let array = try await api.request(.post, "/api/v1/transfers", body: "[1, 2]")
            #expect(array.status == .badRequest)
            #expect(array.errorMessage == "expected a JSON object, got an array")

            let none = try await api.request(.post, "/api/v1/transfers", body: "")
            #expect(none.status == .badRequest)
            #expect(none.errorMessage?.contains("empty") == true)
        }
    }

    @Test func listPagesWithMetadataAndSorts() async throws {
        let setup = try await Setup()
        for index in 0..<25 {
            var input = TransferInput(
                sourceID: setup.source.id, targetID: setup.target.id, query: "SELECT \(index)", targetTable: "t")
            input.overwrite = false
            _ = try await setup.harness.sqlpipe.transfers.create(input, by: .adminNamed("tester"))
        }
        try await setup.harness.test { (api: APIClient) async throws in
            let first = try await api.request(.get, "/api/v1/transfers", as: APIHarness.plain)
            #expect(first.status == .ok)
            #expect(first.list("transfers").count == 20)
            #expect(
                first.metadata == [
                    "current_page": 1, "page_size": 20, "first_page": 1, "last_page": 2, "total_records": 25,
                ])

            let third = try await api.request(.get, "/api/v1/transfers?page=3&page_size=10&sort=-id")
            #expect(third.list("transfers").map { $0["id"] as? Int } == [5, 4, 3, 2, 1])
            #expect(
                third.metadata == [
                    "current_page": 3, "page_size": 10, "first_page": 1, "last_page": 3, "total_records": 25,
                ])

            let past = try await api.request(.get, "/api/v1/transfers?page=9")
            #expect(past.status == .ok)
            #expect(past.list("transfers").isEmpty)
            #expect(past.metadata["current_page"] == 9)

            let created = try await api.request(.get, "/api/v1/transfers?sort=created_at&page_size=1")
            #expect(created.list("transfers").first?["id"] as? Int == 1)
        }
    }

    @Test(arguments: [
        ("page=0", "page"), ("page=x", "page"), ("page_size=0", "page_size"), ("page_size=101", "page_size"),
        ("page_size=ten", "page_size"), ("sort=name", "sort"), ("sort=-updated_at", "sort"),
    ])
    func listChecksItsParameters(query: String, field: String) async throws {
        let harness = try await APIHarness()
        try await harness.test { (api: APIClient) async throws in
            let response = try await api.request(.get, "/api/v1/transfers?\(query)")
            #expect(response.status == .unprocessableContent)
            #expect(response.errorFields?[field] != nil, "\(response.text)")
        }
    }

    @Test func showAnswersTheTransferOr404() async throws {
        let setup = try await Setup()
        try await setup.harness.test { (api: APIClient) async throws in
            let created = try await api.request(.post, "/api/v1/transfers", json: setup.body)
            let id = try #require(created.object("transfer")["id"] as? Int)
            let shown = try await api.request(.get, "/api/v1/transfers/\(id)", as: APIHarness.plain)
            #expect(shown.status == .ok)
            #expect(shown.object("transfer")["id"] as? Int == id)
            #expect(shown.json.keys.sorted() == ["transfer"])

            let missing = try await api.request(.get, "/api/v1/transfers/999")
            #expect(missing.status == .notFound)
            #expect(missing.errorMessage == "no transfer with id 999")
            #expect(try await api.request(.get, "/api/v1/transfers/abc").status == .notFound)
            #expect(try await api.request(.get, "/api/v1/transfers/-1").status == .notFound)
        }
    }

    @Test func cancelEndsAQueuedTransferAndRefusesAFinishedOne() async throws {
        let setup = try await Setup()
        try await setup.harness.test { (api: APIClient) async throws in
            let created = try await api.request(.post, "/api/v1/transfers", json: setup.body)
            let id = try #require(created.object("transfer")["id"] as? Int)
            let cancelled = try await api.request(.patch, "/api/v1/cancel-transfer/\(id)", as: APIHarness.plain)
            #expect(cancelled.status == .ok)
            #expect(cancelled.object("transfer")["status"] as? String == "cancelled")

            let again = try await api.request(.patch, "/api/v1/cancel-transfer/\(id)")
            #expect(again.status == .conflict)
            #expect(again.errorMessage?.contains("already cancelled") == true)
            #expect(try await api.request(.patch, "/api/v1/cancel-transfer/999").status == .notFound)
        }
    }

    @Test func deleteIsForAdminsAndRefusesARunningTransfer() async throws {
        let setup = try await Setup()
        let running = try await setup.harness.sqlpipe.transfers.create(
            TransferInput(sourceID: setup.source.id, targetID: setup.target.id, query: "SELECT 1", targetTable: "t"),
            by: .adminNamed("x"))
        // Claimed by a (still living) process: this one.
        try await setup.harness.sqlpipe.markRunningForTest(transfer: running.id)
        try await setup.harness.test { (api: APIClient) async throws in
            let created = try await api.request(.post, "/api/v1/transfers", json: setup.body)
            let id = try #require(created.object("transfer")["id"] as? Int)
            #expect(
                try await api.request(.delete, "/api/v1/transfers/\(id)", as: APIHarness.plain).status == .forbidden)

            let deleted = try await api.request(.delete, "/api/v1/transfers/\(id)")
            #expect(deleted.status == .ok)
            #expect(deleted.json as? [String: String] == ["message": "transfer \(id) deleted"])
            #expect(try await api.request(.get, "/api/v1/transfers/\(id)").status == .notFound)
            #expect(try await api.request(.delete, "/api/v1/transfers/\(id)").status == .notFound)

            let busy = try await api.request(.delete, "/api/v1/transfers/\(running.id)")
            #expect(busy.status == .conflict)
            #expect(busy.errorMessage?.contains("running") == true)
        }
    }

    @Test func aTransferCreatedThroughTheAPIRunsOnTheWorkers() async throws {
        let setup = try await Setup(runWorkers: true)
        try await setup.harness.test { (api: APIClient) async throws in
            var body = setup.body
            body["query"] =
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500) SELECT i FROM n"
            let created = try await api.request(.post, "/api/v1/transfers", json: body)
            let id = try #require(created.object("transfer")["id"] as? Int)
            var last: [String: Any] = [:]
            try await eventually("transfer \(id) to complete") {
                last = try await api.request(.get, "/api/v1/transfers/\(id)").object("transfer")
                return last["status"] as? String == "complete"
            }
            #expect(last["rowsTransferred"] as? Int == 500)
            #expect(last["startedAt"] is String)
            #expect(last["stoppedAt"] is String)
        }
        let session = try Drivers.open(try setup.world.config(.sqlite, file: "target.db"))
        defer { session.close() }
        #expect(try session.query("SELECT count(*), sum(i) FROM t1", []) == [["500", "125250"]])
    }

    @Test func anUpsertAndAnIncrementalRunThroughTheAPIRecordTheirCounts() async throws {
        let setup = try await Setup(runWorkers: true)
        try await setup.harness.test { (api: APIClient) async throws in
            func run(_ fields: [String: any Sendable], rows: Int) async throws -> [String: Any] {
                var body = setup.body
                body["query"] =
                    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < \(rows)) SELECT i, i * 2 AS double FROM n"
                body["overwrite"] = nil
                for (key, value) in fields { body[key] = value }
                let created = try await api.request(.post, "/api/v1/transfers", json: body)
                let id = try #require(created.object("transfer")["id"] as? Int)
                var last: [String: Any] = [:]
                try await eventually("transfer \(id) to complete") {
                    last = try await api.request(.get, "/api/v1/transfers/\(id)").object("transfer")
                    return last["status"] as? String == "complete"
                }
                return last
            }
            let upsert: [String: any Sendable] = ["mode": "upsert", "primaryKey": ["i"], "deleteMissing": true]
            _ = try await run(upsert, rows: 10)
            let merged = try await run(upsert, rows: 12)
            #expect(merged["mode"] as? String == "upsert")
            #expect(merged["overwrite"] as? Bool == false)
            #expect(merged["rowsInserted"] as? Int == 2)
            #expect(merged["rowsUpdated"] as? Int == 0)
            #expect(merged["rowsDeleted"] as? Int == 0)
            #expect(merged["cursorFrom"] is NSNull)
            let incremental = try await run(
                ["mode": "incremental", "cursorColumn": "i", "primaryKey": ["i"]], rows: 15)
            #expect(incremental["rowsTransferred"] as? Int == 4)
            #expect(incremental["rowsInserted"] as? Int == 3)
            #expect(incremental["cursorFrom"] as? String == "12")
            #expect(incremental["cursorTo"] as? String == "15")
        }
        let session = try Drivers.open(try setup.world.config(.sqlite, file: "target.db"))
        defer { session.close() }
        #expect(try session.query("SELECT count(*), sum(i), sum(double) FROM t1", []) == [["15", "120", "240"]])
    }
}
