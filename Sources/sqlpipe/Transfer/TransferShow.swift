import ArgumentParser
import SQLPipeCore

extension TransferCommand {
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a transfer.")

        @Argument(help: "The transfer's id.")
        var id: Int64
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let transfer = try await global.open().transfers.get(id)
            try Output(json: global.json).one("transfer", transfer, fields: transfer.detailFields)
        }
    }
}
