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
    ],
    targets: [
        // The command-line face: argument parsing and printing only.
        .executableTarget(
            name: "sqlpipe",
            dependencies: [
                "SQLPipeCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Models, the metadata store and the services shared by the CLI and the server.
        .target(
            name: "SQLPipeCore",
            dependencies: [
                "SQLPipeEngine",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
            ]
        ),
        // The drivers, one folder per database, behind a small protocol.
        .target(
            name: "SQLPipeEngine",
            dependencies: [
                "CLibPQ",
                "CMariaDB",
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ]
        ),
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        .systemLibrary(
            name: "CMariaDB",
            pkgConfig: "libmariadb",
            providers: [.apt(["libmariadb-dev"])]
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
    ]
)
