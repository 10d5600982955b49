import Foundation
import GRDB
import SQLPipeEngine

@testable import SQLPipeCore

/// The real servers the tests talk to. `scripts/test.sh` (and so `.ci/run`) starts them and exports their
/// URLs; a missing one is a failure, never a skip.
public enum TestDatabases {
    public struct Missing: Error, CustomStringConvertible {
        public let variable: String
        public var description: String {
            "\(variable) is not set: run the tests with scripts/test.sh, which starts PostgreSQL and MariaDB"
        }
    }

    public static let postgresVariable = "SQLPIPE_TEST_POSTGRES_URL"
    public static let mariadbVariable = "SQLPIPE_TEST_MARIADB_URL"

    public static func postgresURL() throws -> String { try url(postgresVariable) }
    public static func mariadbURL() throws -> String { try url(mariadbVariable) }

    public static func postgres() throws -> ConnectionInput { try ConnectionURL.parse(postgresURL()) }
    public static func mariadb() throws -> ConnectionInput { try ConnectionURL.parse(mariadbURL()) }

    /// The servers' inputs by system, for tests that run once per system.
    public static func input(for system: DataSystem, sqlitePath: String) throws -> ConnectionInput {
        switch system {
        case .postgresql: try postgres()
        case .mysql, .mariadb: try mariadb()
        case .sqlite: ConnectionInput(dsType: "sqlite", dbName: sqlitePath)
        }
    }

    public static func config(_ input: ConnectionInput) -> ConnectionConfig {
        ConnectionConfig(
            system: DataSystem(rawValue: input.dsType ?? "") ?? .sqlite, hostname: input.hostname ?? "",
            port: input.port ?? 0, database: input.dbName ?? "", username: input.username ?? "",
            password: input.password ?? "", params: input.params ?? [:])
    }

    /// A loopback port that nothing listens on: a connection to it is refused at once.
    public static func closedPort() -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        // Bound but never listening, and closed on return: nothing accepts on it.
        return Int(UInt16(bigEndian: address.sin_port))
    }

    private static func url(_ variable: String) throws -> String {
        guard let value = ProcessInfo.processInfo.environment[variable], !value.isEmpty else {
            throw Missing(variable: variable)
        }
        return value
    }
}

/// A fresh store for each test: a SQLite file in a temporary folder, or, when `SQLPIPE_TEST_STORE` is
/// `postgresql`, a schema of its own on the test PostgreSQL server, so that the same tests run on both stores.
public struct TestStore: Sendable {
    public enum Kind: String, Sendable { case sqlite, postgresql }

    /// The variable that holds the PostgreSQL store's password in `environment`.
    public static let passwordVariable = "SQLPIPE_TEST_STORE_PASSWORD"
    /// The key every PostgreSQL test store is made with.
    public static let postgresKey = "c3FscGlwZS10ZXN0LWtleS0tLTMyLWJ5dGVzLWxvbmc="

    /// The store the tests of this process run on.
    public static var kind: Kind {
        ProcessInfo.processInfo.environment["SQLPIPE_TEST_STORE"] == "postgresql" ? .postgresql : .sqlite
    }
    public static var onSQLite: Bool { kind == .sqlite }

    public let directory: URL
    /// The file, or the PostgreSQL store's URL (without its password).
    public let path: String
    /// What the store needs beyond its path: for PostgreSQL, the key and the password.
    public let storeEnvironment: [String: String]
    public let sqlpipe: SQLPipe

    /// bcrypt at cost 4: the production cost of 12 would make every user test take seconds.
    public init(kind: Kind = TestStore.kind, environment: [String: String] = [:]) throws {
        directory = try TemporaryDirectory.make()
        (path, storeEnvironment) = try Self.fresh(in: directory, kind: kind)
        sqlpipe = try SQLPipe(
            storePath: path, environment: environment.merging(storeEnvironment) { $1 },
            hasher: PasswordHasher(cost: 4), passwordVariable: Self.passwordVariable(for: path))
    }

