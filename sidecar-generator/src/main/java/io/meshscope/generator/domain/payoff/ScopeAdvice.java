package io.meshscope.generator.domain.payoff;

import io.meshscope.schemas.DependencyGraph;
import io.meshscope.generator.domain.EgressHost;
import io.meshscope.schemas.Edge;
import io.meshscope.schemas.MeshReport.ExportToAdvice;
import io.meshscope.schemas.MeshReport.NamespaceAdvice;
import io.meshscope.schemas.MeshReport.Range;
import io.meshscope.schemas.RejectedHost;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Discovery-scope advice, the configuration that shrinks every proxy at once: services that no
 * workload outside their namespace called ({@code exportTo: ["."]}), and namespaces that no other
 * namespace called and that call no other (candidates to leave out of {@code discoverySelectors}). Advice only, learned from
 * one window of traffic: a caller that did not call in the window is invisible here, which is why
 * each piece says what would break if it were wrong ({@code docs/payoff.md}, "Discovery scope").
 */
final class ScopeAdvice {

  /**
   * Refusals of a real host for room, not for what it is: the workload called it, and a call the
   * graph could not keep is evidence as good as an edge.
   */
  static final Set<String> REFUSED_FOR_ROOM =
      Set.of("edge-limit", "secondhand-limit", "inbound-namespace-limit", "evicted-secondhand");

  private final MemoryModel model;
  private final Set<String> controlPlaneNamespaces;
  private final List<EgressHost> reachedOutsideLogs;

  ScopeAdvice(MemoryModel model, Set<String> controlPlaneNamespaces, List<EgressHost> reachedOutsideLogs) {
    this.model = model;
    this.controlPlaneNamespaces = controlPlaneNamespaces;
    this.reachedOutsideLogs = reachedOutsideLogs;
  }

  /**
   * @param all every workload, whose calls are the evidence
   * @param proxies the workloads counted as proxies, whose configuration shrinks
   */
  List<ExportToAdvice> exportTo(List<WorkloadView> all, List<WorkloadView> proxies, ServiceInventory inventory) {
    Map<String, SortedSet<String>> callers = callers(all);
    ProxiesOutside proxiesOutside = new ProxiesOutside(proxies);
    List<ExportToAdvice> advice = new ArrayList<>();
    for (ServiceInventory.Service s : advisable(inventory)) {
      SortedSet<String> by = callers.getOrDefault(s.host(), new TreeSet<>());
      if (by.stream().allMatch(caller -> namespaceOf(caller).equals(s.namespace()))) {
        long outside = proxiesOutside.of(s.namespace());
        advice.add(new ExportToAdvice(s.host(), s.namespace(), List.copyOf(s.ports()), List.copyOf(by), outside,
            saving(s, outside),
            "a workload outside " + s.namespace() + " that calls " + s.host() + " would find no route to it: "
                + "blocked under REGISTRY_ONLY, or sent through PassthroughCluster without mTLS under ALLOW_ANY"
                + (by.isEmpty() ? "; no call to it at all was seen in the window" : "")));
      }
    }
    return advice;
  }

