package io.meshscope.analyzer;

import com.sun.net.httpserver.HttpServer;
import io.meshscope.analyzer.http.GraphQueryServer;
import io.meshscope.analyzer.streams.AnalyzerSettings;
import io.meshscope.analyzer.streams.AnalyzerTopology;
import io.meshscope.analyzer.streams.StreamsProperties;
import io.meshscope.kit.TopicAdmin;
import io.meshscope.schemas.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.ProcessorStateException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The analyzer process: the Kafka Streams application and its query endpoint. */
public final class Analyzer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Analyzer.class);

  private final KafkaStreams streams;
  private final GraphQueryServer http;
  private final CountDownLatch stopped;

  private Analyzer(KafkaStreams streams, GraphQueryServer http) {
    this(streams, http, new CountDownLatch(1));
  }

  private Analyzer(KafkaStreams streams, GraphQueryServer http, CountDownLatch stopped) {
    this.streams = streams;
    this.http = http;
    this.stopped = stopped;
  }

  public static Analyzer start(AnalyzerConfig config) {
    log.info("analyzer starting: {}", config.describe());
    int accessLogPartitions = ensureTopics(config);
    HttpServer httpServer = null;
    String applicationServer = null;
    try {
      if (config.httpPort() >= 0) {
        httpServer = GraphQueryServer.bind(config.httpPort());
        applicationServer = config.advertisedHost() + ":" + httpServer.getAddress().getPort();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on http.port " + config.httpPort() + ": " + e.getMessage(), e);
    }
    AnalyzerSettings s = config.settings();
    Duration wait = STATE_RETRY_FIRST;
    while (true) {
      KafkaStreams streams = new KafkaStreams(AnalyzerTopology.build(s, accessLogPartitions),
          StreamsProperties.of(config.bootstrapServers(), config.stateDir(), s.deadLetterTopic(), applicationServer,
              config.streams()));
      Analyzer analyzer = new Analyzer(streams, null);
      streams.setStateListener((now, before) -> {
        log.info("analyzer streams {} -> {}", before, now);
        if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.NOT_RUNNING) {
          analyzer.stopped.countDown();
        }
      });
      streams.setUncaughtExceptionHandler(e -> {
        log.error("analyzer stream thread failed; replacing it", e);
        return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse
            .REPLACE_THREAD;
      });
      try {
        streams.start();
      } catch (ProcessorStateException e) {
        // Opening the stores of the tasks found on disk failed: a full or read-only state
        // directory. Exiting would only make a crash loop; the state is safe in the changelog
        // topics, so wait for the disk and try again (docs/reliability.md, "Faults").
        streams.close(Duration.ofSeconds(10));
        stateOpenFailures.incrementAndGet();
        log.error("cannot open the analyzer's state in {} ({}: {}); a full or read-only disk? Nothing is lost: "
                + "the state is in Kafka. Trying again in {} s", config.stateDir(), e.getMessage(),
            rootCause(e).getMessage(), wait.toSeconds());
        sleep(wait);
        wait = wait.multipliedBy(2).compareTo(STATE_RETRY_MAX) > 0 ? STATE_RETRY_MAX : wait.multipliedBy(2);
        continue;
      }
      GraphQueryServer http = null;
      if (httpServer != null) {
        HostInfo self = new HostInfo(config.advertisedHost(), httpServer.getAddress().getPort());
        http = new GraphQueryServer(streams, httpServer, self, Clock.systemUTC());
      }
      return started(new Analyzer(streams, http, analyzer.stopped), config);
    }
  }

  /** How long the first retry of an unusable state directory waits; it doubles up to the most. */
  static final Duration STATE_RETRY_FIRST = Duration.ofSeconds(2);
  static final Duration STATE_RETRY_MAX = Duration.ofSeconds(15);
  private static final AtomicLong stateOpenFailures = new AtomicLong();

  /** Starts in this process that found the state directory unusable and waited for it. */
  public static long stateOpenFailures() {
    return stateOpenFailures.get();
  }

  private static Throwable rootCause(Throwable t) {
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t;
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the state directory", e);
    }
  }

  private static Analyzer started(Analyzer analyzer, AnalyzerConfig config) {
    GraphQueryServer http = analyzer.http;
    if (http != null) {
      http.start();
      log.info("analyzer graph queries on http://{}:{}/graphs", config.advertisedHost(), http.port());
    }
    return analyzer;
  }

  /**
   * Creates the topics the analyzer writes, with their contract settings, where they are missing,
   * with as many partitions as the access-log topic (the directory must be readable as a table by
   * every instance; the graph topic's partitions are where downstream consumers scale).
   *
   * @return the access-log topic's partition count
   */
  static int ensureTopics(AnalyzerConfig config) {
    AnalyzerSettings s = config.settings();
    // The Streams overrides carry the cluster's client settings (TLS, SASL): the Admin client needs them too.
    Map<String, Object> adminConfig = new HashMap<>(config.streams());
    adminConfig.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    try (Admin admin = Admin.create(adminConfig)) {
      int partitions;
      try {
        partitions = admin.describeTopics(List.of(s.accessLogTopic())).allTopicNames().get(30, TimeUnit.SECONDS)
            .get(s.accessLogTopic()).partitions().size();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while checking topics", e);
      } catch (ExecutionException | TimeoutException e) {
        throw new IllegalStateException("cannot read topic " + s.accessLogTopic() + " on " + config.bootstrapServers()
            + " (does it exist?): " + e.getMessage(), e);
      }
      List<String> created = TopicAdmin.ensure(admin, config.bootstrapServers(), List.of(
          Topics.dependencyGraphs().named(s.graphTopic()), Topics.deadLetters().named(s.deadLetterTopic()),
          AnalyzerTopology.directory(s.directoryTopic())), partitions);
      if (!created.isEmpty()) {
        log.info("created topics {}", created);
      }
      return partitions;
    }
  }

  public KafkaStreams streams() {
    return streams;
  }

  public int httpPort() {
    return http == null ? -1 : http.port();
  }

  public void awaitStop() throws InterruptedException {
    stopped.await();
  }

  @Override
  public void close() {
    if (http != null) {
      http.close();
    }
    // Leave the group: a restarted or replacing instance then gets the partitions at once instead of
    // after the session timeout (45 s by default).
    streams.close(CloseOptions.timeout(Duration.ofSeconds(30)).withGroupMembershipOperation(
        CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
    stopped.countDown();
    log.info("analyzer stopped");
  }
}
