import Testing

@testable import SQLPipeCore

@Suite struct ConnectionURLTests {
    @Test func postgresURLWithOptions() throws {
        let input = try ConnectionURL.parse(
            "postgres://etl@db.internal:6432/warehouse?sslmode=require&application_name=nightly")
        #expect(
            input
                == ConnectionInput(
                    dsType: "postgresql", hostname: "db.internal", port: 6432, dbName: "warehouse", username: "etl",
                    params: ["sslmode": "require", "application_name": "nightly"]))
    }

    @Test func defaultPortsAndEncodedParts() throws {
        let mysql = try ConnectionURL.parse("mysql://app%40corp:p%40ss%3Aword@127.0.0.1/shop%20db")
        #expect(mysql.port == 3306)
        #expect(mysql.username == "app@corp")
        #expect(mysql.password == "p@ss:word")
        #expect(mysql.dbName == "shop db")
        #expect(try ConnectionURL.parse("postgresql://u@h/d").port == 5432)
        #expect(try ConnectionURL.parse("mariadb://u@h:3307/d").dsType == "mariadb")
    }

    @Test func sqlitePaths() throws {
        #expect(try ConnectionURL.parse("sqlite:///var/data/app.db").dbName == "/var/data/app.db")
        #expect(try ConnectionURL.parse("sqlite://relative/app.db").dbName == "relative/app.db")
        #expect(
            try ConnectionURL.parse("sqlite:///tmp/a%20b.db?mode=ro")
                == ConnectionInput(
                    dsType: "sqlite", dbName: "/tmp/a b.db", params: ["mode": "ro"]))
    }

    @Test(arguments: ["oracle://u@h/d", "no scheme at all", "postgres://u@h", "postgres:///d", "sqlite://"])
    func malformedURLsAreBadInput(url: String) {
        #expect(throws: SQLPipeError.self) { try ConnectionURL.parse(url) }
    }

    @Test func redactionHidesThePassword() {
        #expect(ConnectionURL.redacted("postgres://u:secret@h/d") == "postgres://u:********@h/d")
        #expect(ConnectionURL.hasPassword("postgres://u:secret@h/d"))
        #expect(!ConnectionURL.hasPassword("postgres://u@h/d"))
    }
}
