package io.meshscope.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshscope.generator.domain.Bookinfo;
import io.meshscope.generator.domain.EmitDecision;
import io.meshscope.kafka.test.Await;
import io.meshscope.kafka.test.KafkaCluster;
import io.meshscope.kafka.test.KafkaExtension;
import io.meshscope.schemas.DependencyGraph;
import io.meshscope.schemas.MeshReport;
import io.meshscope.schemas.Topics;
import io.meshscope.schemas.WorkloadRef;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(KafkaExtension.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SidecarGeneratorIT {

  /** The gateway graph's times: data, read by nothing that compares it with the clock. */
  private static final Instant SEEN = Instant.parse("2025-03-01T09:00:00Z");

  @Test
  void bookinfoGraphsBecomeSidecarFilesAndRecordsOnceAcrossARestart(KafkaCluster kafka, @TempDir Path out)
      throws Exception {
    String graphTopic = kafka.uniqueTopic("graphs");
    GeneratorOptions options = GeneratorOptions.defaults(kafka.bootstrapServers(), out)
        .withTopics(graphTopic, kafka.uniqueTopic("sidecars"), kafka.uniqueTopic("dead"), kafka.uniqueTopic("report"))
        .withTimings(Duration.ofSeconds(1), Duration.ofMillis(500));
    List<EmitDecision> published = Collections.synchronizedList(new ArrayList<>());
    PrometheusRegistry registry = new PrometheusRegistry();
    try (SidecarGenerator generator = SidecarGenerator.start(options, Clock.systemUTC(),
        (d, f) -> published.add(d), registry)) {
      try (KafkaProducer<String, byte[]> producer = producer(kafka)) {
        sendBookinfo(producer, graphTopic);
        DependencyGraph gateway = new DependencyGraph(1, WorkloadRef.of("istio-system", "istio-ingressgateway",
            Map.of("app", "istio-ingressgateway")), "router", 1, SEEN, SEEN, SEEN,
            List.of(), List.of(), 1, null);
        producer.send(new ProducerRecord<>(graphTopic, gateway.workload().key(),
            Topics.dependencyGraphs().valueSerde().serializer().serialize(graphTopic, gateway)));
        producer.send(new ProducerRecord<>(graphTopic, "bookinfo/garbage", "{\"schemaVersion\":".getBytes(
            StandardCharsets.UTF_8)));
      }
      awaitCount(published, 5);
      assertEquals(1, generator.deadLettered());
      assertEquals(4, generator.emitted());
      assertEquals(1, generator.skipped(), "the gateway gets no Sidecar, with a reason");

      // The mesh report follows: on its topic, in files, and as gauges, all with the same figures.
      Await.until(Duration.ofSeconds(60), () -> generator.lastReport() != null
          && generator.lastReport().totals().proxiesWithSidecar() == 4, () -> "report: " + generator.lastReport());
      MeshReport report = generator.lastReport();
      List<MeshReport> onTopic = kafka.consumeAll(options.reportTopic(), new StringDeserializer(),
          Topics.meshReport().valueSerde().deserializer(), 1, IsolationLevel.READ_UNCOMMITTED).stream()
          .map(ConsumerRecord::value).toList();
      assertEquals(PayoffReporter.at(report, Instant.EPOCH), PayoffReporter.at(onTopic.get(onTopic.size() - 1),
          Instant.EPOCH), "the last report on the topic is the generator's latest");
      assertEquals(5, report.totals().proxies(), "four Bookinfo sidecars and the gateway");
      // Four services seen (details, reviews, ratings, mongodb), one port each, in each of five proxies.
      assertEquals(5 * 4, report.totals().without().clusters());
      // productpage imports two, reviews and ratings one each, details none, the gateway all four.
      assertEquals(2 + 1 + 1 + 0 + 4, report.totals().with().clusters());
      assertEquals(report.totals().without().clusters(), gauge(registry, "meshscope_mesh_clusters", "without"));
      assertEquals(report.totals().with().clusters(), gauge(registry, "meshscope_mesh_clusters", "with"));
      assertTrue(Files.readString(out.resolve("mesh-report.md")).contains("| clusters | 20 | "));
    }
    String productpage = Files.readString(out.resolve("bookinfo/productpage.yaml"));
    assertTrue(productpage.contains("- ./details.bookinfo.svc.cluster.local\n    - ./reviews.bookinfo.svc.cluster.local"),
        productpage);
    assertTrue(Files.readString(out.resolve("bookinfo/ratings.yaml")).contains("./mongodb.bookinfo.svc.cluster.local"));
    assertTrue(Files.exists(out.resolve("bookinfo/details.yaml")));
    assertTrue(Files.readString(out.resolve("bookinfo/productpage.summary.txt")).contains("(trigger: first)"));
    assertTrue(Files.readString(out.resolve("istio-system/istio-ingressgateway.skipped.txt")).contains("router"));

    // A kill while writing leaves a temporary file, and one between a file and its record leaves a
    // file the topic does not back: the restart undoes both.
    String written = Files.readString(out.resolve("bookinfo/productpage.yaml"));
    Files.writeString(out.resolve("bookinfo/.productpage.yaml4711.tmp"), written.substring(0, 40));
    Files.writeString(out.resolve("bookinfo/productpage.yaml"), written.replace("details", "payments"));

    // A restart reads back what it published: the same graphs emit nothing new.
    List<EmitDecision> again = Collections.synchronizedList(new ArrayList<>());
    try (SidecarGenerator generator = SidecarGenerator.start(options, Clock.systemUTC(), (d, f) -> again.add(d))) {
      // Settled after reading all five graphs: had the read-back failed, their Sidecars would be
      // waiting on the quiet period, and published once it passed.
      Await.until(Duration.ofSeconds(60), () -> generator.graphsReadWhenSettled() >= 5,
          () -> "graphs read: " + generator.graphsRead() + ", published again: " + again);
      assertEquals(List.of(), again);
      assertEquals(written, Files.readString(out.resolve("bookinfo/productpage.yaml")), "the file agrees again");
      assertFalse(Files.exists(out.resolve("bookinfo/.productpage.yaml4711.tmp")));
      assertEquals(0, generator.deadLettered(), "the unreadable graph was dead-lettered by the first run");
      assertTrue(generator.graphsRead() >= 5, "it did read the graphs: " + generator.graphsRead());
    }
    assertEquals(5, kafka.consumeAll(options.sidecarTopic(), new StringDeserializer(),
        Topics.sidecars().valueSerde().deserializer(), 5, IsolationLevel.READ_UNCOMMITTED).size());
  }

  @Test
  void aDiskThatRefusesTheFilesHoldsNothingBackAndTheFilesCatchUp(KafkaCluster kafka, @TempDir Path tmp)
      throws Exception {
    // A file where the folder should be: every write fails, as on a full or read-only disk.
    Path out = tmp.resolve("out");
    Files.writeString(out, "in the way");
    String graphTopic = kafka.uniqueTopic("graphs");
    GeneratorOptions options = GeneratorOptions.defaults(kafka.bootstrapServers(), out)
        .withTopics(graphTopic, kafka.uniqueTopic("sidecars"), kafka.uniqueTopic("dead"), kafka.uniqueTopic("report"))
        .withTimings(Duration.ofSeconds(1), Duration.ofMillis(500));
    List<Path> files = Collections.synchronizedList(new ArrayList<>());
    PrometheusRegistry registry = new PrometheusRegistry();
    try (SidecarGenerator generator = SidecarGenerator.start(options, Clock.systemUTC(), (d, f) -> files.add(f),
        registry)) {
      try (KafkaProducer<String, byte[]> producer = producer(kafka)) {
        sendBookinfo(producer, graphTopic);
      }
      awaitCount(files, 4);
      files.forEach(f -> assertNull(f, "nothing could be written"));
      assertEquals(4, kafka.consumeAll(options.sidecarTopic(), new StringDeserializer(),
          Topics.sidecars().valueSerde().deserializer(), 4, IsolationLevel.READ_UNCOMMITTED).size(),
          "the topic is not held back by the disk");
      assertEquals(4, generator.unwrittenFiles());
      assertTrue(generator.fileErrors() >= 4);
      assertTrue(counter(registry, "meshscope_generator_file_write_errors") >= 4);
      assertEquals(4, gauge(registry, "meshscope_generator_files_behind_topic", null));

      // Space again: within a retry the files appear, made from what the topic holds.
      Files.delete(out);
      Await.until(Duration.ofSeconds(30), () -> generator.unwrittenFiles() == 0,
          () -> "still behind: " + generator.unwrittenFiles());
      for (var r : generator.latest().values()) {
        Path yaml = out.resolve(r.workload().namespace()).resolve(r.workload().name() + ".yaml");
        assertEquals(r.yaml(), Files.readString(yaml), yaml.toString());
      }
      assertEquals(0, gauge(registry, "meshscope_generator_files_behind_topic", null));
      Await.until(Duration.ofSeconds(30), () -> Files.exists(out.resolve("mesh-report.md")), () -> "no report file");
    }
  }

  private static KafkaProducer<String, byte[]> producer(KafkaCluster kafka) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
  }

  /** Bookinfo's four workload graphs, as the analyzer publishes them. */
  private static void sendBookinfo(KafkaProducer<String, byte[]> producer, String graphTopic) {
    for (DependencyGraph g : Bookinfo.all()) {
      producer.send(new ProducerRecord<>(graphTopic, g.workload().key(),
          Topics.dependencyGraphs().valueSerde().serializer().serialize(graphTopic, g)));
    }
  }

  private static double counter(PrometheusRegistry registry, String name) {
    double sum = 0;
    for (var snapshot : registry.scrape()) {
      if (snapshot instanceof io.prometheus.metrics.model.snapshots.CounterSnapshot c
          && c.getMetadata().getName().equals(name)) {
        for (var point : c.getDataPoints()) {
          sum += point.getValue();
        }
      }
    }
    return sum;
  }

  private static long gauge(PrometheusRegistry registry, String name, String config) {
    for (var snapshot : registry.scrape()) {
      if (snapshot instanceof GaugeSnapshot g && g.getMetadata().getName().equals(name)) {
        for (var point : g.getDataPoints()) {
          if (config == null || config.equals(point.getLabels().get("config"))) {
            return (long) point.getValue();
          }
        }
      }
    }
    throw new AssertionError(name + "{config=" + config + "} is not registered");
  }

  private static void awaitCount(List<?> list, int n) throws Exception {
    Await.until(Duration.ofSeconds(60), () -> list.size() >= n, () -> "published: " + list);
    assertEquals(n, list.size(), "published: " + list);
  }
}
