package io.meshscope.faults;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.meshscope.schemas.AccessRecord;
import io.meshscope.schemas.DependencyGraph;
import io.meshscope.schemas.Edge;
import io.meshscope.schemas.Json;
import io.meshscope.schemas.Topics;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Faults while traffic flows (issue 16): each scenario starts its own broker, receiver and analyzer
 * as separate processes from the shipped jar (the broker on a data directory of its own, so it can
 * be killed and started again on the same directory and port), sends numbered entries at a fixed
 * rate, injects one fault, lets everything settle, and counts exactly: entries sent, dropped on the
 * Envoy side, on the topic (and how many twice), in the graphs, lost, and the time the faulted stage
 * took to serve again. {@code bench/faults.sh} runs every scenario at full size and writes the table
 * that docs/reliability.md quotes; {@link FaultsIT} runs short ones in CI.
 */
public final class FaultRun {

  private FaultRun() {}

  /**
   * @param jar the shipped {@code meshscope.jar}
   * @param seconds traffic per scenario; the fault comes a third of the way in, and the traffic goes
   *     on for two thirds after the fault ends
   * @param brokerDown how long the broker stays down
   */
  public record Settings(Path jar, Path workDir, int rate, int proxies, int seconds, int maxInflight, long seed,
      Duration brokerDown) {}

  /** The scenarios by name, in the order the table lists them. */
  public static List<String> scenarioNames() {
    return scenarios(Duration.ZERO).stream().map(Scenario::name).toList();
  }

  /** What a scenario does to the running stages, {@code at} seconds into the traffic. */
  private interface Fault {
    /** Returns the seconds the faulted stage took to serve again, or NaN when nothing was faulted. */
    double inject(Stages stages, Random random) throws Exception;
  }

  private record Scenario(String name, String description, Fault fault) {}

  /** One scenario's counts; {@code receiverRead} is -1 unless the receiver was stopped gently. */
  public record Row(String scenario, String description, long sent, long dropped, long onTopic, long duplicated,
      long lost, long inGraphs, long graphsDiffer, double recoverySeconds, long receiverRead, long receiverProduced,
      long oooSequence, String note) {}

  private static final class Stages {
    final Path dir;
    final int kafkaPort = freePort();
    final int grpcPort = freePort();
    final int metricsPort = freePort();
    final int httpPort = freePort();
    final StageProcess broker;
    final StageProcess receiver;
    StageProcess analyzer;
    final int maxInflight;

    final Path jar;

    Stages(Path jar, Path dir, int maxInflight) throws IOException {
      this.jar = jar;
      this.dir = dir;
      this.maxInflight = maxInflight;
      Files.createDirectories(dir);
      broker = new StageProcess(jar, "broker", dir, "1g", "kafka", "--data-dir", dir.resolve("kafka").toString(),
          "--port", String.valueOf(kafkaPort), "--partitions", "4");
      receiver = new StageProcess(jar, "receiver", dir, "512m", "receiver", "--bootstrap-servers", bootstrap(),
          "--grpc-port", String.valueOf(grpcPort), "--metrics-port", String.valueOf(metricsPort),
          "--max-inflight-records", String.valueOf(maxInflight), "--drain-seconds", "5");
      analyzer = analyzer(dir.resolve("analyzer-state"));
    }

    StageProcess analyzer(Path stateDir) {
      return new StageProcess(jar, "analyzer", dir, "768m", "analyzer", "--bootstrap-servers", bootstrap(),
          "--state-dir", stateDir.toString(), "--http-port", String.valueOf(httpPort),
          "--application-id", "meshscope-analyzer-faults");
    }

    String bootstrap() {
      return "127.0.0.1:" + kafkaPort;
    }

    void startBroker() throws Exception {
      broker.start();
      broker.awaitPort(kafkaPort, Duration.ofSeconds(90));
    }

    void startReceiver() throws Exception {
      receiver.start();
      receiver.awaitPort(grpcPort, Duration.ofSeconds(60));
    }

