import ArgumentParser
import SQLPipeCore

/// How the file at one end of a transfer is read or written. Format and compression follow the file's
/// name (`orders.csv.gz`) unless given; with a file at both ends they describe the source, and the target
/// follows its name.
struct FileOptions: ParsableArguments {
    @Option(help: ArgumentHelp("csv, tsv or ndjson; without it, from the file's extension.", valueName: "format"))
    var format: FileFormat?
    @Option(
        help: ArgumentHelp("none, gzip or zstd; without it, from the extension (.gz, .zst).", valueName: "kind"))
    var compression: FileCompression?
    @Option(
        help: ArgumentHelp("The field delimiter, one character (default , for CSV, a tab for TSV).", valueName: "char"))
    var delimiter: String?
    @Option(help: ArgumentHelp("CSV's quote character (default \").", valueName: "char"))
    var quote: String?
    @Flag(help: "The file has no header record (columns are named column_1, column_2, …), or gets none.")
    var noHeader = false
    @Option(
        help: ArgumentHelp(
            "The text that stands for NULL (default: an empty unquoted CSV field, \\N in TSV).", valueName: "text"))
    var nullString: String?
    @Option(
        name: .customLong("column"),
        help: ArgumentHelp(
            "A column's type in a file read, instead of the inferred one; repeatable. TYPE is a neutral type (docs/type-mapping.md): bool, int64, decimal(12,2), float64, text, bytes, date, timestamp, timestamptz, json, uuid, …",
            valueName: "name:type"))
    var columns: [String] = []

    /// Whether any option was given, for a command whose ends are not files.
    var isGiven: Bool {
        format != nil || compression != nil || delimiter != nil || quote != nil || noHeader || nullString != nil
            || !columns.isEmpty
    }

    /// The file `path` with these options, as a transfer's input names it.
    func input(path: String, describing: Bool = true) -> FileInput {
        guard describing else { return FileInput(path: path) }
        return FileInput(
            path: path, format: format?.rawValue, compression: compression?.rawValue, delimiter: delimiter,
            quote: quote, header: noHeader ? false : nil, nullString: nullString,
            columns: columns.isEmpty ? nil : columns)
    }
}

extension FileFormat: ExpressibleByArgument {}
extension FileCompression: ExpressibleByArgument {}
