package io.meshscope.bench;

import io.envoyproxy.envoy.data.accesslog.v3.HTTPAccessLogEntry;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.meshscope.analyzer.Analyzer;
import io.meshscope.analyzer.AnalyzerConfig;
import io.meshscope.client.simulate.AdaptiveCaller;
import io.meshscope.client.simulate.Entries;
import io.meshscope.client.simulate.EnvoyAlsClient;
import io.meshscope.client.simulate.Simulation;
import io.meshscope.client.simulate.Topology;
import io.meshscope.generator.GeneratorOptions;
import io.meshscope.generator.SidecarGenerator;
import io.meshscope.generator.domain.EmitDecision;
import io.meshscope.generator.domain.RenderedSidecar;
import io.meshscope.kafka.embedded.EmbeddedKafkaBroker;
import io.meshscope.kafka.embedded.EmbeddedKafkaConfig;
import io.meshscope.kit.TopicAdmin;
import io.meshscope.receiver.AlsReceiver;
import io.meshscope.receiver.ReceiverConfig;
import io.meshscope.schemas.DependencyGraph;
import io.meshscope.schemas.Edge;
import io.meshscope.schemas.SidecarRecommendation;
import io.meshscope.schemas.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.StreamsConfig;

/**
 * How long a new dependency takes to reach the Sidecar (issue 18, docs/benchmarks.md "Learning
 * latency"). The receiver, analyzer and generator run in this process on an embedded broker, under
 * background traffic from a synthetic mesh at a steady rate. Trials run staggered, one workload
 * each:
 * <ul>
 *   <li>new host: an adaptive workload, its Sidecar applied, starts calling a host the Sidecar does
 *       not list, through the fallback (the caller's allow_any entry and the fallback's entries);
 *   <li>blocked: a workload in recommend mode, its Sidecar applied, calls a host it does not list,
 *       which Envoy blocks ({@code BlackHoleCluster}): the urgent path, no debounce.
 * </ul>
 * From the moment the first such entry is sent it times the host's arrival in the workload's graph
 * on {@code meshscope.dependency-graphs} (read committed, as downstream consumers read it), in its
 * Sidecar on {@code meshscope.sidecars}, and in the Sidecar file on disk. Prints p50, p99 and max per
 * path and the goal (new host: debounce + 2 s; blocked: 2 s).
 *
 * <pre>bench/latency.sh [--trials N] [--rate N] [--commit-ms N] [--debounce D]</pre>
 */
public final class LatencyBenchmark {

  private static final int PORT = 9080;

