package io.meshscope.generator;

import io.meshscope.generator.domain.EmitDecision;
import io.meshscope.generator.domain.FallbackStatus;
import io.meshscope.generator.domain.FallbackStatusText;
import io.meshscope.generator.domain.EmitPolicy;
import io.meshscope.generator.domain.EmitTimings;
import io.meshscope.generator.domain.GeneratorConfig;
import io.meshscope.generator.domain.RenderedSidecar;
import io.meshscope.kit.TopicAdmin;
import io.meshscope.schemas.DependencyGraph;
import io.meshscope.schemas.MalformedRecordException;
import io.meshscope.schemas.MeshReport;
import io.meshscope.schemas.SafeText;
import io.meshscope.schemas.SidecarRecommendation;
import io.meshscope.schemas.Topics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The generator process: reads every workload's latest graph from the compacted graph topic, lets
 * the {@link EmitPolicy} decide when a Sidecar is due, and publishes it as files for review and to
 * the compacted Sidecar topic. One instance serves a mesh (graphs are one small record per
 * workload); on start it reads back what it published before, so a restart does not emit again.
 *
 * <p>It also keeps the mesh report ({@link PayoffReporter}) up to date: remade at most every
 * {@link #REPORT_INTERVAL} while graphs arrive, and published to the report topic when its content
 * changed.
 */
public final class SidecarGenerator implements AutoCloseable {

  /** Told of every decision published, for progress output. */
  public interface Listener {
    /** @param file the decision's main file; null when it could not be written (it is retried) */
    void published(EmitDecision decision, Path file);
  }

  private static final Logger log = LoggerFactory.getLogger(SidecarGenerator.class);
  /** The analyzer's role for a workload known only from its peers' logs. */
  static final String UNKNOWN_ROLE = "unknown";
  /** How often the mesh report may be remade while graphs keep arriving: it walks every workload. */
  static final Duration REPORT_INTERVAL = Duration.ofSeconds(10);
  /** How often files that could not be written are tried again, and a failing disk is logged. */
  static final Duration FILE_RETRY = Duration.ofSeconds(5);
  static final Duration FILE_ERROR_LOG_INTERVAL = Duration.ofMinutes(1);

  private final GeneratorOptions options;
  private final EmitPolicy policy;
  private final SidecarFiles files;
  /** Wall clock for the emit policy's quiet period and debounce, by design (see EmitPolicy). */
  private final Clock clock;
  private final Listener listener;
  private final KafkaConsumer<String, byte[]> consumer;
  private final KafkaProducer<String, byte[]> producer;
  private final Deserializer<DependencyGraph> graphs = Topics.dependencyGraphs().valueSerde().deserializer();
  private final Serde<SidecarRecommendation> recommendations = Topics.sidecars().valueSerde();
  private final Thread thread;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final Map<TopicPartition, Long> readBefore = new HashMap<>();
  private final Map<String, SidecarRecommendation> latest = new ConcurrentHashMap<>();
  /** Every workload's latest graph, those no Sidecar is decided for included: the report's evidence. */
  private final Map<String, DependencyGraph> graphsByWorkload = new ConcurrentHashMap<>();
  private final PayoffReporter reporter;
  private final PayoffGauges gauges;
  private final Serde<MeshReport> reports = Topics.meshReport().valueSerde();
  private volatile MeshReport lastReport;
  private boolean reportDue;
  private Instant reportedAt = Instant.EPOCH;
  private final AtomicLong graphsRead = new AtomicLong();
  private final AtomicLong emitted = new AtomicLong();
  private final AtomicLong skipped = new AtomicLong();
  private final AtomicLong deadLettered = new AtomicLong();
  /**
   * Recommendations produced whose files could not be written (a full or read-only disk), latest
   * per workload, retried every {@link #FILE_RETRY}; and the report likewise.
   */
  private final Map<String, SidecarRecommendation> unwritten = new java.util.TreeMap<>();
  private MeshReport unwrittenReport;
  private Instant nextFileRetry = Instant.EPOCH;
  private Instant lastFileErrorLog = Instant.EPOCH;
  private final GeneratorMetrics metrics;
  private volatile long graphsReadWhenSettled = -1;
  private volatile boolean running = true;
  private volatile Throwable failure;

  private SidecarGenerator(GeneratorOptions options, EmitPolicy policy, PayoffReporter reporter,
      PrometheusRegistry registry, Clock clock, Listener listener) {
    this.options = options;
    this.policy = policy;
    this.reporter = reporter;
    this.gauges = registry == null ? null : new PayoffGauges(registry);
    this.metrics = new GeneratorMetrics(registry);
    this.files = new SidecarFiles(options.outDir());
    this.clock = clock;
    this.listener = listener;
    Properties c = new Properties();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, options.bootstrapServers());
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    c.put(ConsumerConfig.CLIENT_ID_CONFIG, "meshscope-sidecar-generator");
    // Partitions are assigned, not subscribed; the group only remembers how far graphs were read,
    // so that a restart, which reads all graphs again, does not dead-letter the same record twice.
    c.put(ConsumerConfig.GROUP_ID_CONFIG, "meshscope-sidecar-generator");
    c.putAll(options.kafka());
    this.consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, options.bootstrapServers());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "meshscope-sidecar-generator");
    p.putAll(options.kafka());
    this.producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    this.thread = new Thread(this::loop, "meshscope-sidecar-generator");
  }

  public static SidecarGenerator start(GeneratorOptions options, Clock clock, Listener listener) throws IOException {
    return start(options, clock, listener, null);
  }

  /** @param registry where the mesh report's gauges go; null for none */
  public static SidecarGenerator start(GeneratorOptions options, Clock clock, Listener listener,
      PrometheusRegistry registry) throws IOException {
    GeneratorConfig config = loadConfig(options);
    PayoffReporter reporter = PayoffReporter.load(config.renderer(), options.servicesFile());
    log.info("sidecar-generator starting: graphs from {}, Sidecars to {} and {}; {}", options.graphTopic(),
        options.sidecarTopic(), options.outDir().toAbsolutePath(), config.timings());
    ensureTopics(options);
    SidecarGenerator g = new SidecarGenerator(options, new EmitPolicy(config.renderer(), config.timings()), reporter,
        registry, clock, listener);
    g.thread.start();
    return g;
  }

  static GeneratorConfig loadConfig(GeneratorOptions options) throws IOException {
    GeneratorConfig config = GeneratorConfig.defaults();
    if (options.configFile().isPresent()) {
      try (Reader r = Files.newBufferedReader(options.configFile().get(), StandardCharsets.UTF_8)) {
        config = GeneratorConfig.fromYaml(r);
      }
    }
    if (options.quietPeriod().isPresent() || options.debounce().isPresent()) {
      config = new GeneratorConfig(config.renderer(), new EmitTimings(
          options.quietPeriod().orElse(config.timings().quietPeriod()),
          options.debounce().orElse(config.timings().debounce())));
    }
    return config;
  }

  private volatile List<FallbackStatus> fallbackStatuses = List.of();

  private void loop() {
    try {
      cleanUpAfterCrash();
      restorePublished();
      agreeWithTopic();
      List<TopicPartition> partitions = partitions(options.graphTopic());
      consumer.assign(partitions);
      consumer.committed(new HashSet<>(partitions)).forEach((tp, offset) -> {
        if (offset != null) {
          readBefore.put(tp, offset.offset());
        }
      });
      consumer.seekToBeginning(partitions);
      while (running) {
        var batch = consumer.poll(Duration.ofMillis(200));
        for (ConsumerRecord<String, byte[]> r : batch) {
          take(r);
        }
        if (!batch.isEmpty()) {
          consumer.commitAsync();
        }
        for (EmitDecision d : policy.due(clock.instant())) {
          publish(d);
        }
        retryUnwritten(clock.instant());
        // Asked only when graphs came since it last settled: nextDeadline walks every workload.
        long read = graphsRead.get();
        boolean settled = graphsReadWhenSettled != read && policy.nextDeadline().isEmpty();
        if (settled) {
          graphsReadWhenSettled = read;
        }
        Instant now = clock.instant();
        if (reportDue && (settled || !now.isBefore(reportedAt.plus(REPORT_INTERVAL)))) {
          publishReport(now);
        }
      }
    } catch (WakeupException e) {
      // close() woke us up: a normal end
    } catch (Throwable t) {
      failure = t;
      log.error("sidecar-generator stopped on an error", t);
    } finally {
      producer.flush();
      try {
        consumer.commitSync(Duration.ofSeconds(5));
      } catch (RuntimeException e) {
        log.debug("could not record how far graphs were read: {}", e.toString());
      }
      stopped.countDown();
    }
  }

  private void take(ConsumerRecord<String, byte[]> r) {
    if (r.value() == null) {
      policy.forget(r.key());
      graphsByWorkload.remove(r.key());
      reportDue = true;
      return;
    }
    DependencyGraph graph;
    try {
      graph = graphs.deserialize(r.topic(), r.value());
    } catch (MalformedRecordException e) {
      if (r.offset() < readBefore.getOrDefault(new TopicPartition(r.topic(), r.partition()), 0L)) {
        log.debug("skipping unreadable graph at {}-{}@{}: dead-lettered by an earlier run", r.topic(), r.partition(),
            r.offset());
      } else {
        deadLetter(r, e.getMessage());
      }
      return;
    }
    graphsRead.incrementAndGet();
    graphsByWorkload.put(graph.workload().key(), graph);
    reportDue = true;
    if (UNKNOWN_ROLE.equals(graph.role())) {
      // Only other proxies' logs named this workload so far; its own proxy has not reported, so
      // neither its role nor its selector label is known. Neither a Sidecar nor a skip yet.
      log.debug("waiting for {} to report itself before deciding on a Sidecar", graph.workload().key());
      return;
    }
    var decision = policy.onGraph(graph, clock.instant());
    if (decision.isPresent()) {
      publish(decision.get());
    }
  }

  /**
   * Files first, then the record: a crash between the two leaves files the topic does not back, which
   * the next start's {@link #agreeWithTopic} undoes, and the policy, restored from the topic, decides
   * again. A disk that refuses the files does not hold the topic back: they are retried.
   */
  private void publish(EmitDecision d) {
    SidecarRecommendation recommendation = d.toRecommendation();
    Path file = writeFiles(recommendation, clock.instant());
    producer.send(new ProducerRecord<>(options.sidecarTopic(), d.workload().key(),
        recommendations.serializer().serialize(options.sidecarTopic(), recommendation)));
    latest.put(d.workload().key(), recommendation);
    reportDue = true;
    if (d.result() instanceof RenderedSidecar s) {
      emitted.incrementAndGet();
      log.info("Sidecar {} ({}, graph revision {}, {} hosts) {}", d.workload().key(),
          d.trigger(), s.graphRevision(), s.hosts().size(), file == null ? "not written yet" : "written to " + file);
    } else {
      skipped.incrementAndGet();
      log.info("no Sidecar for {}: {}", d.workload().key(), d.summaryText().trim());
    }
    if (listener != null) {
      listener.published(d, file);
    }
  }

  /** Writes a recommendation's files; on failure holds it for {@link #retryUnwritten} and returns null. */
  private Path writeFiles(SidecarRecommendation r, Instant now) {
    String key = r.workload().key();
    try {
      Path file = files.write(r);
      unwritten.remove(key);
      metrics.unwritten(unwritten.size());
      return file;
    } catch (SidecarFiles.UnsafeNameException e) {
      metrics.fileError("sidecar");
      log.error("not writing files for {}: {}", SafeText.escaped(key), e.getMessage());
      return null;
    } catch (IOException e) {
      unwritten.put(key, r);
      metrics.unwritten(unwritten.size());
      fileFailed("sidecar", e, now);
      return null;
    }
  }

  private void fileFailed(String kind, IOException e, Instant now) {
    metrics.fileError(kind);
    if (nextFileRetry.isBefore(now)) {
      nextFileRetry = now.plus(FILE_RETRY);
    }
    if (!now.isBefore(lastFileErrorLog.plus(FILE_ERROR_LOG_INTERVAL))) {
      lastFileErrorLog = now;
      log.error("cannot write to {} ({}); Sidecars go to {} all the same, and their files are tried again every "
              + "{} s (workloads behind now: {}{})", files.root(), e.toString(), options.sidecarTopic(),
          FILE_RETRY.toSeconds(), unwritten.size(), unwrittenReport == null ? "" : ", and the mesh report");
    }
  }

  private void retryUnwritten(Instant now) {
    if ((unwritten.isEmpty() && unwrittenReport == null) || now.isBefore(nextFileRetry)) {
      return;
    }
    for (SidecarRecommendation r : List.copyOf(unwritten.values())) {
      if (writeFiles(r, now) == null) {
        return;
      }
    }
    if (unwrittenReport != null) {
      writeReport(unwrittenReport, now);
    }
    if (unwritten.isEmpty() && unwrittenReport == null) {
      lastFileErrorLog = Instant.EPOCH;
      log.info("the files in {} agree with {} again: every write held back is done", files.root(),
          options.sidecarTopic());
    }
  }

  private void writeReport(MeshReport report, Instant now) {
    try {
      files.writeReport(report);
      unwrittenReport = null;
    } catch (IOException e) {
      unwrittenReport = report;
      fileFailed("report", e, now);
    }
  }

  /** Removes what a crash left half done: temporary files that were never renamed. */
  private void cleanUpAfterCrash() {
    try {
      int removed = files.removeTempFiles();
      if (removed > 0) {
        log.info("removed {} temporary files left by a run that stopped while writing", removed);
      }
    } catch (IOException e) {
      log.warn("could not look for temporary files left in {}: {}", files.root(), e.toString());
    }
  }

  /** After a crash, makes the files say what the topic says; see {@link SidecarFiles#agreeWith}. */
  private void agreeWithTopic() {
    try {
      SidecarFiles.Agreement a = files.agreeWith(Map.copyOf(latest));
      if (!a.rewritten().isEmpty()) {
        log.info("rewrote the files of {} workloads to agree with {} (a run stopped between the two): {}",
            a.rewritten().size(), options.sidecarTopic(), a.rewritten().stream().map(SafeText::escaped).toList());
      }
      if (!a.unbacked().isEmpty()) {
        log.warn("{} Sidecar files in {} are not on {} (a run stopped before producing them, or another "
                + "generator wrote them); left as they are, replaced when their workload's Sidecar is due: {}",
            a.unbacked().size(), files.root(), options.sidecarTopic(),
            a.unbacked().stream().limit(10).map(p -> files.root().relativize(p).toString()).toList());
      }
      metrics.unbacked(a.unbacked().size());
    } catch (IOException e) {
      latest.forEach(unwritten::put);
      metrics.unwritten(unwritten.size());
      fileFailed("sidecar", e, clock.instant());
    }
  }

  /** Remakes the mesh report; publishes it when anything but its time changed. */
  private void publishReport(Instant now) {
    reportDue = false;
    reportedAt = now;
    publishFallbackStatus(now);
    MeshReport report = report(now);
    if (gauges != null) {
      gauges.set(report);
    }
    MeshReport previous = lastReport;
    lastReport = report;
    if (previous != null && PayoffReporter.at(previous, now).equals(report)) {
      return;
    }
    writeReport(report, now);
    producer.send(new ProducerRecord<>(options.reportTopic(), MeshReport.KEY,
        reports.serializer().serialize(options.reportTopic(), report)));
    log.info("mesh report: {} proxies, clusters {} without Sidecars, {} with ({}% less)", report.totals().proxies(),
        report.totals().without().clusters(), report.totals().with().clusters(),
        report.totals().clusterReductionPercent());
  }

  /**
   * Whether adaptive Sidecars are applied, or calls to hosts they list still go through the fallback
   * (docs/adaptive.md, "Stuck on the fallback"): {@code fallback-status.md} and a gauge per workload.
   */
  private void publishFallbackStatus(Instant now) {
    List<FallbackStatus> statuses = policy.fallbackStatuses();
    boolean wereAny = !fallbackStatuses.isEmpty();
    fallbackStatuses = statuses;
    metrics.throughFallback(statuses);
    if (statuses.isEmpty() && !wereAny) {
      return; // no adaptive Sidecar, now or before: no file to keep current
    }
    try {
      files.writeFallbackStatus(FallbackStatusText.render(statuses));
    } catch (IOException e) {
      fileFailed("fallback-status", e, now);
    }
  }

  /** The adaptive Sidecars' fallback status as last published. */
  public List<FallbackStatus> fallbackStatuses() {
    return fallbackStatuses;
  }

  /**
   * The mesh report as of now, from the latest graph and recommendation of each workload. Safe from
   * any thread: both maps are concurrent, so it sees each workload's latest at some moment.
   */
  public MeshReport report(Instant now) {
    return reporter.report(Map.copyOf(graphsByWorkload), Map.copyOf(latest), now);
  }

  /** The report last made by the generator's own loop; null before the first. */
  public MeshReport lastReport() {
    return lastReport;
  }

  private void deadLetter(ConsumerRecord<String, byte[]> r, String reason) {
    RecordHeaders headers = new RecordHeaders();
    headers.add("meshscope.error", reason.getBytes(StandardCharsets.UTF_8));
    headers.add("meshscope.source.topic", r.topic().getBytes(StandardCharsets.UTF_8));
    headers.add("meshscope.source.partition", String.valueOf(r.partition()).getBytes(StandardCharsets.UTF_8));
    headers.add("meshscope.source.offset", String.valueOf(r.offset()).getBytes(StandardCharsets.UTF_8));
    producer.send(new ProducerRecord<>(options.deadLetterTopic(), null, r.key(), r.value(), headers));
    long n = deadLettered.incrementAndGet();
    log.warn("dead-lettered an unreadable graph ({} so far): {}", n, reason);
  }

  /** Reads the Sidecar topic to its end, so the policy knows what was published before. */
  private void restorePublished() {
    List<TopicPartition> partitions = partitions(options.sidecarTopic());
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
    Map<String, SidecarRecommendation> latest = new HashMap<>();
    while (running && partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
      for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
        if (r.value() == null) {
          latest.remove(r.key());
          continue;
        }
        try {
          latest.put(r.key(), recommendations.deserializer().deserialize(r.topic(), r.value()));
        } catch (MalformedRecordException e) {
          log.warn("ignoring an unreadable earlier recommendation for {}: {}", r.key(), e.getMessage());
        }
      }
    }
    latest.values().forEach(policy::restore);
    this.latest.putAll(latest);
    log.info("sidecar-generator restored {} earlier recommendations", latest.size());
  }

  private List<TopicPartition> partitions(String topic) {
    return consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
        .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
  }

  static void ensureTopics(GeneratorOptions o) {
    TopicAdmin.ensure(o.bootstrapServers(), o.kafka(), List.of(Topics.dependencyGraphs().named(o.graphTopic()),
        Topics.sidecars().named(o.sidecarTopic()), Topics.meshReport().named(o.reportTopic()),
        Topics.deadLetters().named(o.deadLetterTopic())), 0);
  }

  /** The latest recommendation per workload, restored from the topic or published by this run. */
  public Map<String, SidecarRecommendation> latest() {
    return Map.copyOf(latest);
  }

  public long graphsRead() {
    return graphsRead.get();
  }

  /**
   * How many graphs had been read the last time nothing was waiting to be published (every
   * workload's latest graph renders what was published or reported); -1 until then. A caller that
   * has sent n graphs and sees at least n here knows their outcome without waiting on a timer.
   */
  public long graphsReadWhenSettled() {
    return graphsReadWhenSettled;
  }

  public long emitted() {
    return emitted.get();
  }

  public long skipped() {
    return skipped.get();
  }

  public long deadLettered() {
    return deadLettered.get();
  }

  /** File writes that failed so far (a full or read-only disk); each is retried. */
  public long fileErrors() {
    return metrics.fileErrors();
  }

  /** Workloads whose files are behind the topic now, waiting for the disk. */
  public int unwrittenFiles() {
    return metrics.unwrittenNow();
  }

  public Path outDir() {
    return files.root();
  }

  /** Waits until the generator stops; rethrows what stopped it, if anything did. */
  public void awaitStop() throws InterruptedException {
    stopped.await();
    if (failure != null) {
      throw new IllegalStateException("sidecar-generator failed: " + failure.getMessage(), failure);
    }
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      stopped.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    consumer.close(Duration.ofSeconds(5));
    producer.close(Duration.ofSeconds(10));
    log.info("sidecar-generator stopped: {} graphs read, {} Sidecars emitted, {} skipped, {} dead-lettered",
        graphsRead.get(), emitted.get(), skipped.get(), deadLettered.get());
  }
}
