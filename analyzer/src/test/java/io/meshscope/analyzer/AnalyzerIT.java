package io.meshscope.analyzer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshscope.client.simulate.Entries;
import io.meshscope.client.simulate.Topology;
import io.meshscope.kafka.test.Await;
import io.meshscope.kafka.test.KafkaCluster;
import io.meshscope.kafka.test.KafkaExtension;
import io.meshscope.receiver.domain.CallerKey;
import io.meshscope.receiver.domain.EntryNormalizer;
import io.meshscope.receiver.domain.IdentityParser;
import io.meshscope.receiver.domain.StreamIdentity;
import io.meshscope.schemas.AccessRecord;
import io.meshscope.schemas.DependencyGraph;
import io.meshscope.schemas.Edge;
import io.meshscope.schemas.Json;
import io.meshscope.schemas.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bookinfo through the analyzer on a real broker, with a restart in the middle: the graph after the
 * restart is the one before it, and records after it are counted once, on top.
 */
@ExtendWith(KafkaExtension.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class AnalyzerIT {

  private static final Instant T = Instant.parse("2026-11-20T10:00:00Z");
  private static final String SVC = ".bookinfo.svc.cluster.local";

  /** An analyzer of its own on {@code logs}: topics and application id no other test shares. */
  private static Map<String, String> settings(KafkaCluster kafka, String logs) {
    return new HashMap<>(Map.of(
        "bootstrap.servers", kafka.bootstrapServers(),
        "access.log.topic", logs,
        "graph.topic", kafka.uniqueTopic("graphs"),
        "directory.topic", kafka.uniqueTopic("directory"),
        "dead.letter.topic", kafka.uniqueTopic("dead"),
        "http.port", "0",
        "streams.application.id", kafka.uniqueTopic("analyzer"),
        "streams.commit.interval.ms", "200"));
  }

  @Test
  void aStateDirectoryThatCannotBeOpenedIsWaitedForAndNothingIsLost(KafkaCluster kafka, @TempDir Path dir)
      throws Exception {
    String logs = kafka.uniqueTopic("access-logs");
    kafka.createTopic(logs, 2, Map.of());
    Map<String, String> settings = settings(kafka, logs);
    settings.put("state.dir", dir.toString());
    produceBookinfo(kafka, logs, 0, 20);
    Map<String, DependencyGraph> before;
    try (Analyzer analyzer = Analyzer.start(AnalyzerConfig.fromMap(settings))) {
      before = awaitCounts(analyzer, 20);
    }
    // A store the disk will not let RocksDB open (as when it is full or read-only): its folder
    // moved aside and a file in its place. Kafka Streams opens the stores it finds on disk as it starts.
    Path store;
    try (var paths = java.nio.file.Files.walk(dir)) {
      store = paths.filter(p -> p.getFileName().toString().equals(
          io.meshscope.analyzer.streams.AnalyzerSettings.GRAPH_STORE)).findFirst().orElseThrow();
    }
    Path aside = store.resolveSibling("moved-aside");
    java.nio.file.Files.move(store, aside);
    java.nio.file.Files.writeString(store, "in the way");

    long failuresBefore = Analyzer.stateOpenFailures();
    AtomicReference<Object> outcome = new AtomicReference<>();
    Thread starting = new Thread(() -> {
      try {
        outcome.set(Analyzer.start(AnalyzerConfig.fromMap(settings)));
      } catch (RuntimeException e) {
        outcome.set(e);
      }
    });
    starting.start();
    Await.until(Duration.ofSeconds(60), () -> Analyzer.stateOpenFailures() > failuresBefore || outcome.get() != null,
        () -> "no attempt to open the state yet");
    assertEquals(null, outcome.get(), "it waits for the disk instead of exiting into a crash loop");
    java.nio.file.Files.delete(store); // the disk is usable again, its data intact
    java.nio.file.Files.move(aside, store);
    starting.join(TimeUnit.SECONDS.toMillis(90));
    assertTrue(outcome.get() instanceof Analyzer, "started once the store could be opened: " + outcome.get());
    try (Analyzer analyzer = (Analyzer) outcome.get()) {
      assertEquals(withoutTimestamps(before), withoutTimestamps(awaitCounts(analyzer, 20)),
          "the state came back from Kafka, counted once");
    }
  }

  @Test
  void bookinfoGraphSurvivesARestartWithoutCountingTwice(KafkaCluster kafka, @TempDir Path dir) throws Exception {
    String logs = kafka.uniqueTopic("access-logs");
    kafka.createTopic(logs, 4, Map.of());
    Map<String, String> settings = settings(kafka, logs);

    produceBookinfo(kafka, logs, 0, 100);
    Map<String, DependencyGraph> before;
    settings.put("state.dir", dir.resolve("first").toString());
    try (Analyzer analyzer = Analyzer.start(AnalyzerConfig.fromMap(settings))) {
      before = awaitCounts(analyzer, 100);
      queryEndpointServesOneGraphAndRefusesBadPaths(analyzer, before.get("bookinfo/productpage"));
    }
    assertEquals(Set.of("details" + SVC, "reviews" + SVC), hosts(before.get("bookinfo/productpage")));
    assertEquals(Set.of("ratings" + SVC), hosts(before.get("bookinfo/reviews")));
    assertEquals(Set.of("mongodb" + SVC), hosts(before.get("bookinfo/ratings")));
    assertEquals(Set.of(), hosts(before.get("bookinfo/details")));
    assertEquals(Set.of("productpage" + SVC), hosts(before.get("istio-system/istio-ingressgateway")));
    assertEquals(Set.of("TCP"), edge(before, "bookinfo/ratings", "mongodb").protocols());

    // A fresh state directory: the restarted instance must rebuild its stores from the changelogs.
    settings.put("state.dir", dir.resolve("second").toString());
    try (Analyzer analyzer = Analyzer.start(AnalyzerConfig.fromMap(settings))) {
      Map<String, DependencyGraph> after = awaitCounts(analyzer, 100);
      assertEquals(withoutTimestamps(before), withoutTimestamps(after), "the graph after a restart is the same");

      produceBookinfo(kafka, logs, 100, 50);
      Map<String, DependencyGraph> more = awaitCounts(analyzer, 150);
      // Each call shows twice (outbound at the caller, inbound at the callee): 2 per round, once each.
      assertEquals(300, edge(more, "bookinfo/productpage", "reviews").count());
      assertEquals(300, edge(more, "bookinfo/ratings", "mongodb").count());
      assertEquals(150, edge(more, "istio-system/istio-ingressgateway", "productpage").count(),
          "the gateway's calls show only in its own log: nobody logs them inbound with a peer");
    }
  }

  private static void queryEndpointServesOneGraphAndRefusesBadPaths(Analyzer analyzer, DependencyGraph productpage)
      throws Exception {
    HttpClient client = HttpClient.newHttpClient();
    String base = "http://127.0.0.1:" + analyzer.httpPort();
    HttpResponse<byte[]> one = client.send(HttpRequest.newBuilder(URI.create(base + "/graphs/bookinfo/productpage"))
        .build(), HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, one.statusCode());
    assertEquals(productpage.edges(), Json.mapper().readValue(one.body(), DependencyGraph.class).edges());
    assertEquals(404, client.send(HttpRequest.newBuilder(URI.create(base + "/graphs/bookinfo/nobody")).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode());
    assertEquals(400, client.send(HttpRequest.newBuilder(URI.create(base + "/graphs/too/many/parts")).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode());
    String dot = client.send(HttpRequest.newBuilder(URI.create(base + "/graph.dot")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    assertTrue(dot.contains("\"bookinfo/ratings\" -> \"mongodb.bookinfo.svc.cluster.local\""), dot);
    assertEquals("RUNNING\n", client.send(HttpRequest.newBuilder(URI.create(base + "/healthz")).build(),
        HttpResponse.BodyHandlers.ofString()).body());
  }

  /** Waits until every Bookinfo edge shows {@code rounds} rounds of traffic, then returns all graphs. */
  private static Map<String, DependencyGraph> awaitCounts(Analyzer analyzer, int rounds) throws Exception {
    HttpClient client = HttpClient.newHttpClient();
    AtomicReference<Map<String, DependencyGraph>> graphs = new AtomicReference<>(Map.of());
    Await.until(Duration.ofSeconds(90), () -> {
      if (analyzer.streams().state() != KafkaStreams.State.RUNNING) {
        return false;
      }
      HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + analyzer.httpPort() + "/graphs")).build(),
          HttpResponse.BodyHandlers.ofByteArray());
      if (r.statusCode() != 200) {
        return false;
      }
      graphs.set(List.of(Json.mapper().readValue(r.body(), DependencyGraph[].class)).stream()
          .collect(Collectors.toMap(g -> g.workload().key(), g -> g)));
      return complete(graphs.get(), rounds);
    }, () -> "graphs did not reach " + rounds + " rounds: " + graphs.get().values());
    return graphs.get();
  }

  /**
   * Every Bookinfo edge shows all of {@code rounds}: each call twice (both sides), the gateway's once;
   * every workload has seen the last round, also those known only as callees (whose presence takes
   * another path through the topology than the edges); and every pod is known. Ratings v1 only
   * receives calls, so it is known from presence moved from reviews' partition, which can arrive
   * after every count is complete and publishes a new revision when it does.
   */
  private static boolean complete(Map<String, DependencyGraph> graphs, int rounds) {
    Instant lastRound = T.plusSeconds(rounds - 1);
    if (graphs.size() != 6 || !graphs.values().stream().allMatch(g -> lastRound.equals(g.windowEnd()))) {
      return false;
    }
    Map<String, Integer> pods = Map.of("bookinfo/productpage", 1, "bookinfo/reviews", 3, "bookinfo/ratings", 2,
        "bookinfo/details", 1, "bookinfo/mongodb", 1, "istio-system/istio-ingressgateway", 1);
    if (!pods.entrySet().stream().allMatch(e -> graphs.get(e.getKey()) != null
        && graphs.get(e.getKey()).instances() == e.getValue())) {
      return false;
    }
    Map<String, Long> expected = Map.of(
        "bookinfo/productpage details", 2L * rounds,
        "bookinfo/productpage reviews", 2L * rounds,
        "bookinfo/reviews ratings", 4L * rounds,
        "bookinfo/ratings mongodb", 2L * rounds,
        "istio-system/istio-ingressgateway productpage", (long) rounds);
    return expected.entrySet().stream().allMatch(e -> {
      String[] parts = e.getKey().split(" ");
      Edge edge = edgeOrNull(graphs, parts[0], parts[1]);
      return edge != null && edge.count() == e.getValue();
    });
  }

  private static void produceBookinfo(KafkaCluster kafka, String topic, int fromRound, int rounds) throws Exception {
    Topology bookinfo = Topology.bookinfo("bookinfo");
    Map<String, StreamIdentity> identities = new HashMap<>();
    for (Topology.Proxy p : bookinfo.workloads()) {
      identities.put(p.ip(), IdentityParser.parse(
          Entries.identity(p.role(), p.namespace(), p.app(), p.version(), p.pod(), p.ip())));
    }
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    try (KafkaProducer<String, AccessRecord> producer = new KafkaProducer<>(props, new StringSerializer(),
        Topics.accessLogs().valueSerde().serializer())) {
      for (int round = fromRound; round < fromRound + rounds; round++) {
        Instant at = T.plusSeconds(round);
        for (Topology.Proxy caller : bookinfo.workloads()) {
          for (Topology.Call call : caller.calls()) {
            StreamIdentity me = identities.get(caller.ip());
            EntryNormalizer.Normalized out = call.tcp()
                ? EntryNormalizer.tcp(Entries.outboundTcp(at, call.host(), call.port(), 10, 10), me, at)
                : EntryNormalizer.http(Entries.outboundHttp(at, call.host(), call.port(), call.path(), 200), me, at);
            producer.send(new ProducerRecord<>(topic, out.key(), out.record()));
            Topology.Proxy callee = bookinfo.workloads().stream()
                .filter(p -> call.host().equals(p.app() + "." + p.namespace() + ".svc.cluster.local")
                    && (!p.app().equals("reviews") || "v1".equals(p.version()))
                    && (!p.app().equals("ratings") || "v1".equals(p.version())))
                .findFirst().orElseThrow();
            if (caller.role().equals("router")) {
              continue; // Istio's gateway sends no peer metadata our callee could log; see the count assertion
            }
            StreamIdentity them = identities.get(callee.ip());
            EntryNormalizer.Normalized in = call.tcp()
                ? EntryNormalizer.tcp(Entries.inboundTcp(at, call.port(), caller.namespace(), caller.app(),
                    caller.version(), caller.pod(), caller.ip()), them, at)
                : EntryNormalizer.http(Entries.inboundHttp(at, call.port(), call.path(), caller.namespace(),
                    caller.app(), caller.version(), caller.pod(), caller.ip()), them, at);
            assertTrue(!in.key().equals(CallerKey.UNKNOWN));
            producer.send(new ProducerRecord<>(topic, in.key(), in.record()));
          }
        }
      }
      producer.flush();
    }
  }

  private static Set<String> hosts(DependencyGraph g) {
    assertTrue(g != null, "graph missing");
    return g.edges().stream().map(Edge::host).collect(Collectors.toSet());
  }

  private static Edge edge(Map<String, DependencyGraph> graphs, String workload, String hostPrefix) {
    Edge e = edgeOrNull(graphs, workload, hostPrefix);
    assertTrue(e != null, "no edge " + workload + " -> " + hostPrefix + " in " + graphs.get(workload));
    return e;
  }

  private static Edge edgeOrNull(Map<String, DependencyGraph> graphs, String workload, String hostPrefix) {
    DependencyGraph g = graphs.get(workload);
    return g == null ? null : g.edges().stream().filter(e -> e.host().startsWith(hostPrefix)).findFirst().orElse(null);
  }

  /** Graph content without the query time, for comparing two reads. */
  private static Map<String, Object> withoutTimestamps(Map<String, DependencyGraph> graphs) {
    Map<String, Object> out = new TreeMap<>();
    graphs.forEach((k, g) -> out.put(k, List.of(g.workload(), g.role(), g.revision(), g.windowStart(),
        g.windowEnd(), g.edges(), g.rejected())));
    return out;
  }

}
