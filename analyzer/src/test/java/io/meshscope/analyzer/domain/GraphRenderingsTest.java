package io.meshscope.analyzer.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.meshscope.schemas.DependencyGraph;
import io.meshscope.schemas.Edge;
import io.meshscope.schemas.WorkloadRef;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GraphRenderingsTest {

  private static final Instant T = Instant.parse("2026-11-20T10:00:00Z");

  private static DependencyGraph graph(String ns, String name, String role, Edge... edges) {
    return new DependencyGraph(1, WorkloadRef.of(ns, name, Map.of("app", name)), role, 1, T, T, T, List.of(edges),
        List.of(), 1, null);
  }

  private static final List<DependencyGraph> GRAPHS = List.of(
      graph("bookinfo", "reviews", "sidecar", new Edge("ratings.bookinfo.svc.cluster.local", T, T, 4, Set.of(9080),
          Set.of("HTTP"), Set.of("outbound-cluster"), false)),
      graph("istio-system", "istio-ingressgateway", "router", new Edge("productpage.bookinfo.svc.cluster.local", T, T,
          2, Set.of(9080), Set.of("HTTP"), Set.of("outbound-cluster"), true)));

  @Test
  void dotListsCallersSortedWithUrgentEdgesInRed() {
    assertEquals("""
        digraph meshscope {
          rankdir=LR;
          node [shape=box, fontname="Helvetica"];
          "bookinfo/reviews";
          "bookinfo/reviews" -> "ratings.bookinfo.svc.cluster.local" [label="HTTP 9080 (4)"];
          "istio-system/istio-ingressgateway" [shape=ellipse];
          "istio-system/istio-ingressgateway" -> "productpage.bookinfo.svc.cluster.local" [label="HTTP 9080 (2)", color=red];
        }
        """, GraphRenderings.dot(GRAPHS));
  }

  @Test
  void mermaidNamesEveryNodeOnceAndLabelsEdges() {
    assertEquals("""
        graph LR
          n0["bookinfo/reviews"]
          n2["istio-system/istio-ingressgateway"]
          n3["productpage.bookinfo.svc.cluster.local"]
          n1["ratings.bookinfo.svc.cluster.local"]
          n0 -->|HTTP 9080 (4)| n1
          n2 -->|HTTP 9080 (2)| n3
        """, GraphRenderings.mermaid(GRAPHS));
  }
}
