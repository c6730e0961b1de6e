package io.meshscope.analyzer.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
        ModeRequest[] modes = {null, new ModeRequest("label", "adaptive"), new ModeRequest("annotation", "off"),
            new ModeRequest("label", "sometimes")};
        Observation o = switch (random.nextInt(4)) {
          case 0 -> Observation.presence(w, role, at);
          case 3 -> Observation.presence(w, role, at).withInstance(new Instance("pod-" + random.nextInt(3), Map.of(),
              modes[random.nextInt(modes.length)]));
          case 1 -> Observation.rejected(w, role, at, "v" + random.nextInt(5), "bad-label");
          default -> Observation.edge(w, role, at, "h" + random.nextInt(9) + ".ns.svc.cluster.local",
              8000 + random.nextInt(4), random.nextBoolean() ? "HTTP" : "TCP",
              random.nextBoolean() ? "outbound-cluster" : "inbound-peer-metadata", random.nextBoolean());
        };
        GraphMerge.Step step = merge.apply(state, o);
        assertEquals(GraphMerge.needsPublishing(state, step.state()), step.publish(), "after " + o + " on " + state);
        state = step.state();
      }
    }
  }

  @Test
  void anEdgeKeepsItsLastCallThroughTheFallbackApartFromItsLastCall() {
    GraphMerge merge = new GraphMerge(GraphMerge.Limits.DEFAULT);
    GraphState s = observe(merge, null, "reviews.shop.svc.cluster.local", "fallback-authority", 1);
    s = observe(merge, s, "reviews.shop.svc.cluster.local", "outbound-cluster", 5);
    s = observe(merge, s, "reviews.shop.svc.cluster.local", "egress-gateway", 3);
    GraphState.EdgeState e = s.edges().get("reviews.shop.svc.cluster.local");
    assertEquals(T.plusSeconds(3), e.fallbackLastSeen(), "the latest through the fallback, from either side");
    assertEquals(T.plusSeconds(5), e.lastSeen(), "the direct call came after it: the Sidecar is applied");
    assertEquals(T.plusSeconds(3), GraphMerge.toGraph(s, T).edges().get(0).fallbackLastSeen());
    assertEquals(null, observe(merge, null, "x.shop.svc.cluster.local", "outbound-cluster", 1)
        .edges().get("x.shop.svc.cluster.local").fallbackLastSeen());
  }

  @Test
  void aPodsModeReachesTheGraphAndItsChangeIsPublished() {
    GraphMerge merge = new GraphMerge(GraphMerge.Limits.DEFAULT);
    Observation adaptive = Observation.presence(VICTIM, "sidecar", T)
        .withInstance(new Instance("cart-1", Map.of("app", "cart"), new ModeRequest("annotation", "adaptive")));
    GraphState s = merge.apply(null, adaptive).state();
    assertEquals("adaptive", GraphMerge.toGraph(s, T).mode());
    assertEquals("annotation sidecar.meshscope.io/mode=adaptive on 1 of 1 pod", GraphMerge.toGraph(s, T).modeSource());
    GraphMerge.Step off = merge.apply(s, Observation.presence(VICTIM, "sidecar", T.plusSeconds(1))
        .withInstance(new Instance("cart-1", Map.of("app", "cart"), new ModeRequest("label", "off"))));
    assertTrue(off.publish(), "a new mode is news, without waiting for the instance's restamp");
    assertEquals("off", GraphMerge.toGraph(off.state(), T).mode());
  }

  // ---- what other proxies' logs can put into a workload's graph (issue 17, item 5) ------------

  private static final WorkloadRef VICTIM = new WorkloadRef("shop", "cart", Map.of("app", "cart"));

  private static GraphState observe(GraphMerge merge, GraphState state, String host, String provenance, int second) {
    return merge.apply(state, Observation.edge(VICTIM, "sidecar", T.plusSeconds(second), host, 8080, "HTTP",
        provenance, false)).state();
  }

  private static long secondhandOnly(GraphState s) {
    return s.edges().values().stream().filter(e -> GraphMerge.SECONDHAND.containsAll(e.provenance())).count();
  }

  @Test
  void thePodsOfOneNamespaceCannotFillAnotherWorkloadsGraph() {
    GraphMerge merge = new GraphMerge(GraphMerge.Limits.DEFAULT);
    GraphState s = null;
    // A compromised pod in "evil" reports 500 inbound calls from the victim, each to another service of its namespace.
    for (int i = 0; i < 500; i++) {
      s = observe(merge, s, "s" + i + ".evil.svc.cluster.local", "inbound-peer-metadata", i);
    }
    assertEquals(32, s.edges().size(), "one namespace's callees vouch for 32 hosts at most");
    assertEquals("inbound-namespace-limit", s.rejected().get("s499.evil.svc.cluster.local").reason());

    GraphState after = observe(merge, s, "payments.shop.svc.cluster.local", "outbound-cluster", 600);
    assertTrue(after.edges().containsKey("payments.shop.svc.cluster.local"), "the victim's own new host arrives");
  }

  @Test
  void hostsOnlyOthersVouchForTakeAtMostHalfAGraphAndGiveWayToItsOwn() {
    GraphMerge merge = new GraphMerge(GraphMerge.Limits.DEFAULT);
    GraphState s = null;
    int second = 0;
    // Many namespaces' callees, 32 each, and the egress proxy: together no more than half.
    for (int ns = 0; ns < 10; ns++) {
      for (int i = 0; i < 32; i++) {
        s = observe(merge, s, "s" + i + ".ns" + ns + ".svc.cluster.local", "inbound-ip", second++);
      }
    }
    for (int i = 0; i < 50; i++) {
      s = observe(merge, s, "api" + i + ".example.com", "egress-gateway", second++);
    }
    assertEquals(250, secondhandOnly(s));
    assertEquals("secondhand-limit", s.rejected().get("api49.example.com").reason());

    for (int i = 0; i < 250; i++) {
      s = observe(merge, s, "own" + i + ".shop.svc.cluster.local", "outbound-cluster", second++);
    }
    assertEquals(500, s.edges().size());
    GraphState full = s;
    s = observe(merge, s, "own250.shop.svc.cluster.local", "outbound-cluster", second++);
    assertTrue(s.edges().containsKey("own250.shop.svc.cluster.local"), "a full graph still takes its own proxy's host");
    assertEquals(500, s.edges().size());
    assertFalse(s.edges().containsKey("s0.ns0.svc.cluster.local"), "the secondhand host seen longest ago went");
    assertEquals("evicted-secondhand", s.rejected().get("s0.ns0.svc.cluster.local").reason());
    assertTrue(merge.apply(full, Observation.edge(VICTIM, "sidecar", T.plusSeconds(second), "own251.shop.svc.cluster.local",
        8080, "HTTP", "outbound-cluster", false)).publish(), "an eviction is a change of hosts");
  }

  @Test
  void aHostItsOwnProxySawIsNoLongerSecondhand() {
    GraphMerge merge = new GraphMerge(new GraphMerge.Limits(6, 3, 2));
    GraphState s = observe(merge, null, "a.evil.svc.cluster.local", "inbound-peer-metadata", 0);
    s = observe(merge, s, "a.evil.svc.cluster.local", "outbound-cluster", 1);
    assertEquals(0, secondhandOnly(s));
    // Half of 6 is 3 secondhand hosts, none of them spent on a.
    s = observe(merge, s, "b.evil.svc.cluster.local", "inbound-peer-metadata", 2);
    s = observe(merge, s, "c.other.svc.cluster.local", "inbound-peer-metadata", 3);
    s = observe(merge, s, "d.third.svc.cluster.local", "inbound-peer-metadata", 4);
    assertEquals(4, s.edges().size());
    s = observe(merge, s, "e.fourth.svc.cluster.local", "inbound-peer-metadata", 5);
    assertEquals("secondhand-limit", s.rejected().get("e.fourth.svc.cluster.local").reason());
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
