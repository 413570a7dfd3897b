import Accounts
import Foundation
import Logging
import Web
@testable import App

/// A temporary data directory, removed when the value is released.
final class TemporaryDirectory {
    let path: String

    init() {
        path = NSTemporaryDirectory() + "totpgate-test-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// An application over a fresh data directory with a fixed clock.
struct TestApp {
    static let now: Int64 = 1_800_000_000
    let directory = TemporaryDirectory()
    let application: Application
    let worker: Application.Worker

    init(configure: (inout Settings) -> Void = { _ in }) throws {
        var settings = Settings()
        settings.dataDirectory = directory.path + "/data"
        configure(&settings)
        application = try Application(settings: settings, logger: Logger(label: "test"), clock: { TestApp.now })
        worker = try application.makeWorker()
    }

    func get(_ path: String, query: String = "", cookie: String? = nil, https: Bool = false) -> Response {
        var headers = HTTPHeaders()
        if let cookie { headers.add("Cookie", cookie) }
        return worker.respond(to: Request(method: .get, path: path, query: query, headers: headers, isHTTPS: https))
    }

    /// The session a response's cookie carries.
    func session(from response: Response) throws -> Session? {
        let keys = try SigningKeyFile(dataDirectory: DataDirectory(path: directory.path + "/data")).load()
        guard let header = response.headers.values("Set-Cookie").first,
              let value = header.split(separator: ";").first?.split(separator: "=", maxSplits: 1).last
        else { return nil }
        return SessionCodec(keys: keys).decode(String(value), now: TestApp.now)
    }
}

extension Response {
    var text: String { String(decoding: body, as: UTF8.self) }
}
