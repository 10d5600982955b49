import ArgumentParser

/// `sqlpipe store …`: the metadata store itself.
struct StoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "Manage the metadata store itself.",
        subcommands: [Copy.self]
    )
}
