import Foundation
import Logging
import SQLPipeCore

/// The two lines each run of the workers leaves in the log: `transfer started` when a worker has claimed it,
/// and `transfer finished` (likewise `query started` / `query finished`), each one structured line whose
/// fields an operator can grep or a log shipper can index: `id, source, target, mode` (a query:
/// `connection`), then at the end `rows, seconds, status` and `error` for a run that failed.
///
/// No field holds a password or a URL: connections are named by their names, and a failure's message is
/// the one the record keeps, which the drivers have already masked.
struct RunLog: Sendable {
    let logger: Logger

    /// What names a run in both of its lines.
    static func subject(of transfer: Transfer, in connections: ConnectionService) async -> Logger.Metadata {
        [
            "id": "\(transfer.id)",
            "source": .string(await name(of: transfer.sourceID, in: connections)),
            "target": .string(await name(of: transfer.targetID, in: connections)),
            "mode": .string(transfer.mode.rawValue),
        ]
    }

    static func subject(of query: Query, in connections: ConnectionService) async -> Logger.Metadata {
        ["id": "\(query.id)", "connection": .string(await name(of: query.connectionId, in: connections))]
    }

    func started(_ kind: QueuedWork.Kind, _ subject: Logger.Metadata) {
        logger.info("\(kind.rawValue) started", metadata: subject)
    }

    func finished(
        _ kind: QueuedWork.Kind, _ subject: Logger.Metadata, status: RunStatus, rows: Int?, seconds: Double,
        error: String?
    ) {
        var fields = subject
        if let rows { fields["rows"] = "\(rows)" }
        fields["seconds"] = .string(RequestLogMiddleware.twoDecimals(seconds))
        fields["status"] = .string(status.rawValue)
        if let error { fields["error"] = .string(error) }
        if status == .error {
            logger.error("\(kind.rawValue) finished", metadata: fields)
        } else {
            logger.info("\(kind.rawValue) finished", metadata: fields)
        }
    }

    /// A connection's name; its id when it cannot be read, `deleted` when the run outlived it.
    private static func name(of id: Int64?, in connections: ConnectionService) async -> String {
        guard let id else { return "deleted" }
        return (try? await connections.get(String(id)).name) ?? "#\(id)"
    }
}
