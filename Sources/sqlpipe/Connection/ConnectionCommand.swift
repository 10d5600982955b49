import ArgumentParser
import SQLPipeCore

struct ConnectionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "connection",
        abstract: "Manage connections to PostgreSQL, MySQL/MariaDB and SQLite databases.",
        discussion: "A connection is named by its id or its name.",
        subcommands: [Create.self, List.self, Show.self, Update.self, Delete.self, Test.self]
    )
}

extension DataSystem: ExpressibleByArgument {}

extension Connection {
    /// The fields of `connection show`, in the order a reader wants them.
    var detailFields: [(String, String)] {
        var fields: [(String, String)] = [
            ("id", String(id)), ("name", name), ("dsType", dsType.rawValue),
        ]
        if dsType.isServer {
            fields += [("hostname", hostname), ("port", port.map(String.init) ?? "-"), ("username", username)]
        }
        fields.append(("dbName", dbName))
        if !accountId.isEmpty { fields.append(("accountId", accountId)) }
        if !params.isEmpty {
            fields.append(
                ("params", params.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")))
        }
        fields.append(("restricted", restricted ? "yes (admins only)" : "no"))
        fields += [("createdAt", Formatting.timestamp(createdAt)), ("updatedAt", Formatting.timestamp(updatedAt))]
        if let canConnect {
            fields.append(("canConnect", canConnect ? "yes" : "no: " + (connectError ?? "")))
        }
        return fields
    }

    var summary: String {
        dsType.isServer
            ? "\(dsType.rawValue)://\(username)@\(hostname):\(port.map(String.init) ?? "")/\(dbName)"
            : "sqlite://\(dbName)"
    }
}
