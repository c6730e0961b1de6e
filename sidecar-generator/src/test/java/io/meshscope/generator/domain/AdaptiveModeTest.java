package io.meshscope.generator.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshscope.schemas.DependencyGraph;
import io.meshscope.schemas.Edge;
import io.meshscope.schemas.SidecarRecommendation;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A pod's {@code sidecar.meshscope.io/mode}, and the fallback status of adaptive Sidecars (docs/adaptive.md). */
class AdaptiveModeTest {
  private static final Instant T0 = Graphs.T0;
  private static final SidecarRenderer RENDERER = SidecarRenderer.builder().build();

  private static DependencyGraph withMode(DependencyGraph g, String mode, String source) {
    return new DependencyGraph(g.schemaVersion(), g.workload(), g.role(), g.revision(), g.updatedAt(), g.windowStart(),
        g.windowEnd(), g.edges(), g.rejected(), g.instances(), g.selectorConflict(), mode, source);
  }

  @Test
  void aPodsModeOverridesTheConfigAndTheYamlAndRecordSayWhereItCameFrom() {
    DependencyGraph g = withMode(Graphs.graph("shop", "cart", 1, Graphs.edge("db.shop.svc.cluster.local")),
        "adaptive", "annotation sidecar.meshscope.io/mode=adaptive on 2 of 2 pods");
    RenderedSidecar s = (RenderedSidecar) RENDERER.render(g);
    assertEquals(GeneratorMode.ADAPTIVE, s.mode());
    assertTrue(s.yaml().contains("""
          outboundTrafficPolicy:
            mode: ALLOW_ANY
            egressProxy:
              host: istio-axds-egressgateway.istio-system.svc.cluster.local
              port:
                number: 80
        """), "the default fallback of deploy/fallback.yaml:\n" + s.yaml());
    assertTrue(s.hosts().contains("istio-system/istio-axds-egressgateway.istio-system.svc.cluster.local")
        || s.hosts().contains("istio-system/*"), "the fallback is imported, as Istio requires: " + s.hosts());
    CrdSchema.assertValid(s.yaml());

    SidecarRecommendation r = new EmitDecision(g.workload(), EmitTrigger.FIRST, s,
        ChangeSummaries.between(null, s, EmitTrigger.FIRST, MeshServices.of(Set.of(), RENDERER.mapper())), T0)
        .toRecommendation();
    assertEquals("annotation sidecar.meshscope.io/mode=adaptive on 2 of 2 pods", r.modeSource());
    assertTrue(EmitDecision.summaryText(r).contains(
        "mode: adaptive (annotation sidecar.meshscope.io/mode=adaptive on 2 of 2 pods)\n"), EmitDecision.summaryText(r));

    SidecarRenderer adaptiveByConfig = SidecarRenderer.builder().mode(GeneratorMode.ADAPTIVE).build();
    DependencyGraph recommend = withMode(g, "recommend", "label sidecar.meshscope.io/mode=recommend on 1 of 1 pod");
    assertEquals(GeneratorMode.RECOMMEND, adaptiveByConfig.render(recommend).mode(), "the pod wins over the config");
  }

  @Test
  void offMeansNoSidecarWithTheReason() {
    DependencyGraph g = withMode(Graphs.graph("shop", "cart", 1, Graphs.edge("db.shop.svc.cluster.local")),
        "off", "label sidecar.meshscope.io/mode=off on 1 of 1 pod");
    SkippedWorkload skipped = assertInstanceOf(SkippedWorkload.class, RENDERER.render(g));
    assertEquals(GeneratorMode.OFF, skipped.mode());
    assertEquals("sidecar.meshscope.io/mode is off, so the workload keeps the whole mesh's configuration"
        + " (label sidecar.meshscope.io/mode=off on 1 of 1 pod)", skipped.reason());
    assertEquals("off", new EmitDecision(g.workload(), EmitTrigger.FIRST, skipped, null, T0).toRecommendation().mode());
  }

  @Test
  void anIgnoredValueIsShownBesideTheConfigsChoice() {
    DependencyGraph g = withMode(Graphs.graph("shop", "cart", 1, Graphs.edge("db.shop.svc.cluster.local")),
        null, "ignored sidecar.meshscope.io/mode annotation 'adaptiv': must be adaptive, recommend or off");
    ModeChoice choice = RENDERER.modeOf(g);
    assertEquals(GeneratorMode.RECOMMEND, choice.mode());
    assertEquals("generator config: mode recommend; ignored sidecar.meshscope.io/mode annotation 'adaptiv': must be"
        + " adaptive, recommend or off", choice.source());
  }

