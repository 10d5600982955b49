import Foundation
import Testing

@testable import SQLPipeCore
@testable import SQLPipeServer

/// The hand-written JSON of transfers must be the encoder's, byte for byte.
@Suite struct FastJSONTests {
    static func transfer(_ id: Int64, text: String, finished: Bool) -> Transfer {
        Transfer(
            id: id, createdAt: Date(timeIntervalSince1970: 1_764_389_466.927), createdBy: "root\(text)",
            sourceID: finished ? id : nil, targetID: 2, query: "SELECT \(text) FROM \"t\"", targetSchema: text,
            targetTable: "x; DROP TABLE y \(text)", overwrite: finished, status: finished ? .complete : .queued,
            error: finished ? nil : "it said: \(text)", warnings: finished ? ["w1 \(text)", "w2"] : [],
            rowsTransferred: Int(id) * 1000,
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
}
