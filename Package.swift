// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "totpgate",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "totpgate", targets: ["totpgate"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
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
        .target(name: "Accounts", dependencies: ["Crypto", "OTP", "CSQLite"]),

        .executableTarget(
            name: "totpgate",
            dependencies: [
                "Accounts",
                "OTP",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // Micro-benchmarks run by `make bench`; not part of the product.
        .executableTarget(name: "Microbench", dependencies: ["OTP"], path: "bench/Microbench"),

        .testTarget(name: "CryptoTests", dependencies: ["Crypto"]),
        .testTarget(name: "OTPTests", dependencies: ["OTP"]),
        .testTarget(name: "AccountsTests", dependencies: ["Accounts", "Crypto", "OTP"]),
        .testTarget(name: "totpgateTests", dependencies: ["totpgate", "Accounts", "OTP"]),
    ],
    swiftLanguageModes: [.v6]
)
