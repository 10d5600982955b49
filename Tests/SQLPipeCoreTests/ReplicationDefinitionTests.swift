import Foundation
import SQLPipeEngine
import SQLPipeTestSupport
import Testing

@testable import SQLPipeCore

/// Reading and checking definitions: YAML and JSON alike, every field's rules, problems under their paths.
@Suite struct ReplicationDefinitionTests {
    static let guideExample = """
        name: nightly
        source: shop                  # connection name or id
        target: warehouse
        defaults:
          mode: incremental
          cursorColumn: updated_at
          targetSchema: staging
        streams:
          - table: public.orders
          - table: public.customers
            mode: upsert
          - table: "public.audit_*"
            mode: append
          - query: select * from sales where region = 'EU'
            targetTable: sales_eu
            primaryKey: [id]
        exclude: ["public.tmp_*"]
        concurrency: 2
        schedule: "0 2 * * *"
        """

    @Test func theGuideExampleReads() throws {
        let definition = try ReplicationDefinition.parse(Self.guideExample)
        #expect(definition.name == "nightly")
        #expect(definition.source == "shop")
        #expect(
            definition.defaults
                == StreamSettings(targetSchema: "staging", mode: "incremental", cursorColumn: "updated_at"))
        #expect(definition.streams.count == 4)
        #expect(
            definition.streams[1]
                == ReplicationStream(table: "public.customers", settings: StreamSettings(mode: "upsert")))
        #expect(definition.streams[3].query == "select * from sales where region = 'EU'")
        #expect(definition.streams[3].settings.primaryKey == ["id"])
        #expect(definition.exclude == ["public.tmp_*"])
        #expect(definition.concurrency == 2)
        #expect(definition.schedule == "0 2 * * *")
    }

    @Test func jsonReadsTheSame() throws {
        let json = """
            {"name": "nightly", "source": "shop", "target": "warehouse",
             "defaults": {"mode": "incremental", "cursorColumn": "updated_at", "targetSchema": "staging"},
             "streams": [{"table": "public.orders"}, {"table": "public.customers", "mode": "upsert"},
                         {"table": "public.audit_*", "mode": "append"},
                         {"query": "select * from sales where region = 'EU'", "targetTable": "sales_eu", "primaryKey": ["id"]}],
             "exclude": ["public.tmp_*"], "concurrency": 2, "schedule": "0 2 * * *"}
            """
        #expect(try ReplicationDefinition.parse(json) == ReplicationDefinition.parse(Self.guideExample))
    }

    static let shapeProblems: [(String, String, String)] = [
        ("name: x\nsurce: shop\n", "surce", "unknown field"),
        ("name: x\nstreams:\n  - table: t\n    mdoe: upsert\n", "streams[0].mdoe", "unknown field"),
        ("name: x\ndefaults:\n  table: t\n", "defaults.table", "belongs to one stream"),
        ("name: x\nconcurrency: two\n", "concurrency", "must be a whole number"),
        ("name: x\nconcurrency: \"2\"\n", "concurrency", "must be a whole number"),
        ("name: x\nstreams:\n  - table: t\n    deleteMissing: maybe\n", "streams[0].deleteMissing", "true or false"),
        ("name: x\nstreams: orders\n", "streams", "must be a list of streams"),
        ("name: x\nstreams:\n  - orders\n", "streams[0]", "must be a mapping"),
        ("name: [a, b]\n", "name", "must be text"),
        ("- a\n- b\n", "definition", "must be a mapping"),
        (
            "{\"name\": \"x\", \"streams\": [{\"table\": \"t\", \"primaryKey\": [1, null]}]}",
            "streams[0].primaryKey[1]", "must be text"
        ),
    ]

    @Test(arguments: shapeProblems)
    func aBadShapeNamesItsField(_ text: String, _ field: String, _ message: String) {
        #expect {
            try ReplicationDefinition.parse(text)
        } throws: { error in
            guard case SQLPipeError.validation(let problems) = error else { return false }
            return problems[field]?.contains(message) == true
        }
    }

    @Test func textThatIsNoYAMLNamesTheLine() {
        #expect {
            try ReplicationDefinition.parse("name: x\nstreams:\n  - table: [unclosed\n")
        } throws: { error in
            guard case SQLPipeError.badInput(let message) = error else { return false }
            return message.contains("line ")
        }
        #expect(throws: SQLPipeError.self) { try ReplicationDefinition.parse("name: a\nname: b\n") }
        #expect(throws: SQLPipeError.self) { try ReplicationDefinition.parse("") }
    }

    /// A store with SQLite connections `shop` and `warehouse`: checking a definition needs no server.
    struct Store {
        let store: TestStore
        init() async throws {
            store = try TestStore()
            let world = try TestWorld()
            _ = try await store.sqlpipe.connections.create(try world.input(.sqlite, name: "shop", file: "shop.db"))
            _ = try await store.sqlpipe.connections.create(
                try world.input(.sqlite, name: "warehouse", file: "warehouse.db"))
        }

        func problems(_ yaml: String) async throws -> [String: String] {
            do {
                _ = try await store.sqlpipe.replications.create(
                    try ReplicationDefinition.parse(yaml), by: .adminNamed("admin"))
                return [:]
            } catch SQLPipeError.validation(let problems) {
                return problems
            }
        }
    }

    static let meaningProblems: [(String, String, String)] = [
        ("source: shop\ntarget: warehouse\nstreams: [{table: t}]", "name", "must be provided"),
        ("name: '123'\nsource: shop\ntarget: warehouse\nstreams: [{table: t}]", "name", "only digits"),
        ("name: n\nsource: nope\ntarget: warehouse\nstreams: [{table: t}]", "source", "no connection"),
        ("name: n\nsource: shop\nstreams: [{table: t}]", "target", "must be provided"),
        ("name: n\nsource: shop\ntarget: warehouse\nstreams: []", "streams", "at least one stream"),
        (
            "name: n\nsource: shop\ntarget: warehouse\nstreams: [{table: t, mode: sideways}]", "streams[0].mode",
            "must be one of"
        ),
        (
            "name: n\nsource: shop\ntarget: warehouse\ndefaults: {mode: sideways}\nstreams: [{table: t}]",
            "defaults.mode", "must be one of"
        ),
        (
            "name: n\nsource: shop\ntarget: warehouse\nstreams: [{table: t, mode: incremental}]",
            "streams[0].cursorColumn", "incremental needs"
        ),
        (
            "name: n\nsource: shop\ntarget: warehouse\nstreams: [{table: t, mode: upsert, cursorColumn: c}]",
            "streams[0].cursorColumn", "only with mode incremental"
        ),
        (
            "name: n\nsource: shop\ntarget: warehouse\nstreams: [{table: t, mode: append, deleteMissing: true}]",
            "streams[0].deleteMissing", "only with mode upsert"
        ),
        (
            "name: n\nsource: shop\ntarget: warehouse\nstreams: [{query: select 1, mode: upsert, targetTable: x}]",
            "streams[0].primaryKey", "upsert needs"
        ),
        (
            "name: n\nsource: shop\ntarget: warehouse\nstreams: [{query: select 1}]", "streams[0].targetTable",
            "must be provided for a query"
        ),
        (
            "name: n\nsource: shop\ntarget: warehouse\nstreams: [{table: t, query: select 1}]", "streams[0]",
            "both a table and a query"
        ),
        (
            "name: n\nsource: shop\ntarget: warehouse\nstreams: [{mode: append}]", "streams[0]",
            "needs a table or a query"
        ),
        (
            "name: n\nsource: shop\ntarget: warehouse\nstreams: [{table: 'a_*', targetTable: x}]",
            "streams[0].targetTable", "pattern"
        ),
        ("name: n\nsource: shop\ntarget: warehouse\nstreams: [{table: 'a.b.c'}]", "streams[0].table", "3 parts"),
        ("name: n\nsource: shop\ntarget: warehouse\nstreams: [{table: '*.t'}]", "streams[0].table", "table part only"),
        (
            "name: n\nsource: shop\ntarget: warehouse\nstreams: [{table: t}, {table: u, targetTable: t}]",
            "streams[1].targetTable", "streams[0] writes to t too"
        ),
        (
            "name: n\nsource: shop\ntarget: warehouse\nstreams: [{table: t}]\nconcurrency: 0", "concurrency",
            "between 1 and 16"
        ),
        (
            "name: n\nsource: shop\ntarget: warehouse\nstreams: [{table: t}]\nschedule: '61 * * * *'", "schedule",
            "minute field"
        ),
        (
            "name: n\nsource: shop\ntarget: warehouse\nstreams: [{table: t}]\nschedule: '@daily'\ntimezone: Mars/Olympus",
            "timezone", "IANA"
        ),
        (
            "name: n\nsource: shop\ntarget: warehouse\nstreams: [{table: t}]\ntimezone: UTC", "timezone",
            "only with a schedule"
        ),
        (
            "name: n\nsource: shop\ntarget: warehouse\nstreams: [{table: t}]\nexclude: ['\"open']", "exclude[0]",
            "not closed"
        ),
    ]

    @Test(arguments: meaningProblems)
    func aBadValueNamesItsField(_ yaml: String, _ field: String, _ message: String) async throws {
        let problems = try await Store().problems(yaml)
        #expect(problems[field]?.contains(message) == true, "\(problems)")
    }

    @Test func theGuideExampleIsValid() async throws {
        let store = try await Store()
        let problems = try await store.problems(
            Self.guideExample.replacingOccurrences(of: "targetSchema: staging", with: "targetSchema: main"))
        #expect(problems.isEmpty, "\(problems)")
    }

    @Test func aTableStreamMayUpsertWithoutAKey() async throws {
        // Its key comes from the source's catalog when it runs.
        let problems = try await Store().problems(
            "name: n\nsource: shop\ntarget: warehouse\nstreams: [{table: t, mode: upsert}]")
        #expect(problems.isEmpty)
    }

    @Test func onlyAdminsDefineReplications() async throws {
        let store = try await Store()
        let definition = try ReplicationDefinition.parse(
            "name: n\nsource: shop\ntarget: warehouse\nstreams: [{table: t}]")
        await #expect(throws: SQLPipeError.forbidden("only admins may create replications")) {
            try await store.store.sqlpipe.replications.create(definition, by: Caller(username: "u", admin: false))
        }
        let created = try await store.store.sqlpipe.replications.create(definition, by: .adminNamed("a"))
        await #expect(throws: SQLPipeError.self) {
            try await store.store.sqlpipe.replications.delete(
                String(created.id), by: Caller(username: "u", admin: false))
        }
        await #expect(throws: SQLPipeError.self) {
            try await store.store.sqlpipe.replications.create(definition, by: .adminNamed("a"))
        }
    }

    @Test func aScheduleSetsTheNextRunAndAConnectionInUseCannotGo() async throws {
        let store = try await Store()
        let created = try await store.store.sqlpipe.replications.create(
            try ReplicationDefinition.parse(
                "name: n\nsource: shop\ntarget: warehouse\nstreams: [{table: t}]\nschedule: '0 2 * * *'\ntimezone: Europe/Berlin"
            ),
            by: .adminNamed("a"))
        let next = try #require(created.nextRunAt)
        #expect(next > Date())
        #expect(next.timeIntervalSinceNow < 86_400 + 60)
        await #expect(throws: SQLPipeError.self) { try await store.store.sqlpipe.connections.delete("shop") }
        try await store.store.sqlpipe.replications.delete("n", by: .adminNamed("a"))
        try await store.store.sqlpipe.connections.delete("shop")
    }

    @Test(arguments: [
        ("public.orders", "public", "orders", false), ("orders", "", "orders", false),
        ("\"my.schema\".\"Odd\"\"Name\"", "my.schema", "Odd\"Name", false),
        ("public.audit_*", "public", "audit_*", true),
        ("t?", "", "t?", true),
    ])
    func tablePatternsSplitAtTheDot(_ text: String, _ schema: String, _ table: String, _ isPattern: Bool) throws {
        let pattern = try TablePattern(text)
        #expect(pattern.schema == schema)
        #expect(pattern.table == table)
        #expect(pattern.isPattern == isPattern)
    }

    @Test func globsMatchStarsAndQuestionMarks() throws {
        let pattern = try TablePattern("s.audit_*_v?")
        #expect(pattern.matches("audit_2024_v1", caseSensitive: true))
        #expect(pattern.matches("audit__v2", caseSensitive: true))
        #expect(!pattern.matches("audit_2024_v10", caseSensitive: true))
        #expect(!pattern.matches("AUDIT_2024_v1", caseSensitive: true))
        #expect(pattern.matches("AUDIT_2024_V1", caseSensitive: false))
        #expect(try TablePattern("*").matches("anything", caseSensitive: true))
        #expect(try TablePattern("a*b*c").matches("aXbYbZc", caseSensitive: true))
        #expect(try !TablePattern("a*b*c").matches("aXbYbZ", caseSensitive: true))
    }
}
