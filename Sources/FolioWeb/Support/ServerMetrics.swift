import Foundation
import Prometheus

/// The server's Prometheus metrics (GET /metrics): requests by route, method and status, latency by route, renders,
/// index refreshes.
/// A registry of its own (not the process-wide MetricsSystem), so each server and each test counts alone.
final class ServerMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    private static let buckets: [Duration] = [.milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(20),
                                              .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
                                              .seconds(2), .seconds(5)]

    func request(route: String, method: String, status: Int, duration: Duration) {
        registry.makeCounter(name: "folio_http_requests_total", labels: [("route", route), ("method", method), ("status", String(status))],
                             help: "HTTP requests answered, by route, method and status.").increment()
        registry.makeDurationHistogram(name: "folio_http_request_duration_seconds", labels: [("route", route)], buckets: Self.buckets,
                                       help: "Time to answer a request, by route.").record(duration)
    }

    func rendered(source: String) {
        registry.makeCounter(name: "folio_renders_total", labels: [("source", source)], help: "Prompts rendered through the API.").increment()
    }

    /// A refresh of the search index (each request that reads it brings it up to date first): whether it found
    /// changes, and how long it took.
    func indexRefreshed(changed: Bool, seconds: Double) {
        registry.makeCounter(name: "folio_index_refreshes_total", labels: [("result", changed ? "changed" : "unchanged")],
                             help: "Refreshes of the search index, by whether they found changes.").increment()
        registry.makeDurationHistogram(name: "folio_index_refresh_duration_seconds", labels: [], buckets: Self.buckets,
                                       help: "Time to refresh the search index.").record(.nanoseconds(Int64(seconds * 1e9)))
    }

    var text: String { registry.emitToString() }
}
