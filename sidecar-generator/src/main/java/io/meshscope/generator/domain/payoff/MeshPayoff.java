package io.meshscope.generator.domain.payoff;

import io.meshscope.generator.domain.EgressHost;
import io.meshscope.schemas.MeshReport;
import io.meshscope.schemas.MeshReport.Footprint;
import io.meshscope.schemas.MeshReport.Range;
import io.meshscope.schemas.MeshReport.WorkloadPayoff;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * The mesh-wide payoff: for every proxy that reported, the configuration it receives without a
 * Sidecar (every service of the inventory, as Istio's default {@code *}{@code /*} gives it) and with
 * the Sidecar published for its workload, summed over the mesh, plus the discovery-scope advice.
 * Pure: the same views, inventory and time give the same report.
 *
 * <p>A workload only other proxies' logs named (role {@code unknown}) is no proxy anyone saw, so it
 * is not counted, but its calls still count as evidence for the advice.
 */
public final class MeshPayoff {

  static final String UNKNOWN_ROLE = "unknown";

  private final MemoryModel model;
  private final Set<String> controlPlaneNamespaces;
  private final List<EgressHost> reachedOutsideLogs;

  public MeshPayoff(MemoryModel model, Set<String> controlPlaneNamespaces) {
    this(model, controlPlaneNamespaces, List.of());
  }

  /**
   * @param controlPlaneNamespaces namespaces whose services proxies reach outside the access logs
   *     (xDS, certificates, telemetry): never advised on
   * @param reachedOutsideLogs Sidecar entries the operator gives every or some proxies (default and
   *     pinned hosts), such as the receiver, whose callers no access log shows: never advised on
   */
  public MeshPayoff(MemoryModel model, Set<String> controlPlaneNamespaces, List<EgressHost> reachedOutsideLogs) {
    this.model = model;
    this.controlPlaneNamespaces = Set.copyOf(controlPlaneNamespaces);
    this.reachedOutsideLogs = List.copyOf(reachedOutsideLogs);
  }

  public MeshReport report(Collection<WorkloadView> views, ServiceInventory inventory, Instant generatedAt) {
    List<WorkloadView> sorted = views.stream().sorted(Comparator.comparing(WorkloadView::key)).toList();
    List<WorkloadView> proxies = sorted.stream().filter(v -> !UNKNOWN_ROLE.equals(v.graph().role())).toList();
    List<WorkloadPayoff> rows = new ArrayList<>();
    Sum without = new Sum();
    Sum with = new Sum();
    long proxiesWithSidecar = 0;
    Footprint all = footprint(inventory.services());
    for (WorkloadView view : proxies) {
      Footprint scoped = all;
      String reason = view.reason();
      if (view.sidecarHosts() != null) {
        List<EgressHost> entries = parse(view.sidecarHosts());
        if (entries == null) {
          reason = "its Sidecar has an egress host meshscope cannot read; counted as if it had none";
        } else {
          scoped = footprint(inventory.imported(view.namespace(), entries));
          reason = null;
          proxiesWithSidecar += view.proxies();
        }
      }
      rows.add(new WorkloadPayoff(view.key(), view.graph().role(), view.proxies(), reason == null ? "emitted" : "none",
          reason, all, scoped));
      without.add(all, view.proxies());
      with.add(scoped, view.proxies());
    }
    List<String> notes = new ArrayList<>(inventory.notes());
    long unseen = sorted.size() - proxies.size();
    if (unseen > 0) {
      notes.add(unseen + " workloads only other proxies' logs named are not counted as proxies");
    }
    ScopeAdvice advice = new ScopeAdvice(model, controlPlaneNamespaces, reachedOutsideLogs);
    Footprint totalWithout = without.footprint();
    Footprint totalWith = with.footprint();
    return new MeshReport(MeshReport.CURRENT_VERSION, generatedAt, windowStart(sorted), windowEnd(sorted),
        new MeshReport.Inventory(inventory.source().label(), inventory.services().size(), inventory.servicePorts(),
            inventory.lowerBound(), notes),
        model.costs(),
        new MeshReport.Totals(proxies.size(), without.proxies, proxiesWithSidecar, totalWithout, totalWith,
            percentLess(totalWithout.clusters(), totalWith.clusters()),
            percentLess(middle(totalWithout.memory()), middle(totalWith.memory()))),
        rows,
        advice.exportTo(sorted, proxies, inventory),
        advice.namespaces(sorted, proxies, inventory));
  }

  /** What a proxy receives that imports these services. */
  private Footprint footprint(Collection<ServiceInventory.Service> imported) {
    long clusters = 0;
    long endpoints = 0;
    long virtualHosts = 0;
    for (ServiceInventory.Service s : imported) {
      clusters += s.clusters();
      endpoints += s.clusterEndpoints();
      virtualHosts += s.virtualHosts();
    }
    return model.proxy(imported.size(), clusters, endpoints, virtualHosts);
  }

  /** The entries, or null when one is not {@code namespace/host} (then nothing is claimed for the Sidecar). */
  private static List<EgressHost> parse(List<String> hosts) {
    List<EgressHost> entries = new ArrayList<>();
    for (String host : hosts) {
      if (EgressHost.problem(host).isPresent()) {
        return null;
      }
      entries.add(EgressHost.parse(host));
    }
    return entries;
  }

  /** {@code (before - after) / before} in percent, one decimal; 0 when there was nothing. */
  static double percentLess(double before, double after) {
    return before <= 0 ? 0.0 : Math.round(1000.0 * (before - after) / before) / 10.0;
  }

  static double middle(Range r) {
    return (r.low() + (double) r.high()) / 2;
  }

  private static Instant windowStart(List<WorkloadView> views) {
    return views.stream().map(v -> v.graph().windowStart()).filter(t -> t != null).min(Comparator.naturalOrder())
        .orElse(null);
  }

  private static Instant windowEnd(List<WorkloadView> views) {
    return views.stream().map(v -> v.graph().windowEnd()).filter(t -> t != null).max(Comparator.naturalOrder())
        .orElse(null);
  }

  /** Footprints summed over proxies. */
  private static final class Sum {
    long proxies;
    long services;
    long clusters;
    long endpoints;
    long virtualHosts;
    long low;
    long high;

    void add(Footprint f, int count) {
      proxies += count;
      services += f.services() * count;
      clusters += f.clusters() * count;
      endpoints += f.endpoints() * count;
      virtualHosts += f.virtualHosts() * count;
      low += f.memory().low() * count;
      high += f.memory().high() * count;
    }

    Footprint footprint() {
      return new Footprint(services, clusters, endpoints, virtualHosts, new Range(low, high));
    }
  }
}
