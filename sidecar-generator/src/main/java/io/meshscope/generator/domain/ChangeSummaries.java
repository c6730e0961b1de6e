package io.meshscope.generator.domain;

import io.meshscope.schemas.ChangeSummary;
import io.meshscope.schemas.Edge;
import io.meshscope.schemas.HostChange;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/** What an emission changes against the previous Sidecar of the same workload, with the evidence. */
public final class ChangeSummaries {
  private ChangeSummaries() {}

  /**
   * @param previous the Sidecar emitted before, null for the first
   * @param current the Sidecar being emitted
   * @param services the universe of the what-if figure
   */
  public static ChangeSummary between(RenderedSidecar previous, RenderedSidecar current, EmitTrigger trigger,
      MeshServices services) {
    List<String> before = previous == null ? List.of() : previous.hosts();
    Set<String> beforeSet = new TreeSet<>(before);
    Set<String> afterSet = new TreeSet<>(current.hosts());
    List<HostChange> added = new ArrayList<>();
    List<HostChange> removed = new ArrayList<>();
    int unchanged = 0;
    for (String host : afterSet) {
      if (beforeSet.contains(host)) {
        unchanged++;
      } else {
        added.add(change(host, current.sources().get(host)));
      }
    }
    for (String host : beforeSet) {
      if (!afterSet.contains(host)) {
        removed.add(change(host, previous.sources().get(host)));
      }
    }
    return new ChangeSummary(trigger.label(), added, removed, unchanged,
        services.whatIf(current.workload().namespace(), current.hosts()), outsideRegistry(current, services),
        current.instances());
  }

  /** Signals that show a call left the registry: Envoy found no service or ServiceEntry for it. */
  private static final Set<String> UNREGISTERED = Set.of("passthrough-authority", "passthrough-sni", "blackhole");
  /** Signals that show a registry entry or a VirtualService for it. */
  private static final Set<String> REGISTERED = Set.of("outbound-cluster", "route-authority");

  /** Learned hosts that no mesh service covers and that calls reached only outside the registry. */
  static List<String> outsideRegistry(RenderedSidecar sidecar, MeshServices services) {
    SortedSet<String> out = new TreeSet<>();
    for (HostSource source : sidecar.sources().values()) {
      Edge edge = source.edge();
      if (edge != null && !services.isMeshService(edge.host())
          && edge.provenance().stream().anyMatch(UNREGISTERED::contains)
          && edge.provenance().stream().noneMatch(REGISTERED::contains)) {
        out.add(edge.host());
      }
    }
    return List.copyOf(out);
  }

  /** Evidence from the edge when learned; the configuration's reason (default, pinned, ...) otherwise. */
  static HostChange change(String sidecarHost, HostSource source) {
    String host = sidecarHost.substring(sidecarHost.indexOf('/') + 1);
    if (source == null) {
      // ~/* stands for "nothing": it has no source of its own.
      return new HostChange(sidecarHost, host, null, null, 0, Set.of());
    }
    SortedSet<String> provenance = new TreeSet<>(source.origins());
    Edge edge = source.edge();
    if (edge == null) {
      return new HostChange(sidecarHost, host, null, null, 0, provenance);
    }
    provenance.remove(HostSource.LEARNED);
    provenance.addAll(edge.provenance());
    return new HostChange(sidecarHost, edge.host(), edge.firstSeen(), edge.lastSeen(), edge.count(), provenance);
  }
}
