package io.meshscope.generator.domain;

import io.meshscope.schemas.DependencyGraph;
import io.meshscope.schemas.Edge;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Whether an adaptive Sidecar is doing its job (docs/adaptive.md, "Stuck on the fallback"): hosts it
 * lists that calls still reach through the fallback egress proxy, which means the Sidecar is not
 * applied yet or does not route them, and hosts that went through the fallback before and now go
 * direct, which shows it applied.
 *
 * @param workload {@code namespace/name}
 * @param sidecarAt the event time the Sidecar was rendered up to (its graph's last entry)
 * @param stillThroughFallback Sidecar entries (e.g. {@code ./ratings.bookinfo.svc.cluster.local}) whose
 *     latest call went through the fallback, later than {@link #GRACE} after the Sidecar; with its time
 * @param nowDirect Sidecar entries that once went through the fallback and whose latest call since
 *     the Sidecar went direct
 */
public record FallbackStatus(String workload, Instant sidecarAt, Map<String, Instant> stillThroughFallback,
    List<String> nowDirect) {

  /**
   * How long, in event time, after the last entry a Sidecar was rendered from a call may still go
   * through the fallback without counting: the generator's debounce (a minute by default), review,
   * Istio's push to the proxies and calls already under way come in between.
   */
  public static final Duration GRACE = Duration.ofMinutes(2);

  public FallbackStatus {
    stillThroughFallback = java.util.Collections.unmodifiableMap(new TreeMap<>(stillThroughFallback));
    nowDirect = List.copyOf(nowDirect);
  }

  /** What the evidence says, as a reviewer reads it. */
  public String applied() {
    if (!stillThroughFallback.isEmpty()) {
      return nowDirect.isEmpty() ? "no: not applied yet, or it does not route these hosts" : "partly";
    }
    return nowDirect.isEmpty() ? "no evidence yet" : "yes";
  }

  /**
   * The status of {@code sidecar}, rendered from logs up to {@code sidecarAt} (event time), under the
   * workload's latest {@code graph}; empty unless the Sidecar is adaptive.
   */
  public static Optional<FallbackStatus> of(RenderedSidecar sidecar, Instant sidecarAt, DependencyGraph graph,
      EgressHostMapper mapper) {
    if (sidecar == null || sidecarAt == null || graph == null || sidecar.mode() != GeneratorMode.ADAPTIVE) {
      return Optional.empty();
    }
    Map<String, Instant> stuck = new TreeMap<>();
    List<String> direct = new ArrayList<>();
    Instant counted = sidecarAt.plus(GRACE);
    for (Edge edge : graph.edges()) {
      Instant fallback = edge.fallbackLastSeen();
      if (fallback == null) {
        continue;
      }
      Optional<EgressHost> entry = mapper.map(graph.workload().namespace(), edge.host());
      if (entry.isEmpty() || !sidecar.hosts().contains(entry.get().toString())) {
        continue; // not listed yet: going through the fallback is what adaptive mode is for
      }
      String host = entry.get().toString();
      // Only a direct call counts towards lastSeen without moving fallbackLastSeen: the latest call
      // being later than the latest through the fallback means the calls go direct now.
      if (edge.lastSeen().isAfter(fallback)) {
        if (!edge.lastSeen().isBefore(sidecarAt)) {
          direct.add(host);
        }
      } else if (fallback.isAfter(counted)) {
        stuck.merge(host, fallback, (a, b) -> a.isAfter(b) ? a : b);
      }
    }
    direct.removeAll(stuck.keySet());
    return Optional.of(new FallbackStatus(graph.workload().key(), sidecarAt, stuck, direct.stream().distinct()
        .sorted().toList()));
  }
}
