package io.meshscope.generator;

import io.meshscope.schemas.MeshReport;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/** The mesh report's headline figures as Prometheus gauges, set each time the report is made. */
final class PayoffGauges {

  private final Gauge proxies;
  private final Gauge clusters;
  private final Gauge endpoints;
  private final Gauge memory;
  private final Gauge services;
  private final Gauge advice;

  PayoffGauges(PrometheusRegistry registry) {
    proxies = Gauge.builder().name("meshscope_mesh_proxies")
        .help("Proxies counted in the mesh report, by whether their workload has a Sidecar")
        .labelNames("sidecar").register(registry);
    clusters = Gauge.builder().name("meshscope_mesh_clusters")
        .help("Outbound clusters summed over every proxy, without and with the Sidecars").labelNames("config")
        .register(registry);
    endpoints = Gauge.builder().name("meshscope_mesh_endpoints")
        .help("Endpoints summed over every proxy's clusters, without and with the Sidecars").labelNames("config")
        .register(registry);
    memory = Gauge.builder().name("meshscope_mesh_proxy_memory_estimate_bytes")
        .help("Estimated proxy memory summed over every proxy (docs/payoff.md), low and high end of the range")
        .labelNames("config", "bound").register(registry);
    services = Gauge.builder().name("meshscope_mesh_services_known")
        .help("Services the estimate knows; lower_bound=true when only services seen in the logs are known")
        .labelNames("lower_bound").register(registry);
    advice = Gauge.builder().name("meshscope_mesh_scope_advice")
        .help("Discovery-scope advice items for review, by kind").labelNames("kind").register(registry);
  }

  void set(MeshReport r) {
    MeshReport.Totals t = r.totals();
    proxies.labelValues("yes").set(t.proxiesWithSidecar());
    proxies.labelValues("no").set(t.proxies() - t.proxiesWithSidecar());
    clusters.labelValues("without").set(t.without().clusters());
    clusters.labelValues("with").set(t.with().clusters());
    endpoints.labelValues("without").set(t.without().endpoints());
    endpoints.labelValues("with").set(t.with().endpoints());
    memory.labelValues("without", "low").set(t.without().memory().low());
    memory.labelValues("without", "high").set(t.without().memory().high());
    memory.labelValues("with", "low").set(t.with().memory().low());
    memory.labelValues("with", "high").set(t.with().memory().high());
    services.clear();
    services.labelValues(String.valueOf(r.inventory().lowerBound())).set(r.inventory().services());
    advice.labelValues("export_to").set(r.exportTo().size());
    advice.labelValues("discovery_selectors").set(r.discoverySelectors().size());
  }
}
