package io.meshscope.bench;

import io.meshscope.analyzer.codec.AccessRecordReader;
import io.meshscope.client.simulate.Entries;
import io.meshscope.kafka.embedded.EmbeddedKafkaBroker;
import io.meshscope.kafka.embedded.EmbeddedKafkaConfig;
import io.meshscope.kit.TopicAdmin;
import io.meshscope.receiver.domain.EntryNormalizer;
import io.meshscope.receiver.domain.IdentityParser;
import io.meshscope.receiver.domain.StreamIdentity;
import io.meshscope.schemas.AccessRecord;
import io.meshscope.schemas.DependencyGraph;
import io.meshscope.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The analyzer on a pre-filled topic (default 2,000,000 access records over 5,000 workloads and
 * 50,000 edges), beside a plain consumer that only deserializes the same topic, in the same run.
 * Prints records/s of both, the ratio, and the state size on disk at half way and at the end (it
 * should grow with edges, not with records).
 *
 * <pre>mvn -Pbench -DskipTests package && bench/analyzer.sh [--records N] [--workloads N] [--fan-out N]</pre>
 */
public final class AnalyzerBenchmark {

  public static void main(String[] args) throws Exception {
    long records = 2_000_000;
    int workloads = 5_000;
    int fanOut = 10;
    boolean profile = false;
    Path out = Path.of("bench", "results");
    List<String> streamsProperties = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--records" -> records = Long.parseLong(args[++i]);
        case "--workloads" -> workloads = Integer.parseInt(args[++i]);
        case "--fan-out" -> fanOut = Integer.parseInt(args[++i]);
        case "--out" -> out = Path.of(args[++i]);
        case "--profile" -> profile = true;
        case "--streams-property" -> streamsProperties.add(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]
            + "; use --records N --workloads N --fan-out N --profile --out DIR --streams-property KEY=VALUE");
      }
    }
    Files.createDirectories(out);
    Path work = Files.createTempDirectory("meshscope-bench-analyzer-");
    System.out.printf("analyzer benchmark: %,d records, %,d workloads x %d callees = %,d edges; work in %s%n",
        records, workloads, fanOut, (long) workloads * fanOut, work);
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(EmbeddedKafkaConfig.ephemeral()
        .withOverrides(Map.of("log.retention.bytes", String.valueOf(8L << 30))))) {
      String bootstrap = broker.bootstrapServers();
      String topic = "meshscope.access-logs";
      try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
        TopicAdmin.create(admin, List.of(new NewTopic(topic, 4, (short) 1)), Duration.ofSeconds(30));
      }
      long t = System.nanoTime();
      double avgBytes = prefill(bootstrap, topic, records, workloads, fanOut);
      System.out.printf("pre-filled %,d records of %.0f bytes in %.0f s%n", records, avgBytes,
          (System.nanoTime() - t) / 1e9);

      double baseline = plainConsumer(bootstrap, topic, records);

      Path state = work.resolve("state");
      Path log = work.resolve("analyzer.log");
      String appId = "bench-analyzer";
      long start = System.nanoTime();
      Path jfr = out.resolve("analyzer.jfr");
      // The options of deploy/analyzer.yaml, and extra flags for experiments from BENCH_ANALYZER_JVM_OPTS.
      List<String> jvm = Processes.jvmOptions(List.of("-Xms512m", "-Xmx512m"), "BENCH_ANALYZER_JVM_OPTS");
      if (profile) {
        jvm.add("-XX:StartFlightRecording=filename=" + jfr + ",settings=profile");
      }
      List<String> command = new ArrayList<>(List.of("analyzer", "--bootstrap-servers", bootstrap,
          "--state-dir", state.toString(), "--http-port", "-1", "--application-id", appId));
      streamsProperties.forEach(kv -> command.addAll(List.of("--streams-property", kv)));
      Process analyzer = Processes.java(log, jvm, "io.meshscope.cli.Meshscope", command.toArray(String[]::new));
      long stateHalf = -1;
      Mark half = null;
      Mark steadyFrom = null;
      Mark steadyTo = null;
      StreamsProgress progress = null;
      boolean attachTried = false;
      long lastProcessed = -1;
      long lastAsked = 0;
      try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
        Map<TopicPartition, Long> end = endOffsets(admin, topic);
        long total = end.values().stream().mapToLong(Long::longValue).sum();
        long done = 0;
        long lastReport = System.nanoTime();
        while (done < total) {
          if (!analyzer.isAlive()) {
            throw new IllegalStateException("the analyzer exited; see " + log + "\n" + Processes.tail(Files.readString(log)));
          }
          Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(appId)
              .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
          done = end.keySet().stream().mapToLong(tp -> committed.get(tp) == null ? 0 : committed.get(tp).offset()).sum();
          if (half == null && done >= total / 2) {
            half = Mark.now(done, analyzer);
            stateHalf = size(state);
          }
          if (!attachTried && System.nanoTime() - start > TimeUnit.SECONDS.toNanos(5)) {
            attachTried = true;
            progress = attach(analyzer);
          }
          // Asked every 2 s, and every poll only as a mark approaches: each JMX call runs RMI and
          // serialization in the analyzer's JVM, which the C2 compiler then spends time on inside
          // the measured window.
          long target = steadyFrom == null ? total / 2 : total * 9 / 10;
          boolean near = lastProcessed >= target - total / 10;
          if (progress != null && steadyTo == null
              && (near || System.nanoTime() - lastAsked >= TimeUnit.SECONDS.toNanos(2))) {
            lastAsked = System.nanoTime();
            try {
              lastProcessed = progress.processed();
            } catch (Exception e) {
              System.out.println("bench: lost the analyzer's processed-record count: " + e);
              progress.close();
              progress = null;
            }
            if (steadyFrom == null && lastProcessed >= total / 2) {
              steadyFrom = Mark.now(lastProcessed, analyzer);
              System.out.printf("  steady window from %.1f%% of the records processed%n", 100.0 * lastProcessed / total);
            } else if (steadyFrom != null && lastProcessed >= total * 9 / 10) {
              steadyTo = Mark.now(lastProcessed, analyzer);
              System.out.printf("  steady window to %.1f%% of the records processed%n", 100.0 * lastProcessed / total);
            }
          }
          if (System.nanoTime() - lastReport > TimeUnit.SECONDS.toNanos(10)) {
            System.out.printf("  analyzer: %,d of %,d records committed%n", done, total);
            lastReport = System.nanoTime();
          }
          if (System.nanoTime() - start > TimeUnit.MINUTES.toNanos(30)) {
            throw new IllegalStateException("the analyzer did not finish in 30 minutes; see " + log);
          }
          Thread.sleep(250);
        }
      } finally {
        if (progress != null) {
          progress.close();
        }
      }
      Mark last = Mark.now(records, analyzer);
      long finished = last.nanos();
      double seconds = (finished - start) / 1e9;
      long stateEnd = size(state);
      double rss = Processes.peakRssMib(analyzer.pid());
      if (profile) {
        new ProcessBuilder("jcmd", String.valueOf(analyzer.pid()), "JFR.dump", "filename=" + jfr)
            .redirectErrorStream(true).start().waitFor(30, TimeUnit.SECONDS);
      }
      analyzer.destroy();
      analyzer.waitFor(60, TimeUnit.SECONDS);
      // Between commits RocksDB may keep recent state in its memtable only; a clean shutdown flushes it.
      long stateClosed = size(state);
      GraphTopic published = readGraphs(bootstrap);
      Map<String, DependencyGraph> graphs = published.latest();
      long edges = graphs.values().stream().mapToLong(g -> g.edges().size()).sum();

      double rate = records / seconds;
      StringBuilder report = new StringBuilder();
      report.append(String.format("%nmeshscope analyzer benchmark, %s, %d cores%n", Instant.now(),
          Runtime.getRuntime().availableProcessors()));
      report.append(String.format("input: %,d access records of %.0f bytes, %,d workloads, %,d edges, 4 partitions, "
          + "exactly_once_v2, one in-process broker%n", records, avgBytes, workloads, (long) workloads * fanOut));
      report.append(String.format("analyzer JVM options: %s%n", String.join(" ", jvm)));
      if (!streamsProperties.isEmpty()) {
        report.append(String.format("analyzer streams properties: %s%n", String.join(" ", streamsProperties)));
      }
      report.append(String.format("%-48s %10.0f records/s%n", "plain consumer, deserialize only", baseline));
      report.append(String.format("%-48s %10.0f records/s  (%.0f s from JVM start to the last record committed)%n",
          "analyzer", rate, seconds));
      report.append(String.format("%-48s %10.2f%n", "ratio analyzer / plain consumer", rate / baseline));
      // The second half: the JIT has compiled the hot paths by then (it takes a minute on 2 cores).
      // It ends in the tail, where partitions finish one by one and a stream thread idles, and on
      // the commit after the last record. Between half and nine tenths of the records the load is
      // as in sustained traffic (as in the receiver's measured window): the steady rate, measured
      // on records processed, not committed, as commits come every few seconds per thread.
      appendWindow(report, "second half of the records", half, last, baseline);
      if (steadyFrom != null && steadyTo != null) {
        appendWindow(report, "steady, 50% to 90% of the records", steadyFrom, steadyTo, baseline);
      } else {
        report.append("analyzer, steady: not measured (no processed-record count over JMX for that window)\n");
      }
      report.append(String.format("%-48s %,10d workloads, %,d edges%n", "graphs published (latest per workload)",
          graphs.size(), edges));
      // Exactly once, checked: each revision of a workload's graph is published once, and none is
      // skipped (issue 16 asks whether the broker's OutOfOrderSequence warnings at start cost any).
      // The topic is compacted, but a run stays in its active segment, which compaction leaves alone.
      report.append(String.format("%-48s %,10d records, %,d revisions written twice, %,d revisions missing%n",
          "graph topic (read_committed)", published.records(), published.duplicates(), published.gaps()));
      report.append(String.format("%-48s %10.1f MiB at half the records, %.1f MiB at the end, %.1f MiB after a "
          + "clean shutdown%n", "state on disk", stateHalf / 1048576.0, stateEnd / 1048576.0, stateClosed / 1048576.0));
      report.append(String.format("%-48s %10.0f MiB%n", "analyzer peak RSS", rss));
      System.out.print(report);
      Files.writeString(out.resolve("analyzer-latest.txt"), report.toString(), StandardCharsets.UTF_8);
      if (profile) {
        System.out.print(Profiles.hotMethods(jfr, 30));
      }
    }
  }

  /** Progress over JMX, or null (with the reason printed) when the JVM cannot be attached to. */
  private static StreamsProgress attach(Process analyzer) {
    try {
      return StreamsProgress.attach(analyzer.pid());
    } catch (Exception e) {
      System.out.println("bench: cannot attach to the analyzer for its processed-record count: " + e);
      return null;
    }
  }

  /** An observation of progress: when, how many records, and the CPU used up to then. */
  private record Mark(long nanos, long done, Processes.Cpu cpu, double brokerSeconds) {
    static Mark now(long done, Process analyzer) {
      return new Mark(System.nanoTime(), done, Processes.cpu(analyzer.pid()),
          Processes.cpu(ProcessHandle.current().pid()).processSeconds());
    }
  }

  private static void appendWindow(StringBuilder report, String name, Mark from, Mark to, double baseline) {
    double seconds = (to.nanos() - from.nanos()) / 1e9;
    long records = to.done() - from.done();
    if (seconds <= 0 || records <= 0) {
      report.append(String.format("analyzer, %s: no progress between the two observations%n", name));
      return;
    }
    double rate = records / seconds;
    report.append(String.format("%-48s %10.0f records/s  (ratio %.2f, %.1f s)%n", "analyzer, " + name, rate,
        rate / baseline, seconds));
    report.append(Processes.cpuReport("  analyzer", "record", from.cpu(), to.cpu(), seconds, records)
        .replace("\n  ", "\n    "));
    report.append(String.format("    broker and benchmark JVM: %.2f cores%n",
        (to.brokerSeconds() - from.brokerSeconds()) / seconds));
  }

  /** Access records as the receiver writes them: each workload calls its callees in turn, over an hour. */
  static double prefill(String bootstrap, String topic, long records, int workloads, int fanOut) throws Exception {
    int namespaces = Math.max(1, workloads / 100);
    StreamIdentity[] ids = new StreamIdentity[workloads];
    for (int w = 0; w < workloads; w++) {
      ids[w] = IdentityParser.parse(Entries.identity("sidecar", "ns-" + (w % namespaces), "svc-" + w, "v1",
          "svc-" + w + "-pod", "10." + (w >> 16 & 255) + "." + (w >> 8 & 255) + "." + (w & 255)));
    }
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    Instant t0 = Instant.parse("2026-11-20T10:00:00Z");
    Random random = new Random(42);
    long bytes = 0;
    // One serializer: each new serde brings thread-locals of its own, and two million of them made
    // the thread's ThreadLocalMap a long chain of stale entries (prefilling took 15 minutes).
    var serializer = Topics.accessLogs().valueSerde().serializer();
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(),
        new ByteArraySerializer())) {
      for (long i = 0; i < records; i++) {
        int w = random.nextInt(workloads);
        int callee = (int) ((w + 1 + (long) random.nextInt(fanOut) * 7919) % workloads);
        Instant at = t0.plusMillis(i * 3_600_000L / records);
        EntryNormalizer.Normalized n = EntryNormalizer.http(Entries.outboundHttp(at, "svc-" + callee + ".ns-"
            + (callee % namespaces) + ".svc.cluster.local", 8080, "/api", 200), ids[w], at);
        byte[] value = serializer.serialize(topic, n.record());
        bytes += value.length;
        producer.send(new ProducerRecord<>(topic, n.key(), value));
      }
    }
    return (double) bytes / records;
  }

  static double plainConsumer(String bootstrap, String topic, long records) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-plain-consumer");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
    long start = System.nanoTime();
    long n = 0;
    // The analyzer's own reader: what the analyzer would do if it only read.
    try (KafkaConsumer<String, AccessRecord> c = new KafkaConsumer<>(p, new StringDeserializer(),
        AccessRecordReader.serde().deserializer())) {
      c.subscribe(List.of(topic));
      while (n < records) {
        n += c.poll(Duration.ofMillis(500)).count();
      }
    }
    double rate = n / ((System.nanoTime() - start) / 1e9);
    System.out.printf("plain consumer: %,d records at %.0f records/s%n", n, rate);
    return rate;
  }

  static Map<TopicPartition, Long> endOffsets(Admin admin, String topic) throws Exception {
    Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
    admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()
        .forEach(pi -> specs.put(new TopicPartition(topic, pi.partition()), OffsetSpec.latest()));
    Map<TopicPartition, Long> out = new HashMap<>();
    for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> e
        : admin.listOffsets(specs).all().get().entrySet()) {
      out.put(e.getKey(), e.getValue().offset());
    }
    return out;
  }

  /** The graph topic as a consumer sees it: the latest graph per workload, and how revisions came. */
  record GraphTopic(Map<String, DependencyGraph> latest, long records, long duplicates, long gaps) {}

  static GraphTopic readGraphs(String bootstrap) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-graph-reader");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    Map<String, DependencyGraph> latest = new HashMap<>();
    Map<String, Set<Long>> revisions = new HashMap<>();
    long records = 0;
    long duplicates = 0;
    try (KafkaConsumer<String, DependencyGraph> c = new KafkaConsumer<>(p, new StringDeserializer(),
        Topics.dependencyGraphs().valueSerde().deserializer())) {
      c.subscribe(List.of("meshscope.dependency-graphs"));
      int quiet = 0;
      while (quiet < 6) {
        var batch = c.poll(Duration.ofMillis(500));
        for (var r : batch) {
          latest.put(r.key(), r.value());
          records++;
          if (!revisions.computeIfAbsent(r.key(), k -> new HashSet<>()).add(r.value().revision())) {
            duplicates++;
          }
        }
        quiet = batch.isEmpty() ? quiet + 1 : 0;
      }
    }
    long gaps = 0;
    for (Set<Long> seen : revisions.values()) {
      gaps += Collections.max(seen) - Collections.min(seen) + 1 - seen.size();
    }
    return new GraphTopic(latest, records, duplicates, gaps);
  }

  static long size(Path dir) throws Exception {
    if (!Files.exists(dir)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
    }
  }
}
