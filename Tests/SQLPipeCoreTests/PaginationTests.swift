import Foundation
import SQLPipeTestSupport
import Testing

@testable import SQLPipeCore

@Suite struct PaginationTests {
    /// 25 connections, created one after the other, so ids and creation times rise together.
    private func storeWithConnections() async throws -> TestStore {
        let store = try TestStore()
        for number in 1...25 {
            _ = try await store.sqlpipe.connections.create(
                ConnectionInput(name: "c\(number)", dsType: "sqlite", dbName: "/tmp/c\(number).db"),
                checkConnectivity: false)
        }
        return store
    }

    @Test func pagesSplitTheListAndCarryMetadata() async throws {
        let store = try await storeWithConnections()
        let first = try await store.sqlpipe.connections.list(PageRequest(page: 1, pageSize: 10))
        #expect(first.items.map(\.name) == (1...10).map { "c\($0)" })
        #expect(first.metadata == PageMetadata(request: try PageRequest(page: 1, pageSize: 10), totalRecords: 25))
        #expect(first.metadata.currentPage == 1)
        #expect(first.metadata.pageSize == 10)
        #expect(first.metadata.firstPage == 1)
        #expect(first.metadata.lastPage == 3)
        #expect(first.metadata.totalRecords == 25)

        let last = try await store.sqlpipe.connections.list(PageRequest(page: 3, pageSize: 10))
        #expect(last.items.map(\.name) == (21...25).map { "c\($0)" })
        #expect(last.metadata.currentPage == 3)

        let defaults = try await store.sqlpipe.connections.list(PageRequest())
        #expect(defaults.items.count == 20)
        #expect(defaults.metadata.pageSize == 20)
        #expect(defaults.metadata.lastPage == 2)
    }

    @Test func aPagePastTheEndIsEmptyButKeepsItsMetadata() async throws {
        let store = try await storeWithConnections()
        let beyond = try await store.sqlpipe.connections.list(PageRequest(page: 9, pageSize: 10))
        #expect(beyond.items.isEmpty)
        #expect(beyond.metadata.currentPage == 9)
        #expect(beyond.metadata.lastPage == 3)
        #expect(beyond.metadata.totalRecords == 25)
    }

    @Test func anEmptyListHasOnePage() async throws {
        let store = try TestStore()
        let empty = try await store.sqlpipe.users.list(PageRequest())
        #expect(empty.items.isEmpty)
        #expect(empty.metadata.totalRecords == 0)
        #expect(empty.metadata.firstPage == 1)
        #expect(empty.metadata.lastPage == 1)
    }

    @Test(arguments: [
        ("id", Array(1...5)), ("created_at", Array(1...5)), ("-id", Array((21...25).reversed())),
        ("-created_at", Array((21...25).reversed())),
    ])
    func eachSortOrder(sort: String, expected: [Int]) async throws {
        let store = try await storeWithConnections()
        let page = try await store.sqlpipe.connections.list(PageRequest(page: 1, pageSize: 5, sort: sort))
        #expect(page.items.map(\.name) == expected.map { "c\($0)" })
    }

    @Test(arguments: [
        (0, 20, "id", "page", "at least 1"), (1, 0, "id", "page_size", "between 1 and 100"),
        (1, 101, "id", "page_size", "between 1 and 100"), (1, 20, "name", "sort", "must be one of id"),
        (-3, 20, "id", "page", "at least 1"),
    ])
    func badPagingIsAValidationErrorNamingTheField(
        page: Int, pageSize: Int, sort: String, field: String, message: String
    ) throws {
        let error = #expect(throws: SQLPipeError.self) { try PageRequest(page: page, pageSize: pageSize, sort: sort) }
        guard case .validation(let fields) = error else {
            Issue.record("expected a validation error, got \(String(describing: error))")
            return
        }
        #expect(fields[field]?.contains(message) == true, "\(fields)")
    }

    @Test func theJSONMetadataUsesTheAPIsNames() throws {
        let page = Page<User>(
            items: [], metadata: PageMetadata(request: try PageRequest(page: 2, pageSize: 5), totalRecords: 11))
        let json = String(
            decoding: try JSONCoding.encoder().encode(Envelope<[User]>.page("users", page)), as: UTF8.self)
        #expect(
            json
                == #"{"metadata":{"current_page":2,"first_page":1,"last_page":3,"page_size":5,"total_records":11},"users":[]}"#
        )
    }
}

@Suite struct TimestampTests {
    @Test func timestampsShowTheMillisecondStored() {
        let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            // Milliseconds from 1970 to 2200, as the store keeps them.
            let milliseconds = Int64.random(in: 0...7_258_118_400_000, using: &generator)
            let date = Date(timeIntervalSince1970: Double(milliseconds) / 1000)
            // The style truncates, and a millisecond in binary floating point is often a hair below itself:
            // nudged by 0.4 ms it shows the millisecond meant, which the fast form (it rounds) must show too.
            let meant = Date(timeIntervalSince1970: Double(milliseconds) / 1000 + 0.0004).formatted(style)
            #expect(JSONCoding.timestamp(date) == meant)
        }
        #expect(JSONCoding.timestamp(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
        #expect(JSONCoding.timestamp(Date(timeIntervalSince1970: 951_782_400.5)) == "2000-02-29T00:00:00.500Z")
    }
}
