import ArgumentParser
import SQLPipeCore

extension ConnectionCommand {
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a connection; it must connect first unless --skip-test is given.",
            discussion: """
                Examples:
                  sqlpipe connection create --name warehouse --url postgres://etl@db.internal:5432/dw --password-env DW_PASSWORD
                  sqlpipe connection create --name shop --ds-type mariadb --host 127.0.0.1 --db-name shop --username app --password-stdin
                  sqlpipe connection create --name local --url sqlite:///var/data/local.db
                """)

        @OptionGroup var fields: ConnectionFields
        @OptionGroup var password: PasswordOptions
        @Flag(help: "Store it without connecting first.")
        var skipTest = false
        @Flag(help: "Only admins may name it in transfers and queries through the API (the CLI may always).")
        var restricted = false
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            var input = try fields.input(fillDefaults: true)
            input.restricted = restricted
            if let given = try password.read(prompt: "Password for \(input.username ?? "")@\(input.hostname ?? ""): ") {
                input.password = given
            } else if input.password == nil, input.dsType != "sqlite", Terminal.inputIsTerminal, !global.json {
                input.password = try Terminal.askPassword(
                    "Password for \(input.username ?? "")@\(input.hostname ?? "") (empty for none): ")
            }
            let sqlpipe = try await global.open()
            let connection = try await sqlpipe.connections.create(input, checkConnectivity: !skipTest)
            if global.json {
                try Output(json: true).one("connection", connection, fields: [])
            } else {
                global.output.confirmation(
                    "created connection \(connection.name) (id \(connection.id)): \(connection.summary)")
            }
        }
    }
}
