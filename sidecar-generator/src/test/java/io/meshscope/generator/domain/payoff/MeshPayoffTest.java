package io.meshscope.generator.domain.payoff;

import static io.meshscope.generator.domain.Graphs.T0;
import static io.meshscope.generator.domain.payoff.Meshes.ROUND;
import static io.meshscope.generator.domain.payoff.Meshes.graph;
import static io.meshscope.generator.domain.payoff.Meshes.http;
import static io.meshscope.generator.domain.payoff.Meshes.svc;
import static io.meshscope.generator.domain.payoff.Meshes.tcp;
import static io.meshscope.generator.domain.payoff.Meshes.withSidecar;
import static io.meshscope.generator.domain.payoff.Meshes.without;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshscope.generator.domain.EgressHostMapper;
import io.meshscope.schemas.DependencyGraph;
import io.meshscope.schemas.MeshReport;
import io.meshscope.schemas.MeshReport.Footprint;
import io.meshscope.schemas.MeshReport.Range;
import io.meshscope.schemas.MeshReport.WorkloadPayoff;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The payoff of a small mesh, every figure worked out by hand (in the comments) with the round test
 * costs: base 10-20 B, cluster 100-200, endpoint 10-20, HTTP route entry 1-2.
 */
class MeshPayoffTest {

  static final Instant NOW = Instant.parse("2025-03-01T12:00:00Z");
  static final EgressHostMapper MAPPER = new EgressHostMapper("cluster.local");
  static final String STRIPE = "api.stripe.com";

  // Services seen (ports, HTTP ports, endpoints = instances of the workload of that name):
  //   cart.shop   8080 http, 3 endpoints     -> 1 cluster, 3 endpoints, 1 route entry
  //   charge.pay  9090 http, 1               -> 1, 1, 1
  //   stripe      443 tcp, no namespace, 1   -> 1, 1, 0
  //   redis.shop  6379 tcp, no workload, 1   -> 1, 1, 0
  //   ledger.pay  8080+8081 http, 1          -> 2, 2, 2
  //   web.shop    80 http, 2                 -> 1, 2, 1
  // Everything: 6 services, 7 clusters, 10 endpoints, 5 route entries; 815-1630 B per proxy.
  static final DependencyGraph WEB = graph("shop", "web", "sidecar", 2,
      http(svc("cart", "shop"), 8080), http(svc("charge", "pay"), 9090), tcp(STRIPE, 443));
  static final DependencyGraph CART = graph("shop", "cart", "sidecar", 3, tcp(svc("redis", "shop"), 6379));
  static final DependencyGraph CHARGE = graph("pay", "charge", "sidecar", 1,
      tcp(STRIPE, 443), http(svc("ledger", "pay"), 8080, 8081));
  static final DependencyGraph LEDGER = graph("pay", "ledger", "sidecar", 1);
  static final DependencyGraph GATEWAY = graph("istio-system", "istio-ingressgateway", "router", 1,
      http(svc("web", "shop"), 80));
  /** Known only from ledger's inbound logs: no proxy of its own was seen. */
  static final DependencyGraph SCANNER = graph("audit", "scanner", "unknown", 0, http(svc("ledger", "pay"), 8080));

  static List<WorkloadView> views() {
    return List.of(
        withSidecar(WEB, "./cart.shop.svc.cluster.local", "pay/charge.pay.svc.cluster.local", "*/api.stripe.com",
            "istio-system/*"),
        withSidecar(CART, "./redis.shop.svc.cluster.local", "istio-system/*"),
        withSidecar(CHARGE, "*/api.stripe.com", "./ledger.pay.svc.cluster.local", "istio-system/*"),
        without(LEDGER, "no Sidecar published yet"),
        without(GATEWAY, "role router: a Sidecar does not apply to gateways"),
        without(SCANNER, "no Sidecar published yet"));
  }

  static List<DependencyGraph> graphs() {
    return views().stream().map(WorkloadView::graph).toList();
  }

  final MeshPayoff payoff = new MeshPayoff(ROUND, Set.of("istio-system"));

  @Test
  void everyProxyWithoutASidecarReceivesEveryServicePortAndEndpoint() {
    MeshReport r = payoff.report(views(), ServiceInventory.fromGraphs(graphs(), MAPPER), NOW);
    assertEquals(new MeshReport.Inventory("logs", 6, 7, true, r.inventory().notes()), r.inventory());
    // 10 + 7*100 + 10*10 + 5*1 = 815; 20 + 1400 + 200 + 10 = 1630
    Footprint all = new Footprint(6, 7, 10, 5, new Range(815, 1630));
    for (WorkloadPayoff w : r.workloads()) {
      assertEquals(all, w.withoutPerProxy(), w.workload());
    }
  }

  @Test
  void eachSidecarReceivesWhatItsEgressHostsImport() {
    MeshReport r = payoff.report(views(), ServiceInventory.fromGraphs(graphs(), MAPPER), NOW);
    // web: cart + charge + stripe = 3 clusters, 3+1+1 endpoints, 2 route entries: 10+300+50+2 = 362
    assertEquals(new Footprint(3, 3, 5, 2, new Range(362, 724)), row(r, "shop/web").withPerProxy());
    // cart: redis only (istio-system/* imports nothing here: no istio-system service is known)
    assertEquals(new Footprint(1, 1, 1, 0, new Range(120, 240)), row(r, "shop/cart").withPerProxy());
    // charge: stripe + ledger's two ports: 3 clusters, 1+2 endpoints, 2 route entries
    assertEquals(new Footprint(2, 3, 3, 2, new Range(342, 684)), row(r, "pay/charge").withPerProxy());
    assertEquals(row(r, "pay/ledger").withoutPerProxy(), row(r, "pay/ledger").withPerProxy());
    assertEquals("none", row(r, "istio-system/istio-ingressgateway").sidecar());
  }

