import Metrics
import Prometheus

extension ServerMetrics {
    /// Sends what libraries record through swift-metrics' global system to this registry too. The global
    /// system takes one factory per process, so only `sqlpipe serve` calls this, once; tests keep theirs apart.
    /// (A file of its own: swift-metrics and swift-prometheus both name a `Counter` and a `Gauge`.)
    public func reportLibraryMetrics() {
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
    }
}
