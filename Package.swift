// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "totpgate",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "totpgate", targets: ["totpgate"]),
        // The decoders of untrusted input, for the libFuzzer targets in fuzz/Package.swift.
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

        .target(name: "Crypto", dependencies: ["COpenSSL"]),
        .target(name: "OTP", dependencies: ["Crypto"]),
        .target(name: "QRImage", dependencies: ["CQREncode", "CPNG"]),
        .target(name: "Accounts", dependencies: ["Crypto", "OTP", "CSQLite"]),
        .target(
            name: "Web",
            dependencies: ["Crypto", "OTP", .product(name: "Mustache", package: "swift-mustache")]
        ),
        .target(
            name: "FastCGI",
            dependencies: ["CFastCGI", "Web", .product(name: "Logging", package: "swift-log")]
        ),
        .target(
            name: "App",
            dependencies: ["Web", "Accounts", "QRImage", "Crypto", "OTP", .product(name: "Logging", package: "swift-log")],
            plugins: ["EmbedTemplates"]
        ),

        // Compiles www/templates into the App target.
        .executableTarget(name: "TemplateEmbedder"),
        .plugin(name: "EmbedTemplates", capability: .buildTool(), dependencies: ["TemplateEmbedder"]),

        .executableTarget(
            name: "totpgate",
            dependencies: [
                "Accounts", "OTP", "QRImage", "App", "FastCGI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // Micro-benchmarks run by `make bench`; not part of the product.
        .executableTarget(name: "Microbench", dependencies: ["OTP", "QRImage"], path: "bench/Microbench"),
        // Renders under valgrind for bench/leak-check-qr; not part of the product.
        .executableTarget(name: "QRLeakCheck", dependencies: ["QRImage"], path: "bench/QRLeakCheck"),

        // Running programs (totpgate, oathtool, zbarimg) from tests; shared by the test targets.
        .target(name: "TestSupport", path: "Tests/TestSupport"),

        .testTarget(name: "CryptoTests", dependencies: ["Crypto"]),
        .testTarget(name: "OTPTests", dependencies: ["OTP"]),
        .testTarget(name: "QRImageTests", dependencies: ["QRImage", "CPNG", "TestSupport"]),
        .testTarget(name: "WebTests", dependencies: ["Web"]),
        .testTarget(name: "FastCGITests", dependencies: ["FastCGI"]),
        .testTarget(name: "AppTests", dependencies: ["App", "Accounts", "Web", "OTP", "Crypto"]),
        .testTarget(name: "AccountsTests", dependencies: ["Accounts", "Crypto", "OTP"]),
        .testTarget(name: "totpgateTests", dependencies: ["totpgate", "Accounts", "OTP", "QRImage", "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
