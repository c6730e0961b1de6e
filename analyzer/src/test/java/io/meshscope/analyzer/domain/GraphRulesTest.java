package io.meshscope.analyzer.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

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
}
