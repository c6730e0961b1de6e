package io.meshscope.analyzer.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshscope.schemas.DependencyGraph;
import io.meshscope.schemas.Edge;
import io.meshscope.schemas.WorkloadRef;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The graph's transitions without a store or a stream: what is kept, and what is published when. */
class GraphRulesTest {

  private static final Instant T = Instant.parse("2026-11-20T10:00:00Z");
  private static final Duration TTL = Duration.ofDays(7);
  private static final Duration INTERVAL = Duration.ofHours(1);
  private static final WorkloadRef A = new WorkloadRef("ns", "a", Map.of("app", "a"));

  private final GraphRules rules = new GraphRules(new GraphMerge(new GraphMerge.Limits(2, 3, 4)), TTL, INTERVAL);

  private static Observation call(String service, Instant at) {
    return Observation.edge(A, "sidecar", at, service + ".ns.svc.cluster.local", 8080, "HTTP", "outbound-cluster",
        false);
  }

  private static List<String> hosts(DependencyGraph g) {
    return g.edges().stream().map(Edge::host).toList();
  }

  @Test
  void aNewHostIsPublishedWithTheNextRevisionAndARepeatIsNot() {
    GraphRules.Transition first = rules.observe(null, call("b", T), T.toEpochMilli());
    assertNotNull(first.published());
    assertEquals(1, first.published().revision());
    assertEquals(T, first.published().updatedAt());
    assertEquals(List.of("b.ns.svc.cluster.local"), hosts(first.published()));

    GraphRules.Transition again = rules.observe(first.state(), call("b", T.plusSeconds(5)), T.toEpochMilli() + 5_000);
    assertNull(again.published(), "a count increment is not news");
    assertEquals(2, again.state().edges().get("b.ns.svc.cluster.local").count());
    assertEquals(1, again.state().revision());
  }

  @Test
  void anEdgeThatStopsOrStartsGoingThroughTheFallbackIsNewsAtMostEveryFewSeconds() {
    Observation viaFallback = Observation.edge(A, "sidecar", T, "b.ns.svc.cluster.local", 8080, "HTTP",
        "fallback-authority", false);
    GraphState s = rules.observe(null, viaFallback, T.toEpochMilli()).state();
    // Direct 10 s later: the adaptive Sidecar applied. Published without waiting for the hourly refresh.
    GraphRules.Transition direct = rules.observe(s, call("b", T.plusSeconds(10)), T.toEpochMilli() + 10_000);
    assertNotNull(direct.published());
    // Through the fallback again 1 s later (a pod not restarted yet): within the interval, only stored.
    Observation again = Observation.edge(A, "sidecar", T.plusSeconds(11), "b.ns.svc.cluster.local", 8080, "HTTP",
        "fallback-authority", false);
    GraphRules.Transition back = rules.observe(direct.state(), again, T.toEpochMilli() + 11_000);
    assertNull(back.published());
    // Still through the fallback at the next call after the interval: what was held back is published.
    Observation later = Observation.edge(A, "sidecar", T.plusSeconds(16), "b.ns.svc.cluster.local", 8080, "HTTP",
        "fallback-authority", false);
    GraphRules.Transition held = rules.observe(back.state(), later, T.toEpochMilli() + 16_000);
    assertNotNull(held.published());
    assertTrue(held.published().edges().get(0).fallbackLastSeen().equals(T.plusSeconds(16)));
    // Another call the same way is no news.
    Observation more = Observation.edge(A, "sidecar", T.plusSeconds(30), "b.ns.svc.cluster.local", 8080, "HTTP",
        "fallback-authority", false);
    assertNull(rules.observe(held.state(), more, T.toEpochMilli() + 30_000).published());
    // Neither is a direct call after a direct call.
    GraphRules.Transition same = rules.observe(direct.state(), call("b", T.plusSeconds(30)), T.toEpochMilli() + 30_000);
    assertNull(same.published());
  }

  @Test
  void anObservationOlderThanTheTtlAgesItsGraphAtOnce() {
    GraphState state = rules.observe(null, call("b", T), T.toEpochMilli()).state();
    long muchLater = T.plus(TTL).plus(Duration.ofDays(1)).toEpochMilli();
    // Both b and the late c are past the TTL at this stream time: neither may be published.
    GraphRules.Transition late = rules.observe(state, call("c", T.plusSeconds(1)), muchLater);
    assertEquals(Map.of(), late.state().edges());
    assertNotNull(late.published(), "b went away");
    assertEquals(List.of(), hosts(late.published()));
  }

