package io.meshscope.generator.domain;

import static io.meshscope.generator.domain.Bookinfo.svc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshscope.schemas.ChangeSummary;
import io.meshscope.schemas.DependencyGraph;
import io.meshscope.schemas.Edge;
import io.meshscope.schemas.HostChange;
import io.meshscope.schemas.SidecarRecommendation;
import io.meshscope.schemas.WhatIf;
import io.meshscope.schemas.WorkloadRef;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The emit policy driven by explicit instants: a fake clock that only moves when the test says so. */
class EmitPolicyTest {

  private static final Duration QUIET = Duration.ofMinutes(10);
  private static final Duration DEBOUNCE = Duration.ofMinutes(1);
  private static final Instant START = Instant.parse("2025-03-01T12:00:00Z");
  private static final WorkloadRef PRODUCTPAGE = Graphs.workload("bookinfo", "productpage");

  private final SidecarRenderer renderer = SidecarRenderer.builder().build();
  private final EmitPolicy policy = new EmitPolicy(renderer, new EmitTimings(QUIET, DEBOUNCE));

  private static Instant at(String offset) {
    // "10m", "10m30s": minutes and seconds after START.
    Duration d = Duration.parse("PT" + offset.toUpperCase());
    return START.plus(d);
  }

  private static DependencyGraph productpage(long revision, Edge... edges) {
    return Graphs.graph(PRODUCTPAGE, revision, List.of(edges));
  }

  private static final Edge DETAILS = Graphs.edge(svc("details"));
  private static final Edge REVIEWS = Graphs.edge(svc("reviews"));
  private static final Edge RATINGS = Graphs.edge(svc("ratings"));

  /** Emits productpage's first Sidecar (details, reviews) at 10m. */
  private EmitDecision firstEmission() {
    assertEquals(Optional.empty(), policy.onGraph(productpage(1, DETAILS, REVIEWS), at("0s")));
    List<EmitDecision> due = policy.due(at("10m"));
    assertEquals(1, due.size());
    assertEquals(EmitTrigger.FIRST, due.get(0).trigger());
    return due.get(0);
  }

  private static List<String> hosts(EmitDecision decision) {
    return assertInstanceOf(RenderedSidecar.class, decision.result()).hosts();
  }

  private static List<String> sidecarHosts(List<HostChange> changes) {
    return changes.stream().map(HostChange::sidecarHost).toList();
  }

  @Test
  void firstEmissionWaitsUntilTheGraphHasBeenQuietForTheQuietPeriod() {
    assertEquals(Optional.empty(), policy.onGraph(productpage(1, DETAILS, REVIEWS), at("0s")));
    assertEquals(Optional.of(at("10m")), policy.nextDeadline());
    assertEquals(List.of(), policy.due(at("9m59s")));

    List<EmitDecision> due = policy.due(at("10m"));

    assertEquals(1, due.size());
    EmitDecision first = due.get(0);
    assertEquals(EmitTrigger.FIRST, first.trigger());
    assertEquals(at("10m"), first.decidedAt());
    assertEquals(List.of("./details.bookinfo.svc.cluster.local", "./reviews.bookinfo.svc.cluster.local",
        "istio-system/*"), hosts(first));
    assertEquals(3, first.summary().added().size());
    assertEquals(0, first.summary().unchanged());
    assertEquals("first", first.summary().trigger());
    assertEquals(Optional.empty(), policy.nextDeadline());
    assertEquals(List.of(), policy.due(at("1h")), "published once, not again");
  }

  @Test
  void aChangeBeforeTheFirstEmissionRestartsTheQuietPeriod() {
    policy.onGraph(productpage(1, DETAILS), at("0s"));
    policy.onGraph(productpage(2, DETAILS, REVIEWS), at("5m"));

    assertEquals(List.of(), policy.due(at("10m")));
    List<EmitDecision> due = policy.due(at("15m"));

    assertEquals(1, due.size());
    assertEquals(2, due.get(0).result().graphRevision());
  }

