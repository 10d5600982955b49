import Foundation
import SQLPipeTestSupport
import Testing

@testable import SQLPipeEngine

/// The drivers against the real servers: sessions open, run in UTC, and fail in the server's own words.
@Suite struct DriverTests {
    static func session(_ system: DataSystem) throws -> any DatabaseSession {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("driver-\(UUID().uuidString).db").path
        let config = TestDatabases.config(try TestDatabases.input(for: system, sqlitePath: path))
        return try Drivers.driver(for: system).open(config, timeoutSeconds: 5)
    }

    @Test func postgresSessionsRunInUTC() throws {
        let session = try Self.session(.postgresql)
        defer { session.close() }
        #expect(try session.scalar("SHOW TimeZone") == "UTC")
        #expect(try session.scalar("SELECT '2024-03-31 01:30:00+00'::timestamptz::text") == "2024-03-31 01:30:00+00")
        #expect(try session.serverVersion().hasPrefix("PostgreSQL 15"))
    }

    @Test func mariadbSessionsRunInUTCWithLocalInfile() throws {
        let session = try Self.session(.mariadb)
        defer { session.close() }
        #expect(try session.scalar("SELECT @@session.time_zone") == "+00:00")
        #expect(try session.scalar("SELECT @@character_set_client") == "utf8mb4")
        #expect(try session.scalar("SELECT @@local_infile") == "1")
        #expect(try session.serverVersion().contains("MariaDB"))
    }

    @Test func sqliteSessionsOpenFiles() throws {
        let session = try Self.session(.sqlite)
        defer { session.close() }
        #expect(try session.scalar("SELECT 40 + 2") == "42")
        #expect(try session.serverVersion().hasPrefix("SQLite 3"))
    }

    @Test func serverErrorsKeepTheirCodes() throws {
        let postgres = try Self.session(.postgresql)
        defer { postgres.close() }
        let pgError = #expect(throws: DriverError.self) { try postgres.scalar("SELECT * FROM no_such_table") }
        #expect(pgError?.code == "42P01")
        #expect(pgError?.message.contains("no_such_table") == true)

        let mariadb = try Self.session(.mariadb)
        defer { mariadb.close() }
        let myError = #expect(throws: DriverError.self) { try mariadb.scalar("SELECT * FROM no_such_table") }
        #expect(myError?.code == "1146")
    }

    @Test func aPasswordEchoedInAMessageIsMasked() {
        let error = DriverError(clientMessage: "user x with password hunter22 failed\n", hiding: ["hunter22", ""])
        #expect(error.message == "user x with password ******** failed")
    }

    @Test func postgresOptionsComeFromLibpq() {
        let params = PostgresDriver().supportedParams
        #expect(params["sslmode"] != nil)
        #expect(params["application_name"] != nil)
        #expect(params["password"] == nil)
        #expect(params["host"] == nil)
    }
}
