/// Everything a driver needs to open a session. The password is held only in memory.
public struct ConnectionConfig: Sendable {
    public var system: DataSystem
    public var hostname: String
    public var port: Int
    public var database: String
    public var username: String
    public var password: String
    public var params: [String: String]

    public init(
        system: DataSystem,
        hostname: String = "",
        port: Int = 0,
        database: String,
        username: String = "",
        password: String = "",
        params: [String: String] = [:]
    ) {
        self.system = system
        self.hostname = hostname
        self.port = port
        self.database = database
        self.username = username
        self.password = password
        self.params = params
    }

    /// The values no message may show: the password, and the options its driver counts as secrets.
    public var secrets: [String] {
        [password] + Drivers.driver(for: system).secretParams.compactMap { params[$0] }
    }

    /// Where the connection points, for messages: never includes the password.
    public var location: String {
        system.isServer ? "\(username)@\(hostname):\(port)/\(database)" : database
    }
}