  @Test
  void aNewRevisionThatRendersTheSameHostsDoesNotRestartTheQuietPeriod() {
    policy.onGraph(productpage(1, DETAILS, REVIEWS), at("0s"));
    // The analyzer published again (say, a new port): same Sidecar content, newer provenance.
    Edge detailsOtherPort = new Edge(svc("details"), Graphs.T0, Graphs.T0.plusSeconds(90), 5,
        Set.of(80, 8080), Set.of("HTTP"), Set.of("outbound-cluster"), false);
    policy.onGraph(productpage(2, detailsOtherPort, REVIEWS), at("5m"));

    List<EmitDecision> due = policy.due(at("10m"));

    assertEquals(1, due.size());
    RenderedSidecar sidecar = assertInstanceOf(RenderedSidecar.class, due.get(0).result());
    assertTrue(sidecar.yaml().contains("meshscope.io/graph-revision: \"2\""), sidecar.yaml());
  }

  @Test
  void anAdditionIsPublishedAfterTheDebounce() {
    firstEmission();

    assertEquals(Optional.empty(), policy.onGraph(productpage(2, DETAILS, REVIEWS, RATINGS), at("20m")));
    assertEquals(Optional.of(at("21m")), policy.nextDeadline());
    assertEquals(List.of(), policy.due(at("20m59s")));
    List<EmitDecision> due = policy.due(at("21m"));

    assertEquals(1, due.size());
    ChangeSummary summary = due.get(0).summary();
    assertEquals(EmitTrigger.CHANGE, due.get(0).trigger());
    assertEquals(List.of("./ratings.bookinfo.svc.cluster.local"), sidecarHosts(summary.added()));
    assertEquals(List.of(), summary.removed());
    assertEquals(3, summary.unchanged());
    HostChange ratings = summary.added().get(0);
    assertEquals(svc("ratings"), ratings.host());
    assertEquals(RATINGS.firstSeen(), ratings.firstSeen());
    assertEquals(RATINGS.lastSeen(), ratings.lastSeen());
    assertEquals(1, ratings.count());
    assertEquals(Set.of("outbound-cluster"), ratings.provenance());
  }

  @Test
  void eachFurtherChangeRestartsTheDebounce() {
    firstEmission();
    Edge mongodb = Graphs.edge(svc("mongodb"));
    policy.onGraph(productpage(2, DETAILS, REVIEWS, RATINGS), at("20m"));
    policy.onGraph(productpage(3, DETAILS, REVIEWS, RATINGS, mongodb), at("20m30s"));

    assertEquals(List.of(), policy.due(at("21m")));
    List<EmitDecision> due = policy.due(at("21m30s"));

    assertEquals(1, due.size());
    assertEquals(List.of("./mongodb.bookinfo.svc.cluster.local", "./ratings.bookinfo.svc.cluster.local"),
        sidecarHosts(due.get(0).summary().added()));
  }

  @Test
  void anUrgentEdgeSkipsTheDebounce() {
    firstEmission();

    Optional<EmitDecision> now = policy.onGraph(productpage(2, DETAILS, REVIEWS, Graphs.urgent(svc("ratings"))),
        at("20m"));

    assertTrue(now.isPresent(), "published at once");
    assertEquals(EmitTrigger.URGENT, now.get().trigger());
    assertEquals("urgent", now.get().summary().trigger());
    assertEquals(List.of("./ratings.bookinfo.svc.cluster.local"), sidecarHosts(now.get().summary().added()));
    assertEquals(List.of(), policy.due(at("21m")));
  }

  @Test
  void anUrgentEdgeForAHostAlreadyPublishedPublishesNothing() {
    firstEmission();

    // The Sidecar lists details already (perhaps not applied yet): a new Sidecar would not help.
    assertEquals(Optional.empty(), policy.onGraph(productpage(2, Graphs.urgent(svc("details")), REVIEWS), at("20m")));
    assertEquals(List.of(), policy.due(at("2h")));
  }

