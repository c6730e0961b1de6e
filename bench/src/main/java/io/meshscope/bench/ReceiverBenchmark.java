package io.meshscope.bench;

import io.meshscope.client.simulate.Entries;
import io.meshscope.client.simulate.Topology;
import io.meshscope.kafka.embedded.EmbeddedKafkaBroker;
import io.meshscope.kafka.embedded.EmbeddedKafkaConfig;
import io.meshscope.kit.TopicAdmin;
import io.meshscope.receiver.domain.EntryNormalizer;
import io.meshscope.receiver.domain.IdentityParser;
import io.meshscope.receiver.domain.StreamIdentity;
import io.meshscope.receiver.sink.KafkaRecordSink;
import io.meshscope.schemas.Topics;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * The receiver against Kafka's own ProducerPerformance, on one broker, in one run: the same record
 * size and content (real access records, as a payload file), the same producer settings. Each side
 * runs in its own JVM; the receiver gets Envoy-like traffic from {@code meshscope simulate} in a
 * third. Prints entries/s of both, the ratio, and the receiver's peak heap and RSS.
 *
 * <pre>mvn -Pbench -DskipTests package && bench/receiver.sh [--records N] [--warmup-seconds S] [--profile]</pre>
 */
public final class ReceiverBenchmark {

  /** Baseline runs agree when they differ by at most this share of the faster. */
  private static final double STEADY = 0.10;
  private static final int MAX_BASELINE_RUNS = 5;

