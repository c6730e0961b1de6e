package io.meshscope.generator.domain.payoff;

import static io.meshscope.generator.domain.payoff.Meshes.graph;
import static io.meshscope.generator.domain.payoff.Meshes.http;
import static io.meshscope.generator.domain.payoff.Meshes.svc;
import static io.meshscope.generator.domain.payoff.Meshes.tcp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.meshscope.generator.domain.Bookinfo;
import io.meshscope.generator.domain.Golden;
import io.meshscope.generator.domain.RenderResult;
import io.meshscope.generator.domain.RenderedSidecar;
import io.meshscope.generator.domain.SidecarRenderer;
import io.meshscope.generator.domain.SkippedWorkload;
import io.meshscope.schemas.DependencyGraph;
import io.meshscope.schemas.Edge;
import io.meshscope.schemas.Json;
import io.meshscope.schemas.MeshReport;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The whole report, Markdown and JSON, for Bookinfo and for a small synthetic mesh, with the
 * published cost model, compared with the files under {@code golden/}; and the JSON against the
 * topic's schema.
 */
class MeshReportGoldenTest {

  static final SidecarRenderer RENDERER = SidecarRenderer.builder().build();
  static final MeshPayoff PAYOFF = new MeshPayoff(MemoryModel.PUBLISHED, Set.of("istio-system"));
  static final Instant NOW = Instant.parse("2025-03-01T12:00:00Z");

  /** Bookinfo with its real instance counts (reviews v1-v3) and the ingress gateway in front. */
  static List<DependencyGraph> bookinfo() {
    return List.of(
        instances(Bookinfo.productpage(), 1),
        instances(Bookinfo.details(), 1),
        instances(Bookinfo.reviews(), 3),
        instances(Bookinfo.ratings(), 1),
        graph("istio-system", "istio-ingressgateway", "router", 1, http(svc("productpage", "bookinfo"), 9080)));
  }

  /**
   * Three namespaces of three services each: in each, s0 calls s1 and s1 calls s2; n0's s2 calls
   * n1's s0; n1's s2 calls an external API; n2 calls nothing outside itself and nobody calls into it.
   * Service sK of namespace nI has I + K + 1 instances.
   */
  static List<DependencyGraph> synthetic() {
    List<DependencyGraph> graphs = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      String ns = "n" + i;
      for (int k = 0; k < 3; k++) {
        List<Edge> edges = new ArrayList<>();
        if (k < 2) {
          edges.add(http(svc("s" + (k + 1), ns), 8080, 9090));
        } else if (i == 0) {
          edges.add(http(svc("s0", "n1"), 8080, 9090));
        } else if (i == 1) {
          edges.add(tcp("api.example.com", 443));
        }
        graphs.add(graph(ns, "s" + k, "sidecar", i + k + 1, edges.toArray(Edge[]::new)));
      }
    }
    return graphs;
  }

  static MeshReport report(List<DependencyGraph> graphs) {
    List<WorkloadView> views = graphs.stream().map(MeshReportGoldenTest::rendered).toList();
    return PAYOFF.report(views, ServiceInventory.fromGraphs(graphs, RENDERER.mapper()), NOW);
  }

  @Test
  void bookinfo_markdown() {
    Golden.assertMatches("mesh-report-bookinfo.md", MeshReportMarkdown.render(report(bookinfo())));
  }

  @Test
  void bookinfo_json() throws Exception {
    Golden.assertMatches("mesh-report-bookinfo.json", json(report(bookinfo())));
  }

  @Test
  void synthetic_markdown() {
    Golden.assertMatches("mesh-report-synthetic.md", MeshReportMarkdown.render(report(synthetic())));
  }

  @Test
  void syntheticMeshAdvisesItsIsolatedNamespace() {
    MeshReport r = report(synthetic());
    assertEquals(List.of("n2"), r.discoverySelectors().stream().map(MeshReport.NamespaceAdvice::namespace).toList());
    // n0's s1 and s2 (s0 has no caller at all), n1's s1 and s2 (s0 is called from n0), and all of n2
    assertEquals(List.of(svc("s1", "n0"), svc("s1", "n1"), svc("s1", "n2"), svc("s2", "n0"), svc("s2", "n1"),
        svc("s2", "n2")), r.exportTo().stream().map(MeshReport.ExportToAdvice::host).toList());
  }

  @Test
  void reportsOnTheTopicMatchItsSchema() throws Exception {
    SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    try (InputStream in = getClass().getResourceAsStream("/meshscope/schemas/mesh-report.schema.json")) {
      Schema schema = registry.getSchema(in);
      for (MeshReport r : List.of(report(bookinfo()), report(synthetic()), report(List.of()))) {
        List<Error> errors = schema.validate(Json.mapper().readTree(json(r)));
        assertTrue(errors.isEmpty(), errors.toString());
      }
    }
  }

  @Test
  void theMarkdownHeadlineGivesTheFiguresAUserCameFor() {
    String headline = MeshReportMarkdown.headline(report(bookinfo()));
    assertTrue(headline.startsWith("Mesh payoff: 7 proxies (6 with a Sidecar)"), headline);
    assertTrue(headline.contains("a lower bound"), headline);
  }

  @Test
  void aHostileWorkloadNameCannotBreakTheTableOrAddALine() {
    DependencyGraph hostile = graph("shop", "web", "sidecar", 1, http(svc("cart", "shop"), 8080));
    MeshReport r = PAYOFF.report(List.of(new WorkloadView(hostile, null, "evil | reason\n# injected heading")),
        ServiceInventory.fromGraphs(List.of(hostile), RENDERER.mapper()), NOW);
    String md = MeshReportMarkdown.render(r);
    assertFalse(md.contains("\n# injected"), md);
    assertTrue(md.contains("evil \\| reason\\u000a# injected heading"), md);
  }

  static String json(MeshReport r) throws Exception {
    JsonNode tree = Json.mapper().readTree(Json.mapper().writeValueAsBytes(r));
    return Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(tree) + "\n";
  }

  static WorkloadView rendered(DependencyGraph graph) {
    RenderResult result = RENDERER.render(graph);
    if (result instanceof RenderedSidecar s) {
      return new WorkloadView(graph, s.hosts(), null);
    }
    return new WorkloadView(graph, null, ((SkippedWorkload) result).reason());
  }

  static DependencyGraph instances(DependencyGraph g, int instances) {
    return new DependencyGraph(g.schemaVersion(), g.workload(), g.role(), g.revision(), g.updatedAt(),
        g.windowStart(), g.windowEnd(), g.edges(), g.rejected(), instances, null);
  }
}
