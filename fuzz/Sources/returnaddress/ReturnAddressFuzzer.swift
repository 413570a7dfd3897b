import Foundation
import FuzzSupport
import Web

/// `ReturnAddress.validated`, which decides where `rd` (a form field or query
/// parameter anyone can set) sends the browser after login: an open redirect
/// if it lets the wrong address through.
///
/// - it gives the candidate back unchanged, or nothing;
/// - what it gives holds no character a browser's URL parser drops or reads
///   differently (controls, spaces, backslashes, non-ASCII), and at most 2,000
///   bytes;
/// - a local address (`/…`, never `//…`) resolved against the gate's URL by
///   Foundation's URL parser stays on the gate's host;
/// - any other is an `http(s)` URL whose host and port, as Foundation's URL
///   parser reads them, are allowed; with no allowed host, none is given.
@main
enum ReturnAddressFuzzer: FuzzTarget {
    static func check(_ bytes: [UInt8]) {
        let candidate = String(decoding: bytes, as: UTF8.self)
        require(ReturnAddress.validated(candidate).map(isLocal) ?? true, "\(candidate.debugDescription) accepted with no allowed host")
        guard let address = ReturnAddress.validated(candidate, allowedHosts: allowed) else { return }
        require(address == candidate, "\(candidate.debugDescription) came back as \(address.debugDescription)")
        require(address.utf8.count <= 2000 && address.utf8.allSatisfy { (0x21...0x7E).contains($0) && $0 != UInt8(ascii: "\\") },
                "\(address.debugDescription) holds what browsers read differently")
        if isLocal(address) {
            let resolved = URL(string: address, relativeTo: gate)?.absoluteURL
            require(resolved?.host == gate.host, "\(address.debugDescription) leads to \(resolved?.absoluteString ?? "nothing")")
        } else {
            let url = URL(string: address)
            let host = url.flatMap { url in url.host.map { $0 + (url.port.map { ":\($0)" } ?? "") } }?.lowercased()
            require(["http", "https"].contains(url?.scheme?.lowercased()) && allowed.contains(host ?? ""),
                    "\(address.debugDescription) leads to \(host.debugDescription), which is not allowed")
        }
    }
}

/// Where the gate's login page is.
private let gate = URL(string: "https://gate.example.com/2fa/")!
private let allowed: Set<String> = ["app.example.com", "wiki.example.com:8443"]

/// `/…` but not `//…`: a path on the gate's own host.
private func isLocal(_ address: String) -> Bool {
    address.hasPrefix("/") && !address.hasPrefix("//")
}
