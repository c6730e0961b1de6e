package io.meshscope.generator.domain;

import io.meshscope.schemas.DependencyGraph;
import io.meshscope.schemas.Edge;
import io.meshscope.schemas.WorkloadRef;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Builds dependency graphs for tests, the way the analyzer publishes them. */
public final class Graphs {
  private Graphs() {}

  public static final Instant T0 = Instant.parse("2025-03-01T09:00:00Z");

  public static WorkloadRef workload(String namespace, String app) {
    return WorkloadRef.of(namespace, app, Map.of("app", app));
  }

  public static Edge http(String host, int port, Instant first, Instant last, long count) {
    return new Edge(host, first, last, count, Set.of(port), Set.of("HTTP"), Set.of("outbound-cluster"), false);
  }

  public static Edge tcp(String host, int port, Instant first, Instant last, long count) {
    return new Edge(host, first, last, count, Set.of(port), Set.of("TCP"), Set.of("outbound-cluster"), false);
  }

  public static Edge edge(String host) {
    return http(host, 80, T0, T0.plusSeconds(60), 1);
  }

  public static Edge urgent(String host) {
    return new Edge(host, T0, T0.plusSeconds(60), 1, Set.of(80), Set.of("HTTP"), Set.of("blackhole"), true);
  }

  /** A sidecar's graph; the window spans its edges' evidence (none: no window). */
  public static DependencyGraph graph(WorkloadRef workload, long revision, List<Edge> edges) {
    return graph(workload, "sidecar", revision, edges);
  }

  public static DependencyGraph graph(WorkloadRef workload, String role, long revision, List<Edge> edges) {
    Instant start = edges.stream().map(Edge::firstSeen).min(Comparator.naturalOrder()).orElse(null);
    Instant end = edges.stream().map(Edge::lastSeen).max(Comparator.naturalOrder()).orElse(null);
    return new DependencyGraph(DependencyGraph.CURRENT_VERSION, workload, role, revision,
        end == null ? T0 : end, start, end, edges, List.of(), 1, null);
  }

  public static DependencyGraph graph(String namespace, String app, long revision, Edge... edges) {
    return graph(workload(namespace, app), revision, List.of(edges));
  }
}