  public static void main(String[] args) throws Exception {
    long records = 3_000_000;
    long warmup = 45;
    boolean profile = false;
    Path out = Path.of("bench", "results");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--records" -> records = Long.parseLong(args[++i]);
        case "--warmup-seconds" -> warmup = Long.parseLong(args[++i]);
        case "--profile" -> profile = true;
        case "--out" -> out = Path.of(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]
            + "; use --records N --warmup-seconds S --profile --out DIR");
      }
    }
    final long warmupSeconds = warmup;
    final long measured = records;
    Files.createDirectories(out);
    Path work = Files.createTempDirectory("meshscope-bench-");
    System.out.printf("receiver benchmark: %,d records measured after %d s of warm-up, %d cores, work in %s%s%n",
        records, warmupSeconds, Runtime.getRuntime().availableProcessors(), work,
        System.getenv("BENCH_RECEIVER_JVM_OPTS") == null ? ""
            : ", receiver JVM options " + System.getenv("BENCH_RECEIVER_JVM_OPTS"));

    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(EmbeddedKafkaConfig.ephemeral()
        .withOverrides(Map.of("log.retention.bytes", String.valueOf(2L << 30))))) {
      String bootstrap = broker.bootstrapServers();
      try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
        TopicAdmin.create(admin, List.of(new NewTopic("perf-baseline", 4, (short) 1),
            new NewTopic("meshscope.access-logs", 4, (short) 1)), Duration.ofSeconds(30));
      }

      // 1. The baseline: ProducerPerformance with the receiver's records and producer settings, as
      // many records as the receiver's measured window, after a warm-up run of its own.
      Path payloads = work.resolve("payloads.txt");
      double avgBytes = writePayloads(payloads, 5_000);
      List<String> props = new ArrayList<>();
      KafkaRecordSink.producerConfig(bootstrap, Map.of()).forEach((k, v) -> {
        if (!k.equals("client.id")) {
          props.add(k + "=" + v);
        }
      });
      System.out.println("bench: ProducerPerformance until the broker is warm, then the baseline...");
      // The broker runs in this JVM and warms up along with the tool: one warm-up run was not enough
      // (a run after the receiver once went 228k -> 415k). Runs repeat until two in a row agree.
      List<Double> warmups = new ArrayList<>();
      double before = runProducerPerformance(work, "warmup-1", records, payloads, props);
      for (int run = 2; run <= MAX_BASELINE_RUNS; run++) {
        warmups.add(before);
        double next = runProducerPerformance(work, "warmup-" + run, records, payloads, props);
        boolean steady = Math.abs(next - before) <= STEADY * Math.max(next, before);
        before = next;
        if (steady) {
          break;
        }
      }

      // 2. The receiver in its own JVM, fed without pause by simulate in a third.
      int grpc = freePort();
      int metricsPort = freePort();
      // The options of deploy/receiver.yaml, and extra flags for experiments from BENCH_RECEIVER_JVM_OPTS
      // (e.g. "-XX:TieredStopAtLevel=1").
      List<String> jvm = Processes.jvmOptions(List.of("-Xms256m", "-Xmx256m", "-XX:MaxDirectMemorySize=128m",
          "-XX:+UseParallelGC"), "BENCH_RECEIVER_JVM_OPTS");
      Path jfr = out.resolve("receiver.jfr");
      if (profile) {
        jvm.add("-XX:StartFlightRecording=filename=" + jfr + ",settings=profile");
      }
      Path receiverLog = work.resolve("receiver.log");
      Process receiver = Processes.java(receiverLog, jvm, "io.meshscope.cli.Meshscope", "receiver",
          "--bootstrap-servers", bootstrap, "--grpc-port", String.valueOf(grpc), "--metrics-port",
          String.valueOf(metricsPort));
      String metricsUrl = "http://127.0.0.1:" + metricsPort + "/metrics";
      Process sim = null;
      Measured measuredRun;
      try {
        awaitMetrics(metricsUrl, receiver, receiverLog);
        sim = Processes.java(work.resolve("simulate.log"),
            Processes.jvmOptions(List.of("-Xmx512m"), "BENCH_SIMULATE_JVM_OPTS"), "io.meshscope.cli.Meshscope",
            simulateArgs(grpc, 1_000_000_000L));
        Watch watch = new Watch(metricsUrl, sim, work.resolve("simulate.log"));
        watch.until(() -> watch.produced > 0, TimeUnit.MINUTES.toNanos(2), "the first record");
        long started = System.nanoTime();
        System.out.printf("bench: receiver warming up for %d s...%n", warmupSeconds);
        double coldProduced = Double.NaN;
        if (warmupSeconds >= 30) {
          watch.until(() -> System.nanoTime() - started >= TimeUnit.SECONDS.toNanos(30), Long.MAX_VALUE, "");
          coldProduced = watch.produced;
        }
        watch.until(() -> System.nanoTime() - started >= TimeUnit.SECONDS.toNanos(warmupSeconds), Long.MAX_VALUE, "");
        double p1 = watch.produced;
        long t1 = System.nanoTime();
        Processes.Cpu cpu1 = Processes.cpu(receiver.pid());
        double sim1 = Processes.cpu(sim.pid()).processSeconds();
        double broker1 = Processes.cpu(ProcessHandle.current().pid()).processSeconds();
        System.out.printf("bench: measuring %,d records...%n", records);
        watch.until(() -> watch.produced >= p1 + measured, TimeUnit.MINUTES.toNanos(15), records + " records");
        double p2 = watch.produced;
        long t2 = System.nanoTime();
        Processes.Cpu cpu2 = Processes.cpu(receiver.pid());
        double sim2 = Processes.cpu(sim.pid()).processSeconds();
        double broker2 = Processes.cpu(ProcessHandle.current().pid()).processSeconds();
        double rate = (p2 - p1) / ((t2 - t1) / 1e9);

        String m = Processes.get(metricsUrl);
        measuredRun = new Measured(rate, coldProduced / 30, watch.peakHeap, Processes.peakRssMib(receiver.pid()),
            Processes.metric(m, "meshscope_receiver_rejected_total"),
            Processes.metric(m, "meshscope_receiver_producer_errors_total"),
            Processes.cpuReport("receiver", "entry", cpu1, cpu2, (t2 - t1) / 1e9, p2 - p1)
                + String.format("in the same window: simulate %.2f cores, the broker (this JVM) %.2f cores%n",
                    (sim2 - sim1) / ((t2 - t1) / 1e9), (broker2 - broker1) / ((t2 - t1) / 1e9)));
      } finally {
        if (sim != null) {
          sim.destroy();
          sim.waitFor(30, TimeUnit.SECONDS);
        }
        if (profile) {
          new ProcessBuilder("jcmd", String.valueOf(receiver.pid()), "JFR.dump", "filename=" + jfr)
              .redirectErrorStream(true).start().waitFor(30, TimeUnit.SECONDS);
        }
        receiver.destroy();
        receiver.waitFor(30, TimeUnit.SECONDS);
      }
      // The baseline again, now that the receiver is gone: this machine's speed drifts between runs.
      double after = runProducerPerformance(work, "baseline-after", records, payloads, props);
      // The warm baseline is the faster of the two: a mean would count a broker still warming up.
      double baseline = Math.max(before, after);
      Measured r = measuredRun;
      StringBuilder report = new StringBuilder();
      report.append(String.format("%nmeshscope receiver benchmark, %s, %d cores%n", Instant.now(),
          Runtime.getRuntime().availableProcessors()));
      report.append(String.format("records: %,d of %.0f bytes on average (real access records, lz4, acks=all, "
          + "idempotent, linger 10 ms, batch 128 KiB), 4 partitions, one in-process broker%n", records, avgBytes));
      report.append(String.format("%-46s %12.0f entries/s  (warm: %.0f before, %.0f after the receiver; "
          + "warm-up runs %s)%n", "Kafka ProducerPerformance (same records)", baseline, before, after,
          warmups.stream().map(w -> String.format("%.0f", w)).toList()));
      report.append(String.format("%-46s %12.0f entries/s  (64 Envoy-like streams, batches of 100, after %d s)%n",
          "meshscope receiver (gRPC -> parse -> Kafka)", r.rate(), warmupSeconds));
      report.append(String.format("%-46s %12.2f   (goal >= 0.8)%n", "ratio receiver / warm ProducerPerformance",
          r.rate() / baseline));
      if (!Double.isNaN(r.coldRate())) {
        report.append(String.format("%-46s %12.0f entries/s  (ratio %.2f; the JIT is still compiling)%n",
            "receiver in its first 30 s", r.coldRate(), r.coldRate() / baseline));
      }
      report.append(String.format("%-46s %12.0f MiB (limit -Xmx256m, target <= 256)%n", "receiver peak heap used",
          r.peakHeap() / (1 << 20)));
      report.append(String.format("%-46s %12.0f MiB%n", "receiver peak RSS", r.rssMib()));
      report.append(String.format("%-46s %12.0f / %.0f%n", "rejected entries / producer errors", r.rejected(),
          r.errors()));
      report.append(String.format("receiver JVM: %s%n", String.join(" ", jvm)));
      report.append(r.cpu());
      System.out.print(report);
      Files.writeString(out.resolve("receiver-latest.txt"), report.toString(), StandardCharsets.UTF_8);
      if (profile) {
        System.out.print(Profiles.hotMethods(jfr, 25));
      }
    }
  }

  private record Measured(double rate, double coldRate, double peakHeap, double rssMib, double rejected,
      double errors, String cpu) {}

  /** Polls the receiver's metrics, keeping the peak heap, and fails early if simulate dies. */
  private static final class Watch {
    private final String url;
    private final Process sim;
    private final Path simLog;
    double produced;
    double peakHeap;

    Watch(String url, Process sim, Path simLog) {
      this.url = url;
      this.sim = sim;
      this.simLog = simLog;
    }

    void until(BooleanSupplier done, long timeoutNanos, String what) throws Exception {
      long t0 = System.nanoTime();
      while (true) {
        String m = Processes.get(url);
        produced = Processes.metric(m, PRODUCED);
        peakHeap = Math.max(peakHeap, Processes.metric(m, "jvm_memory_used_bytes{area=\"heap\"}"));
        if (done.getAsBoolean()) {
          return;
        }
        if (!sim.isAlive()) {
          throw new IllegalStateException("simulate ended early; see " + simLog);
        }
        if (System.nanoTime() - t0 > timeoutNanos) {
          throw new IllegalStateException("the receiver did not produce " + what + " in time");
        }
        Thread.sleep(100);
      }
    }
  }

  static String[] simulateArgs(int grpc, long entries) {
    return new String[] {"simulate", "--target", "127.0.0.1:" + grpc, "--topology", "synthetic", "--services", "64",
        "--fan-out", "4", "--namespaces", "8", "--entries", String.valueOf(entries), "--batch-size", "100", "--prebuilt"};
  }

  private static double runProducerPerformance(Path work, String name, long records, Path payloads, List<String> props)
      throws Exception {
    List<String> args = new ArrayList<>(List.of("--topic", "perf-baseline", "--num-records", String.valueOf(records),
        "--payload-file", payloads.toString(), "--throughput", "-1", "--producer-props"));
    args.addAll(props);
    Path log = work.resolve("producer-performance-" + name + ".log");
    String out = Processes.await(Processes.java(log, List.of("-Xmx512m"),
        "org.apache.kafka.tools.ProducerPerformance", args.toArray(String[]::new)), log, Duration.ofMinutes(15));
    // ProducerPerformance prints a line per 5 s window, then a summary from its first send. Like the
    // receiver's, its rate is taken after warm-up: the summary's records and time less the first window's.
    Matcher m = Pattern.compile("(\\d+) records sent, ([0-9.]+) records/sec").matcher(out);
    List<double[]> lines = new ArrayList<>();
    while (m.find()) {
      lines.add(new double[] {Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2))});
    }
    if (lines.isEmpty()) {
      throw new IllegalStateException("no result from ProducerPerformance; see " + log);
    }
    double[] summary = lines.get(lines.size() - 1);
    if (lines.size() < 2) {
      return summary[1];
    }
    double[] first = lines.get(0);
    return (summary[0] - first[0]) / (summary[0] / summary[1] - first[0] / first[1]);
  }

  /** Real access records, as the receiver writes them, one JSON per line; returns the mean size. */
  static double writePayloads(Path file, int count) throws Exception {
    Topology mesh = Topology.synthetic(64, 4, 8);
    List<String> lines = new ArrayList<>();
    long bytes = 0;
    Instant t = Instant.parse("2026-11-20T10:00:00Z");
    var serializer = Topics.accessLogs().valueSerde().serializer();
    for (int i = 0; i < count; i++) {
      Topology.Proxy p = mesh.workloads().get(i % mesh.workloads().size());
      Topology.Call c = p.calls().get(i % p.calls().size());
      StreamIdentity id = IdentityParser.parse(Entries.identity(p.role(), p.namespace(), p.app(), p.version(),
          p.pod(), p.ip()));
      var n = EntryNormalizer.http(Entries.outboundHttp(t.plusMillis(i), c.host(), c.port(), c.path() + "/" + i, 200),
          id, t.plusMillis(i));
      String json = new String(serializer.serialize("t", n.record()), StandardCharsets.UTF_8);
      bytes += json.length();
      lines.add(json);
    }
    Files.write(file, lines, StandardCharsets.UTF_8);
    return (double) bytes / count;
  }

  static void awaitMetrics(String url, Process p, Path log) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IllegalStateException("the receiver exited; see " + log);
      }
      try {
        if (!Double.isNaN(produced(url))) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("the receiver did not start; see " + log);
  }

  private static final String PRODUCED = "meshscope_receiver_entries_produced_total";

  static double produced(String url) throws Exception {
    return Processes.metric(Processes.get(url), PRODUCED);
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
