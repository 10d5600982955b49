import Foundation
import SQLPipeEngine

/// The rules a connection must meet, checked before anything is stored or any server is contacted.
enum ConnectionRules {
    struct Valid {
        var name: String
        var system: DataSystem
        var port: Int?
        var accountId: String
        var config: ConnectionConfig
    }

    static let maximumNameLength = 100

    /// Why `name`, trimmed, cannot name a record that is also found by its id, if it cannot.
    static func nameProblem(_ name: String, noun: String) -> String? {
        if name.isEmpty { return "must be provided" }
        if name.count > maximumNameLength { return "must be at most \(maximumNameLength) characters" }
        if name.allSatisfy(\.isNumber) { return "must not be only digits (a number names a \(noun) by its id)" }
        if name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            return "must not contain control characters"
        }
        return nil
    }

    static func validate(_ input: ConnectionInput) throws -> Valid {
        var problems: [String: String] = [:]
        let name = (input.name ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if let problem = nameProblem(name, noun: "connection") { problems["name"] = problem }

        let systemNames = DataSystem.allCases.map(\.rawValue).joined(separator: ", ")
        let system: DataSystem?
        if let raw = input.dsType, !raw.isEmpty {
            system = DataSystem(rawValue: raw.lowercased())
            if system == nil { problems["dsType"] = "must be one of \(systemNames)" }
        } else {
            system = nil
            problems["dsType"] = "must be provided (one of \(systemNames))"
        }

        let hostname = input.hostname ?? ""
        let username = input.username ?? ""
        let dbName = input.dbName ?? ""
        let password = input.password ?? ""
        let params = input.params ?? [:]
        if dbName.isEmpty {
            problems["dbName"] =
                system == .sqlite ? "must be provided (the path of the database file)" : "must be provided"
        }

        if let system {
            if system.isServer {
                if hostname.isEmpty { problems["hostname"] = "must be provided for \(system.rawValue)" }
                if hostname.count > 255 { problems["hostname"] = "must be at most 255 characters" }
                if let port = input.port {
                    if !(1...65535).contains(port) { problems["port"] = "must be between 1 and 65535" }
                } else {
                    problems["port"] = "must be provided for \(system.rawValue)"
                }
                if username.isEmpty { problems["username"] = "must be provided for \(system.rawValue)" }
            } else {
                let noServer = "must be empty for sqlite (a database file has no server)"
                if !hostname.isEmpty { problems["hostname"] = noServer }
                if input.port != nil { problems["port"] = noServer }
                if !username.isEmpty { problems["username"] = noServer }
                if !password.isEmpty { problems["password"] = noServer }
            }
            let driver = Drivers.driver(for: system)
            let supported = driver.supportedParams
            let unknown = params.keys.filter { supported[$0] == nil }.sorted()
            if !unknown.isEmpty {
                let known = supported.keys.sorted().joined(separator: ", ")
                problems["params"] =
                    "unknown option(s) \(unknown.joined(separator: ", ")) for \(system.rawValue) (known: \(known))"
            } else if let problem = driver.problem(with: params) {
                problems["params"] = problem
            }
            if system == .sqlite, !dbName.isEmpty, !dbName.hasPrefix("/") {
                problems["dbName"] =
                    "must be an absolute path (a relative one would mean another file to another process)"
            }
        }
        if password.utf8.count > 1024 { problems["password"] = "must be at most 1024 bytes" }

        guard problems.isEmpty, let system else { throw SQLPipeError.validation(problems) }
        return Valid(
            name: name, system: system, port: system.isServer ? input.port : nil, accountId: input.accountId ?? "",
            config: ConnectionConfig(
                system: system, hostname: hostname, port: input.port ?? 0, database: dbName, username: username,
                password: password, params: params))
    }
}
