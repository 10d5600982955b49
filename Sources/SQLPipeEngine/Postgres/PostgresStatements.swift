import CLibPQ
import Foundation

extension PostgresSession {
    func runStatements(_ sql: String, sink: any StatementSink) throws {
        guard PQsendQuery(connection, sql) == 1 else {
            throw DriverError(clientMessage: String(cString: PQerrorMessage(connection)))
        }
        PQsetSingleRowMode(connection)
        var failure: (any Error)?
        var batch: RowBatch?
        var kinds: [PostgresText.Kind] = []

        func begin(_ result: OpaquePointer) throws {
            let count = Int(PQnfields(result))
            let columns = (0..<count).map { index -> ColumnDescription in
                let oid = PQftype(result, Int32(index))
                let modifier = PQfmod(result, Int32(index))
                let type = PostgresDialect.neutralType(oid: oid, modifier: modifier) ?? .text
                return ColumnDescription(
                    name: String(cString: PQfname(result, Int32(index))), type: type, sourceType: "oid \(oid)")
            }
            kinds = (0..<count).map { PostgresText.Kind(oid: PQftype(result, Int32($0))) }
            batch = RowBatch(columnCount: count)
            try sink.begin(columns: columns)
        }

        // Every result is read, also after an error, so that the connection is ready for the next command.
        while let result = PQgetResult(connection) {
            defer { PQclear(result) }
            guard failure == nil else { continue }
            do {
                switch PQresultStatus(result) {
                case PGRES_SINGLE_TUPLE, PGRES_TUPLES_OK:
                    if batch == nil { try begin(result) }
                    // Single-row mode sends each row alone, and the end as an empty TUPLES_OK.
                    for row in 0..<PQntuples(result) {
                        for column in 0..<kinds.count {
                            if PQgetisnull(result, row, Int32(column)) == 1 {
                                batch!.appendNull()
                            } else {
                                let length = Int(PQgetlength(result, row, Int32(column)))
                                let value = UnsafeRawBufferPointer(
                                    start: PQgetvalue(result, row, Int32(column)), count: length)
                                PostgresText.append(
                                    value.bindMemory(to: UInt8.self), kind: kinds[column], into: &batch!)
                            }
                        }
                        if batch!.rowCount >= 1024 {
                            try sink.rows(batch!)
                            batch!.removeAll()
                        }
                    }
                    if PQresultStatus(result) == PGRES_TUPLES_OK {
                        if !batch!.isEmpty { try sink.rows(batch!) }
                        batch = nil
                        try sink.end(rowsAffected: Self.rowsChanged(byRowsOf: result))
                    }
                case PGRES_COMMAND_OK:
                    try sink.end(rowsAffected: Int(String(cString: PQcmdTuples(result))))
                case PGRES_EMPTY_QUERY:
                    continue
                case PGRES_COPY_IN, PGRES_COPY_OUT:
                    throw DriverError("COPY … FROM STDIN / TO STDOUT needs a client stream: use a transfer instead")
                default:
                    throw Self.error(of: result)
                }
            } catch {
                failure = error
                if PQresultStatus(result) == PGRES_COPY_IN { _ = PQputCopyEnd(connection, "not supported") }
                if PQresultStatus(result) == PGRES_COPY_OUT {
                    var buffer: UnsafeMutablePointer<CChar>?
                    while PQgetCopyData(connection, &buffer, 0) > 0 { PQfreemem(buffer) }
                }
            }
        }
        if let failure { throw failure }
    }

    /// The rows a statement that returned rows changed, from its command tag (`INSERT 0 2`, `UPDATE 2`,
    /// `DELETE 2`, `MERGE 2`); nil for one that reads only (`SELECT 2`, `FETCH 2`).
    private static func rowsChanged(byRowsOf result: OpaquePointer) -> Int? {
        let tag = String(cString: PQcmdStatus(result))
        guard ["INSERT ", "UPDATE ", "DELETE ", "MERGE "].contains(where: tag.hasPrefix) else { return nil }
        return Int(String(cString: PQcmdTuples(result)))
    }
}
