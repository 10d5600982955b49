import Foundation
import SQLPipeEngine

/// The rules of a file at one end of a new transfer: its format, compression and options, and where it
/// may be. Problems are kept under the file's field (`sourceFile.format`).
enum FileRules {
    /// The file as the store keeps it, or nil with problems. `access` is what this process lets a caller
    /// reach: the command line's `.host`, a server's data directory, or nil for a server without one.
    static func stored(
        _ input: FileInput, field: String, reading: Bool, access: FileAccess?, into problems: inout [String: String]
    ) -> StoredFile? {
        guard let access else {
            problems[field] =
                "files need a data directory: start the server with --data-dir DIR to read and write files inside it"
            return nil
        }
        for unknown in input.unknownFields { problems["\(field).\(unknown)"] = "is not a field of a file" }
        guard var path = input.path, !path.isEmpty else {
            problems["\(field).path"] = "must be provided"
            return nil
        }
        switch access {
        case .host:
            // Kept whole, so that the run finds the same file whatever directory it starts in.
            if path != "-", !path.hasPrefix("/") {
                path =
                    URL(
                        fileURLWithPath: path,
                        relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
                    )
                    .standardizedFileURL.path
            }
        case .confined:
            if let problem = FileAccess.confinementProblem(path) {
                problems["\(field).path"] = problem
                return nil
            }
        }
        let detected = FileSpec.detected(from: path)
        var format: FileFormat?
        if let name = input.format {
            format = FileFormat(rawValue: name.lowercased())
            if format == nil { problems["\(field).format"] = "must be one of csv, tsv, ndjson" }
        } else {
            format = detected.format
            if format == nil {
                problems["\(field).format"] =
                    "cannot be told from the name '\((path as NSString).lastPathComponent)': give csv, tsv or ndjson"
            }
        }
        var compression = detected.compression ?? FileCompression.none
        if let name = input.compression {
            if let given = FileCompression(rawValue: name.lowercased()) {
                compression = given
            } else {
                problems["\(field).compression"] = "must be one of none, gzip, zstd"
            }
        }
        guard let format else { return nil }
        let spec = FileSpec(
            path: path, format: format, compression: compression, delimiter: input.delimiter, quote: input.quote,
            header: input.header ?? true, nullString: input.nullString, columns: input.columns ?? [])
        let specProblems = spec.problems(reading: reading)
        for (key, problem) in specProblems { problems["\(field).\(key)"] = problem }
        guard specProblems.isEmpty else { return nil }
        if case .confined = access {
            // Checked now for a clear 422, and again when the run opens the file.
            do { try access.check(path, reading: reading) } catch let error as DriverError {
                problems["\(field).path"] = error.message
                return nil
            } catch {
                problems["\(field).path"] = "\(error)"
                return nil
            }
        }
        return StoredFile(spec: spec, onHost: access == .host)
    }

    /// How a run reaches a stored file: a host path as it is, a data directory's path only inside the data
    /// directory of the process that runs it.
    static func access(for file: StoredFile, in process: FileAccess?, transfer id: Int64) throws -> FileAccess {
        if file.onHost { return .host }
        guard let process, case .confined = process else {
            throw SQLPipeError.conflict(
                "transfer \(id) names a file of a server's data directory, and this process has none (serve --data-dir)"
            )
        }
        return process
    }
}
