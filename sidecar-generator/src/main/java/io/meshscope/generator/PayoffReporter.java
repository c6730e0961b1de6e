package io.meshscope.generator;

import io.meshscope.generator.domain.EgressHostMapper;
import io.meshscope.generator.domain.SidecarRenderer;
import io.meshscope.generator.domain.payoff.MemoryModel;
import io.meshscope.generator.domain.payoff.MeshPayoff;
import io.meshscope.generator.domain.payoff.RegistryServices;
import io.meshscope.generator.domain.payoff.ServiceInventory;
import io.meshscope.generator.domain.payoff.WorkloadView;
import io.meshscope.schemas.DependencyGraph;
import io.meshscope.schemas.MeshReport;
import io.meshscope.schemas.SidecarRecommendation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Builds the mesh report from what the compacted topics hold (the latest graph and the latest
 * recommendation of each workload): the generator calls it as graphs arrive, {@code meshscope report}
 * once. The optional service list is read here, once, so a bad file fails at start with its reason.
 */
public final class PayoffReporter {

  /**
   * Proxies reach the control plane's services outside the access logs, and Kubernetes' own (DNS,
   * the API server) without a proxy of theirs to log it: no advice is given on them.
   */
  public static final Set<String> CONTROL_PLANE_NAMESPACES = Set.of("istio-system", "kube-system");

  private final EgressHostMapper mapper;
  private final List<RegistryServices.Declared> registry;
  private final MeshPayoff payoff;

  /** With the renderer's settings: its mesh domain, and its default and pinned hosts, never advised on. */
  public PayoffReporter(SidecarRenderer renderer, List<RegistryServices.Declared> registry) {
    this.mapper = renderer.mapper();
    this.registry = List.copyOf(registry);
    this.payoff = new MeshPayoff(MemoryModel.PUBLISHED, CONTROL_PLANE_NAMESPACES, renderer.configuredHosts());
  }

  /** With the services of {@code servicesFile} ({@code kubectl get services -A -o json}) when present. */
  public static PayoffReporter load(SidecarRenderer renderer, Optional<Path> servicesFile) throws IOException {
    EgressHostMapper mapper = renderer.mapper();
    if (servicesFile.isEmpty()) {
      return new PayoffReporter(renderer, List.of());
    }
    Path file = servicesFile.get();
    String json = Files.readString(file, StandardCharsets.UTF_8);
    try {
      return new PayoffReporter(renderer, RegistryServices.fromKubectlJson(json, mapper.meshDomain()));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  public MeshReport report(Map<String, DependencyGraph> graphs, Map<String, SidecarRecommendation> recommendations,
      Instant now) {
    List<WorkloadView> views = new ArrayList<>();
    for (DependencyGraph graph : graphs.values()) {
      views.add(WorkloadView.of(graph, recommendations.get(graph.workload().key())));
    }
    List<DependencyGraph> all = List.copyOf(graphs.values());
    ServiceInventory inventory = registry.isEmpty() ? ServiceInventory.fromGraphs(all, mapper)
        : ServiceInventory.withRegistry(all, mapper, registry);
    return payoff.report(views, inventory, now);
  }

  /** The same report at another time: to tell whether anything but the time changed. */
  static MeshReport at(MeshReport r, Instant time) {
    return new MeshReport(r.schemaVersion(), time, r.windowStart(), r.windowEnd(), r.inventory(), r.costModel(),
        r.totals(), r.workloads(), r.exportTo(), r.discoverySelectors());
  }
}
