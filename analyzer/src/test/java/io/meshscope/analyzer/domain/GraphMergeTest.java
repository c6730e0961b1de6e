package io.meshscope.analyzer.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.meshscope.schemas.WorkloadRef;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GraphMergeTest {

  private static final Instant T = Instant.parse("2026-11-20T10:00:00Z");

  @Test
  void aMergeSaysPublishExactlyWhenTheStatesDifferInWhatASidecarDependsOn() {
    GraphMerge merge = new GraphMerge(new GraphMerge.Limits(6, 3, 2));
    Random random = new Random(11);
    WorkloadRef[] refs = {new WorkloadRef("ns", "a", Map.of()),
        new WorkloadRef("ns", "a", Map.of("app", "a")), new WorkloadRef("ns", "a", Map.of("app.kubernetes.io/name", "a"))};
    String[] roles = {"sidecar", "router", EdgeExtractor.UNKNOWN_ROLE};
    for (int run = 0; run < 200; run++) {
      GraphState state = null;
      for (int i = 0; i < 60; i++) {
        WorkloadRef w = refs[random.nextInt(refs.length)];
        String role = roles[random.nextInt(roles.length)];
        Instant at = T.plusSeconds(random.nextInt(600));
        Observation o = switch (random.nextInt(3)) {
          case 0 -> Observation.presence(w, role, at);
          case 1 -> Observation.rejected(w, role, at, "v" + random.nextInt(5), "bad-label");
          default -> Observation.edge(w, role, at, "h" + random.nextInt(9) + ".ns.svc.cluster.local",
              8000 + random.nextInt(4), random.nextBoolean() ? "HTTP" : "TCP", "outbound-cluster", random.nextBoolean());
        };
        GraphMerge.Step step = merge.apply(state, o);
        assertEquals(GraphMerge.needsPublishing(state, step.state()), step.publish(), "after " + o + " on " + state);
        state = step.state();
      }
    }
  }

  @Test
  void edgesShareEqualSetsUntilThePoolIsFull() {
    GraphMerge merge = new GraphMerge(GraphMerge.Limits.DEFAULT);
    String host = "x.ns.svc.cluster.local";
    WorkloadRef a = new WorkloadRef("ns", "a", Map.of("app", "a"));
    WorkloadRef b = new WorkloadRef("ns", "b", Map.of("app", "b"));
    GraphState sa = merge.apply(null, Observation.edge(a, "sidecar", T, host, 8080, "HTTP", "outbound-cluster", false))
        .state();
    sa = merge.apply(sa, Observation.edge(a, "sidecar", T, host, 9090, "HTTP", "passthrough-authority", false)).state();
    GraphState sb = merge.apply(null, Observation.edge(b, "sidecar", T, host, 9090, "HTTP", "passthrough-authority",
        false)).state();
    sb = merge.apply(sb, Observation.edge(b, "sidecar", T, host, 8080, "HTTP", "outbound-cluster", false)).state();
    GraphState.EdgeState ea = sa.edges().get(host);
    GraphState.EdgeState eb = sb.edges().get(host);
    assertEquals(Set.of(8080, 9090), ea.ports());
    assertEquals(Set.of("outbound-cluster", "passthrough-authority"), ea.provenance());
    assertSame(ea.ports(), eb.ports(), "reached in another order, the same set");
    assertSame(ea.protocols(), eb.protocols());
    assertSame(ea.provenance(), eb.provenance());
    // Ports come from logs: thousands of distinct ones fill the pool, and each edge still has its own right set.
    Set<Integer> last = null;
    int ports = GraphMerge.MAX_SHARED_SETS + 100;
    for (int port = 1; port <= ports; port++) {
      last = merge.apply(null, Observation.edge(a, "sidecar", T, host, port, "TCP", "outbound-cluster", false))
          .state().edges().get(host).ports();
      assertEquals(Set.of(port), last);
    }
    Set<Integer> again = merge.apply(null, Observation.edge(b, "sidecar", T, host, ports, "TCP", "outbound-cluster",
        false)).state().edges().get(host).ports();
    assertEquals(last, again);
    assertNotSame(last, again, "past the pool's bound sets are not shared");
  }

  @Test
  void agingWithNothingPastTheTtlReturnsTheSameState() {
    GraphMerge merge = new GraphMerge(GraphMerge.Limits.DEFAULT);
    WorkloadRef w = new WorkloadRef("ns", "a", Map.of("app", "a"));
    GraphState s = merge.apply(null, Observation.edge(w, "sidecar", T, "b.ns.svc.cluster.local", 80, "HTTP",
        "outbound-cluster", false)).state();
    s = merge.apply(s, Observation.rejected(w, "sidecar", T.plusSeconds(10), "x", "bad-label")).state();
    assertSame(s, merge.expire(s, T.plus(Duration.ofDays(7)), Duration.ofDays(7)).state());
    GraphMerge.Step aged = merge.expire(s, T.plus(Duration.ofDays(7)).plusSeconds(5), Duration.ofDays(7));
    assertEquals(Map.of(), aged.state().edges());
    assertEquals(1, aged.state().rejected().size(), "the refused value was seen later and stays");
    assertEquals(true, aged.publish());
  }
}
