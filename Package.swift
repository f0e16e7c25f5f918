// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "folio",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "folio", targets: ["folio"]),
        .library(name: "FolioKit", targets: ["FolioKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk", from: "0.12.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: [
        // C libraries, linked from the system (Debian: libgit2-dev, libyaml-dev).
        .systemLibrary(name: "CGit2", pkgConfig: "libgit2", providers: [.apt(["libgit2-dev"]), .brew(["libgit2"])]),
        .systemLibrary(name: "CYAML", pkgConfig: "yaml-0.1", providers: [.apt(["libyaml-dev"]), .brew(["libyaml"])]),

        // Swift over the C libraries.
        .target(name: "Git", dependencies: ["CGit2"]),
        .target(name: "YAML", dependencies: ["CYAML"]),

        // The domain: no printing, no exit codes, no C types in its public API.
        .target(
            name: "FolioKit",
            dependencies: [
                "Git", "YAML",
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "GRDB", package: "GRDB.swift"),
                // SQLite's C API, for binding values directly on the index's hottest inserts.
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ]
        ),

        // Adapters over FolioKit.
        .target(name: "FolioMCP", dependencies: ["FolioKit", .product(name: "MCP", package: "swift-sdk"),
                                                 .product(name: "Logging", package: "swift-log")]),
        // The HTTP server (`folio serve`): security, routes under /api/v1, metrics.
        .target(name: "FolioWeb", dependencies: [
            "FolioKit",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdCore", package: "hummingbird"),
            .product(name: "HummingbirdTLS", package: "hummingbird"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            // Graceful shutdown ends the event streams, which would otherwise hold it up.
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        .target(
            name: "FolioCLI",
            dependencies: ["FolioKit", "FolioMCP", "FolioWeb", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .executableTarget(name: "folio", dependencies: ["FolioCLI"]),

        // Helpers shared by the test targets: temporary folders, the `git` command, the corpus, other tools' SQLite files.
        .target(name: "TestSupport", dependencies: [.product(name: "GRDBSQLite", package: "GRDB.swift")], path: "Tests/TestSupport"),
        .testTarget(name: "GitTests", dependencies: ["Git", "TestSupport"]),
        .testTarget(name: "YAMLTests", dependencies: ["YAML", "TestSupport"]),
        .testTarget(name: "FolioKitTests", dependencies: ["FolioKit", "TestSupport"]),
        .testTarget(name: "FolioCLITests", dependencies: ["FolioCLI", "FolioKit", "TestSupport"]),
        .testTarget(name: "FolioMCPTests", dependencies: ["FolioMCP", "FolioKit", "TestSupport", .product(name: "MCP", package: "swift-sdk")]),
        // Its own target: HummingbirdTesting pulls AsyncHTTPClient and NIOSSL.
        .testTarget(name: "FolioWebTests", dependencies: ["FolioWeb", "FolioKit", "TestSupport",
                                                         .product(name: "HummingbirdTesting", package: "hummingbird"),
                                                         .product(name: "HTTPTypes", package: "swift-http-types")]),
        .testTarget(name: "EndToEndTests", dependencies: ["folio", "TestSupport"], exclude: ["Scripts"]),
    ]
)