  @Test
  void aFullGraphAgesBeforeItRefusesANewHost() {
    GraphState state = rules.observe(null, call("b", T), T.toEpochMilli()).state();
    state = rules.observe(state, call("c", T.plus(Duration.ofDays(7))), T.plus(Duration.ofDays(7)).toEpochMilli())
        .state();
    long now = T.plus(Duration.ofDays(8)).toEpochMilli();
    GraphRules.Transition t = rules.observe(state, call("d", Instant.ofEpochMilli(now)), now);
    assertEquals(List.of("c.ns.svc.cluster.local", "d.ns.svc.cluster.local"), hosts(t.published()));
  }

  @Test
  void agingWritesNothingWhenNothingAgedAndNoEvidenceIsDue() {
    GraphRules.Transition first = rules.observe(null, call("b", T), T.toEpochMilli());
    assertNull(rules.age(first.state(), T.plus(Duration.ofMinutes(30)).toEpochMilli()));
  }

  @Test
  void movedEvidenceIsRepublishedOnceAnIntervalHasPassed() {
    GraphRules.Transition first = rules.observe(null, call("b", T), T.toEpochMilli());
    GraphState counted = rules.observe(first.state(), call("b", T.plusSeconds(60)), T.toEpochMilli() + 60_000)
        .state();
    assertNull(rules.age(counted, T.plus(Duration.ofMinutes(59)).toEpochMilli()), "not due yet");
    GraphRules.Transition due = rules.age(counted, T.plus(INTERVAL).toEpochMilli());
    assertNotNull(due.published());
    assertEquals(2, due.published().revision());
    assertEquals(2, due.published().edges().get(0).count());
    assertNull(rules.age(due.state(), T.plus(INTERVAL).plusSeconds(1).toEpochMilli()), "published: not news any more");
  }

  @Test
  void anEdgePastTheTtlIsRemovedAndTheGraphPublished() {
    GraphState state = rules.observe(null, call("b", T), T.toEpochMilli()).state();
    state = rules.observe(state, call("c", T.plus(Duration.ofDays(3))), T.plus(Duration.ofDays(3)).toEpochMilli())
        .state();
    GraphRules.Transition aged = rules.age(state, T.plus(TTL).plusSeconds(1).toEpochMilli());
    assertEquals(List.of("c.ns.svc.cluster.local"), hosts(aged.published()));
    assertEquals(aged.state().revision(), aged.published().revision());
  }

  // ---- the selector selects every instance ---------------------------------------------------

  private static Observation reported(String pod, Map<String, String> nameLabels, Instant at) {
    return Observation.presence(A, "sidecar", at).withInstance(new Instance(pod, nameLabels));
  }

  private static final Map<String, String> CANONICAL_AND_APP =
      Map.of("service.istio.io/canonical-name", "a", "app", "a");

  @Test
  void anotherInstanceIsPublishedAtOnceAndAReportAgainIsNot() {
    GraphState s = rules.observe(null, reported("a-1", CANONICAL_AND_APP, T), T.toEpochMilli()).state();
    GraphRules.Transition second = rules.observe(s, reported("a-2", CANONICAL_AND_APP, T.plusSeconds(1)),
        T.toEpochMilli() + 1_000);
    assertNotNull(second.published(), "the proxies a Sidecar shrinks are counted by instance");
    assertEquals(2, second.published().instances());
    assertNull(rules.observe(second.state(), reported("a-2", CANONICAL_AND_APP, T.plusSeconds(2)),
        T.toEpochMilli() + 2_000).published(), "an instance known already is not news");
  }

  @Test
  void anInstanceGoneQuietIsPublishedWhenItAgesOut() {
    GraphState s = rules.observe(null, reported("a-1", CANONICAL_AND_APP, T), T.toEpochMilli()).state();
    GraphRules.Transition both = rules.observe(s, reported("a-2", CANONICAL_AND_APP, T.plus(Duration.ofMinutes(30))),
        T.plus(Duration.ofMinutes(30)).toEpochMilli());
    assertEquals(2, both.published().instances());
    GraphRules.Transition aged = rules.age(both.state(), T.plus(TTL).plusSeconds(1).toEpochMilli());
    assertNotNull(aged.published());
    assertEquals(1, aged.published().instances());
  }