  @Test
  void theConfigNeedsNoEgressProxyForAdaptiveMode() {
    GeneratorConfig config = GeneratorConfig.fromYaml("adaptive: {namespaces: [shop]}\n");
    DependencyGraph g = Graphs.graph("shop", "cart", 1, Graphs.edge("db.shop.svc.cluster.local"));
    assertEquals(GeneratorMode.ADAPTIVE, config.renderer().render(g).mode());
    assertEquals("generator config: adaptive.namespaces", config.renderer().modeOf(g).source());
  }

  // ---- stuck on the fallback ----------------------------------------------------------------

  private static Edge viaFallback(String host, Instant fallbackLast, Instant last) {
    return new Edge(host, T0, last, 3, Set.of(9080), Set.of("HTTP"), Set.of("fallback-authority", "outbound-cluster"),
        false, fallbackLast);
  }

  @Test
  void aListedHostStillReachedThroughTheFallbackIsStuckAndOneGoingDirectShowsTheSidecarApplied() {
    EmitPolicy policy = new EmitPolicy(SidecarRenderer.builder().mode(GeneratorMode.ADAPTIVE).build(),
        new EmitTimings(Duration.ofSeconds(10), Duration.ofSeconds(5)));
    String ratings = "ratings.shop.svc.cluster.local";
    String reviews = "reviews.shop.svc.cluster.local";
    Instant published = T0.plusSeconds(100); // the generator's clock
    Instant renderedUntil = T0; // the logs' time: the last entry of the graph the Sidecar came from
    policy.onGraph(Graphs.graph("shop", "cart", 1, viaFallback(ratings, T0, T0), viaFallback(reviews, T0, T0)), T0);
    assertEquals(1, policy.due(published).size(), "the first Sidecar, listing both");
    assertEquals("no evidence yet", policy.fallbackStatuses().get(0).applied());

    // Within the grace a call may still use the fallback; after it, one to ratings does, one to reviews goes direct.
    Instant late = renderedUntil.plus(FallbackStatus.GRACE).plusSeconds(5);
    policy.onGraph(Graphs.graph("shop", "cart", 2, viaFallback(ratings, late, late),
        viaFallback(reviews, renderedUntil.plusSeconds(2), late)), late);
    FallbackStatus status = policy.fallbackStatuses().get(0);
    assertEquals(Map.of("./" + ratings, late), status.stillThroughFallback());
    assertEquals(List.of("./" + reviews), status.nowDirect());
    assertEquals("partly", status.applied());
    assertTrue(FallbackStatusText.render(policy.fallbackStatuses()).contains(
        "| shop/cart | " + renderedUntil + " | partly | ./" + ratings + " (" + late + ") | ./" + reviews + " |"));

    // Applied at last: ratings goes direct, and nothing is stuck.
    Instant later = late.plusSeconds(10);
    policy.onGraph(Graphs.graph("shop", "cart", 2, viaFallback(ratings, late, later),
        viaFallback(reviews, renderedUntil.plusSeconds(2), late)), later);
    assertEquals("yes", policy.fallbackStatuses().get(0).applied());
    assertEquals(List.of("./" + ratings, "./" + reviews), policy.fallbackStatuses().get(0).nowDirect());
    policy.onGraph(Graphs.graph("shop", "cart", 2, viaFallback(ratings, late, late),
        viaFallback(reviews, renderedUntil.plusSeconds(2), late)), later);

    // The next emission says so in its summary.
    policy.onGraph(Graphs.graph("shop", "cart", 3, viaFallback(ratings, late, late),
        viaFallback(reviews, renderedUntil.plusSeconds(2), late), Graphs.edge("new.shop.svc.cluster.local")), late);
    EmitDecision next = policy.due(late.plusSeconds(60)).get(0);
    assertEquals(List.of("./" + ratings), next.summary().stillThroughFallback());
    assertTrue(next.summaryText().contains("still through the fallback after the previous Sidecar listed them"));
  }

  @Test
  void aRecommendSidecarHasNoFallbackStatus() {
    EmitPolicy policy = new EmitPolicy(RENDERER, new EmitTimings(Duration.ofSeconds(10), Duration.ofSeconds(5)));
    policy.onGraph(Graphs.graph("shop", "cart", 1, viaFallback("a.shop.svc.cluster.local", T0, T0)), T0);
    assertFalse(policy.due(T0.plusSeconds(60)).isEmpty());
    assertEquals(List.of(), policy.fallbackStatuses());
  }
}
