package io.meshscope.bench;

import io.meshscope.kafka.embedded.EmbeddedKafkaBroker;
import io.meshscope.kafka.embedded.EmbeddedKafkaConfig;
import io.meshscope.receiver.domain.EntryNormalizer;
import io.meshscope.receiver.domain.IdentityParser;
import io.meshscope.receiver.domain.StreamIdentity;
import io.meshscope.receiver.kafka.KafkaRecordSink;
import io.meshscope.receiver.simulate.Entries;
import io.meshscope.receiver.simulate.Topology;
import io.meshscope.schemas.TopicSerdes;
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
 * <pre>mvn -Pbench -DskipTests package && bench/receiver.sh [--records N] [--profile]</pre>
 */
public final class ReceiverBenchmark {

  public static void main(String[] args) throws Exception {
    long records = 1_000_000;
    long warmup = 300_000;
    boolean profile = false;
    Path out = Path.of("bench", "results");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--records" -> records = Long.parseLong(args[++i]);
        case "--warmup" -> warmup = Long.parseLong(args[++i]);
        case "--profile" -> profile = true;
        case "--out" -> out = Path.of(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]
            + "; use --records N --warmup N --profile --out DIR");
      }
    }
    Files.createDirectories(out);
    Path work = Files.createTempDirectory("meshscope-bench-");
    System.out.printf("receiver benchmark: %,d records (after %,d warm-up), %d cores, work in %s%s%n", records, warmup,
        Runtime.getRuntime().availableProcessors(), work, System.getenv("BENCH_RECEIVER_JVM_OPTS") == null ? ""
            : ", receiver JVM options " + System.getenv("BENCH_RECEIVER_JVM_OPTS"));

    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(EmbeddedKafkaConfig.ephemeral()
        .withOverrides(Map.of("log.retention.bytes", String.valueOf(2L << 30))))) {
      String bootstrap = broker.bootstrapServers();
      try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
        admin.createTopics(List.of(new NewTopic("perf-baseline", 4, (short) 1),
            new NewTopic("meshscope.access-logs", 4, (short) 1))).all().get(30, TimeUnit.SECONDS);
      }

      // 1. The baseline: ProducerPerformance with the receiver's records and producer settings.
      Path payloads = work.resolve("payloads.txt");
      double avgBytes = writePayloads(payloads, 5_000);
      List<String> props = new ArrayList<>();
      KafkaRecordSink.producerConfig(bootstrap, Map.of()).forEach((k, v) -> {
        if (!k.equals("client.id")) {
          props.add(k + "=" + v);
        }
      });
      runProducerPerformance(work, "warmup", warmup, payloads, props);
      double baseline = runProducerPerformance(work, "baseline", records, payloads, props);

      // 2. The receiver in its own JVM, fed by simulate in a third.
      int grpc = freePort();
      int metricsPort = freePort();
      List<String> jvm = new ArrayList<>(List.of("-Xmx256m", "-XX:+UseG1GC"));
      // Extra receiver JVM flags for experiments, e.g. BENCH_RECEIVER_JVM_OPTS="-XX:-UseCodeCacheFlushing".
      String extra = System.getenv("BENCH_RECEIVER_JVM_OPTS");
      if (extra != null && !extra.isBlank()) {
        jvm.addAll(List.of(extra.trim().split("\\s+")));
      }
      Path jfr = out.resolve("receiver.jfr");
      if (profile) {
        jvm.add("-XX:StartFlightRecording=filename=" + jfr + ",settings=profile");
      }
      Path receiverLog = work.resolve("receiver.log");
      Process receiver = Processes.java(receiverLog, jvm, "io.meshscope.cli.Meshscope", "receiver",
          "--bootstrap-servers", bootstrap, "--grpc-port", String.valueOf(grpc), "--metrics-port",
          String.valueOf(metricsPort));
      String metricsUrl = "http://127.0.0.1:" + metricsPort + "/metrics";
      try {
        awaitMetrics(metricsUrl, receiver, receiverLog);
        simulate(work, "warmup", grpc, warmup);
        awaitProduced(metricsUrl, warmup);
        double produced0 = produced(metricsUrl);
        long t0 = System.nanoTime();
        Process sim = Processes.java(work.resolve("simulate.log"), List.of("-Xmx512m"), "io.meshscope.cli.Meshscope",
            simulateArgs(grpc, records));
        double peakHeap = 0;
        while (produced(metricsUrl) < produced0 + records) {
          String m = Processes.get(metricsUrl);
          peakHeap = Math.max(peakHeap, Processes.metric(m, "jvm_memory_used_bytes{area=\"heap\"}"));
          if (!sim.isAlive() && sim.exitValue() != 0) {
            throw new IllegalStateException("simulate failed; see " + work.resolve("simulate.log"));
          }
          if (System.nanoTime() - t0 > TimeUnit.MINUTES.toNanos(15)) {
            throw new IllegalStateException("the receiver did not produce " + records + " records in 15 minutes");
          }
          Thread.sleep(100);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        sim.waitFor(60, TimeUnit.SECONDS);
        String m = Processes.get(metricsUrl);
        double rss = Processes.peakRssMib(receiver.pid());
        double rate = records / seconds;
        double rejected = Processes.metric(m, "meshscope_receiver_rejected_total");
        double errors = Processes.metric(m, "meshscope_receiver_producer_errors_total");

        StringBuilder report = new StringBuilder();
        report.append(String.format("%nmeshscope receiver benchmark, %s, %d cores%n", Instant.now(),
            Runtime.getRuntime().availableProcessors()));
        report.append(String.format("records: %,d of %.0f bytes on average (real access records, lz4, acks=all, "
            + "idempotent, linger 10 ms, batch 128 KiB), 4 partitions, one in-process broker%n", records, avgBytes));
        report.append(String.format("%-46s %12.0f entries/s%n", "Kafka ProducerPerformance (same records)", baseline));
        report.append(String.format("%-46s %12.0f entries/s  (64 Envoy-like streams, batches of 100)%n",
            "meshscope receiver (gRPC -> parse -> Kafka)", rate));
        report.append(String.format("%-46s %12.2f   (target >= 0.6)%n", "ratio receiver / ProducerPerformance",
            rate / baseline));
        report.append(String.format("%-46s %12.0f MiB (limit -Xmx256m, target <= 256)%n", "receiver peak heap used",
            peakHeap / (1 << 20)));
        report.append(String.format("%-46s %12.0f MiB%n", "receiver peak RSS", rss));
        report.append(String.format("%-46s %12.0f / %.0f%n", "rejected entries / producer errors", rejected, errors));
        System.out.print(report);
        Files.writeString(out.resolve("receiver-latest.txt"), report.toString(), StandardCharsets.UTF_8);
      } finally {
        if (profile) {
          new ProcessBuilder("jcmd", String.valueOf(receiver.pid()), "JFR.dump", "filename=" + jfr)
              .redirectErrorStream(true).start().waitFor(30, TimeUnit.SECONDS);
        }
        receiver.destroy();
        receiver.waitFor(30, TimeUnit.SECONDS);
      }
      if (profile) {
        System.out.print(Profiles.hotMethods(jfr, 25));
      }
    }
  }

  static String[] simulateArgs(int grpc, long entries) {
    return new String[] {"simulate", "--target", "127.0.0.1:" + grpc, "--topology", "synthetic", "--services", "64",
        "--fan-out", "4", "--namespaces", "8", "--entries", String.valueOf(entries), "--batch-size", "100", "--prebuilt"};
  }

  private static void simulate(Path work, String name, int grpc, long entries) throws Exception {
    Path log = work.resolve("simulate-" + name + ".log");
    Processes.await(Processes.java(log, List.of("-Xmx512m"), "io.meshscope.cli.Meshscope", simulateArgs(grpc, entries)),
        log, Duration.ofMinutes(15));
  }

  private static double runProducerPerformance(Path work, String name, long records, Path payloads, List<String> props)
      throws Exception {
    List<String> args = new ArrayList<>(List.of("--topic", "perf-baseline", "--num-records", String.valueOf(records),
        "--payload-file", payloads.toString(), "--throughput", "-1", "--producer-props"));
    args.addAll(props);
    Path log = work.resolve("producer-performance-" + name + ".log");
    String out = Processes.await(Processes.java(log, List.of("-Xmx512m"),
        "org.apache.kafka.tools.ProducerPerformance", args.toArray(String[]::new)), log, Duration.ofMinutes(15));
    Matcher m = Pattern.compile("(\\d+) records sent, ([0-9.]+) records/sec").matcher(out);
    double rate = Double.NaN;
    while (m.find()) {
      rate = Double.parseDouble(m.group(2));
    }
    if (Double.isNaN(rate)) {
      throw new IllegalStateException("no result from ProducerPerformance; see " + log);
    }
    return rate;
  }

  /** Real access records, as the receiver writes them, one JSON per line; returns the mean size. */
  static double writePayloads(Path file, int count) throws Exception {
    Topology mesh = Topology.synthetic(64, 4, 8);
    List<String> lines = new ArrayList<>();
    long bytes = 0;
    Instant t = Instant.parse("2026-11-20T10:00:00Z");
    for (int i = 0; i < count; i++) {
      Topology.Proxy p = mesh.workloads().get(i % mesh.workloads().size());
      Topology.Call c = p.calls().get(i % p.calls().size());
      StreamIdentity id = IdentityParser.parse(Entries.identity(p.role(), p.namespace(), p.app(), p.version(),
          p.pod(), p.ip()));
      var n = EntryNormalizer.http(Entries.outboundHttp(t.plusMillis(i), c.host(), c.port(), c.path() + "/" + i, 200),
          id, t.plusMillis(i));
      String json = new String(TopicSerdes.accessRecord().serialize("t", n.record()), StandardCharsets.UTF_8);
      bytes += json.length();
      lines.add(json);
    }
    Files.write(file, lines, StandardCharsets.UTF_8);
    return (double) bytes / count;
  }

  private static void awaitMetrics(String url, Process p, Path log) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IllegalStateException("the receiver exited; see " + log);
      }
      try {
        if (!Double.isNaN(produced(url))) {
          return;
        }
      } catch (java.io.IOException e) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("the receiver did not start; see " + log);
  }

  private static void awaitProduced(String url, long n) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (produced(url) < n && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
  }

  static double produced(String url) throws Exception {
    return Processes.metric(Processes.get(url), "meshscope_receiver_entries_produced_total");
  }

  static int freePort() throws java.io.IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