  @Test
  void aRemovalWaitsForTheQuietPeriod() {
    firstEmission();

    assertEquals(Optional.empty(), policy.onGraph(productpage(2, REVIEWS), at("20m")));
    assertEquals(Optional.of(at("30m")), policy.nextDeadline());
    assertEquals(List.of(), policy.due(at("21m")), "the debounce is not enough for a removal");
    assertEquals(List.of(), policy.due(at("29m59s")));
    List<EmitDecision> due = policy.due(at("30m"));

    assertEquals(1, due.size());
    assertEquals(EmitTrigger.REMOVAL, due.get(0).trigger());
    ChangeSummary summary = due.get(0).summary();
    assertEquals(List.of(), summary.added());
    assertEquals(List.of("./details.bookinfo.svc.cluster.local"), sidecarHosts(summary.removed()));
    assertEquals(DETAILS.lastSeen(), summary.removed().get(0).lastSeen(), "evidence of the removed host");
    assertEquals(2, summary.unchanged());
  }

  @Test
  void anAdditionIsPublishedBeforeQuietAndKeepsTheRemovedHostUntilQuiet() {
    firstEmission();
    policy.onGraph(productpage(2, REVIEWS, RATINGS), at("20m"));

    List<EmitDecision> change = policy.due(at("21m"));

    assertEquals(1, change.size());
    assertEquals(EmitTrigger.CHANGE, change.get(0).trigger());
    assertEquals(List.of("./details.bookinfo.svc.cluster.local", "./ratings.bookinfo.svc.cluster.local",
        "./reviews.bookinfo.svc.cluster.local", "istio-system/*"), hosts(change.get(0)));
    assertEquals(List.of(), change.get(0).summary().removed());

    List<EmitDecision> removal = policy.due(at("30m"));

    assertEquals(1, removal.size());
    assertEquals(EmitTrigger.REMOVAL, removal.get(0).trigger());
    assertEquals(List.of("./details.bookinfo.svc.cluster.local"), sidecarHosts(removal.get(0).summary().removed()));
    assertEquals(DETAILS.count(), removal.get(0).summary().removed().get(0).count(), "evidence kept across the interim");
    assertEquals(Optional.empty(), policy.nextDeadline());
  }

  @Test
  void anUrgentAdditionDoesNotPublishAPendingRemoval() {
    firstEmission();

    Optional<EmitDecision> urgent = policy.onGraph(productpage(2, REVIEWS, Graphs.urgent(svc("ratings"))), at("20m"));

    assertTrue(urgent.isPresent());
    assertTrue(hosts(urgent.get()).contains("./details.bookinfo.svc.cluster.local"));
    assertEquals(EmitTrigger.REMOVAL, policy.due(at("30m")).get(0).trigger());
  }

  @Test
  void nothingIsPublishedWhenTheSidecarWouldNotChange() {
    firstEmission();
    policy.onGraph(productpage(2, DETAILS, REVIEWS, RATINGS), at("20m"));
    // ratings is gone again before the debounce ran out: back to what was published.
    policy.onGraph(productpage(3, DETAILS, REVIEWS), at("20m30s"));

    assertEquals(Optional.empty(), policy.nextDeadline());
    assertEquals(List.of(), policy.due(at("22m")));
    assertEquals(List.of(), policy.due(at("2h")));
    // A newer revision with the same hosts changes only annotations: still nothing.
    assertEquals(Optional.empty(), policy.onGraph(productpage(4, DETAILS, REVIEWS), at("3h")));
    assertEquals(List.of(), policy.due(at("4h")));
  }

  @Test
  void aWorkloadWithoutSidecarIsReportedAtOnceAndOnlyOnce() {
    WorkloadRef gateway = WorkloadRef.of("istio-system", "istio-ingressgateway", Map.of("app", "istio-ingressgateway"));
    DependencyGraph graph = Graphs.graph(gateway, "router", 1, List.of(Graphs.edge(svc("productpage"))));

    Optional<EmitDecision> skipped = policy.onGraph(graph, at("0s"));

    assertTrue(skipped.isPresent());
    SidecarRecommendation rec = skipped.get().toRecommendation();
    assertEquals("skipped", rec.status());
    assertEquals("proxy role 'router' is not a sidecar: gateways, waypoints and ztunnel take no Sidecar resource",
        rec.reason());
    assertNull(rec.yaml());
    assertNull(rec.summary());
    assertEquals(Optional.empty(), policy.onGraph(Graphs.graph(gateway, "router", 2, List.of()), at("1m")));
    assertEquals(List.of(), policy.due(at("1h")));
  }

