package io.meshscope.faults;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.meshscope.schemas.AccessRecord;
import io.meshscope.schemas.DependencyGraph;
import io.meshscope.schemas.Edge;
import io.meshscope.schemas.Json;
import io.meshscope.schemas.SidecarRecommendation;
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

  /**
   * @param generator whether a generator runs too, with traffic whose hosts keep growing so that
   *     Sidecars keep changing while the fault hits
   * @param twoAnalyzers whether a second analyzer instance shares the work
   */
  private record Scenario(String name, String description, Fault fault, boolean generator, boolean twoAnalyzers,
      boolean ownDisks) {
    Scenario(String name, String description, Fault fault) {
      this(name, description, fault, false, false, false);
    }

    Scenario(String name, String description, Fault fault, boolean generator, boolean twoAnalyzers) {
      this(name, description, fault, generator, twoAnalyzers, false);
    }
  }

  /**
   * Whether the scenario puts the analyzer's state and the generator's files on disks of their own
   * (tmpfs, to fill them or make them read-only), which needs root: see {@link Tmpfs#available}.
   */
  public static boolean needsOwnDisks(String name) {
    return scenarios(Duration.ZERO).stream().anyMatch(s -> s.name().equals(name) && s.ownDisks());
  }

  /** Whether this machine lets the harness mount tmpfs (root or CAP_SYS_ADMIN). */
  public static boolean ownDisksAvailable(Path scratch) {
    return Tmpfs.available(scratch);
  }

  /**
   * One scenario's counts; {@code receiverRead} is -1 unless the receiver was stopped gently, and the
   * generator's counts are -1 when none ran: its records on {@code meshscope.sidecars}, those whose
   * Sidecar was the same as the workload's record before (emitted again), workloads whose last
   * Sidecar misses or adds a host against its final graph (a change missed), and files that do not
   * agree with the topic (differing, unbacked, or temporary files left).
   */
  public record Row(String scenario, String description, long sent, long dropped, long onTopic, long duplicated,
      long lost, long inGraphs, long graphsDiffer, double recoverySeconds, long receiverRead, long receiverProduced,
      long oooSequence, long sidecarRecords, long reEmitted, long missed, long filesOff, String note) {}

  private static final class Stages {
    final Path dir;
    final int kafkaPort = freePort();
    final int grpcPort = freePort();
    final int metricsPort = freePort();
    final int httpPort = freePort();
    final StageProcess broker;
    final StageProcess receiver;
    StageProcess analyzer;
    final int secondHttpPort = freePort();
    /** A second analyzer instance, in scenarios that run two. */
    StageProcess secondAnalyzer;
    /** The generator, in scenarios that run one. */
    StageProcess generator;
    final Path sidecars;
    final int maxInflight;
    /** How many proxies send, each its own workload. */
    int proxies;
    /** The analyzer's state directory and the generator's output on disks of their own, when asked. */
    Tmpfs stateDisk;
    Tmpfs sidecarDisk;

    void mountOwnDisks() throws Exception {
      stateDisk = Tmpfs.mount(dir.resolve("analyzer-state"), "256m");
      sidecarDisk = Tmpfs.mount(sidecars, "16m");
    }

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
      sidecars = dir.resolve("sidecars");
    }

    StageProcess analyzer(Path stateDir) {
      return analyzer("analyzer", stateDir, httpPort);
    }

    StageProcess analyzer(String name, Path stateDir, int port) {
      return new StageProcess(jar, name, dir, "768m", "analyzer", "--bootstrap-servers", bootstrap(),
          "--state-dir", stateDir.toString(), "--http-port", String.valueOf(port), "--advertised-host", "127.0.0.1",
          "--application-id", "meshscope-analyzer-faults");
    }

    void startGenerator() throws Exception {
      generator = new StageProcess(jar, "generator", dir, "512m", "generator", "--bootstrap-servers", bootstrap(),
          "--out", sidecars.toString(), "--quiet-period", "2s", "--debounce", "1s", "--metrics-port", "-1");
      generator.start();
      awaitGeneratorStarted(Duration.ofSeconds(60));
    }

    /** Until the generator's latest start has read back the Sidecar topic; returns the seconds it took. */
    double awaitGeneratorStarted(Duration timeout) throws Exception {
      long t0 = System.nanoTime();
      while (System.nanoTime() - t0 < timeout.toNanos()) {
        if (!generator.alive()) {
          throw new IllegalStateException("generator exited; see " + generator.log());
        }
        if (countLines(generator.log(), "earlier recommendations") >= generator.starts()) {
          return (System.nanoTime() - t0) / 1e9;
        }
        Thread.sleep(100);
      }
      throw new IllegalStateException("generator did not start in " + timeout + "; see " + generator.log());
    }

    void startSecondAnalyzer() throws Exception {
      secondAnalyzer = analyzer("analyzer-2", dir.resolve("analyzer-2-state"), secondHttpPort);
      secondAnalyzer.start();
      secondAnalyzer.awaitPort(secondHttpPort, Duration.ofSeconds(120));
      awaitRunning(secondHttpPort, secondAnalyzer, Duration.ofSeconds(120));
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
      return awaitRunning(httpPort, analyzer, timeout);
    }

    double awaitRunning(int port, StageProcess analyzer, Duration timeout) throws Exception {
      long t0 = System.nanoTime();
      analyzer.awaitPort(port, timeout);
      while (System.nanoTime() - t0 < timeout.toNanos()) {
        try {
          if (get("http://127.0.0.1:" + port + "/healthz").startsWith("RUNNING")) {
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
      if (generator != null) {
        generator.stop(Duration.ofSeconds(30));
      }
      if (secondAnalyzer != null) {
        secondAnalyzer.stop(Duration.ofSeconds(30));
      }
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
            }),
        new Scenario("analyzer-two-one-killed", "two analyzers; one SIGKILLed and left down: the survivor "
            + "takes its partitions and answers for every workload", (st, r) -> {
              Thread.sleep(r.nextInt(5_000));
              st.secondAnalyzer.kill();
              long t0 = System.nanoTime();
              long unanswered = awaitEveryWorkload(st, Duration.ofSeconds(120));
              if (unanswered > 0) {
                throw new IllegalStateException("while the survivor took over, /graphs closed " + unanswered
                    + " connection(s) without an answer (it must answer 503 until it can answer in full)");
              }
              return (System.nanoTime() - t0) / 1e9;
            }, false, true),
        new Scenario("generator-sigkill-3x", "generator SIGKILL 3 times, the first the moment a Sidecar file "
            + "lands (before its record is produced), started again each time", (st, r) -> {
              double worst = 0;
              for (int i = 0; i < 3; i++) {
                if (i == 0) {
                  awaitSidecarFile(st.sidecars.resolve(FaultTraffic.NAMESPACE), Duration.ofSeconds(60));
                } else {
                  Thread.sleep(1_000 + r.nextInt(5_000));
                }
                st.generator.kill();
                long t0 = System.nanoTime();
                st.generator.start();
                st.awaitGeneratorStarted(Duration.ofSeconds(60));
                worst = Math.max(worst, (System.nanoTime() - t0) / 1e9);
              }
              return worst;
            }, true, false),
        new Scenario("disks-full", "the analyzer's state disk and the generator's output disk full for "
            + brokerDown.toSeconds() + " s, then freed", (st, r) -> {
              st.stateDisk.fill();
              st.sidecarDisk.fill();
              Thread.sleep(brokerDown.toMillis());
              st.stateDisk.free();
              st.sidecarDisk.free();
              return Double.NaN;
            }, true, false, true),
        new Scenario("analyzer-restart-disk-full", "the analyzer SIGKILLed and started again on a full state disk, "
            + "freed " + brokerDown.toSeconds() + " s later", (st, r) -> {
              st.stateDisk.fill();
              st.analyzer.kill();
              st.analyzer.start();
              Thread.sleep(brokerDown.toMillis());
              st.stateDisk.free();
              long t0 = System.nanoTime();
              st.awaitAnalyzerRunning(Duration.ofSeconds(180));
              return (System.nanoTime() - t0) / 1e9;
            }, false, false, true),
        new Scenario("generator-read-only", "the generator's output disk read-only for " + brokerDown.toSeconds()
            + " s, then writable", (st, r) -> {
              st.sidecarDisk.readOnly(true);
              Thread.sleep(brokerDown.toMillis());
              st.sidecarDisk.readOnly(false);
              return Double.NaN;
            }, true, false, true));
  }

  private static Row run(Scenario scenario, Path dir, Path jar, int rate, int proxies, int seconds, int maxInflight,
      Random random) throws Exception {
    Stages st = new Stages(jar, dir, maxInflight);
    try {
      return run(scenario, st, rate, proxies, seconds, random);
    } finally {
      if (st.generator != null) {
        st.generator.kill();
      }
      for (Tmpfs disk : new Tmpfs[] {st.stateDisk, st.sidecarDisk}) {
        if (disk != null) {
          st.analyzer.kill();
          disk.close();
        }
      }
      if (st.secondAnalyzer != null) {
        st.secondAnalyzer.kill();
      }
      st.analyzer.kill();
      st.receiver.kill();
      st.broker.kill();
    }
  }

  private static Row run(Scenario scenario, Stages st, int rate, int proxies, int seconds, Random random)
      throws Exception {
    st.proxies = proxies;
    if (scenario.ownDisks()) {
      st.mountOwnDisks();
    }
    st.startBroker();
    st.startReceiver();
    st.startAnalyzer();
    if (scenario.twoAnalyzers()) {
      st.startSecondAnalyzer();
    }
    if (scenario.generator()) {
      st.startGenerator();
    }
    ManagedChannel channel = Grpc.newChannelBuilderForAddress("127.0.0.1", st.grpcPort,
        InsecureChannelCredentials.create()).build();
    FaultTraffic traffic = new FaultTraffic(channel, proxies, rate,
        scenario.generator() ? NEW_HOST_EVERY : Duration.ZERO);
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
    SidecarCheck sidecars = scenario.generator() ? checkSidecars(st, Duration.ofSeconds(60)) : SidecarCheck.NONE;
    note = (note + " " + sidecars.note()).trim();
    if (scenario.ownDisks()) {
      note = (note + String.format(" While the disks failed: the analyzer waited for its state directory %d "
              + "time(s), replaced a failed stream thread %d time(s) and exited %d time(s); the generator logged "
              + "%d failed-write report(s) and exited %d time(s).",
          countLines(st.analyzer.log(), "cannot open the analyzer's state"),
          countLines(st.analyzer.log(), "stream thread failed"), st.analyzer.alive() ? 0 : 1,
          st.generator == null ? 0 : countLines(st.generator.log(), "cannot write to"),
          st.generator == null || st.generator.alive() ? 0 : 1)).trim();
    }
    st.stopAll();
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    return new Row(scenario.name(), scenario.description(), sent.cardinality(), traffic.dropped(), topic.records(),
        topic.records() - topic.seen().cardinality(), lost.cardinality(), inGraphs, differ, recovery, receiver[0],
        receiver[1], ooo, sidecars.records(), sidecars.reEmitted(), sidecars.missed(), sidecars.filesOff(), note);
  }

  /** How often each proxy calls one more host while a generator runs: Sidecars change every few seconds. */
  private static final Duration NEW_HOST_EVERY = Duration.ofSeconds(2);
  private static final Pattern FAULT_HOST = Pattern.compile("svc-\\d+\\." + FaultTraffic.NAMESPACE
      + "\\.svc\\.cluster\\.local");

  private record SidecarCheck(long records, long reEmitted, long missed, long filesOff, String note) {
    static final SidecarCheck NONE = new SidecarCheck(-1, -1, -1, -1, "");
  }

  /**
   * Once the graphs are final: waits until every workload's last Sidecar on the topic lists exactly
   * its graph's hosts (or the timeout, counting those that do not as changes missed), then counts the
   * records emitted again with an unchanged Sidecar, and the files that do not agree with the topic.
   */
  private static SidecarCheck checkSidecars(Stages st, Duration timeout) throws Exception {
    Map<String, java.util.Set<String>> expected = new java.util.TreeMap<>();
    for (DependencyGraph g : graphs(st.httpPort)) {
      java.util.Set<String> hosts = new java.util.TreeSet<>();
      g.edges().forEach(e -> hosts.add(e.host()));
      expected.put(g.workload().key(), hosts);
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    List<ConsumerRecord<String, SidecarRecommendation>> records;
    long missed;
    while (true) {
      records = readSidecars(st.bootstrap());
      Map<String, SidecarRecommendation> latest = new HashMap<>();
      records.forEach(r -> latest.put(r.key(), r.value()));
      missed = expected.entrySet().stream().filter(e -> latest.get(e.getKey()) == null
          || !e.getValue().equals(hostsIn(latest.get(e.getKey()).yaml()))).count();
      if (missed == 0 || System.nanoTime() > deadline) {
        break;
      }
      Thread.sleep(500);
    }
    Thread.sleep(3_000); // anything emitted again after settling would show now
    records = readSidecars(st.bootstrap());
    Map<String, SidecarRecommendation> latest = new java.util.TreeMap<>();
    long reEmitted = 0;
    for (ConsumerRecord<String, SidecarRecommendation> r : records) {
      SidecarRecommendation before = latest.put(r.key(), r.value());
      if (before != null && java.util.Objects.equals(before.yaml(), r.value().yaml())
          && before.status().equals(r.value().status())) {
        System.err.println("faults:   " + r.key() + " emitted again unchanged at offset " + r.offset());
        reEmitted++;
      }
    }
    long filesOff = 0;
    Path dir = st.sidecars.resolve(FaultTraffic.NAMESPACE);
    for (SidecarRecommendation r : latest.values()) {
      Path yaml = dir.resolve(r.workload().name() + ".yaml");
      if (r.yaml() != null && (!Files.exists(yaml) || !Files.readString(yaml).equals(r.yaml()))) {
        System.err.println("faults:   " + yaml + " does not agree with the topic");
        filesOff++;
      }
    }
    try (var files = Files.list(dir)) {
      for (Path f : files.toList()) {
        String name = f.getFileName().toString();
        boolean temp = name.startsWith(".") && name.endsWith(".tmp");
        boolean unbacked = name.endsWith(".yaml") && !latest.containsKey(FaultTraffic.NAMESPACE + "/"
            + name.substring(0, name.length() - 5));
        if (temp || unbacked) {
          System.err.println("faults:   " + f + (temp ? " is a temporary file left" : " is on no record"));
          filesOff++;
        }
      }
    }
    long betweenFileAndRecord = countLines(st.generator.log(), "rewrote the files of")
        + countLines(st.generator.log(), "are not on " + Topics.SIDECARS);
    String note = betweenFileAndRecord == 0 ? "" : "A kill came between a Sidecar file and its record "
        + betweenFileAndRecord + " time(s): the restart found the files ahead of the topic and put them right.";
    return new SidecarCheck(records.size(), reEmitted, missed, filesOff, note);
  }

  private static java.util.Set<String> hostsIn(String yaml) {
    java.util.Set<String> hosts = new java.util.TreeSet<>();
    if (yaml != null) {
      Matcher m = FAULT_HOST.matcher(yaml);
      while (m.find()) {
        hosts.add(m.group());
      }
    }
    return hosts;
  }

  private static List<ConsumerRecord<String, SidecarRecommendation>> readSidecars(String bootstrap) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    List<ConsumerRecord<String, SidecarRecommendation>> out = new ArrayList<>();
    try (KafkaConsumer<String, SidecarRecommendation> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
        Topics.sidecars().valueSerde().deserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(Topics.SIDECARS).stream()
          .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        consumer.poll(Duration.ofSeconds(1)).forEach(out::add);
      }
    }
    // One workload's records are on one partition, in order; the check reads them per workload.
    return out;
  }

  /** Waits for a Sidecar file to be created or replaced in {@code dir}: the moment before its record is produced. */
  private static void awaitSidecarFile(Path dir, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!Files.isDirectory(dir)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("no Sidecar was written to " + dir + " in " + timeout);
      }
      Thread.sleep(50);
    }
    try (java.nio.file.WatchService watch = dir.getFileSystem().newWatchService()) {
      dir.register(watch, java.nio.file.StandardWatchEventKinds.ENTRY_CREATE,
          java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY);
      while (System.nanoTime() < deadline) {
        java.nio.file.WatchKey key = watch.poll(100, TimeUnit.MILLISECONDS);
        if (key == null) {
          continue;
        }
        for (var event : key.pollEvents()) {
          String name = String.valueOf(event.context());
          if (name.endsWith(".yaml") && !name.startsWith(".")) {
            return;
          }
        }
        key.reset();
      }
    }
    throw new IllegalStateException("no Sidecar was written to " + dir + " in " + timeout);
  }

  /**
   * Until the analyzer on the main port answers with a graph for every proxy's workload; returns how
   * many requests it closed without any answer meanwhile (an answer of 503 is fine: not yet).
   */
  private static long awaitEveryWorkload(Stages st, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    long unanswered = 0;
    while (System.nanoTime() < deadline) {
      try {
        long have = graphs(st.httpPort).stream().filter(g -> !g.edges().isEmpty()).count();
        if (have >= st.proxies) {
          return unanswered;
        }
      } catch (NotGraphs notYet) {
        // 503 while the survivor takes over
      } catch (IOException noAnswer) {
        unanswered++;
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("the surviving analyzer did not answer for every workload in " + timeout);
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
    Map<String, Long> out = new HashMap<>();
    for (DependencyGraph g : graphs(st.httpPort)) {
      for (Edge e : g.edges()) {
        out.merge(g.workload().key() + " " + e.host(), e.count(), Long::sum);
      }
    }
    return out;
  }

  /** Every graph the analyzer on {@code port} serves (gathered from every instance). */
  private static List<DependencyGraph> graphs(int port) throws Exception {
    String json = get("http://127.0.0.1:" + port + "/graphs");
    try {
      return List.of(Json.mapper().readValue(json, DependencyGraph[].class));
    } catch (com.fasterxml.jackson.core.JacksonException e) {
      throw new NotGraphs("not graphs (the analyzer is rebalancing?): " + StageProcess.tail(json, 3), e);
    }
  }

  /** An answer that is not graphs: the analyzer said it cannot answer now. */
  private static final class NotGraphs extends IOException {
    NotGraphs(String message, Throwable cause) {
      super(message, cause);
    }
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
        + "back in (s) | broker OOO-sequence lines | Sidecar records | emitted again unchanged | changes missed | "
        + "files off the topic |\n");
    b.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Row r : rows) {
      b.append(String.format("| %s | %,d | %,d | %,d | %,d | %,d%s | %,d | %d | %s | %d | %s | %s | %s | %s |%n",
          r.description(), r.sent(), r.dropped(), r.onTopic(), r.duplicated(), r.lost(),
          r.receiverRead() >= 0 ? String.format(" (the receiver read %,d and produced %,d before it stopped)",
              r.receiverRead(), r.receiverProduced()) : "",
          r.inGraphs(), r.graphsDiffer(), Double.isNaN(r.recoverySeconds()) ? "-"
              : String.format("%.1f", r.recoverySeconds()), r.oooSequence(), orDash(r.sidecarRecords()),
          orDash(r.reEmitted()), orDash(r.missed()), orDash(r.filesOff())));
    }
    rows.stream().filter(r -> !r.note().isEmpty())
        .forEach(r -> b.append("\n").append(r.scenario()).append(": ").append(r.note()).append("\n"));
    b.append("\nsent: entries handed to an open ALS stream; dropped by Envoy: entries the simulated proxy "
        + "dropped because its stream could not take them (Envoy's behaviour when the receiver stops reading); "
        + "lost: sent but never on Kafka; in graphs: the sum of the analyzer's edge counts, which must equal "
        + "the records on Kafka; edges off: caller-host pairs whose graph count differs from the topic's. "
        + "With a generator (its traffic adds a host to every proxy every " + NEW_HOST_EVERY.toSeconds()
        + " s): Sidecar records: on meshscope.sidecars; emitted again unchanged: records whose Sidecar is the "
        + "same as the workload's record before; changes missed: workloads whose last Sidecar does not list "
        + "exactly its final graph's hosts; files off the topic: Sidecar files that differ from their record, "
        + "have none, or are temporary files left behind.\n");
    return b.toString();
  }

  private static String orDash(long n) {
    return n < 0 ? "-" : String.format("%,d", n);
  }
}
