import ArgumentParser
import SQLPipeCore

extension TransferCommand {
    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Cancel a queued or running transfer, from any process; the target is left as it was.")

        @Argument(help: "The transfer's id.")
        var id: Int64
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let transfer = try await global.open().transfers.cancel(id)
            if global.json {
                try Output(json: true).one("transfer", transfer, fields: [])
            } else if transfer.status == .cancelled {
                global.output.confirmation("transfer \(transfer.id) cancelled")
            } else {
                global.output.confirmation("transfer \(transfer.id): cancel requested; it stops within a second")
            }
        }
    }
}