  List<NamespaceAdvice> namespaces(List<WorkloadView> all, List<WorkloadView> proxies, ServiceInventory inventory) {
    Map<String, SortedSet<String>> callers = callers(all);
    ProxiesOutside proxiesOutside = new ProxiesOutside(proxies);
    SortedMap<String, List<ServiceInventory.Service>> byNamespace = new TreeMap<>();
    for (ServiceInventory.Service s : advisable(inventory)) {
      byNamespace.computeIfAbsent(s.namespace(), n -> new ArrayList<>()).add(s);
    }
    List<NamespaceAdvice> advice = new ArrayList<>();
    for (var entry : byNamespace.entrySet()) {
      String namespace = entry.getKey();
      boolean calledFromOutside = entry.getValue().stream().anyMatch(s -> callers.getOrDefault(s.host(), new TreeSet<>())
          .stream().anyMatch(caller -> !namespaceOf(caller).equals(namespace)));
      if (calledFromOutside || callsOut(all, namespace, entry.getValue())) {
        continue;
      }
      long outside = proxiesOutside.of(namespace);
      long low = 0;
      long high = 0;
      List<String> hosts = new ArrayList<>();
      SortedSet<String> within = new TreeSet<>();
      for (ServiceInventory.Service s : entry.getValue()) {
        hosts.add(s.host());
        Range r = saving(s, outside);
        low += r.low();
        high += r.high();
        for (String caller : callers.getOrDefault(s.host(), new TreeSet<>())) {
          within.add(caller + " -> " + s.host());
        }
      }
      advice.add(new NamespaceAdvice(namespace, hosts, List.copyOf(within), outside, new Range(low, high),
          "istiod would ignore " + namespace + " entirely: its services would leave every proxy's configuration "
              + "and its own proxies would lose their mesh configuration, so the calls within it would lose mesh "
              + "routing and mTLS, and a call into it from outside that the window did not show would fail"));
    }
    return advice;
  }

  /**
   * Whether a workload of {@code namespace} called anything but the namespace's own services. istiod
   * ignores a namespace its selectors leave out entirely, its proxies included, so such a call would
   * surely break: the namespace is no candidate.
   */
  private static boolean callsOut(List<WorkloadView> all, String namespace, List<ServiceInventory.Service> own) {
    Set<String> hosts = new TreeSet<>();
    own.forEach(s -> hosts.add(s.host()));
    return all.stream().filter(v -> v.namespace().equals(namespace))
        .anyMatch(v -> v.graph().edges().stream().anyMatch(e -> !hosts.contains(e.host())));
  }

  /** In-mesh services whose namespace is known, not the control plane's, and not configured for all. */
  private List<ServiceInventory.Service> advisable(ServiceInventory inventory) {
    return inventory.services().stream()
        .filter(s -> s.namespace() != null && !controlPlaneNamespaces.contains(s.namespace()))
        .filter(s -> reachedOutsideLogs.stream().noneMatch(e -> e.host().equals(s.host())
            || ("*".equals(e.host()) && e.namespace().equals(s.namespace()))))
        .toList();
  }

  /** Callee host → the workloads that called it, from every graph. */
  private static Map<String, SortedSet<String>> callers(List<WorkloadView> all) {
    Map<String, SortedSet<String>> callers = new TreeMap<>();
    for (WorkloadView v : all) {
      DependencyGraph g = v.graph();
      for (Edge e : g.edges()) {
        callers.computeIfAbsent(e.host(), h -> new TreeSet<>()).add(g.workload().key());
      }
      for (RejectedHost r : g.rejected()) {
        if (REFUSED_FOR_ROOM.contains(r.reason())) {
          callers.computeIfAbsent(r.value(), h -> new TreeSet<>()).add(g.workload().key());
        }
      }
    }
    return callers;
  }

  /** Proxies outside each namespace: all of them, less the namespace's own. */
  private static final class ProxiesOutside {
    private final long all;
    private final Map<String, Long> inside = new TreeMap<>();

    ProxiesOutside(List<WorkloadView> proxies) {
      long sum = 0;
      for (WorkloadView v : proxies) {
        sum += v.proxies();
        inside.merge(v.namespace(), (long) v.proxies(), Long::sum);
      }
      all = sum;
    }

    long of(String namespace) {
      return all - inside.getOrDefault(namespace, 0L);
    }
  }

  private Range saving(ServiceInventory.Service s, long proxies) {
    Range one = model.configuration(s.clusters(), s.clusterEndpoints(), s.virtualHosts());
    return new Range(one.low() * proxies, one.high() * proxies);
  }

  private static String namespaceOf(String workloadKey) {
    return workloadKey.substring(0, workloadKey.indexOf('/'));
  }
}
