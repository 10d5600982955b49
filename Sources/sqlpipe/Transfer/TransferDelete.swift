import ArgumentParser
import SQLPipeCore

extension TransferCommand {
    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a transfer that is not running.")

        @Argument(help: "The transfer's id.")
        var id: Int64
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await global.open().transfers.delete(id)
            try global.output.message("transfer \(id) deleted")
        }
    }
}
