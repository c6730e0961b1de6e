package io.meshscope.schemas;

import java.time.Instant;
import java.util.List;

/**
 * A workload's outbound dependencies: the value of the compacted {@code meshscope.dependency-graphs},
 * keyed by {@code namespace/name}, always the full graph. Schema:
 * {@code meshscope/schemas/dependency-graph.schema.json}.
 *
 * @param role the caller's proxy role ({@code sidecar}, {@code router}, ...); only sidecars get a Sidecar
 * @param revision increases by one each time the edge set changes
 * @param windowStart event time of the oldest evidence still in the graph
 * @param windowEnd event time of the newest evidence
 * @param edges sorted by host
 * @param rejected sorted by value
 * @param instances the workload's instances (pods) whose proxies reported within the edge TTL; the
 *     selector in {@code workload} selects every one of them
 * @param selectorConflict why no selector selects every instance (their name labels differ), or
 *     null; then {@code workload.selector} is empty and no Sidecar is emitted
 * @param mode the Sidecar mode the workload's pods ask for with {@code sidecar.meshscope.io/mode}
 *     ({@code adaptive}, {@code recommend} or {@code off}), or null: the generator's config decides
 * @param modeSource where {@code mode} came from, e.g. {@code label sidecar.meshscope.io/mode on 3 of 3 pods},
 *     or why a value was ignored; null when no pod says anything
 */
public record DependencyGraph(
    int schemaVersion,
    WorkloadRef workload,
    String role,
    long revision,
    Instant updatedAt,
    Instant windowStart,
    Instant windowEnd,
    List<Edge> edges,
    List<RejectedHost> rejected,
    int instances,
    String selectorConflict,
    String mode,
    String modeSource) {

  public static final int CURRENT_VERSION = 1;

  /** A graph whose pods ask for no mode. */
  public DependencyGraph(int schemaVersion, WorkloadRef workload, String role, long revision, Instant updatedAt,
      Instant windowStart, Instant windowEnd, List<Edge> edges, List<RejectedHost> rejected, int instances,
      String selectorConflict) {
    this(schemaVersion, workload, role, revision, updatedAt, windowStart, windowEnd, edges, rejected, instances,
        selectorConflict, null, null);
  }

  public DependencyGraph {
    Collections2.requireVersion(schemaVersion, "DependencyGraph");
    Collections2.require(workload, "workload");
    Collections2.requireText(role, "role");
    Collections2.require(updatedAt, "updatedAt");
    edges = Collections2.list(edges);
    rejected = Collections2.list(rejected);
  }
}
