package io.meshscope.generator.domain.payoff;

import io.meshscope.generator.domain.RenderedSidecar;
import io.meshscope.schemas.DependencyGraph;
import io.meshscope.schemas.SidecarRecommendation;
import java.util.List;
import java.util.Objects;

/**
 * A workload as the payoff sees it: its latest graph and the Sidecar published for it.
 *
 * @param sidecarHosts the {@code egress.hosts} of its published Sidecar; null when it has none
 * @param reason why it has none, for the report; null when it has one
 */
public record WorkloadView(DependencyGraph graph, List<String> sidecarHosts, String reason) {

  public WorkloadView {
    Objects.requireNonNull(graph, "graph");
    sidecarHosts = sidecarHosts == null ? null : List.copyOf(sidecarHosts);
  }

  /**
   * From the latest graph and the latest recommendation of the same workload, as the compacted
   * topics hold them.
   *
   * @param recommendation null when none was published yet
   */
  public static WorkloadView of(DependencyGraph graph, SidecarRecommendation recommendation) {
    if (recommendation == null) {
      return new WorkloadView(graph, null, "no Sidecar published yet");
    }
    if (!"emitted".equals(recommendation.status()) || recommendation.yaml() == null) {
      return new WorkloadView(graph, null, recommendation.reason() == null ? "skipped" : recommendation.reason());
    }
    return new WorkloadView(graph, RenderedSidecar.egressHostsOf(recommendation.yaml()), null);
  }

  public String key() {
    return graph.workload().key();
  }

  public String namespace() {
    return graph.workload().namespace();
  }

  /** Proxies of the workload: its instances that reported, at least one. */
  public int proxies() {
    return Math.max(1, graph.instances());
  }
}
