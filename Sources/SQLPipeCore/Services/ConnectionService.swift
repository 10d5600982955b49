import Foundation
import SQLPipeEngine

/// Creates, lists, changes, checks and deletes connections: the one way to them for the CLI and the server.
public struct ConnectionService: Sendable {
    /// How long a live check may take before it counts as a failure.
    public static let checkTimeoutSeconds = 5

    let store: any MetadataStoring
    let secrets: SecretBox

    /// Stores a new connection. Unless `checkConnectivity` is false, it must connect first.
    public func create(_ input: ConnectionInput, checkConnectivity: Bool = true) async throws -> Connection {
        var valid = try ConnectionRules.validate(input)
        try checkOutsideStore(valid.config)
        let options = try sealOptions(valid.config.params, system: valid.system, keeping: nil)
        valid.config.params = options.real
        if checkConnectivity {
            try await check(valid.config)
        }
        let now = Date()
        let row = ConnectionRow(
            id: nil, createdAt: now, updatedAt: now, name: valid.name, dsType: valid.system.rawValue,
            hostname: valid.config.hostname, port: valid.port, dbName: valid.config.database,
            username: valid.config.username, accountId: valid.accountId, params: options.shown,
            passwordCiphertext: try valid.config.password.isEmpty ? nil : secrets.seal(valid.config.password),
            restricted: input.restricted ?? false, secretParamsCiphertext: options.sealed)
        let inserted = try await store.insert(connection: row)
        return try Self.resource(inserted)
    }

    public func list(_ request: PageRequest) async throws -> Page<Connection> {
        let (rows, metadata) = try await store.connectionPage(request)
        return Page(items: try rows.map(Self.resource), metadata: metadata)
    }

    /// The connection named by id or name. With `checkConnectivity`, `canConnect` says whether it connects now.
    public func get(_ reference: String, checkConnectivity: Bool = false) async throws -> Connection {
        let row = try await find(reference)
        var connection = try Self.resource(row)
        if checkConnectivity {
            do {
                try await check(try config(of: row))
                connection.canConnect = true
            } catch SQLPipeError.connectionFailed(let message) {
                connection.canConnect = false
                connection.connectError = message
            }
        }
        return connection
    }

    /// The connection `id` names in the field `field` of a transfer or query of `caller`: a restricted one
    /// is for admins only.
    /// The connection with this id and what the engine needs to open it, read once, when `caller` may use it.
    func usable(_ id: Int64, field: String, by caller: Caller) async throws -> (Connection, ConnectionConfig) {
        try await usable(reference: String(id), field: field, by: caller)
    }

    /// The connection named by id or name, as `usable(_:field:by:)`.
    func usable(reference: String, field: String, by caller: Caller) async throws -> (Connection, ConnectionConfig) {
        let row = try await find(reference)
        let connection = try Self.resource(row)
        if connection.restricted && !caller.admin {
            throw SQLPipeError.forbidden(
                "\(field): connection '\(connection.name)' (id \(row.id ?? 0)) is restricted: only admins may use it")
        }
        return (connection, try config(of: row))
    }

    /// Connects and reports the server's version, or throws the server's own message.
    public func test(_ reference: String) async throws -> (connection: Connection, serverVersion: String) {
        let row = try await find(reference)
        var connection = try Self.resource(row)
        let version = try await check(try config(of: row))
        connection.canConnect = true
        return (connection, version)
    }

    /// Changes the fields that `patch` sets. When anything that decides where it connects changes, it must
    /// connect again unless `checkConnectivity` is false.
    public func update(
        _ reference: String, _ patch: ConnectionInput, checkConnectivity: Bool = true
    ) async throws -> Connection {
        let current = try await find(reference)
        // A new password replaces the old one without reading it: a store whose key was lost can be repaired.
        let password = patch.password != nil ? nil : try current.passwordCiphertext.map { try secrets.open($0) }
        var currentInput = ConnectionInput(
            name: current.name, dsType: current.dsType, hostname: current.hostname, port: current.port,
            dbName: current.dbName, username: current.username, accountId: current.accountId,
            params: current.params, password: password)
        if patch.dsType == DataSystem.sqlite.rawValue, current.dsType != DataSystem.sqlite.rawValue {
            // Becoming a file: the server's fields and options no longer apply.
            currentInput.hostname = nil
            currentInput.port = nil
            currentInput.username = nil
            currentInput.password = nil
            currentInput.params = nil
        }
        let merged = currentInput.merging(patch)
        var valid = try ConnectionRules.validate(merged)
        try checkOutsideStore(valid.config)
        let options = try sealOptions(
            valid.config.params, system: valid.system,
            keeping: currentInput.params == nil ? nil : current.secretParamsCiphertext)
        valid.config.params = options.real
        let reachChanged =
            merged.dsType != currentInput.dsType || merged.hostname != currentInput.hostname
            || merged.port != currentInput.port || merged.dbName != currentInput.dbName
            || merged.username != currentInput.username || merged.params != currentInput.params
            || merged.password != currentInput.password
        if checkConnectivity && reachChanged {
            try await check(valid.config)
        }
        var row = current
        row.name = valid.name
        row.dsType = valid.system.rawValue
        row.hostname = valid.config.hostname
        row.port = valid.port
        row.dbName = valid.config.database
        row.username = valid.config.username
        row.accountId = valid.accountId
        row.params = options.shown
        row.secretParamsCiphertext = options.sealed
        row.restricted = patch.restricted ?? current.restricted
        if patch.password != nil || valid.system == .sqlite {
            row.passwordCiphertext = valid.config.password.isEmpty ? nil : try secrets.seal(valid.config.password)
        }
        row.updatedAt = Date()
        let updated = row
        let stored = try await store.update(connection: updated, reference: reference)
        return try Self.resource(stored)
    }

