package io.meshscope.generator.domain;

import static io.meshscope.generator.domain.Graphs.T0;
import static io.meshscope.generator.domain.Graphs.graph;
import static io.meshscope.generator.domain.Graphs.http;
import static io.meshscope.generator.domain.Graphs.tcp;

import io.meshscope.schemas.DependencyGraph;
import java.util.List;

/**
 * Bookinfo's graphs as the analyzer would publish them after an hour of traffic: productpage calls
 * details and reviews; reviews (v2, v3) calls ratings; ratings (v2) calls mongodb over TCP 27017;
 * details calls nothing.
 */
public final class Bookinfo {
  private Bookinfo() {}

  static final String NS = "bookinfo";

  static String svc(String name) {
    return name + "." + NS + ".svc.cluster.local";
  }

  public static DependencyGraph productpage() {
    return graph(NS, "productpage", 2,
        http(svc("details"), 9080, T0, T0.plusSeconds(3540), 1200),
        http(svc("reviews"), 9080, T0.plusSeconds(1), T0.plusSeconds(3600), 1200));
  }

  public static DependencyGraph reviews() {
    return graph(NS, "reviews", 1, http(svc("ratings"), 9080, T0.plusSeconds(2), T0.plusSeconds(3570), 800));
  }

  public static DependencyGraph ratings() {
    return graph(NS, "ratings", 1, tcp(svc("mongodb"), 27017, T0.plusSeconds(300), T0.plusSeconds(3480), 35));
  }

  public static DependencyGraph details() {
    return graph(NS, "details", 0);
  }

  public static List<DependencyGraph> all() {
    return List.of(productpage(), reviews(), ratings(), details());
  }
}
