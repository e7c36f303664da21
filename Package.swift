// swift-tools-version:6.1
import PackageDescription

// The pipeline is visible in the targets: C libraries behind system-library shims (CSystem/),
// a pure core with no I/O (APICensusCore: parsing → model → templating → aggregation → report),
// the I/O layer (APICensusIO: files, gzip, the parallel batch runner) and the CLI.
let package = Package(
    name: "APICensus",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "apicensus", targets: ["apicensus"]),
        .library(name: "APICensusCore", targets: ["APICensusCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        // OpenAPI specs (`--spec`); its external-reference loading is not needed and slows the build.
        .package(url: "https://github.com/mattpolzin/OpenAPIKit.git", from: "6.4.0", traits: []),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swhitty/FlyingFox", from: "0.27.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CZlib",
            path: "Sources/CSystem/CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        .systemLibrary(
            name: "CRdKafka",
            path: "Sources/CSystem/CRdKafka",
            pkgConfig: "rdkafka",
            providers: [.apt(["librdkafka-dev"])]
        ),
        .target(
            name: "APICensusCore",
            path: "Sources/APICensusCore"
        ),
        .target(
            name: "APICensusIO",
            dependencies: [
                "APICensusCore", "CZlib",
                .product(name: "Yams", package: "Yams"),
                .product(name: "OpenAPIKit", package: "OpenAPIKit"),
                .product(name: "OpenAPIKit30", package: "OpenAPIKit"),
                .product(name: "OpenAPIKitCompat", package: "OpenAPIKit"),
            ],
            path: "Sources/APICensusIO"
        ),
        // librdkafka behind a small Swift wrapper: no C pointer leaves this folder.
        .target(
            name: "APICensusKafka",
            dependencies: ["CRdKafka"],
            path: "Sources/APICensusKafka"
        ),
        // The Kafka consumer service: payloads → aggregation per partition → snapshots → commits.
        .target(
            name: "APICensusConsumer",
            dependencies: [
                "APICensusCore",
                "APICensusKafka",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ],
            path: "Sources/APICensusConsumer"
        ),
        .executableTarget(
            name: "apicensus",
            dependencies: [
                "APICensusCore",
                "APICensusIO",
                "APICensusKafka",
                "APICensusConsumer",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "FlyingFox", package: "FlyingFox"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/apicensus"
        ),
        .testTarget(
            name: "APICensusCoreTests",
            dependencies: ["APICensusCore"],
            path: "Tests/APICensusCoreTests",
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "APICensusIOTests",
            dependencies: ["APICensusIO", "APICensusCore"],
            path: "Tests/APICensusIOTests"
        ),
        .testTarget(
            name: "APICensusKafkaTests",
            dependencies: ["APICensusKafka", "APICensusConsumer", "APICensusCore"],
            path: "Tests/APICensusKafkaTests"
        ),
        .testTarget(
            name: "APICensusCLITests",
            dependencies: ["APICensusCore", "apicensus"],
            path: "Tests/APICensusCLITests",
            // Read from the source tree (#filePath) and passed to the real binary as files.
            exclude: ["Fixtures"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
