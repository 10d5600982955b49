import ArgumentParser
import SQLPipeCore

extension TransferCommand {
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List transfers.")

        @OptionGroup var paging: ListOptions
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let request = try paging.request()
            let page = try await global.open().transfers.list(request)
            try Output(json: global.json).page(
                "transfers", page,
                columns: ["ID", "STATUS", "SOURCE", "TARGET", "TABLE", "MODE", "ROWS", "CREATED", "BY"]
            ) { transfer in
                [
                    String(transfer.id), transfer.status.rawValue,
                    transfer.sourceFile.map { "file \($0.path)" } ?? transfer.sourceID.map(String.init) ?? "-",
                    transfer.targetFile.map { _ in "file" } ?? transfer.targetID.map(String.init) ?? "-",
                    transfer.targetDescription, transfer.mode.rawValue, String(transfer.rowsTransferred),
                    Formatting.timestamp(transfer.createdAt), transfer.createdBy,
                ]
            }
        }
    }
}
