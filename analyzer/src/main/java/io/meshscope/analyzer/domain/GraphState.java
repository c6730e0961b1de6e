package io.meshscope.analyzer.domain;

import io.meshscope.schemas.WorkloadRef;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * What the analyzer keeps per workload in its store. Immutable: {@link GraphMerge} returns new
 * states, so a failed step leaves the stored one untouched.
 *
 * @param revision the revision of the last published graph
 * @param windowStart event time of the oldest observation still counted
 * @param windowEnd event time of the newest observation
 * @param evidenceChanged counts or evidence changed since the graph was last published
 * @param publishedAt stream time (event time) of the last publication; null before the first
 * @param instances by pod (or node id): the workload's instances whose proxies reported within the
 *     TTL; the selector in {@code workload} selects all of them ({@link Selectors})
 */
public record GraphState(
    WorkloadRef workload,
    String role,
    long revision,
    Instant windowStart,
    Instant windowEnd,
    Map<String, EdgeState> edges,
    Map<String, RejectedState> rejected,
    boolean evidenceChanged,
    Instant publishedAt,
    Map<String, InstanceState> instances) {

  /** The maps are kept as {@link SortedArrayMap}s: sorted by key, cheap to change in one value. */
  public GraphState {
    edges = SortedArrayMap.copyOf(edges);
    rejected = SortedArrayMap.copyOf(rejected);
    // Null in states stored before instances were kept.
    instances = SortedArrayMap.copyOf(instances == null ? Map.of() : instances);
  }

  /**
   * One instance: the name labels its pod carries, when its proxy last reported (event time), and
   * the mode it asks for (null: none).
   */
  public record InstanceState(Map<String, String> nameLabels, Instant lastSeen, ModeRequest mode) {
    public InstanceState {
      nameLabels = Map.copyOf(nameLabels);
    }

    public InstanceState(Map<String, String> nameLabels, Instant lastSeen) {
      this(nameLabels, lastSeen, null);
    }
  }

  /**
   * The evidence for one callee.
   *
   * @param fallbackLastSeen the latest call seen going through the fallback egress proxy, or null
   * @param publishedThroughFallback whether the last published graph showed the latest call going
   *     through the fallback: when that changes, an adaptive Sidecar was applied or is stuck
   */
  public record EdgeState(Instant firstSeen, Instant lastSeen, long count, Set<Integer> ports, Set<String> protocols,
      Set<String> provenance, boolean urgent, Instant fallbackLastSeen, boolean publishedThroughFallback) {
    public EdgeState {
      ports = Set.copyOf(ports);
      protocols = Set.copyOf(protocols);
      provenance = Set.copyOf(provenance);
    }

    public EdgeState(Instant firstSeen, Instant lastSeen, long count, Set<Integer> ports, Set<String> protocols,
        Set<String> provenance, boolean urgent) {
      this(firstSeen, lastSeen, count, ports, protocols, provenance, urgent, null, false);
    }

    /** Whether the latest call went through the fallback egress proxy (none since went direct). */
    public boolean throughFallbackLast() {
      return fallbackLastSeen != null && !lastSeen.isAfter(fallbackLastSeen);
    }

    EdgeState published() {
      boolean now = throughFallbackLast();
      return now == publishedThroughFallback ? this : new EdgeState(firstSeen, lastSeen, count, ports, protocols,
          provenance, urgent, fallbackLastSeen, now);
    }
  }

  /** A refused callee value, kept visible with how often and when last. */
  public record RejectedState(String reason, long count, Instant lastSeen) {}
}
