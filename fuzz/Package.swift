// swift-tools-version:6.0
// libFuzzer targets for the decoders of untrusted input. A package of its own,
// so that the main package's `swift build` and `swift test` neither build nor
// need libFuzzer. Build and run them with scripts/fuzz (`make fuzz`), which
// passes `-Xswiftc -sanitize=fuzzer,address`; fuzz/README.md says what each
// target checks.
import PackageDescription

/// `fuzz-NAME` from `Sources/NAME`: one file whose `main` hands its checks to libFuzzer.
func fuzzTarget(_ name: String, _ dependencies: [Target.Dependency]) -> Target {
    .executableTarget(
        name: "fuzz-\(name)", dependencies: ["FuzzSupport"] + dependencies, path: "Sources/\(name)",
        linkerSettings: [.unsafeFlags(["-sanitize=fuzzer"])]
    )
}

let package = Package(
    name: "totpgate-fuzz",
    platforms: [.macOS(.v15)],  // Int128, for overflow-free oracles
    dependencies: [.package(name: "totpgate", path: "..")],
    targets: [
        .systemLibrary(name: "CLibFuzzer"),
        .target(name: "FuzzSupport", dependencies: ["CLibFuzzer"]),
        fuzzTarget("form", [.product(name: "Web", package: "totpgate"), .product(name: "Encoding", package: "totpgate")]),
        fuzzTarget("cookie", [.product(name: "Web", package: "totpgate")]),
        fuzzTarget("session", [.product(name: "Web", package: "totpgate"), .product(name: "Crypto", package: "totpgate"), .product(name: "Encoding", package: "totpgate")]),
        fuzzTarget("base64url", [.product(name: "Encoding", package: "totpgate")]),
        fuzzTarget("base32", [.product(name: "Encoding", package: "totpgate")]),
        fuzzTarget("percent", [.product(name: "Encoding", package: "totpgate")]),
        fuzzTarget("keyuri", [.product(name: "OTP", package: "totpgate"), .product(name: "Crypto", package: "totpgate")]),
        fuzzTarget("returnaddress", [.product(name: "Web", package: "totpgate")]),
        fuzzTarget("fastcgi", [.product(name: "FastCGI", package: "totpgate"), .product(name: "Web", package: "totpgate")]),
    ],
    swiftLanguageModes: [.v6]
)
