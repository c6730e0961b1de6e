package io.meshscope.analyzer.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshscope.analyzer.domain.GraphMerge;
import io.meshscope.analyzer.domain.GraphState;
import io.meshscope.kafka.test.FixedTimeDriver;
import io.meshscope.receiver.domain.StreamIdentity;
import io.meshscope.schemas.AccessRecord;
import io.meshscope.schemas.DependencyGraph;
import io.meshscope.schemas.Edge;
import io.meshscope.schemas.PeerMetadata;
import io.meshscope.schemas.RejectedHost;
import io.meshscope.schemas.Topics;
import io.meshscope.schemas.UpstreamCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AnalyzerTopologyTest {

  private static final Instant T = Instant.parse("2026-11-20T10:00:00Z");
  private static final String SVC = ".bookinfo.svc.cluster.local";
  private static final StreamIdentity PRODUCTPAGE = Records.sidecar("bookinfo", "productpage", "v1", "10.44.0.10");
  private static final StreamIdentity REVIEWS = Records.sidecar("bookinfo", "reviews", "v2", "10.44.0.13");
  private static final StreamIdentity INGRESS = Records.gateway("istio-system", "istio-ingressgateway", "10.44.0.2");
  private static final StreamIdentity EGRESS = Records.gateway("istio-system", "istio-axds-egressgateway", "10.44.0.3");

  @TempDir
  Path stateDir;
  private TopologyTestDriver driver;
  private TestInputTopic<String, AccessRecord> logs;
  private TestInputTopic<String, byte[]> rawLogs;
  private TestOutputTopic<String, DependencyGraph> graphs;

  private TestOutputTopic<String, byte[]> repartitioned;

  /**
   * The test driver reads every input from partition 0 of a one-partition topic, so each record's key
   * is at home and its caller's observations skip the repartition topic; a subclass runs every test
   * with all observations through it.
   */
  int accessLogPartitions() {
    return 1;
  }

  @BeforeEach
  void start() {
    AnalyzerSettings settings = AnalyzerSettings.defaults().withTtl(Duration.ofDays(7), Duration.ofHours(1));
    driver = FixedTimeDriver.start(AnalyzerTopology.build(settings, accessLogPartitions()),
        StreamsProperties.of("unused:9092", stateDir, null, null, Map.of()), T);
    logs = FixedTimeDriver.inputTopic(driver, settings.accessLogTopic(), new StringSerializer(),
        Topics.accessLogs().valueSerde().serializer(), T);
    rawLogs = FixedTimeDriver.inputTopic(driver, settings.accessLogTopic(), new StringSerializer(),
        new ByteArraySerializer(), T);
    graphs = driver.createOutputTopic(settings.graphTopic(), new StringDeserializer(),
        Topics.dependencyGraphs().valueSerde().deserializer());
    repartitioned = driver.createOutputTopic(
        StreamsProperties.APPLICATION_ID + "-observations-by-workload-repartition", new StringDeserializer(),
        new ByteArrayDeserializer());
  }

  @AfterEach
  void stop() {
    driver.close();
  }

  private void send(AccessRecord r) {
    logs.pipeInput(r.reporter() == null ? "-/-" : r.reporter().workload().key(), r);
  }

  private Map<String, DependencyGraph> latest() {
    return graphs.readKeyValuesToMap();
  }

  /** What the store holds now: refused values show here (and over HTTP) without republishing. */
  private DependencyGraph stored(String key) {
    WriteBackStore<GraphState> store =
        (WriteBackStore<GraphState>) driver.getStateStore(AnalyzerSettings.GRAPH_STORE);
    return GraphMerge.toGraph(store.read(key), T);
  }

  private static Set<String> hosts(DependencyGraph g) {
    return g.edges().stream().map(Edge::host).collect(Collectors.toSet());
  }

  @Test
  void outboundClusterGivesAnEdgePublishedOnceNotPerRecord() {
    send(Records.outbound(PRODUCTPAGE, T, "reviews" + SVC, 9080));
    send(Records.outbound(PRODUCTPAGE, T.plusSeconds(1), "reviews" + SVC, 9080));
    send(Records.outbound(PRODUCTPAGE, T.plusSeconds(2), "reviews" + SVC, 9080));
    List<TestRecord<String, DependencyGraph>> out = graphs.readRecordsToList();
    assertEquals(1, out.size(), "counts alone do not republish: " + out);
    DependencyGraph g = out.get(0).value();
    assertEquals("bookinfo/productpage", out.get(0).key());
    assertEquals(Map.of("service.istio.io/canonical-name", "productpage"), g.workload().selector());
    assertEquals("sidecar", g.role());
    assertEquals(1, g.revision());
    Edge e = g.edges().get(0);
    assertEquals("reviews" + SVC, e.host());
    assertEquals(Set.of(9080), e.ports());
    assertEquals(Set.of("HTTP"), e.protocols());
    assertEquals(Set.of("outbound-cluster"), e.provenance());
    assertFalse(e.urgent());

    send(Records.outbound(PRODUCTPAGE, T.plusSeconds(3), "details" + SVC, 9080));
    DependencyGraph next = latest().get("bookinfo/productpage");
    assertEquals(2, next.revision());
    assertEquals(Set.of("reviews" + SVC, "details" + SVC), hosts(next));
    assertEquals(3, next.edges().stream().filter(x -> x.host().startsWith("reviews")).findFirst().get().count());
  }

  @Test
  void onlyObservationsOfAnotherWorkloadThanTheRecordKeyCrossTheRepartitionTopic() {
    send(Records.outbound(PRODUCTPAGE, T, "reviews" + SVC, 9080));
    send(Records.inbound(REVIEWS, T, 9080, "bookinfo", "productpage", "v1", "10.44.0.10"));
    List<String> moved = repartitioned.readRecordsToList().stream().map(TestRecord::key).toList();
    if (accessLogPartitions() == 0) {
      // Without a partition count nothing is known to be at home: all three observations move.
      assertEquals(List.of("bookinfo/productpage", "bookinfo/productpage", "bookinfo/reviews"),
          moved.stream().sorted().toList());
    } else {
      // Only the caller's edge from reviews' inbound entry concerns another workload than its key.
      assertEquals(List.of("bookinfo/productpage"), moved);
    }
    assertEquals(2, stored("bookinfo/productpage").edges().get(0).count(), "both observations were merged");
  }

  @Test
  void passthroughShortNamesExpandInTheCallersNamespace() {
    send(Records.outbound(PRODUCTPAGE, T, "details" + SVC, 9080)); // announces namespace bookinfo
    for (String authority : List.of("reviews", "reviews:9080", "reviews.bookinfo", "reviews.bookinfo.svc",
        "reviews.bookinfo.svc.cluster.local", "REVIEWS.bookinfo.svc.cluster.local.")) {
      send(Records.withCluster(PRODUCTPAGE, T.plusSeconds(1), "PassthroughCluster", authority, false));
    }
    send(Records.withCluster(PRODUCTPAGE, T.plusSeconds(2), "PassthroughCluster", "api.example.com:443", false));
    DependencyGraph g = latest().get("bookinfo/productpage");
    assertEquals(Set.of("details" + SVC, "reviews" + SVC, "api.example.com"), hosts(g));
    Edge reviews = g.edges().stream().filter(x -> x.host().startsWith("reviews")).findFirst().get();
    assertEquals(6, reviews.count());
    assertEquals(Set.of("passthrough-authority"), reviews.provenance());
  }

  @Test
  void twoLabelNameIsExternalUnlessItsSecondLabelIsAMeshNamespace() {
    send(Records.withCluster(PRODUCTPAGE, T, "PassthroughCluster", "example.com", false));
    assertTrue(hosts(latest().get("bookinfo/productpage")).contains("example.com"));
  }

  @Test
  void blockedCallsAreUrgent() {
    send(Records.withCluster(PRODUCTPAGE, T, "BlackHoleCluster", "ratings:9080", false));
    send(Records.withCluster(PRODUCTPAGE, T, "PassthroughCluster", "api.example.com", true));
    DependencyGraph g = latest().get("bookinfo/productpage");
    Map<String, Edge> byHost = g.edges().stream().collect(Collectors.toMap(Edge::host, x -> x));
    assertTrue(byHost.get("ratings" + SVC).urgent());
    assertEquals(Set.of("blackhole"), byHost.get("ratings" + SVC).provenance());
    assertTrue(byHost.get("api.example.com").urgent());
    assertEquals(Set.of("no-route"), byHost.get("api.example.com").provenance());
  }

  @Test
  void inboundEntryGivesTheCallerAnEdgeFromTheServerSide() {
    send(Records.inbound(REVIEWS, T, 9080, "bookinfo", "productpage", "v1", "10.44.0.10"));
    Map<String, DependencyGraph> out = latest();
    DependencyGraph caller = out.get("bookinfo/productpage");
    assertNotNull(caller, "graphs: " + out.keySet());
    assertEquals(Set.of("reviews" + SVC), hosts(caller));
    assertEquals(Set.of("inbound-peer-metadata"), caller.edges().get(0).provenance());
    assertTrue(caller.workload().selector().isEmpty(), "a peer's metadata does not say which label named it");
    assertEquals("unknown", caller.role());
    // The callee exists too, with no calls of its own: it still gets a graph (and so a Sidecar).
    assertEquals(Set.of(), hosts(out.get("bookinfo/reviews")));

    send(Records.outbound(PRODUCTPAGE, T.plusSeconds(1), "details" + SVC, 9080));
    DependencyGraph own = latest().get("bookinfo/productpage");
    assertEquals(Map.of("service.istio.io/canonical-name", "productpage"), own.workload().selector());
    assertEquals("sidecar", own.role());
  }

  @Test
  void inboundTcpCountsLikeHttp() {
    StreamIdentity mongodb = Records.sidecar("bookinfo", "mongodb", "v1", "10.44.0.17");
    send(Records.inboundTcp(mongodb, T, 27017, "bookinfo", "ratings", "10.44.0.16"));
    Edge e = latest().get("bookinfo/ratings").edges().get(0);
    assertEquals("mongodb" + SVC, e.host());
    assertEquals(Set.of("TCP"), e.protocols());
    assertEquals(Set.of(27017), e.ports());
  }

  @Test
  void preIstio18InboundClusterNamesTheService() {
    AccessRecord r = Records.inbound(REVIEWS, T, 9080, "bookinfo", "productpage", "v1", "10.44.0.10");
    r = withCluster(r, new UpstreamCluster("inbound|9080|http|reviews-svc" + SVC, "inbound",
        9080, null, "reviews-svc" + SVC));
    send(r);
    assertEquals(Set.of("reviews-svc" + SVC), hosts(latest().get("bookinfo/productpage")));
  }

  @Test
  void anInboundClusterNamingAServiceOfAnotherNamespaceIsRefused() {
    for (String foreign : List.of("payments.billing.svc.cluster.local", "api.example.com",
        "reviews.bookinfo.svc.cluster.local.evil.example")) {
      AccessRecord r = Records.inbound(REVIEWS, T, 9080, "bookinfo", "productpage", "v1", "10.44.0.10");
      send(withCluster(r, new UpstreamCluster("inbound|9080|http|" + foreign, "inbound", 9080, null, foreign)));
    }
    DependencyGraph g = stored("bookinfo/productpage");
    assertEquals(Set.of(), hosts(g), "a pod serves only its own namespace's services");
    assertEquals(Set.of("foreign-inbound-host"), g.rejected().stream().map(RejectedHost::reason)
        .collect(Collectors.toSet()));
    assertEquals(3, g.rejected().size());
  }

  @Test
  void aPodThatForgesInboundCallsCannotLockAnotherWorkloadsGraph() {
    // A compromised pod in its own namespace reports 600 calls from productpage, each to a service
    // of that namespace: valid hosts, the shape an inbound cluster may name (issue 17, item 5).
    StreamIdentity mallory = Records.sidecar("evil", "mallory", "v1", "10.44.9.9");
    for (int i = 0; i < 600; i++) {
      String host = "s" + i + ".evil.svc.cluster.local";
      AccessRecord r = Records.inbound(mallory, T.plusMillis(i), 8080, "bookinfo", "productpage", "v1", "10.44.0.10");
      send(withCluster(r, new UpstreamCluster("inbound|8080|http|" + host, "inbound", 8080, null, host)));
    }
    DependencyGraph g = stored("bookinfo/productpage");
    assertEquals(32, g.edges().size(), "one namespace's pods vouch for 32 hosts of a caller at most");
    assertTrue(g.rejected().stream().allMatch(r -> r.reason().equals("inbound-namespace-limit")), g.rejected().toString());

    send(Records.outbound(PRODUCTPAGE, T.plusSeconds(5), "reviews" + SVC, 9080));
    assertTrue(hosts(stored("bookinfo/productpage")).contains("reviews" + SVC), "its own new host still arrives");
  }

  @Test
  void callerKnownOnlyByIpIsResolvedThroughAnnouncedAddresses() {
    send(Records.outbound(PRODUCTPAGE, T, "details" + SVC, 9080)); // announces 10.44.0.10 = productpage
    send(Records.inboundWithoutPeer(REVIEWS, T.plusSeconds(1), 9080, "10.44.0.10"));
    DependencyGraph g = latest().get("bookinfo/productpage");
    assertEquals(Set.of("details" + SVC, "reviews" + SVC), hosts(g));
    assertTrue(g.edges().stream().anyMatch(x -> x.provenance().contains("inbound-ip")));
  }

  @Test
  void aCallSeenBeforeItsCallersAnnouncementIsResolvedOnceTheAnnouncementIsRead() {
    // As in a replay at full speed: the callee's entry comes first.
    send(Records.inboundWithoutPeer(REVIEWS, T, 9080, "10.44.0.10"));
    send(Records.outbound(PRODUCTPAGE, T.plusSeconds(1), "details" + SVC, 9080)); // announces 10.44.0.10
    assertEquals(Set.of("details" + SVC), hosts(stored("bookinfo/productpage")), "held, not lost, not guessed");

    driver.advanceWallClockTime(PendingCallers.RETRY);

    DependencyGraph g = stored("bookinfo/productpage");
    assertEquals(Set.of("details" + SVC, "reviews" + SVC), hosts(g));
    Edge reviews = g.edges().stream().filter(e -> e.host().equals("reviews" + SVC)).findFirst().orElseThrow();
    assertEquals(T, reviews.firstSeen(), "at the held entry's own time");
    assertEquals(Set.of("inbound-ip"), reviews.provenance());
  }

  @Test
  void aCallWhoseCallerIsNotAnnouncedInTimeIsForgotten() {
    send(Records.inboundWithoutPeer(REVIEWS, T, 9080, "10.44.0.10"));
    driver.advanceWallClockTime(PendingCallers.WAIT.plus(PendingCallers.RETRY));
    send(Records.outbound(PRODUCTPAGE, T.plusSeconds(1), "details" + SVC, 9080));
    driver.advanceWallClockTime(PendingCallers.RETRY);

    assertEquals(Set.of("details" + SVC), hosts(stored("bookinfo/productpage")));
  }

  @Test
  void callerKnownOnlyByItsCertificateIsTheWorkloadThatAnnouncedItsAccount() {
    send(Records.outbound(PRODUCTPAGE, T, "details" + SVC, 9080)); // announces bookinfo/bookinfo-productpage
    send(Records.inboundByCertificate(REVIEWS, T.plusSeconds(1), 9080, "10.99.0.1",
        "spiffe://cluster.local/ns/bookinfo/sa/bookinfo-productpage"));
    DependencyGraph g = latest().get("bookinfo/productpage");
    assertEquals(Set.of("details" + SVC, "reviews" + SVC), hosts(g));
    assertTrue(g.edges().stream().anyMatch(x -> x.provenance().contains("inbound-peer-certificate")), g.toString());
  }

  @Test
  void anAccountTwoWorkloadsRunAsResolvesToNeitherAndTheCalleesGraphSaysWhy() {
    send(Records.outbound(PRODUCTPAGE, T, "details" + SVC, 9080));
    StreamIdentity canary = Records.sidecar("bookinfo", "productpage-canary", "v1", "10.44.0.11", "bookinfo-productpage");
    send(Records.outbound(canary, T, "details" + SVC, 9080));
    send(Records.inboundByCertificate(REVIEWS, T.plusSeconds(1), 9080, "10.99.0.1",
        "spiffe://cluster.local/ns/bookinfo/sa/bookinfo-productpage"));
    assertEquals(Set.of("details" + SVC), hosts(stored("bookinfo/productpage")));
    assertEquals(Set.of("details" + SVC), hosts(stored("bookinfo/productpage-canary")));
    DependencyGraph callee = stored("bookinfo/reviews");
    assertEquals(List.of("ambiguous-service-account"), callee.rejected().stream().map(RejectedHost::reason).toList());
  }

  @Test
  void aReporterIsAnnouncedOnceAndAgainWhenItsDailyRefreshIsDue() {
    TestOutputTopic<String, byte[]> directory = driver.createOutputTopic(
        AnalyzerSettings.defaults().directoryTopic(), new StringDeserializer(),
        new ByteArrayDeserializer());
    for (int hour = 0; hour < 24; hour++) {
      send(Records.outbound(PRODUCTPAGE, T.plus(Duration.ofHours(hour)), "details" + SVC, 9080));
    }
    assertEquals(List.of("ip:10.44.0.10", "ns:bookinfo", "sa:bookinfo/bookinfo-productpage/bookinfo/productpage"), directory.readRecordsToList().stream().map(TestRecord::key).toList(), "once, not per record");
    send(Records.outbound(PRODUCTPAGE, T.plus(Duration.ofHours(24)), "details" + SVC, 9080));
    assertEquals(List.of(), directory.readRecordsToList().stream().map(TestRecord::key).toList(), "a day after the first, not yet due");
    send(Records.outbound(PRODUCTPAGE, T.plus(Duration.ofHours(24)).plusMillis(1), "details" + SVC, 9080));
    assertEquals(List.of("ip:10.44.0.10", "ns:bookinfo", "sa:bookinfo/bookinfo-productpage/bookinfo/productpage"), directory.readRecordsToList().stream().map(TestRecord::key).toList(), "refreshed");
    send(Records.outbound(PRODUCTPAGE, T.plus(Duration.ofHours(30)), "details" + SVC, 9080));
    assertEquals(List.of(), directory.readRecordsToList().stream().map(TestRecord::key).toList());
  }

  @Test
  void anIpClaimedByTwoWorkloadsStaysWithTheLatestUntilTheOtherIsDue() {
    // A reused pod IP: the reporter that announced it first does not take it back with every
    // record (it did, and two live claimants flooded the directory), only at its daily refresh.
    TestOutputTopic<String, byte[]> directory = driver.createOutputTopic(
        AnalyzerSettings.defaults().directoryTopic(), new StringDeserializer(),
        new ByteArrayDeserializer());
    StreamIdentity ratings = Records.sidecar("bookinfo", "ratings", "v1", "10.44.0.10"); // productpage's IP
    send(Records.outbound(PRODUCTPAGE, T, "details" + SVC, 9080));
    send(Records.outbound(ratings, T.plusSeconds(1), "details" + SVC, 9080));
    directory.readRecordsToList();
    for (int minute = 1; minute < 60; minute++) {
      send(Records.outbound(PRODUCTPAGE, T.plus(Duration.ofMinutes(minute)), "details" + SVC, 9080));
    }
    assertEquals(List.of(), directory.readRecordsToList().stream().map(TestRecord::key).toList());
    send(Records.outbound(PRODUCTPAGE, T.plus(Duration.ofDays(1)).plusSeconds(1), "details" + SVC, 9080));
    assertTrue(directory.readRecordsToList().stream().map(TestRecord::key).toList().contains("ip:10.44.0.10"),
        "taken back at the refresh");
  }

  @Test
  void ingressGatewayIsACallerInTheGraph() {
    send(Records.outbound(INGRESS, T, "productpage" + SVC, 9080));
    DependencyGraph g = latest().get("istio-system/istio-ingressgateway");
    assertEquals("router", g.role());
    assertEquals(Set.of("productpage" + SVC), hosts(g));
  }

  @Test
  void fallbackEgressProxyTrafficIsLearnedForItsDownstreamCaller() {
    AccessRecord viaProxy = Records.outbound(EGRESS, T, "api.example.com", 443);
    viaProxy = withPeer(viaProxy, "bookinfo", "reviews");
    send(viaProxy);
    Map<String, DependencyGraph> out = latest();
    assertEquals(Set.of("api.example.com"), hosts(out.get("bookinfo/reviews")));
    assertEquals(Set.of("egress-gateway"), out.get("bookinfo/reviews").edges().get(0).provenance());
    assertEquals(Set.of(), hosts(out.get("istio-system/istio-axds-egressgateway")), "the proxy is not the caller");

    // No peer metadata, unknown IP: refused, and visible on the proxy's graph.
    send(Records.outbound(EGRESS, T.plusSeconds(1), "api.other.com", 443));
    assertTrue(graphs.isEmpty(), "a refused value alone does not republish");
    DependencyGraph proxy = stored("istio-system/istio-axds-egressgateway");
    assertEquals(List.of("unresolved-caller"), proxy.rejected().stream().map(RejectedHost::reason).toList());
  }

  @Test
  void hostileAuthoritiesNeverBecomeEdgesAndStayVisible() {
    List<String> hostile = List.of("10.0.0.1:80", "[fe80::1]:443", "a".repeat(70) + ".example.com", "evil.com/../x",
        "x_y.example.com", "*.example.com", "-bad.example.com", "e\u0000vil.com", "a..b");
    for (String authority : hostile) {
      send(Records.withCluster(PRODUCTPAGE, T, "PassthroughCluster", authority, false));
    }
    DependencyGraph g = stored("bookinfo/productpage");
    assertEquals(Set.of(), hosts(g));
    Map<String, String> reasons = g.rejected().stream().collect(Collectors.toMap(RejectedHost::value,
        RejectedHost::reason));
    assertEquals("ip-literal", reasons.get("10.0.0.1:80"));
    assertEquals("ip-literal", reasons.get("[fe80::1]:443"));
    assertEquals("bad-wildcard", reasons.get("*.example.com"));
    assertEquals("bad-label", reasons.get("evil.com/../x"));
    assertEquals("label-too-long", reasons.get("a".repeat(70) + ".example.c...(82 chars)"), "shown capped: " + reasons);
    // The receiver refused the authority with a NUL in it; what is left names no host.
    assertEquals("no-host", reasons.get("10.96.0.10:80"));
  }

  @Test
  void edgesUnseenForTheTtlAgeOutAndThatIsPublished() {
    send(Records.outbound(PRODUCTPAGE, T, "reviews" + SVC, 9080));
    send(Records.outbound(PRODUCTPAGE, T.plus(Duration.ofDays(6)), "details" + SVC, 9080));
    assertEquals(Set.of("reviews" + SVC, "details" + SVC), hosts(latest().get("bookinfo/productpage")));

    send(Records.outbound(PRODUCTPAGE, T.plus(Duration.ofDays(7)).plusSeconds(1), "details" + SVC, 9080));
    DependencyGraph aged = latest().get("bookinfo/productpage");
    assertEquals(Set.of("details" + SVC), hosts(aged));
    assertEquals(3, aged.revision(), "reviews, then details, then reviews aged out");
  }

  @Test
  void quietWorkloadsAgeOnStreamTimeToo() {
    send(Records.outbound(PRODUCTPAGE, T, "reviews" + SVC, 9080));
    graphs.readRecordsToList();
    // Only another workload's traffic moves stream time past productpage's TTL.
    send(Records.outbound(REVIEWS, T.plus(Duration.ofDays(8)), "ratings" + SVC, 9080));
    DependencyGraph aged = latest().get("bookinfo/productpage");
    assertNotNull(aged, "the punctuation published productpage's aged graph");
    assertEquals(Set.of(), hosts(aged));
  }

  @Test
  void movedEvidenceIsRepublishedOncePerAgingInterval() {
    send(Records.outbound(PRODUCTPAGE, T, "reviews" + SVC, 9080));
    send(Records.outbound(PRODUCTPAGE, T.plusSeconds(1), "reviews" + SVC, 9080));
    send(Records.outbound(PRODUCTPAGE, T.plusSeconds(2), "reviews" + SVC, 9080));
    assertEquals(1, graphs.readRecordsToList().size());
    send(Records.outbound(REVIEWS, T.plus(Duration.ofMinutes(61)), "ratings" + SVC, 9080));
    DependencyGraph refreshed = latest().get("bookinfo/productpage");
    assertNotNull(refreshed, "the counts moved, so the interval's punctuation republished");
    assertEquals(2, refreshed.revision());
    assertEquals(3, refreshed.edges().get(0).count());
    send(Records.outbound(REVIEWS, T.plus(Duration.ofMinutes(125)), "ratings" + SVC, 9080));
    assertEquals(null, latest().get("bookinfo/productpage"), "nothing moved since: not published again");
  }

  @Test
  void replayedOldRecordDoesNotResurrectAnAgedEdge() {
    send(Records.outbound(PRODUCTPAGE, T.plus(Duration.ofDays(10)), "details" + SVC, 9080));
    graphs.readRecordsToList();
    send(Records.outbound(PRODUCTPAGE, T, "reviews" + SVC, 9080));
    assertTrue(graphs.isEmpty(), "an edge older than the TTL is not published");
  }

  @Test
  void forgedFutureStartTimeDoesNotAgeTheMeshOut() {
    send(Records.outbound(PRODUCTPAGE, T, "reviews" + SVC, 9080));
    send(withTimes(Records.outbound(REVIEWS, T, "ratings" + SVC, 9080), T.plus(Duration.ofDays(3650)), T));
    assertEquals(Set.of("reviews" + SVC), hosts(latest().get("bookinfo/productpage")));
  }

  @Test
  void aProxyWithABadClockNeitherAgesTheMeshOutNorLosesItsCallsNorFreezesAging() {
    // Issue 16, fault 6: reviews' clock is a year behind, productpage's pod two is ten hours ahead.
    send(Records.outbound(PRODUCTPAGE, T, "details" + SVC, 9080));
    send(withTimes(Records.outbound(REVIEWS, T, "ratings" + SVC, 9080), T.minus(Duration.ofDays(365)), T));
    send(withTimes(Records.outbound(PRODUCTPAGE, T, "reviews" + SVC, 9080), T.plus(Duration.ofHours(10)), T));
    Map<String, DependencyGraph> now = latest();
    assertEquals(Set.of("details" + SVC, "reviews" + SVC), hosts(now.get("bookinfo/productpage")));
    Edge ratings = now.get("bookinfo/reviews").edges().get(0);
    assertEquals("ratings" + SVC, ratings.host(), "the slow clock's call is kept, not aged out on arrival");
    assertEquals(T, ratings.lastSeen(), "seen when the receiver took it");

    // Stream time still moves with the good clocks: eight days on, everything above has aged out.
    send(Records.outbound(INGRESS, T.plus(Duration.ofDays(8)), "productpage" + SVC, 9080));
    Map<String, DependencyGraph> later = latest();
    assertEquals(Set.of(), hosts(later.get("bookinfo/productpage")));
    assertEquals(Set.of(), hosts(later.get("bookinfo/reviews")));
  }

  @Test
  void unreadableRecordGoesToTheDeadLetterTopicAndProcessingGoesOn() {
    // Logs of a day ago replayed: the letter is stamped when it is written, so the topic's
    // retention keeps it for people to read from today on.
    Instant written = T.plus(Duration.ofDays(1));
    driver.advanceWallClockTime(Duration.between(T, written));
    rawLogs.pipeInput("bookinfo/productpage", "{not json".getBytes(StandardCharsets.UTF_8), T);
    send(Records.outbound(PRODUCTPAGE, T, "reviews" + SVC, 9080));
    TestOutputTopic<String, byte[]> dead = driver.createOutputTopic("meshscope.dead-letters", new StringDeserializer(),
        Serdes.ByteArray().deserializer());
    TestRecord<String, byte[]> letter = dead.readRecord();
    assertEquals("bookinfo/productpage", letter.key());
    assertEquals(written, letter.getRecordTime());
    assertEquals("{not json", new String(letter.value(), StandardCharsets.UTF_8));
    Map<String, String> headers = new HashMap<>();
    for (Header h : letter.headers()) {
      headers.put(h.key(), h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8));
    }
    assertTrue(headers.values().stream().anyMatch(v -> v != null && v.contains("cannot read AccessRecord")),
        headers.toString());
    assertEquals(Set.of("reviews" + SVC), hosts(latest().get("bookinfo/productpage")));
  }

  @Test
  void anUnreadableRecordStampedLaterDoesNotAgeOutTheGraphs() {
    // The receiver's producer stamps records with its wall clock; while old logs are replayed, an
    // unreadable one among them must not move stream time past the replayed event times.
    send(Records.outbound(PRODUCTPAGE, T, "reviews" + SVC, 9080));
    rawLogs.pipeInput("bookinfo/productpage", "{not json".getBytes(StandardCharsets.UTF_8), T.plus(Duration.ofDays(30)));
    send(Records.outbound(PRODUCTPAGE, T.plusSeconds(1), "details" + SVC, 9080));
    assertEquals(Set.of("reviews" + SVC, "details" + SVC), hosts(stored("bookinfo/productpage")));
  }

  @Test
  void hostsPastTheTtlMakeRoomForANewOneAtTheEdgeLimit() {
    for (int i = 0; i < 500; i++) {
      send(Records.withCluster(PRODUCTPAGE, T, "PassthroughCluster", "h" + i + ".example.com", false));
    }
    // Past the TTL, before the aging punctuation has run (it runs after this record): the 500 old
    // hosts must not refuse the new one.
    send(Records.withCluster(PRODUCTPAGE, T.plus(Duration.ofDays(7)).plusSeconds(1), "PassthroughCluster",
        "new.example.com", false));
    DependencyGraph g = stored("bookinfo/productpage");
    assertEquals(Set.of("new.example.com"), hosts(g));
    assertTrue(g.rejected().isEmpty(), g.rejected().toString());
  }

  @Test
  void aWorkloadCannotGrowPastTheEdgeLimit() {
    for (int i = 0; i < 600; i++) {
      send(Records.withCluster(PRODUCTPAGE, T, "PassthroughCluster", "h" + i + ".example.com", false));
    }
    DependencyGraph g = stored("bookinfo/productpage");
    assertEquals(500, g.edges().size());
    assertTrue(g.rejected().stream().allMatch(r -> r.reason().equals("edge-limit")));
    assertEquals(50, g.rejected().size(), "refused values are capped too");
  }

  private static AccessRecord withCluster(AccessRecord r, UpstreamCluster c) {
    return new AccessRecord(r.schemaVersion(), r.startTime(), r.receivedAt(), r.reporter(), r.logName(), r.protocol(),
        r.httpVersion(), c, r.downstreamRemoteAddress(), r.downstreamLocalAddress(),
        r.downstreamDirectRemoteAddress(), r.upstreamRemoteAddress(), r.request(), r.responseCode(),
        r.responseCodeDetails(), r.responseFlags(), r.bytesReceived(), r.bytesSent(), r.durationMicros(),
        r.routeName(), r.peerSans(), r.requestedServerName(), r.upstreamPeer(), r.downstreamPeer(), r.flags());
  }

  private static AccessRecord withTimes(AccessRecord r, Instant start, Instant received) {
    return new AccessRecord(r.schemaVersion(), start, received, r.reporter(), r.logName(), r.protocol(),
        r.httpVersion(), r.upstreamCluster(), r.downstreamRemoteAddress(), r.downstreamLocalAddress(),
        r.downstreamDirectRemoteAddress(), r.upstreamRemoteAddress(), r.request(), r.responseCode(),
        r.responseCodeDetails(), r.responseFlags(), r.bytesReceived(), r.bytesSent(), r.durationMicros(),
        r.routeName(), r.peerSans(), r.requestedServerName(), r.upstreamPeer(), r.downstreamPeer(), r.flags());
  }

  private static AccessRecord withPeer(AccessRecord r, String ns, String app) {
    PeerMetadata peer = new PeerMetadata("downstream_peer", ns, app,
        app + "-pod", null, "Kubernetes", Map.of());
    return new AccessRecord(r.schemaVersion(), r.startTime(), r.receivedAt(), r.reporter(), r.logName(), r.protocol(),
        r.httpVersion(), r.upstreamCluster(), r.downstreamRemoteAddress(), r.downstreamLocalAddress(),
        r.downstreamDirectRemoteAddress(), r.upstreamRemoteAddress(), r.request(), r.responseCode(),
        r.responseCodeDetails(), r.responseFlags(), r.bytesReceived(), r.bytesSent(), r.durationMicros(),
        r.routeName(), r.peerSans(), r.requestedServerName(), r.upstreamPeer(), peer, r.flags());
  }
}
