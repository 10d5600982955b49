import Foundation
import SQLPipeEngine

/// The rules of a new transfer's mode and of the fields that go with it: the key, `deleteMissing` and the
/// cursor column. Each problem is kept under its field, with the input's other problems.
enum TransferRules {
    struct Sync {
        var mode: TransferMode
        var primaryKey: [String]
        var deleteMissing: Bool
        var cursorColumn: String?
    }

    static let modeNames = TransferMode.allCases.map(\.rawValue).joined(separator: ", ")

    /// The mode and its fields as the input gives them. `dialect` is the target's, when the target is
    /// known: names are checked against its rules.
    static func sync(
        _ input: TransferInput, dialect: (any Dialect)?, into problems: inout [String: String]
    ) -> Sync {
        let mode = self.mode(of: input, into: &problems)
        let primaryKey = input.primaryKey ?? []
        let deleteMissing = input.deleteMissing ?? false
        let cursorColumn = input.cursorColumn

        if let dialect {
            if let problem = keyProblem(primaryKey, dialect: dialect) { problems["primaryKey"] = problem }
            if let cursorColumn, !cursorColumn.isEmpty,
                let problem = nameProblem(cursorColumn, role: "the cursor column", dialect: dialect)
            {
                problems["cursorColumn"] = problem
            }
        }
        // Without a known mode the rules below would only guess.
        guard let mode else {
            return Sync(mode: .append, primaryKey: primaryKey, deleteMissing: deleteMissing, cursorColumn: cursorColumn)
        }
        if mode == .upsert, primaryKey.isEmpty {
            problems["primaryKey"] = "upsert needs the key columns: the columns whose values identify a row"
        }
        switch (mode, cursorColumn) {
        case (.incremental, nil), (.incremental, ""?):
            problems["cursorColumn"] =
                "incremental needs the cursor column: the column whose largest value in the target says where to go on"
        case (.incremental, _), (_, nil):
            break
        case (_, _?):
            problems["cursorColumn"] = "only with mode incremental"
        }
        if deleteMissing {
            switch mode {
            case .upsert:
                break
            case .incremental:
                problems["deleteMissing"] =
                    "cannot be used with incremental: a run reads only the new rows, so every other row would look missing"
            case .append, .overwrite, .truncate:
                problems["deleteMissing"] = "only with mode upsert"
            }
        }
        return Sync(
            mode: mode, primaryKey: primaryKey, deleteMissing: deleteMissing,
            cursorColumn: mode == .incremental ? cursorColumn : nil)
    }

    /// The mode `mode` and `overwrite` name together; nil, with a problem under `mode`, when they name none
    /// or two.
    private static func mode(of input: TransferInput, into problems: inout [String: String]) -> TransferMode? {
        if input.unknownMode != nil {
            problems["mode"] = "must be one of \(modeNames)"
            return nil
        }
        switch (input.mode, input.overwrite) {
        case (nil, true?):
            return .overwrite
        case (nil, _):
            return .append
        case (.overwrite?, false?):
            problems["mode"] = "overwrite: false contradicts mode overwrite; leave overwrite out"
            return nil
        case (let mode?, true?) where mode != .overwrite:
            problems["mode"] = "overwrite: true is the mode overwrite; it cannot be combined with mode \(mode.rawValue)"
            return nil
        case (let mode?, _):
            return mode
        }
    }

    /// What is wrong with the key columns, if anything: an invalid name, or one named twice (ignoring case
    /// where the target does).
    private static func keyProblem(_ columns: [String], dialect: any Dialect) -> String? {
        var seen: Set<String> = []
        for column in columns {
            if let problem = nameProblem(column, role: "a key column", dialect: dialect) { return problem }
            let folded = dialect.caseSensitiveNames ? column : column.lowercased()
            if !seen.insert(folded).inserted {
                return "names the column \"\(column)\" twice"
                    + (dialect.caseSensitiveNames ? "" : " (\(dialect.system.displayName) ignores the case of names)")
            }
        }
        return nil
    }

    /// Why `name` cannot name a column on the target, if it cannot.
    static func nameProblem(_ name: String, role: String, dialect: any Dialect) -> String? {
        do {
            try dialect.validate(identifier: name, role: role)
            return nil
        } catch let error as DriverError {
            return error.message
        } catch {
            return "\(role) is not a valid name: \(error)"
        }
    }
}
