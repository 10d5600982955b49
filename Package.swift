// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "sqlpipe",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "sqlpipe", targets: ["sqlpipe"]),
        .library(name: "SQLPipeCore", targets: ["SQLPipeCore"]),
        .library(name: "SQLPipeEngine", targets: ["SQLPipeEngine"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        // The command-line face: argument parsing and printing only.
        .executableTarget(
            name: "sqlpipe",
            dependencies: [
                "SQLPipeCore",
                "SQLPipeServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The REST API (`sqlpipe serve`): the Hummingbird application, its controllers and the worker pool.
        .target(
            name: "SQLPipeServer",
            dependencies: [
                "SQLPipeCore",
                "SQLPipeEngine",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        // Models, the metadata store and the services shared by the CLI and the server.
        .target(
            name: "SQLPipeCore",
            dependencies: [
                "SQLPipeEngine",
                "CLibPQ",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // The drivers, one folder per database, behind a small protocol.
        .target(
            name: "SQLPipeEngine",
            dependencies: [
                "CLibPQ",
                "CMariaDB",
                "CSQLiteGuard",
                "CZlib",
                "CZstd",
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ]
        ),
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        .systemLibrary(
            name: "CSQLiteGuard",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        .systemLibrary(
            name: "CMariaDB",
            pkgConfig: "libmariadb",
            providers: [.apt(["libmariadb-dev"])]
        ),
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        .systemLibrary(
            name: "CZstd",
            pkgConfig: "libzstd",
            providers: [.apt(["libzstd-dev"])]
        ),
        .target(
            name: "SQLPipeTestSupport",
            dependencies: ["SQLPipeCore", "SQLPipeEngine", .product(name: "GRDB", package: "GRDB.swift")],
            path: "Tests/SQLPipeTestSupport"
        ),
        .testTarget(
            name: "SQLPipeEngineTests",
            dependencies: ["SQLPipeEngine", "SQLPipeTestSupport"]
        ),
        .testTarget(
            name: "SQLPipeCoreTests",
            dependencies: ["SQLPipeCore", "SQLPipeTestSupport"]
        ),
        .testTarget(
            name: "SQLPipeCLITests",
            dependencies: ["sqlpipe", "SQLPipeTestSupport"]
        ),
        .testTarget(
            name: "SQLPipeServerTests",
            dependencies: [
                "sqlpipe",
                "SQLPipeServer",
                "SQLPipeTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
            ]
        ),
    ]
)