    void startAnalyzer() throws Exception {
      analyzer.start();
      awaitAnalyzerRunning(Duration.ofSeconds(120));
    }

    /** Until the analyzer answers RUNNING on /healthz; returns the seconds it took. */
    double awaitAnalyzerRunning(Duration timeout) throws Exception {
      long t0 = System.nanoTime();
      analyzer.awaitPort(httpPort, timeout);
      while (System.nanoTime() - t0 < timeout.toNanos()) {
        try {
          if (get("http://127.0.0.1:" + httpPort + "/healthz").startsWith("RUNNING")) {
            return (System.nanoTime() - t0) / 1e9;
          }
        } catch (IOException notYet) {
          // starting
        }
        Thread.sleep(200);
      }
      throw new IllegalStateException("analyzer not RUNNING in " + timeout + "; see " + analyzer.log());
    }

    void stopAll() throws InterruptedException {
      analyzer.stop(Duration.ofSeconds(30));
      receiver.stop(Duration.ofSeconds(30));
      broker.stop(Duration.ofSeconds(30));
    }
  }

  /** Runs one scenario in {@code settings.workDir()/<name>}; its stages' logs stay there. */
  public static Row run(String name, Settings settings) throws Exception {
    Scenario scenario = scenarios(settings.brokerDown()).stream().filter(s -> s.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no scenario " + name + "; there are " + scenarioNames()));
    return run(scenario, settings.workDir().resolve(name), settings.jar(), settings.rate(), settings.proxies(),
        settings.seconds(), settings.maxInflight(), new Random(settings.seed()));
  }

  private static List<Scenario> scenarios(Duration brokerDown) {
    return List.of(
        new Scenario("none", "no fault: the baseline", (st, r) -> Double.NaN),
        new Scenario("broker-down", "broker SIGKILL, down " + brokerDown.toSeconds()
            + " s, started again on its data directory", (st, r) -> {
          st.broker.kill();
          Thread.sleep(brokerDown.toMillis());
          long t0 = System.nanoTime();
          st.startBroker();
          return (System.nanoTime() - t0) / 1e9;
        }),
        new Scenario("broker-frozen", "broker SIGSTOP for " + brokerDown.toSeconds()
            + " s (a stalled disk), then SIGCONT", (st, r) -> {
          st.broker.freeze(brokerDown);
          return Double.NaN; // it never stopped serving its port: nothing to time
        }),
        new Scenario("receiver-sigterm", "receiver SIGTERM (drain), started again", (st, r) -> {
          st.receiver.stop(Duration.ofSeconds(60));
          long t0 = System.nanoTime();
          st.startReceiver();
          return (System.nanoTime() - t0) / 1e9;
        }),
        new Scenario("receiver-sigkill", "receiver SIGKILL, started again", (st, r) -> {
          st.receiver.kill();
          long t0 = System.nanoTime();
          st.startReceiver();
          return (System.nanoTime() - t0) / 1e9;
        }),
        new Scenario("analyzer-sigkill-3x", "analyzer SIGKILL 3 times at random points, same state directory",
            (st, r) -> {
              double worst = 0;
              for (int i = 0; i < 3; i++) {
                Thread.sleep(2_000 + r.nextInt(8_000));
                st.analyzer.kill();
                st.analyzer.start();
                worst = Math.max(worst, st.awaitAnalyzerRunning(Duration.ofSeconds(120)));
              }
              return worst;
            }),
        new Scenario("analyzer-sigkill-empty", "analyzer SIGKILL, started again on an empty state directory",
            (st, r) -> {
              Thread.sleep(r.nextInt(5_000));
              st.analyzer.kill();
              st.analyzer = st.analyzer(st.dir.resolve("analyzer-state-empty"));
              st.analyzer.start();
              return st.awaitAnalyzerRunning(Duration.ofSeconds(180));
            }));
  }

  private static Row run(Scenario scenario, Path dir, Path jar, int rate, int proxies, int seconds, int maxInflight,
      Random random) throws Exception {
    Stages st = new Stages(jar, dir, maxInflight);
    try {
      return run(scenario, st, rate, proxies, seconds, random);
    } finally {
      st.analyzer.kill();
      st.receiver.kill();
      st.broker.kill();
    }
  }

  private static Row run(Scenario scenario, Stages st, int rate, int proxies, int seconds, Random random)
      throws Exception {
    st.startBroker();
    st.startReceiver();
    st.startAnalyzer();
    ManagedChannel channel = Grpc.newChannelBuilderForAddress("127.0.0.1", st.grpcPort,
        InsecureChannelCredentials.create()).build();
    FaultTraffic traffic = new FaultTraffic(channel, proxies, rate);
    double recovery;
    String note = "";
    long[] receiver = {-1, -1};
    try {
      traffic.start();
      Thread.sleep(seconds * 1000L / 3);
      recovery = scenario.fault().inject(st, random);
      // The rest of the traffic after the fault, however long the fault took.
      Thread.sleep(seconds * 1000L * 2 / 3);
    } finally {
      traffic.close();
    }
    if (scenario.name().startsWith("receiver")) {
      receiver = readAndProducedAtStop(st.receiver.log());
    }
    // Let the receiver produce what it holds, then read the topic from the start.
    Thread.sleep(3_000);
    TopicCount topic = readTopic(st.bootstrap());
    BitSet sent = traffic.sent();
    BitSet lost = (BitSet) sent.clone();
    lost.andNot(topic.seen());
    BitSet unsent = (BitSet) topic.seen().clone();
    unsent.andNot(sent);
    if (!unsent.isEmpty()) {
      note = unsent.cardinality() + " entries on the topic that were never sent (a harness bug)";
    }
    long expectedEdges = topic.records();
    long inGraphs = awaitGraphs(st, expectedEdges, Duration.ofSeconds(180));
    Map<String, Long> perEdgeTopic = topic.perEdge();
    Map<String, Long> perEdgeGraph = graphCounts(st);
    long differ = perEdgeTopic.entrySet().stream()
        .filter(e -> !e.getValue().equals(perEdgeGraph.getOrDefault(e.getKey(), 0L))).count()
        + perEdgeGraph.keySet().stream().filter(k -> !perEdgeTopic.containsKey(k)).count();
    long ooo = countLines(st.broker.log(), "OutOfOrderSequenceException");
    st.stopAll();
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    return new Row(scenario.name(), scenario.description(), sent.cardinality(), traffic.dropped(), topic.records(),
        topic.records() - topic.seen().cardinality(), lost.cardinality(), inGraphs, differ, recovery, receiver[0],
        receiver[1], ooo, note);
  }

  private static final Pattern STOPPED =
      Pattern.compile("als-receiver stopped: (\\d+) entries read, (\\d+) produced");

  /** The receiver's own counts of entries read and produced, from the line it logs when it stops. */
  private static long[] readAndProducedAtStop(Path log) throws IOException {
    long[] counts = {-1, -1};
    for (String line : Files.readAllLines(log)) {
      Matcher m = STOPPED.matcher(line);
      if (m.find()) {
        counts = new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))};
      }
    }
    return counts;
  }

  private record TopicCount(long records, BitSet seen, Map<String, Long> perEdge) {}

  /** Every record of the access-log topic, committed ones only, with the sequence in its path. */
  private static TopicCount readTopic(String bootstrap) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
    long records = 0;
    BitSet seen = new BitSet();
    Map<String, Long> perEdge = new HashMap<>();
    try (KafkaConsumer<String, AccessRecord> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
        Topics.accessLogs().valueSerde().deserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(Topics.ACCESS_LOGS).stream()
          .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        for (ConsumerRecord<String, AccessRecord> r : consumer.poll(Duration.ofSeconds(1))) {
          AccessRecord a = r.value();
          if (a == null || a.request() == null || a.request().path() == null
              || !a.request().path().startsWith("/seq/")) {
            continue;
          }
          records++;
          int seq = Integer.parseInt(a.request().path().substring(5));
          if (seen.get(seq)) {
            System.err.println("faults:   entry " + seq + " is on the topic twice (offset " + r.offset() + ")");
          }
          seen.set(seq);
          perEdge.merge(r.key() + " " + a.upstreamCluster().host(), 1L, Long::sum);
        }
      }
    }
    return new TopicCount(records, seen, perEdge);
  }

  /** Waits until the graphs hold {@code expected} calls in all, or the timeout; returns what they hold. */
  private static long awaitGraphs(Stages st, long expected, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    long sum = -1;
    while (System.nanoTime() < deadline) {
      try {
        sum = graphCounts(st).values().stream().mapToLong(Long::longValue).sum();
        if (sum >= expected) {
          Thread.sleep(6_000); // one more commit interval: anything counted twice would show now
          return graphCounts(st).values().stream().mapToLong(Long::longValue).sum();
        }
      } catch (IOException notYet) {
        // restarting
      }
      Thread.sleep(1_000);
    }
    return sum;
  }

  /** Count per {@code caller host}, over every graph the analyzer serves. */
  private static Map<String, Long> graphCounts(Stages st) throws Exception {
    String json = get("http://127.0.0.1:" + st.httpPort + "/graphs");
    Map<String, Long> out = new HashMap<>();
    for (DependencyGraph g : Json.mapper().readValue(json, DependencyGraph[].class)) {
      for (Edge e : g.edges()) {
        out.merge(g.workload().key() + " " + e.host(), e.count(), Long::sum);
      }
    }
    return out;
  }

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private static String get(String url) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  private static long countLines(Path log, String text) throws IOException {
    try (var lines = Files.lines(log)) {
      return lines.filter(l -> l.contains(text)).count();
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The Markdown table of {@code rows}, with the settings they ran with. */
  public static String table(List<Row> rows, Settings settings) {
    int rate = settings.rate();
    int proxies = settings.proxies();
    int seconds = settings.seconds();
    int maxInflight = settings.maxInflight();
    long seed = settings.seed();
    StringBuilder b = new StringBuilder();
    b.append(String.format("Fault run of %s UTC: %d entries/s from %d proxies for %d s per scenario, "
        + "--max-inflight-records %d, seed %d.%n%n", Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS),
        rate, proxies, seconds, maxInflight, seed));
    b.append("| fault | sent | dropped by Envoy | on Kafka | duplicated | lost | in graphs | edges off | "
        + "back in (s) | broker OOO-sequence lines |\n");
    b.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Row r : rows) {
      b.append(String.format("| %s | %,d | %,d | %,d | %,d | %,d%s | %,d | %d | %s | %d |%n", r.description(), r.sent(),
          r.dropped(), r.onTopic(), r.duplicated(), r.lost(),
          r.receiverRead() >= 0 ? String.format(" (the receiver read %,d and produced %,d before it stopped)",
              r.receiverRead(), r.receiverProduced()) : "",
          r.inGraphs(), r.graphsDiffer(), Double.isNaN(r.recoverySeconds()) ? "-"
              : String.format("%.1f", r.recoverySeconds()), r.oooSequence()));
    }
    rows.stream().filter(r -> !r.note().isEmpty())
        .forEach(r -> b.append("\n").append(r.scenario()).append(": ").append(r.note()).append("\n"));
    b.append("\nsent: entries handed to an open ALS stream; dropped by Envoy: entries the simulated proxy "
        + "dropped because its stream could not take them (Envoy's behaviour when the receiver stops reading); "
        + "lost: sent but never on Kafka; in graphs: the sum of the analyzer's edge counts, which must equal "
        + "the records on Kafka; edges off: caller-host pairs whose graph count differs from the topic's.\n");
    return b.toString();
  }
}
