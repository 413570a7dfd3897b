// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "totpgate",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "totpgate", targets: ["totpgate"]),
        // The decoders of untrusted input, for the libFuzzer targets in fuzz/Package.swift.
        .library(name: "Encoding", targets: ["Encoding"]),
        .library(name: "Web", targets: ["Web"]),
        .library(name: "Crypto", targets: ["Crypto"]),
        .library(name: "OTP", targets: ["OTP"]),
        .library(name: "FastCGI", targets: ["FastCGI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    ],
    targets: [
        // C libraries: a module map and a shim header each, no logic.
        .systemLibrary(name: "CFastCGI", pkgConfig: "fcgi", providers: [.apt(["libfcgi-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CQREncode", pkgConfig: "libqrencode", providers: [.apt(["libqrencode-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CPostgreSQL", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        // Linux system calls Swift's Glibc module leaves out (epoll, eventfd, signalfd, prctl, memfd).
        .systemLibrary(name: "CLinux"),

        // Base32, base64url and percent-encoding: pure functions over bytes, shared by OTP and Web.
        .target(name: "Encoding"),
        // System calls through one errno funnel (IOError), the read/write-all loops, and the clock.
        .target(name: "SystemIO"),
        .target(name: "Crypto", dependencies: ["COpenSSL"]),
        .target(name: "OTP", dependencies: ["Crypto", "Encoding"]),
        .target(name: "QRImage", dependencies: ["CQREncode", "CPNG", "SystemIO"]),
        .target(name: "Accounts", dependencies: ["Crypto", "Encoding", "OTP", "SystemIO"]),
        // One target per store behind Accounts' UserStore, and the factory that turns a store URL into one.
        // What the SQL stores share: parameter values, rows, and the records they make.
        .target(name: "SQLRecords", dependencies: ["Accounts"]),
        .target(name: "SQLiteStore", dependencies: ["Accounts", "SQLRecords", "CSQLite"]),
        .target(name: "PostgreSQLStore", dependencies: ["Accounts", "SQLRecords", "Encoding", "CPostgreSQL"]),
        .target(name: "Stores", dependencies: ["Accounts", "SQLiteStore", "PostgreSQLStore"]),
        .target(
            name: "Web",
            dependencies: ["Crypto", "Encoding", .product(name: "Mustache", package: "swift-mustache")]
        ),
        .target(
            name: "FastCGI",
            dependencies: ["CFastCGI", "CLinux", "SystemIO", "Web", .product(name: "Logging", package: "swift-log")]
        ),
        // Counters in memory shared by the master and its worker processes.
        .target(name: "SharedCounters", dependencies: ["CLinux", "SystemIO"]),
        // The master process: starts, supervises, reloads and stops the workers.
        .target(
            name: "Supervisor",
            dependencies: ["CLinux", "SystemIO", "SharedCounters", .product(name: "Logging", package: "swift-log")]
        ),
        .target(
            name: "App",
            dependencies: [
                "Web", "Accounts", "Stores", "QRImage", "Crypto", "Encoding", "OTP", "SystemIO", "SharedCounters",
                .product(name: "Logging", package: "swift-log"),
            ],
            plugins: ["EmbedTemplates"]
        ),

        // Compiles www/templates into the App target.
        .executableTarget(name: "TemplateEmbedder"),
        .plugin(name: "EmbedTemplates", capability: .buildTool(), dependencies: ["TemplateEmbedder"]),

        .executableTarget(
            name: "totpgate",
            dependencies: [
                "Accounts", "Stores", "Encoding", "OTP", "QRImage", "App", "FastCGI", "SharedCounters", "Supervisor", "SystemIO",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // Micro-benchmarks run by `make bench`; not part of the product.
        .executableTarget(
            name: "Microbench", dependencies: ["Encoding", "OTP", "QRImage", "App", "SharedCounters", "Web",
                                             .product(name: "Logging", package: "swift-log")],
            path: "bench/Microbench"
        ),
        // Renders under valgrind for bench/leak-check-qr; not part of the product.
        .executableTarget(name: "QRLeakCheck", dependencies: ["QRImage"], path: "bench/QRLeakCheck"),

        // What the test targets share: running programs (totpgate, oathtool, zbarimg), a clock moved by hand, temporary directories.
        .target(name: "TestSupport", dependencies: ["SystemIO"], path: "Tests/TestSupport"),
        // The store contract: one suite every UserStore passes unchanged (SQLiteStoreTests, PostgreSQLStoreTests).
        .target(name: "StoreContract", dependencies: ["Accounts", "Crypto", "OTP"], path: "Tests/StoreContract"),

        .testTarget(name: "EncodingTests", dependencies: ["Encoding"]),
        .testTarget(name: "SystemIOTests", dependencies: ["SystemIO"]),
        .testTarget(name: "TestSupportTests", dependencies: ["TestSupport"]),
        .testTarget(name: "CryptoTests", dependencies: ["Crypto"]),
        .testTarget(name: "OTPTests", dependencies: ["OTP", "Encoding"]),
        .testTarget(name: "QRImageTests", dependencies: ["QRImage", "CPNG", "TestSupport"]),
        .testTarget(name: "WebTests", dependencies: ["Web", "Encoding", "Crypto"]),
        .testTarget(name: "FastCGITests", dependencies: ["FastCGI", "SystemIO", "TestSupport"]),
        .testTarget(name: "SharedCountersTests", dependencies: ["SharedCounters", "SystemIO"]),
        .testTarget(name: "SupervisorTests", dependencies: ["Supervisor", "SystemIO"]),
        .testTarget(
            name: "AppTests",
            dependencies: ["App", "Accounts", "Stores", "Web", "Encoding", "OTP", "Crypto", "SharedCounters", "TestSupport"]
        ),
        .testTarget(
            name: "AccountsTests",
            dependencies: ["Accounts", "SQLiteStore", "StoreContract", "Crypto", "Encoding", "OTP", "SystemIO", "TestSupport"]
        ),
        .testTarget(name: "SQLRecordsTests", dependencies: ["SQLRecords", "Accounts"]),
        .testTarget(name: "SQLiteStoreTests", dependencies: ["SQLiteStore", "Accounts", "StoreContract", "TestSupport"]),
        .testTarget(
            name: "PostgreSQLStoreTests",
            dependencies: ["PostgreSQLStore", "Stores", "Accounts", "StoreContract", "TestSupport", "Crypto", "OTP", "totpgate"]
        ),
        .testTarget(name: "StoresTests", dependencies: ["Stores", "Accounts", "SQLiteStore", "TestSupport"]),
        .testTarget(
            name: "totpgateTests",
            dependencies: ["totpgate", "Accounts", "Stores", "Crypto", "Encoding", "OTP", "QRImage", "TestSupport"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
