/// Which page of a list to return, and in which order.
public struct PageRequest: Sendable, Equatable {
    public enum Sort: String, CaseIterable, Sendable {
        case id
        case createdAt = "created_at"
        case idDescending = "-id"
        case createdAtDescending = "-created_at"

        var column: String { rawValue.hasPrefix("-") ? String(rawValue.dropFirst()) : rawValue }
        var descending: Bool { rawValue.hasPrefix("-") }
    }

    public static let maximumPageSize = 100

    public var page: Int
    public var pageSize: Int
    public var sort: Sort

    /// Checks the raw values as a client sent them (`page`, `page_size`, `sort`).
    public init(page: Int? = nil, pageSize: Int? = nil, sort: String? = nil) throws {
        var problems: [String: String] = [:]
        let page = page ?? 1
        let pageSize = pageSize ?? 20
        if page < 1 { problems["page"] = "must be at least 1" }
        if page > 10_000_000 { problems["page"] = "must be at most 10000000" }
        if !(1...Self.maximumPageSize).contains(pageSize) {
            problems["page_size"] = "must be between 1 and \(Self.maximumPageSize)"
        }
        let parsedSort = Sort(rawValue: sort ?? "id")
        if parsedSort == nil {
            problems["sort"] = "must be one of " + Sort.allCases.map(\.rawValue).joined(separator: ", ")
        }
        guard problems.isEmpty, let parsedSort else { throw SQLPipeError.validation(problems) }
        self.page = page
        self.pageSize = pageSize
        self.sort = parsedSort
    }

    var offset: Int { (page - 1) * pageSize }
}

/// The `metadata` block of every list response.
public struct PageMetadata: Codable, Equatable, Sendable {
    public var currentPage: Int
    public var pageSize: Int
    public var firstPage: Int
    public var lastPage: Int
    public var totalRecords: Int

    enum CodingKeys: String, CodingKey {
        case currentPage = "current_page"
        case pageSize = "page_size"
        case firstPage = "first_page"
        case lastPage = "last_page"
        case totalRecords = "total_records"
    }

    init(request: PageRequest, totalRecords: Int) {
        currentPage = request.page
        pageSize = request.pageSize
        firstPage = 1
        // An empty list still has one (empty) page, so that first_page <= last_page always holds.
        lastPage = max(1, (totalRecords + request.pageSize - 1) / request.pageSize)
        self.totalRecords = totalRecords
    }
}

public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    public var metadata: PageMetadata
}

extension Page: Equatable where Item: Equatable {}