  @Test
  void aDecisionBecomesTheRecommendationForTheTopic() {
    EmitDecision first = firstEmission();

    SidecarRecommendation rec = first.toRecommendation();

    assertEquals(SidecarRecommendation.CURRENT_VERSION, rec.schemaVersion());
    assertEquals(PRODUCTPAGE, rec.workload());
    assertEquals("emitted", rec.status());
    assertEquals("recommend", rec.mode());
    assertEquals(1, rec.graphRevision());
    assertEquals(at("10m"), rec.generatedAt());
    assertEquals(((RenderedSidecar) first.result()).yaml(), rec.yaml());
    assertEquals(first.summary(), rec.summary());
    assertTrue(first.summaryText().startsWith("Sidecar bookinfo/productpage (trigger: first)\n"), first.summaryText());
  }

  @Test
  void aRestoredEmissionIsNotPublishedAgainAndIsDiffedAgainst() {
    EmitDecision first = firstEmission();
    EmitPolicy restarted = new EmitPolicy(renderer, new EmitTimings(QUIET, DEBOUNCE));
    restarted.restore(first.toRecommendation());

    // After a restart the compacted graph topic replays the same graph (a later revision, even).
    restarted.onGraph(productpage(5, DETAILS, REVIEWS), at("1h"));
    assertEquals(List.of(), restarted.due(at("2h")), "unchanged Sidecar: nothing to publish");

    restarted.onGraph(productpage(6, DETAILS, REVIEWS, RATINGS), at("3h"));
    List<EmitDecision> due = restarted.due(at("3h1m"));
    assertEquals(1, due.size());
    assertEquals(EmitTrigger.CHANGE, due.get(0).trigger(), "a change, not a first emission");
    assertEquals(List.of("./ratings.bookinfo.svc.cluster.local"), sidecarHosts(due.get(0).summary().added()));
    assertEquals(3, due.get(0).summary().unchanged());
  }

  @Test
  void dueListsWorkloadsInKeyOrderAndTheWhatIfCountsEveryHostSeen() {
    List<DependencyGraph> graphs = new ArrayList<>(Bookinfo.all());
    Collections.reverse(graphs);
    for (DependencyGraph graph : graphs) {
      policy.onGraph(graph, at("0s"));
    }

    List<EmitDecision> due = policy.due(at("10m"));

    assertEquals(List.of("bookinfo/details", "bookinfo/productpage", "bookinfo/ratings", "bookinfo/reviews"),
        due.stream().map(d -> d.workload().key()).toList());
    assertEquals(new WhatIf(4, 2, 50.0), due.get(1).summary().whatIf());
    assertEquals(new WhatIf(4, 0, 100.0), due.get(0).summary().whatIf());
  }

  @Test
  void theWhatIfUsesASuppliedServiceList() {
    List<String> registry = new ArrayList<>();
    for (int i = 0; i < 36; i++) {
      registry.add("svc" + i + ".other.svc.cluster.local");
    }
    registry.addAll(List.of(svc("details"), svc("reviews"), svc("ratings"), svc("mongodb")));
    EmitPolicy withRegistry = new EmitPolicy(renderer, new EmitTimings(QUIET, DEBOUNCE), registry);
    withRegistry.onGraph(productpage(1, DETAILS, REVIEWS), at("0s"));

    EmitDecision first = withRegistry.due(at("10m")).get(0);

    assertEquals(new WhatIf(40, 2, 95.0), first.summary().whatIf());
  }

  @Test
  void aForgottenWorkloadHasNothingPending() {
    policy.onGraph(productpage(1, DETAILS), at("0s"));
    policy.forget(PRODUCTPAGE.key());

    assertEquals(Optional.empty(), policy.nextDeadline());
    assertEquals(List.of(), policy.due(at("1h")));
  }
}
