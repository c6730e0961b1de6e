package io.meshscope.generator.domain.payoff;

import static io.meshscope.generator.domain.payoff.Meshes.ROUND;
import static io.meshscope.generator.domain.payoff.Meshes.graph;
import static io.meshscope.generator.domain.payoff.Meshes.http;
import static io.meshscope.generator.domain.payoff.Meshes.svc;
import static io.meshscope.generator.domain.payoff.Meshes.tcp;
import static io.meshscope.generator.domain.payoff.Meshes.withSidecar;
import static io.meshscope.generator.domain.payoff.Meshes.without;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshscope.generator.domain.EgressHost;
import io.meshscope.schemas.DependencyGraph;
import io.meshscope.schemas.MeshReport;
import io.meshscope.schemas.MeshReport.ExportToAdvice;
import io.meshscope.schemas.MeshReport.NamespaceAdvice;
import io.meshscope.schemas.MeshReport.Range;
import io.meshscope.schemas.RejectedHost;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which services and namespaces the advice names, on the hand-checked mesh of {@link MeshPayoffTest}. */
class ScopeAdviceTest {

  final MeshPayoff payoff = new MeshPayoff(ROUND, Set.of("istio-system"));

  MeshReport report(List<WorkloadView> views) {
    List<DependencyGraph> graphs = views.stream().map(WorkloadView::graph).toList();
    return payoff.report(views, ServiceInventory.fromGraphs(graphs, MeshPayoffTest.MAPPER), MeshPayoffTest.NOW);
  }

  @Test
  void servicesCalledOnlyFromTheirOwnNamespaceMayBeExportedToItAlone() {
    MeshReport r = report(MeshPayoffTest.views());
    // charge.pay is called from shop, ledger.pay from audit (a caller only ledger's logs named), web.shop
    // from the gateway; stripe has no namespace. Left: cart and redis, each called only from shop.
    assertEquals(List.of(svc("cart", "shop"), svc("redis", "shop")), r.exportTo().stream().map(ExportToAdvice::host).toList());
    ExportToAdvice cart = r.exportTo().get(0);
    assertEquals(List.of("shop/web"), cart.callers());
    assertEquals(List.of(8080), cart.ports());
    // proxies outside shop: charge 1 + ledger 1 + gateway 1; cart costs them 1 cluster, 3 endpoints,
    // 1 route entry each: 100 + 30 + 1 = 131 (high 262)
    assertEquals(3, cart.proxiesOutside());
    assertEquals(new Range(393, 786), cart.saving());
    assertTrue(cart.ifWrong().contains("outside shop"), cart.ifWrong());
  }

  @Test
  void namespacesCalledFromOutsideAreNotAdvised() {
    assertEquals(List.of(), report(MeshPayoffTest.views()).discoverySelectors());
  }

  @Test
  void aNamespaceNoOtherNamespaceCalledIsACandidateWithItsOwnCallsListed() {
    List<WorkloadView> views = new ArrayList<>(MeshPayoffTest.views());
    views.add(withSidecar(graph("batch", "worker", "sidecar", 1, tcp(svc("queue", "batch"), 5672)),
        "./queue.batch.svc.cluster.local"));
    views.add(without(graph("batch", "queue", "sidecar", 2), "no Sidecar published yet"));
    MeshReport r = report(views);
    assertEquals(1, r.discoverySelectors().size());
    NamespaceAdvice batch = r.discoverySelectors().get(0);
    assertEquals("batch", batch.namespace());
    assertEquals(List.of(svc("queue", "batch")), batch.services());
    assertEquals(List.of("batch/worker -> " + svc("queue", "batch")), batch.callsWithin());
    // outside batch: the 8 proxies of the first mesh; queue costs each 1 cluster and 2 endpoints
    assertEquals(8, batch.proxiesOutside());
    assertEquals(new Range(8 * 120, 8 * 240), batch.saving());
  }

