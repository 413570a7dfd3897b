import Encoding
import Foundation
import OTP
import QRImage
import App
import Logging
import SharedCounters
import Web

// Micro-benchmarks of totpgate's hot paths, printed as `name ns_per_op` lines
// for bench/run to put side by side with the Python reference.

/// The `BENCH_…` environment variable `name` as a number, or `fallback`.
func setting(_ name: String, _ fallback: Int) -> Int {
    Int(ProcessInfo.processInfo.environment[name] ?? "") ?? fallback
}

/// Median nanoseconds per call of `body` over `rounds` rounds of `iterations` calls.
func measure(rounds: Int = 7, iterations: Int, _ body: () throws -> Void) rethrows -> Double {
    var samples: [Double] = []
    for _ in 0..<rounds {
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<iterations { try body() }
        samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / Double(iterations))
    }
    return samples.sorted()[rounds / 2]
}

let secret = try Base32.decode("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
let totp = try TOTP(secret: secret)
let time: Int64 = 1_700_000_000
let code = try totp.code(at: time)
var matched = 0

let verify = try measure(iterations: setting("BENCH_ITERATIONS", 200_000)) {
    if try totp.verify(code, at: time, window: 1) != nil { matched += 1 }
}
precondition(matched > 0, "the benchmark code must verify")
print("totp_verify_ns \(String(format: "%.0f", verify))")

// The provisioning image of a 160-bit secret, at the default scale; the same URI as reference_micro.py.
let uri = "otpauth://totp/totpgate:demo?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=totpgate"
var png: [UInt8] = []
let render = try measure(iterations: setting("BENCH_QR_ITERATIONS", 2_000)) {
    png = try QRCode(encoding: uri).pngData()
}
print("qr_png_ns \(String(format: "%.0f", render))")
print("qr_png_bytes \(png.count)")

// What counting costs /auth (issue 15): the worker's two clock reads around
// the request, its route's histogram bucket and sum, and the decision's
// counter, all in shared memory; beside a whole anonymous /auth answered in
// process (router, middleware, headers; no FastCGI, no nginx).
let names = Application.sharedMetrics
let metrics = Metrics(names: names, counters: try SharedCounters(layout: names.layout))
let counting = measure(iterations: setting("BENCH_ITERATIONS", 200_000)) {
    let start = ContinuousClock.now
    metrics.count(.anonymous)
    metrics.observe("/auth", took: start.duration(to: .now))
}
print("auth_counting_ns \(String(format: "%.0f", counting))")

let dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("totpgate-microbench-\(getpid())").path
defer { try? FileManager.default.removeItem(atPath: dataDirectory) }
var settings = Settings()
settings.dataDirectory = dataDirectory
let worker = try Application(settings: settings, logger: Logger(label: "microbench")).makeWorker()
let authRequest = Request(path: "/auth", originalURI: "/app/")
var unauthorized = 0
let auth = measure(iterations: setting("BENCH_ITERATIONS", 200_000) / 10) {
    if worker.respond(to: authRequest).status == .unauthorized { unauthorized += 1 }
}
precondition(unauthorized > 0, "an anonymous /auth must be refused")
print("auth_in_process_ns \(String(format: "%.0f", auth))")
