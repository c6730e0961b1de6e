package io.meshscope.generator.domain;

import static io.meshscope.generator.domain.Bookinfo.svc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.meshscope.schemas.ChangeSummary;
import io.meshscope.schemas.DependencyGraph;
import io.meshscope.schemas.Edge;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Bookinfo's Sidecars and summaries, compared whole with the files under {@code golden/}. */
class BookinfoGoldenTest {

  private static final SidecarRenderer DEFAULTS = SidecarRenderer.builder().build();

  static Stream<Arguments> bookinfo() {
    return Stream.of(
        Arguments.of("productpage.yaml", Bookinfo.productpage()),
        Arguments.of("reviews.yaml", Bookinfo.reviews()),
        Arguments.of("ratings.yaml", Bookinfo.ratings()),
        Arguments.of("details.yaml", Bookinfo.details()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("bookinfo")
  void rendersBookinfoSidecars(String golden, DependencyGraph graph) {
    Golden.assertMatches(golden, sidecar(DEFAULTS, graph).yaml());
  }

  @Test
  void rendersAnAdaptiveSidecarWithTheEgressProxyAmongItsHosts() {
    SidecarRenderer adaptive = SidecarRenderer.builder()
        .adaptiveWorkloads(List.of("bookinfo/productpage"))
        .egressProxy("istio-egressgateway.istio-system.svc.cluster.local", 443)
        .build();
    Golden.assertMatches("productpage-adaptive.yaml", sidecar(adaptive, Bookinfo.productpage()).yaml());
    // Only the configured workload turns adaptive.
    Golden.assertMatches("reviews.yaml", sidecar(adaptive, Bookinfo.reviews()).yaml());
  }

  @Test
  void summarizesTheFirstEmission() {
    RenderedSidecar productpage = sidecar(DEFAULTS, Bookinfo.productpage());
    ChangeSummary summary = ChangeSummaries.between(null, productpage, EmitTrigger.FIRST, meshServices());
    Golden.assertMatches("productpage.summary.txt", ChangeSummaryText.render(productpage.workload(), summary));
  }

  @Test
  void summarizesAChangeWithEvidenceOfAddedAndRemovedHosts() {
    RenderedSidecar before = sidecar(DEFAULTS, Bookinfo.productpage());
    List<Edge> edges = new ArrayList<>(Bookinfo.productpage().edges());
    edges.removeIf(e -> e.host().equals(svc("details")));
    edges.add(Graphs.http(svc("ratings"), 9080, Graphs.T0.plusSeconds(7200), Graphs.T0.plusSeconds(7500), 7));
    RenderedSidecar after = sidecar(DEFAULTS, Graphs.graph(Graphs.workload("bookinfo", "productpage"), 3, edges));

    ChangeSummary summary = ChangeSummaries.between(before, after, EmitTrigger.CHANGE, meshServices());

    Golden.assertMatches("productpage-change.summary.txt", ChangeSummaryText.render(after.workload(), summary));
  }

  @Test
  void rendersTheSameBytesEveryTime() {
    for (DependencyGraph graph : Bookinfo.all()) {
      assertEquals(sidecar(DEFAULTS, graph).yaml(), sidecar(SidecarRenderer.builder().build(), graph).yaml());
    }
  }

  private static MeshServices meshServices() {
    return MeshServices.of(List.of(svc("details"), svc("reviews"), svc("ratings"), svc("mongodb")),
        DEFAULTS.mapper());
  }

  static RenderedSidecar sidecar(SidecarRenderer renderer, DependencyGraph graph) {
    return assertInstanceOf(RenderedSidecar.class, renderer.render(graph));
  }
}
