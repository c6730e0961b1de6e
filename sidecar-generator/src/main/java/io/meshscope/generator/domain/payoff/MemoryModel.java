package io.meshscope.generator.domain.payoff;

import io.meshscope.schemas.MeshReport.CostModel;
import io.meshscope.schemas.MeshReport.Footprint;
import io.meshscope.schemas.MeshReport.Range;
import java.util.List;

/**
 * Turns configuration counts into an estimated proxy memory range. Every figure is a published
 * measurement, listed with its source in {@link #sources} and in {@code docs/payoff.md}, where the
 * calibration is recorded; the range is wide on purpose, as a cluster's cost depends on TLS, stats
 * and the Envoy version.
 */
public final class MemoryModel {

  private static final long KB = 1_000;
  private static final long MB = 1_000_000;

  /**
   * The published figures; docs/payoff.md ("Costs and their sources") quotes each one. The base
   * spans Envoy alone under load (Istio's performance summary) to an idle istio-proxy container with
   * pilot-agent (istio#38000). The cluster range runs from Envoy's own memory test, which bounds a
   * plain cluster with its stats, to a measured TLS cluster (envoy#18376), the kind an Istio mesh
   * with mTLS builds. No measurement of a route's virtual host was found: that figure is our
   * assumption, kept small and named as such.
   */
  public static final MemoryModel PUBLISHED = new MemoryModel(new CostModel(
      new Range(40 * MB, 110 * MB),
      new Range(44 * KB, 103 * KB),
      new Range(1_380, 3_500),
      new Range(1 * KB, 3 * KB),
      List.of(
          "base 40 MB: Istio performance summary 1.10-1.16, Envoy at 1000 rps in a 1000-service "
              + "mesh, istio.io/v1.16/docs/ops/deployment/performance-and-scalability",
          "base 110 MB: idle istio-proxy, Envoy 60 MB + pilot-agent 50 MB, "
              + "github.com/istio/istio/issues/38000",
          "cluster 44 KB: Envoy test/integration/stats_integration_test.cc, m_per_cluster bound",
          "cluster 103 KB: 2,500 TLS clusters in 256.5 MB, "
              + "github.com/envoyproxy/envoy/issues/18376",
          "endpoint 1,380-3,500 B: Envoy stats_integration_test.cc, m_per_host measured and bound",
          "HTTP route entry (virtual host) 1-3 KB: meshscope's assumption, no published measurement found")));

  private final CostModel costs;

  public MemoryModel(CostModel costs) {
    this.costs = costs;
  }

  public CostModel costs() {
    return costs;
  }

  /** One proxy's footprint: the base plus what its configuration costs. */
  public Footprint proxy(long services, long clusters, long endpoints, long virtualHosts) {
    Range config = configuration(clusters, endpoints, virtualHosts);
    return new Footprint(services, clusters, endpoints, virtualHosts,
        new Range(costs.base().low() + config.low(), costs.base().high() + config.high()));
  }

  /** What the configuration alone costs, without the base. */
  public Range configuration(long clusters, long endpoints, long virtualHosts) {
    return new Range(
        clusters * costs.perCluster().low() + endpoints * costs.perEndpoint().low()
            + virtualHosts * costs.perVirtualHost().low(),
        clusters * costs.perCluster().high() + endpoints * costs.perEndpoint().high()
            + virtualHosts * costs.perVirtualHost().high());
  }
}