  @Test
  void theControlPlanesServicesAreNeverAdvised() {
    DependencyGraph app = graph("shop", "web", "sidecar", 1);
    DependencyGraph gateway = graph("istio-system", "istio-ingressgateway", "router", 1,
        http(svc("istiod", "istio-system"), 15014));
    MeshReport r = report(List.of(without(app, "x"), without(gateway, "y")));
    assertEquals(List.of(), r.exportTo());
    assertEquals(List.of(), r.discoverySelectors());
  }

  @Test
  void aServiceNobodyCalledSaysSo() {
    DependencyGraph web = graph("shop", "web", "sidecar", 1, http(svc("cart", "shop"), 8080));
    MeshReport r = payoff.report(List.of(without(web, "x")), ServiceInventory.withRegistry(List.of(web),
        MeshPayoffTest.MAPPER, List.of(MeshPayoffTest.declared(svc("legacy", "shop"), Set.of(80), Set.of(80)))),
        MeshPayoffTest.NOW);
    ExportToAdvice legacy = r.exportTo().stream().filter(a -> a.host().startsWith("legacy")).findFirst().orElseThrow();
    assertEquals(List.of(), legacy.callers());
    assertTrue(legacy.ifWrong().contains("no call to it at all was seen"), legacy.ifWrong());
  }

  @Test
  void aCallRefusedForRoomInTheGraphIsEvidenceToo() {
    // A gateway whose graph was full: its call to cart is a refusal for room, not an edge, but it
    // is still a call from outside shop, and exportTo: ["."] would break it.
    DependencyGraph full = graph("istio-system", "istio-ingressgateway", "router", 1);
    DependencyGraph gateway = new DependencyGraph(full.schemaVersion(), full.workload(), full.role(), full.revision(),
        full.updatedAt(), full.windowStart(), full.windowEnd(), full.edges(),
        List.of(new RejectedHost(svc("cart", "shop"), "edge-limit", 3, MeshPayoffTest.NOW),
            new RejectedHost(svc("redis", "shop"), "invalid-host", 3, MeshPayoffTest.NOW)),
        1, null);
    List<WorkloadView> views = new ArrayList<>(MeshPayoffTest.views());
    views.removeIf(v -> v.graph().workload().key().equals("istio-system/istio-ingressgateway"));
    views.add(without(gateway, "x"));
    MeshReport r = report(views);
    assertEquals(List.of(svc("redis", "shop")), r.exportTo().stream().map(ExportToAdvice::host).toList(),
        "only a refusal for room is a call: a host refused for what it is was never called");
  }

  @Test
  void hostsEveryProxyIsGivenAreNeverAdvised() {
    // The receiver: proxies stream their logs to it, and no access log shows that.
    DependencyGraph app = graph("shop", "web", "sidecar", 1);
    DependencyGraph receiver = graph("meshscope", "meshscope-receiver", "sidecar", 1);
    DependencyGraph alone = graph("quiet", "job", "sidecar", 1);
    List<WorkloadView> views = List.of(without(app, "x"), without(receiver, "y"), without(alone, "z"));
    List<DependencyGraph> graphs = views.stream().map(WorkloadView::graph).toList();
    ServiceInventory inventory = ServiceInventory.withRegistry(graphs, MeshPayoffTest.MAPPER, List.of(
        MeshPayoffTest.declared(svc("meshscope-receiver", "meshscope"), Set.of(9001), Set.of(9001)),
        MeshPayoffTest.declared(svc("job", "quiet"), Set.of(80), Set.of(80))));
    MeshPayoff configured = new MeshPayoff(ROUND, Set.of("istio-system"),
        List.of(EgressHost.parse("meshscope/" + svc("meshscope-receiver", "meshscope")), EgressHost.parse("quiet/*")));
    MeshReport r = configured.report(views, inventory, MeshPayoffTest.NOW);
    assertEquals(List.of(), r.exportTo());
    assertEquals(List.of(), r.discoverySelectors());
    MeshReport unconfigured = payoff.report(views, inventory, MeshPayoffTest.NOW);
    assertEquals(List.of(svc("job", "quiet"), svc("meshscope-receiver", "meshscope")),
        unconfigured.exportTo().stream().map(ExportToAdvice::host).toList(), "advised when nothing says otherwise");
  }
}