    public func reopen(environment: [String: String] = [:]) throws -> SQLPipe {
        try SQLPipe(
            storePath: path, environment: environment.merging(storeEnvironment) { $1 },
            hasher: PasswordHasher(cost: 4), passwordVariable: Self.passwordVariable(for: path))
    }

    /// `open` on the same store, as a new process would.
    public func open(environment: [String: String] = [:]) async throws -> SQLPipe {
        try await SQLPipe.open(
            storePath: path, environment: environment.merging(storeEnvironment) { $1 },
            hasher: PasswordHasher(cost: 4), passwordVariable: Self.passwordVariable(for: path))
    }

    static func passwordVariable(for path: String) -> String? {
        PostgresStoreAddress.isURL(path) ? passwordVariable : nil
    }

    /// A new store's path and the environment it needs: a file in `directory`'s own `store` folder (SQLite
    /// connections may not point into it), or a new schema on the test server.
    public static func fresh(in directory: URL, kind: Kind = TestStore.kind) throws
        -> (path: String, environment: [String: String])
    {
        switch kind {
        case .sqlite:
            let storeFolder = directory.appendingPathComponent("store")
            try FileManager.default.createDirectory(at: storeFolder, withIntermediateDirectories: true)
            return (storeFolder.appendingPathComponent("store.db").path, [:])
        case .postgresql:
            let server = try TestDatabases.postgres()
            let schema = "sqlpipe_test_" + UUID().uuidString.prefix(8).lowercased()
            let url =
                "postgresql://\(server.username ?? "")@\(server.hostname ?? "")"
                + "\(server.port.map { ":\($0)" } ?? "")/\(server.dbName ?? "")?schema=\(schema)"
            return (url, try environment(forStore: url))
        }
    }

    /// What a process needs to open the store at `path`: for a PostgreSQL test store, its key and its
    /// password (in a variable that `SQLPIPE_STORE_PASSWORD_ENV` names).
    public static func environment(forStore path: String) throws -> [String: String] {
        guard PostgresStoreAddress.isURL(path) else { return [:] }
        return [
            SecretBox.environmentVariable: postgresKey, passwordVariable: try TestDatabases.postgres().password ?? "",
            "SQLPIPE_STORE_PASSWORD_ENV": passwordVariable,
        ]
    }

    /// Every byte of the store, its WAL and its shared memory file (a SQLite store).
    public func allBytes() -> Data {
        ["", "-wal", "-shm"].compactMap { FileManager.default.contents(atPath: path + $0) }.reduce(Data(), +)
    }

    /// What the store holds, whichever it is: the SQLite file's bytes, or every row of a PostgreSQL
    /// store's tables as text.
    public func storedBytes() async throws -> Data {
        guard Self.kind == .postgresql else { return allBytes() }
        return try await sqlpipe.store.read { tx in
            var text = ""
            for table in ["users", "connections", "transfers", "queries", "replications", "replication_runs"] {
                for row in try tx.rows("SELECT CAST(t AS text) AS r FROM \(table) t", []) {
                    text += (row["r"] as String?) ?? ""
                }
            }
            return Data(text.utf8)
        }
    }

    /// Runs one statement on the store at `path` as a test needs it (what no operation would write).
    public static func execute(_ sql: String, onStore path: String) async throws {
        let sqlpipe = try SQLPipe(
            storePath: path, environment: try environment(forStore: path), hasher: PasswordHasher(cost: 4),
            passwordVariable: passwordVariable(for: path))
        try await sqlpipe.store.write { tx in try tx.execute(sql, []) }
    }
}

public enum TemporaryDirectory {
    public static func make() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sqlpipe-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

extension Data {
    public func contains(_ text: String) -> Bool {
        range(of: Data(text.utf8)) != nil
    }
}

extension Caller {
    /// A caller with every right, as the CLI is, under another name.
    public static func adminNamed(_ username: String) -> Caller { Caller(username: username, admin: true) }
}