  @Test
  void totalsMultiplyEachWorkloadByItsProxiesAndLeaveOutWorkloadsNoProxyReported() {
    MeshReport r = payoff.report(views(), ServiceInventory.fromGraphs(graphs(), MAPPER), NOW);
    MeshReport.Totals t = r.totals();
    assertEquals(5, t.workloads(), "audit/scanner reported no proxy of its own");
    assertEquals(8, t.proxies()); // 2 + 3 + 1 + 1 + 1
    assertEquals(6, t.proxiesWithSidecar()); // web, cart, charge
    assertEquals(new Footprint(48, 56, 80, 40, new Range(6520, 13040)), t.without());
    // clusters 3*2 + 1*3 + 3 + 7 + 7 = 26; endpoints 10 + 3 + 3 + 10 + 10 = 36; routes 4 + 0 + 2 + 5 + 5 = 16
    // memory 724 + 360 + 342 + 815 + 815 = 3056; 1448 + 720 + 684 + 1630 + 1630 = 6112
    assertEquals(new Footprint(23, 26, 36, 16, new Range(3056, 6112)), t.with());
    assertEquals(53.6, t.clusterReductionPercent()); // 30 / 56
    assertEquals(53.1, t.memoryReductionPercent()); // (9780 - 4584) / 9780
    assertTrue(r.workloads().stream().noneMatch(w -> w.workload().equals("audit/scanner")));
  }

  @Test
  void theWindowSpansEveryGraphsEvidence() {
    MeshReport r = payoff.report(views(), ServiceInventory.fromGraphs(graphs(), MAPPER), NOW);
    assertEquals(T0, r.windowStart());
    assertEquals(T0.plusSeconds(3600), r.windowEnd());
    assertEquals(NOW, r.generatedAt());
  }

  @Test
  void istioSystemStarImportsEveryIstioSystemServiceOfTheRegistry() {
    List<RegistryServices.Declared> registry = List.of(
        declared(svc("istiod", "istio-system"), Set.of(15010, 15012, 443, 15014), Set.of(15010, 15014)),
        declared(svc("cart", "shop"), Set.of(8080), Set.of(8080)),
        declared(svc("legacy", "shop"), Set.of(80, 8443), Set.of(80)));
    ServiceInventory inventory = ServiceInventory.withRegistry(graphs(), MAPPER, registry);
    MeshReport r = payoff.report(views(), inventory, NOW);
    assertFalse(r.inventory().lowerBound());
    assertEquals("registry", r.inventory().source());
    // registry 3 + seen only in logs: charge, stripe, redis, ledger, web = 8 services
    assertEquals(8, r.inventory().services());
    // cart: redis (1 cluster, 1 endpoint) + istiod's 4 ports (4 clusters, 4 endpoints, 2 route entries)
    assertEquals(new Footprint(2, 5, 5, 2, new Range(10 + 500 + 50 + 2, 20 + 1000 + 100 + 4)),
        row(r, "shop/cart").withPerProxy());
    // legacy, which nobody called, is in every proxy without a Sidecar: 2 more clusters
    assertEquals(7 + 4 + 2, row(r, "pay/ledger").withoutPerProxy().clusters());
  }

  @Test
  void aSidecarWithAnEntryThatIsNotNamespaceSlashHostClaimsNoSaving() {
    WorkloadView odd = withSidecar(CART, "./redis.shop.svc.cluster.local", "not an entry");
    MeshReport r = payoff.report(List.of(odd), ServiceInventory.fromGraphs(graphs(), MAPPER), NOW);
    WorkloadPayoff cart = row(r, "shop/cart");
    assertEquals("none", cart.sidecar());
    assertEquals(cart.withoutPerProxy(), cart.withPerProxy());
    assertEquals(0, r.totals().proxiesWithSidecar());
  }

  @Test
  void wildcardEntriesImportTheHostsTheyMatch() {
    DependencyGraph caller = graph("shop", "web", "sidecar", 1, tcp("a.example.com", 443), tcp("b.example.com", 443),
        tcp("example.org", 443));
    MeshReport r = payoff.report(List.of(withSidecar(caller, "*/*.example.com")),
        ServiceInventory.fromGraphs(List.of(caller), MAPPER), NOW);
    assertEquals(2, row(r, "shop/web").withPerProxy().services());
    assertEquals(3, row(r, "shop/web").withoutPerProxy().services());
  }

  @Test
  void anEmptyMeshReportsNothingSaved() {
    MeshReport r = payoff.report(List.of(), ServiceInventory.fromGraphs(List.of(), MAPPER), NOW);
    assertEquals(0, r.totals().proxies());
    assertEquals(0.0, r.totals().clusterReductionPercent());
    assertEquals(null, r.windowStart());
  }

  static WorkloadPayoff row(MeshReport r, String key) {
    return r.workloads().stream().filter(w -> w.workload().equals(key)).findFirst().orElseThrow();
  }

  static RegistryServices.Declared declared(String host, Set<Integer> ports, Set<Integer> http) {
    return new RegistryServices.Declared(host, sorted(ports), sorted(http));
  }

  private static SortedSet<Integer> sorted(Set<Integer> s) {
    return new TreeSet<>(s);
  }
}