  public static void main(String[] args) throws Exception {
    int trials = 100;
    long rate = 5_000;
    long commitMs = -1;
    Duration debounce = Duration.ofMinutes(1);
    Duration stagger = Duration.ofMillis(300);
    Path out = Path.of("bench", "results");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--trials" -> trials = Integer.parseInt(args[++i]);
        case "--rate" -> rate = Long.parseLong(args[++i]);
        case "--commit-ms" -> commitMs = Long.parseLong(args[++i]);
        case "--debounce" -> debounce = Duration.parse("PT" + args[++i].toUpperCase(Locale.ROOT));
        case "--stagger-ms" -> stagger = Duration.ofMillis(Long.parseLong(args[++i]));
        case "--out" -> out = Path.of(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]
            + "; use --trials N --rate N --commit-ms N --debounce 60s --stagger-ms N --out DIR");
      }
    }
    Files.createDirectories(out);
    Path work = Files.createTempDirectory("meshscope-bench-latency-");
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(EmbeddedKafkaConfig.ephemeral())) {
      String bootstrap = broker.bootstrapServers();
      TopicAdmin.ensure(bootstrap, Topics.all(), 4);
      AnalyzerConfig analyzerConfig = AnalyzerConfig.defaults(bootstrap, work.resolve("state"), 0);
      if (commitMs > 0) {
        analyzerConfig = analyzerConfig.withStreamsProperty(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG,
            String.valueOf(commitMs));
      }
      String commit = commitMs > 0 ? commitMs + " ms" : "the default";
      System.out.printf("latency benchmark: %d trials per path, background %,d entries/s, analyzer commit interval %s,"
          + " debounce %s; work in %s%n", trials, rate, commit, debounce, work);
      Path sidecars = work.resolve("sidecars");
      // The quiet period only delays each workload's first Sidecar, which is set up before the trials;
      // it may not be shorter than the debounce.
      GeneratorOptions generatorOptions = GeneratorOptions.defaults(bootstrap, sidecars)
          .withTimings(debounce.compareTo(Duration.ofSeconds(10)) > 0 ? debounce : Duration.ofSeconds(10), debounce);
      // Every simulated proxy connects from this one process, one client to the receiver.
      ReceiverConfig receiverConfig = ReceiverConfig.fromMap(Map.of("bootstrap.servers", bootstrap, "grpc.port", "0",
          "metrics.port", "-1", "max.streams.per.client", "100000"));
      try (AlsReceiver receiver = AlsReceiver.start(receiverConfig);
          Analyzer analyzer = Analyzer.start(analyzerConfig);
          SidecarGenerator generator = SidecarGenerator.start(generatorOptions, Clock.systemUTC(), (d, f) -> { })) {
        new LatencyBenchmark(bootstrap, receiver, generator, sidecars, trials, rate, stagger, debounce, commit, out)
            .run();
      }
    }
  }

  private final String bootstrap;
  private final AlsReceiver receiver;
  private final SidecarGenerator generator;
  private final Path sidecars;
  private final int trials;
  private final long rate;
  private final Duration stagger;
  private final Duration debounce;
  private final String commit;
  private final Path out;
  /** workload -> host -> nanoTime it first showed, per place. */
  private final Map<String, Long> inGraph = new ConcurrentHashMap<>();
  private final Map<String, Long> inRecord = new ConcurrentHashMap<>();

  private LatencyBenchmark(String bootstrap, AlsReceiver receiver, SidecarGenerator generator, Path sidecars,
      int trials, long rate, Duration stagger, Duration debounce, String commit, Path out) {
    this.bootstrap = bootstrap;
    this.receiver = receiver;
    this.generator = generator;
    this.sidecars = sidecars;
    this.trials = trials;
    this.rate = rate;
    this.stagger = stagger;
    this.debounce = debounce;
    this.commit = commit;
    this.out = out;
  }

  /**
   * One workload's trial. {@code sentAt[0]}: nanoTime of its first call to its host, 0 before;
   * {@code sentAt[1]}: when the next call is due.
   */
  private record Trial(String workload, String host, AdaptiveCaller adaptive, EnvoyAlsClient blocked, long[] sentAt) {

    /** Calls the host once its trial has begun: at once, then once a second, as live traffic does. */
    void callIfDue(long now, long begins) throws InterruptedException {
      if (now < begins || (sentAt[0] != 0 && now < sentAt[1])) {
        return;
      }
      if (adaptive != null) {
        adaptive.call(host, PORT, Instant.now());
      } else {
        blocked.log(blackHole(host));
      }
      if (sentAt[0] == 0) {
        sentAt[0] = System.nanoTime();
      }
      sentAt[1] = now + 1_000_000_000L;
    }
  }

  private void run() throws Exception {
    ManagedChannel channel = Grpc.newChannelBuilderForAddress("127.0.0.1", receiver.port(),
        InsecureChannelCredentials.create()).build();
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> readers = List.of(reader(Topics.DEPENDENCY_GRAPHS, stop), reader(Topics.SIDECARS, stop));
    readers.forEach(Thread::start);
    // Background: a synthetic mesh at a steady rate for as long as the run may take.
    Simulation background = new Simulation(Topology.synthetic(200, 5, 10), new Simulation.Settings(
        rate * 3_600, 1, 50, 200, rate, Instant.now(), Duration.ofNanos(1_000_000_000L / Math.max(rate, 1))));
    Thread traffic = new Thread(() -> {
      try {
        background.run(channel, n -> { });
      } catch (Exception e) {
        if (!stop.get()) {
          System.err.println("background traffic stopped: " + e);
        }
      }
    }, "background");
    traffic.setDaemon(true);
    traffic.start();

    List<Trial> adaptive = new ArrayList<>();
    List<Trial> blocked = new ArrayList<>();
    for (int i = 0; i < trials; i++) {
      String a = "adaptive-" + i;
      adaptive.add(new Trial("lat/" + a, "new-" + i + ".lat.svc.cluster.local",
          new AdaptiveCaller(channel, "lat", a, "10.77." + (i / 200) + "." + (i % 200 + 1)), null, new long[2]));
      String b = "blocked-" + i;
      EnvoyAlsClient client = new EnvoyAlsClient(channel, Entries.identity("sidecar", "lat", b, null, b + "-pod",
          "10.78." + (i / 200) + "." + (i % 200 + 1)), 1, 1);
      blocked.add(new Trial("lat/" + b, "blocked-" + i + ".example.com", null, client, new long[2]));
    }
    // Setup: every workload calls one base host until its first Sidecar is out, then applies it.
    System.out.println("setting up: a first Sidecar for each of " + (2 * trials) + " workloads...");
    long setupStart = System.nanoTime();
    while (!allEmitted(adaptive) || !allEmitted(blocked)) {
      for (Trial t : adaptive) {
        t.adaptive().call("base.lat.svc.cluster.local", PORT, Instant.now());
      }
      for (Trial t : blocked) {
        t.blocked().log(Entries.outboundHttp(Instant.now(), "base.lat.svc.cluster.local", PORT, "/", 200));
      }
      Thread.sleep(1000);
      if (System.nanoTime() - setupStart > Duration.ofMinutes(5).toNanos()) {
        throw new IllegalStateException("no first Sidecar for every workload within 5 minutes");
      }
    }
    for (Trial t : adaptive) {
      t.adaptive().apply(hostsOf(generator.latest().get(t.workload())));
    }
    System.out.printf("set up in %.0f s; running the trials, one every %d ms per path%n",
        (System.nanoTime() - setupStart) / 1e9, stagger.toMillis());

    // The trials: staggered starts; each workload then calls its host once a second, as live traffic does.
    long begin = System.nanoTime();
    long deadline = begin + stagger.toNanos() * trials + debounce.toNanos() + Duration.ofMinutes(2).toNanos();
    while (System.nanoTime() < deadline && !(allSeen(adaptive) & allSeen(blocked))) {
      long now = System.nanoTime();
      for (int i = 0; i < trials; i++) {
        long begins = begin + stagger.toNanos() * i;
        adaptive.get(i).callIfDue(now, begins);
        blocked.get(i).callIfDue(now, begins);
      }
      Thread.sleep(20);
    }
    stop.set(true);
    List<String> lines = new ArrayList<>();
    lines.add(String.format(Locale.ROOT, "Learning latency, %s: %d trials per path under %,d entries/s of background"
        + " traffic (%,d sent in all), analyzer commit interval %s, debounce %s, %d cores.", Instant.now(), trials,
        rate, background.sent(), commit, debounce, Runtime.getRuntime().availableProcessors()));
    lines.add("");
    lines.add("| path | to | p50 (s) | p99 (s) | max (s) | reached | goal |");
    lines.add("|---|---|---:|---:|---:|---:|---|");
    String newGoal = "p99 <= " + (debounce.toSeconds() + 2) + " s";
    lines.addAll(rows("new host through the fallback", adaptive, newGoal, debounce.toMillis() + 2_000));
    lines.addAll(rows("blocked call (BlackHoleCluster)", blocked, "p99 <= 2 s", 2_000));
    lines.forEach(System.out::println);
    Files.write(out.resolve("latency-latest.txt"), lines);
    channel.shutdownNow();
    for (Thread t : readers) {
      t.join(5_000);
    }
  }

  private List<String> rows(String path, List<Trial> trials, String goal, long goalMs) throws Exception {
    List<String> rows = new ArrayList<>();
    List<Long> graph = new ArrayList<>();
    List<Long> record = new ArrayList<>();
    List<Long> file = new ArrayList<>();
    for (Trial t : trials) {
      long sent = t.sentAt()[0];
      Long g = inGraph.get(t.workload() + " " + t.host());
      Long r = inRecord.get(t.workload() + " " + t.host());
      Long f = fileTimes.get(t.workload() + " " + t.host());
      if (sent != 0 && g != null) {
        graph.add((g - sent) / 1_000_000);
      }
      if (sent != 0 && r != null) {
        record.add((r - sent) / 1_000_000);
      }
      if (sent != 0 && f != null) {
        file.add((f - sent) / 1_000_000);
      }
    }
    rows.add(row(path, "graph on meshscope.dependency-graphs", graph, trials.size(), "-", Long.MAX_VALUE));
    rows.add(row(path, "Sidecar on meshscope.sidecars", record, trials.size(), goal, goalMs));
    rows.add(row(path, "Sidecar file on disk", file, trials.size(), goal, goalMs));
    return rows;
  }

  private static String row(String path, String to, List<Long> ms, int trials, String goal, long goalMs) {
    if (ms.isEmpty()) {
      return "| " + path + " | " + to + " | - | - | - | 0 of " + trials + " | " + goal + " |";
    }
    List<Long> sorted = new ArrayList<>(ms);
    sorted.sort(null);
    long p50 = percentile(sorted, 50);
    long p99 = percentile(sorted, 99);
    String verdict = goalMs == Long.MAX_VALUE ? goal
        : goal + (p99 <= goalMs && sorted.size() == trials ? ": met" : ": NOT met");
    return String.format(Locale.ROOT, "| %s | %s | %.2f | %.2f | %.2f | %d of %d | %s |", path, to, p50 / 1000.0,
        p99 / 1000.0, sorted.get(sorted.size() - 1) / 1000.0, sorted.size(), trials, verdict);
  }

  /** Nearest-rank percentile of sorted values. */
  private static long percentile(List<Long> sorted, int p) {
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return sorted.get(Math.max(0, rank - 1));
  }

  private static HTTPAccessLogEntry blackHole(String host) {
    HTTPAccessLogEntry e = Entries.outboundHttp(Instant.now(), host, 443, "/", 502);
    return e.toBuilder().setCommonProperties(e.getCommonProperties().toBuilder()
        .setUpstreamCluster("BlackHoleCluster").setRouteName("block_all")).build();
  }

  private boolean allEmitted(List<Trial> trials) {
    Map<String, SidecarRecommendation> latest = generator.latest();
    return trials.stream().allMatch(t -> latest.containsKey(t.workload())
        && EmitDecision.EMITTED.equals(latest.get(t.workload()).status()));
  }

  private final Map<String, Long> fileTimes = new ConcurrentHashMap<>();

  /**
   * Whether every trial's host is everywhere; looks at the files, whose arrival nothing announces
   * (call it for every path each round: it is also what times them).
   */
  private boolean allSeen(List<Trial> trials) throws Exception {
    boolean all = true;
    for (Trial t : trials) {
      String key = t.workload() + " " + t.host();
      if (t.sentAt()[0] != 0 && !fileTimes.containsKey(key)) {
        Path file = sidecars.resolve("lat").resolve(t.workload().substring(4) + ".yaml");
        if (Files.exists(file) && Files.readString(file).contains(t.host())) {
          fileTimes.put(key, System.nanoTime());
        }
      }
      all &= t.sentAt()[0] != 0 && fileTimes.containsKey(key) && inGraph.containsKey(key) && inRecord.containsKey(key);
    }
    return all;
  }

  private static Set<String> hostsOf(SidecarRecommendation r) {
    return AdaptiveCaller.listedHosts(RenderedSidecar.egressHostsOf(r.yaml()));
  }

  /** Notes when each (workload, host) first shows on {@code topic}. */
  private Thread reader(String topic, AtomicBoolean stop) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "latency-bench-" + topic);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    Thread t = new Thread(() -> {
      try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p, new StringDeserializer(),
          new ByteArrayDeserializer())) {
        consumer.subscribe(List.of(topic));
        while (!stop.get()) {
          for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(20))) {
            long at = System.nanoTime();
            if (r.value() == null || !r.key().startsWith("lat/")) {
              continue;
            }
            if (topic.equals(Topics.DEPENDENCY_GRAPHS)) {
              DependencyGraph g = Topics.dependencyGraphs().valueSerde().deserializer().deserialize(topic, r.value());
              for (Edge e : g.edges()) {
                inGraph.putIfAbsent(r.key() + " " + e.host(), at);
              }
            } else {
              SidecarRecommendation s = Topics.sidecars().valueSerde().deserializer().deserialize(topic, r.value());
              if (s.yaml() != null) {
                for (String host : hostsOf(s)) {
                  inRecord.putIfAbsent(r.key() + " " + host, at);
                }
              }
            }
          }
        }
      }
    }, "reader-" + topic);
    t.setDaemon(true);
    return t;
  }
}
