import Foundation
import GRDB

/// The embedded SQLite store of connections, users, transfers and queries. It is the only owner of the
/// database file; the services are the only way to it.
public final class MetadataStore: Sendable {
    public let path: String
    /// Used by the store's own files only (and by tests that stage what no operation would make).
    let database: DatabasePool
    /// A connection that only asks `PRAGMA data_version`, which changes for a connection whenever another
    /// one commits: this one never writes, so every commit, of this process or another, changes it.
    private let watcher: DatabaseQueue

    /// Opens (creating when missing) the store at `path`, and brings its schema up to date.
    public init(path: String) throws {
        self.path = path
        let url = URL(fileURLWithPath: path)
        do {
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700])
        } catch {
            throw SQLPipeError.store("cannot create the folder of the store \(path): \(error.localizedDescription)")
        }
        try Self.createPrivateFile(at: path)

        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        // The CLI and a running server share the file: a writer waits for the other instead of failing.
        configuration.busyMode = .timeout(15)
        configuration.label = "sqlpipe-store"
        do {
            database = try DatabasePool(path: path, configuration: configuration)
            try Self.migrator.migrate(database)
            var watching = Configuration()
            watching.readonly = true
            watching.label = "sqlpipe-store-watcher"
            watcher = try DatabaseQueue(path: path, configuration: watching)
        } catch let error as DatabaseError {
            throw SQLPipeError.store("cannot open the store \(path): \(error.message ?? error.description)")
        }
    }

    /// The store file holds encrypted secrets and password hashes: only its owner may read it. SQLite
    /// gives its -wal and -shm files the same mode.
    private static func createPrivateFile(at path: String) throws {
        let descriptor = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw SQLPipeError.store("cannot open the store \(path): \(String(cString: strerror(errno)))")
        }
        // A store made by something else with a looser mode is tightened: it holds secrets.
        var status = stat()
        if fstat(descriptor, &status) == 0, status.st_mode & 0o077 != 0, status.st_uid == geteuid() {
            fchmod(descriptor, 0o600)
        }
        close(descriptor)
    }

    /// The default place of the store: `$XDG_DATA_HOME/sqlpipe/sqlpipe.db`.
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let dataHome: String
        if let xdg = environment["XDG_DATA_HOME"], !xdg.isEmpty {
            dataHome = xdg
        } else {
            let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
            dataHome = home + "/.local/share"
        }
        return dataHome + "/sqlpipe/sqlpipe.db"
    }

    func changeMark() throws -> Int64? {
        do {
            return try watcher.inDatabase { db in try Int64.fetchOne(db.cachedStatement(sql: "PRAGMA data_version")) }
        } catch let error as DatabaseError {
            throw SQLPipeError.store("the store failed: \(error.message ?? error.description)")
        }
    }

    /// Runs on the calling thread. A read of the local file in WAL mode waits for no writer and takes
    /// microseconds, while handing it to a reader's queue and back cost two thread switches, which were
    /// most of an API request's time.
    func read<T: Sendable>(_ body: @escaping @Sendable (any StoreTransaction) throws -> T) async throws -> T {
        try readHere(body)
    }

    private func readHere<T>(_ body: (any StoreTransaction) throws -> T) throws -> T {
        do {
            return try database.read { db in try body(SQLiteTransaction(db: db)) }
        } catch let error as DatabaseError {
            throw SQLPipeError.store("the store failed: \(error.message ?? error.description)")
        }
    }

    func write<T: Sendable>(_ body: @escaping @Sendable (any StoreTransaction) throws -> T) async throws -> T {
        do {
            return try await database.write { db in try body(SQLiteTransaction(db: db)) }
        } catch let error as DatabaseError {
            throw Self.translate(error)
        }
    }

    func writeBlocking<T>(_ body: (any StoreTransaction) throws -> T) throws -> T {
        do {
            return try database.write { db in try body(SQLiteTransaction(db: db)) }
        } catch let error as DatabaseError {
            throw Self.translate(error)
        }
    }

    private static func translate(_ error: DatabaseError) -> SQLPipeError {
        if error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            return .conflict("a record with that name already exists")
        }
        return .store("the store failed: \(error.message ?? error.description)")
    }
}

/// A transaction of the SQLite store: GRDB's, with each statement prepared once per connection.
struct SQLiteTransaction: StoreTransaction {
    let db: Database

    var claimLock: String { "" }

    func rows(_ sql: String, _ arguments: [DatabaseValue]) throws -> [Row] {
        try Row.fetchAll(db.cachedStatement(sql: sql), arguments: StatementArguments(arguments))
    }

    /// The columns of the last statement read into positional records: mostly the same ones again.
    private static let lastColumns = Mutex<ColumnPositions?>(nil)

    /// Records read straight from the statement's rows, which GRDB does not copy in a cursor; a
    /// positional record finds its columns once for all of them.
    func records<Record: StoreRecord>(_ type: Record.Type, _ sql: String, _ arguments: [DatabaseValue]) throws
        -> [Record]
    {
        let statement = try db.cachedStatement(sql: sql)
        let cursor = try Row.fetchCursor(statement, arguments: StatementArguments(arguments))
        var records: [Record] = []
        guard let positional = Record.self as? any PositionalRecord.Type else {
            while let row = try cursor.next() { records.append(try Record(row: row)) }
            return records
        }
        let columns = ColumnPositions.of(statement.columnNames, reusing: Self.lastColumns)
        while let row = try cursor.next() {
            var cells = StoredCells(
                row, columns, statement: statement.sqliteStatement, of: Record.databaseTableName)
            guard let record = try positional.init(cells: &cells) as? Record else {
                throw SQLPipeError.store("the store's \(Record.databaseTableName) rows read as another record")
            }
            records.append(record)
        }
        return records
    }

    func execute(_ sql: String, _ arguments: [DatabaseValue]) throws -> Int {
        try db.cachedStatement(sql: sql).execute(arguments: StatementArguments(arguments))
        return db.changesCount
    }
}
