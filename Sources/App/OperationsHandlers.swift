import SharedCounters
import Web

/// `/healthz` and `/metrics`: what load balancers and Prometheus ask.
extension Handlers {
    /// How long `/healthz` waits for the store before it answers 503.
    static let healthLimit: Duration = .seconds(1)

    /// `GET /healthz`: `200 ok` when the store answers a trivial query within
    /// ``healthLimit``, else `503`. It reads no session and sets no cookie.
    func health(_ request: Request, _ context: inout RequestContext) throws -> Response {
        let healthy = storeAnswers(context)
        return Response(status: healthy ? .ok : .serviceUnavailable,
                        headers: ["Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"],
                        body: Array((healthy ? "ok\n" : "store unavailable\n").utf8))
    }

    /// `GET /metrics`: the Prometheus text page, for the addresses of
    /// `metrics-allow` only; every other client gets the 404 of a page that
    /// does not exist.
    func metricsPage(_ request: Request, _ context: inout RequestContext) throws -> Response {
        guard settings.metricsAllow.contains(request.clientAddress) else {
            throw HTTPError(.notFound, message: "There is no page here.")
        }
        return Response(status: .ok, headers: ["Content-Type": PrometheusText.contentType, "Cache-Control": "no-store"],
                        body: Array(metrics.page(now: context.now, storeIsUp: storeAnswers(context)).utf8))
    }

    /// Whether the store answers a trivial query within ``healthLimit``, over this thread's connection.
    private func storeAnswers(_ context: RequestContext) -> Bool {
        (try? context.accounts.ping(within: Self.healthLimit)) != nil
    }
}