  @Test
  void aPodReplacedInARollingRestartIsNotCountedTwice() {
    GraphState s = rules.observe(null, reported("a-1", Map.of("app", "a"), T), T.toEpochMilli()).state();
    Instant later = T.plus(Duration.ofHours(2));
    GraphRules.Transition replaced = rules.observe(s, reported("a-2", CANONICAL_AND_APP, later), later.toEpochMilli());
    assertEquals(2, replaced.state().instances().size(), "a-1 is kept for the TTL: it may still be running");
    assertEquals(Map.of("app", "a"), replaced.state().workload().selector(), "and the selector still selects it");
    assertEquals(1, GraphMerge.activeInstances(replaced.state()), "but one pod reported in the last hour: one proxy");
    assertNull(replaced.published(), "one running pod before and after: nothing to publish");
    Instant back = later.plus(Duration.ofMinutes(2));
    GraphRules.Transition both = rules.observe(replaced.state(), reported("a-1", Map.of("app", "a"), back),
        back.toEpochMilli());
    assertNotNull(both.published(), "a-1 reporting again makes two running pods, which is news");
    assertEquals(2, both.published().instances());
  }

  @Test
  void instancesThatShareOnlyTheAppLabelAreSelectedByIt() {
    GraphState s = rules.observe(null, reported("a-new", CANONICAL_AND_APP, T), T.toEpochMilli()).state();
    assertEquals(Map.of("service.istio.io/canonical-name", "a"), s.workload().selector(), "one instance: the preferred label");

    GraphRules.Transition older = rules.observe(s, reported("a-old", Map.of("app", "a"), T.plusSeconds(1)),
        T.toEpochMilli() + 1_000);

    assertEquals(Map.of("app", "a"), older.state().workload().selector(),
        "the canonical name would skip the older pod");
    assertNotNull(older.published(), "a selector change is news");
    assertEquals(2, older.published().instances());
    assertNull(older.published().selectorConflict());
  }

  @Test
  void instancesWithNoNameLabelInCommonGetNoSelectorAndTheGraphSaysWhy() {
    GraphState s = rules.observe(null, reported("a-1", Map.of("service.istio.io/canonical-name", "a"), T),
        T.toEpochMilli()).state();
    GraphRules.Transition t = rules.observe(s, reported("a-2", Map.of("app", "a"), T.plusSeconds(1)),
        T.toEpochMilli() + 1_000);

    assertEquals(Map.of(), t.state().workload().selector());
    assertEquals("no name label is on every instance with one value: app=a on 1 of 2, "
        + "service.istio.io/canonical-name=a on 1 of 2", t.published().selectorConflict());
  }

  @Test
  void anInstanceGoneForTheTtlNoLongerNarrowsTheSelector() {
    GraphState s = rules.observe(null, reported("a-old", Map.of("app", "a"), T), T.toEpochMilli()).state();
    Instant later = T.plus(Duration.ofDays(3));
    s = rules.observe(s, reported("a-new", CANONICAL_AND_APP, later), later.toEpochMilli()).state();
    assertEquals(Map.of("app", "a"), s.workload().selector());
    s = rules.observe(s, call("b", later), later.toEpochMilli()).state();

    Instant afterTtl = T.plus(TTL).plusSeconds(1);
    GraphRules.Transition aged = rules.age(rules.observe(s, reported("a-new", CANONICAL_AND_APP, afterTtl),
        afterTtl.toEpochMilli()).state(), afterTtl.toEpochMilli());

    assertEquals(Map.of("service.istio.io/canonical-name", "a"), aged.state().workload().selector());
    assertEquals(1, aged.published().instances());
  }

  @Test
  void aPodSeenAgainWithinAMinuteChangesNothingStored() {
    GraphState s = rules.observe(null, reported("a-1", CANONICAL_AND_APP, T), T.toEpochMilli()).state();
    GraphState again = rules.observe(s, reported("a-1", CANONICAL_AND_APP, T.plusSeconds(30)),
        T.toEpochMilli() + 30_000).state();
    assertEquals(s.instances(), again.instances());
  }
}
