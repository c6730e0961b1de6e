package io.meshscope.generator.domain.payoff;

import static io.meshscope.generator.domain.Graphs.T0;

import io.meshscope.generator.domain.Graphs;
import io.meshscope.schemas.DependencyGraph;
import io.meshscope.schemas.Edge;
import io.meshscope.schemas.MeshReport.CostModel;
import io.meshscope.schemas.MeshReport.Range;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/** Graphs and cost models for the payoff tests. */
final class Meshes {
  private Meshes() {}

  /** Small round costs, low differing from high, so a hand calculation can check every sum. */
  static final MemoryModel ROUND = new MemoryModel(new CostModel(new Range(10, 20), new Range(100, 200),
      new Range(10, 20), new Range(1, 2), List.of("test")));

  static String svc(String name, String namespace) {
    return name + "." + namespace + ".svc.cluster.local";
  }

  static Edge http(String host, Integer... ports) {
    return new Edge(host, T0, T0.plusSeconds(600), 10, Set.of(ports), Set.of("HTTP"), Set.of("outbound-cluster"),
        false);
  }

  static Edge tcp(String host, Integer... ports) {
    return new Edge(host, T0.plusSeconds(60), T0.plusSeconds(3600), 5, Set.of(ports), Set.of("TCP"),
        Set.of("outbound-cluster"), false);
  }

  static DependencyGraph graph(String namespace, String name, String role, int instances, Edge... edges) {
    List<Edge> sorted = List.of(edges).stream().sorted(Comparator.comparing(Edge::host)).toList();
    DependencyGraph g = Graphs.graph(Graphs.workload(namespace, name), role, 1, sorted);
    return new DependencyGraph(g.schemaVersion(), g.workload(), g.role(), g.revision(), g.updatedAt(),
        g.windowStart(), g.windowEnd(), g.edges(), g.rejected(), instances, null);
  }

  static WorkloadView withSidecar(DependencyGraph graph, String... hosts) {
    return new WorkloadView(graph, List.of(hosts), null);
  }

  static WorkloadView without(DependencyGraph graph, String reason) {
    return new WorkloadView(graph, null, reason);
  }
}
