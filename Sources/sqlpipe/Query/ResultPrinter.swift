import Foundation
import SQLPipeCore

/// Streams query results to stdout in one of the output formats, without holding the rows: memory stays
/// flat however many rows come (a table keeps its first rows to size its columns).
final class ResultPrinter: StatementSink, @unchecked Sendable {
    private let format: QueryFormat
    private var columns: [ColumnDescription] = []
    private var buffer: [UInt8] = []
    private var firstJSONRow = true
    private var tableRows: [[String?]] = []
    private var tableWidths: [Int]?
    private var tableRowCount = 0
    private var resultsPrinted = 0
    static let tableSample = 1000
    private let csv = CSVFieldEncoder()
    private let tsv = TSVFieldEncoder()

    init(format: QueryFormat) {
        self.format = format
        buffer.reserveCapacity(1 << 17)
    }

    func begin(columns: [ColumnDescription]) throws {
        self.columns = columns
        if resultsPrinted > 0 && format == .table { write("\n") }
        resultsPrinted += 1
        switch format {
        case .csv, .tsv:
            for (index, column) in columns.enumerated() {
                if index > 0 { buffer.append(format == .csv ? UInt8(ascii: ",") : UInt8(ascii: "\t")) }
                if format == .csv {
                    csv.appendField(column.name, to: &buffer)
                } else {
                    tsv.appendField(column.name, to: &buffer)
                }
            }
            buffer.append(0x0A)
        case .json:
            write("[")
            firstJSONRow = true
        case .table:
            tableRows = []
            tableWidths = nil
            tableRowCount = 0
        }
    }

    func rows(_ batch: RowBatch) throws {
        for row in 0..<batch.rowCount {
            switch format {
            case .csv, .tsv:
                // The file writer's encoders: the same bytes as a transfer's --target-file.
                for column in 0..<columns.count {
                    if column > 0 { buffer.append(format == .csv ? UInt8(ascii: ",") : UInt8(ascii: "\t")) }
                    if batch.isNull(row: row, column: column) {
                        if format == .csv { csv.appendNull(to: &buffer) } else { tsv.appendNull(to: &buffer) }
                        continue
                    }
                    batch.withCell(row: row, column: column) { cell in
                        if format == .csv {
                            csv.appendCell(cell, type: columns[column].type, to: &buffer)
                        } else {
                            tsv.appendCell(cell, type: columns[column].type, to: &buffer)
                        }
                    }
                }
                buffer.append(0x0A)
            case .json:
                write(firstJSONRow ? "\n" : ",\n")
                firstJSONRow = false
                write(Self.jsonObject(columns: columns, batch: batch, row: row))
            case .table:
                let cells = (0..<columns.count).map {
                    QueryValues.text(batch, row: row, column: $0, type: columns[$0].type)
                }
                tableRowCount += 1
                if let widths = tableWidths {
                    writeLine(Self.tableLine(cells.map { $0 ?? "" }, widths: widths))
                } else {
                    tableRows.append(cells)
                    if tableRows.count >= Self.tableSample { printTableHead() }
                }
            }
            if buffer.count >= 1 << 16 { flush() }
        }
    }

    func end(rowsAffected: Int?) throws {
        guard !columns.isEmpty else { return }
        switch format {
        case .json: write(firstJSONRow ? "]\n" : "\n]\n")
        case .table:
            if tableWidths == nil { printTableHead() }
            writeLine("(\(tableRowCount) \(tableRowCount == 1 ? "row" : "rows"))")
        case .csv, .tsv: break
        }
        columns = []
        flush()
    }

    /// Sizes the columns by the header and the rows kept so far, and prints them.
    private func printTableHead() {
        var widths = columns.map { Self.flattened($0.name).count }
        for row in tableRows {
            for (index, cell) in row.enumerated() {
                widths[index] = max(widths[index], Self.flattened(cell ?? "").count)
            }
        }
        widths = widths.map { min($0, 60) }
        tableWidths = widths
        writeLine(Self.tableLine(columns.map(\.name), widths: widths))
        writeLine(widths.map { String(repeating: "-", count: $0) }.joined(separator: "-+-"))
        for row in tableRows { writeLine(Self.tableLine(row.map { $0 ?? "" }, widths: widths)) }
        tableRows = []
    }

    private static func tableLine(_ cells: [String], widths: [Int]) -> String {
        zip(cells, widths).map { cell, width in
            let flat = flattened(cell)
            return flat.count >= width ? flat : flat + String(repeating: " ", count: width - flat.count)
        }.joined(separator: " | ")
    }

    /// A table cell on one line, without control characters (CSV, TSV and JSON have exact escapes of their own).
    private static func flattened(_ text: String) -> String {
        TerminalText.escaped(text)
    }

    private static func jsonObject(columns: [ColumnDescription], batch: RowBatch, row: Int) -> String {
        let encoder = JSONCoding.encoder()
        let fields = (0..<columns.count).map { column -> String in
            let key = (try? encoder.encode(columns[column].name)).map { String(decoding: $0, as: UTF8.self) } ?? "\"\""
            let value = QueryValues.json(batch, row: row, column: column, type: columns[column].type)
            let encoded = (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
            return key + ":" + encoded
        }
        return "{" + fields.joined(separator: ",") + "}"
    }

    private func write(_ text: String) {
        buffer.append(contentsOf: text.utf8)
    }

    private func writeLine(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        buffer.append(0x0A)
    }

    func flush() {
        guard !buffer.isEmpty else { return }
        FileHandle.standardOutput.write(Data(buffer))
        buffer.removeAll(keepingCapacity: true)
    }
}
