import Foundation
import SQLPipeEngine
import Testing

@testable import SQLPipeCore
@testable import SQLPipeServer

/// The hand-written JSON of transfers must be the encoder's, byte for byte.
@Suite struct FastJSONTests {
    /// A finished transfer has every field set (a mode of its own per id), a queued one the nulls.
    static func transfer(_ id: Int64, text: String, finished: Bool) -> Transfer {
        let mode = TransferMode.allCases[Int(id) % TransferMode.allCases.count]
        return Transfer(
            id: id, createdAt: Date(timeIntervalSince1970: 1_764_389_466.927), createdBy: "root\(text)",
            sourceID: finished ? id : nil, targetID: 2,
            sourceFile: id % 3 == 0
                ? FileSpec(
                    path: "in/\(text).csv", format: .csv, compression: .gzip, delimiter: text.isEmpty ? nil : ";",
                    quote: finished ? "'" : nil, header: finished, nullString: finished ? text : nil,
                    columns: ["a:\(text)"])
                : nil,
            targetFile: id % 3 == 1 ? FileSpec(path: text, format: .ndjson, compression: .zstd) : nil,
            query: "SELECT \(text) FROM \"t\"", targetSchema: text,
            targetTable: "x; DROP TABLE y \(text)", overwrite: mode == .overwrite, mode: mode,
            primaryKey: finished ? ["id \(text)", "Region"] : [], deleteMissing: finished,
            cursorColumn: finished ? "updated \(text)" : nil, status: finished ? .complete : .queued,
            error: finished ? nil : "it said: \(text)", warnings: finished ? ["w1 \(text)", "w2"] : [],
            rowsTransferred: Int(id) * 1000, rowsInserted: finished ? Int(id) * 400 : nil,
            rowsUpdated: finished ? Int(id) * 600 : nil, rowsDeleted: finished ? 0 : nil,
            cursorFrom: finished ? "2024-01-01 00:00:00 \(text)" : nil,
            cursorTo: finished ? "2024-02-01 00:00:00\(text)" : nil,
            startedAt: finished ? Date(timeIntervalSince1970: 1_764_389_467.5) : nil,
            stoppedAt: finished ? Date(timeIntervalSince1970: 2_000_000_000.001) : nil)
    }

    static let tricky = [
        "", "plain", "quote \" and back\\slash", "slash / and tab\tnew\nline\r", "ctl \u{1}\u{7}\u{1b}\u{1f}\u{7f}",
        "ünï 😀 𝄞", "</script>", "\u{8}\u{c}",
    ]

    @Test func aTransferAndAPageAreWhatTheEncoderWrites() throws {
        let encoder = JSONCoding.encoder()
        for (index, text) in Self.tricky.enumerated() {
            for finished in [true, false] {
                let transfer = Self.transfer(Int64(index + 1), text: text, finished: finished)
                let envelope = Envelope("transfer", transfer)
                #expect(
                    envelope.fastJSON() == Array(try encoder.encode(envelope)), "\(text.debugDescription) \(finished)")
            }
        }
        let transfers = Self.tricky.enumerated().map {
            Self.transfer(Int64($0.offset), text: $0.element, finished: $0.offset % 2 == 0)
        }
        let page = Envelope<[Transfer]>.page(
            "transfers",
            Page(
                items: transfers,
                metadata: PageMetadata(request: try PageRequest(page: 2, pageSize: 8), totalRecords: 21)))
        #expect(
            String(decoding: page.fastJSON(), as: UTF8.self)
                == String(decoding: try encoder.encode(page), as: UTF8.self))
        let empty = Envelope<[Transfer]>.page(
            "transfers", Page(items: [], metadata: PageMetadata(request: try PageRequest(), totalRecords: 0)))
        #expect(empty.fastJSON() == Array(try encoder.encode(empty)))
    }

    /// Both writers must know every field: a field the hand-written JSON lacks would fail the comparison
    /// above only if the encoder wrote it, so the keys are held to the model's too.
    @Test func everyFieldOfATransferIsWritten() throws {
        let transfer = Self.transfer(3, text: "x", finished: true)
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(Envelope("transfer", transfer).fastJSON())) as? [String: Any])
        let fields = try #require(object["transfer"] as? [String: Any])
        #expect(fields.keys.sorted() == Transfer.CodingKeys.allCases.map(\.rawValue).sorted())
        #expect(fields["mode"] as? String == "upsert")
        #expect(fields["primaryKey"] as? [String] == ["id x", "Region"])
        #expect(fields["rowsInserted"] as? Int == 1200)
        #expect(fields["rowsUpdated"] as? Int == 1800)
        #expect(fields["rowsDeleted"] as? Int == 0)
        #expect(fields["cursorTo"] as? String == "2024-02-01 00:00:00x")
        let queued = try #require(
            try JSONSerialization.jsonObject(
                with: Data(Envelope("transfer", Self.transfer(4, text: "y", finished: false)).fastJSON()))
                as? [String: Any])
        let nulls = try #require(queued["transfer"] as? [String: Any])
        for key in ["cursorColumn", "rowsInserted", "rowsUpdated", "rowsDeleted", "cursorFrom", "cursorTo"] {
            #expect(nulls.keys.contains(key) && nulls[key] is NSNull, "\(key) is null, not absent")
        }
        #expect(nulls["mode"] as? String == "incremental")
    }
}
