package io.meshscope.generator.domain;

import static io.meshscope.generator.domain.Bookinfo.svc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshscope.schemas.DependencyGraph;
import io.meshscope.schemas.Edge;
import io.meshscope.schemas.WorkloadRef;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SidecarRendererTest {

  private final SidecarRenderer defaults = SidecarRenderer.builder().build();

  private static RenderedSidecar rendered(SidecarRenderer renderer, DependencyGraph graph) {
    RenderedSidecar sidecar = assertInstanceOf(RenderedSidecar.class, renderer.render(graph));
    CrdSchema.assertValid(sidecar.yaml());
    assertEquals(sidecar.hosts(), CrdSchema.egressHosts(CrdSchema.readSingleDocument(sidecar.yaml())),
        "the YAML says what the result says");
    return sidecar;
  }

  private static SkippedWorkload skipped(SidecarRenderer renderer, DependencyGraph graph) {
    return assertInstanceOf(SkippedWorkload.class, renderer.render(graph));
  }

  @Test
  void placesHostsByNamespace() {
    DependencyGraph graph = Graphs.graph("bookinfo", "productpage", 1,
        Graphs.edge(svc("details")),
        Graphs.edge("httpbin.other.svc.cluster.local"),
        Graphs.edge("api.example.com"),
        Graphs.edge("*.googleapis.com"));

    assertEquals(List.of("*/*.googleapis.com", "*/api.example.com", "./details.bookinfo.svc.cluster.local",
        "istio-system/*", "other/httpbin.other.svc.cluster.local"), rendered(defaults, graph).hosts());
  }

  @Test
  void dropsAndReportsHostsThatAreNotValid() {
    DependencyGraph graph = Graphs.graph("bookinfo", "productpage", 1,
        Graphs.edge(svc("details")), Graphs.edge("10.1.2.3"), Graphs.edge("Evil.Example.com"),
        Graphs.edge("a: b\n- */*"));

    RenderedSidecar sidecar = rendered(defaults, graph);

    assertEquals(List.of("./details.bookinfo.svc.cluster.local", "istio-system/*"), sidecar.hosts());
    assertEquals(List.of(new DroppedHost("10.1.2.3", "ip-literal"), new DroppedHost("Evil.Example.com", "bad-label"),
        new DroppedHost("a: b\\u000a- */*", "bad-wildcard")), sidecar.dropped());
  }

  @Test
  void appliesDefaultsPinsAndExclusions() {
    SidecarRenderer renderer = SidecarRenderer.builder()
        .defaultHosts(List.of("istio-system/*", "monitoring/prometheus.monitoring.svc.cluster.local"))
        .pinnedHosts("bookinfo/productpage", List.of("api.example.com", "./*", svc("ratings")))
        .excludedHosts("bookinfo/productpage", List.of("tracking.example.com", "istio-system/*"))
        .build();
    DependencyGraph graph = Graphs.graph("bookinfo", "productpage", 1,
        Graphs.edge(svc("details")), Graphs.edge("tracking.example.com"));

    RenderedSidecar sidecar = rendered(renderer, graph);

    assertEquals(List.of("*/api.example.com", "./*", "./details.bookinfo.svc.cluster.local",
        "./ratings.bookinfo.svc.cluster.local", "monitoring/prometheus.monitoring.svc.cluster.local"), sidecar.hosts());
    assertEquals(List.of("*/tracking.example.com", "istio-system/*"), sidecar.excluded());
    assertEquals(Set.of(HostSource.PINNED), sidecar.sources().get("./*").origins());
    assertEquals(Set.of(HostSource.DEFAULT), sidecar.sources().get("monitoring/prometheus.monitoring.svc.cluster.local")
        .origins());
    // Pins and exclusions belong to their workload only.
    assertEquals(List.of("*/tracking.example.com", "./details.bookinfo.svc.cluster.local", "istio-system/*",
            "monitoring/prometheus.monitoring.svc.cluster.local"),
        rendered(renderer, Graphs.graph("bookinfo", "reviews", 1, Graphs.edge(svc("details")),
            Graphs.edge("tracking.example.com"))).hosts());
  }

  @Test
  void aLearnedHostThatIsAlsoPinnedCarriesBothOrigins() {
    SidecarRenderer renderer = SidecarRenderer.builder()
        .pinnedHosts("bookinfo/productpage", List.of(svc("details"))).build();

    RenderedSidecar sidecar = rendered(renderer, Graphs.graph("bookinfo", "productpage", 1, Graphs.edge(svc("details"))));

    HostSource source = sidecar.sources().get("./details.bookinfo.svc.cluster.local");
    assertEquals(Set.of(HostSource.LEARNED, HostSource.PINNED), source.origins());
    assertEquals(svc("details"), source.edge().host());
  }

  @Test
  void importsNothingWhenNothingIsLeft() {
    SidecarRenderer noDefaults = SidecarRenderer.builder().defaultHosts(List.of()).build();

    RenderedSidecar sidecar = rendered(noDefaults, Bookinfo.details());

    // An empty list is invalid for Istio and no egress at all would import the whole mesh.
    assertEquals(List.of("~/*"), sidecar.hosts());
    assertTrue(sidecar.yaml().contains("    - \"~/*\"\n"), sidecar.yaml());
  }

  @Test
  void rendersAdaptivePerNamespaceAndPerWorkload() {
    SidecarRenderer renderer = SidecarRenderer.builder()
        .adaptiveNamespaces(List.of("legacy"))
        .adaptiveWorkloads(List.of("bookinfo/reviews"))
        .egressProxy("egress.corp.example.com", 3128)
        .build();

    RenderedSidecar legacy = rendered(renderer, Graphs.graph("legacy", "billing", 1, Graphs.edge("api.example.com")));
    RenderedSidecar reviews = rendered(renderer, Bookinfo.reviews());
    RenderedSidecar productpage = rendered(renderer, Bookinfo.productpage());

    assertEquals(GeneratorMode.ADAPTIVE, legacy.mode());
    assertEquals(List.of("*/api.example.com", "*/egress.corp.example.com", "istio-system/*"), legacy.hosts());
    assertTrue(legacy.yaml().endsWith("""
          outboundTrafficPolicy:
            mode: ALLOW_ANY
            egressProxy:
              host: egress.corp.example.com
              port:
                number: 3128
        """), legacy.yaml());
    assertEquals(GeneratorMode.ADAPTIVE, reviews.mode());
    assertEquals(GeneratorMode.RECOMMEND, productpage.mode());
    assertTrue(!productpage.yaml().contains("outboundTrafficPolicy"), productpage.yaml());
  }

  @Test
  void keepsTheEgressProxyHostEvenWhenExcluded() {
    SidecarRenderer renderer = SidecarRenderer.builder()
        .mode(GeneratorMode.ADAPTIVE)
        .egressProxy("istio-egressgateway.istio-system.svc.cluster.local", 443)
        .excludedHosts("istio-system/cron", List.of("istio-egressgateway.istio-system.svc.cluster.local"))
        .build();

    RenderedSidecar sidecar = rendered(renderer, Graphs.graph("istio-system", "cron", 1));

    // In its own namespace the proxy host is "./": the mapping is the same as for a learned host.
    assertEquals(List.of("./istio-egressgateway.istio-system.svc.cluster.local", "istio-system/*"), sidecar.hosts());
  }

  @ParameterizedTest
  @ValueSource(strings = {"router", "waypoint", "ztunnel", "other"})
  void givesNoSidecarToProxiesThatAreNotSidecars(String role) {
    DependencyGraph graph = Graphs.graph(Graphs.workload("istio-system", "gw"), role, 1, List.of());

    assertEquals("proxy role '" + role + "' is not a sidecar: gateways, waypoints and ztunnel take no Sidecar resource",
        skipped(defaults, graph).reason());
  }

  @Test
  void givesNoSidecarToAWorkloadWithoutSelector() {
    DependencyGraph graph = Graphs.graph(WorkloadRef.of("bookinfo", "legacy", Map.of()), 3,
        List.of(Graphs.edge(svc("details"))));

    SkippedWorkload skip = skipped(defaults, graph);

    assertEquals("no selector label: the workload's name did not come from a pod label"
        + " (service.istio.io/canonical-name, app.kubernetes.io/name or app), so no Sidecar can select its pods",
        skip.reason());
    assertEquals(3, skip.graphRevision());
  }

  @Test
  void givesNoSidecarWhenNoSelectorSelectsEveryInstance() {
    DependencyGraph g = Graphs.graph(WorkloadRef.of("bookinfo", "productpage", Map.of()), 4,
        List.of(Graphs.edge(svc("details"))));
    DependencyGraph graph = new DependencyGraph(g.schemaVersion(), g.workload(), g.role(), g.revision(), g.updatedAt(),
        g.windowStart(), g.windowEnd(), g.edges(), g.rejected(), 2,
        "no name label is on every instance with one value: app=productpage on 1 of 2");

    assertEquals("no selector selects every instance seen within the edge TTL: no name label is on every instance"
        + " with one value: app=productpage on 1 of 2", skipped(defaults, graph).reason());
  }

  @Test
  void givesNoSidecarToNamesKubernetesWouldRefuse() {
    assertEquals("workload name 'My_App' is not a lower-case RFC 1123 subdomain, so it cannot name a Sidecar",
        skipped(defaults, Graphs.graph(WorkloadRef.of("bookinfo", "My_App", Map.of("app", "My_App")), 1, List.of()))
            .reason());
    assertEquals("workload name '../../etc' is not a lower-case RFC 1123 subdomain, so it cannot name a Sidecar",
        skipped(defaults, Graphs.graph(WorkloadRef.of("bookinfo", "../../etc", Map.of("app", "x")), 1, List.of()))
            .reason());
    assertEquals("namespace 'a\\u000ab' is not a lower-case RFC 1123 label",
        skipped(defaults, Graphs.graph(WorkloadRef.of("a\nb", "x", Map.of("app", "x")), 1, List.of())).reason());
    assertEquals("selector label app='*' is not a valid label value",
        skipped(defaults, Graphs.graph(WorkloadRef.of("bookinfo", "x", Map.of("app", "*")), 1, List.of())).reason());
    assertEquals("selector label key 'a b' is not a valid label name",
        skipped(defaults, Graphs.graph(WorkloadRef.of("bookinfo", "x", Map.of("a b", "x")), 1, List.of())).reason());
  }

  @Test
  void selectsByTheLabelTheNameCameFrom() {
    WorkloadRef workload = WorkloadRef.of("bookinfo", "ratings", Map.of("service.istio.io/canonical-name", "ratings"));

    RenderedSidecar sidecar = rendered(defaults, Graphs.graph(workload, 1, List.of()));

    assertTrue(sidecar.yaml().contains("""
          workloadSelector:
            labels:
              service.istio.io/canonical-name: ratings
        """), sidecar.yaml());
  }

  @Test
  void ignoresTheOrderOfEdgesAndMergesDuplicates() {
    List<Edge> edges = new ArrayList<>(List.of(Graphs.edge(svc("details")), Graphs.edge("api.example.com"),
        Graphs.edge(svc("reviews")), Graphs.urgent("api.example.com"), Graphs.edge("*.example.org")));
    String expected = rendered(defaults, Graphs.graph(Graphs.workload("bookinfo", "productpage"), 1, edges)).yaml();
    Random random = new Random(7);
    for (int i = 0; i < 20; i++) {
      Collections.shuffle(edges, random);
      RenderedSidecar again = rendered(defaults, Graphs.graph(Graphs.workload("bookinfo", "productpage"), 1, edges));
      assertEquals(expected, again.yaml());
      Edge merged = again.sources().get("*/api.example.com").edge();
      assertEquals(2, merged.count());
      assertEquals(Set.of("blackhole", "outbound-cluster"), merged.provenance());
      assertTrue(merged.urgent());
    }
  }

  @Test
  void theContentKeyIgnoresOnlyProvenance() {
    RenderedSidecar rev1 = rendered(defaults, Graphs.graph("bookinfo", "productpage", 1, Graphs.edge(svc("details"))));
    RenderedSidecar rev2 = rendered(defaults, Graphs.graph("bookinfo", "productpage", 2,
        Graphs.http(svc("details"), 9080, Graphs.T0.plusSeconds(5), Graphs.T0.plusSeconds(99), 9)));
    RenderedSidecar more = rendered(defaults, Graphs.graph("bookinfo", "productpage", 3, Graphs.edge(svc("details")),
        Graphs.edge(svc("reviews"))));

    assertNotEquals(rev1.yaml(), rev2.yaml());
    assertEquals(rev1.contentKey(), rev2.contentKey());
    assertNotEquals(rev1.contentKey(), more.contentKey());
    assertTrue(!rev1.contentKey().contains("meshscope.io/"), rev1.contentKey());
  }

  @Test
  void aRestoredSidecarHasTheRenderersContentKey() {
    for (SidecarRenderer renderer : List.of(defaults, SidecarRenderer.builder().mode(GeneratorMode.ADAPTIVE)
        .egressProxy("istio-egressgateway.istio-system.svc.cluster.local", 443).build())) {
      for (DependencyGraph graph : Bookinfo.all()) {
        RenderedSidecar sidecar = rendered(renderer, graph);
        RenderedSidecar restored = SidecarYaml.restore(sidecar.workload(), sidecar.graphRevision(), sidecar.mode(),
            sidecar.yaml());
        assertEquals(sidecar.contentKey(), restored.contentKey());
        assertEquals(sidecar.hosts(), restored.hosts());
      }
    }
  }

  @Test
  void keepsRetainedEntriesTheGraphNoLongerShows() {
    HostSource old = HostSource.of(List.of(HostSource.LEARNED), Graphs.edge(svc("details")));

    RenderedSidecar sidecar = assertInstanceOf(RenderedSidecar.class,
        defaults.render(Bookinfo.reviews(), Map.of("./details.bookinfo.svc.cluster.local", old)));

    assertEquals(List.of("./details.bookinfo.svc.cluster.local", "./ratings.bookinfo.svc.cluster.local",
        "istio-system/*"), sidecar.hosts());
    assertEquals(old, sidecar.sources().get("./details.bookinfo.svc.cluster.local"));
    assertThrows(IllegalArgumentException.class, () -> defaults.render(Bookinfo.reviews(), Map.of("*/*", old)));
  }

  @Test
  void rebuildsItsSettingsFromToBuilder() {
    SidecarRenderer renderer = SidecarRenderer.builder()
        .meshDomain("corp.internal")
        .defaultHosts(List.of("istio-system/*", "./*"))
        .pinnedHosts("bookinfo/productpage", List.of("api.example.com"))
        .excludedHosts("bookinfo/productpage", List.of("x.example.com"))
        .adaptiveNamespaces(List.of("legacy"))
        .egressProxy("egress.corp.internal", 443)
        .build();

    SidecarRenderer copy = renderer.toBuilder().build();

    assertEquals(renderer.toString(), copy.toString());
    assertEquals("""
        mode=recommend
        meshDomain=corp.internal
        defaultHosts=[istio-system/*, ./*]
        egressProxy=egress.corp.internal:443
        adaptive.namespaces=[legacy]
        adaptive.workloads=[]
        pinnedHosts={bookinfo/productpage=[api.example.com]}
        excludedHosts={bookinfo/productpage=[x.example.com]}""", renderer.toString());
  }
}