    /// Deletes a connection that no queued or running transfer or query uses.
    public func delete(_ reference: String) async throws {
        let row = try await find(reference)
        try await store.deleteConnection(row)
    }

    /// What the engine needs to open a session on a stored connection, password included.
    public func config(for reference: String) async throws -> ConnectionConfig {
        try config(of: try await find(reference))
    }

    // MARK: - Helpers

    private func find(_ reference: String) async throws -> ConnectionRow {
        try await store.connection(reference)
    }

    /// What stands in `params` for the value of a secret option. Sent back in an update, it keeps the
    /// stored value; an empty value removes the option.
    public static let secretMask = "********"

    /// Splits options into what the record shows (each secret's value masked), the secrets sealed, and
    /// the options with their real values for the engine.
    private func sealOptions(
        _ params: [String: String], system: DataSystem, keeping sealed: Data?
    ) throws -> (shown: [String: String], sealed: Data?, real: [String: String]) {
        let secretNames = Drivers.driver(for: system).secretParams
        let kept = try openOptions(sealed)
        var shown = params
        var real = params
        var hidden: [String: String] = [:]
        for name in secretNames {
            guard let value = params[name] else { continue }
            let actual = value == Self.secretMask ? kept[name] : value
            guard let actual, !actual.isEmpty else {
                shown[name] = nil
                real[name] = nil
                continue
            }
            hidden[name] = actual
            shown[name] = Self.secretMask
            real[name] = actual
        }
        let box =
            try hidden.isEmpty ? nil : secrets.seal(String(decoding: try JSONEncoder().encode(hidden), as: UTF8.self))
        return (shown, box, real)
    }

    private func openOptions(_ sealed: Data?) throws -> [String: String] {
        guard let sealed else { return [:] }
        return try JSONDecoder().decode([String: String].self, from: Data(try secrets.open(sealed).utf8))
    }

    /// A SQLite connection may not open the store, its key, or anything else in the store's folder: any
    /// user may run statements on a connection, and through the store every user could make itself admin
    /// and read every sealed password. Checked when stored and again before each use, as a link may have
    /// changed meanwhile.
    private func checkOutsideStore(_ config: ConnectionConfig) throws {
        guard config.system == .sqlite, let storeFolder = store.localFolder else { return }
        let folder = Self.resolvedPath(storeFolder)
        let file = Self.resolvedPath(config.database)
        if file == folder || file.hasPrefix(folder.hasSuffix("/") ? folder : folder + "/") {
            throw SQLPipeError.validation([
                "dbName":
                    "must not be in the folder of sqlpipe's store (\(folder)), which holds its secrets: keep databases elsewhere"
            ])
        }
    }

    /// The path with every symbolic link resolved, also for a file that does not exist yet (through its folder).
    static func resolvedPath(_ path: String) -> String {
        if let real = realpath(path, nil) {
            defer { free(real) }
            return String(cString: real)
        }
        let url = URL(fileURLWithPath: path)
        let parent = url.deletingLastPathComponent().path
        guard parent != path, !parent.isEmpty else { return path }
        return (resolvedPath(parent) as NSString).appendingPathComponent(url.lastPathComponent)
    }

    private func config(of row: ConnectionRow) throws -> ConnectionConfig {
        guard let system = DataSystem(rawValue: row.dsType) else {
            throw SQLPipeError.store("connection \(row.name) has an unknown dsType \(row.dsType)")
        }
        if system == .sqlite {
            try checkOutsideStore(ConnectionConfig(system: .sqlite, database: row.dbName))
        }
        return ConnectionConfig(
            system: system, hostname: row.hostname, port: row.port ?? 0, database: row.dbName,
            username: row.username, password: try row.passwordCiphertext.map { try secrets.open($0) } ?? "",
            params: row.params.merging(try openOptions(row.secretParamsCiphertext)) { _, secret in secret })
    }

    @discardableResult
    private func check(_ config: ConnectionConfig) async throws -> String {
        let timeout = Self.checkTimeoutSeconds
        do {
            // The driver's own timeouts bound the connect; this bounds the whole check, for a server that
            // accepts and then stalls.
            return try await runBlocking(
                within: TimeInterval(timeout + 1), failingWith: DriverError("no answer within \(timeout + 1) s")
            ) { try Drivers.check(config, timeoutSeconds: timeout) }
        } catch let error as DriverError {
            throw SQLPipeError.connectionFailed("\(config.system.displayName) at \(config.location): \(error.message)")
        }
    }

    static func resource(_ row: ConnectionRow) throws -> Connection {
        guard let id = row.id, let system = DataSystem(rawValue: row.dsType) else {
            throw SQLPipeError.store("a stored connection is incomplete")
        }
        return Connection(
            id: id, createdAt: row.createdAt, updatedAt: row.updatedAt, name: row.name, dsType: system,
            hostname: row.hostname, port: row.port, dbName: row.dbName, username: row.username,
            accountId: row.accountId, params: row.params, restricted: row.restricted, canConnect: nil,
            connectError: nil)
    }
}
